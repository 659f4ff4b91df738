"""The first window: open an encrypted database, or create a new one."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from crag_desktop.diagnostics import log_internal_error
from crag_desktop.domain.errors import CragError, WrongPassphraseOrNotDatabase
from crag_desktop.ui.opening import Creator, DatabaseHandle, Opener, UnlockMode, busy_cursor
from crag_desktop.ui.prompts import Prompter, internal_error_text
from crag_desktop.ui.settings import AppSettings
from crag_desktop.ui.unlock_delay import UnlockDelay
from crag_desktop.ui.widgets import ErrorLabel, PassphraseEdit, load_icon

MIN_PASSPHRASE_LENGTH = 12
DATABASE_FILTER = "CRAG Desktop databases (*.crag *.db);;All files (*)"
DEFAULT_SUFFIX = ".crag"

STRENGTH_LABELS = {1: "Weak", 2: "Fair", 3: "Good", 4: "Strong"}


def passphrase_strength(text: str) -> tuple[int, str]:
    """A 0-4 score and a sentence describing it; 0 means too short to be accepted."""
    length = len(text)
    if text and not text.strip():
        return 0, "Only spaces: type words you can remember"
    if length < MIN_PASSPHRASE_LENGTH:
        return 0, f"Too short: {length} of at least {MIN_PASSPHRASE_LENGTH} characters"
    classes = sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )
    # Length matters more than symbols: four random words beat "Passw0rd!" variants.
    score = 1 + (length >= 16) + (length >= 24) + (classes >= 3)
    score = min(score, 4)
    advice = {
        1: "add more words.",
        2: "longer is stronger.",
        3: "a good passphrase.",
        4: "a strong passphrase.",
    }[score]
    return score, f"{STRENGTH_LABELS[score]}: {advice}"


def _labelled(text: str, field: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _page(
    rows: Sequence[tuple[str, QWidget, QWidget | QLayout]],
    *,
    error: ErrorLabel,
    tab_order: Sequence[QWidget],
    hint: QLabel | None = None,
) -> QWidget:
    """A tab's page: the hint, then each row (its label, the input the label names and what
    stands beside the label), then the page's error line; Tab goes through `tab_order`."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    form.setVerticalSpacing(10)
    form.setHorizontalSpacing(12)
    for text, named, field in rows:
        form.addRow(_labelled(text, named), field)
    page = QWidget()
    layout = QVBoxLayout(page)
    layout.setContentsMargins(14, 14, 14, 14)
    if hint is not None:
        layout.addWidget(hint)
    layout.addLayout(form)
    layout.addWidget(error)
    layout.addStretch(1)
    for before, after in itertools.pairwise(tab_order):
        QWidget.setTabOrder(before, after)
    return page


class UnlockDialog(QDialog):
    """Opens or creates a database; `database` holds it after accept()."""

    def __init__(
        self,
        *,
        settings: AppSettings,
        opener: Opener,
        creator: Creator,
        prompter: Prompter,
        initial_path: Path | None = None,
        mode: UnlockMode = UnlockMode.OPEN,
        delay: UnlockDelay | None = None,
        while_keying: Callable[[], object] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("CRAG Desktop — Open database")
        self.delay = delay or UnlockDelay()
        self.setWindowIcon(load_icon("app"))
        self.setMinimumWidth(580)
        self._settings = settings
        self._opener = opener
        # What the app loads while the key is derived (the main window's code).
        self._while_keying = while_keying
        self._creator = creator
        self._prompter = prompter
        self._create_path: Path | None = None
        # Wrong passphrases per file, recorded in its audit trail once it opens.
        self._failed_unlocks: dict[Path, list[datetime]] = {}
        self.database: DatabaseHandle | None = None

        title = QLabel("CRAG Desktop")
        title.setProperty("role", "title")
        subtitle = QLabel("Case Review and Governance: open or create an encrypted database.")
        subtitle.setProperty("role", "subtitle")
        subtitle.setWordWrap(True)
        icon = QLabel()
        icon.setPixmap(load_icon("app").pixmap(48, 48))
        icon.setAccessibleName("CRAG Desktop")
        header = QHBoxLayout()
        header.setSpacing(14)
        header.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        titles = QVBoxLayout()
        titles.setSpacing(2)
        titles.addWidget(title)
        titles.addWidget(subtitle)
        header.addLayout(titles, 1)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(False)
        self.tabs.addTab(self._build_open_page(), "&Open database")
        self.tabs.addTab(self._build_create_page(), "&Create new database")
        self.tabs.currentChanged.connect(self._mode_changed)

        self.buttons = QDialogButtonBox()
        self.submit_button = QPushButton("Open")
        self.buttons.addButton(self.submit_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(14)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        # Enter submits from any field: only the submit button may be the default, and it
        # must be made default once it is inside the dialog.
        for button in (self.browse_button, self.choose_file_button, self.cancel_button):
            button.setAutoDefault(False)
        self.submit_button.setDefault(True)

        self._fill_recent(initial_path)
        self.tabs.setCurrentIndex(int(mode))
        self._mode_changed(int(mode))

    # --- pages -----------------------------------------------------------------------------

    def _build_open_page(self) -> QWidget:
        self.recent_list = QListWidget()
        self.recent_list.setAccessibleName("Recent databases")
        self.recent_list.setMinimumHeight(110)
        self.recent_list.currentItemChanged.connect(self._recent_changed)
        self.browse_button = QPushButton("&Browse…")
        self.browse_button.setIcon(load_icon("open"))
        self.browse_button.setAccessibleName("Browse for a database file")
        self.browse_button.clicked.connect(self.browse)
        self.open_passphrase = PassphraseEdit(accessible_name="Passphrase")
        self.open_operator = QLineEdit(self._settings.operator())
        self.open_operator.setAccessibleName("Your name, for the audit log")
        self.open_error = ErrorLabel()
        self.open_passphrase.textEdited.connect(lambda _t: self.open_error.clear_error())

        recent_row = QHBoxLayout()
        recent_row.addWidget(self.recent_list, 1)
        recent_row.addWidget(self.browse_button, 0, Qt.AlignmentFlag.AlignTop)
        return _page(
            [
                ("&Database:", self.recent_list, recent_row),
                ("&Passphrase:", self.open_passphrase, self.open_passphrase),
                ("Your &name:", self.open_operator, self.open_operator),
            ],
            error=self.open_error,
            tab_order=(
                self.recent_list,
                self.browse_button,
                self.open_passphrase,
                self.open_operator,
            ),
        )

    def _build_create_page(self) -> QWidget:
        self.create_file_label = QLabel("No file chosen yet.")
        self.create_file_label.setProperty("role", "hint")
        self.choose_file_button = QPushButton("C&hoose file…")
        self.choose_file_button.setIcon(load_icon("new"))
        self.choose_file_button.setAccessibleName("Choose where to save the new database")
        self.choose_file_button.clicked.connect(self.choose_new_file)
        self.create_passphrase = PassphraseEdit(accessible_name="New passphrase")
        self.create_confirm = PassphraseEdit(accessible_name="Type the passphrase again")
        self.strength_bar = QProgressBar()
        self.strength_bar.setRange(0, 4)
        # A slim meter: the words below it say how strong, so the bar is never the only cue.
        self.strength_bar.setTextVisible(False)
        self.strength_bar.setObjectName("strengthMeter")
        self.strength_bar.setAccessibleName("Passphrase strength")
        self.strength_label = QLabel()
        self.strength_label.setProperty("role", "strength")
        self.create_passphrase.textChanged.connect(self._update_strength)
        self.create_operator = QLineEdit(self._settings.operator())
        self.create_operator.setAccessibleName("Your name, for the audit log")
        self.create_error = ErrorLabel()
        self.create_passphrase.textEdited.connect(lambda _t: self.create_error.clear_error())
        self.create_confirm.textEdited.connect(lambda _t: self.create_error.clear_error())
        hint = QLabel(
            f"At least {MIN_PASSPHRASE_LENGTH} characters; several unrelated words work well. "
            "Nobody can recover the data without it: keep it somewhere safe."
        )
        hint.setProperty("role", "hint")
        hint.setWordWrap(True)

        file_row = QHBoxLayout()
        file_row.setSpacing(10)
        file_row.addWidget(self.choose_file_button)
        file_row.addWidget(self.create_file_label, 1, Qt.AlignmentFlag.AlignVCenter)
        strength = QHBoxLayout()
        strength.setSpacing(10)
        self.strength_bar.setFixedWidth(110)
        strength.addWidget(self.strength_bar, 0, Qt.AlignmentFlag.AlignVCenter)
        strength.addWidget(self.strength_label, 1)
        page = _page(
            [
                ("&File:", self.choose_file_button, file_row),
                ("&Passphrase:", self.create_passphrase, self.create_passphrase),
                ("&Strength:", self.strength_bar, strength),
                ("&Again:", self.create_confirm, self.create_confirm),
                ("Your &name:", self.create_operator, self.create_operator),
            ],
            hint=hint,
            error=self.create_error,
            # The strength meter only reads out: Tab passes it by.
            tab_order=(
                self.choose_file_button,
                self.create_passphrase,
                self.create_confirm,
                self.create_operator,
            ),
        )
        self._update_strength("")
        return page

    # --- state -----------------------------------------------------------------------------

    @property
    def mode(self) -> UnlockMode:
        """Whether the dialog opens or creates."""
        return UnlockMode(self.tabs.currentIndex())

    def set_mode(self, mode: UnlockMode) -> None:
        """Switch between opening and creating."""
        self.tabs.setCurrentIndex(int(mode))

    def selected_path(self) -> Path | None:
        """The database file chosen on the Open page."""
        item = self.recent_list.currentItem()
        if item is None:
            return None
        value = item.data(Qt.ItemDataRole.UserRole)
        return Path(str(value)) if value else None

    def recent_names(self) -> list[str]:
        """What the recent list shows (file names only)."""
        return [self.recent_list.item(i).text() for i in range(self.recent_list.count())]

    def _fill_recent(self, initial: Path | None) -> None:
        paths = self._settings.recent_files()
        if initial is not None and initial not in paths:
            paths.insert(0, initial)
        for path in paths:
            self._add_path_item(path)
        if initial is not None:
            self._select_path(initial)
        elif self.recent_list.count():
            self.recent_list.setCurrentRow(0)

    def _add_path_item(self, path: Path) -> QListWidgetItem:
        # The name only: folder names can identify a case ("Child Q review"), and the list
        # is visible before anyone has unlocked anything.
        item = QListWidgetItem(load_icon("referrals"), path.name)
        item.setData(Qt.ItemDataRole.UserRole, str(path))
        self.recent_list.addItem(item)
        return item

    def _select_path(self, path: Path) -> None:
        for row in range(self.recent_list.count()):
            item = self.recent_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == str(path):
                self.recent_list.setCurrentItem(item)
                return
        item = self._add_path_item(path)
        self.recent_list.takeItem(self.recent_list.row(item))
        self.recent_list.insertItem(0, item)
        self.recent_list.setCurrentItem(item)

    def _recent_changed(
        self, _current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self.open_error.clear_error()

    def _mode_changed(self, index: int) -> None:
        creating = index == int(UnlockMode.CREATE)
        self.submit_button.setText("Create" if creating else "Open")
        self.setWindowTitle(
            "CRAG Desktop — Create a new database" if creating else "CRAG Desktop — Open database"
        )
        if creating:
            self.create_passphrase.setFocus()
        else:
            self.open_passphrase.setFocus()

    def _update_strength(self, text: str) -> None:
        score, description = passphrase_strength(text)
        self.strength_bar.setValue(score)
        # The bar's text and the sentence carry the meaning; its length is only a hint.
        self.strength_bar.setFormat(STRENGTH_LABELS.get(score, "Too short"))
        self.strength_bar.setAccessibleName(f"Passphrase strength: {self.strength_bar.format()}")
        self.strength_label.setText(description)
        self.strength_bar.setAccessibleDescription(description)

    # --- actions ---------------------------------------------------------------------------

    def browse(self) -> None:
        """Choose a database file that is not in the recent list."""
        start = self.selected_path()
        path = self._prompter.ask_open_path(
            "Open a CRAG Desktop database",
            directory=start.parent if start else None,
            file_filter=DATABASE_FILTER,
        )
        if path is not None:
            self._select_path(path)
            self.open_passphrase.select_for_retyping()

    def choose_new_file(self) -> None:
        """Choose where the new database goes."""
        path = self._prompter.ask_save_path(
            "Create a CRAG Desktop database",
            file_filter=DATABASE_FILTER,
            suggested=f"CRAG cases{DEFAULT_SUFFIX}",
        )
        if path is None:
            return
        if not path.suffix:
            path = path.with_suffix(DEFAULT_SUFFIX)
        self._create_path = path
        self.create_file_label.setText(path.name)
        self.create_error.clear_error()
        self.create_passphrase.setFocus()

    def submit(self) -> None:
        """Open or create, showing any failure inline."""
        if self.mode is UnlockMode.OPEN:
            self._submit_open()
        else:
            self._submit_create()

    def _submit_open(self) -> None:
        path = self.selected_path()
        operator = self.open_operator.text().strip()
        if path is None:
            self.open_error.show_error("Choose a database from the list, or use Browse.")
            self.recent_list.setFocus()
            return
        if not self.open_passphrase.text():
            self._fail_open("Type the passphrase.")
            return
        if not operator:
            self.open_error.show_error("Type your name: the audit log records who did what.")
            self.open_operator.setFocus()
            return
        if self.delay.remaining_s():
            self._fail_open(self.delay.message())
            return
        failed = self._failed_unlocks.setdefault(path, [])
        try:
            with busy_cursor():
                database = self._opener(
                    path,
                    self.open_passphrase.text(),
                    operator=operator,
                    failed_unlocks=failed,
                    while_keying=self._while_keying,
                )
        except WrongPassphraseOrNotDatabase as exc:
            failed.append(datetime.now(UTC))
            wait = self.delay.failed()
            note = f" Wait {wait:.0f} seconds before the next try." if wait else ""
            self._fail_open(str(exc) + note)
            return
        except CragError as exc:
            self._fail_open(str(exc))
            return
        except Exception as exc:
            reference = log_internal_error(exc)
            self._fail_open(internal_error_text(reference))
            return
        self._failed_unlocks.pop(path, None)
        self.delay.succeeded()
        self._succeed(database, path, operator)

    def _submit_create(self) -> None:
        operator = self.create_operator.text().strip()
        passphrase = self.create_passphrase.text()
        if self._create_path is None:
            self.create_error.show_error("Choose where to save the new database first.")
            self.choose_file_button.setFocus()
            return
        if len(passphrase) < MIN_PASSPHRASE_LENGTH:
            self._fail_create(
                f"The passphrase must have at least {MIN_PASSPHRASE_LENGTH} characters "
                f"(it has {len(passphrase)})."
            )
            return
        if passphrase != self.create_confirm.text():
            self.create_error.show_error(
                "The two passphrases are different. Type the same passphrase twice."
            )
            self.create_confirm.select_for_retyping()
            return
        if not operator:
            self.create_error.show_error("Type your name: the audit log records who did what.")
            self.create_operator.setFocus()
            return
        try:
            with busy_cursor():
                database = self._creator(self._create_path, passphrase, operator=operator)
        except CragError as exc:
            self.create_error.show_error(str(exc))
            self.choose_file_button.setFocus()
            return
        except Exception as exc:
            reference = log_internal_error(exc)
            self.create_error.show_error(internal_error_text(reference))
            return
        self._succeed(database, self._create_path, operator)

    def _fail_open(self, message: str) -> None:
        self.open_error.show_error(message)
        self.open_passphrase.select_for_retyping()

    def _fail_create(self, message: str) -> None:
        self.create_error.show_error(message)
        self.create_passphrase.select_for_retyping()

    def _succeed(self, database: DatabaseHandle, path: Path, operator: str) -> None:
        self.database = database
        self._settings.add_recent_file(path)
        self._settings.set_operator(operator)
        self._forget_passphrases()
        self.accept()

    def reject(self) -> None:
        """Close without opening anything."""
        self._forget_passphrases()
        super().reject()

    def _forget_passphrases(self) -> None:
        for field in (self.open_passphrase, self.create_passphrase, self.create_confirm):
            field.clear()
