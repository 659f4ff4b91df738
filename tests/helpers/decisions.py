"""A decision's way through the National Panel, recorded as the secretariat would."""

from __future__ import annotations

from datetime import date

from crag_desktop.domain.vocabulary import PanelResponse
from crag_desktop.services.changes import Changes
from crag_desktop.services.decisions import DecisionService


def panel_response(
    service: DecisionService,
    response: PanelResponse,
    *,
    referral_id: str = "R1",
    responded_on: date | None = date(2016, 7, 1),
    board_reply: str | None = None,
    reason: str | None = None,
) -> Changes:
    """The Panel's `response` to the decision on `referral_id`, sent to it on 3 June 2016,
    recorded as come back on `responded_on` (`board_reply`: the Board's answer to a contested
    response)."""
    return service.record_panel_response(
        referral_id=referral_id,
        sent_on=date(2016, 6, 3),
        response=response,
        responded_on=responded_on,
        board_reply=board_reply,
        reason=reason,
    )
