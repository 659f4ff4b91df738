"""The referral register for a reporting year.

Service API: `referral_register_view(db, year)`, `referral_register_pdf(db, year)` (in
memory, for the Reports screen's preview and printer) and
`write_referral_register(db, year, out, passphrase=None)` (audited before it is written).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from crag_desktop.domain.records import Agency, Referral
from crag_desktop.domain.report_texts import period_label
from crag_desktop.domain.statistics import reporting_period
from crag_desktop.domain.vocabulary import PanelResponse
from crag_desktop.domain.wording import pdf_name, short_date
from crag_desktop.reports.protection import normalise_pdf_passphrase
from crag_desktop.reports.referral_register import (
    RegisterRow,
    RegisterView,
    render_referral_register,
)
from crag_desktop.services.annual_report import NothingToReport, check_year
from crag_desktop.services.database import Database
from crag_desktop.services.report_files import (
    REPORT_RECORD,
    ReportPdf,
    Stage,
    no_stage,
    render_pdf,
    write_report_pdf,
)
from crag_desktop.storage import repositories


@dataclass(frozen=True, slots=True)
class RegisterWritten:
    path: Path
    pages: int
    referrals: int


def _decision(referral: Referral) -> tuple[str, dt.date | None]:
    decision = referral.decision
    if decision is None:
        return "No decision yet", None
    label = decision.decided_outcome.label
    if decision.alternative_review_type is not None:
        label = f"{label}: {decision.alternative_review_type.label.lower()}"
    return label, decision.decided_on


def _panel(referral: Referral) -> str:
    decision = referral.decision
    if decision is None or decision.panel.sent_on is None:
        return "Not sent"
    panel = decision.panel
    sent = f"Sent {short_date(decision.panel.sent_on)}"
    if panel.response == PanelResponse.PENDING:
        return f"{sent}\nNo response yet"
    when = f" {short_date(panel.responded_on)}" if panel.responded_on is not None else ""
    return f"{sent}\n{panel.response.label}{when}"


def referral_register_view(
    db: Database, year: int, *, now: dt.datetime | None = None
) -> RegisterView:
    """Every referral received in reporting year `year`, in the order received."""
    check_year(year)
    start, end = reporting_period(year)
    with db.unit_of_work() as session:
        referrals = repositories.list_referrals_received(session, start, end)
        agencies = {a.id: a.name for a in repositories.list_all(session, Agency)}
    rows = []
    for referral in referrals:
        decision, decided_on = _decision(referral)
        rows.append(
            RegisterRow(
                reference=referral.reference,
                received=referral.received,
                agency=agencies.get(referral.referring_agency, referral.referring_agency),
                pseudonym=referral.case_name,
                children="; ".join(c.summary() for c in referral.children) or "None recorded",
                incident_type=referral.incident_type.label,
                incident_date=referral.incident_date,
                status=referral.status.label,
                decision=decision,
                decided_on=decided_on,
                panel=_panel(referral),
            )
        )
    return RegisterView(
        year=year,
        period=period_label(year),
        start=start,
        end=end,
        generated_at=now or dt.datetime.now().astimezone(),
        operator=db.operator,
        rows=tuple(rows),
    )


def referral_register_pdf(
    db: Database, year: int, *, stage: Stage = no_stage, refuse_empty: bool = False
) -> ReportPdf:
    """The register of `year` rendered in memory (NOT protected: keep it in memory;
    `write_referral_register` writes it). `refuse_empty` raises NothingToReport for a year
    in which no referral was received."""
    return _register_pdf(db, year, stage=stage, refuse_empty=refuse_empty)[0]


def _register_pdf(
    db: Database, year: int, *, stage: Stage = no_stage, refuse_empty: bool = False
) -> tuple[ReportPdf, int]:
    stage(0, 2, "Reading the referrals…")
    view = referral_register_view(db, year)
    if refuse_empty and not view.rows:
        raise NothingToReport(
            f"No referral was received in {view.period}, so its register would be empty; "
            "choose another year."
        )
    stage(1, 2, "Laying out the pages…")
    data, pages = render_pdf(lambda stream: render_referral_register(view, stream))
    report = ReportPdf(
        title=f"the referral register {view.period}",
        suggested_name=pdf_name(f"Referral register {view.period}"),
        data=data,
        pages=pages,
        record_type=REPORT_RECORD,
        record_id=f"register/{year}",
        what="referral_register",
        details=(("referrals", str(len(view.rows))),),
    )
    return report, len(view.rows)


def write_referral_register(
    db: Database, year: int, out: Path, *, passphrase: str | None = None
) -> RegisterWritten:
    """Write the register of `year` to `out` (PDF; audited first, atomic, 0600, AES-256
    protected when `passphrase` is given)."""
    if passphrase is not None:
        # A passphrase too short fails before anything is rendered or audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    report, referrals = _register_pdf(db, year)
    write_report_pdf(db, report, out, passphrase=passphrase)
    return RegisterWritten(out, report.pages, referrals)
