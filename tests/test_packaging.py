"""The wheel a partnership installs: the package's code, the Alembic migrations and every
runtime asset from the top-level resources/ folder, and nothing else (no tests, no database,
no PDF)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from crag_desktop import assets

ROOT = Path(__file__).resolve().parents[1]


def _source_files(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    # Built from a copy of the top level, so the build leaves nothing in the checkout and
    # the wheel can only contain what the design card's five entries hold.
    source = tmp_path_factory.mktemp("source")
    for name in ("crag_desktop", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=source,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (wheel,) = out.glob("crag_desktop-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_the_wheel_carries_every_asset_under_the_package(wheel_names: set[str]) -> None:
    shipped = {f"crag_desktop/resources/{name}" for name in _source_files(ROOT / "resources")}
    assert shipped, "resources/ is empty"
    assert shipped - wheel_names == set()
    for parts in (assets.INTERCHANGE_SCHEMA, assets.DEMO_DATA, assets.STYLE_SHEET):
        assert "crag_desktop/resources/" + "/".join(parts) in wheel_names
    assert "crag_desktop/resources/fonts/DejaVuSans.ttf" in wheel_names
    assert "crag_desktop/resources/icons/app.svg" in wheel_names


@pytest.mark.slow
def test_the_wheel_carries_all_the_code_and_migrations(wheel_names: set[str]) -> None:
    # The package list in pyproject.toml is explicit (resources/ is mapped in): a new
    # subpackage missing from it would be left out of the wheel and fail here.
    code = {
        f"crag_desktop/{name}"
        for name in _source_files(ROOT / "crag_desktop")
        if not name.startswith("resources/")
    }
    assert code - wheel_names == set()
    assert "crag_desktop/py.typed" in wheel_names
    assert any(n.startswith("crag_desktop/storage/migrations/versions/") for n in wheel_names)


@pytest.mark.slow
def test_the_wheel_holds_no_tests_databases_or_documents(wheel_names: set[str]) -> None:
    top = {name.split("/", 1)[0] for name in wheel_names}
    assert top == {"crag_desktop", "crag_desktop-0.1.0.dist-info"}
    assert not [n for n in wheel_names if n.endswith((".db", ".pdf", ".crag", ".pyc"))]
    assert not [n for n in wheel_names if "/tests/" in n or n.startswith("tests/")]


def test_every_asset_is_read_through_the_one_accessor() -> None:
    # Reading a file next to a module (Path(__file__)) breaks in a frozen bundle and would
    # scatter the asset layout again; importlib.resources lives in crag_desktop/assets.py.
    offenders = []
    for path in sorted((ROOT / "crag_desktop").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name == "assets.py" or path.parts[-3:-1] == ("storage", "migrations"):
            continue
        if "importlib.resources" in text or "importlib import resources" in text:
            offenders.append(path.relative_to(ROOT).as_posix())
        if "__file__" in text and path.name != "schema.py":
            offenders.append(path.relative_to(ROOT).as_posix())
    assert offenders == []


def test_the_assets_are_found_from_this_install() -> None:
    assert assets.read_text(*assets.STYLE_SHEET).strip()
    assert assets.read_bytes(*assets.FONTS, "DejaVuSans.ttf")[:4] == b"\x00\x01\x00\x00"
    assert (assets.asset_path(*assets.ICONS) / "app.svg").is_file()
