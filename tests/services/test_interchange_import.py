"""The import's fast paths give exactly what the plain ones gave: the collector paused only
while a document is read and added, rows and audit events as before."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from crag_desktop.domain.errors import ValidationFailed
from crag_desktop.services import interchange
from crag_desktop.services.database import Database
from crag_desktop.services.demo import demo_data
from crag_desktop.storage import repositories


@pytest.fixture
def demo_file(tmp_path: Path) -> Path:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo_data()), encoding="utf-8")
    return path


@pytest.fixture
def collector_running() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


@pytest.mark.usefixtures("collector_running")
def test_the_collector_is_paused_while_adding_and_runs_again_after(
    database: Database, demo_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    add = repositories.add_document

    def spy(*args: object, **kwargs: object) -> None:
        seen.append(gc.isenabled())
        add(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(repositories, "add_document", spy)
    data = interchange.read_document_file(demo_file)
    assert gc.isenabled()
    interchange.import_document(database, data, source_name=demo_file.name)
    assert seen == [False]
    assert gc.isenabled()
    # A refused import (the same file again) resumes it too.
    with pytest.raises(ValidationFailed):
        interchange.import_document(database, data, source_name=demo_file.name)
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_running")
def test_a_pause_begun_elsewhere_is_left_as_it_was(database: Database, demo_file: Path) -> None:
    gc.disable()
    interchange.import_document(
        database, interchange.read_document_file(demo_file), source_name=demo_file.name
    )
    assert not gc.isenabled()
