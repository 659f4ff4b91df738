"""Every screen and form at 1024x700 (a small laptop) and at the default 1200x728: nothing
scrolls sideways, no label or choice is cut, filter bars do not overlap, Tab does not jump."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any, cast

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from crag_desktop.domain.records import Referral
from crag_desktop.services.database import Database
from crag_desktop.ui.forms.collection import CollectionEditor
from crag_desktop.ui.main_window import MainWindow
from crag_desktop.ui.navigation import ScreenKey
from crag_desktop.ui.prompts import ScriptedPrompter
from crag_desktop.ui.views.filter_bar import FlowLayout
from crag_desktop.ui.widgets import COLUMN_MAX_CHARS
from tests.helpers.qt import choose_screen
from tests.ui.conftest import combo_text_room

PASSPHRASE = "correct horse battery staple"
SIZES = [(1024, 700), (1200, 728)]


def _settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


@pytest.fixture(params=SIZES, ids=[f"{width}x{height}" for width, height in SIZES])
def small(window: MainWindow, request: pytest.FixtureRequest) -> None:
    """The window made as small as a secretariat laptop makes it, and laid out again."""
    window.resize(*request.param)
    _settle()
    # The window itself can be made this small.
    assert (window.width(), window.height()) == request.param


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    return f"{type(widget).__name__} {widget.accessibleName() or shown!r}"


def layout_problems(root: QWidget) -> list[str]:
    """What a user at this size would see cut or scrolled sideways, one line each."""
    return (
        _scroll_problems(root)
        + _label_problems(root)
        + _combo_problems(root)
        + _button_problems(root)
    )


def _scroll_problems(root: QWidget) -> list[str]:
    problems: list[str] = []
    for area in root.findChildren(QAbstractScrollArea):
        if not isinstance(area, QScrollArea) or not area.isVisible():
            continue
        inner = area.widget()
        if area.horizontalScrollBar().isVisible():
            problems.append(f"a form scrolls sideways: {_name(inner or area)}")
        if inner is not None and inner.width() > area.viewport().width():
            problems.append(
                f"a form is cut on the right: {_name(inner)} is {inner.width()} px wide "
                f"in {area.viewport().width()}"
            )
    return problems


def _label_problems(root: QWidget) -> list[str]:
    problems: list[str] = []
    for label in root.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        if label.wordWrap():
            needed = label.heightForWidth(label.width())
            if needed > label.height() + 1:
                problems.append(f"label cut at the bottom: {_name(label)}")
        elif label.sizeHint().width() > label.width() + 1:
            problems.append(
                f"label cut: {_name(label)} {label.width()} < {label.sizeHint().width()}"
            )
    return problems


def _button_problems(root: QWidget) -> list[str]:
    # A squeezed button elides nothing: "Delete learning point…" showed "te learning po".
    return [
        f"button cut: {_name(button)} {button.width()} < {button.sizeHint().width()}"
        for button in root.findChildren(QPushButton)
        if button.isVisible() and button.text() and button.width() + 1 < button.sizeHint().width()
    ]


def _combo_problems(root: QWidget) -> list[str]:
    problems: list[str] = []
    for combo in root.findChildren(QComboBox):
        if not combo.isVisible() or not combo.currentText() or combo.isEditable():
            continue
        needed = combo.fontMetrics().horizontalAdvance(combo.currentText())
        if needed > combo_text_room(combo):
            problems.append(f"choice cut: {_name(combo)} shows {combo.currentText()!r}")
    return problems


def _views(window: MainWindow, key: ScreenKey) -> Iterator[tuple[str, Any]]:
    """Show each state of a screen a user meets: the list, a record open, a new record,
    and each tab of a screen with tabs; yield a name for each, with the page shown."""
    choose_screen(window, key)
    _settle()
    screen = cast(Any, window.screen_widget(key))
    tabs = screen.findChild(QTabWidget)
    pages = [tabs.widget(i) for i in range(tabs.count())] if tabs is not None else [screen]
    for index, page in enumerate(pages):
        if tabs is not None:
            tabs.setCurrentIndex(index)
            _settle()
        target = cast(Any, page)
        yield f"{key.name} tab {index} list", target
        if hasattr(target, "open_current") and target.model.rowCount() > 0:
            target.table.selectRow(0)
            target.open_current()
            _settle()
            yield f"{key.name} tab {index} first record", target
        if hasattr(target, "new_record") and target.new_record():
            _settle()
            yield f"{key.name} tab {index} new record", target
            target.form.clear()


@pytest.mark.usefixtures("small")
def test_every_screen_and_form_fits_the_window(window: MainWindow) -> None:
    found: list[str] = []
    for key in window.screen_keys():
        for view, _page in _views(window, key):
            found += [f"{view}: {problem}" for problem in layout_problems(window)]
    assert found == []


def test_the_audit_filters_never_overlap(window: MainWindow) -> None:
    window.resize(*SIZES[0])
    choose_screen(window, ScreenKey.AUDIT_LOG)
    _settle()
    screen = cast(Any, window.screen_widget(ScreenKey.AUDIT_LOG))
    label = next(lab for lab in screen.findChildren(QLabel) if lab.text() == "&Record type:")
    bar = screen.search_box.parentWidget()
    pieces = [w for w in bar.findChildren(QWidget) if w.parentWidget() is bar and w.isVisible()]
    assert screen.search_box in pieces
    for first, second in itertools.combinations(pieces, 2):
        assert not first.geometry().intersects(second.geometry()), (
            _name(first),
            _name(second),
        )
    search = screen.search_box

    # The label sits in its own pair with the combo: compare where both are on screen.
    def on_screen(widget: QWidget) -> QRect:
        return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())

    assert not on_screen(label).intersects(on_screen(search))
    assert on_screen(label).right() < on_screen(screen.type_combo).left()
    assert search.width() >= search.fontMetrics().averageCharWidth() * 28


@pytest.mark.parametrize("key", [ScreenKey.REFERRALS, ScreenKey.REVIEWS])
def test_tabbing_through_a_long_form_never_moves_it_sideways(
    qtbot: QtBot, window: MainWindow, key: ScreenKey
) -> None:
    window.resize(*SIZES[0])
    choose_screen(window, key)
    _settle()
    screen = cast(Any, window.screen_widget(key))
    screen.table.selectRow(0)
    screen.open_current()
    _settle()
    bar = screen.form_scroll.horizontalScrollBar()
    vertical = screen.form_scroll.verticalScrollBar()
    screen.form.focusNextChild()
    seen_down = 0
    for _ in range(80):
        focus = QApplication.focusWidget()
        if focus is None or not screen.form.isAncestorOf(focus):
            break
        assert bar.value() == 0, _name(focus)
        seen_down = max(seen_down, vertical.value())
        QTest.keyClick(focus, Qt.Key.Key_Tab)
    # The walk went far enough down the form to have scrolled it.
    assert seen_down > 0


def test_every_wizard_page_fits_1024_by_700(qtbot: QtBot, window: MainWindow) -> None:
    from crag_desktop.services.decisions import DecisionService
    from crag_desktop.services.drafts import DraftService
    from crag_desktop.services.records import RecordService
    from crag_desktop.storage import repositories
    from crag_desktop.ui.wizard.criteria_wizard import CriteriaWizard
    from crag_desktop.ui.wizard.state import PageId

    db = window.current.database
    assert isinstance(db, Database)
    with db.unit_of_work() as session:
        waiting = next(r for r in repositories.list_all(session, Referral) if r.decision is None)
    wizard = CriteriaWizard(
        decisions=DecisionService(db=db),
        records=RecordService(db=db),
        drafts=DraftService(db=db),
        prompter=ScriptedPrompter(),
        referral_id=waiting.id,
    )
    wizard.resize(*SIZES[0])
    wizard.show()
    qtbot.waitExposed(wizard)
    assert (wizard.width(), wizard.height()) == SIZES[0]
    found: list[str] = []
    seen: list[int] = []
    for _ in range(20):
        _settle()
        seen.append(wizard.currentId())
        found += [f"page {wizard.currentId()}: {p}" for p in layout_problems(wizard)]
        if wizard.currentId() == PageId.DECISION:
            break
        wizard.next()
    assert seen[-1] == PageId.DECISION
    page = wizard.decision_page
    page.invited_name.setText("Sam Okafor")
    page.invited_role.setText("Allocated social worker, Children's Social Care")
    page.add_invited.click()
    _settle()
    found += [f"decision page: {p}" for p in layout_problems(wizard)]
    wizard.close_keeping_draft()
    assert found == []


@pytest.mark.usefixtures("small")
def test_the_reports_screen_fits_with_each_report_shown(
    qtbot: QtBot, window: MainWindow, prompter: ScriptedPrompter
) -> None:
    from crag_desktop.ui.views.report_makers import ReportKind
    from crag_desktop.ui.views.reports import ReportsScreen

    choose_screen(window, ScreenKey.REPORTS)
    _settle()
    screen = window.screen_widget(ScreenKey.REPORTS)
    assert isinstance(screen, ReportsScreen)
    screen.annual.year.setValue(2016)
    screen.register.year.setValue(2016)
    found: list[str] = []
    for kind in ReportKind:
        screen.choose(kind)
        if kind == ReportKind.DECISION:
            screen.picker.search_box.setText("CRAG-2016-01")
            screen.picker.search_box.flush()
        _settle()
        found += [f"{kind.name} chosen: {p}" for p in layout_problems(window)]
        assert screen.generate()
        qtbot.waitUntil(lambda: not screen.generating, timeout=60_000)
        assert prompter.shown == []
        _settle()
        found += [f"{kind.name} shown: {p}" for p in layout_problems(window)]
        # The preview has room to read a page: nearly half the window's width, and most
        # of its height.
        assert screen.preview.view.width() >= window.width() * 0.45
        assert screen.preview.view.height() >= window.height() * 0.6


def _list_pages(window: MainWindow) -> Iterator[tuple[str, Any]]:
    """Every list screen (each tab of a screen with tabs), shown, with its first record open."""
    for key in window.screen_keys():
        for name, page in _views(window, key):
            if name.endswith("first record"):
                yield name, page


@pytest.mark.usefixtures("small")
def test_lists_beside_an_open_record_show_their_first_columns_whole(window: MainWindow) -> None:
    found: list[str] = []
    for name, page in _list_pages(window):
        table, model = page.table, page.model
        header = table.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        for column in shown:
            title = model.headerData(column, Qt.Orientation.Horizontal)
            # No heading is cut ("erived statu").
            if header.sectionSize(column) < header.sectionSizeHint(column):
                found.append(f"{name}: heading {title!r} cut")
            # A text wider than its column ends in "…" and shows whole in its tooltip.
            for row in range(model.rowCount()):
                index = model.index(row, column)
                text = str(index.data() or "")
                needed = table.fontMetrics().horizontalAdvance(text) + 8
                if needed > header.sectionSize(column) and index.data(
                    Qt.ItemDataRole.ToolTipRole
                ) in (None, ""):
                    found.append(f"{name}: {text!r} cut without a tooltip")
        # The first two columns (a review's title and type) show whole beside the form, and
        # so do their texts unless one is longer than a column is ever made.
        cap = table.fontMetrics().averageCharWidth() * COLUMN_MAX_CHARS
        for column in shown[:2]:
            title = model.headerData(column, Qt.Orientation.Horizontal)
            right = table.columnViewportPosition(column) + header.sectionSize(column)
            if right > table.viewport().width():
                found.append(f"{name}: column {title!r} runs under the form")
            for row in range(model.rowCount()):
                text = str(model.index(row, column).data() or "")
                needed = table.fontMetrics().horizontalAdvance(text) + 8
                if needed > header.sectionSize(column) and header.sectionSize(column) < cap:
                    found.append(f"{name}: {text!r} cut in column {title!r}")
    assert found == []


def test_a_reviews_recommendations_and_an_actions_updates_show_their_text(
    window: MainWindow,
) -> None:
    from crag_desktop.ui.qt_models.recommendations import (
        ActionUpdateTableModel,
        RecommendationTableModel,
    )

    window.resize(*SIZES[0])
    choose_screen(window, ScreenKey.REVIEWS)
    reviews = cast(Any, window.screen_widget(ScreenKey.REVIEWS))
    assert reviews.open_record("V1")
    _settle()
    view = reviews.form.recommendations_view
    header = view.horizontalHeader()
    column = RecommendationTableModel.Column
    enough = view.fontMetrics().averageCharWidth() * 12
    # The text straight after its number, with the room the short columns leave.
    assert header.visualIndex(column.TEXT) == header.visualIndex(column.NUMBER) + 1
    assert header.sectionSize(column.TEXT) >= enough
    assert not view.horizontalScrollBar().isVisible()

    choose_screen(window, ScreenKey.RECOMMENDATIONS)
    recommendations = cast(Any, window.screen_widget(ScreenKey.RECOMMENDATIONS))
    assert recommendations.open_record("REC3")
    _settle()
    updates = recommendations.form.updates_view
    assert updates.horizontalHeader().sectionSize(ActionUpdateTableModel.Column.NOTE) >= enough
    assert not updates.horizontalScrollBar().isVisible()


def _cell_problems(view: QTableView) -> list[str]:
    """What a table in a form shows cut: a sideways scroll bar, a column running past the
    table's edge, or a cell whose text is cut without "…" and its whole text on hover."""
    problems: list[str] = []
    name = view.accessibleName()
    if view.horizontalScrollBar().isVisible() or view.horizontalScrollBar().maximum() > 0:
        problems.append(f"{name} scrolls sideways")
    header = view.horizontalHeader()
    model = view.model()
    shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
    if (
        shown
        and header.sectionViewportPosition(shown[-1]) + header.sectionSize(shown[-1])
        > view.viewport().width()
    ):
        problems.append(f"{name}: its last column runs past the table's edge")
    for column in shown:
        # No heading is cut ("Recommen…").
        if header.sectionSize(column) < header.sectionSizeHint(column):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            problems.append(f"{name}: heading {title!r} cut")
    for row in range(model.rowCount()):
        for column in shown:
            index = model.index(row, column)
            widget = view.indexWidget(index)
            if widget is None:
                text = str(index.data() or "")
                needed = view.fontMetrics().horizontalAdvance(text) + 8
                tip = index.data(Qt.ItemDataRole.ToolTipRole)
                if needed > header.sectionSize(column) and tip in (None, ""):
                    problems.append(f"{name}: {text!r} cut without a tooltip")
                continue
            for inner in [widget, *widget.findChildren(QWidget)]:
                problems += _input_cut(inner)
    return problems


def _input_cut(widget: QWidget) -> list[str]:
    """A cell's input whose value does not fit and is not elided with a tooltip."""
    if isinstance(widget, QComboBox) and not widget.isEditable():
        text = widget.currentText()
        if widget.fontMetrics().horizontalAdvance(text) > combo_text_room(widget):
            return [f"choice cut: {widget.accessibleName()} shows {text!r}"]
    elif isinstance(widget, QSpinBox):
        text = widget.text()
        if widget.fontMetrics().horizontalAdvance(text) > widget.lineEdit().width():
            return [f"number cut: {widget.accessibleName()} shows {text!r}"]
    elif isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), QSpinBox):
        text = widget.text()
        room = widget.contentsRect().width() - 8
        if widget.fontMetrics().horizontalAdvance(text) > room and widget.toolTip() != text:
            return [f"text cut: {widget.accessibleName()} shows part of {text!r}"]
    return []


def _choice_problems(form: QWidget) -> list[str]:
    """A choice in a form whose longest label would be cut ("Community Health Provide"),
    whichever record is open."""
    problems: list[str] = []
    for combo in form.findChildren(QComboBox):
        if not combo.isVisible() or combo.isEditable():
            continue
        room = combo_text_room(combo)
        for i in range(combo.count()):
            label = combo.itemText(i)
            if combo.fontMetrics().horizontalAdvance(label) > room:
                problems.append(f"{_name(combo)} would cut {label!r}")
    return problems


def _card_problems(editor: CollectionEditor) -> list[str]:
    """What a form's list of children, processes or actions shows cut: a field running past
    its card, a text longer than its box, a longer text with lines out of sight (its choices
    are checked with the form's)."""
    problems: list[str] = []
    for row in range(editor.row_count()):
        card = editor.card(row)
        inside = QRect(QPoint(0, 0), card.size())
        for widget in card.findChildren(QWidget):
            if not widget.isVisible() or widget.parentWidget() is None:
                continue
            where = QRect(widget.mapTo(card, QPoint(0, 0)), widget.size())
            if not inside.contains(where):
                problems.append(f"{_name(widget)} runs past its card")
            if isinstance(widget, QLineEdit) and not isinstance(widget.parentWidget(), QSpinBox):
                room = widget.contentsRect().width() - 8
                text = widget.text()
                if widget.fontMetrics().horizontalAdvance(text) > room:
                    problems.append(f"text cut: {_name(widget)}")
            elif isinstance(widget, QPlainTextEdit):
                shown = widget.viewport().height()
                needed = widget.document().size().height() * widget.fontMetrics().lineSpacing()
                if needed > shown + 1:
                    problems.append(f"lines out of sight: {_name(widget)}")
            elif isinstance(widget, QSpinBox):
                needed = widget.fontMetrics().horizontalAdvance(widget.text())
                if needed > widget.lineEdit().width():
                    problems.append(f"number cut: {_name(widget)}")
    return problems


@pytest.mark.usefixtures("small")
def test_choices_tables_and_cards_inside_forms_fit_their_width(window: MainWindow) -> None:
    found: list[str] = []
    tables = cards = 0
    for key in window.screen_keys():
        for view_name, page in _views(window, key):
            form = getattr(page, "form", None)
            if form is None or not form.isVisible():
                continue
            found += [f"{view_name}: {p}" for p in _choice_problems(form)]
            for view in form.findChildren(QAbstractItemView):
                if isinstance(view, QTableView) and view.isVisible():
                    tables += 1
                    found += [f"{view_name}: {p}" for p in _cell_problems(view)]
            for editor in form.findChildren(CollectionEditor):
                if editor.isVisible():
                    cards += editor.row_count()
                    found += [f"{view_name}: {p}" for p in _card_problems(editor)]
    # A review's recommendations, an action's updates, a meeting's decisions...; the
    # referral's children, the review's children and parallel processes, the actions...
    assert tables >= 4
    assert cards >= 6
    assert found == []


@pytest.mark.usefixtures("small")
def test_the_agencies_list_shows_its_members_numbers_whole(window: MainWindow) -> None:
    choose_screen(window, ScreenKey.AGENCIES)
    _settle()
    screen = cast(Any, window.screen_widget(ScreenKey.AGENCIES))
    page = screen.agencies
    table, model = page.table, page.model
    header = table.horizontalHeader()
    last = max(c for c in range(header.count()) if not header.isSectionHidden(c))
    assert model.headerData(last, Qt.Orientation.Horizontal) == "Members"
    # The right-aligned numbers end inside the list, with nothing to scroll to.
    assert not table.horizontalScrollBar().isVisible()
    right = table.columnViewportPosition(last) + header.sectionSize(last)
    assert right <= table.viewport().width()
    for row in range(model.rowCount()):
        text = str(model.index(row, last).data())
        assert table.fontMetrics().horizontalAdvance(text) + 8 <= header.sectionSize(last)


@pytest.mark.parametrize("key", [ScreenKey.REFERRALS, ScreenKey.REVIEWS, ScreenKey.AGENCIES])
def test_tab_from_a_forms_last_field_reaches_save_close_and_the_list(
    window: MainWindow, key: ScreenKey
) -> None:
    window.resize(*SIZES[0])
    choose_screen(window, key)
    _settle()
    screen = cast(Any, window.screen_widget(key))
    page = screen.findChild(QTabWidget).widget(0) if key == ScreenKey.AGENCIES else screen
    page.table.selectRow(0)
    page.open_current()
    _settle()
    first = page.form.first_input()
    first.setFocus(Qt.FocusReason.TabFocusReason)
    _settle()
    reached: list[QWidget] = []
    for _ in range(150):
        focus = QApplication.focusWidget()
        assert focus is not None
        if not page.form.isAncestorOf(focus):
            reached.append(focus)
            if focus is page.table:
                break
        else:
            assert not reached, "back into the form"
            assert focus is not first or not reached, "Tab looped back to the first field"
        QTest.keyClick(focus, Qt.Key.Key_Tab)
    # Past the last field: Save, Delete, Close, then the list, never the first field again.
    assert reached[:2] == [page.save_button, page.form_delete_button]
    assert reached[-2:] == [page.close_button, page.table]


def test_the_filter_bar_measures_its_height_again_when_its_items_change(qtbot: QtBot) -> None:
    # Heights by width are kept between Qt's many questions while a screen is laid out:
    # a filter coming, going or growing must not leave a stale one.
    box = QWidget()
    qtbot.addWidget(box)
    flow = FlowLayout(spacing=8)
    box.setLayout(flow)
    first = QLabel("Status")
    first.setFixedSize(100, 20)
    flow.addWidget(first)
    assert flow.heightForWidth(150) == 20
    second = QLabel("Agency")
    second.setFixedSize(100, 20)
    flow.addWidget(second)
    assert flow.heightForWidth(150) == 48
    second.setFixedSize(100, 30)
    assert flow.heightForWidth(150) == 58
    second.setParent(None)
    flow.removeWidget(second)
    assert flow.heightForWidth(150) == 20
