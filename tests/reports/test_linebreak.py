"""A paragraph of plain text in several faces breaks into ReportLab's own lines, faster."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.platypus import Paragraph

from crag_desktop.reports.linebreak import plain_text_lines
from crag_desktop.reports.pages import CONTENT_WIDTH, CachedParagraph, ParagraphMaker
from crag_desktop.reports.styles import build_styles, markup

STYLES = build_styles()


def shape(value: Any) -> Any:
    """Everything a broken paragraph holds, as plain values (fragments by their attributes),
    so two can be compared as wholes."""
    if isinstance(value, list):
        return (type(value).__name__, [shape(item) for item in value])
    if isinstance(value, tuple):
        return tuple(shape(item) for item in value)
    if hasattr(value, "__dict__") and not isinstance(value, type):
        return (type(value).__name__, {k: shape(v) for k, v in sorted(vars(value).items())})
    return repr(value)


def broken_both_ways(text: str, style: Any, width: Any) -> tuple[Any, Any] | None:
    """(ReportLab's, ours) for `text` at `width`: lines, the words the fragments became and
    the measures breaking sets; None when ours leaves the paragraph to ReportLab."""
    theirs, ours = Paragraph(text, style), Paragraph(text, style)
    expected = theirs.breakLines(width)
    got = plain_text_lines(ours, width)
    if got is None:
        return None

    def state(paragraph: Paragraph, lines: Any) -> Any:
        return shape(
            (
                lines,
                paragraph.frags,
                paragraph.height,
                paragraph._width_max,
                paragraph._splitLongWordCount,
                paragraph._hyphenations,
            )
        )

    return state(theirs, expected), state(ours, got)


REFERENCES = "; ".join(f"SYN-2020-{n:06d}" for n in range(12266, 12416))
FIGURE_PARAGRAPH = f"<b>Referrals received: 1,611</b> — {REFERENCES}"


@pytest.mark.parametrize("width", [CONTENT_WIDTH, 200.0, 97.3, [300.0, 250.0]])
@pytest.mark.parametrize(
    "text",
    [
        FIGURE_PARAGRAPH,
        "<b>Reviews worked on: 3</b> — A review; Another; <i>a third</i> one",
        "Plain <b>bold</b>and<i>italic</i> run together, <b>then apart</b> again",
        "<b>Only bold</b><b> twice</b>",
    ],
)
def test_the_lines_are_reportlabs(text: str, width: Any) -> None:
    both = broken_both_ways(text, STYLES.small, width)
    assert both is not None
    assert both[0] == both[1]


WORDS = st.text(alphabet="abcdefghijk XYZ-;,.é—", min_size=0, max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.tuples(st.sampled_from(["", "b", "i"]), WORDS), min_size=2, max_size=8),
    width=st.floats(min_value=20, max_value=480),
    style=st.sampled_from(["small", "body", "table_body"]),
)
def test_any_plain_text_in_several_faces(
    parts: list[tuple[str, str]], width: float, style: str
) -> None:
    text = "".join(
        f"<{tag}>{markup(words)}</{tag}>" if tag else markup(words) for tag, words in parts
    )
    both = broken_both_ways(text, getattr(STYLES, style), width)
    if both is not None:
        assert both[0] == both[1]


@pytest.mark.parametrize(
    "text",
    [
        "One face only: ReportLab's quick path already",
        "A line<br/>break, <b>in bold</b>",
        "A soft\xadhyphen <b>in bold</b>",
        "<b>A word far too wide</b> for its line: Supercalifragilisticexpialidocious",
    ],
)
def test_anything_else_is_left_to_reportlab(text: str) -> None:
    assert broken_both_ways(text, STYLES.small, 60.0) is None


def test_a_paragraph_split_over_two_pages_continues_with_reportlabs_lines() -> None:
    """The part on the next page holds ReportLab's words, which are broken the same way."""
    ours = ParagraphMaker()(FIGURE_PARAGRAPH, STYLES.small)
    theirs = Paragraph(FIGURE_PARAGRAPH, STYLES.small)
    assert isinstance(ours, CachedParagraph)
    for paragraph in (ours, theirs):
        paragraph.wrap(CONTENT_WIDTH, 1000)
    first_ours, rest_ours = ours.split(CONTENT_WIDTH, 60)
    first_theirs, rest_theirs = theirs.split(CONTENT_WIDTH, 60)
    for mine, reportlabs in ((first_ours, first_theirs), (rest_ours, rest_theirs)):
        assert shape(mine.breakLines(CONTENT_WIDTH)) == shape(reportlabs.breakLines(CONTENT_WIDTH))
        assert shape(mine.frags) == shape(reportlabs.frags)


def test_reports_break_lines_with_reportlab_alone_when_the_quicker_path_cannot_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # linebreak reaches into ReportLab's unpublished names: a ReportLab that moved them
    # must leave every report printing, with ReportLab's own line breaking.
    import sys

    from crag_desktop.reports import pages

    assert pages.quicker_line_breaking() is not None
    monkeypatch.setitem(sys.modules, "crag_desktop.reports.linebreak", None)
    assert pages.quicker_line_breaking() is None
    monkeypatch.setattr(pages, "_PLAIN_TEXT_LINES", None)
    paragraph = pages.CachedParagraph("<b>Referrals:</b> one two three four five six", STYLES.small)
    _width, height = paragraph.wrap(60, 1000)
    assert height > 0
    assert len(paragraph.blPara.lines) > 1
