"""A deterministic synthetic document for scale: benchmarks, stress tests, screenshots.

`synthetic_document(size=..., seed=...)` gives the same document for the same size and
seed, on every machine and Python run (one `random.Random`, no set or hash ordering). The
shape follows what a board really sees: referrals spread over thirteen reporting years,
about one in five decided at a monthly meeting under the rule set in force at the
incident, reviews for most decisions to review, recommendations with agency actions and
dated progress for published reviews. Everything is pseudonymous and invented.

Criteria are never evaluated here: a handful of answer patterns are listed with the
outcome the rules give them (the tests check each against `criteria.evaluate`), so that
100,000 referrals take a few seconds.

Where each part lives: `patterns` (the criteria answers), `cast` (the board's agencies,
members and learning points, the period and the seeded draws) and `builder` (the document).
"""

from __future__ import annotations

from crag_desktop.domain.synthetic.builder import (
    synthetic_document,
)
from crag_desktop.domain.synthetic.cast import (
    AS_OF,
    FIRST_DAY,
)
from crag_desktop.domain.synthetic.patterns import (
    PATTERNS,
)

__all__ = [
    "AS_OF",
    "FIRST_DAY",
    "PATTERNS",
    "synthetic_document",
]
