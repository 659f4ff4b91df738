"""Offering back unsaved work: one flow for the record forms and the criteria wizard.

Both autosave what is typed as a draft. Opened again on the same record (or on a new one
while a new one's draft waits), each finds the draft, says when the work dates from and asks
whether to delete it. Losing the work must be a deliberate choice: Yes deletes the draft;
the default answer, No (Escape too), keeps it, and the editor puts it back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crag_desktop.domain.wording import short_date_time
from crag_desktop.services.drafts import Draft, DraftService
from crag_desktop.ui.prompts import Prompter

__all__ = ["DraftOffer"]


@dataclass(frozen=True, slots=True)
class DraftOffer:
    """How one kind of editor offers its drafts back, in its own words."""

    drafts: DraftService
    prompter: Prompter
    #: The question's window title ("Unsaved work found").
    title: str
    #: The question, from the draft and when it was last saved ("5 December 2026 at 14:05").
    question: Callable[[Draft, str], str]

    def take_back(self, *, key: str = "", newest_under: str = "") -> Draft | None:
        """The draft to put back: the one saved under `key`, or the newest whose key starts
        with `newest_under` (a new record's), if the user keeps it. None when there is none,
        or when the user chose to delete it (it is deleted). CragError when the drafts
        cannot be read or deleted."""
        if newest_under:
            waiting = [d for d in self.drafts.pending() if d.key.startswith(newest_under)]
            if not waiting:
                return None
            key = waiting[0].key
        draft = self.drafts.load(key)
        if draft is None:
            return None
        when = short_date_time(draft.updated_at.astimezone(), joiner=" at ")
        if self.prompter.confirm(self.question(draft, when), title=self.title):
            self.drafts.discard(draft.key)
            return None
        return draft
