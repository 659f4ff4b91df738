"""The settings file names database files and the operator: it is the user's alone (issue 8,
defect 6)."""

from __future__ import annotations

from pathlib import Path

from crag_desktop.ui.settings import AppSettings


def test_the_settings_file_is_user_only(tmp_path: Path) -> None:
    settings = AppSettings()
    settings.set_operator("Jo Bloggs")
    settings.add_recent_file(tmp_path / "cases.crag")
    settings._store.sync()
    path = Path(settings._store.fileName())
    assert path.is_file()
    assert "Jo Bloggs" in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_existing_readable_settings_file_is_made_user_only(tmp_path: Path) -> None:
    path = Path(AppSettings()._store.fileName())
    path.chmod(0o644)
    AppSettings().set_operator("Jo Bloggs")
    assert path.stat().st_mode & 0o777 == 0o600
