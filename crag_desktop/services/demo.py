"""The built-in demo database: the 2016/17 annual report's cases, plus synthetic scale."""

from __future__ import annotations

import json
from dataclasses import replace

from crag_desktop import assets
from crag_desktop.domain import interchange
from crag_desktop.domain.records import Document
from crag_desktop.domain.synthetic import synthetic_document
from crag_desktop.services.database import Database
from crag_desktop.services.demo_marks import DEMO_REASON
from crag_desktop.services.interchange import add_document, describe, import_document


def demo_data() -> object:
    """The demo interchange document as parsed JSON."""
    return json.loads(assets.read_text(*assets.DEMO_DATA))


def demo_document() -> Document:
    """The demo data as domain records."""
    return interchange.parse_document(demo_data())


def alongside(demo: Document, synthetic: Document, *, prefix: str = "S-") -> Document:
    """The synthetic records renamed to sit beside the demo's, sharing its catalogues.

    Both use the same agency and member ids, so those are dropped; learning points the
    demo lacks are kept as they are; every other id (actions' too) gets `prefix`.
    """
    shared = {a.id for a in synthetic.agencies} <= {a.id for a in demo.agencies} and {
        m.id for m in synthetic.members
    } <= {m.id for m in demo.members}
    if not shared:
        raise ValueError("the synthetic agencies and members are not the demo's")
    demo_points = {p.id for p in demo.learning_points}

    def key(value: str) -> str:
        return prefix + value

    referrals = tuple(
        replace(
            r,
            id=key(r.id),
            decision=None
            if r.decision is None
            else replace(
                r.decision, meeting=None if r.decision.meeting is None else key(r.decision.meeting)
            ),
        )
        for r in synthetic.referrals
    )
    reviews = tuple(
        replace(v, id=key(v.id), referral=None if v.referral is None else key(v.referral))
        for v in synthetic.reviews
    )
    recommendations = tuple(
        replace(
            c,
            id=key(c.id),
            review=key(c.review),
            # Action ids are unique across a whole document: unprefixed, the synthetic
            # "A1" beside the demo's "A1" made an export that import refused.
            actions=tuple(replace(a, id=key(a.id)) for a in c.actions),
        )
        for c in synthetic.recommendations
    )
    meetings = tuple(
        replace(m, id=key(m.id), referrals_considered=tuple(map(key, m.referrals_considered)))
        for m in synthetic.meetings
    )
    events = tuple(
        replace(e, id=key(e.id), reviews=tuple(map(key, e.reviews)))
        for e in synthetic.learning_events
    )
    return Document(
        learning_points=tuple(p for p in synthetic.learning_points if p.id not in demo_points),
        referrals=referrals,
        reviews=reviews,
        recommendations=recommendations,
        meetings=meetings,
        learning_events=events,
    )


def build_demo(db: Database, *, synthetic_referrals: int, seed: int) -> str:
    """Fill an empty database with the demo data (and N synthetic referrals); describe it."""
    document, _ = import_document(
        db, demo_data(), source_name=assets.DEMO_DATA[-1], reason=DEMO_REASON
    )
    summary = describe(document)
    if synthetic_referrals:
        synthetic = alongside(document, synthetic_document(size=synthetic_referrals, seed=seed))
        add_document(db, synthetic, reason=f"synthetic demo data (seed {seed})")
        summary += f", plus {synthetic_referrals} synthetic referrals"
    return summary
