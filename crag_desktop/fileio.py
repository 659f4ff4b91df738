"""Writing files that leave the database: atomically, user-only, and clear when the disk is full.

Shared by every layer that writes a file (exports, reports, backups), so it imports nothing
from the project but the errors.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from crag_desktop.domain.errors import CragError, DiskFull


def write_atomically(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Call `write` on a temporary file beside `path`, fsync it, then replace `path` with it.

    A reader never sees a half-written file, a failure leaves any old file as it was, and
    the new file is readable by its owner only (0600).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CragError(f"The folder {folder} does not exist; choose another place to save.")
    if path.is_dir():
        raise CragError(f"{path} is a folder; choose a file name.")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise CragError(f"You may not write in {folder}; choose another place.") from None
    temp = Path(temp_name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
        _fsync_folder(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            temp.unlink()
        if error.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(path) from None
        raise CragError(f"{path} could not be written ({error.strerror}).") from None
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically, user-only."""

    def write(handle: BinaryIO) -> None:
        handle.write(data)

    write_atomically(path, write)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable; not every platform lets a folder be opened.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
