"""Finding a referral by what the secretariat calls it: its id, or else its reference."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crag_desktop.domain.errors import RecordNotFound
from crag_desktop.domain.records import Referral
from crag_desktop.storage import repositories
from crag_desktop.storage.models import ReferralRow


def load_referral(session: Session, referral_ref_or_id: str) -> Referral:
    """A referral by id, else by reference; RecordNotFound naming what was asked for."""
    try:
        return repositories.get(session, Referral, referral_ref_or_id)
    except RecordNotFound:
        pass
    table = ReferralRow.__table__.c
    # References are the secretariat's own and normally unique; the first added wins if not.
    key = session.execute(
        select(table.id).where(table.reference == referral_ref_or_id).order_by(table.position)
    ).scalar()
    if key is None:
        raise RecordNotFound("referral", referral_ref_or_id)
    return repositories.get(session, Referral, key)
