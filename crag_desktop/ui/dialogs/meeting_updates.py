"""Progress updates at a meeting: choose the meeting, tick the items discussed, write each
update (or one shared note, then edit each), and record them all at once.

One progress update is appended per ticked item, dated the meeting's day and linked to the
meeting, in one transaction (all or nothing); nothing is stored until "Record updates".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.vocabulary import MonitoringGroup, RecommendationStatus
from crag_desktop.services.recommendation_list import RecommendationList, RecommendationQuery
from crag_desktop.services.records import ProgressUpdate, RecordService
from crag_desktop.ui.forms.fields import choice_combo, combo_code, set_combo_code
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.meeting_items import MeetingItemsModel
from crag_desktop.ui.widgets import ErrorLabel, row_picker_table

__all__ = ["MeetingUpdatesDialog"]

#: How many problems the refusal lists before saying how many more there are.
_SHOWN_PROBLEMS = 12


class MeetingUpdatesDialog(QDialog):
    """The bulk update of the recommendations tracker at a meeting."""

    #: The updates were stored: the `Changes` for every screen to refresh from.
    recorded = Signal(object)

    def __init__(
        self,
        *,
        records: RecordService,
        recommendations: RecommendationList,
        prompter: Prompter,
        meeting_id: str | None = None,
        today: Callable[[], date] = date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self._more = False
        self._records = records
        self._recommendations = recommendations
        self._prompter = prompter
        self.setWindowTitle("Progress updates at a meeting")
        # Fits a 1024x700 screen with the window frame around it.
        self.resize(980, 640)

        self._build_choices()
        self._build_table()
        self._build_item_editor()
        self._build_buttons()
        self._lay_out()

        self._load_choices(meeting_id)
        for combo in (self.group_filter, self.agency_filter):
            combo.currentIndexChanged.connect(lambda _i: self.reload())
        for box in (self.overdue_only, self.include_closed):
            box.toggled.connect(lambda _on: self.reload())
        self.model.dataChanged.connect(lambda *_: self._update_count())
        self.model.modelReset.connect(self._update_count)
        self.reload()
        self.table.setFocus()

    def _build_choices(self) -> None:
        """The meeting, who gave the updates, and the filters of the list."""
        self.meeting = QComboBox()
        self.meeting.setAccessibleName("Meeting")
        self.given_by = QComboBox()
        self.given_by.setAccessibleName("Updates given by")
        self.given_by.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.given_by.setMinimumContentsLength(18)
        self.group_filter = QComboBox()
        self.group_filter.addItem("All groups", None)
        for group in MonitoringGroup:
            self.group_filter.addItem(group.label, group.value)
        self.group_filter.setAccessibleName("Monitored by")
        self.agency_filter = QComboBox()
        self.agency_filter.setAccessibleName("Lead agency")
        self.agency_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.agency_filter.setMinimumContentsLength(16)
        self.overdue_only = QCheckBox("&Overdue only")
        self.include_closed = QCheckBox("Include c&losed")
        self.include_closed.setToolTip(
            "Also list recommendations completed, verified, with impact evidenced or not "
            "implemented"
        )

    def _build_table(self) -> None:
        """The items the meeting may discuss, one row each, ticked with Space."""
        self.model = MeetingItemsModel(parent=self)
        self.table = row_picker_table(self.model, accessible_name="Items the meeting may discuss")
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        column = MeetingItemsModel.Column
        for kind, width in (
            (column.DISCUSSED, 94),
            (column.ITEM, 215),
            (column.LATEST, 150),
            (column.PROPOSED, 90),
            (column.NOTE, 130),
        ):
            header.resizeSection(kind, width)
        header.setSectionResizeMode(column.ACTION, QHeaderView.ResizeMode.Stretch)
        self.table.installEventFilter(self)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Items ticked")

    def _build_item_editor(self) -> None:
        """The shared note, and the chosen item's proposed status and note."""
        self.shared_note = QLineEdit()
        self.shared_note.setPlaceholderText("What the meeting heard, for every item ticked")
        self.shared_note.setAccessibleName("Shared note")
        self.copy_button = QPushButton("Cop&y to ticked items")
        self.copy_button.setToolTip("Put the shared note in every ticked item's note")
        self.copy_button.clicked.connect(self.copy_shared_note)
        self.current_heading = QLabel()
        self.current_heading.setWordWrap(True)
        self.current_heading.setAccessibleName("Item chosen")
        self.current_status = choice_combo(RecommendationStatus)
        self.current_status.setAccessibleName("Proposed status of the item")
        self.current_note = QLineEdit()
        self.current_note.setAccessibleName("Update note of the item")
        self.current_note.setPlaceholderText("The update for this item")
        self.current_status.currentIndexChanged.connect(lambda _i: self._status_edited())
        self.current_note.textEdited.connect(self._note_edited)
        self.error_label = ErrorLabel()

    def _build_buttons(self) -> None:
        """Record updates, Cancel."""
        self.buttons = QDialogButtonBox()
        self.record_button = self.buttons.addButton(
            "&Record updates", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.record)
        self.buttons.rejected.connect(self.reject)

    def _lay_out(self) -> None:
        """The choices above the list, the notes below it, the buttons last."""
        top = QGridLayout()
        top.addWidget(_label("Meeti&ng:", self.meeting), 0, 0)
        top.addWidget(self.meeting, 0, 1)
        top.addWidget(_label("Gi&ven by:", self.given_by), 0, 2)
        top.addWidget(self.given_by, 0, 3)
        top.setColumnStretch(1, 1)
        top.setColumnStretch(3, 1)
        filters = QHBoxLayout()
        filters.addWidget(_label("&Monitored by:", self.group_filter))
        filters.addWidget(self.group_filter)
        filters.addWidget(_label("Lead &agency:", self.agency_filter))
        filters.addWidget(self.agency_filter, 1)
        filters.addWidget(self.overdue_only)
        filters.addWidget(self.include_closed)
        shared = QHBoxLayout()
        shared.addWidget(_label("S&hared note:", self.shared_note))
        shared.addWidget(self.shared_note, 1)
        shared.addWidget(self.copy_button)
        current = QGridLayout()
        current.addWidget(self.current_heading, 0, 0, 1, 4)
        current.addWidget(_label("Proposed s&tatus:", self.current_status), 1, 0)
        current.addWidget(self.current_status, 1, 1)
        current.addWidget(_label("&Update note:", self.current_note), 1, 2)
        current.addWidget(self.current_note, 1, 3)
        current.setColumnStretch(3, 1)
        hint = QLabel(
            "Space ticks the item under the cursor. Ticking an item starts its note with the "
            "shared note; edit each below. Each update is dated the meeting's day."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(hint)
        layout.addLayout(shared)
        layout.addLayout(current)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    # --- public API ---------------------------------------------------------------------------

    def reload(self) -> None:
        """List the items the filters choose; what was typed stays with each item."""
        current = self._current_row()
        key = None
        if current is not None:
            item = self.model.row_at(current)
            key = (item.recommendation_id, item.action_id)
        group = combo_code(self.group_filter)
        query = RecommendationQuery(
            monitoring_group=None if group is None else MonitoringGroup(group),
            lead_agency=combo_code(self.agency_filter),
            overdue_on=self._today() if self.overdue_only.isChecked() else None,
        )
        try:
            items, more = self._recommendations.meeting_items(
                query, include_closed=self.include_closed.isChecked()
            )
        except CragError as error:
            self._prompter.error("The items could not be listed", str(error))
            return
        self.model.set_items(items)
        self._more = more
        row = self.model.row_of(*key) if key is not None else None
        if self.model.rowCount():
            self.table.selectRow(row if row is not None else 0)
        self._show_current()
        self._update_count()

    def tick(self, row: int, ticked: bool = True) -> None:
        """Tick (or untick) the item at `row`; a ticked item with no note takes the shared one."""
        self.model.set_ticked(row, ticked)
        shared = self.shared_note.text().strip()
        if ticked and shared and not self.model.note_of(row).strip():
            self.model.set_note(row, shared)
        if row == self._current_row():
            self._show_current()

    def copy_shared_note(self) -> None:
        """Put the shared note in every ticked item's note (to be edited item by item)."""
        shared = self.shared_note.text().strip()
        if not shared:
            self.error_label.show_error("Type the shared note first, then copy it.")
            self.shared_note.setFocus()
            return
        self.error_label.clear_error()
        for row in range(self.model.rowCount()):
            if self.model.is_ticked(row):
                self.model.set_note(row, shared)
        self._show_current()

    def record(self) -> None:
        """Append one update per ticked item, linked to the meeting, in one transaction."""
        self.error_label.clear_error()
        meeting_id = combo_code(self.meeting)
        if meeting_id is None:
            self.error_label.show_error(
                "Choose the meeting first (add it on the Meetings screen if it is not listed)."
            )
            self.meeting.setFocus()
            return
        entries = [
            ProgressUpdate(
                recommendation_id=item.recommendation_id,
                action_id=item.action_id,
                status=status,
                note=note,
                label=item.label,
            )
            for item, status, note in self.model.ticked()
        ]
        try:
            changes = self._records.add_meeting_updates(
                meeting_id, entries, by=combo_code(self.given_by)
            )
        except ValidationFailed as failed:
            lines = [error.message for error in failed.errors[:_SHOWN_PROBLEMS]]
            more = len(failed.errors) - len(lines)
            if more > 0:
                lines.append(f"… and {more} more.")
            self.error_label.show_error(
                "Nothing was recorded; put these right and record again:\n" + "\n".join(lines)
            )
            return
        except CragError as error:
            self._prompter.error("The updates were not recorded", str(error))
            return
        self.model.clear_typing()
        self.recorded.emit(changes)
        self.accept()

    def reject(self) -> None:
        """Close, asking first when items are ticked or notes typed."""
        if self.model.has_typing() and not self._prompter.confirm(
            "Close without recording the updates ticked and typed? They will be lost.",
            title="Progress updates at a meeting",
        ):
            return
        self.model.clear_typing()
        super().reject()

    def discard(self) -> None:
        """Close without asking, forgetting what was typed (the app is locking)."""
        self.model.clear_typing()
        super().reject()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Space in the table ticks or unticks the item under the cursor."""
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Space
        ):
            row = self._current_row()
            if row is not None:
                self.tick(row, not self.model.is_ticked(row))
            return True
        return super().eventFilter(watched, event)

    # --- internals ----------------------------------------------------------------------------

    def _load_choices(self, meeting_id: str | None) -> None:
        try:
            meetings = self._records.meetings()
            members = self._records.members()
            agencies = self._records.agencies()
        except CragError as error:
            self._prompter.error("The meetings could not be listed", str(error))
            meetings, members, agencies = [], [], []
        self.meeting.addItem("Choose the meeting", None)
        for choice in meetings:
            self.meeting.addItem(f"Meeting of {choice.label}", choice.id)
        # The meeting asked for, else the newest: updates are usually typed on the day.
        set_combo_code(self.meeting, meeting_id or (meetings[0].id if meetings else None))
        self.given_by.addItem("Not recorded", None)
        for member in members:
            label = f"{member.name} ({member.role})" if member.role else member.name
            self.given_by.addItem(label, member.id)
        self.agency_filter.addItem("All agencies", None)
        for agency in agencies:
            self.agency_filter.addItem(agency.name, agency.id)

    def _current_row(self) -> int | None:
        row = self.table.currentIndex().row()
        return row if 0 <= row < self.model.rowCount() else None

    def _show_current(self) -> None:
        row = self._current_row()
        enabled = row is not None
        self.current_status.setEnabled(enabled)
        self.current_note.setEnabled(enabled)
        blocked = (self.current_status.blockSignals(True), self.current_note.blockSignals(True))
        if row is None:
            self.current_heading.setText("No item is listed: change the filters above.")
            set_combo_code(self.current_status, None)
            self.current_note.setText("")
        else:
            item = self.model.row_at(row)
            state = "ticked" if self.model.is_ticked(row) else "not ticked"
            self.current_heading.setText(
                f"{item.label} ({state}): {item.action_description.strip()} — "
                f"{item.owner_agency_name}"
            )
            set_combo_code(self.current_status, self.model.status_of(row).value)
            self.current_note.setText(self.model.note_of(row))
        self.current_status.blockSignals(blocked[0])
        self.current_note.blockSignals(blocked[1])

    def _status_edited(self) -> None:
        row = self._current_row()
        code = combo_code(self.current_status)
        if row is not None and code is not None:
            self.model.set_status(row, RecommendationStatus(code))

    def _note_edited(self, text: str) -> None:
        row = self._current_row()
        if row is None:
            return
        self.model.set_note(row, text)
        # Writing an item's update means it was discussed.
        if text.strip() and not self.model.is_ticked(row):
            self.model.set_ticked(row, True)
            self._show_current()

    def _update_count(self) -> None:
        ticked = len(self.model.ticked())
        shown = self.model.rowCount()
        text = f"{ticked} item{'s' if ticked != 1 else ''} ticked; {shown} listed"
        if self._more:
            text += " (more match: narrow the filters)"
        self.count_label.setText(text + ".")
        self.record_button.setText(
            f"&Record {ticked} update{'s' if ticked != 1 else ''}" if ticked else "&Record updates"
        )


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label
