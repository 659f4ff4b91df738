"""Finding a referral by what the secretariat calls it: its id, or else its reference."""

from __future__ import annotations

from sqlalchemy import select

from crag_desktop.domain.errors import RecordNotFound
from crag_desktop.domain.records import Referral
from crag_desktop.storage import repositories
from crag_desktop.storage.repositories.rows import Work
from crag_desktop.storage.tables import referral


def load_referral(session: Work, referral_ref_or_id: str) -> Referral:
    """A referral by id, else by reference; RecordNotFound naming what was asked for."""
    try:
        return repositories.get(session, Referral, referral_ref_or_id)
    except RecordNotFound:
        pass
    table = referral.c
    # References are the secretariat's own and normally unique; the first added wins if not.
    key = session.execute(
        select(table.id).where(table.reference == referral_ref_or_id).order_by(table.position)
    ).scalar()
    if key is None:
        raise RecordNotFound("referral", referral_ref_or_id)
    return repositories.get(session, Referral, key)
