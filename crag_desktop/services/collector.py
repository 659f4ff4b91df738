"""Pausing Python's cyclic garbage collector around bulk work (imports, exports, reports)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bulk read, an import or a report.

    Parsing and checking a document allocates millions of objects (dicts, records, paths),
    none of them in reference cycles, and each allocation burst triggers collections that
    walk every live object again: measured, over half the time of checking a 20,000-referral
    document, and a fifth of laying out a 116-page annual report (its pages are held until
    the document is saved). Reference counting still frees everything; the collector
    resumes afterwards (only here if it was running when the pause began, so overlapping
    pauses end enabled).

    What the block made and kept (the parsed document, its records) is handed to the oldest
    generation as it resumes: left in the youngest, the first allocation afterwards walks all
    of it (measured: two such walks, a twentieth of a 20,000-referral import). Freezing then
    unfreezing moves objects to the oldest generation without looking at them; they are still
    collected there, by the collector's next full pass. In the window, which keeps what lasts
    out of full collections (`ui.workspace.keep_out_of_collections`), they join what is
    frozen instead: unfreezing would put it all back in front of the next full pass.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            kept_frozen = gc.get_freeze_count() > 0
            gc.freeze()
            if not kept_frozen:
                gc.unfreeze()
            gc.enable()
