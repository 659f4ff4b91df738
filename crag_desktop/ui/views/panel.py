"""The National Panel loop: decisions waiting on the Panel (or on the Board's reply), with
their age, and a form to record what was sent and what came back.

The list shows the open loops by default and says so; "All decisions sent or due" brings
back the answered and contested ones, with the Board's reply."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.vocabulary import PanelResponse
from crag_desktop.services.changes import Changes
from crag_desktop.services.decisions import AwaitingPanelRow, DecisionService
from crag_desktop.ui.prompts import Prompter
from crag_desktop.ui.qt_models.panel_model import (
    REFERRAL_ID_ROLE,
    SORT_ROLE,
    Column,
    PanelTableModel,
)
from crag_desktop.ui.widgets import ErrorLabel, UkDateEdit

__all__ = ["PanelScreen"]

TITLE = "National Panel"

#: The list's two views: the open loops (the daily work) or every decision's loop.
AWAITING = "awaiting"
ALL = "all"
_SHOW_CHOICES = ((AWAITING, "Awaiting a response"), (ALL, "All decisions sent or due"))


def _decisions(count: int) -> str:
    return "1 decision" if count == 1 else f"{count} decisions"


def count_sentence(rows: list[AwaitingPanelRow], *, awaiting_only: bool) -> str:
    """What the list shows, in words, so that nobody mistakes the filtered list for all."""
    awaiting = sum(1 for row in rows if row.awaiting)
    answered = len(rows) - awaiting
    if awaiting_only:
        are = "is" if answered == 1 else "are"
        hidden = (
            "" if not answered else f"; {_decisions(answered)} already answered {are} not shown"
        )
        if not awaiting:
            return f"No decision awaits a response{hidden}."
        verb = "awaits" if awaiting == 1 else "await"
        return f"Showing {_decisions(awaiting)} that {verb} a response{hidden}."
    still = (
        "none awaits" if not awaiting else f"{awaiting} " + ("awaits" if awaiting == 1 else "await")
    )
    return f"Showing all {_decisions(len(rows))} sent or due; {still} a response."


class PanelScreen(QWidget):
    """Decisions awaiting the National Panel's response, and the form to record it."""

    #: A Panel response was stored; the main window passes it on to the other screens.
    changed = Signal(object)

    def __init__(
        self,
        *,
        decisions: DecisionService,
        prompter: Prompter,
        today: Callable[[], dt.date] = dt.date.today,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._decisions = decisions
        self._prompter = prompter
        self._today = today
        # Loops are recomputed when the screen is next shown, not on every referral saved
        # elsewhere (about a second at 100,000 referrals).
        self._stale = False
        show_label = self._build_list()
        self._build_form()
        self._lay_out(show_label)

        self._selected_id: str | None = None
        self._show_form(None)

    def _build_list(self) -> QLabel:
        """The decisions awaiting the Panel, oldest first, and which of them to show; the
        label of that choice."""
        self.model = PanelTableModel(parent=self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Decisions awaiting the National Panel")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        # Tab leaves the table for the form; arrows move between decisions.
        self.table.setTabKeyNavigation(False)
        self.table.sortByColumn(Column.AGE, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The reply is the one long text: it takes what is left (elided, in full on hover),
        # so every other column stays in view without scrolling sideways.
        header.setSectionResizeMode(Column.BOARD_REPLY, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # The current row drives the form: Tab into the table and the oldest is shown.
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.empty_label = QLabel("No decision is waiting on the National Panel.")
        self.empty_label.setProperty("role", "hint")
        self.show_combo = QComboBox()
        self.show_combo.setAccessibleName("Which decisions to show")
        for code, text in _SHOW_CHOICES:
            self.show_combo.addItem(text, code)
        self.show_combo.currentIndexChanged.connect(lambda _i: self._show_rows())
        show_label = QLabel("S&how:")
        show_label.setBuddy(self.show_combo)
        self.count_label = QLabel()
        self.count_label.setAccessibleName("Number of decisions shown")
        self.count_label.setWordWrap(True)
        self._all_rows: list[AwaitingPanelRow] = []
        return show_label

    def _build_form(self) -> None:
        """The Panel loop of the chosen decision: sent, response, received, Board's reply."""
        # Parents given at once: a date edit reparented later loses its Tab order.
        self.form = QGroupBox("Record the Panel loop")
        self.sent_on = UkDateEdit(accessible_name="Sent to the Panel on", parent=self.form)
        self.response = QComboBox()
        self.response.setAccessibleName("Panel's response")
        for response in PanelResponse:
            self.response.addItem(response.label, response.value)
        self.responded_on = UkDateEdit(accessible_name="Response received on", parent=self.form)
        self.board_reply = QPlainTextEdit()
        self.board_reply.setAccessibleName("Board's reply")
        self.board_reply.setTabChangesFocus(True)
        self.board_reply.setFixedHeight(self.board_reply.fontMetrics().lineSpacing() * 4 + 14)
        self.save_button = QPushButton("&Save the Panel loop")
        self.save_button.clicked.connect(self.save)
        self.error_label = ErrorLabel()
        form = QFormLayout(self.form)
        for text, widget, buddy in (
            ("Sent &on:", self.sent_on, self.sent_on.line_edit),
            ("Panel's &response:", self.response, self.response),
            ("Response recei&ved on:", self.responded_on, self.responded_on.line_edit),
            ("Board's re&ply:", self.board_reply, self.board_reply),
        ):
            label = QLabel(text)
            label.setBuddy(buddy)
            form.addRow(label, widget)
        form.addRow(self.error_label)
        form.addRow(self.save_button)

    def _lay_out(self, show_label: QLabel) -> None:
        """The list above the form, and Tab through them in reading order."""
        heading = QLabel(TITLE)
        heading.setProperty("role", "title")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        explanation = QLabel(
            "Age counts working days since the decision was sent (or made, if unsent), "
            "up to the Panel's response once it has answered."
        )
        # Wrapped: on one line it held the whole window at least 1,090 px wide.
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        show_row = QHBoxLayout()
        show_row.addWidget(show_label)
        show_row.addWidget(self.show_combo)
        show_row.addWidget(self.count_label, 1)
        layout.addLayout(show_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.form)
        # Explicit, once everything is in this window; a date edit's calendar button is no
        # Tab stop (Alt+Down opens the calendar).
        QWidget.setTabOrder(self.show_combo, self.table)
        QWidget.setTabOrder(self.table, self.sent_on.line_edit)
        QWidget.setTabOrder(self.sent_on.line_edit, self.response)
        QWidget.setTabOrder(self.response, self.responded_on.line_edit)
        QWidget.setTabOrder(self.responded_on.line_edit, self.board_reply)
        QWidget.setTabOrder(self.board_reply, self.save_button)

    @property
    def title(self) -> str:
        """The screen's name."""
        return TITLE

    def refresh(self, changes: Any) -> None:
        """Reload the list when referrals changed (everything when `changes` is None)."""
        if isinstance(changes, Changes) and not changes.touches(RecordType.REFERRAL):
            return
        if not self.isVisible():
            self._stale = True
            return
        self._reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Recompute the loops when shown after a change made while hidden."""
        super().showEvent(event)
        if self._stale:
            self._reload()

    def _reload(self) -> None:
        self._stale = False
        # Every loop is read once; the filter then needs no second query, and the count
        # sentence can say how many answered loops the default view leaves out.
        self._all_rows = self._decisions.panel_loops(self._today(), awaiting_only=False)
        self._show_rows()

    @property
    def awaiting_only(self) -> bool:
        """Whether the list shows only the loops awaiting a response."""
        return str(self.show_combo.currentData()) != ALL

    def _show_rows(self) -> None:
        keep = self._selected_id
        awaiting_only = self.awaiting_only
        rows = [row for row in self._all_rows if row.awaiting or not awaiting_only]
        self.model.set_rows(rows)
        self.table.setAccessibleName(
            "Decisions awaiting the National Panel"
            if awaiting_only
            else "Every decision's National Panel loop"
        )
        self.count_label.setText(count_sentence(self._all_rows, awaiting_only=awaiting_only))
        self.empty_label.setText(
            "No decision is waiting on the National Panel."
            if awaiting_only
            else "No decision has been recorded yet."
        )
        self.empty_label.setVisible(self.model.rowCount() == 0)
        if keep is not None and self.select(keep):
            return
        # No current row: the first Down (or Tab into the table) lands on the oldest one.
        self.table.selectionModel().clear()
        self._show_form(None)

    def clear(self) -> None:
        """Forget every decision shown and the form's values (when the app locks)."""
        self._stale = False
        self._all_rows = []
        self.count_label.clear()
        self.model.clear()
        self._show_form(None)

    def select(self, referral_id: str) -> bool:
        """Select a referral's row; False when it is not in the list."""
        row = self.model.row_of(referral_id)
        if row is None:
            return False
        self.table.setCurrentIndex(self.proxy.mapFromSource(self.model.index(row, 0)))
        return True

    def save(self) -> None:
        """Record the form's values for the selected decision."""
        if self._selected_id is None:
            return
        self.error_label.clear_error()
        try:
            sent_on = self.sent_on.value()
            responded_on = self.responded_on.value()
        except ValueError as error:
            self.error_label.show_error(str(error))
            return
        try:
            changes = self._decisions.record_panel_response(
                referral_id=self._selected_id,
                sent_on=sent_on,
                response=PanelResponse(str(self.response.currentData())),
                responded_on=responded_on,
                board_reply=self.board_reply.toPlainText(),
            )
        except ValidationFailed as failure:
            self.error_label.show_error(
                " ".join([str(failure), *(_sentence(e.path, e.message) for e in failure.errors)])
            )
            return
        except CragError as error:
            self._prompter.error("The Panel loop was not saved", str(error))
            return
        self.refresh(changes)
        self.changed.emit(changes)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._show_form(None)
            return
        self.table.selectionModel().select(
            current,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self._show_form(self.proxy.mapToSource(current))

    def _show_form(self, index: QModelIndex | None) -> None:
        self.error_label.clear_error()
        if index is None or not index.isValid():
            self._selected_id = None
            self.sent_on.set_value(None)
            self.response.setCurrentIndex(0)
            self.responded_on.set_value(None)
            self.board_reply.clear()
            self.form.setEnabled(False)
            self.form.setTitle("Record the Panel loop: select a decision above")
            return
        row = self.model.row_at(index.row())
        self._selected_id = str(self.model.data(index, REFERRAL_ID_ROLE))
        self.form.setEnabled(True)
        self.form.setTitle(f"Record the Panel loop for {row.reference} ({row.case_name})")
        self.sent_on.set_value(row.sent_on)
        self.response.setCurrentIndex(self.response.findData(row.response.value))
        self.responded_on.set_value(row.responded_on)
        self.board_reply.setPlainText(row.board_reply or "")


_FIELD_NAMES = {
    "panel.sent_on": "Sent on",
    "panel.response": "Panel's response",
    "panel.responded_on": "Response received on",
    "panel.board_reply": "Board's reply",
}


def _sentence(path: str, message: str) -> str:
    return f"{_FIELD_NAMES.get(path, path)}: {message}."
