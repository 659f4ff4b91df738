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
from tests.helpers.databases import stored_notification_owed


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
def test_what_the_window_keeps_frozen_stays_frozen_after_an_import(
    database: Database, demo_file: Path
) -> None:
    kept = [object()]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        interchange.import_document(
            database, interchange.read_document_file(demo_file), source_name=demo_file.name
        )
        assert gc.get_freeze_count() >= frozen
        assert not any(o is kept for o in gc.get_objects())
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("collector_running")
def test_a_pause_begun_elsewhere_is_left_as_it_was(database: Database, demo_file: Path) -> None:
    gc.disable()
    interchange.import_document(
        database, interchange.read_document_file(demo_file), source_name=demo_file.name
    )
    assert not gc.isenabled()


def test_an_import_works_out_whether_each_referral_owes_a_notification(
    database: Database, tmp_path: Path
) -> None:
    data = demo_data()
    assert isinstance(data, dict)
    child_p = next(r for r in data["referrals"] if r["id"] == "R5")
    # A WT2018 referral whose answers show the incident is not notifiable, and one whose
    # answers leave it open.
    not_notifiable = {
        **child_p,
        "id": "R18",
        "reference": "CRAG-2019-01",
        "received": "2019-03-04",
        "incident_date": "2019-02-25",
        "learned_on": "2019-02-26",
        "decision": {
            **child_p["decision"],
            "rule_set": "WT2018",
            "rule_set_version": "2018.1",
            "answers": {"abuse_or_neglect": "not_suspected", "looked_after_child_died": False},
            "rules_outcome": "not_notifiable",
            "decided_on": "2019-03-12",
            "meeting": None,
            "panel": {"sent_on": "2019-03-13", "response": "pending"},
        },
    }
    undecided_answers = {
        **not_notifiable,
        "id": "R19",
        "reference": "CRAG-2019-02",
        "decision": {
            **not_notifiable["decision"],
            "answers": {"abuse_or_neglect": "suspected"},
            "rules_outcome": "insufficient_information",
            "reason_if_different": "The family's GP records are awaited.",
        },
    }
    data["referrals"] = [*data["referrals"], not_notifiable, undecided_answers]
    path = tmp_path / "with-2019.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    interchange.import_document(
        database, interchange.read_document_file(path), source_name=path.name
    )

    owed = stored_notification_owed(database)
    assert (owed["R5"], owed["R7"], owed["R8"], owed["R18"], owed["R19"]) == (
        "not_owed",
        "owed",
        "not_yet_known",
        "not_owed",
        "not_yet_known",
    )
