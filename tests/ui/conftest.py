"""Fixtures for UI tests: offscreen Qt, isolated settings, a scripted prompter, fake databases."""

from __future__ import annotations

import gc
import os

# Before any QApplication exists (pytest-qt creates it lazily, after this import).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication, QComboBox, QStyle, QStyleOptionComboBox, QWidget
from pytestqt.qtbot import QtBot

from crag_desktop.domain.errors import CragError, DatabaseExists, WrongPassphraseOrNotDatabase
from crag_desktop.services.drafts import DraftService
from crag_desktop.services.records import RecordService
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.tasks import TaskRunner
from crag_desktop.ui.widgets import load_style_sheet
from tests.helpers.databases import PASSPHRASE, fresh_copy
from tests.helpers.qt import Editing, open_main_window


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """Every test writes QSettings into its own folder under its own organisation name."""
    folder = tmp_path / "settings"
    folder.mkdir()
    old_org = QCoreApplication.organizationName()
    old_app = QCoreApplication.applicationName()
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    QCoreApplication.setOrganizationName(f"crag-test-{uuid.uuid4().hex[:8]}")
    QCoreApplication.setApplicationName("CRAG Desktop tests")
    style = load_style_sheet()
    # Setting an application style sheet repolishes every live widget: once is enough.
    if qapp.styleSheet() != style:
        qapp.setStyleSheet(style)
    yield folder
    QCoreApplication.setOrganizationName(old_org)
    QCoreApplication.setApplicationName(old_app)
    # Windows a test leaves behind (closed but referenced from Python) would keep their
    # timers and application event filters alive into every later test: delete them.
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
    # A window sets what it built aside from full collections (keep_out_of_collections):
    # handed back, a closed window's reference cycles are collected again between tests.
    gc.unfreeze()


@pytest.fixture
def settings() -> AppSettings:
    """AppSettings backed by the isolated QSettings."""
    return AppSettings()


@pytest.fixture
def prompter() -> ScriptedPrompter:
    """A prompter whose answers the test queues."""
    return ScriptedPrompter()


@dataclass
class FakeDatabase:
    """Stands in for services.database.Database."""

    path: Path
    operator: str
    #: The wrong passphrases' times handed to the open that succeeded.
    failed_unlocks: list[datetime] = field(default_factory=list)
    closed: bool = False

    def close(self) -> None:
        self.closed = True


@dataclass
class FakeDatabases:
    """An opener/creator pair over an in-memory set of "files" with passphrases."""

    passphrases: dict[Path, str] = field(default_factory=dict)
    # An error to raise on the next open, whatever the passphrase.
    fail_next: CragError | Exception | None = None
    opened: list[FakeDatabase] = field(default_factory=list)
    created: list[FakeDatabase] = field(default_factory=list)

    def open(
        self,
        path: Path,
        passphrase: str,
        *,
        operator: str,
        failed_unlocks: Sequence[datetime] = (),
        while_keying: Callable[[], object] | None = None,
    ) -> FakeDatabase:
        # As Database.open: what the caller loads meanwhile runs whether the key is right or not.
        if while_keying is not None:
            while_keying()
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        if self.passphrases.get(path) != passphrase:
            raise WrongPassphraseOrNotDatabase(path)
        database = FakeDatabase(path=path, operator=operator, failed_unlocks=list(failed_unlocks))
        self.opened.append(database)
        return database

    def create(self, path: Path, passphrase: str, *, operator: str) -> FakeDatabase:
        if path in self.passphrases:
            raise DatabaseExists(path)
        self.passphrases[path] = passphrase
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
        database = FakeDatabase(path=path, operator=operator)
        self.created.append(database)
        return database


@pytest.fixture
def databases(tmp_path: Path) -> FakeDatabases:
    """Two known database files with the passphrase PASSPHRASE."""
    fakes = FakeDatabases()
    folder = tmp_path / "Child Q folder"
    folder.mkdir()
    for name in ("cases.crag", "archive.crag"):
        # Real files: the recent list offers only files that still exist.
        (folder / name).write_bytes(b"")
        fakes.passphrases[folder / name] = PASSPHRASE
    return fakes


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the demo database, closed."""
    return fresh_copy(demo_template, tmp_path / "demo.crag")


@pytest.fixture
def window(
    qtbot: QtBot, demo_path: Path, settings: AppSettings, prompter: ScriptedPrompter
) -> Iterator[MainWindow]:
    """The main window, shown, on the demo database at `demo_path`; closed afterwards."""
    main = open_main_window(qtbot, demo_path, settings=settings, prompter=prompter)
    yield main
    main.current.close()


@pytest.fixture
def runner(qtbot: QtBot, prompter: ScriptedPrompter) -> Iterator[TaskRunner]:
    """A task runner whose tasks are cancelled and finished before the test ends."""
    host = QWidget()
    qtbot.addWidget(host)
    task_runner = TaskRunner(prompter=prompter, parent=host)
    yield task_runner
    task_runner.cancel_all()
    assert task_runner.wait_for_done(5000)


def combo_text_room(combo: QComboBox) -> int:
    """The width a combo box draws its chosen label in (its frame and arrow left out)."""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    return field.width()


def longest_choice_width(combo: QComboBox) -> int:
    """The width of the longest label `combo` offers, in its font."""
    metrics = combo.fontMetrics()
    return max(
        (metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0
    )


def last_printed_line(script: str, *, home: Path) -> str:
    """Run `script` in a fresh Python off screen (HOME at `home`): the last line it printed.
    For what only a new process shows, such as which modules starting the app imports."""
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)},
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def editing(records: RecordService, drafts: DraftService, prompter: ScriptedPrompter) -> Editing:
    """What a record screen is built with, over the demo database."""
    return Editing(records=records, drafts=drafts, prompter=prompter)
