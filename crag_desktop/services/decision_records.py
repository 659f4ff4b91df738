"""The printed criteria decision record: its view-model, and writing it as PDF.

The view holds pseudonyms and labels only. The statutory wording and the question texts
come from the rule set *and version* the decision was recorded under, so a decision made
under Working Together 2015 prints the wording it was made against, whatever came later.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from crag_desktop.domain.criteria import (
    NOT_APPLICABLE_CHILD_LIVING,
    evaluate,
    rule_set,
    settled_by_referral,
)
from crag_desktop.domain.errors import CragError
from crag_desktop.domain.records import Agency, Child, Meeting, Member, Referral
from crag_desktop.domain.vocabulary import LegalStatus, PanelResponse
from crag_desktop.domain.wording import pdf_name
from crag_desktop.reports.decision_record import (
    Attendee,
    ChildRow,
    DecisionRecordView,
    NationalPanelView,
    QuestionAnswer,
    render_decision_record,
)
from crag_desktop.reports.protection import normalise_pdf_passphrase
from crag_desktop.services.database import Database
from crag_desktop.services.report_files import (
    ReportPdf,
    Stage,
    no_stage,
    render_pdf,
    write_report_pdf,
)
from crag_desktop.storage import repositories
from crag_desktop.storage.referral_lookup import load_referral

NOT_YET_KNOWN = "Not yet known"
# The vocabulary's label for "no legal status" is "None", which on paper reads as a field
# the program forgot to fill in.
NO_LEGAL_STATUS = "No statutory status"


def _legal_status(status: LegalStatus) -> str:
    return NO_LEGAL_STATUS if status == LegalStatus.NONE else status.label


def _age(child: Child) -> str:
    if child.age_years is None and child.age_months is None:
        return "Not recorded"
    parts = []
    if child.age_years:
        parts.append(f"{child.age_years} year" + ("" if child.age_years == 1 else "s"))
    if child.age_months or not parts:
        months = child.age_months or 0
        parts.append(f"{months} month" + ("" if months == 1 else "s"))
    return " ".join(parts)


def _no_decision(referral: Referral) -> CragError:
    return CragError(
        f"Referral {referral.reference} has no recorded decision yet: record one with the "
        "criteria wizard first."
    )


def decision_record_view(
    db: Database, referral_ref_or_id: str, *, now: dt.datetime | None = None
) -> DecisionRecordView:
    """Everything the decision record of a referral prints (by reference or id)."""
    return _view_of(db, referral_ref_or_id, now=now)[0]


def _view_of(
    db: Database, referral_ref_or_id: str, *, now: dt.datetime | None = None
) -> tuple[DecisionRecordView, str]:
    """The decision record's view and the id of its referral."""
    # A read alone, on a Core connection: printing a decision record from the command line
    # imports no ORM (benchmarks: decision record, whole process).
    with db.reading() as connection:
        referral = load_referral(connection, referral_ref_or_id)
        decision = referral.decision
        if decision is None:
            raise _no_decision(referral)
        agencies = {a.id: a.name for a in repositories.list_all(connection, Agency)}
        members = {m.id: m for m in repositories.list_all(connection, Member)}
        meeting: Meeting | None = (
            repositories.get(connection, Meeting, decision.meeting)
            if decision.meeting is not None
            else None
        )

    rs = rule_set(decision.rule_set, decision.rule_set_version)
    settled = settled_by_referral(rs.id, referral.incident_type.value, decision.answers)
    questions = []
    for question in rs.questions:
        answer = decision.answers.get(question.key)
        if question.key in settled and answer == settled[question.key]:
            # Not asked at the meeting: "No" would read as if the question had been put.
            shown = NOT_APPLICABLE_CHILD_LIVING.capitalize()
        else:
            shown = NOT_YET_KNOWN if answer is None else question.value_label(answer)
        questions.append(
            QuestionAnswer(
                question=question.text,
                answer=shown,
                evidence=decision.evidence.get(question.key, ""),
            )
        )
    # The reasons are re-derived under the recorded version, never stored text that could
    # drift from the rules.
    evaluation = evaluate(decision.rule_set, dict(decision.answers), version=rs.version)

    present: list[str] = list(meeting.attendees) if meeting is not None else []
    present += [m for m in decision.attendees if m not in present]
    attendees = tuple(
        Attendee(
            name=members[m].name if m in members else m,
            agency=agencies.get(members[m].agency, members[m].agency) if m in members else "",
        )
        for m in present
    )

    panel = decision.panel
    # The Panel has heard of the case when the serious incident was notified, even before
    # the decision itself is sent: the record must not say it was never told.
    panel_view = (
        None
        if panel.sent_on is None
        and panel.response == PanelResponse.PENDING
        and referral.notified_on is None
        else NationalPanelView(
            sent_on=panel.sent_on,
            notified_on=referral.notified_on,
            notification_reference=referral.notification_reference or "",
            response="" if panel.response == PanelResponse.PENDING else panel.response.label,
            responded_on=panel.responded_on,
            board_reply=panel.board_reply or "",
        )
    )
    chair = next(
        (
            members[m].name
            for m in present
            if m in members and (members[m].role or "").strip().lower() == "chair"
        ),
        "",
    )

    view = DecisionRecordView(
        referral_reference=referral.reference,
        case_name=referral.case_name,
        received_on=referral.received,
        referring_agency=agencies.get(referral.referring_agency, referral.referring_agency),
        incident_date=referral.incident_date,
        incident_type=referral.incident_type.label,
        children=tuple(
            ChildRow(
                pseudonym=c.pseudonym,
                sex=c.sex.label,
                age=_age(c),
                legal_status=_legal_status(c.legal_status),
                disability_sen="Yes" if c.disability_or_sen else "No",
            )
            for c in referral.children
        ),
        summary=referral.summary,
        rule_set_id=rs.id,
        rule_set_version=rs.version,
        rule_set_title=rs.title,
        statutory_wording=rs.statutory_text,
        questions=tuple(questions),
        rules_outcome=rs.outcome_label(decision.rules_outcome),
        rules_reasons=tuple(evaluation.reasons),
        decided_outcome=decision.decided_outcome.label,
        alternative_review_type=(
            decision.alternative_review_type.label
            if decision.alternative_review_type is not None
            else ""
        ),
        difference_reason=decision.reason_if_different or "",
        rationale=decision.rationale,
        decided_on=decision.decided_on,
        national_panel=panel_view,
        meeting_date=meeting.date if meeting is not None else None,
        attendees=attendees,
        generated_at=now or dt.datetime.now().astimezone(),
        operator=db.operator,
        chair_name=chair,
        learned_on=referral.learned_on,
        notified_on=referral.notified_on,
        notification_reference=referral.notification_reference or "",
        abuse_categories=tuple(c.label for c in referral.abuse_categories),
        invited=tuple(Attendee(name=p.name, agency=p.role) for p in decision.invited),
    )
    return view, referral.id


def decision_record_pdf(
    db: Database, referral_ref_or_id: str, *, stage: Stage = no_stage
) -> ReportPdf:
    """The decision record of a referral (by reference or id) rendered in memory (NOT
    protected: keep it in memory; `write_decision_record` writes it)."""
    return _decision_record_pdf(db, referral_ref_or_id, stage=stage)[0]


def _decision_record_pdf(
    db: Database, referral_ref_or_id: str, *, stage: Stage = no_stage
) -> tuple[ReportPdf, str]:
    stage(0, 2, "Reading the decision…")
    view, referral_id = _view_of(db, referral_ref_or_id)
    stage(1, 2, "Laying out the pages…")
    data, pages = render_pdf(lambda stream: render_decision_record(view, stream))
    report = ReportPdf(
        title=f"the decision record of {view.referral_reference}",
        suggested_name=pdf_name(f"Decision record {view.referral_reference}"),
        data=data,
        pages=pages,
        record_type="referral",
        record_id=referral_id,
        what="decision_record",
    )
    return report, view.referral_reference


def write_decision_record(
    db: Database, referral_ref_or_id: str, out: Path, *, passphrase: str | None = None
) -> str:
    """Write the decision record of a referral to `out` as PDF (atomically, user-only,
    AES-256 protected when `passphrase` is given), audit the print in the same step, and
    return the referral's reference."""
    if passphrase is not None:
        # A passphrase too short fails before anything is rendered or audited.
        passphrase = normalise_pdf_passphrase(passphrase)
    report, reference = _decision_record_pdf(db, referral_ref_or_id)
    write_report_pdf(db, report, out, passphrase=passphrase)
    return reference
