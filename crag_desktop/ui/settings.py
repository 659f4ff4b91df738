"""Preferences kept in QSettings. They hold file paths and window layout, never case data."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

# The preferences dialog's parts are looked up when it is shown (see crag_desktop.ui.widgets
# on PySide6 building a class's enums when the class is first looked up).
from PySide6 import QtWidgets
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.ui.widgets import ErrorLabel

MAX_RECENT = 8
DEFAULT_BACKUPS_KEPT = 7
DEFAULT_IDLE_LOCK_MINUTES = 10


def _user_only(path: Path) -> None:
    """Make the settings file readable by its owner only (0600), creating it if needed.

    It names database files and the operator; Qt rewrites it through a temporary file that
    keeps the existing file's permissions, so the file must exist with them first.
    """
    if not path.is_absolute():
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
    except OSError:
        # Settings that cannot be written are not kept at all; nothing to protect.
        return


class AppSettings:
    """Typed access to the few things the app remembers between runs."""

    def __init__(self, *, store: QSettings | None = None) -> None:
        # QSettings() picks up the organisation/application names set on the application,
        # which tests redirect to a temporary folder.
        self._store = store if store is not None else QSettings()
        _user_only(Path(self._store.fileName()))

    # Recent files: full paths stay here; the dialogs show file names only.
    def recent_files(self) -> list[Path]:
        """Most recently used database files that still exist, newest first."""
        value = self._store.value("recent/files", [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return []
        # A file moved or deleted since (a demo's temporary folder) is not offered.
        return [Path(str(item)) for item in value if str(item) and Path(str(item)).is_file()]

    def add_recent_file(self, path: Path) -> None:
        """Put `path` at the top of the recent list."""
        resolved = str(path.resolve())
        paths = [str(p) for p in self.recent_files() if str(p) != resolved]
        self._store.setValue("recent/files", [resolved, *paths][:MAX_RECENT])

    def remove_recent_file(self, path: Path) -> None:
        """Forget `path` (the file was moved or deleted)."""
        paths = [str(p) for p in self.recent_files() if p != path]
        self._store.setValue("recent/files", paths)

    def operator(self) -> str:
        """The name recorded in the audit log; the login name until the user changes it."""
        value = self._store.value("user/operator", "")
        text = str(value).strip() if value is not None else ""
        return text or getpass.getuser()

    def set_operator(self, name: str) -> None:
        """Remember the operator name for next time."""
        self._store.setValue("user/operator", name.strip())

    def idle_lock_ms(self) -> int:
        """Milliseconds without keyboard or mouse input before the app locks itself."""
        value = self._store.value("security/idle_lock_ms", DEFAULT_IDLE_LOCK_MINUTES * 60_000)
        try:
            return max(100, int(str(value)))
        except ValueError:
            return DEFAULT_IDLE_LOCK_MINUTES * 60_000

    def set_idle_lock_ms(self, milliseconds: int) -> None:
        """Change the idle lock time."""
        self._store.setValue("security/idle_lock_ms", int(milliseconds))

    def backup_folder(self) -> Path | None:
        """Where automatic backups go (None: automatic backups are off)."""
        value = self._store.value("backup/folder", "")
        text = str(value).strip() if value is not None else ""
        return Path(text) if text else None

    def set_backup_folder(self, folder: Path | None) -> None:
        """Turn automatic backups on into `folder`, or off with None."""
        self._store.setValue("backup/folder", str(folder) if folder else "")

    def backup_keep(self) -> int:
        """How many automatic backups of each database are kept."""
        value = self._store.value("backup/keep", DEFAULT_BACKUPS_KEPT)
        try:
            return max(1, int(str(value)))
        except ValueError:
            return DEFAULT_BACKUPS_KEPT

    def set_backup_keep(self, count: int) -> None:
        """Change how many automatic backups are kept."""
        self._store.setValue("backup/keep", max(1, int(count)))

    def window_geometry(self) -> QByteArray | None:
        """The main window's saved geometry, if any."""
        return self._bytes("window/geometry")

    def window_state(self) -> QByteArray | None:
        """The main window's saved toolbar and dock layout, if any."""
        return self._bytes("window/state")

    def set_window_layout(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember the main window's geometry and layout."""
        self._store.setValue("window/geometry", geometry)
        self._store.setValue("window/state", state)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._store.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._store.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        if isinstance(value, bytes) and value:
            return QByteArray(value)
        return None


class PreferencesDialog(QDialog):
    """Lets the user change the idle lock time."""

    def __init__(self, *, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._settings = settings
        self.idle_minutes = QtWidgets.QSpinBox()
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(" minutes")
        self.idle_minutes.setValue(max(1, round(settings.idle_lock_ms() / 60_000)))
        self.idle_minutes.setAccessibleName("Lock after this many minutes without use")
        label = QLabel("&Lock after inactivity:")
        label.setBuddy(self.idle_minutes)
        form = QtWidgets.QFormLayout()
        form.addRow(label, self.idle_minutes)
        self.backup_folder = QLineEdit(str(settings.backup_folder() or ""))
        self.backup_folder.setPlaceholderText("No folder: automatic backups are off")
        self.backup_folder.setAccessibleName("Folder for automatic backups")
        folder_label = QLabel("&Automatic backups to:")
        folder_label.setBuddy(self.backup_folder)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(self.browse_button)
        form.addRow(folder_label, folder_row)
        self.backup_keep = QtWidgets.QSpinBox()
        self.backup_keep.setRange(1, 365)
        self.backup_keep.setValue(settings.backup_keep())
        self.backup_keep.setAccessibleName("Number of automatic backups to keep")
        keep_label = QLabel("&Keep the newest:")
        keep_label.setBuddy(self.backup_keep)
        self.backup_keep.setSuffix(" backups")
        form.addRow(keep_label, self.backup_keep)
        hint = QLabel(
            "CRAG Desktop locks itself and closes the database when left unused. With a "
            "backup folder, it backs the database up (encrypted, checked) when it closes and "
            "once a day, keeping the newest backups."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        button = QtWidgets.QDialogButtonBox.StandardButton
        buttons = QtWidgets.QDialogButtonBox(button.Ok | button.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        self.error = ErrorLabel()
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        folder = QtWidgets.QFileDialog.getExistingDirectory(
            self, "Folder for automatic backups", self.backup_folder.text()
        )
        if folder:
            self.backup_folder.setText(folder)

    def accept(self) -> None:
        """Save the preferences and close."""
        folder = self.backup_folder.text().strip()
        if folder and not Path(folder).is_dir():
            self.error.show_error(f"The folder {folder} does not exist: choose another.")
            self.backup_folder.setFocus()
            return
        self._settings.set_idle_lock_ms(self.idle_minutes.value() * 60_000)
        self._settings.set_backup_folder(Path(folder) if folder else None)
        self._settings.set_backup_keep(self.backup_keep.value())
        super().accept()
