"""A referral's or a review's children, as the cards of a collection editor show them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from crag_desktop.domain.records import Child
from crag_desktop.domain.vocabulary import LegalStatus, Sex
from crag_desktop.ui.forms.collection import Cell, CellKind

__all__ = ["CHILD_CELLS", "child_from_values", "child_rows", "child_values"]

CHILD_CELLS = (
    Cell(name="pseudonym", title="Pseudonym"),
    Cell(name="sex", title="Sex", kind=CellKind.CHOICE, vocabulary=Sex),
    Cell(name="age_years", title="Age (years)", kind=CellKind.NUMBER, maximum=24),
    Cell(name="age_months", title="Age (months)", kind=CellKind.NUMBER, maximum=11),
    Cell(
        name="legal_status",
        title="Legal status",
        kind=CellKind.CHOICE,
        vocabulary=LegalStatus,
    ),
    Cell(name="disability_or_sen", title="Disability / SEN", kind=CellKind.CHECK),
    Cell(name="ethnicity", title="Ethnicity (optional)"),
)


def child_values(child: Child) -> dict[str, object]:
    """A child as a collection editor row."""
    return {
        "pseudonym": child.pseudonym,
        "sex": child.sex.value,
        "age_years": child.age_years,
        "age_months": child.age_months,
        "legal_status": child.legal_status.value,
        "disability_or_sen": child.disability_or_sen,
        "ethnicity": child.ethnicity or "",
    }


def child_from_values(values: Mapping[str, object]) -> Child:
    """A collection editor row as a child."""
    years = values.get("age_years")
    months = values.get("age_months")
    ethnicity = str(values.get("ethnicity") or "").strip()
    return Child(
        pseudonym=str(values.get("pseudonym") or "").strip(),
        sex=Sex(str(values.get("sex") or Sex.UNKNOWN.value)),
        age_years=years if isinstance(years, int) else None,
        age_months=months if isinstance(months, int) else None,
        legal_status=LegalStatus(str(values.get("legal_status") or LegalStatus.UNKNOWN.value)),
        disability_or_sen=bool(values.get("disability_or_sen")),
        ethnicity=ethnicity or None,
    )


def child_rows(children: Iterable[Child]) -> list[dict[str, object]]:
    """A record's children as the cards' values."""
    return [child_values(c) for c in children]
