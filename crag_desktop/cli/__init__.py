"""The `crag-desktop` command: the GUI by default, and commands that never open it.

Exit status: 0 done; 1 the command ran and found a problem (`check`); 2 it could not do
its work. On failure the first line on stderr says what happened and each further line
names one problem. A traceback never reaches the user: anything unexpected is logged and
reported with a reference.

Non-GUI commands do not import Qt, so they start quickly on a council laptop.

Where each part lives: `common` (what every command shares), `database_commands`,
`report_commands`, `parser` (every command's options) and `entry` (`main`).
"""

from __future__ import annotations

from crag_desktop.cli.common import (
    COMMANDS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_PROBLEMS_FOUND,
    MAX_PROBLEMS_SHOWN,
    CommandFailed,
    Console,
)
from crag_desktop.cli.entry import (
    main,
)

__all__ = [
    "COMMANDS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_PROBLEMS_FOUND",
    "MAX_PROBLEMS_SHOWN",
    "CommandFailed",
    "Console",
    "main",
]
