"""The pages of the criteria wizard, and the state they share.

Pages keep what they show in their own widgets, except the answers: one question page
object is reused for the n-th question of whichever rule set is chosen, so the answers and
evidence live in `WizardState`, keyed by question. Nothing here saves anything; the wizard
makes one service call on Finish.
"""

from __future__ import annotations

import datetime as dt
import enum
import html
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStyle,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from crag_desktop.domain.criteria import (
    INSUFFICIENT_INFORMATION,
    NOT_APPLICABLE_CHILD_LIVING,
    RULE_SETS,
    Evaluation,
    Question,
    RuleSet,
    choose_rule_set,
    evaluate,
    rule_set,
    settled_by_referral,
)
from crag_desktop.domain.records import Answer, Child, InvitedAttendee, Member, Referral
from crag_desktop.domain.validation import validate_referral
from crag_desktop.domain.vocabulary import (
    AlternativeReviewType,
    DecidedOutcome,
    IncidentType,
    LegalStatus,
    Methodology,
    ReferralStatus,
    Sex,
)
from crag_desktop.services.decisions import (
    NOTIFIABLE_OUTCOMES,
    RAPID_REVIEW_RULE_SETS,
    DecisionService,
    ReferralChoice,
    decision_differs,
    default_decision,
)
from crag_desktop.services.records import RecordService
from crag_desktop.ui.widgets import ErrorLabel, SearchBox, UkDateEdit, format_uk_date

#: Draft values are JSON: dates travel as ISO text.
Snapshot = dict[str, object]

NOT_YET_KNOWN = "Not yet known"
#: The most answers a question offers, "Not yet known" included (number keys 1-4).
MAX_CHOICES = 4
#: The most questions any rule set asks: one page is made for each.
MAX_QUESTIONS = max(len(rs.questions) for rs in RULE_SETS.values())
NOT_IN_FORCE = "not in force for this date"
FROM_REFERRAL = "from the referral's incident type"
NOT_ASKED = "not asked: the outcome did not depend on it"

#: What a referral's incident type already answers. Preselected, never forced: the chair
#: changes them when the meeting knows better (a "death" may turn out to be serious harm).
#: A death comes before the suicide, so each answer is consistent with those already set.
INCIDENT_ANSWERS: dict[IncidentType, tuple[tuple[str, Answer], ...]] = {
    IncidentType.DEATH: (("child_died", True),),
    IncidentType.SUSPECTED_SUICIDE: (("child_died", True), ("suspected_suicide", True)),
    IncidentType.SERIOUS_HARM: (("seriously_harmed", True),),
}


class PageId(enum.IntEnum):
    """The wizard's pages. Question pages are FIRST_QUESTION + n for the n-th question."""

    REFERRAL = 0
    RULE_SET = 1
    RESULT = 2
    DECISION = 3
    FINISH = 4
    FIRST_QUESTION = 100

    @staticmethod
    def question(index: int) -> int:
        """The page id of the question at `index` (0-based)."""
        return int(PageId.FIRST_QUESTION) + index


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _date(value: object) -> dt.date | None:
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strip_mnemonic(label: str) -> str:
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _plain_text_edit(name: str, *, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    # Tab moves on to the next control instead of typing a tab: keyboard users must
    # never be trapped in a text box.
    edit.setTabChangesFocus(True)
    edit.setAccessibleName(name)
    # A few lines tall, scrolling beyond: a page of tall boxes pushes the rest off screen.
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def _label(text: str, *, role: str | None = None, rich: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if role is not None:
        label.setProperty("role", role)
    return label


def _date_edit(name: str, parent: QWidget) -> UkDateEdit:
    edit = UkDateEdit(accessible_name=name, parent=parent)
    # Without the proxy the container takes no focus of its own, so Tab goes straight from
    # the text to the calendar button and on; with it, Tab looped inside the wizard's
    # scrolling pages (Qt 6.11). Labels name the text field as their buddy instead.
    edit.setFocusProxy(None)  # type: ignore[arg-type]  # None removes it; the stubs omit that
    return edit


def _buddy(widget: QWidget) -> QWidget:
    return widget.line_edit if isinstance(widget, UkDateEdit) else widget


def _tab_chain(*widgets: QWidget) -> None:
    """Set the Tab order explicitly, a date edit counting as its text (its calendar button
    is no Tab stop: Alt+Down opens the calendar)."""
    flat = [_buddy(widget) for widget in widgets]
    for first, second in itertools.pairwise(flat):
        QWidget.setTabOrder(first, second)


def _select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index)


class _EnterLineEdit(QLineEdit):
    """A line edit whose Enter does its own job (adds what was typed) instead of pressing
    the wizard's Next, which would leave the page with the name still in the box."""

    entered = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter emits `entered` and goes no further."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.entered.emit()
            event.accept()
            return
        super().keyPressEvent(event)


def _invited_text(person: InvitedAttendee) -> str:
    return f"{person.name} ({person.role})" if person.role else person.name


@dataclass
class WizardState:
    """What the pages share: the services, the referral decided on and the answers."""

    decisions: DecisionService
    records: RecordService
    today: Callable[[], dt.date]
    #: The existing referral chosen (None while a new one is being entered).
    referral: Referral | None = None
    #: The referral being entered on the first page, rebuilt whenever it is left.
    new_referral: Referral | None = None
    rule_set_id: str = ""
    answers: dict[str, Answer] = field(default_factory=dict)
    #: Keys the chair has answered on their page, "Not yet known" included. Every other
    #: key is "not yet known" or preselected from the referral, and may be replaced.
    answered: set[str] = field(default_factory=set)
    #: Keys whose answer was preselected from the referral's incident type, untouched since.
    from_referral: set[str] = field(default_factory=set)
    #: Keys the referral settles (a living child's death questions): shown, never asked.
    settled: set[str] = field(default_factory=set)
    evidence: dict[str, str] = field(default_factory=dict)

    @property
    def current_referral(self) -> Referral | None:
        """The referral decided on: the one chosen, or the new one entered."""
        return self.referral if self.referral is not None else self.new_referral

    def rule_set(self) -> RuleSet:
        """The rule set chosen (its current version)."""
        return rule_set(self.rule_set_id or "WT2015")

    def answers_for(self, rs: RuleSet) -> dict[str, Answer]:
        """Every question of `rs` with its answer (None when not yet known)."""
        return {key: self.answers.get(key) for key in rs.keys}

    def evaluation(self) -> Evaluation:
        """The rules' outcome for the answers so far."""
        rs = self.rule_set()
        return evaluate(rs.id, self.answers_for(rs), version=rs.version)

    def consistent(self, key: str, value: Answer) -> str | None:
        """Why answering `key` with `value` contradicts other answers (None when it fits)."""
        rs = self.rule_set()
        trial = self.answers_for(rs)
        trial[key] = value
        for imp in rs.implications:
            if trial.get(imp.when) is True and trial.get(imp.then) is False:
                other = imp.then if imp.when == key else imp.when
                # In the secretariat's words, not the evaluator's key names.
                return (
                    f"the answer to “{rs.question(other).label}” rules it out ({imp.explanation})"
                )
        try:
            evaluate(rs.id, trial, version=rs.version)
        except ValueError:
            return "it contradicts an earlier answer"
        return None

    def definite(self) -> bool:
        """Whether the answers so far already decide the outcome (nothing left can change it)."""
        return self.evaluation().outcome != INSUFFICIENT_INFORMATION

    def prefill_from_referral(self) -> None:
        """Preselect what the referral's incident type already says, for the rule set chosen.

        Answers the chair gave are never replaced; those preselected for an earlier referral
        or rule set are taken back first."""
        for key in self.from_referral - self.answered:
            self.answers.pop(key, None)
        self.from_referral.clear()
        referral = self.current_referral
        if referral is None:
            return
        rs = self.rule_set()
        for key, value in INCIDENT_ANSWERS.get(referral.incident_type, ()):
            if key not in rs.keys or key in self.answered or self.answers.get(key) is not None:
                continue
            if self.consistent(key, value) is None:
                self.answers[key] = value
                self.from_referral.add(key)
        self.apply_settled()

    def apply_settled(self) -> None:
        """Set the answers the referral settles (see `settled_by_referral`), taking back
        those it no longer settles (the chair answered that the child died)."""
        for key in self.settled - self.answered:
            self.answers.pop(key, None)
        self.settled.clear()
        referral = self.current_referral
        if referral is None:
            return
        rs = self.rule_set()
        found = settled_by_referral(rs.id, referral.incident_type.value, self.answers_for(rs))
        for key, value in found.items():
            if key not in self.answered:
                self.answers[key] = value
                self.settled.add(key)

    def next_question(self, after: int) -> int:
        """The page of the first question after index `after` that is still asked (settled
        ones are skipped), or the outcome page."""
        questions = self.rule_set().questions
        for index in range(after + 1, len(questions)):
            if questions[index].key not in self.settled:
                return PageId.question(index)
        return int(PageId.RESULT)

    def question_labels(self, keys: list[str]) -> list[str]:
        """The short labels of questions, for "still needed" lists."""
        rs = self.rule_set()
        return [rs.question(k).label for k in keys]


# --- 1: the referral ------------------------------------------------------------------------


class ReferralPage(QWizardPage):
    """Pick a referral awaiting a decision, or enter the essentials of a new one."""

    def __init__(
        self,
        *,
        state: WizardState,
        new_referral_id: str,
        on_referral_chosen: Callable[[str], None],
        referral_id: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._state = state
        self.new_referral_id = new_referral_id
        self._on_chosen = on_referral_chosen
        #: The referral the wizard was opened for: selected whenever the list is filled.
        self.preselect_id = referral_id
        self.setTitle("Which referral is this decision about?")
        self.setSubTitle(
            "Choose a referral awaiting a decision, or record a new one. Use pseudonyms "
            "only: never a child's real name."
        )
        self.existing_radio = QRadioButton("An &existing referral awaiting a decision")
        self.new_radio = QRadioButton("A ne&w referral")
        self.existing_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.existing_radio)
        group.addButton(self.new_radio)

        self.search = SearchBox(
            placeholder="Search referrals by reference, case or summary; Down and Up choose"
        )
        self.search.search_changed.connect(self._load_choices)
        self.choices = QListWidget()
        self.choices.setAccessibleName("Referrals awaiting a decision")
        self.choices.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.choices.setMinimumHeight(self.choices.fontMetrics().lineSpacing() * 7)
        self.choices.itemSelectionChanged.connect(self.completeChanged.emit)
        # Down and Up choose a referral from the search box too, so the chair can type to
        # narrow the list and pick without tabbing; see eventFilter.
        self.search.installEventFilter(self)
        self.choices.installEventFilter(self)
        self.empty_label = _label("No referral is awaiting a decision.", role="hint")

        self.reference = QLineEdit()
        self.received = _date_edit("Date received", self)
        self.agency = QComboBox()
        self.case_name = QLineEdit()
        self.case_name.setPlaceholderText("e.g. Child Q")
        self.child_pseudonym = QLineEdit()
        self.child_sex = QComboBox()
        for sex in Sex:
            self.child_sex.addItem(sex.label, sex.value)
        _select_data(self.child_sex, Sex.UNKNOWN.value)
        self.child_legal_status = QComboBox()
        for status in LegalStatus:
            self.child_legal_status.addItem(status.label, status.value)
        _select_data(self.child_legal_status, LegalStatus.UNKNOWN.value)
        self.incident_date = _date_edit("Incident date", self)
        self.incident_type = QComboBox()
        for kind in IncidentType:
            self.incident_type.addItem(kind.label, kind.value)
        # "Other" until the chair says: the type preselects answers (a death, a harm), so a
        # default of "Death" would answer a question nobody asked.
        _select_data(self.incident_type, IncidentType.OTHER.value)
        self.summary = _plain_text_edit("Summary")
        self.learned_on = _date_edit("Local authority learned of it on", self)
        self.notified_on = _date_edit("Panel notified on", self)
        self.new_form = QGroupBox("New referral")
        form = QFormLayout(self.new_form)
        rows: list[tuple[str, QWidget]] = [
            ("&Reference:", self.reference),
            ("Recei&ved on:", self.received),
            ("Referring a&gency:", self.agency),
            ("&Case name (pseudonym):", self.case_name),
            ("C&hild's pseudonym:", self.child_pseudonym),
            ("Child's se&x:", self.child_sex),
            ("Child's &legal status:", self.child_legal_status),
            ("&Incident date:", self.incident_date),
            ("Incident &type:", self.incident_type),
            ("S&ummary:", self.summary),
            ("Local authority learne&d of it on:", self.learned_on),
            ("Panel noti&fied on:", self.notified_on),
        ]
        for text, widget in rows:
            label = QLabel(text)
            label.setBuddy(_buddy(widget))
            target = _buddy(widget)
            if not target.accessibleName():
                target.setAccessibleName(_strip_mnemonic(text).rstrip(":"))
            form.addRow(label, widget)
        self.error_label = ErrorLabel()

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.existing_radio)
        layout.addWidget(self.search)
        layout.addWidget(self.choices, 1)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.new_radio)
        layout.addWidget(self.new_form)
        layout.addWidget(self.error_label)
        scroll = QScrollArea()
        # The scroll area itself is no Tab stop: it took the focus first, so the chair
        # needed extra Tabs to reach the first real control.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        _tab_chain(
            self.existing_radio,
            self.search,
            self.choices,
            self.new_radio,
            *(widget for _, widget in rows),
        )
        self.received.value_changed.connect(self._suggest_reference)
        self.case_name.textChanged.connect(self._follow_case_name)
        for edit in (self.reference, self.case_name, self.child_pseudonym):
            edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        for date_edit in (self.received, self.incident_date, self.learned_on, self.notified_on):
            date_edit.line_edit.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.existing_radio.toggled.connect(self._mode_changed)
        self._suggested = ""
        self._pseudonym_follows = True
        self._mode_changed()

    # Qt overrides

    def initializePage(self) -> None:
        """Fill the lists from the database the first time the page shows."""
        if self.agency.count() == 0:
            for agency in self._state.records.agencies():
                self.agency.addItem(agency.name, agency.id)
            self.agency.setCurrentIndex(-1)
        if self.choices.count() == 0:
            self._load_choices(self.search.text())

    def take_focus(self) -> None:
        """Start in the search box: typing narrows the list, Down and Up choose, one Tab
        goes to the list itself."""
        if self.existing_radio.isChecked():
            self.search.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.new_radio.setFocus(Qt.FocusReason.OtherFocusReason)

    def isComplete(self) -> bool:
        """A referral chosen, or the new one's essentials filled in."""
        if self.existing_radio.isChecked():
            return self.chosen_id() is not None
        dates_ok = all(
            d.error() is None
            for d in (self.received, self.incident_date, self.learned_on, self.notified_on)
        )
        return bool(
            dates_ok
            and self.reference.text().strip()
            and self.case_name.text().strip()
            and self.child_pseudonym.text().strip()
            and self.received.line_edit.text().strip()
            and self.agency.currentIndex() >= 0
        )

    def validatePage(self) -> bool:
        """Load the referral chosen, or check the new one with the domain rules."""
        self.error_label.clear_error()
        if self.existing_radio.isChecked():
            referral_id = self.chosen_id()
            if referral_id is None:
                return False
            self._state.referral = self._state.records.get_referral(referral_id)
            self._state.new_referral = None
            self._on_chosen(referral_id)
            return True
        referral = self.build_new_referral()
        # "Not in the future" is about the real calendar, whatever day the app works at.
        problems = validate_referral(referral, today=dt.date.today())
        if problems:
            self.error_label.show_error("; ".join(str(p) for p in problems))
            return False
        self._state.referral = None
        self._state.new_referral = referral
        return True

    # helpers

    def build_new_referral(self) -> Referral:
        """The new referral as typed (its id comes from the wizard)."""
        received = self.received.value() or self._state.today()
        return Referral(
            id=self.new_referral_id,
            reference=self.reference.text().strip(),
            received=received,
            referring_agency=str(self.agency.currentData() or ""),
            case_name=self.case_name.text().strip(),
            incident_date=self.incident_date.value(),
            incident_type=IncidentType(str(self.incident_type.currentData())),
            children=(
                Child(
                    pseudonym=self.child_pseudonym.text().strip(),
                    sex=Sex(str(self.child_sex.currentData())),
                    legal_status=LegalStatus(str(self.child_legal_status.currentData())),
                ),
            ),
            summary=self.summary.toPlainText().strip(),
            status=ReferralStatus.AWAITING_DECISION,
            learned_on=self.learned_on.value(),
            notified_on=self.notified_on.value(),
        )

    def _mode_changed(self) -> None:
        existing = self.existing_radio.isChecked()
        self.search.setEnabled(existing)
        self.choices.setEnabled(existing)
        self.new_form.setEnabled(not existing)
        if not existing and not self.received.line_edit.text():
            self.received.set_value(self._state.today())
        self.completeChanged.emit()

    def _load_choices(self, text: str) -> None:
        keep = self.chosen_id() or self.preselect_id
        self.choices.clear()
        found: list[ReferralChoice] = self._state.decisions.awaiting_decision(text)
        for choice in found:
            item = QListWidgetItem(
                f"{choice.reference} · {choice.case_name} · received "
                f"{format_uk_date(choice.received)} from {choice.referring_agency}"
            )
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            self.choices.addItem(item)
        self.empty_label.setVisible(not found)
        # Nothing is chosen for the chair, except the referral the wizard was opened for
        # (or the one already chosen, when the search changes): a preselected first row
        # was too easily decided on by mistake.
        if keep is not None:
            self.select_referral(keep)
        self.completeChanged.emit()

    def chosen_id(self) -> str | None:
        """The id of the referral selected in the list (None when none is)."""
        selected = self.choices.selectedItems()
        return str(selected[0].data(Qt.ItemDataRole.UserRole)) if selected else None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down/Up in the search box, or in a list with nothing selected yet, choose a
        referral: the first press selects the first row rather than skipping over it."""
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        plain = event.modifiers() in (
            Qt.KeyboardModifier.NoModifier,
            Qt.KeyboardModifier.KeypadModifier,
        )
        if step is None or not plain:
            return super().eventFilter(watched, event)
        if watched is self.search or (watched is self.choices and self.chosen_id() is None):
            count = self.choices.count()
            if count:
                selected = self.choices.selectedItems()
                row = self.choices.row(selected[0]) + step if selected else 0
                self.choices.setCurrentRow(max(0, min(count - 1, row)))
            return True
        return super().eventFilter(watched, event)

    def _suggest_reference(self, received: object) -> None:
        # Only replace a reference the app suggested, never one the user typed.
        if not isinstance(received, dt.date):
            return
        if self.reference.text() in ("", self._suggested):
            self._suggested = self._state.records.suggest_referral_reference(received)
            self.reference.setText(self._suggested)

    def _follow_case_name(self, text: str) -> None:
        # The child's pseudonym follows the case name until the user types their own.
        if self._pseudonym_follows:
            self.child_pseudonym.setText(text)

    def select_referral(self, referral_id: str) -> bool:
        """Select `referral_id` in the list; False when it is not awaiting a decision."""
        for row in range(self.choices.count()):
            if self.choices.item(row).data(Qt.ItemDataRole.UserRole) == referral_id:
                self.existing_radio.setChecked(True)
                self.choices.setCurrentRow(row)
                return True
        return False

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "mode": "existing" if self.existing_radio.isChecked() else "new",
            "chosen": self.chosen_id(),
            "reference": self.reference.text(),
            "received": self.received.line_edit.text(),
            "agency": self.agency.currentData(),
            "case_name": self.case_name.text(),
            "child_pseudonym": self.child_pseudonym.text(),
            "child_sex": self.child_sex.currentData(),
            "child_legal_status": self.child_legal_status.currentData(),
            "incident_date": self.incident_date.line_edit.text(),
            "incident_type": self.incident_type.currentData(),
            "summary": self.summary.toPlainText(),
            "learned_on": self.learned_on.line_edit.text(),
            "notified_on": self.notified_on.line_edit.text(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        self.initializePage()
        if data.get("mode") == "new":
            self.new_radio.setChecked(True)
        elif isinstance(data.get("chosen"), str):
            self.select_referral(str(data["chosen"]))
        self.reference.setText(_text(data.get("reference")))
        self._suggested = ""
        self.received.line_edit.setText(_text(data.get("received")))
        _select_data(self.agency, data.get("agency"))
        self.case_name.setText(_text(data.get("case_name")))
        self.child_pseudonym.setText(_text(data.get("child_pseudonym")))
        _select_data(self.child_sex, data.get("child_sex"))
        _select_data(self.child_legal_status, data.get("child_legal_status"))
        self.incident_date.line_edit.setText(_text(data.get("incident_date")))
        _select_data(self.incident_type, data.get("incident_type"))
        self.summary.setPlainText(_text(data.get("summary")))
        self.learned_on.line_edit.setText(_text(data.get("learned_on")))
        self.notified_on.line_edit.setText(_text(data.get("notified_on")))


# --- 2: the rule set ------------------------------------------------------------------------


class RuleSetPage(QWizardPage):
    """The rule set preselected by date, with why; the chair may pick another allowed one."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Which criteria apply?")
        self.setSubTitle("The rule set in force on the incident date is chosen for you.")
        self.referral_label = _label("", role="subtitle")
        self.reason_label = _label("")
        self.reason_label.setObjectName("ruleSetReason")
        self.buttons: dict[str, QRadioButton] = {}
        self._texts: dict[str, str] = {}
        self._titles: dict[str, str] = {}
        self.title_labels: dict[str, QLabel] = {}
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.referral_label)
        layout.addWidget(self.reason_label)
        for number, (rs_id, rs) in enumerate(RULE_SETS.items(), start=1):
            self._texts[rs_id] = f"&{number}  {rs.id}"
            self._titles[rs_id] = f"{rs.title} (version {rs.version})"
            button = QRadioButton(self._texts[rs_id])
            button.setProperty("ruleSet", rs_id)
            button.setAccessibleDescription(self._titles[rs_id])
            button.toggled.connect(self._toggled)
            self.group.addButton(button)
            self.buttons[rs_id] = button
            layout.addWidget(button)
            # The long title wraps under its choice: on the radio's own line it could not
            # wrap and held the wizard wider than a 1024 px screen.
            title = _label(self._titles[rs_id], role="hint")
            title.setIndent(
                button.style().pixelMetric(QStyle.PixelMetric.PM_ExclusiveIndicatorWidth) + 8
            )
            self.title_labels[rs_id] = title
            layout.addWidget(title)
        self.note = _label("Only the rule sets in force on that date can be chosen.", role="hint")
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._chosen_for: str | None = None

    def initializePage(self) -> None:
        """Preselect by the incident (or notification, or received) date."""
        referral = self._state.current_referral
        if referral is None:
            return
        when = referral.incident_date or referral.notified_on or referral.received
        choice = choose_rule_set(when)
        self.referral_label.setText(
            f"{referral.reference} · {referral.case_name} · incident "
            f"{format_uk_date(referral.incident_date) or 'date not recorded'}"
        )
        self.reason_label.setText(choice.reason)
        for rs_id, button in self.buttons.items():
            allowed = rs_id in choice.selectable
            button.setEnabled(allowed)
            # Greyed alone was missed at meetings: say why the choice is not offered, next
            # to the id, where a long title cannot push it out of sight.
            why = "" if allowed else f" ({NOT_IN_FORCE})"
            button.setText(f"{self._texts[rs_id]}{why}")
            self.title_labels[rs_id].setEnabled(allowed)
        # Keep the chair's own choice when they come back to this page for the same
        # referral; preselect afresh for another referral.
        if self._chosen_for != referral.id or self._state.rule_set_id not in choice.selectable:
            self._state.rule_set_id = choice.rule_set_id
            self._chosen_for = referral.id
        self.buttons[self._state.rule_set_id].setChecked(True)

    def take_focus(self) -> None:
        """Start on the rule set chosen, so Enter accepts it and arrows move the choice."""
        chosen = self.group.checkedButton()
        if chosen is not None:
            chosen.setFocus(Qt.FocusReason.OtherFocusReason)

    def isComplete(self) -> bool:
        """A rule set is chosen, and it is one in force for the referral's date."""
        button = self.group.checkedButton()
        return button is not None and button.isEnabled()

    def validatePage(self) -> bool:
        """Preselect the answers the referral already gives under the rule set chosen."""
        self._state.prefill_from_referral()
        return True

    def _toggled(self, checked: bool) -> None:
        if checked:
            button = self.group.checkedButton()
            if button is not None:
                self._state.rule_set_id = str(button.property("ruleSet"))
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        """Keep the choice when going back (QWizard would reset fields)."""

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {"rule_set": self._state.rule_set_id, "chosen_for": self._chosen_for}

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        rs_id = data.get("rule_set")
        if isinstance(rs_id, str) and rs_id in RULE_SETS:
            self._state.rule_set_id = rs_id
        chosen_for = data.get("chosen_for")
        self._chosen_for = chosen_for if isinstance(chosen_for, str) else None


# --- 3: one page per question ---------------------------------------------------------------


class QuestionPage(QWizardPage):
    """The `index`-th question of the chosen rule set: statutory wording, guidance, the
    answers as radio buttons (1-4 or Alt+1-4), and the evidence for the answer."""

    def __init__(self, *, state: WizardState, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.index = index
        self.key = ""
        self.question_label = _label("")
        self.question_label.setObjectName("questionText")
        font = self.question_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question_label.setFont(font)
        self.group = QButtonGroup(self)
        self.radios: list[QRadioButton] = []
        choices = QVBoxLayout()
        for number in range(1, MAX_CHOICES + 1):
            radio = QRadioButton()
            self.group.addButton(radio, number)
            self.radios.append(radio)
            choices.addWidget(radio)
            # The digit alone picks the answer; text boxes take plain digits first, so
            # typing "1" in the evidence still types it.
            shortcut = QShortcut(QKeySequence(str(number)), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda n=number: self.choose_number(n))
        self.group.idToggled.connect(self._toggled)
        self.conflict_label = _label("", role="hint")
        self.prefill_label = _label("", role="hint")
        self.prefill_label.setObjectName("fromReferral")
        self.guidance_label = _label("")
        self.guidance_label.setObjectName("guidance")
        self.evidence = _plain_text_edit("Evidence and rationale for this answer")
        self.evidence.textChanged.connect(self._evidence_changed)
        evidence_label = QLabel("&Evidence and rationale for this answer:")
        evidence_label.setBuddy(self.evidence)
        self.so_far_label = _label("", rich=True)
        self.so_far_label.setObjectName("soFar")
        self.statutory = QTextBrowser()
        self.statutory.setAccessibleName("Statutory wording")
        self.statutory.setTabChangesFocus(True)
        self.statutory.setMaximumHeight(150)
        statutory_label = QLabel("&Statutory wording:")
        statutory_label.setBuddy(self.statutory)

        layout = QVBoxLayout(self)
        layout.addWidget(self.question_label)
        layout.addLayout(choices)
        layout.addWidget(self.prefill_label)
        layout.addWidget(self.conflict_label)
        guidance_box = QGroupBox("Guidance")
        guidance_layout = QVBoxLayout(guidance_box)
        guidance_layout.addWidget(self.guidance_label)
        layout.addWidget(guidance_box)
        layout.addWidget(evidence_label)
        layout.addWidget(self.evidence)
        layout.addWidget(self.so_far_label)
        layout.addWidget(statutory_label)
        layout.addWidget(self.statutory)
        self._loading = False

    def question(self) -> Question:
        """The question this page asks under the rule set chosen."""
        return self._state.rule_set().questions[self.index]

    def values(self) -> list[Answer]:
        """The answers offered, in button order: the question's own, then not yet known."""
        return [*self.question().values, None]

    def initializePage(self) -> None:
        """Show the question of the chosen rule set with the answer given so far."""
        rs = self._state.rule_set()
        question = self.question()
        self.key = question.key
        self._loading = True
        self.setTitle(f"Question {self.index + 1} of {len(rs.questions)}")
        self.setSubTitle(f"{rs.id}: {rs.title}")
        self.question_label.setText(question.text)
        self.guidance_label.setText(question.guidance or "No guidance for this question.")
        self.statutory.setHtml("".join(f"<p>{html.escape(p)}</p>" for p in rs.statutory_text))
        values = self.values()
        self.group.setExclusive(False)
        for number, radio in enumerate(self.radios, start=1):
            if number <= len(values):
                value = values[number - 1]
                label = NOT_YET_KNOWN if value is None else question.value_label(value)
                radio.setText(f"&{number}  {label}")
                radio.setAccessibleName(label)
                radio.show()
                # "Not yet known" (None) is checked until an answer is known, so Next is
                # never blocked by a question the meeting cannot answer yet.
                radio.setChecked(self._state.answers.get(question.key) == value)
            else:
                radio.setChecked(False)
                radio.hide()
        self.group.setExclusive(True)
        self.evidence.setPlainText(self._state.evidence.get(question.key, ""))
        self._loading = False
        self._update_conflicts()
        self._update_prefill()
        self._update_so_far()

    def take_focus(self) -> None:
        """Start on the answer chosen, not in the evidence box, so the number keys and the
        arrows answer at once."""
        checked = self.group.checkedButton()
        enabled = [r for r in self.radios if r.isEnabled() and not r.isHidden()]
        target = checked or (enabled[0] if enabled else self.evidence)
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def cleanupPage(self) -> None:
        """Keep the answer when going back (QWizard would reset fields)."""

    def isComplete(self) -> bool:
        """Always, once shown: "Not yet known" is an answer, and the default one."""
        return bool(self.key)

    def nextId(self) -> int:
        """The next question of the rule set still asked, then the outcome."""
        return self._state.next_question(self.index)

    def choose_number(self, number: int) -> None:
        """Pick the `number`-th answer (the 1-4 keys)."""
        if number - 1 < len(self.values()):
            radio = self.radios[number - 1]
            if radio.isEnabled() and radio.isVisible():
                radio.setChecked(True)
                radio.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _toggled(self, button_id: int, checked: bool) -> None:
        if self._loading or not checked:
            return
        self._state.answers[self.key] = self.values()[button_id - 1]
        self._state.answered.add(self.key)
        self._state.from_referral.discard(self.key)
        self._state.apply_settled()
        self._update_prefill()
        self._update_so_far()
        self.completeChanged.emit()

    def _evidence_changed(self) -> None:
        if self._loading or not self.key:
            return
        text = self.evidence.toPlainText()
        if text.strip():
            self._state.evidence[self.key] = text
        else:
            self._state.evidence.pop(self.key, None)

    def _update_conflicts(self) -> None:
        # An answer that contradicts another (a suspected suicide of a child who did not
        # die) is disabled, with the reason shown, rather than refused at the end.
        problems = []
        for radio, value in zip(self.radios, self.values(), strict=False):
            if value is None:
                radio.setEnabled(True)
                continue
            problem = self._state.consistent(self.key, value)
            radio.setEnabled(problem is None)
            if problem is not None:
                problems.append(f"{self.question().value_label(value)} is not possible: {problem}.")
        self.conflict_label.setText("\n".join(problems))
        self.conflict_label.setVisible(bool(problems))

    def _update_prefill(self) -> None:
        referral = self._state.current_referral
        shown = self.key in self._state.from_referral and referral is not None
        if shown and referral is not None:
            self.prefill_label.setText(
                f"Preselected {FROM_REFERRAL} ({referral.incident_type.label.lower()}): "
                "change it if the meeting knows otherwise."
            )
        self.prefill_label.setVisible(shown)

    def _update_so_far(self) -> None:
        result = self._state.evaluation()
        rs = self._state.rule_set()
        text = f"<b>Outcome so far:</b> {html.escape(rs.outcome_label(result.outcome))}"
        if result.missing:
            still = ", ".join(self._state.question_labels(result.missing)).lower()
            text += f"<br/>Still needed: {html.escape(still)}."
        elif self.index + 1 < len(rs.questions):
            text += (
                "<br/>No remaining question can change this outcome: press "
                "<b>Skip to the outcome</b> (Alt+O), or Next to answer them anyway."
            )
        if self._state.settled:
            settled = ", ".join(self._state.question_labels(sorted(self._state.settled))).lower()
            # One bracket, not "(not applicable (child living))" nested in another.
            text += (
                f"<br/>Settled by the referral and not asked, "
                f"{NOT_APPLICABLE_CHILD_LIVING}: {html.escape(settled)}."
            )
        self.so_far_label.setText(text)


# --- 4: the outcome under the rules ----------------------------------------------------------


class ResultPage(QWizardPage):
    """The outcome the rules give, the reasons in order, and what is still missing."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Outcome under the rules")
        self.outcome_label = _label("")
        self.outcome_label.setObjectName("outcome")
        font = self.outcome_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.outcome_label.setFont(font)
        self.reasons_label = _label("", rich=True)
        self.missing_label = _label("", rich=True)
        self.not_asked_label = _label("", rich=True)
        self.not_asked_label.setObjectName("notAsked")
        layout = QVBoxLayout(self)
        layout.addWidget(self.outcome_label)
        layout.addWidget(QLabel("Reasons, in the order the rules were applied:"))
        layout.addWidget(self.reasons_label)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.not_asked_label)
        layout.addStretch(1)

    def initializePage(self) -> None:
        """Evaluate the answers given."""
        result = self._state.evaluation()
        rs = self._state.rule_set()
        self.setSubTitle(f"{rs.id} version {rs.version}")
        self.outcome_label.setText(rs.outcome_label(result.outcome))
        self.reasons_label.setText(
            "<ol>" + "".join(f"<li>{html.escape(r)}</li>" for r in result.reasons) + "</ol>"
        )
        if result.missing:
            items = "".join(
                f"<li>{html.escape(label)}</li>"
                for label in self._state.question_labels(result.missing)
            )
            self.missing_label.setText(
                "<b>Still needed to decide under the rules:</b><ul>" + items + "</ul>"
                "Go back to answer them, or record the chair's decision on what is known "
                "(with a reason)."
            )
        else:
            self.missing_label.setText("Nothing more is needed: the rules give a definite outcome.")
        not_asked = self.not_asked()
        self.not_asked_label.setText(
            "<b>Questions skipped:</b><ul>"
            + "".join(f"<li>{html.escape(line)}</li>" for line in not_asked)
            + "</ul>"
        )
        self.not_asked_label.setVisible(bool(not_asked))

    def not_asked(self) -> list[str]:
        """The questions skipped on the way here, each saying why and any answer kept."""
        wizard = self.wizard()
        visited = set(wizard.visitedIds()) if wizard is not None else set()
        rs = self._state.rule_set()
        lines = []
        for index, question in enumerate(rs.questions):
            if PageId.question(index) in visited:
                continue
            label = f"{question.label[:1].upper()}{question.label[1:]}"
            if question.key in self._state.settled:
                lines.append(f"{label}: {NOT_APPLICABLE_CHILD_LIVING}, settled by the referral.")
                continue
            answer = self._state.answers.get(question.key)
            if answer is None:
                lines.append(f"{label}: {NOT_ASKED}.")
                continue
            # An answer given earlier (or by the referral) still counts, so the outcome may
            # well have depended on it: say it was kept, not that it did not matter.
            source = FROM_REFERRAL if question.key in self._state.from_referral else "given earlier"
            lines.append(
                f"{label}: not asked again; answer kept ({source}): {question.value_label(answer)}."
            )
        return lines


# --- 5: the chair's decision ----------------------------------------------------------------


class DecisionPage(QWizardPage):
    """The chair's decision (defaults to the rules' outcome), a reason when it differs,
    the rationale, the meeting, who was present and the date."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("The subgroup's decision")
        self.setSubTitle("Record what the subgroup decided, at which meeting, and who was present.")
        # Date edits get their parent at once: made parentless and reparented later, their
        # line edit and calendar button drop out of the Tab chain (seen with Qt 6.11).
        self.rules_label = _label("")
        self.outcome = QComboBox()
        self.alternative = QComboBox()
        for kind in AlternativeReviewType:
            self.alternative.addItem(kind.label, kind.value)
        self.alternative.setCurrentIndex(-1)
        self.differs_hint = _label("", role="alert")
        self.differs_hint.setObjectName("differsHint")
        self.reason = _plain_text_edit("Why the decision differs from the rules")
        self.rationale = _plain_text_edit("Rationale")
        self.notified_on = _date_edit("Panel notified on", self)
        self.existing_meeting = QRadioButton("E&xisting meeting:")
        self.meetings = QComboBox()
        self.meetings.setAccessibleName("Meeting")
        self.new_meeting = QRadioButton("New &meeting on:")
        self.meeting_date = _date_edit("New meeting date", self)
        meeting_group = QButtonGroup(self)
        meeting_group.addButton(self.existing_meeting)
        meeting_group.addButton(self.new_meeting)
        self.attendees = QListWidget()
        self.attendees.setAccessibleName("Present (Space ticks)")
        self.attendees.setMinimumHeight(self.attendees.fontMetrics().lineSpacing() * 5)
        self.attendees.setMaximumHeight(self.attendees.fontMetrics().lineSpacing() * 9)
        # People present who are not members (an allocated social worker, the reviewer):
        # typed in, listed, and removed with Delete, all from the keyboard.
        self.invited_name = _EnterLineEdit()
        self.invited_name.setAccessibleName("Invited person's name")
        self.invited_name.setPlaceholderText("Name (Enter adds)")
        self.invited_role = _EnterLineEdit()
        self.invited_role.setAccessibleName("Invited person's role or agency")
        self.invited_role.setPlaceholderText("Role or agency")
        self.add_invited = QPushButton("Add &invited")
        self.add_invited.setAutoDefault(False)
        self.invited = QListWidget()
        self.invited.setAccessibleName("Invited, not members (Delete removes)")
        self.invited.setMaximumHeight(self.invited.fontMetrics().lineSpacing() * 5)
        self.invited.setVisible(False)
        self.remove_invited = QPushButton("Remove invi&ted")
        self.remove_invited.setAutoDefault(False)
        self.remove_invited.setVisible(False)
        self.decided_on = _date_edit("Decided on", self)
        self.missing_hint = _label("", role="hint")
        self.missing_hint.setObjectName("missingHint")

        form = self._form = QFormLayout()
        # Labels beside their fields, at the top of tall ones, with no stretching of rows:
        # the form sits at the top and spare height goes below it (see addStretch).
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._rows: dict[str, QLabel] = {}
        for key, text, widget in (
            ("outcome", "Chair's &decision:", self.outcome),
            ("alternative", "&Kind of review:", self.alternative),
            ("reason", "&Reason for differing:", self.reason),
            ("rationale", "R&ationale:", self.rationale),
            ("notified_on", "Panel noti&fied on:", self.notified_on),
        ):
            label = QLabel(text)
            label.setBuddy(_buddy(widget))
            self._rows[key] = label
            form.addRow(label, widget)
        form.insertRow(1, self.differs_hint)
        # One line per kind of meeting, each radio beside its own field, both under the
        # "Meeting:" label: the two choices read as a pair and line up with the form.
        existing_row = QHBoxLayout()
        existing_row.addWidget(self.existing_meeting)
        existing_row.addWidget(self.meetings, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.new_meeting)
        new_row.addWidget(self.meeting_date, 1)
        # The same width for both radios, so the combo and the date start in one column.
        width = max(self.existing_meeting.sizeHint().width(), self.new_meeting.sizeHint().width())
        self.existing_meeting.setMinimumWidth(width)
        self.new_meeting.setMinimumWidth(width)
        meeting_label = QLabel("Meeting:")
        self._rows["meeting"] = meeting_label
        form.addRow(meeting_label, existing_row)
        form.addRow("", new_row)
        present = QLabel("&Present:")
        present.setBuddy(self.attendees)
        form.addRow(present, self.attendees)
        invited_entry = QHBoxLayout()
        invited_entry.addWidget(self.invited_name, 1)
        invited_entry.addWidget(self.invited_role, 1)
        invited_entry.addWidget(self.add_invited)
        invited_list = QHBoxLayout()
        invited_list.addWidget(self.invited, 1)
        invited_list.addWidget(self.remove_invited, 0, Qt.AlignmentFlag.AlignTop)
        invited_box = QVBoxLayout()
        invited_box.setContentsMargins(0, 0, 0, 0)
        invited_box.addLayout(invited_entry)
        invited_box.addLayout(invited_list)
        invited_label = QLabel("In&vited, not members:")
        invited_label.setWordWrap(True)
        invited_label.setBuddy(self.invited_name)
        self._rows["invited"] = invited_label
        form.addRow(invited_label, invited_box)
        decided = QLabel("Decided &on:")
        decided.setBuddy(self.decided_on.line_edit)
        self._rows["decided_on"] = decided
        form.addRow(decided, self.decided_on)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.addWidget(self.rules_label)
        layout.addLayout(form)
        layout.addStretch(1)
        scroll = QScrollArea()
        # The scroll area itself is no Tab stop: it took the focus first, so the chair
        # needed extra Tabs to reach the first real control.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        # Below the scrolling form, so what still blocks Next is always in view.
        outer.addWidget(self.missing_hint)

        _tab_chain(
            self.outcome,
            self.alternative,
            self.reason,
            self.rationale,
            self.notified_on,
            self.existing_meeting,
            self.meetings,
            self.new_meeting,
            self.meeting_date,
            self.attendees,
            self.invited_name,
            self.invited_role,
            self.add_invited,
            self.invited,
            self.remove_invited,
            self.decided_on,
        )
        self.invited_name.entered.connect(self._add_invited)
        self.invited_role.entered.connect(self._add_invited)
        self.add_invited.clicked.connect(self._add_invited)
        self.remove_invited.clicked.connect(self._remove_invited)
        QShortcut(
            QKeySequence(Qt.Key.Key_Delete),
            self.invited,
            self._remove_invited,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        self.outcome.currentIndexChanged.connect(self._changed)
        self.alternative.currentIndexChanged.connect(self._changed)
        self.reason.textChanged.connect(self._changed)
        self.rationale.textChanged.connect(self._changed)
        self.existing_meeting.toggled.connect(self._meeting_mode)
        self.meetings.currentIndexChanged.connect(self._meeting_chosen)
        self.attendees.itemChanged.connect(lambda _i: self._changed())
        for date_edit in (self.notified_on, self.meeting_date, self.decided_on):
            date_edit.line_edit.textChanged.connect(lambda _t: self._changed())
        self.meeting_date.value_changed.connect(self._meeting_date_changed)
        self._rule_set_shown = ""
        self._rules_outcome_shown = ""
        self._members_loaded = False
        self._restoring = False

    # Qt overrides

    def initializePage(self) -> None:
        """Offer the decisions of the chosen rule set, defaulting to the rules' outcome."""
        rs = self._state.rule_set()
        result = self._state.evaluation()
        self.rules_label.setText(
            f"Under {rs.id} the rules give: {rs.outcome_label(result.outcome)}."
        )
        if not self._members_loaded:
            self._load_people()
        statutory = DecidedOutcome.SCR if rs.id == "WT2015" else DecidedOutcome.LCSPR
        wanted = [
            statutory,
            DecidedOutcome.ALTERNATIVE_REVIEW,
            DecidedOutcome.NO_FURTHER_ACTION,
        ]
        if self._rule_set_shown != rs.id or self._rules_outcome_shown != result.outcome:
            # A new rule set or a new rules outcome: offer its decisions afresh.
            self.outcome.blockSignals(True)
            self.outcome.clear()
            for outcome in wanted:
                self.outcome.addItem(outcome.label, outcome.value)
            default = default_decision(result.outcome)
            self.outcome.setCurrentIndex(
                self.outcome.findData(default.value) if default is not None else -1
            )
            self.outcome.setPlaceholderText("Choose the decision")
            self.outcome.blockSignals(False)
            self._rule_set_shown = rs.id
            self._rules_outcome_shown = result.outcome
        referral = self._state.current_referral
        if referral is not None and not self.notified_on.line_edit.text():
            self.notified_on.set_value(referral.notified_on)
        if not self.decided_on.line_edit.text():
            self.decided_on.set_value(self._meeting_day() or self._state.today())
        self._changed()

    def cleanupPage(self) -> None:
        """Keep what was typed when going back (QWizard would reset fields)."""

    def isComplete(self) -> bool:
        """Everything the decision needs is given; the hint says what is not."""
        return not self.missing()

    # helpers

    def decided_outcome(self) -> DecidedOutcome | None:
        """The decision chosen."""
        data = self.outcome.currentData()
        return DecidedOutcome(str(data)) if data else None

    def alternative_type(self) -> AlternativeReviewType | None:
        """The kind of review chosen when the decision is another kind of review."""
        data = self.alternative.currentData()
        if self.decided_outcome() != DecidedOutcome.ALTERNATIVE_REVIEW or not data:
            return None
        return AlternativeReviewType(str(data))

    def differs(self) -> bool:
        """Whether the decision needs a reason."""
        outcome = self.decided_outcome()
        return outcome is not None and decision_differs(self._rules_outcome_shown, outcome)

    def needs_notification(self) -> bool:
        """Whether the rapid review clock needs the date the Panel was notified."""
        return (
            self._rule_set_shown in RAPID_REVIEW_RULE_SETS
            and self._rules_outcome_shown in NOTIFIABLE_OUTCOMES
        )

    def present(self) -> tuple[str, ...]:
        """The members ticked as present."""
        return tuple(
            str(self.attendees.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self.attendees.count())
            if self.attendees.item(row).checkState() == Qt.CheckState.Checked
        )

    def invited_people(self) -> tuple[InvitedAttendee, ...]:
        """The people invited who are not members, in the order added."""
        people = []
        for row in range(self.invited.count()):
            name, role = self.invited.item(row).data(Qt.ItemDataRole.UserRole)
            people.append(InvitedAttendee(name=str(name), role=str(role)))
        return tuple(people)

    def set_invited(self, people: tuple[InvitedAttendee, ...]) -> None:
        """List these invited people (replacing any listed)."""
        self.invited.clear()
        for person in people:
            item = QListWidgetItem(_invited_text(person))
            item.setData(Qt.ItemDataRole.UserRole, (person.name, person.role))
            self.invited.addItem(item)
        self._invited_shown()

    def _add_invited(self) -> None:
        name = " ".join(self.invited_name.text().split())
        role = " ".join(self.invited_role.text().split())
        if not name:
            # Enter in an empty name box with nobody to add: the box stays where it is.
            self.invited_name.setFocus()
            return
        self.set_invited((*self.invited_people(), InvitedAttendee(name=name, role=role)))
        self.invited.setCurrentRow(self.invited.count() - 1)
        self.invited_name.clear()
        self.invited_role.clear()
        # Ready for the next person.
        self.invited_name.setFocus()
        self._changed()

    def _remove_invited(self) -> None:
        row = self.invited.currentRow()
        if row < 0:
            return
        people = list(self.invited_people())
        del people[row]
        self.set_invited(tuple(people))
        if people:
            self.invited.setCurrentRow(min(row, len(people) - 1))
            self.invited.setFocus()
        else:
            self.invited_name.setFocus()
        self._changed()

    def _invited_shown(self) -> None:
        # An empty list and its button take no room and no Tab stops.
        listed = self.invited.count() > 0
        self.invited.setVisible(listed)
        self.remove_invited.setVisible(listed)

    def meeting_id(self) -> str | None:
        """The existing meeting chosen (None for a new one)."""
        if self.existing_meeting.isChecked() and self.meetings.currentIndex() >= 0:
            return str(self.meetings.currentData())
        return None

    def missing(self) -> list[str]:
        """What the chair still has to give, in the page's order."""
        needed: list[str] = []
        outcome = self.decided_outcome()
        if outcome is None:
            needed.append("choose the decision")
        elif outcome == DecidedOutcome.ALTERNATIVE_REVIEW and self.alternative_type() is None:
            needed.append("choose the kind of review")
        if self.differs() and not self.reason.toPlainText().strip():
            needed.append("give the reason the decision differs from the rules")
        if not self.rationale.toPlainText().strip():
            needed.append("write the rationale")
        if self.needs_notification() and (
            self.notified_on.error() is not None or self.notified_on.value() is None
        ):
            needed.append("give the date the Panel was notified")
        elif self.notified_on.error() is not None:
            needed.append("correct the date the Panel was notified")
        if self.existing_meeting.isChecked():
            if self.meetings.currentIndex() < 0:
                needed.append("choose the meeting")
        elif self.meeting_date.error() is not None or self.meeting_date.value() is None:
            needed.append("give the meeting's date")
        if not self.present():
            needed.append("tick who was present")
        if self.decided_on.error() is not None or self.decided_on.value() is None:
            needed.append("give the date decided")
        return needed

    def _changed(self) -> None:
        if self._restoring:
            return
        # Whole rows come and go (setRowVisible), so a hidden field leaves no gap behind.
        is_alternative = self.decided_outcome() == DecidedOutcome.ALTERNATIVE_REVIEW
        self._form.setRowVisible(self.alternative, is_alternative)
        differs = self.differs()
        self._form.setRowVisible(self.reason, differs)
        self._rules_outcome_label_update(differs)
        shows_notification = self._rule_set_shown in RAPID_REVIEW_RULE_SETS
        self._form.setRowVisible(self.notified_on, shows_notification)
        needed = self.missing()
        self.missing_hint.setText(
            "To continue: " + "; ".join(needed) + "." if needed else "Ready: press Next."
        )
        self.completeChanged.emit()

    def _rules_outcome_label_update(self, differs: bool) -> None:
        # The banner asks for the reason; once one is typed it has done its job and goes,
        # rather than staying red beside an answered question.
        if not differs or self.reason.toPlainText().strip() or not self._rules_outcome_shown:
            self._form.setRowVisible(self.differs_hint, False)
            return
        rs = self._state.rule_set()
        if self._rules_outcome_shown == INSUFFICIENT_INFORMATION:
            text = (
                "The rules could not decide on the answers given: a reason for the decision is "
                "required."
            )
        else:
            text = (
                f"This decision differs from the outcome under the rules "
                f"({rs.outcome_label(self._rules_outcome_shown)}): a reason is required."
            )
        self.differs_hint.setText(text)
        self._form.setRowVisible(self.differs_hint, True)

    def _load_people(self) -> None:
        self._members_loaded = True
        agencies = {a.id: a.name for a in self._state.records.agencies()}
        members: list[Member] = self._state.records.members()
        self.attendees.blockSignals(True)
        for member in members:
            item = QListWidgetItem(f"{member.name} ({agencies.get(member.agency, member.agency)})")
            item.setData(Qt.ItemDataRole.UserRole, member.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
        if self.attendees.count():
            self.attendees.setCurrentRow(0)
        self.attendees.blockSignals(False)
        self.meetings.blockSignals(True)
        for choice in self._state.records.meetings():
            self.meetings.addItem(choice.label, choice.id)
        self.meetings.setCurrentIndex(-1)
        self.meetings.blockSignals(False)
        # A new meeting is held on the day the app works at (1 April 2017 on the demo).
        if not self.meeting_date.line_edit.text():
            self.meeting_date.set_value(self._state.today())
        if self.meetings.count():
            self.existing_meeting.setChecked(True)
        else:
            self.new_meeting.setChecked(True)
            self.existing_meeting.setEnabled(False)
        self._meeting_mode()
        # The meeting the referral is down for (or today's) is the likely one: chosen, with
        # its attendees ticked. Otherwise the chair picks one; none is guessed.
        stored = self._state.referral
        likely = self._state.records.meeting_for_decision(
            stored.id if stored is not None else None, self._state.today()
        )
        if likely is not None:
            _select_data(self.meetings, likely)

    def _meeting_mode(self) -> None:
        existing = self.existing_meeting.isChecked()
        self.meetings.setEnabled(existing)
        self.meeting_date.setEnabled(not existing)
        self._changed()

    def _meeting_chosen(self) -> None:
        meeting_id = self.meeting_id()
        if meeting_id is None:
            self._changed()
            return
        meeting = self._state.records.get_meeting(meeting_id)
        # Those recorded at the meeting are ticked; the chair can tick more.
        self.tick(meeting.attendees)
        self.decided_on.set_value(meeting.date)
        self._changed()

    def _meeting_date_changed(self, value: object) -> None:
        if isinstance(value, dt.date) and self.new_meeting.isChecked():
            self.decided_on.set_value(value)

    def _meeting_day(self) -> dt.date | None:
        meeting_id = self.meeting_id()
        if meeting_id is not None:
            return self._state.records.get_meeting(meeting_id).date
        try:
            return self.meeting_date.value()
        except ValueError:
            return None

    def tick(self, member_ids: tuple[str, ...]) -> None:
        """Tick these members as present."""
        for row in range(self.attendees.count()):
            item = self.attendees.item(row)
            if item.data(Qt.ItemDataRole.UserRole) in member_ids:
                item.setCheckState(Qt.CheckState.Checked)

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "rule_set": self._rule_set_shown,
            "rules_outcome": self._rules_outcome_shown,
            "outcome": self.outcome.currentData(),
            "alternative": self.alternative.currentData(),
            "reason": self.reason.toPlainText(),
            "rationale": self.rationale.toPlainText(),
            "notified_on": self.notified_on.line_edit.text(),
            "existing_meeting": self.existing_meeting.isChecked(),
            "meeting": self.meetings.currentData(),
            "meeting_date": self.meeting_date.line_edit.text(),
            "present": list(self.present()),
            "invited": [[p.name, p.role] for p in self.invited_people()],
            "decided_on": self.decided_on.line_edit.text(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft (before the page is first shown).

        The rule set and the rules' outcome go back first: every field set afterwards
        re-checks the page, and that check reads them (a draft that had reached this page
        failed here when they were still empty)."""
        self._restoring = True
        try:
            rs_id, outcome_code = data.get("rule_set"), data.get("rules_outcome")
            if (
                isinstance(rs_id, str)
                and rs_id in RULE_SETS
                and isinstance(outcome_code, str)
                and outcome_code in {o.code for o in rule_set(rs_id).outcomes}
            ):
                statutory = DecidedOutcome.SCR if rs_id == "WT2015" else DecidedOutcome.LCSPR
                self.outcome.clear()
                for outcome in (
                    statutory,
                    DecidedOutcome.ALTERNATIVE_REVIEW,
                    DecidedOutcome.NO_FURTHER_ACTION,
                ):
                    self.outcome.addItem(outcome.label, outcome.value)
                _select_data(self.outcome, data.get("outcome"))
                self._rule_set_shown = rs_id
                self._rules_outcome_shown = outcome_code
            _select_data(self.alternative, data.get("alternative"))
            if not self._members_loaded:
                self._load_people()
            if data.get("existing_meeting"):
                self.existing_meeting.setChecked(True)
                _select_data(self.meetings, data.get("meeting"))
            elif data.get("existing_meeting") is False:
                self.new_meeting.setChecked(True)
            self.meeting_date.line_edit.setText(_text(data.get("meeting_date")))
            present = data.get("present")
            if isinstance(present, list):
                self.attendees.blockSignals(True)
                for row in range(self.attendees.count()):
                    item = self.attendees.item(row)
                    ticked = item.data(Qt.ItemDataRole.UserRole) in present
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                self.attendees.blockSignals(False)
            invited = data.get("invited")
            if isinstance(invited, list):
                self.set_invited(
                    tuple(
                        InvitedAttendee(name=str(pair[0]), role=str(pair[1]))
                        for pair in invited
                        if isinstance(pair, list) and len(pair) == 2 and str(pair[0]).strip()
                    )
                )
            self.reason.setPlainText(_text(data.get("reason")))
            self.rationale.setPlainText(_text(data.get("rationale")))
            self.notified_on.line_edit.setText(_text(data.get("notified_on")))
            self.decided_on.line_edit.setText(_text(data.get("decided_on")))
        finally:
            self._restoring = False
        self._changed()


# --- 6: commission and print ----------------------------------------------------------------


class FinishPage(QWizardPage):
    """Optionally commission the review at once and print the decision record."""

    def __init__(self, *, state: WizardState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.setTitle("Commission and print")
        self.setSubTitle("Finish saves the decision, and any review commissioned, in one go.")
        self.summary_label = _label("", rich=True)
        self.summary_label.setObjectName("decisionSummary")
        self.commission = QCheckBox("&Commission the review now")
        self.review_title = QLineEdit()
        self.methodology = QComboBox()
        for method in Methodology:
            self.methodology.addItem(method.label, method.value)
        self.lead_reviewer = QLineEdit()
        self.commission_box = QGroupBox("The review")
        form = QFormLayout(self.commission_box)
        for text, widget in (
            ("&Title:", self.review_title),
            ("&Methodology:", self.methodology),
            ("&Lead reviewer:", self.lead_reviewer),
        ):
            label = QLabel(text)
            label.setBuddy(_buddy(widget))
            widget.setAccessibleName(_strip_mnemonic(text).rstrip(":"))
            form.addRow(label, widget)
        self.print_record = QCheckBox("&Print the decision record (PDF) after saving")
        self.error_label = ErrorLabel()
        self.error_label.setObjectName("saveErrors")
        # Shown once Finish has saved: what was stored, in words, and printing on demand.
        self.recorded_label = _label("", rich=True)
        self.recorded_label.setObjectName("recordedSummary")
        self.recorded_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.print_button = QPushButton("&Print decision record…")
        self.print_button.setAccessibleName("Print decision record")
        self.print_button.setAutoDefault(False)
        print_row = QHBoxLayout()
        print_row.addWidget(self.print_button)
        print_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.commission)
        layout.addWidget(self.commission_box)
        layout.addWidget(self.print_record)
        layout.addWidget(self.error_label)
        layout.addWidget(self.recorded_label)
        layout.addLayout(print_row)
        layout.addStretch(1)
        self.recorded_label.hide()
        self.print_button.hide()
        self.recorded = False
        self.commission.toggled.connect(self._commission_toggled)
        self.review_title.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.lead_reviewer.textChanged.connect(lambda _t: self.completeChanged.emit())
        self.commission_box.setEnabled(False)
        self.review_type_label = ""

    def initializePage(self) -> None:
        """Say what will be saved, and offer the review the decision calls for."""
        self.error_label.clear_error()

    def set_summary(self, html_text: str, review_label: str | None, case_name: str) -> None:
        """Show what Finish saves; `review_label` is None when no review follows."""
        self.summary_label.setText(html_text)
        self.commission.setEnabled(review_label is not None)
        if review_label is None:
            self.commission.setChecked(False)
            self.commission.setText("&Commission the review now (no review was decided)")
        else:
            self.commission.setText(f"&Commission the {review_label.lower()} now")
            if not self.review_title.text().strip() or self.review_type_label != review_label:
                self.review_title.setText(f"{case_name}: {review_label.lower()}")
        self.review_type_label = review_label or ""

    def show_recorded(self, html_text: str) -> None:
        """Turn the page into the record of what was saved: nothing here can be changed
        any more, so the controls go and the plain statement and Print take their place."""
        self.recorded = True
        self.setTitle("Decision recorded")
        self.setSubTitle("Saved. Print the decision record now, or close the wizard.")
        for widget in (
            self.summary_label,
            self.commission,
            self.commission_box,
            self.print_record,
            self.error_label,
        ):
            widget.hide()
        self.recorded_label.setText(html_text)
        self.recorded_label.show()
        self.print_button.show()
        self.print_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_printed(self, html_text: str) -> None:
        """Say that the record was printed, and where; Print stays, to print it again."""
        self.setSubTitle("Saved and printed. Close the wizard, or print the record again.")
        self.recorded_label.setText(html_text)
        self.print_button.setText("&Print again…")
        self.print_button.setAccessibleName("Print the decision record again")

    def isComplete(self) -> bool:
        """A review to commission needs a title and a lead reviewer."""
        if self.recorded or not self.commission.isChecked():
            return True
        return bool(self.review_title.text().strip() and self.lead_reviewer.text().strip())

    def cleanupPage(self) -> None:
        """Keep what was typed when going back (QWizard would reset fields)."""

    def _commission_toggled(self, checked: bool) -> None:
        self.commission_box.setEnabled(checked)
        self.completeChanged.emit()

    def snapshot(self) -> Snapshot:
        """The page's values, for the autosaved draft."""
        return {
            "commission": self.commission.isChecked(),
            "title": self.review_title.text(),
            "methodology": self.methodology.currentData(),
            "lead_reviewer": self.lead_reviewer.text(),
            "print": self.print_record.isChecked(),
        }

    def restore(self, data: Mapping[str, object]) -> None:
        """Put back the values of a draft."""
        self.commission.setChecked(bool(data.get("commission")))
        self.review_title.setText(_text(data.get("title")))
        _select_data(self.methodology, data.get("methodology"))
        self.lead_reviewer.setText(_text(data.get("lead_reviewer")))
        self.print_record.setChecked(bool(data.get("print")))
