"""The document itself: referrals received over the years, decisions at monthly meetings,
reviews for most decisions to review, recommendations with actions and dated progress.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from datetime import date, timedelta
from decimal import Decimal

from crag_desktop.domain.records import (
    ActionUpdate,
    AgencyAction,
    Child,
    CriteriaDecision,
    Document,
    FamilyContribution,
    LearningEvent,
    LearningSummary,
    Meeting,
    PanelLoop,
    ParallelProcess,
    Recommendation,
    Referral,
    ReportText,
    Review,
)
from crag_desktop.domain.synthetic.cast import (
    _ABUSE_SETS,
    _ACTION_TEXT,
    _AGENCIES,
    _ALTERNATIVES,
    _DECIDED_SHARE,
    _FACILITATORS,
    _LEARNING_POINTS,
    _LEGAL_STATUSES,
    _MEMBERS,
    _METHODS_LATER,
    _METHODS_WT2015,
    _NOTES,
    _OPEN_STATUSES,
    _OWNERS,
    _PROCESSES,
    _REFERRER_CUMULATIVE,
    _REFERRERS,
    _THEME_CUMULATIVE,
    _THEMES,
    _WHO,
    AS_OF,
    FIRST_DAY,
    _add_months,
    _meeting_dates,
    _pseudonym,
    _reviewed_outcome,
    _Rng,
    _rule_set_for,
)
from crag_desktop.domain.synthetic.patterns import (
    _VERSIONS,
    PATTERNS,
    _cumulative,
    _Pattern,
)
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    MonitoringGroup,
    PanelResponse,
    ParallelProcessStatus,
    RecommendationScope,
    RecommendationStatus,
    ReferralStatus,
    ReportSection,
    ReviewStatus,
    ReviewType,
    Sex,
)


class _Builder:
    """Holds the random stream and the growing lists; one instance per document."""

    def __init__(self, size: int, seed: int) -> None:
        self.rng = _Rng(seed)
        self.size = size
        self.seed = seed
        self.meetings = _meeting_dates()
        self.meeting_ordinals = [d.toordinal() for d in self.meetings]
        self.considered: list[list[str]] = [[] for _ in self.meetings]
        self.referrals: list[Referral] = []
        self.reviews: list[Review] = []
        self.recommendations: list[Recommendation] = []
        self.action_count = 0
        self.patterns = {
            name: (patterns, _cumulative([p[3] for p in patterns]))
            for name, patterns in PATTERNS.items()
        }

    # -- referrals ------------------------------------------------------------------------

    def child(self, pseudonym: str) -> Child:
        rng = self.rng
        band = rng.random()
        if band < 0.25:
            years = 0
        elif band < 0.45:
            years = rng.randint(1, 3)
        elif band < 0.6:
            years = rng.randint(4, 9)
        else:
            years = rng.randint(10, 17)
        sex_roll = rng.random()
        sex = Sex.FEMALE if sex_roll < 0.48 else Sex.MALE if sex_roll < 0.96 else Sex.UNKNOWN
        unknown_age = rng.random() < 0.03
        return Child(
            pseudonym=pseudonym,
            sex=sex,
            age_years=None if unknown_age else years,
            age_months=None if unknown_age else rng.randint(0, 11),
            disability_or_sen=rng.random() < 0.15,
            legal_status=rng.choice(_LEGAL_STATUSES),
        )

    def referral(self, index: int, received: date) -> Referral:
        rng = self.rng
        pseudonym = _pseudonym(index, self.seed)
        incident = received - timedelta(days=rng.randint(2, 45))
        children: tuple[Child, ...]
        if rng.random() < 0.1:
            children = (self.child(pseudonym), self.child(f"{pseudonym} sibling"))
            case_name = f"{pseudonym} and sibling"
        else:
            children = (self.child(pseudonym),)
            case_name = pseudonym
        referral_id = f"R{index + 1}"
        decision = None
        rule_set = _rule_set_for(incident)
        patterns, weights = self.patterns[rule_set]
        pattern = rng.weighted(patterns, weights)
        status = ReferralStatus.CLOSED
        if rng.random() < _DECIDED_SHARE:
            slot = bisect_left(self.meeting_ordinals, received.toordinal() + rng.randint(14, 50))
            if slot < len(self.meetings):
                decision = self.decision(rule_set, pattern, self.meetings[slot], slot)
                self.considered[slot].append(referral_id)
                status = ReferralStatus.DECIDED
        if decision is None and (AS_OF - received).days < 120:
            status = rng.choice(_OPEN_STATUSES)
        abuse = rng.choice(_ABUSE_SETS)
        learned = incident + timedelta(days=rng.randint(0, min(3, (received - incident).days)))
        notified = learned + timedelta(days=rng.randint(1, 5)) if rng.random() < 0.6 else None
        referral = Referral(
            id=referral_id,
            reference=f"SYN-{received.year}-{index + 1:06d}",
            received=received,
            referring_agency=rng.weighted(_REFERRERS, _REFERRER_CUMULATIVE),
            case_name=case_name,
            incident_date=incident,
            incident_type=pattern[2],
            children=children,
            summary="Synthetic referral for testing at scale.",
            decision=decision,
            status=status,
            abuse_categories=abuse,
            learned_on=learned,
            notified_on=notified if notified is not None and notified <= received else None,
        )
        if decision is not None:
            self.maybe_review(referral, decision)
        return referral

    def decision(self, rule_set: str, pattern: _Pattern, on: date, slot: int) -> CriteriaDecision:
        rng = self.rng
        answers, rules_outcome = pattern[0], pattern[1]
        roll = rng.random()
        reason = None
        alternative: AlternativeReviewType | None = None
        if rules_outcome in ("scr_required", "notifiable_lcspr_indicated"):
            outcome = _reviewed_outcome(rule_set)
            if roll < 0.05:
                # The chair may depart from the rules; the reason is then recorded.
                outcome = DecidedOutcome.ALTERNATIVE_REVIEW
                alternative = AlternativeReviewType.LEARNING
                reason = "Learning already captured by a recent review of the same family."
        elif roll < 0.04:
            outcome = _reviewed_outcome(rule_set)
            reason = "The Board judged the learning to be of wider importance."
        elif roll < 0.5:
            outcome = DecidedOutcome.ALTERNATIVE_REVIEW
            alternative = rng.choice(_ALTERNATIVES)
        else:
            outcome = DecidedOutcome.NO_FURTHER_ACTION
        sent = on + timedelta(days=rng.randint(2, 10))
        panel = PanelLoop()
        if sent <= AS_OF:
            responded = sent + timedelta(days=rng.randint(14, 60))
            if responded > AS_OF:
                panel = PanelLoop(sent_on=sent)
            else:
                contested = (
                    outcome in (DecidedOutcome.NO_FURTHER_ACTION, DecidedOutcome.ALTERNATIVE_REVIEW)
                    and rng.random() < 0.08
                )
                panel = PanelLoop(
                    sent_on=sent,
                    response=PanelResponse.CONTESTED if contested else PanelResponse.AGREED,
                    responded_on=responded,
                    board_reply="The Board reconsidered and kept its decision."
                    if contested
                    else None,
                )
        attendees = self.attendees()
        return CriteriaDecision(
            rule_set=rule_set,
            rule_set_version=_VERSIONS[rule_set],
            answers=dict(answers),
            rules_outcome=rules_outcome,
            decided_outcome=outcome,
            alternative_review_type=alternative,
            reason_if_different=reason,
            rationale="Synthetic decision.",
            decided_on=on,
            meeting=f"MT{slot + 1}",
            panel=panel,
            attendees=attendees,
        )

    def attendees(self) -> tuple[str, ...]:
        chosen = self.rng.sample(range(len(_MEMBERS)), self.rng.randint(6, len(_MEMBERS)))
        return tuple(_MEMBERS[i].id for i in sorted(chosen))

    # -- reviews --------------------------------------------------------------------------

    def _review_type(self, decision: CriteriaDecision) -> ReviewType | None:
        """The kind of review the decision commissions, if the subgroup's records hold it."""
        outcome = decision.decided_outcome
        if outcome == DecidedOutcome.NO_FURTHER_ACTION:
            return None
        if outcome == DecidedOutcome.ALTERNATIVE_REVIEW:
            if self.rng.random() < 0.1:
                return None  # Sometimes the other review is run outside the subgroup's records.
            return ReviewType(str(decision.alternative_review_type))
        return ReviewType(str(outcome))

    def maybe_review(self, referral: Referral, decision: CriteriaDecision) -> None:
        rng = self.rng
        review_type = self._review_type(decision)
        if review_type is None:
            return
        commissioned = decision.decided_on + timedelta(days=rng.randint(7, 45))
        if commissioned > AS_OF:
            return
        statutory = review_type.statutory
        tor = commissioned + timedelta(days=rng.randint(20, 60))
        draft = commissioned + timedelta(days=rng.randint(200, 400))
        signed_off = commissioned + timedelta(days=rng.randint(365, 548))
        published: date | None = signed_off + timedelta(days=rng.randint(20, 240))
        if not statutory and rng.random() < 0.6:
            published = None
        processes: tuple[ParallelProcess, ...] = ()
        held = False
        if rng.random() < 0.3:
            started = referral.incident_date or commissioned
            concluded = started + timedelta(days=rng.randint(120, 700))
            held = statutory and concluded > signed_off and rng.random() < 0.5
            ongoing = concluded > AS_OF
            processes = (
                ParallelProcess(
                    type=rng.choice(_PROCESSES),
                    status=ParallelProcessStatus.ONGOING
                    if ongoing
                    else ParallelProcessStatus.CONCLUDED,
                    started_on=started,
                    concluded_on=None if ongoing else concluded,
                    notes="",
                ),
            )
            if held:
                # The report waits for the parallel process: sign-off follows its end.
                signed_off = concluded + timedelta(days=rng.randint(14, 60))
                published = signed_off + timedelta(days=rng.randint(20, 90))
        if published is not None and published > AS_OF:
            published = None
        status = _review_status(
            tor=tor, draft=draft, signed_off=signed_off, published=published, held=held
        )
        signed_off_on = signed_off if signed_off <= AS_OF else None
        review_id = f"V{len(self.reviews) + 1}"
        themes = tuple(
            dict.fromkeys(
                rng.weighted(_THEMES, _THEME_CUMULATIVE) for _ in range(rng.randint(1, 3))
            )
        )
        lps = rng.sample(range(len(_LEARNING_POINTS)), rng.randint(2, 5))
        contributions = tuple(
            FamilyContribution(
                who=rng.choice(_WHO),
                facilitated_by=rng.choice(_FACILITATORS),
                on=on if on <= AS_OF else None,
                saw_report_before_publication=published is not None and rng.random() < 0.7,
            )
            for on in (
                commissioned + timedelta(days=rng.randint(30, 200))
                for _ in range(rng.randint(0, 2) if rng.random() < 0.15 else rng.randint(1, 2))
            )
        )
        review = Review(
            id=review_id,
            referral=referral.id,
            title=referral.case_name,
            type=review_type,
            methodology=rng.choice(
                _METHODS_WT2015 if decision.rule_set == "WT2015" else _METHODS_LATER
            ),
            status=status,
            lead_reviewer=f"Synthetic Reviewer {rng.randint(1, 40):02d}",
            commissioned_on=commissioned,
            tor_agreed_on=tor if tor <= AS_OF else None,
            draft_on=draft if draft <= AS_OF else None,
            signed_off_on=signed_off_on,
            published_on=published,
            cost_gbp=Decimal(rng.randint(80, 900) * 50)
            if statutory
            else Decimal(rng.randint(30, 240) * 50),
            themes=themes,
            parallel_processes=processes,
            family_contributions=contributions,
            learning_points=tuple(_LEARNING_POINTS[i].id for i in sorted(lps)),
            learning_summary=LearningSummary(
                published_on=published,
                link=f"https://www.example.org/case-reviews/{review_id.lower()}",
            )
            if published is not None
            else None,
        )
        self.reviews.append(review)
        if published is not None:
            self.add_recommendations(review, published)

    # -- recommendations ------------------------------------------------------------------

    def add_recommendations(self, review: Review, published: date) -> None:
        rng = self.rng
        count = rng.randint(3, 8) if review.type.statutory else rng.randint(1, 4)
        for number in range(1, count + 1):
            multi = rng.random() < 0.85
            due = _add_months(published, rng.randint(4, 18))
            status, reason, impact = self.recommendation_status(due)
            actions = tuple(self.action(published, due, status) for _ in range(rng.randint(1, 3)))
            self.recommendations.append(
                Recommendation(
                    id=f"REC{len(self.recommendations) + 1}",
                    review=review.id,
                    number=number,
                    text=f"Synthetic recommendation {number} of review {review.id}.",
                    scope=RecommendationScope.MULTI_AGENCY
                    if multi
                    else RecommendationScope.SINGLE_AGENCY,
                    lead_agency=rng.choice(_OWNERS),
                    monitoring_group=MonitoringGroup.EXECUTIVE if multi else MonitoringGroup.PAQA,
                    due=due,
                    status=status,
                    reason_not_implemented=reason,
                    evidence_of_impact=impact,
                    actions=actions,
                )
            )

    def recommendation_status(
        self, due: date
    ) -> tuple[RecommendationStatus, str | None, str | None]:
        roll = self.rng.random()
        if due < AS_OF:
            if roll < 0.08:
                return RecommendationStatus.OVERDUE, None, None
            if roll < 0.12:
                return (
                    RecommendationStatus.NOT_IMPLEMENTED,
                    "Superseded by a national change of service.",
                    None,
                )
            if roll < 0.25:
                return (
                    RecommendationStatus.IMPACT_EVIDENCED,
                    None,
                    "An audit shows practice has changed.",
                )
            if roll < 0.45:
                return RecommendationStatus.VERIFIED, None, None
            return RecommendationStatus.COMPLETED, None, None
        if roll < 0.2:
            return RecommendationStatus.NOT_STARTED, None, None
        if roll < 0.3:
            return RecommendationStatus.AT_RISK, None, None
        return RecommendationStatus.ON_TRACK, None, None

    def action(self, published: date, due: date, status: RecommendationStatus) -> AgencyAction:
        rng = self.rng
        self.action_count += 1
        updates: tuple[ActionUpdate, ...] = ()
        if status != RecommendationStatus.NOT_STARTED:
            start = published.toordinal()
            span = max(min(due, AS_OF).toordinal() - start, 1)
            count = rng.randint(1, 3)
            # One update in each of `count` equal slices of the span: in date order, no sort.
            updates = tuple(
                [
                    ActionUpdate(
                        on=date.fromordinal(start + 1 + int(span * (i + rng.random()) / count)),
                        status=status if i == count - 1 else RecommendationStatus.ON_TRACK,
                        note=_NOTES[i],
                        by=rng.choice(_MEMBERS).id,
                    )
                    for i in range(count)
                ]
            )
        owner = rng.choice(_OWNERS)
        return AgencyAction(
            id=f"A{self.action_count}",
            owner_agency=owner,
            description=_ACTION_TEXT[owner],
            due=due,
            monitoring_group=MonitoringGroup.PAQA,
            updates=updates,
        )

    # -- the rest -------------------------------------------------------------------------

    def build(self) -> Document:
        rng = self.rng
        span = (AS_OF - FIRST_DAY).days - 14
        first = FIRST_DAY.toordinal()
        # Sorted so that ids follow the order of receipt, as a real register's would.
        received = sorted(first + int(rng.random() * span) for _ in range(self.size))
        referral = self.referral
        fromordinal = date.fromordinal
        referrals = [referral(i, fromordinal(day)) for i, day in enumerate(received)]
        meetings = tuple(
            Meeting(
                id=f"MT{i + 1}",
                date=day,
                attendees=self.attendees(),
                referrals_considered=tuple(self.considered[i]),
                notes="Synthetic meeting.",
                quorate=True,
            )
            for i, day in enumerate(self.meetings)
        )
        published = [v for v in self.reviews if v.published_on is not None]
        events = tuple(
            LearningEvent(
                id=f"LE{i + 1}",
                date=min(_add_months(review.published_on or AS_OF, 2), AS_OF),
                title=f"Learning from {review.title}",
                reviews=(review.id,),
                attendance=rng.randint(20, 90),
            )
            for i, review in enumerate(published[:: max(1, len(published) // 40)])
        )
        texts = tuple(
            ReportText(
                year=year,
                section=ReportSection.INTRODUCTION,
                text=f"Synthetic annual report {year}/{(year + 1) % 100:02d}.",
            )
            for year in range(FIRST_DAY.year, AS_OF.year)
        )
        return Document(
            agencies=_AGENCIES,
            members=_MEMBERS,
            learning_points=_LEARNING_POINTS,
            referrals=tuple(referrals),
            reviews=tuple(self.reviews),
            recommendations=tuple(self.recommendations),
            meetings=meetings,
            learning_events=events,
            report_texts=texts,
        )


def synthetic_document(*, size: int, seed: int) -> Document:
    """A realistic, invented document with `size` referrals; the same `size` and `seed`
    always give an identical document. Nothing in it is dated after `AS_OF`."""
    if size < 0:
        raise ValueError(f"size must be zero or more (it is {size})")
    # Hundreds of thousands of new records trigger the cyclic garbage collector over and
    # over (a third of the run time) although none of them forms a cycle; pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _Builder(size, seed).build()
    finally:
        if collecting:
            gc.enable()


def _review_status(
    *, tor: date, draft: date, signed_off: date, published: date | None, held: bool
) -> ReviewStatus:
    """Where a review with these dates stands on AS_OF (`published` None: not yet)."""
    if signed_off > AS_OF:
        if held and draft <= AS_OF:
            return ReviewStatus.COMPLETED_PENDING_PARALLEL
        if tor > AS_OF:
            return ReviewStatus.COMMISSIONED
        return ReviewStatus.ACTIVE
    return ReviewStatus.SIGNED_OFF if published is None else ReviewStatus.PUBLISHED
