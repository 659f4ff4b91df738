"""What each report on the Reports screen covers: one panel of parameters per report, each
turning its choices into the work that makes the report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from crag_desktop.domain.errors import CragError
from crag_desktop.domain.report_texts import period_label
from crag_desktop.domain.validation import FIRST_REPORT_YEAR, LAST_REPORT_YEAR
from crag_desktop.domain.vocabulary import MonitoringGroup
from crag_desktop.ui.views.report_makers import (
    Maker,
    annual_report_maker,
    register_maker,
    tracker_maker,
)
from crag_desktop.ui.widgets import UkDateEdit

if TYPE_CHECKING:
    from crag_desktop.domain.records import Agency
    from crag_desktop.services.database import Database


def _year_box(name: str, year: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(FIRST_REPORT_YEAR, LAST_REPORT_YEAR)
    box.setValue(year)
    box.setAccessibleName(name)
    box.setToolTip("The reporting year: 2016 means 1 April 2016 to 31 March 2017")
    return box


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def _form(page: QWidget, *, wrap: bool = True) -> QFormLayout:
    form = QFormLayout(page)
    form.setContentsMargins(0, 0, 0, 0)
    if wrap:
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    return form


def _period_hint() -> QLabel:
    label = QLabel()
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _show_period(box: QSpinBox, label: QLabel) -> None:
    year = box.value()
    label.setText(f"{period_label(year)}: 1 April {year} to 31 March {year + 1}")


class AnnualParameters(QWidget):
    """The annual report's year, as-of date, figures and texts."""

    def __init__(self, *, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = _year_box("Reporting year of the annual report", year)
        self.as_of = UkDateEdit(accessible_name="Figures as of")
        self.as_of.setToolTip(
            "The figures as they stood on this day; empty means 1 April after the year"
        )
        self.figures = QCheckBox("Also save its figures as &JSON")
        self.figures.setToolTip(
            "When saving, also write the report's figures (the statistics JSON) to a file"
        )
        self.texts_button = QPushButton("Edit the report's te&xts…")
        self.texts_button.setToolTip(
            "Write the narrative sections of this year's report (introduction, context, …)"
        )
        form = _form(self)
        form.addRow(_label("Reporting &year", self.year), self.year)
        form.addRow(_label("Figures as &of", self.as_of), self.as_of)
        self.period = _period_hint()
        form.addRow(self.period)
        form.addRow(self.figures)
        form.addRow(self.texts_button)
        self.year.valueChanged.connect(lambda _y: _show_period(self.year, self.period))
        _show_period(self.year, self.period)

    def maker(self, db: Database) -> tuple[str, Maker]:
        """What the report is called and the work that makes it; CragError (a sentence)
        when the date is not one."""
        error = self.as_of.error()
        if error is not None:
            raise CragError(f"The “figures as of” date is not a date: {error}")
        return annual_report_maker(db, self.year.value(), self.as_of.value())


class TrackerParameters(QWidget):
    """The tracker's date, monitoring group and lead agency."""

    def __init__(self, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.as_of = UkDateEdit(accessible_name="Tracker as of")
        self.as_of.setToolTip("The tracker as it stood on this day; empty means today")
        self.group = QComboBox()
        self.group.setAccessibleName("Monitoring group")
        self.group.addItem("All groups", None)
        for group in MonitoringGroup:
            # The code, not the enum: Qt hands a str enum back as a plain string.
            self.group.addItem(group.label, group.value)
        self.agency = QComboBox()
        self.agency.setAccessibleName("Lead agency")
        self.agency.setMinimumContentsLength(12)
        self.agency.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        form = _form(self)
        form.addRow(_label("As &of", self.as_of), self.as_of)
        form.addRow(_label("&Monitored by", self.group), self.group)
        form.addRow(_label("&Lead agency", self.agency), self.agency)
        hint = QLabel(
            "Overdue items first, then by monitoring group and lead agency; the "
            "Recommendations screen prints the tracker of its own filters too."
        )
        hint.setWordWrap(True)
        hint.setProperty("role", "hint")
        form.addRow(hint)

    def set_agencies(self, agencies: Sequence[Agency]) -> None:
        """Offer every agency as a lead agency (keeping the one chosen)."""
        chosen = self.agency.currentData()
        self.agency.clear()
        self.agency.addItem("All agencies", None)
        for agency in agencies:
            self.agency.addItem(agency.name, agency.id)
        self.agency.setCurrentIndex(max(self.agency.findData(chosen), 0))

    def maker(self, db: Database) -> tuple[str, Maker]:
        """What the tracker is called and the work that makes it; CragError (a sentence)
        when the date is not one."""
        error = self.as_of.error()
        if error is not None:
            raise CragError(f"The “as of” date is not a date: {error}")
        code = self.group.currentData()
        return tracker_maker(
            db,
            self.as_of.value(),
            group=MonitoringGroup(code) if code is not None else None,
            agency=self.agency.currentData(),
        )


class RegisterParameters(QWidget):
    """The register's year."""

    def __init__(self, *, year: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = _year_box("Reporting year of the register", year)
        form = _form(self, wrap=False)
        form.addRow(_label("Reporting &year", self.year), self.year)
        self.period = _period_hint()
        form.addRow(self.period)
        self.year.valueChanged.connect(lambda _y: _show_period(self.year, self.period))
        _show_period(self.year, self.period)

    def maker(self, db: Database) -> tuple[str, Maker]:
        """What the register is called and the work that makes it."""
        return register_maker(db, self.year.value())
