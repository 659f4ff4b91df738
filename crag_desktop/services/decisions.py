"""Criteria decisions and the National Panel loop: the use cases behind the wizard and the
panel screen.

`DecisionService.record_decision` is the one call the criteria wizard makes when the chair
presses Finish: the referral, its decision, the meeting and any review commissioned there
are checked together and saved in one unit of work, so a meeting never ends with half a
decision in the database.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from sqlalchemy.orm import Session

from crag_desktop.domain import validation
from crag_desktop.domain.clock import working_days_between
from crag_desktop.domain.criteria import Evaluation, evaluate
from crag_desktop.domain.decisions import (
    decision_errors,
    meeting_with_referral,
)
from crag_desktop.domain.errors import CragError, FieldError, RecordNotFound, ValidationFailed
from crag_desktop.domain.record_types import RecordType
from crag_desktop.domain.records import (
    CriteriaDecision,
    Meeting,
    PanelLoop,
    Referral,
    Review,
)
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    PanelResponse,
    ReferralStatus,
)
from crag_desktop.services.changes import Changes
from crag_desktop.services.database import Database
from crag_desktop.storage import audit, repositories
from crag_desktop.storage.queries import lists as list_queries
from crag_desktop.storage.queries import lookups
from crag_desktop.storage.referral_lookup import load_referral

#: How many undecided referrals the wizard lists at once; the search box narrows further.
CHOICE_LIMIT = 200

_R = TypeVar("_R")

#: The panel responses that still wait on someone: the Panel, or the Board's reply.
_OPEN_RESPONSES = frozenset(
    {PanelResponse.PENDING, PanelResponse.INFORMATION_REQUESTED, PanelResponse.CONTESTED}
)


@dataclass(frozen=True, slots=True)
class ReferralChoice:
    """A referral the wizard can decide on: enough to find it in a list."""

    id: str
    reference: str
    case_name: str
    received: date
    referring_agency: str
    status: ReferralStatus


@dataclass(frozen=True, slots=True)
class AwaitingPanelRow:
    """A decision in the National Panel loop, with how long it has waited (or took).

    The age counts from the date sent to the Panel, or from the decision while it has not
    been sent yet (`waiting_for` says which), up to today while the loop is open and up to
    the Panel's response once it is closed."""

    referral_id: str
    reference: str
    case_name: str
    rule_set: str
    decided_outcome: DecidedOutcome
    decided_on: date
    sent_on: date | None
    response: PanelResponse
    responded_on: date | None
    board_reply: str | None
    age_days: int
    age_working_days: int

    @property
    def awaiting(self) -> bool:
        """Whether someone still owes a step: sending, the Panel's response or the Board's
        reply to a contested decision."""
        return _is_open(self.response, self.board_reply)

    @property
    def contested(self) -> bool:
        """Whether the Panel contested the decision (answered by the Board or not)."""
        return self.response == PanelResponse.CONTESTED

    @property
    def waiting_for(self) -> str:
        """What the decision waits on, in the secretariat's words."""
        if not self.awaiting:
            if self.contested:
                return "Nothing: the Board replied"
            return "Nothing: answered"
        if self.sent_on is None:
            return "Sending to the Panel"
        if self.response == PanelResponse.PENDING:
            return "The Panel's response"
        return "The Board's reply"


@dataclass(frozen=True, slots=True)
class MeetingDecision:
    """A criteria decision taken at a meeting, as the meeting's record lists it."""

    referral_id: str
    reference: str
    case_name: str
    decided_on: date
    decided_outcome: DecidedOutcome
    alternative_review_type: AlternativeReviewType | None

    @property
    def outcome_label(self) -> str:
        """ "Serious case review", or the other kind of review commissioned by name."""
        if (
            self.decided_outcome == DecidedOutcome.ALTERNATIVE_REVIEW
            and self.alternative_review_type is not None
        ):
            return self.alternative_review_type.label
        return self.decided_outcome.label


class DecisionService:
    """Records criteria decisions and the National Panel's responses."""

    def __init__(self, *, db: Database) -> None:
        self._db = db

    # --- the wizard ------------------------------------------------------------------------

    def awaiting_decision(self, text: str = "") -> list[ReferralChoice]:
        """Open referrals without a recorded decision whose reference, case name or summary
        contains `text`, most recently received first (at most CHOICE_LIMIT)."""
        with self._db.unit_of_work() as session:
            rows = list_queries.referral_page(
                session,
                [
                    *list_queries.referral_conditions(text=text),
                    *list_queries.undecided_conditions(),
                ],
                sort="received",
                descending=True,
                after=None,
                limit=CHOICE_LIMIT,
            )
            return [
                ReferralChoice(
                    id=row.id,
                    reference=row.reference,
                    case_name=row.case_name,
                    received=row.received,
                    referring_agency=row.agency_name,
                    status=ReferralStatus(row.status),
                )
                for row in rows
            ]

    def record_decision(
        self,
        *,
        referral: Referral,
        decision: CriteriaDecision,
        meeting: Meeting | None,
        commission: Review | None,
        reason: str | None = None,
    ) -> Changes:
        """Check and save a decision with its referral, meeting and commissioned review in
        one unit of work; ValidationFailed lists every problem and nothing is saved."""
        with self._db.unit_of_work() as session:
            old_referral = _find(Referral, session, referral.id)
            old_meeting = _find(Meeting, session, meeting.id) if meeting is not None else None
            new_meeting = meeting_with_referral(meeting, old_meeting, referral.id, decision)
            if new_meeting is not None:
                decision = dataclasses.replace(decision, meeting=new_meeting.id)
            if old_referral is not None and old_referral.decision is not None:
                # Keep the Panel loop already under way when a decision is re-recorded.
                decision = dataclasses.replace(decision, panel=old_referral.decision.panel)
            new_referral = dataclasses.replace(
                referral, decision=decision, status=ReferralStatus.DECIDED
            )
            errors = decision_errors(new_referral, decision, new_meeting, commission)
            if commission is not None and _find(Review, session, commission.id) is not None:
                errors.append(
                    FieldError("commission.id", f"a review {commission.id!r} already exists")
                )
            if errors:
                raise ValidationFailed(validation.sort_errors(errors), what="The decision")

            created: set[tuple[str, str]] = set()
            updated: set[tuple[str, str]] = set()
            why = reason or "criteria decision recorded"
            # The meeting lists the referral and the decision names the meeting: a new one
            # of either must exist before the other can point at it.
            if new_meeting is not None and old_meeting is None and old_referral is None:
                repositories.save(
                    session,
                    dataclasses.replace(
                        new_referral, decision=dataclasses.replace(decision, meeting=None)
                    ),
                )
            elif new_meeting is None or old_meeting is not None:
                repositories.save(session, new_referral)
            if new_meeting is not None:
                repositories.save(session, new_meeting)
                _audit(
                    self._db,
                    session,
                    record_type=RecordType.MEETING,
                    old=old_meeting,
                    new=new_meeting,
                    reason=why,
                )
                (updated if old_meeting is not None else created).add(
                    (RecordType.MEETING, new_meeting.id)
                )
                if old_meeting is None:
                    repositories.save(session, new_referral)
            _audit(
                self._db,
                session,
                record_type=RecordType.REFERRAL,
                old=old_referral,
                new=new_referral,
                reason=why,
            )
            (updated if old_referral is not None else created).add(
                (RecordType.REFERRAL, new_referral.id)
            )
            if commission is not None:
                repositories.save(session, commission)
                _audit(
                    self._db,
                    session,
                    record_type=RecordType.REVIEW,
                    old=None,
                    new=commission,
                    reason=why,
                )
                created.add((RecordType.REVIEW, commission.id))
        return Changes(created=frozenset(created), updated=frozenset(updated))

    def explain(self, referral_id: str) -> Evaluation:
        """The rules' outcome for a recorded decision, re-evaluated under the rule set AND
        version it was recorded with (never a later version)."""
        referral = self.referral(referral_id)
        decision = _decision_of(referral)
        return evaluate(
            decision.rule_set, dict(decision.answers), version=decision.rule_set_version
        )

    def referral(self, referral_ref_or_id: str) -> Referral:
        """A referral by id or reference; RecordNotFound when there is none."""
        with self._db.unit_of_work() as session:
            return load_referral(session, referral_ref_or_id)

    def write_record(self, referral_ref_or_id: str, out: Path) -> str:
        """Print the decision record as PDF (see `decision_records`); return the reference."""
        # Imported to print: it loads ReportLab (a fifth of a second), which the Meetings
        # and decisions screen would otherwise load when first shown (benchmarks: GUI stall).
        from crag_desktop.services.decision_records import write_decision_record

        return write_decision_record(self._db, referral_ref_or_id, out)

    def decisions_at_meeting(self, meeting_id: str) -> list[MeetingDecision]:
        """The decisions that name `meeting_id` as where they were taken, by reference."""
        with self._db.unit_of_work() as session:
            rows = lookups.decisions_at_meeting(session, meeting_id)
        return [
            MeetingDecision(
                referral_id=row.id,
                reference=row.reference,
                case_name=row.case_name,
                decided_on=row.decided_on,
                decided_outcome=DecidedOutcome(row.decided_outcome),
                alternative_review_type=(
                    AlternativeReviewType(row.alternative_review_type)
                    if row.alternative_review_type
                    else None
                ),
            )
            for row in rows
        ]

    # --- the National Panel loop -----------------------------------------------------------

    def record_panel_response(
        self,
        *,
        referral_id: str,
        sent_on: date | None,
        response: PanelResponse,
        responded_on: date | None,
        board_reply: str | None,
        reason: str | None = None,
    ) -> Changes:
        """Record when the decision went to the National Panel and what came back."""
        reply = board_reply if board_reply and board_reply.strip() else None
        with self._db.unit_of_work() as session:
            old = load_referral(session, referral_id)
            decision = _decision_of(old)
            panel = PanelLoop(
                sent_on=sent_on, response=response, responded_on=responded_on, board_reply=reply
            )
            updated = dataclasses.replace(decision, panel=panel)
            new = dataclasses.replace(old, decision=updated)
            # Only the Panel loop's own problems: the rest of the decision was checked when
            # it was recorded and is not what this form changes.
            errors = [
                e
                for e in validation.validate_decision(updated, received=old.received)
                if e.path.startswith("panel")
            ]
            if errors:
                raise ValidationFailed(errors, what="The Panel's response")
            repositories.save(session, new)
            _audit(
                self._db,
                session,
                record_type=RecordType.REFERRAL,
                old=old,
                new=new,
                reason=reason or "National Panel loop updated",
            )
        return Changes(updated=frozenset({(RecordType.REFERRAL, old.id)}))

    def awaiting_panel(self, today: date) -> list[AwaitingPanelRow]:
        """Decisions still waiting on the Panel (or on the Board's reply to it), oldest
        first."""
        return self.panel_loops(today, awaiting_only=True)

    def panel_loops(self, today: date, *, awaiting_only: bool) -> list[AwaitingPanelRow]:
        """Every decision's Panel loop (every decision goes to the Panel), or only those
        still awaiting a step when `awaiting_only`; longest waiting first.

        Read as plain columns in one query: the list may hold every decision ever made."""
        responses = [r.value for r in _OPEN_RESPONSES] if awaiting_only else None
        with self._db.unit_of_work() as session:
            found = lookups.panel_decisions(session, responses=responses)
        rows: list[AwaitingPanelRow] = []
        for r in found:
            response = PanelResponse(r.panel_response)
            if awaiting_only and not _is_open(response, r.panel_board_reply):
                continue
            start: date = r.panel_sent_on or r.decided_on
            # A closed loop stops its clock at the Panel's response: it no longer waits.
            end = today
            if not _is_open(response, r.panel_board_reply) and r.panel_responded_on is not None:
                end = max(r.panel_responded_on, start)
            rows.append(
                AwaitingPanelRow(
                    referral_id=r.id,
                    reference=r.reference,
                    case_name=r.case_name,
                    rule_set=r.rule_set,
                    decided_outcome=DecidedOutcome(r.decided_outcome),
                    decided_on=r.decided_on,
                    sent_on=r.panel_sent_on,
                    response=response,
                    responded_on=r.panel_responded_on,
                    board_reply=r.panel_board_reply,
                    age_days=(end - start).days,
                    age_working_days=working_days_between(start, end),
                )
            )
        # Open loops first (longest waiting first), then the closed ones, newest first.
        rows.sort(
            key=lambda row: (
                not row.awaiting,
                -row.age_days if row.awaiting else -(row.sent_on or row.decided_on).toordinal(),
                row.reference,
            )
        )
        return rows


def _is_open(response: PanelResponse, board_reply: str | None) -> bool:
    if response not in _OPEN_RESPONSES:
        return False
    # A contested decision stays open until the Board has replied to the Panel.
    return not (response == PanelResponse.CONTESTED and board_reply)


def _find(record_class: type[_R], session: Session, key: str) -> _R | None:
    try:
        return repositories.get(session, record_class, key)
    except RecordNotFound:
        return None


def _decision_of(referral: Referral) -> CriteriaDecision:
    if referral.decision is None:
        raise CragError(
            f"Referral {referral.reference} has no recorded decision yet: record one with the "
            "criteria wizard first."
        )
    return referral.decision


def _audit(
    db: Database,
    session: Session,
    *,
    record_type: str,
    old: Referral | Meeting | Review | None,
    new: Referral | Meeting | Review,
    reason: str,
) -> None:
    audit.append(
        session,
        operator=db.operator,
        action="create" if old is None else "update",
        record_type=record_type,
        record_id=new.id,
        changes=audit.record_diff(old, new),
        reason=reason,
    )
