"""Referrals with their children, abuse categories, clock pauses and criteria decision."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select

from crag_desktop.domain.criteria import notification_owed_for
from crag_desktop.domain.records import (
    CriteriaDecision,
    InvitedAttendee,
    PanelLoop,
    Referral,
)
from crag_desktop.domain.vocabulary import (
    ABUSE_CATEGORY_BY_CODE,
    ALTERNATIVE_REVIEW_TYPE_BY_CODE,
    DECIDED_OUTCOME_BY_CODE,
    INCIDENT_TYPE_BY_CODE,
    PANEL_RESPONSE_BY_CODE,
    REFERRAL_STATUS_BY_CODE,
)
from crag_desktop.storage.repositories.rows import (
    DECISION,
    DECISION_ATTENDEE,
    DECISION_INVITED,
    NO_PARTS,
    REFERRAL,
    REFERRAL_ABUSE,
    REFERRAL_CHILD,
    REFERRAL_PAUSE,
    Ids,
    Rows,
    StoredRow,
    Work,
    child,
    child_row,
    grouped,
    links,
    main_rows,
    pause,
    pause_row,
)


def referral_rows(rows: Rows, referral: Referral, position: int) -> None:
    owner = referral.id
    rows[REFERRAL].append(
        (
            owner,
            position,
            referral.reference,
            referral.received,
            referral.referring_agency,
            referral.case_name,
            referral.incident_date,
            referral.incident_type.value,
            referral.summary,
            referral.status.value,
            referral.learned_on,
            referral.notified_on,
            referral.notification_reference,
            # Every write of a referral (a form, the wizard, an import, the demo) passes here,
            # so the stored fact cannot fall behind the answers it comes from.
            notification_owed_for(referral.decision).value,
        )
    )
    rows[REFERRAL_CHILD].extend(
        child_row(owner, i, child) for i, child in enumerate(referral.children)
    )
    links(rows, REFERRAL_ABUSE, owner, (c.value for c in referral.abuse_categories))
    rows[REFERRAL_PAUSE].extend(
        pause_row(owner, i, pause) for i, pause in enumerate(referral.clock_pauses)
    )
    decision = referral.decision
    if decision is None:
        return
    panel = decision.panel
    alternative = decision.alternative_review_type
    rows[DECISION].append(
        (
            owner,
            decision.rule_set,
            decision.rule_set_version,
            json.dumps(dict(decision.answers), ensure_ascii=False),
            json.dumps(dict(decision.evidence), ensure_ascii=False),
            decision.rules_outcome,
            decision.decided_outcome.value,
            None if alternative is None else alternative.value,
            decision.reason_if_different,
            decision.rationale,
            decision.decided_on,
            decision.meeting,
            panel.sent_on,
            panel.response.value,
            panel.responded_on,
            panel.board_reply,
        )
    )
    links(rows, DECISION_ATTENDEE, owner, decision.attendees)
    rows[DECISION_INVITED].extend(
        (owner, i, person.name, person.role) for i, person in enumerate(decision.invited)
    )


def _decision(
    row: StoredRow, attendees: list[StoredRow], invited: list[StoredRow]
) -> CriteriaDecision:
    alternative = row["alternative_review_type"]
    return CriteriaDecision(
        rule_set=row["rule_set"],
        rule_set_version=row["rule_set_version"],
        answers=json.loads(row["answers"]),
        rules_outcome=row["rules_outcome"],
        decided_outcome=DECIDED_OUTCOME_BY_CODE[row["decided_outcome"]],
        alternative_review_type=None
        if alternative is None
        else ALTERNATIVE_REVIEW_TYPE_BY_CODE[alternative],
        reason_if_different=row["reason_if_different"],
        rationale=row["rationale"],
        decided_on=row["decided_on"],
        meeting=row["meeting_id"],
        panel=PanelLoop(
            sent_on=row["panel_sent_on"],
            response=PANEL_RESPONSE_BY_CODE[row["panel_response"]],
            responded_on=row["panel_responded_on"],
            board_reply=row["panel_board_reply"],
        ),
        evidence=json.loads(row["evidence"]),
        attendees=tuple(a["member_id"] for a in attendees),
        invited=tuple(InvitedAttendee(name=i["name"], role=i["role"]) for i in invited),
    )


def load_referrals(
    session: Work, ids: Ids | None = None, *, every_part: bool = True
) -> list[Referral]:
    """The referrals (all, or those `ids` names), in the order added. `every_part=False`
    leaves out the parts no report figure counts (abuse categories, clock pauses, who
    attended and was invited to the decision): see `document.load_chosen`."""
    main = main_rows(session, REFERRAL, ids)
    if not main:
        return []
    children = grouped(session, REFERRAL_CHILD, "referral_id", ids)
    abuse = pauses = attendees = invited = NO_PARTS
    if every_part:
        abuse = grouped(session, REFERRAL_ABUSE, "referral_id", ids)
        pauses = grouped(session, REFERRAL_PAUSE, "referral_id", ids)
        attendees = grouped(session, DECISION_ATTENDEE, "referral_id", ids)
        invited = grouped(session, DECISION_INVITED, "referral_id", ids)
    decisions = {
        row["referral_id"]: _decision(
            row, attendees.get(row["referral_id"], []), invited.get(row["referral_id"], [])
        )
        for rows in grouped(session, DECISION, "referral_id", ids).values()
        for row in rows
    }
    return [
        Referral(
            id=row["id"],
            reference=row["reference"],
            received=row["received"],
            referring_agency=row["referring_agency_id"],
            case_name=row["case_name"],
            incident_date=row["incident_date"],
            incident_type=INCIDENT_TYPE_BY_CODE[row["incident_type"]],
            children=tuple(child(c) for c in children.get(row["id"], [])),
            summary=row["summary"],
            decision=decisions.get(row["id"]),
            status=REFERRAL_STATUS_BY_CODE[row["status"]],
            abuse_categories=tuple(
                ABUSE_CATEGORY_BY_CODE[a["category"]] for a in abuse.get(row["id"], [])
            ),
            learned_on=row["learned_on"],
            notified_on=row["notified_on"],
            notification_reference=row["notification_reference"],
            clock_pauses=tuple(pause(p) for p in pauses.get(row["id"], [])),
        )
        for row in main
    ]


def list_referrals_received(session: Work, start: date, end: date) -> list[Referral]:
    """The referrals received from `start` to `end` (both inclusive), in the order received
    (then added): a year's register loads that year's referrals only."""
    ids = list(
        session.scalars(
            select(REFERRAL.c.id)
            .where(REFERRAL.c.received >= start, REFERRAL.c.received <= end)
            .order_by(REFERRAL.c.received, REFERRAL.c.position)
        )
    )
    order = {rid: i for i, rid in enumerate(ids)}
    # Loaded in slices: one IN list per slice stays well inside SQLite's bound-variable limit.
    found: list[Referral] = []
    for i in range(0, len(ids), 5000):
        found += load_referrals(session, ids[i : i + 5000])
    return sorted(found, key=lambda r: order[r.id])
