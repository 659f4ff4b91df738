"""Where internal errors are logged: a file in the user's state folder, never the terminal.

Log lines carry references and exception types, never record text: the records are about
children, and a log file is not encrypted.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import secrets
import traceback
from pathlib import Path
from types import TracebackType


def state_dir() -> Path:
    """The per-user folder for logs (XDG state home on Linux)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "crag-desktop"


def configure_logging() -> Path | None:
    """Send warnings and errors to the log file; return its path, or None if it can't be written.

    Without a handler Python prints unhandled log records (with tracebacks) to stderr,
    which would put a traceback in front of the user.
    """
    root = logging.getLogger()
    if any(getattr(h, "_crag", False) for h in root.handlers):
        return None
    try:
        folder = state_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = folder / "crag-desktop.log"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
        path = None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    handler._crag = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    if root.level > logging.WARNING or root.level == logging.NOTSET:
        root.setLevel(logging.WARNING)
    return path


def log_internal_error(exc: BaseException, tb: TracebackType | None = None) -> str:
    """Log an unexpected failure without personal data and return its reference."""
    exc_type = type(exc)
    if tb is None:
        tb = exc.__traceback__
    reference = secrets.token_hex(2).upper()
    # Only the exception type and code locations are logged: an exception message (or a
    # local variable) may hold a child's details, and the log file is not encrypted.
    frames = "".join(
        f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}\n'
        for frame in traceback.extract_tb(tb)
    )
    logging.getLogger("crag_desktop").error(
        "Unexpected failure, reference %s: %s.%s\n%s",
        reference,
        exc_type.__module__,
        exc_type.__qualname__,
        frames,
    )
    return reference
