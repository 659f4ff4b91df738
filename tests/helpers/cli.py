"""The command line run in-process, as a user at a terminal would call it."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from crag_desktop.cli import Console, main
from tests.helpers.databases import OPERATOR, PASSPHRASE


class Run:
    """One in-process call of the command line, with what it printed."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def cli(*argv: str, terminal: bool = False, answers: list[str] | None = None) -> Run:
    """Run `crag-desktop *argv`; `answers` are typed at its passphrase prompts, in order."""
    out, err = io.StringIO(), io.StringIO()
    queue = list(answers or [])
    console = Console(
        out=out,
        err=err,
        stdin_is_terminal=lambda: terminal,
        ask_secret=lambda _prompt: queue.pop(0),
    )
    code = main(list(argv), console)
    return Run(code, out.getvalue(), err.getvalue())


def digest(path: Path) -> str:
    """The file's SHA-256: equal digests, untouched file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def cli_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The passphrase and operator in the environment, no new passphrase, and the state
    folder (recent files, logs) inside the test's own folder."""
    monkeypatch.setenv("CRAG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("CRAG_OPERATOR", OPERATOR)
    monkeypatch.delenv("CRAG_NEW_PASSPHRASE", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
