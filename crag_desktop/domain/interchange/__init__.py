"""The JSON interchange format, version 1 (design/interchange.md): parse and write.

Pure: no database and no files. `parse_document` takes what `json.load` gave and returns a
`Document` only when the shipped JSON Schema, the domain rules (`validation`) and the
cross-references all pass; otherwise it raises `ValidationFailed` listing every problem
with its JSON path, so that an import is all or nothing. `document_to_json` writes the
canonical shape, which `parse_document` reads back to an equal document.

Canonical form (what export writes, so that export -> import -> export is byte-identical):

- keys in the order of interchange.md, extras after them;
- every field interchange.md names is written, `null` when not known (also the optional
  `age_years`, `age_months`, `role`, `learning_summary`, and `learning_events`);
- the app's further optional fields (referral status, clock pauses, per-answer evidence,
  meeting agenda, ...) only when they differ from their defaults, so a document without
  them reads and writes back unchanged;
- `cost_gbp` is a JSON number holding pounds and pence, always written with a fraction
  (18500 and 18500.00 are read as 18500 pounds and written back as ``18500.0``; 1234.5 as
  ``1234.5``). Costs have at most two decimal places and stay below a billion, so a float
  holds them exactly.

Where each part lives: `schema` (the format's identity and its JSON Schema), `reading`
(JSON to records) and `writing` (records to JSON).
"""

from __future__ import annotations

from crag_desktop.domain.interchange.reading import (
    parse_document,
)
from crag_desktop.domain.interchange.schema import (
    FORMAT,
    MARKING,
    VERSION,
    JSONObject,
    json_path,
    load_schema,
)
from crag_desktop.domain.interchange.writing import (
    document_to_json,
    dump_bytes,
    dumps,
)

__all__ = [
    "FORMAT",
    "MARKING",
    "VERSION",
    "JSONObject",
    "document_to_json",
    "dump_bytes",
    "dumps",
    "json_path",
    "load_schema",
    "parse_document",
]
