"""Charts for printed reports, drawn with reportlab.graphics (vector, a few ms each).

One chart style serves every report: horizontal bars, because the secretariat's category
labels are long ("Children's Social Care", "Peer violence (domestic abuse)"); each bar
carries its count, so a reader never estimates a number from a bar's length, and a chart
prints as well in black and white as in colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from crag_desktop.domain.wording import shorten
from crag_desktop.reports.fonts import FONT_BOLD, FONT_REGULAR, register_fonts
from crag_desktop.reports.styles import INK, MUTED, NAVY, RULE

BAR_FILL = colors.HexColor("#3C6E9F")
_LABEL_SIZE = 8
_TITLE_SIZE = 9
_BAR_PITCH = 16.0
_TITLE_SPACE = 16.0
_AXIS_SPACE = 14.0
_MAX_LABEL_CHARS = 42


def _nice_step(top: int) -> int:
    """A round gridline step (1, 2 or 5 times a power of ten) giving at most six lines."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            step = factor * magnitude
            if -(-top // step) <= 6:
                return step
        magnitude *= 10


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, int]],
    *,
    width: float,
    empty: str = "Nothing to show for this year.",
) -> Drawing:
    """A titled horizontal bar chart of `bars` (label, count), in the order given.

    With nothing to show it says so in words (`empty`) rather than drawing empty axes.
    """
    register_fonts()
    if not bars or not any(count for _label, count in bars):
        drawing = Drawing(width, _TITLE_SPACE + 14)
        drawing.add(String(0, 18, title, fontName=FONT_BOLD, fontSize=_TITLE_SIZE, fillColor=NAVY))
        drawing.add(
            String(
                0,
                4,
                empty,
                fontName=FONT_REGULAR,
                fontSize=_LABEL_SIZE,
                fillColor=MUTED,
            )
        )
        return drawing

    labels = [shorten(label, _MAX_LABEL_CHARS) for label, _count in bars]
    counts = [count for _label, count in bars]
    label_width = max(stringWidth(label, FONT_REGULAR, _LABEL_SIZE) for label in labels) + 8
    plot_height = _BAR_PITCH * len(bars)
    height = plot_height + _TITLE_SPACE + _AXIS_SPACE + 4
    drawing = Drawing(width, height)
    drawing.add(
        String(0, height - 11, title, fontName=FONT_BOLD, fontSize=_TITLE_SIZE, fillColor=NAVY)
    )

    chart = HorizontalBarChart()
    chart.x = label_width
    chart.y = _AXIS_SPACE
    chart.width = max(width - label_width - 30, 60)
    chart.height = plot_height
    # The first bar drawn is at the bottom: reverse so the chart reads top-down as listed.
    chart.data = [list(reversed(counts))]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName = FONT_REGULAR
    chart.categoryAxis.labels.fontSize = _LABEL_SIZE
    chart.categoryAxis.labels.fillColor = INK
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = RULE
    chart.categoryAxis.tickLeft = 0
    top = max(counts)
    step = _nice_step(top)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * max(1, -(-top // step))
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = FONT_REGULAR
    chart.valueAxis.labels.fontSize = _LABEL_SIZE - 1
    chart.valueAxis.labels.fillColor = MUTED
    chart.valueAxis.labelTextFormat = "%d"
    chart.valueAxis.strokeColor = RULE
    chart.valueAxis.visibleGrid = 1
    chart.valueAxis.gridStrokeColor = colors.HexColor("#E3E8EE")
    chart.valueAxis.gridStrokeWidth = 0.4
    chart.bars[0].fillColor = BAR_FILL
    chart.bars[0].strokeColor = None
    chart.barWidth = 10
    chart.groupSpacing = 6
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = FONT_BOLD
    chart.barLabels.fontSize = _LABEL_SIZE
    chart.barLabels.fillColor = INK
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing
