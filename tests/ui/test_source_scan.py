"""Loading the interface sets aside PySide6's source scan: modules imported afterwards are
not read whole and kept in memory (25 MB at start, benchmarks: memory)."""

from __future__ import annotations

import subprocess
import sys


def test_modules_imported_after_the_interface_are_not_read_whole() -> None:
    # A fresh interpreter: this test process imported everything long ago.
    script = (
        "import linecache\n"
        "import PySide6.QtWidgets\n"  # first, as app.py does
        "import crag_desktop.ui\n"
        "import mailbox\n"  # any module of the standard library nothing here imports
        "print(mailbox.__file__ in linecache.cache)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "False"


def test_without_setting_it_aside_pyside_reads_them() -> None:
    # What the test above guards against: were PySide6 to stop reading sources (or rename
    # its hook), the set-aside would be dead code and this test says so.
    script = (
        "import linecache\n"
        "import PySide6.QtWidgets\n"
        "import mailbox\n"
        "print(mailbox.__file__ in linecache.cache)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert result.stdout.strip() == "True"
