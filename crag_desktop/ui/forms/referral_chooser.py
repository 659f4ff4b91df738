"""The referral a review was commissioned from, chosen by typing its reference or case
name (the review form's "From referral")."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.services.lists import ReferralList, ReferralQuery, ReferralRow, ReferralSort

__all__ = ["REFERRAL_MATCHES", "ReferralChooser"]


#: How many referrals the chooser lists as matches; typing more narrows them.
REFERRAL_MATCHES = 20
_NO_REFERRAL = "Not commissioned from a referral."


def _referral_text(row: ReferralRow) -> str:
    return f"{row.reference} — {row.case_name}"


class ReferralChooser(QWidget):
    """The referral a review was commissioned from: type a reference or case name, then
    Enter (or a double-click) chooses the highlighted match. The internal id is never shown
    or typed. Searched in SQL, 20 matches at a time, as there may be 100,000 referrals."""

    changed = Signal()

    def __init__(self, *, referrals: ReferralList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._referrals = referrals
        self._id: str | None = None
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Type a reference or case name to find it")
        self.search_edit.setAccessibleName("Find the referral the review came from")
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.returnPressed.connect(self.choose_current_match)
        self.search_edit.installEventFilter(self)
        self.matches = QListWidget()
        self.matches.setAccessibleName("Matching referrals")
        self.matches.setMaximumHeight(120)
        self.matches.itemActivated.connect(lambda _item: self.choose_current_match())
        self.matches.hide()
        self.chosen_label = QLabel(_NO_REFERRAL)
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setAccessibleName("Referral chosen")
        self.clear_button = QPushButton("No referral")
        self.clear_button.setAccessibleName("Not from a referral")
        self.clear_button.setToolTip("The review was not commissioned from a referral")
        self.clear_button.clicked.connect(self.clear_choice)
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen_label, 1)
        chosen_row.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(chosen_row)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.matches)
        self.setFocusProxy(self.search_edit)
        self._show_choice(None)

    def referral_id(self) -> str | None:
        """The chosen referral's id, or None."""
        return self._id

    def draft_value(self) -> object:
        """The chosen referral's id, for the draft."""
        return self._id

    def restore_draft(self, value: object) -> None:
        """Show the referral a draft (or a record) chose."""
        self.set_referral_id(str(value) if value else None)

    def set_referral_id(self, referral_id: str | None) -> None:
        """Show `referral_id` as chosen (no change signal: loading is not editing)."""
        row: ReferralRow | None = None
        if referral_id:
            try:
                found = self._referrals.page(ReferralQuery(ids=(referral_id,)), limit=1)
            except CragError:
                found = []
            row = found[0] if found else None
        self._id = referral_id or None
        self._show_choice(row)
        blocked = self.search_edit.blockSignals(True)
        self.search_edit.clear()
        self.search_edit.blockSignals(blocked)
        self._search("")

    def choose_current_match(self) -> None:
        """Choose the highlighted match (the first when none is highlighted)."""
        item = self.matches.currentItem() or self.matches.item(0)
        if item is None or not self.matches.isVisible():
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        if key is None:
            return
        row: ReferralRow = item.data(Qt.ItemDataRole.UserRole + 1)
        self.search_edit.clear()
        self.search_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        if key != self._id:
            self._id = str(key)
            self._show_choice(row)
            self.changed.emit()

    def clear_choice(self) -> None:
        """The review was not commissioned from a referral."""
        if self._id is None:
            return
        self._id = None
        self._show_choice(None)
        self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Up and Down in the search move through the matches."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up)
            and self.matches.isVisible()
        ):
            step = 1 if event.key() == Qt.Key.Key_Down else -1
            row = min(max(self.matches.currentRow() + step, 0), self.matches.count() - 1)
            self.matches.setCurrentRow(row)
            return True
        return super().eventFilter(watched, event)

    def _show_choice(self, row: ReferralRow | None) -> None:
        if self._id is None:
            self.chosen_label.setText(_NO_REFERRAL)
        elif row is None:
            # Imported data can name a referral this database does not hold.
            self.chosen_label.setText("A referral that is not in this database.")
        else:
            self.chosen_label.setText(_referral_text(row))
        self.clear_button.setEnabled(self._id is not None)

    def _search(self, text: str) -> None:
        self.matches.clear()
        needle = text.strip()
        if not needle:
            self.matches.hide()
            return
        query = ReferralQuery(text=needle, sort=ReferralSort.RECEIVED, descending=True)
        try:
            rows = self._referrals.page(query, limit=REFERRAL_MATCHES)
        except CragError:
            rows = []
        for row in rows:
            item = QListWidgetItem(_referral_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setData(Qt.ItemDataRole.UserRole + 1, row)
            self.matches.addItem(item)
        if self.matches.count() == 0:
            self.matches.addItem(QListWidgetItem("No referral matches"))
            self.matches.item(0).setFlags(Qt.ItemFlag.NoItemFlags)
        else:
            self.matches.setCurrentRow(0)
        self.matches.show()
