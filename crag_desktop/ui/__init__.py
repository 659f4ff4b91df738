"""The Qt user interface: the only package (with app.py) that imports PySide6."""

from __future__ import annotations

import builtins


def _without_pyside_source_scan() -> None:
    """Put back the import PySide6 wrapped, without its source scan.

    PySide6 replaces `__import__` with a hook that, for every module imported after it, reads
    the module's whole source (`inspect.getsource`, which keeps it in `linecache`) to see
    whether it says "PySide6": that is how it finds modules that opt in to its `__feature__`
    switches (snake_case names, true properties), which this app does not use. Measured on
    the app's start: 25 MB of resident memory (the text of every module of the app,
    SQLAlchemy and ReportLab, held as lines) and the time to read and split it. The import
    it wrapped, `__orig_import__` (PySide6's lazy loading of its own modules), stays.

    The app and its tests import PySide6 before this package, so the hook is there to set
    aside; without PySide6 (the wizard's Qt-free state, alone) there is nothing to do.
    """
    original = getattr(builtins, "__orig_import__", None)
    if original is not None and builtins.__import__ is getattr(
        builtins, "__feature_import__", None
    ):
        builtins.__import__ = original


_without_pyside_source_scan()
