"""How a demo database is known, apart from the demo data itself.

The dashboard asks at start whether the database is the demo; building the demo needs the
interchange format and jsonschema, which the app must not load just to answer that.
"""

from __future__ import annotations

from datetime import date

__all__ = ["DEMO_AS_OF", "DEMO_REASON"]

#: The audit reason of every record the demo data creates: how a demo database is known.
DEMO_REASON = "built-in demo data"
#: The demo shows the 2016/17 year as the secretariat saw it at its end, not a decade on.
DEMO_AS_OF = date(2017, 4, 1)
