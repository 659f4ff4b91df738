"""The built-in demo database: the 2016/17 annual report's cases, plus synthetic scale."""

from __future__ import annotations

import json
from importlib import resources

from crag_desktop.domain import interchange
from crag_desktop.domain.records import Document
from crag_desktop.domain.synthetic import synthetic_document
from crag_desktop.services.database import Database
from crag_desktop.services.interchange import add_document, describe, import_document

DEMO_RESOURCE = "demo-2016.json"


def demo_data() -> object:
    """The demo interchange document as parsed JSON."""
    text = resources.files("crag_desktop.resources").joinpath("demo", DEMO_RESOURCE)
    return json.loads(text.read_text(encoding="utf-8"))


def demo_document() -> Document:
    """The demo data as domain records."""
    return interchange.parse_document(demo_data())


def build_demo(db: Database, *, synthetic_referrals: int, seed: int) -> str:
    """Fill an empty database with the demo data (and N synthetic referrals); describe it."""
    document, _ = import_document(
        db, demo_data(), source_name=DEMO_RESOURCE, reason="built-in demo data"
    )
    summary = describe(document)
    if synthetic_referrals:
        synthetic = synthetic_document(size=synthetic_referrals, seed=seed)
        add_document(db, synthetic, reason=f"synthetic demo data (seed {seed})")
        summary += f", plus {synthetic_referrals} synthetic referrals"
    return summary
