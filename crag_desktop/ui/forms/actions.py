"""A recommendation's agency actions, one card each. Each card keeps its action's id, so
the action's progress updates stay with it however actions are added or removed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QWidget

from crag_desktop.domain.records import Agency, AgencyAction
from crag_desktop.domain.vocabulary import MonitoringGroup
from crag_desktop.ui.forms.collection import Cell, CellKind, CollectionEditor, RowValues
from crag_desktop.ui.forms.fields import combo_code, set_combo_code
from crag_desktop.ui.widgets import format_uk_date

__all__ = ["ACTION_CELLS", "ActionsEditor", "action_rows", "action_values"]

ACTION_CELLS = (
    # A CHOICE cell without a vocabulary: the editor fills it with the stored agencies.
    Cell(name="owner_agency", title="Owner agency", kind=CellKind.CHOICE),
    Cell(name="description", title="Description", wide=True),
    Cell(name="due", title="Due", kind=CellKind.DATE),
    Cell(
        name="monitoring_group",
        title="Monitored by",
        kind=CellKind.CHOICE,
        vocabulary=MonitoringGroup,
    ),
)

_ACTION_ID = "action_id"


class ActionsEditor(CollectionEditor):
    """The agency actions of a recommendation. Each card keeps its action's id, so the
    action's progress updates stay with it however actions are added or removed."""

    #: The action being worked on changed (its id, or "" when none).
    current_action_changed = Signal(str)

    def __init__(
        self,
        *,
        new_id: Callable[[], str],
        has_updates: Callable[[str], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(cells=ACTION_CELLS, noun="action", parent=parent)
        self._new_id = new_id
        self._has_updates = has_updates
        self._agencies: list[Agency] = []
        self._pending_id = ""
        self.current_row_changed.connect(
            lambda _row: self.current_action_changed.emit(self.current_action_id())
        )

    def set_agencies(self, agencies: Sequence[Agency]) -> None:
        """Offer these agencies as owners, keeping each action's choice."""
        self._agencies = list(agencies)
        for row in range(self.row_count()):
            combo = self.cell_widget(row, "owner_agency")
            assert isinstance(combo, QComboBox)
            chosen = combo_code(combo)
            blocked = combo.blockSignals(True)
            self._fill_agencies(combo)
            set_combo_code(combo, chosen)
            combo.blockSignals(blocked)

    def action_id(self, row: int) -> str:
        """The id of the action in `row`."""
        return str(self.cell_widget(row, "description").property(_ACTION_ID) or "")

    def current_action_id(self) -> str:
        """The id of the action being worked on ("" when none)."""
        row = self.current_row()
        return self.action_id(row) if 0 <= row < self.row_count() else ""

    def current_action_number(self) -> int:
        """The action being worked on counted from 1 (0 when none)."""
        row = self.current_row()
        return row + 1 if 0 <= row < self.row_count() else 0

    def select_action(self, row: int) -> None:
        """Make `row` the action being worked on (the last when out of range)."""
        self.set_current_row(row)

    def rows(self) -> list[RowValues]:
        """Every action's raw values, with its id."""
        values = super().rows()
        for row, item in enumerate(values):
            item["id"] = self.action_id(row)
        return values

    def add_row(self, values: Mapping[str, object] | None = None, *, focus: bool = False) -> None:
        """Append an action (blank with a new id, or with `values`)."""
        given = str(values.get("id") or "") if values is not None else ""
        taken = {self.action_id(r) for r in range(self.row_count())}
        action_id = given
        while not action_id or action_id in taken:
            action_id = self._new_id()
        self._pending_id = action_id
        super().add_row(values, focus=focus)

    def refusal(self, row: int) -> str:
        """An action with progress updates is kept (updates are never deleted)."""
        if self._has_updates(self.action_id(row)):
            return (
                f"Action {row + 1} has progress updates, which are never deleted: "
                "it cannot be removed."
            )
        return ""

    def _make(self, cell: Cell) -> QWidget:
        widget: QWidget
        if cell.name == "owner_agency":
            combo = QComboBox()
            self._fill_agencies(combo)
            combo.currentIndexChanged.connect(self._edited)
            widget = combo
        else:
            widget = super()._make(cell)
        if cell.name == "description":
            widget.setProperty(_ACTION_ID, self._pending_id)
        return widget

    def _fill_agencies(self, combo: QComboBox) -> None:
        combo.clear()
        combo.addItem("Choose the agency", None)
        for agency in self._agencies:
            combo.addItem(agency.name, agency.id)


def action_values(action: AgencyAction) -> dict[str, object]:
    """An action as its card's values."""
    return {
        "id": action.id,
        "owner_agency": action.owner_agency,
        "description": action.description,
        "due": format_uk_date(action.due),
        "monitoring_group": action.monitoring_group.value,
    }


def action_rows(actions: Iterable[AgencyAction]) -> list[dict[str, object]]:
    """A recommendation's actions as the cards' values."""
    return [action_values(a) for a in actions]
