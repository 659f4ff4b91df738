"""The reports the Reports screen offers, what each is called and the work that makes it, given
what the screen's parameters say: run off the GUI thread, each renders its PDF in memory
through its service and says how far it has got (which is where Cancel stops it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from crag_desktop.domain.report_texts import period_label
from crag_desktop.domain.vocabulary import MonitoringGroup
from crag_desktop.services.recommendation_list import RecommendationQuery

if TYPE_CHECKING:
    from crag_desktop.services.database import Database
    from crag_desktop.services.report_files import ReportPdf, Stage
    from crag_desktop.ui.report_output import AnnualFigures


class ReportKind(enum.Enum):
    """The reports the screen makes, in the order it offers them."""

    ANNUAL = "annual"
    TRACKER = "tracker"
    REGISTER = "register"
    DECISION = "decision"

    @property
    def label(self) -> str:
        """The report's name on the screen."""
        return _LABELS[self]


_LABELS = {
    ReportKind.ANNUAL: "&Annual report to the Board",
    ReportKind.TRACKER: "Recommendations &tracker",
    ReportKind.REGISTER: "Referral &register",
    ReportKind.DECISION: "&Decision record",
}


@dataclass(frozen=True, slots=True)
class Generated:
    """A report generated for the preview, with the figures an annual report states."""

    report: ReportPdf
    figures: AnnualFigures | None = None
    #: What a tracker was made of: saving writes it through the tracker's own export.
    tracker: TrackerChoice | None = None


@dataclass(frozen=True, slots=True)
class TrackerChoice:
    """The as-of date and the selection a tracker was generated for."""

    as_of: date | None
    selection: RecommendationQuery | None


#: The work of one generation, given the stage reporter (which stops it on Cancel).
Maker = Callable[["Stage"], Generated]


def annual_report_maker(db: Database, year: int, as_of: date | None) -> tuple[str, Maker]:
    """The annual report for reporting year `year`, with the figures it states."""

    def annual(stage: Stage) -> Generated:
        from crag_desktop.services.annual_report import annual_report_pdf

        made = annual_report_pdf(db, year, as_of=as_of, stage=stage, refuse_empty=True)
        from crag_desktop.ui.report_output import AnnualFigures

        return Generated(made.report, AnnualFigures(year, made.statistics))

    return f"the annual report {period_label(year)}", annual


def tracker_maker(
    db: Database, as_of: date | None, *, group: MonitoringGroup | None, agency: str | None
) -> tuple[str, Maker]:
    """The recommendations tracker as of `as_of`, of one monitoring group or lead agency
    when either is given."""
    selection = (
        RecommendationQuery(monitoring_group=group, lead_agency=agency)
        if group is not None or agency is not None
        else None
    )

    def tracker(stage: Stage) -> Generated:
        from crag_desktop.services.tracker_report import tracker_pdf

        return Generated(
            tracker_pdf(db, as_of=as_of, selection=selection, stage=stage),
            tracker=TrackerChoice(as_of, selection),
        )

    return "the recommendations tracker", tracker


def register_maker(db: Database, year: int) -> tuple[str, Maker]:
    """The referral register of reporting year `year`."""

    def register(stage: Stage) -> Generated:
        from crag_desktop.services.referral_register import referral_register_pdf

        return Generated(referral_register_pdf(db, year, stage=stage, refuse_empty=True))

    return f"the referral register {period_label(year)}", register


def decision_record_maker(db: Database, referral: str, reference: str) -> tuple[str, Maker]:
    """The decision record of the referral `referral` (called `reference` on screen)."""

    def decision(stage: Stage) -> Generated:
        from crag_desktop.services.decision_records import decision_record_pdf

        return Generated(decision_record_pdf(db, referral, stage=stage))

    return f"the decision record of {reference}", decision
