"""The Audit log screen: every audit event, newest first, read-only.

Filters by record type, operator and text run in SQL; the table pages in as it scrolls. The
event under the cursor is shown in full below the table, each changed field as old → new.
"Verify audit trail" re-checks the hash chain and says whether it is intact.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import short_date_time
from crag_desktop.services.audit_log import AuditLog, AuditQuery, AuditRow
from crag_desktop.services.changes import Changes
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.audit import (
    ACTIONS,
    RECORD_TYPES,
    AuditTableModel,
    action_text,
    change_lines,
    record_text,
    record_type_text,
)
from crag_desktop.ui.views.filter_bar import FILTER_SPACING, FlowLayout, labelled
from crag_desktop.ui.widgets import ErrorLabel, SearchBox, UkDateEdit, row_picker_table

__all__ = ["AuditScreen", "create_screen", "describe_event"]

#: Checks the trail and returns one sentence per problem (empty when intact).
Verifier = Callable[[], Sequence[str]]


def describe_event(event: AuditRow) -> str:
    """The whole event as text: who, when, what, why, and each field old → new."""
    at = short_date_time(event.at.astimezone(), seconds=True) if event.at.tzinfo else str(event.at)
    record = record_type_text(event.record_type)
    if event.record_id:
        shown = record_text(event)
        # The id stays in the full text: it is what matches the trail to the database.
        record += f" {shown}" if shown == event.record_id else f" {shown} (id {event.record_id})"
    lines = [
        f"Event {event.seq}: {action_text(event.action)} {record}",
        f"By {event.operator} on {at}",
    ]
    if event.reason:
        lines.append(f"Reason: {event.reason}")
    changes = change_lines(event)
    if changes:
        lines.append("")
        lines.append("Changes (old → new):")
        lines.extend(f"  {line}" for line in changes)
    return "\n".join(lines)


class AuditScreen(QWidget):
    """The audit trail, newest first, with filters and the chain check."""

    def __init__(
        self,
        *,
        log: AuditLog,
        verify: Verifier,
        prompter: Prompter,
        operator: Callable[[], str] | None = None,
        search_delay_ms: int = 250,
        page_size: int = 200,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._log = log
        self._verify = verify
        self._prompter = prompter
        self._operator = operator
        # Only after the first refresh (after unlock): showing a locked app reads nothing.
        self._loaded = False
        self.model = AuditTableModel(log=log, page_size=page_size)

        heading = QLabel("Audit log")
        heading.setProperty("role", "title")
        filter_box = self._build_filters(search_delay_ms)
        actions = self._build_actions()
        self._build_table()
        splitter = self._build_detail()

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(filter_box)
        layout.addLayout(actions)
        layout.addWidget(self.verify_error)
        layout.addWidget(splitter, 1)
        self.setFocusProxy(self.table)
        self._update_count()

    def _build_filters(self, search_delay_ms: int) -> QWidget:
        """The search box and the filters by record type, operator, action and dates."""
        self.search_box = SearchBox(
            placeholder="Search record ids, changed values and reasons", delay_ms=search_delay_ms
        )
        self.search_box.search_changed.connect(lambda _text: self._apply_filters())
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Filter by record type")
        self.type_combo.setMinimumWidth(160)
        self.type_combo.addItem("All record types", None)
        for code, text in sorted(RECORD_TYPES.items(), key=lambda item: item[1]):
            self.type_combo.addItem(text, code)
        self.type_combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.operator_combo = QComboBox()
        self.operator_combo.setAccessibleName("Filter by operator")
        self.operator_combo.setEditable(True)
        self.operator_combo.setMinimumWidth(180)
        self.operator_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.operator_combo.addItem("")
        line = self.operator_combo.lineEdit()
        assert line is not None
        line.setPlaceholderText("Any operator")
        line.editingFinished.connect(self._apply_filters)
        self.operator_combo.activated.connect(lambda _i: self._apply_filters())
        self.action_combo = QComboBox()
        self.action_combo.setAccessibleName("Filter by action")
        self.action_combo.addItem("All actions", None)
        for code, text in sorted(ACTIONS.items(), key=lambda item: item[1]):
            self.action_combo.addItem(text, code)
        self.action_combo.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.since_edit = UkDateEdit(accessible_name="Events from this day")
        self.until_edit = UkDateEdit(accessible_name="Events up to this day")
        for edit in (self.since_edit, self.until_edit):
            edit.value_changed.connect(lambda _v: self._apply_filters())
        action_label = QLabel("Act&ion:")
        action_label.setBuddy(self.action_combo)
        since_label = QLabel("Fro&m:")
        since_label.setBuddy(self.since_edit)
        until_label = QLabel("T&o:")
        until_label.setBuddy(self.until_edit)
        type_label = QLabel("&Record type:")
        type_label.setBuddy(self.type_combo)
        operator_label = QLabel("O&perator:")
        operator_label.setBuddy(self.operator_combo)
        # One bar that wraps onto further lines when the window is narrow (1024 px), each
        # label kept with its field: in fixed rows the search box was squeezed under the
        # "Record type:" label and the window could not be made narrower than 1157 px.
        self.search_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.search_box.setMinimumWidth(self.search_box.fontMetrics().averageCharWidth() * 28)
        filters = FlowLayout(spacing=FILTER_SPACING)
        filters.addWidget(self.search_box)
        for label, field in (
            (type_label, self.type_combo),
            (operator_label, self.operator_combo),
            (action_label, self.action_combo),
            (since_label, self.since_edit),
            (until_label, self.until_edit),
        ):
            filters.addWidget(labelled(label, field))
        filter_box = QWidget()
        filter_box.setLayout(filters)
        filter_box.setAccessibleName("Search and filter the audit log")
        return filter_box

    def _build_actions(self) -> QHBoxLayout:
        """Verify audit trail, what it found, and how many events are listed."""
        self.verify_button = QPushButton("Verify audit &trail")
        self.verify_button.setToolTip(
            "Check that no audit event was altered, removed or reordered since it was written"
        )
        self.verify_button.clicked.connect(self.verify_trail)
        self.verify_label = QLabel()
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_error = ErrorLabel()
        self.count_label = QLabel()
        self.count_label.setProperty("role", "subtitle")
        self.count_label.setAccessibleName("Number of audit events")
        actions = QHBoxLayout()
        actions.addWidget(self.verify_button)
        actions.addWidget(self.verify_label, 1)
        actions.addWidget(self.count_label)
        return actions

    def _build_table(self) -> None:
        """The events, newest first, their fixed-list columns as wide as the longest entry."""
        self.table = row_picker_table(self.model, accessible_name="Audit events, newest first")
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(28)
        self.table.horizontalHeader().setStretchLastSection(True)
        # Actions and record types come from short fixed lists: their columns fit the
        # longest ("Wrong passphrase", "Recommendation") rather than cutting them.
        metrics = self.table.fontMetrics()
        margin = 2 * metrics.averageCharWidth() + 8

        def widest(texts: Iterable[str]) -> int:
            return max(metrics.horizontalAdvance(text) for text in texts) + margin

        for column, width in (
            (AuditTableModel.Column.SEQ, 60),
            (AuditTableModel.Column.WHEN, 150),
            (AuditTableModel.Column.OPERATOR, 130),
            (AuditTableModel.Column.ACTION, widest(ACTIONS.values())),
            (AuditTableModel.Column.RECORD_TYPE, widest(RECORD_TYPES.values())),
            (AuditTableModel.Column.RECORD_ID, 220),
            (AuditTableModel.Column.CHANGES, 300),
        ):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.model.modelReset.connect(self._model_reset)
        self.model.rowsInserted.connect(lambda *_: self._update_count())

    def _build_detail(self) -> QSplitter:
        """The chosen event in full, under the list."""
        self.detail = QPlainTextEdit()
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("The chosen audit event in full")
        self.detail.setPlaceholderText("Choose an event to see every field it changed.")
        self.detail.setTabChangesFocus(True)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        return splitter

    @property
    def title(self) -> str:
        """The screen's name."""
        return "Audit log"

    # --- Screen protocol -------------------------------------------------------------------

    def refresh(self, changes: Changes | None) -> None:
        """Reload from the newest, whatever `changes` names (or does not): every change,
        export and print writes an audit event, so no kind of change may be skipped."""
        del changes
        if self.isVisible():
            self.reload()
        else:
            # Read when it next comes into view (`showEvent` reads it then anyway): reading
            # the newest page at every save elsewhere cost a third of the save.
            self._loaded = True

    def showEvent(self, event: QShowEvent) -> None:
        """Reload whenever the screen comes into view: exports, prints and unlocks add
        events without telling the screens, and the log must never look out of date."""
        super().showEvent(event)
        if not event.spontaneous() and self._loaded:
            self.reload()

    def reload(self) -> None:
        """Read the trail again from the newest event."""
        self._loaded = True
        try:
            self.model.reload(keep_loaded=False)
        except CragError as error:
            self._prompter.error("Audit log", str(error))
            return
        if self._operator is not None:
            self._offer_operator(self._operator())

    def clear(self) -> None:
        """Forget every event shown (the app is locking)."""
        self._loaded = False
        self.model.clear()
        self.detail.clear()
        self.verify_label.clear()
        self.verify_error.clear_error()
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)

    # --- public API ------------------------------------------------------------------------

    def apply_query(self, query: AuditQuery) -> None:
        """Show the events `query` asks for, with the filters set to match."""
        widgets = (
            self.type_combo,
            self.operator_combo,
            self.search_box,
            self.action_combo,
            self.since_edit,
            self.until_edit,
        )
        for combo in widgets:
            combo.blockSignals(True)
        self.type_combo.setCurrentIndex(max(self.type_combo.findData(query.record_type), 0))
        self.action_combo.setCurrentIndex(max(self.action_combo.findData(query.action), 0))
        self.since_edit.set_value(query.since)
        self.until_edit.set_value(query.until)
        self.operator_combo.setEditText(query.operator or "")
        self.search_box.setText(query.text)
        for combo in widgets:
            combo.blockSignals(False)
        self.model.set_query(query)

    def verify_trail(self) -> bool:
        """Check the hash chain; say "intact" or list each problem. True when intact."""
        try:
            problems = list(self._verify())
            count = self._log.count(AuditQuery())
        except CragError as error:
            self._prompter.error("The audit trail could not be checked", str(error))
            return False
        if not problems:
            self.verify_error.clear_error()
            noun = "event" if count == 1 else "events"
            self.verify_label.setText(
                f"✔ The audit trail is intact: {count:,} {noun} checked, none altered, "
                "removed or reordered."
            )
            return True
        self.verify_label.setText("")
        self.verify_error.show_error(
            "The audit trail is NOT intact. Restore the database from a backup and tell the "
            "board manager.\n" + "\n".join(problems)
        )
        return False

    # --- internals -------------------------------------------------------------------------

    def _apply_filters(self) -> None:
        operator = self.operator_combo.currentText().strip() or None
        query = dataclasses.replace(
            self.model.query,
            record_type=self.type_combo.currentData(),
            operator=operator,
            text=self.search_box.text().strip(),
            action=self.action_combo.currentData(),
            since=self.since_edit.value(),
            until=self.until_edit.value(),
        )
        if query != self.model.query:
            self.model.set_query(query)

    def _offer_operator(self, name: str) -> None:
        if name and self.operator_combo.findText(name) < 0:
            self.operator_combo.blockSignals(True)
            self.operator_combo.addItem(name)
            self.operator_combo.blockSignals(False)

    def _model_reset(self) -> None:
        self.detail.clear()
        self._update_count()
        if self.model.rowCount() > 0:
            self.table.setCurrentIndex(self.model.index(0, 0))

    def _update_count(self) -> None:
        total = self.model.total
        self.count_label.setText(f"{total:,} event" if total == 1 else f"{total:,} events")

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.detail.clear()
            return
        self.detail.setPlainText(describe_event(self.model.event_at(current.row())))


def create_screen(context: ScreenContext) -> AuditScreen:
    """The screen for app.py, over whichever database is open."""
    log = AuditLog(db=open_database(context))
    return AuditScreen(
        log=log,
        verify=log.verify,
        prompter=context.prompter,
        operator=lambda: context.current.operator,
    )
