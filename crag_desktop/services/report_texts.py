"""The annual report's narrative texts, per year and section, as the editor uses them.

Service API: `ReportTextService(db=...)`: `texts_for(year)` and `save(year, section, text)`;
each change goes through `RecordService`, so it is validated and audited like any record.
"""

from __future__ import annotations

from crag_desktop.domain.records import ReportText
from crag_desktop.domain.vocabulary import ReportSection
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.services.records import RecordService
from crag_desktop.storage import repositories


class ReportTextService:
    """Read and write one year's narrative sections."""

    def __init__(self, *, db: Database) -> None:
        self._db = db
        self._records = RecordService(db=db)

    def texts_for(self, year: int) -> dict[ReportSection, str]:
        """The written sections of `year` (a section nobody wrote is absent)."""
        with self._db.unit_of_work() as session:
            texts = repositories.list_report_texts(session, year=year)
        return {t.section: t.text for t in texts}

    def save(self, year: int, section: ReportSection, text: str) -> Changes | None:
        """Save the section's text; an empty text removes it (the report then prints the
        template). Returns None when nothing changed."""
        current = self.texts_for(year).get(section)
        if not text.strip():
            if current is None:
                return None
            return self._records.delete(ReportText, f"{year}/{section.value}")
        if current == text:
            return None
        return self._records.save(ReportText(year=year, section=section, text=text))
