"""Finding a referral by reference or name for a report: a search of the database that
lists the first matches, never a list of every referral."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralRow, ReferralSort
from crag_desktop.ui.widgets import SearchBox

#: How many referrals the decision record's search lists at once: enough to choose from,
#: few enough that a search over 100,000 referrals stays instant.
MATCHES_SHOWN = 20

_REFERRAL_ROLE = Qt.ItemDataRole.UserRole
_REFERENCE_ROLE = Qt.ItemDataRole.UserRole + 1


class ReferralPicker(QWidget):
    """Find a referral by reference or name: a search of the database that lists the first
    matches, never a list of every referral."""

    def __init__(self, *, referrals: ReferralList, search_delay_ms: int = 200) -> None:
        super().__init__()
        self._referrals = referrals
        self.search_box = SearchBox(
            placeholder="Reference or name of the referral", delay_ms=search_delay_ms
        )
        self.search_box.setMinimumWidth(0)
        self.search_box.search_changed.connect(self.search)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Referrals found")
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matches.setUniformItemSizes(True)
        # Two short lines per referral, cut with "…" rather than scrolled sideways.
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matches.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setProperty("role", "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search_box)
        layout.addWidget(self.matches, 1)
        layout.addWidget(self.hint)
        self.search_box.installEventFilter(self)
        self._searched: str | None = None

    def eventFilter(self, watched: object, event: object) -> bool:
        """Down from the search box moves into the matches, as in a completer."""
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.search_box
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.matches.count()
        ):
            self.matches.setFocus()
            if self.matches.currentRow() < 0:
                self.matches.setCurrentRow(0)
            return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    @property
    def chosen_id(self) -> str | None:
        """The referral chosen in the list."""
        item = self.matches.currentItem()
        return str(item.data(_REFERRAL_ROLE)) if item is not None else None

    @property
    def chosen_reference(self) -> str:
        """The chosen referral's reference ("" when none)."""
        item = self.matches.currentItem()
        return str(item.data(_REFERENCE_ROLE)) if item is not None else ""

    def search(self, text: str | None = None) -> None:
        """List the first referrals whose reference, name or summary holds `text` (the most
        recently received when empty)."""
        text = (self.search_box.text() if text is None else text).strip()
        self._searched = text
        query = (
            ReferralQuery(text=text, sort=ReferralSort.REFERENCE)
            if text
            else ReferralQuery(sort=ReferralSort.RECEIVED, descending=True)
        )
        try:
            rows = self._referrals.page(query, limit=MATCHES_SHOWN + 1)
        except CragError as error:
            self.hint.setText(str(error))
            return
        keep = self.chosen_id
        self.matches.clear()
        for row in rows[:MATCHES_SHOWN]:
            item = QListWidgetItem(_referral_line(row))
            item.setData(_REFERRAL_ROLE, row.id)
            item.setData(_REFERENCE_ROLE, row.reference)
            item.setToolTip(_referral_line(row).replace("\n", ": "))
            self.matches.addItem(item)
            if row.id == keep:
                self.matches.setCurrentItem(item)
        if not rows:
            self.hint.setText(f"No referral matches “{text}”.")
        elif len(rows) > MATCHES_SHOWN:
            self.hint.setText(f"The first {MATCHES_SHOWN} matches: type more to narrow them.")
        elif not text:
            self.hint.setText("The most recently received; type to search them all.")
        else:
            self.hint.setText("")
        if self.matches.currentRow() < 0 and self.matches.count():
            self.matches.setCurrentRow(0)

    def clear(self) -> None:
        """Forget the search and the referrals listed (the app is locking)."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.matches.clear()
        self.hint.clear()
        self._searched = None

    @property
    def searched(self) -> bool:
        """Whether the list has been filled since the last clear."""
        return self._searched is not None


def _referral_line(row: ReferralRow) -> str:
    decided = "No decision yet" if row.decided_outcome is None else row.decided_outcome.label
    return f"{row.reference} · {row.case_name}\n{decided}"
