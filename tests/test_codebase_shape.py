"""The codebase keeps a shape a newcomer can read (issue 11): no hand-written module in
crag_desktop/ over 600 lines (Alembic's migration scripts are generated and excepted), no
rule set named outside the domain, one kind of screen builder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import crag_desktop
from crag_desktop.ui.navigation import ScreenKey

PACKAGE = Path(crag_desktop.__file__).parent
#: A module longer than this owns more than one thing: split it by what it owns.
MOST_LINES = 600
#: Written by Alembic, one revision each, and never edited after release.
EXCEPTED = ("storage/migrations/versions/",)


def modules() -> Iterator[tuple[str, int]]:
    """Every hand-written module of the package (its path in the package) and its lines."""
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if not name.startswith(EXCEPTED):
            yield name, len(path.read_text(encoding="utf-8").splitlines())


def test_the_scan_reads_the_whole_package() -> None:
    names = dict(modules())
    assert "app.py" in names
    assert "domain/records.py" in names
    assert not any(name.startswith(EXCEPTED) for name in names)
    assert len(names) > 100


def test_no_hand_written_module_is_over_600_lines() -> None:
    over = {name: lines for name, lines in modules() if lines > MOST_LINES}
    assert over == {}, f"split these by what they own: {over}"


def test_the_rule_sets_are_named_only_by_the_domain() -> None:
    # Each rule set carries its own facts (the review it orders, its clocks): a screen or a
    # service that names one would have to change with the law.
    naming = sorted(
        name
        for name, _lines in modules()
        if name.startswith(("ui/", "services/"))
        and re.search(r"""["']WT20\d\d""", (PACKAGE / name).read_text(encoding="utf-8"))
    )
    assert naming == []


def test_screens_are_built_by_one_kind_of_builder() -> None:
    # Each screen module has one `create_screen(context)`; no per-screen factory names.
    factories = sorted(
        f"{name}: {match}"
        for name, _lines in modules()
        for match in re.findall(r"def (create_\w+_screen)\(", (PACKAGE / name).read_text("utf-8"))
    )
    assert factories == []


def test_screens_are_wired_by_import_statements_not_module_names() -> None:
    # A module named in a string is invisible to mypy, the layer contracts and a reader's
    # "go to definition"; each screen's module is imported by name in window.py.
    window = (PACKAGE / "window.py").read_text(encoding="utf-8")
    assert "importlib" not in window
    assert "__import__" not in window
    imported = re.findall(r"from crag_desktop\.ui\.views\.(\w+) import create_screen", window)
    # One import per screen of the navigation, each of a module that makes a screen.
    assert len(set(imported)) == len(imported) == len(ScreenKey)
    for name in imported:
        assert "def create_screen(" in (PACKAGE / "ui" / "views" / f"{name}.py").read_text("utf-8")
