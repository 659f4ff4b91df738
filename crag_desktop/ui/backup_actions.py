"""File > Back up, Restore and Properties; automatic rotating backups and the status bar's
"Last backup".

Backups and restores run off the GUI thread (ui/tasks.py) with progress. A restore locks the
app first (the database must be closed to be replaced), restores, then unlocks the restored
file with the backup's passphrase; if the restore fails, the app stays locked on the file as
it was, and the usual passphrase carries on.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

# The dialogs' parts are looked up when one is shown (see crag_desktop.ui.widgets on
# PySide6 building a class's enums when the class is first looked up).
from PySide6 import QtCore, QtWidgets
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.wording import file_date, file_name, short_date_time
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenContext, open_database
from crag_desktop.ui.opening import Opener
from crag_desktop.ui.tasks import Task, TaskContext
from crag_desktop.ui.widgets import PassphraseEdit

if TYPE_CHECKING:
    # The backups' service is imported when first used: it loads SQLAlchemy's ORM and the
    # models, which the first painting of the window must not wait for.
    from crag_desktop.services.backups import BackupResult, DatabaseProperties


def _backup_filter() -> str:
    from crag_desktop.services.backups import BACKUP_SUFFIX

    return f"CRAG Desktop backups (*{BACKUP_SUFFIX});;All files (*)"


#: How often the app looks whether the daily automatic backup is due.
DAILY_CHECK_MS = 15 * 60_000

#: Asks for the backup's passphrase; None when the user cancels.
PassphraseAsker = Callable[[QWidget], str | None]


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else short_date_time(moment.astimezone())


def _size(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e5 else f"{size / 1e3:,.0f} KB"


class BackupPassphraseDialog(QDialog):
    """Asks for the passphrase a backup was made with."""

    def __init__(
        self,
        *,
        title: str = "Restore — the backup's passphrase",
        hint: str = (
            "Type the passphrase the database had when the backup was made. The restored "
            "database keeps that passphrase."
        ),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        hint_label = QLabel(hint)
        hint_label.setWordWrap(True)
        self.passphrase = PassphraseEdit(accessible_name="Passphrase")
        form = QtWidgets.QFormLayout()
        label = QLabel("&Passphrase:")
        label.setBuddy(self.passphrase)
        form.addRow(label, self.passphrase)
        button = QtWidgets.QDialogButtonBox.StandardButton
        buttons = QtWidgets.QDialogButtonBox(button.Ok | button.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint_label)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)


def ask_backup_passphrase(parent: QWidget) -> str | None:
    """The real dialog, for a backup's passphrase."""
    return _ask(BackupPassphraseDialog(parent=parent))


def ask_reopen_passphrase(parent: QWidget) -> str | None:
    """The real dialog, for reopening a database that was lost."""
    return _ask(
        BackupPassphraseDialog(
            title="Reopen the database",
            hint="Type the database's passphrase (the new one, if it was changed elsewhere). "
            "What you were typing stays on screen.",
            parent=parent,
        )
    )


def _ask(dialog: BackupPassphraseDialog) -> str | None:
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.passphrase.text():
            return None
        return dialog.passphrase.text()
    finally:
        dialog.passphrase.clear()
        dialog.deleteLater()


class PropertiesDialog(QDialog):
    """File > Properties: where the database is and what state it is in."""

    def __init__(self, *, properties: DatabaseProperties, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Database properties")
        self.setMinimumWidth(560)
        self.rows: dict[str, QLabel] = {}
        form = QtWidgets.QFormLayout()
        for name, value in (
            ("Location", str(properties.path)),
            ("Size", _size(properties.size)),
            ("Schema version", properties.schema_revision),
            ("Audit events", f"{properties.events:,}"),
            ("Last backup", _when(properties.last_backup)),
            ("Encryption", "SQLCipher 4 (AES-256), keyed with the passphrase"),
        ):
            label = QLabel(value)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
            form.addRow(f"{name}:", label)
            self.rows[name] = label
        buttons = QtWidgets.QDialogButtonBox(QtWidgets.QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


class BackupActions(QObject):
    """The backup entries of the File menu, the automatic backups and the status bar label."""

    def __init__(
        self,
        *,
        window: MainWindow,
        context: ScreenContext,
        opener: Opener,
        ask_passphrase: PassphraseAsker = ask_backup_passphrase,
        ask_reopen: PassphraseAsker = ask_reopen_passphrase,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        super().__init__(window)
        self._window = window
        self._context = context
        self._db = open_database(context)
        self._ask_passphrase = ask_passphrase
        self._opener = opener
        self._ask_reopen = ask_reopen
        self._now = now
        self.last_result: BackupResult | None = None
        self.backup_label = QLabel()
        self.backup_label.setAccessibleName("Last backup")
        self.daily = QTimer(self)
        self.daily.setInterval(DAILY_CHECK_MS)
        self.daily.timeout.connect(self.backup_if_due)

    def wire(self) -> None:
        """Add the File menu entries, the status bar label and the automatic backups (the
        label is filled by `update_label`, which the app calls once the window has painted)."""
        window = self._window
        self.action_backup: QAction = window.menus.add_file_action(
            "&Back up…", self.back_up, shortcut="Ctrl+Shift+B"
        )
        self.action_restore: QAction = window.menus.add_file_action("&Restore…", self.restore)
        self.action_properties: QAction = window.menus.add_file_action(
            "P&roperties", self.show_properties
        )
        self.action_reopen: QAction = window.menus.add_file_action("Reop&en…", self.reopen)
        window.statusBar().addPermanentWidget(self.backup_label)
        window.unlocked.connect(self.update_label)
        window.database_switched.connect(self.update_label)
        window.locked.connect(lambda: self.backup_label.setText(""))
        window.add_close_hook(self.backup_on_close)
        self.daily.start()

    # --- the status bar --------------------------------------------------------------------

    def update_label(self) -> None:
        """Show when the open database was last backed up."""
        if self._context.current.database is None:
            self.backup_label.setText("")
            return
        from crag_desktop.services.backups import last_backup

        try:
            moment = last_backup(self._db)
        except CragError:
            return
        self.backup_label.setText(f"Last backup: {_when(moment)}")

    # --- File > Back up --------------------------------------------------------------------

    def back_up(self) -> None:
        """Ask where, then write and prove a backup."""
        from crag_desktop.services.backups import BACKUP_SUFFIX, make_backup

        # Named after the database and the day, so a folder of backups sorts by date.
        database = self._context.current.database
        stem = database.path.stem if database is not None else "CRAG"
        path = self._context.prompter.ask_save_path(
            "Back up the database",
            file_filter=_backup_filter(),
            suggested=file_name(f"{stem} backup {file_date(datetime.now())}", BACKUP_SUFFIX),
        )
        if path is None:
            return
        if not path.suffix:
            path = path.with_name(path.name + BACKUP_SUFFIX)
        db = self._db

        def work(task: TaskContext) -> BackupResult:
            return make_backup(db, path, progress=task.progress)

        self._context.tasks.start(
            "Backing up", work, on_result=self._backed_up, dialog_parent=self._window
        )

    def _backed_up(self, result: BackupResult) -> None:
        self.last_result = result
        self.update_label()
        self._context.status(
            f"Backed up to {result.path.name}: {result.records:,} records, checked after writing."
        )

    # --- automatic backups -----------------------------------------------------------------

    def _automatic_folder(self) -> Path | None:
        settings = self._context.settings
        folder = settings.backup_folder()
        if folder is None or self._context.current.database is None:
            return None
        return folder

    def backup_if_due(self) -> None:
        """The daily backup, in the background, when the last one is a day old."""
        folder = self._automatic_folder()
        if folder is None or self._window.is_locked:
            return
        from crag_desktop.services.backups import last_backup

        try:
            moment = last_backup(self._db)
        except CragError:
            return
        if moment is not None and self._now() - moment < timedelta(days=1):
            return
        self._start_automatic(folder, "daily automatic backup", show_progress=False)

    def backup_on_close(self) -> None:
        """The backup made when the window closes; waits for it (with progress)."""
        folder = self._automatic_folder()
        if folder is None or self._window.is_locked:
            return
        task = self._start_automatic(folder, "automatic backup on closing", show_progress=True)
        if not task.done:
            loop = QtCore.QEventLoop()
            task.finished.connect(loop.quit)
            loop.exec()

    def _start_automatic(self, folder: Path, reason: str, *, show_progress: bool) -> Task:
        from crag_desktop.services.backups import rotate_backups

        db = self._db
        keep = self._context.settings.backup_keep()
        now = self._now()

        def work(task: TaskContext) -> BackupResult:
            return rotate_backups(
                db, folder, keep=keep, progress=task.progress, reason=reason, now=now
            )

        return self._context.tasks.start(
            "Automatic backup",
            work,
            on_result=self._backed_up,
            dialog_parent=self._window,
            show_progress=show_progress,
        )

    # --- File > Restore --------------------------------------------------------------------

    def restore(self) -> None:
        """Replace the open database with a backup, proven first; the old file kept aside."""
        prompter = self._context.prompter
        current = self._context.current
        target = current.path
        if target is None:
            return
        backup = prompter.ask_open_path("Restore from a backup", file_filter=_backup_filter())
        if backup is None:
            return
        passphrase = self._ask_passphrase(self._window)
        if passphrase is None:
            return
        if not prompter.confirm(
            f"Replace {target.name} with the backup {backup.name}?\n\nThe backup is checked "
            "first; nothing is replaced unless it is sound. The current file is kept beside "
            "it (named “.replaced-” and the time), and CRAG Desktop locks while it works.",
            title="Restore",
        ):
            return
        if not self._window.may_close_screens():
            return
        operator = current.operator
        # Locking closes the database (and clears every screen): it can then be replaced.
        self._window.lock()

        from crag_desktop.services.backups import restore_backup

        def work(task: TaskContext) -> object:
            return restore_backup(
                backup, target, passphrase, operator=operator, progress=task.progress
            )

        def restored(_result: object) -> None:
            error = self._window.lock_controller.unlock(passphrase)
            if error is not None:
                self._window.lock_screen.show_error(error)
                return
            self.update_label()
            self._context.status(
                f"Restored from {backup.name}; the replaced file was kept beside it."
            )

        task = self._context.tasks.start(
            "Restoring", work, on_result=restored, dialog_parent=self._window
        )
        task.failed.connect(
            lambda _message: self._window.lock_screen.show_error(
                "Nothing was restored. Type the passphrase to carry on with the database as it was."
            )
        )

    # --- File > Reopen (after the database was lost) ----------------------------------------

    def reopen(self) -> None:
        """Open the same file again without clearing the screens, so typing carries on."""
        current = self._context.current
        path = current.path
        if path is None:
            return
        passphrase = self._ask_reopen(self._window)
        if passphrase is None:
            return
        current.release_lost()
        try:
            database = self._opener(path, passphrase, operator=current.operator)
        except CragError as error:
            self._context.prompter.error("Reopen", str(error))
            # Without a database, the lock screen is where the user can try again.
            self._window.lock()
            return
        current.set(database)
        self._window.refresh_screens(None)
        self.update_label()
        self._context.status(f"{path.name} is open again.")

    # --- File > Properties -----------------------------------------------------------------

    def show_properties(self) -> None:
        """Show where the database is, its size, schema version and last backup."""
        from crag_desktop.services.backups import database_properties

        try:
            properties = database_properties(self._db)
        except CragError as error:
            self._context.prompter.error("Database properties", str(error))
            return
        dialog = PropertiesDialog(properties=properties, parent=self._window)
        dialog.exec()
        dialog.deleteLater()
