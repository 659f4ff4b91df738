"""A review's parallel processes (criminal proceedings, inquests...) and the family's
contributions, as the cards of its form show them and as the record holds them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.records import FamilyContribution, ParallelProcess
from crag_desktop.domain.vocabulary import ParallelProcessStatus, ParallelProcessType
from crag_desktop.ui.forms.collection import Cell, CellKind
from crag_desktop.ui.forms.fields import read_date
from crag_desktop.ui.widgets import format_uk_date

__all__ = [
    "FAMILY_CELLS",
    "PROCESS_CELLS",
    "family_from_rows",
    "family_rows",
    "process_rows",
    "processes_from_rows",
]

PROCESS_CELLS = (
    Cell(
        name="type",
        title="Process",
        kind=CellKind.CHOICE,
        vocabulary=ParallelProcessType,
        empty="Choose the process",
    ),
    Cell(
        name="status",
        title="Status",
        kind=CellKind.CHOICE,
        vocabulary=ParallelProcessStatus,
    ),
    Cell(name="started_on", title="Started", kind=CellKind.DATE),
    Cell(name="concluded_on", title="Concluded", kind=CellKind.DATE),
    Cell(name="notes", title="Effect on the timetable", wide=True),
)

FAMILY_CELLS = (
    Cell(name="who", title="Who"),
    Cell(name="facilitated_by", title="Facilitated by"),
    Cell(name="on", title="Date", kind=CellKind.DATE),
    Cell(
        name="saw_report_before_publication",
        title="Saw report before publication",
        kind=CellKind.CHECK,
    ),
)


def process_rows(processes: Iterable[ParallelProcess]) -> list[dict[str, object]]:
    """A review's parallel processes as its cards' values."""
    return [
        {
            "type": p.type.value,
            "status": p.status.value,
            "started_on": format_uk_date(p.started_on),
            "concluded_on": format_uk_date(p.concluded_on),
            "notes": p.notes,
        }
        for p in processes
    ]


def family_rows(contributions: Iterable[FamilyContribution]) -> list[dict[str, object]]:
    """The family's contributions as the cards' values."""
    return [
        {
            "who": c.who,
            "facilitated_by": c.facilitated_by,
            "on": format_uk_date(c.on),
            "saw_report_before_publication": c.saw_report_before_publication,
        }
        for c in contributions
    ]


def processes_from_rows(
    rows: Sequence[Mapping[str, object]], errors: list[FieldError]
) -> tuple[ParallelProcess, ...]:
    """The cards' values as parallel processes; what cannot be read goes to `errors`."""
    processes = []
    for i, values in enumerate(rows):
        path = f"parallel_processes[{i}]"
        if values["type"] is None:
            errors.append(FieldError(f"{path}.type", "choose the kind of process"))
            continue
        processes.append(
            ParallelProcess(
                type=ParallelProcessType(str(values["type"])),
                status=ParallelProcessStatus(str(values["status"])),
                started_on=read_date(values["started_on"], f"{path}.started_on", errors),
                concluded_on=read_date(values["concluded_on"], f"{path}.concluded_on", errors),
                notes=str(values["notes"] or "").strip(),
            )
        )
    return tuple(processes)


def family_from_rows(
    rows: Sequence[Mapping[str, object]], errors: list[FieldError]
) -> tuple[FamilyContribution, ...]:
    """The cards' values as the family's contributions; unreadable dates go to `errors`."""
    return tuple(
        FamilyContribution(
            who=str(values["who"] or "").strip(),
            facilitated_by=str(values["facilitated_by"] or "").strip(),
            on=read_date(values["on"], f"family_contributions[{i}].on", errors),
            saw_report_before_publication=bool(values["saw_report_before_publication"]),
        )
        for i, values in enumerate(rows)
    )
