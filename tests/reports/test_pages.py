"""The shared report foundation: page furniture, fonts, text helpers, chunking, atomic write."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph, Spacer

from crag_desktop.reports.fonts import FONT_BOLD, FONT_REGULAR, register_fonts
from crag_desktop.reports.pages import (
    CONTENT_HEIGHT,
    MARKING,
    ParagraphMaker,
    build_document,
    chunked_tables,
    write_pdf_atomically,
)
from crag_desktop.reports.styles import (
    build_styles,
    grid_table_style,
    markup,
    paragraphs_of,
    uk_date,
    uk_datetime,
)
from tests.helpers.pdf import pdf_info

GENERATED = dt.datetime(2017, 3, 1, 14, 30)


def page_texts(pdf: bytes, tmp_path: Path) -> list[str]:
    """Each page's text in page layout, via poppler's pdftotext."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def listing_story(rows: int) -> list[Any]:
    styles = build_styles()
    header = [Paragraph("Reference", styles.table_header), Paragraph("Name", styles.table_header)]
    body = [
        [Paragraph(f"R{i:05d}", styles.table_body), Paragraph(f"Zoë {i}", styles.table_body)]
        for i in range(rows)
    ]
    return chunked_tables(
        header, body, col_widths=[40 * 2.83, 120 * 2.83], style=grid_table_style()
    )


def test_build_document_marks_numbers_and_dates_every_page(tmp_path: Path) -> None:
    out = BytesIO()
    pages = build_document(
        out, listing_story(300), title="Recommendations tracker", generated_at=GENERATED
    )
    texts = page_texts(out.getvalue(), tmp_path)
    assert pages == len(texts) > 1
    for number, text in enumerate(texts, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        assert lines[0] == MARKING
        assert lines[-1] == MARKING
        assert text.count(MARKING) == 2
        assert f"Page {number} of {pages}" in text
        assert "Recommendations tracker" in text
        assert "Generated 1 March 2017 at 14:30" in text
        # A long listing repeats its column headings on every page it spans.
        assert "Reference" in text
    joined = "".join(texts)
    assert "R00000" in joined
    assert "R00299" in joined
    assert "Zoë 299" in joined


def test_long_footer_title_is_shortened_not_overprinted(tmp_path: Path) -> None:
    out = BytesIO()
    title = "Annual report " + "with a very long title " * 10
    build_document(
        out, [Paragraph("Body", build_styles().body)], title=title, generated_at=GENERATED
    )
    text = page_texts(out.getvalue(), tmp_path)[0]
    assert "…" in text
    assert "Page 1 of 1" in text


def test_metadata_is_generic(tmp_path: Path) -> None:
    path = tmp_path / "doc.pdf"
    build_document(
        path,
        [Paragraph("Child Q", build_styles().body)],
        title="Annual report",
        subject="CRAG annual report",
        footer_note="Prepared by A Person",
        generated_at=GENERATED,
    )
    info = pdf_info(path)
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == "Annual report"
    assert fields["Author"].strip() == "CRAG Desktop"
    assert fields["Subject"].strip() == "CRAG annual report"
    assert "Person" not in info
    assert "Child Q" not in info


def test_chunked_tables_cut_at_the_limit_and_keep_the_header() -> None:
    header = ["H1", "H2"]
    rows = [[str(i), "x"] for i in range(501)]
    tables = chunked_tables(header, rows, max_rows=250)
    assert [len(t._cellvalues) for t in tables] == [251, 251, 2]
    assert all(t._cellvalues[0] == header and t.repeatRows == 1 for t in tables)
    assert tables[2]._cellvalues[1] == ["500", "x"]
    assert len(chunked_tables(header, [])) == 1
    with pytest.raises(ValueError, match="max_rows"):
        chunked_tables(header, rows, max_rows=0)


def test_story_can_be_rendered_twice() -> None:
    story = [Paragraph("Once", build_styles().body)]
    first, second = BytesIO(), BytesIO()
    build_document(first, story, title="T", generated_at=GENERATED)
    build_document(second, story, title="T", generated_at=GENERATED)
    assert len(story) == 1
    assert second.getvalue().startswith(b"%PDF-")


def test_atomic_write_leaves_only_the_file_user_only(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    write_pdf_atomically(target, lambda stream: stream.write(b"%PDF-1.4 new"))
    assert target.read_bytes() == b"%PDF-1.4 new"
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_atomic_write_failure_keeps_the_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def fail(stream: BinaryIO) -> None:
        stream.write(b"half a pdf")
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError, match="layout failed"):
        write_pdf_atomically(target, fail)
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["report.pdf"]


def test_build_document_to_path_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    pages = build_document(
        target, [Paragraph("Hello", build_styles().body)], title="T", generated_at=GENERATED
    )
    assert pages == 1
    assert target.read_bytes().startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o600
    assert os.listdir(tmp_path) == ["out.pdf"]


def test_qpdf_accepts_a_multi_page_document(tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    target = tmp_path / "out.pdf"
    build_document(target, listing_story(600), title="Listing", generated_at=GENERATED)
    result = subprocess.run(
        ["qpdf", "--check", str(target)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_fonts_register_once_and_cover_non_ascii() -> None:
    assert register_fonts() == register_fonts()
    font = pdfmetrics.getFont(FONT_REGULAR)
    assert pdfmetrics.getFont(FONT_BOLD) is not None
    # DejaVu has real glyphs for these; a missing glyph would measure as zero width.
    for char in "ëŁçøß€":
        assert font.stringWidth(char, 10) > 0


def test_markup_escapes_user_text() -> None:
    assert markup("<b>A</b> & B") == "&lt;b&gt;A&lt;/b&gt; &amp; B"
    assert markup("one\ntwo") == "one<br/>two"
    assert paragraphs_of("a & b\n\n\n c\nd \n") == ["a &amp; b", " c<br/>d "]
    assert paragraphs_of("  \n ") == []


def test_uk_dates() -> None:
    assert uk_date(dt.date(2016, 6, 14)) == "14 June 2016"
    assert uk_date(dt.date(2017, 1, 1)) == "1 January 2017"
    assert uk_date(None) == "Not recorded"
    assert uk_date(None, missing="Awaited") == "Awaited"
    assert uk_datetime(dt.datetime(2016, 6, 14, 9, 5)) == "14 June 2016 at 09:05"


def test_a_column_is_never_narrower_than_its_longest_word() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from crag_desktop.reports.fonts import FONT_BOLD, FONT_REGULAR
    from crag_desktop.reports.pages import fit_column_widths

    widths = [100.0, 40.0, 200.0]
    rows = [("Baby L", "Reviewer-led", "Published on 20 September 2016")]
    fitted = fit_column_widths(widths, rows, header=("Review", "Methodology", "Status"))
    assert sum(fitted) == pytest.approx(sum(widths))
    assert fitted[1] >= stringWidth("Methodology", FONT_BOLD, 9) + 10
    assert fitted[1] >= stringWidth("Reviewer-led", FONT_REGULAR, 9) + 10
    # Columns already wide enough keep their proportions: only the spare room is taken.
    assert fitted[0] > stringWidth("Review", FONT_BOLD, 9) + 10
    assert fit_column_widths([80.0, 80.0], [("a", "b")]) == [80.0, 80.0]
    # An address too long for any column does not swallow the table.
    url = "https://www.example.org/safeguarding-board/case-reviews/baby-l-learning-summary"
    assert fit_column_widths([300.0, 100.0], [("Baby L", url)]) == pytest.approx([240.0, 160.0])


def test_a_paragraph_kept_whole_moves_to_the_next_page_and_prints(tmp_path: Path) -> None:
    styles = build_styles()
    # Room for one line at the foot of page 1: a four-line paragraph does not leave one
    # line behind (orphan control) but moves whole to page 2, wrapped at the same width.
    text = " ".join(["Every word of this sentence is printed once."] * 8)
    paragraph = ParagraphMaker()(text, styles.body)
    room = CONTENT_HEIGHT - 1.5 * styles.body.leading
    out = BytesIO()
    pages = build_document(out, [Spacer(1, room), paragraph], title="Test", generated_at=GENERATED)
    assert pages == 2
    texts = page_texts(out.getvalue(), tmp_path)
    assert "Every word" not in texts[0]
    assert texts[1].count("printed once.") == 8


def test_a_paragraph_made_twice_prints_the_same(tmp_path: Path) -> None:
    styles = build_styles()
    make = ParagraphMaker()
    right = "<para alignment='right'>1,234</para>"
    story = [make(right, styles.table_body), make(right, styles.table_body)]
    plain = [Paragraph(right, styles.table_body), Paragraph(right, styles.table_body)]
    made, reference = BytesIO(), BytesIO()
    build_document(made, story, title="Test", generated_at=GENERATED)
    build_document(reference, plain, title="Test", generated_at=GENERATED)
    assert page_texts(made.getvalue(), tmp_path) == page_texts(reference.getvalue(), tmp_path)
    # The second is made from the first's parse: the alignment of its markup goes with it.
    assert story[1].style.alignment == story[0].style.alignment == 2


@pytest.mark.parametrize(
    "text",
    [
        "Plain words",
        "<para alignment='right'>1,234</para>",
        "<para alignment='center'>12/34</para>",
        "<para alignment='right'>&nbsp;5</para>",
        "<para alignment='right'>two  spaces</para>",
        "<b>bold</b> and plain",
    ],
)
def test_a_paragraph_is_made_of_reportlabs_own_parse(text: str) -> None:
    """Made from a parse of the same shape (one letter, aligned or not) or its own: the
    style and fragments ReportLab's parse of the text gives."""
    styles = build_styles()
    make = ParagraphMaker()
    make("<para alignment='right'>9</para>", styles.table_body)  # a parse to be reused
    made = make(text, styles.table_body)
    parsed = Paragraph(text, styles.table_body)

    def settings(style: Any) -> dict[str, Any]:
        # A <para> tag's parse copies the style, parent and all: the same values.
        values = dict(vars(style))
        parent = values.pop("parent")
        return {**values, "parent": parent and vars(parent)}

    assert settings(made.style) == settings(parsed.style)
    assert [vars(f) for f in made.frags] == [vars(f) for f in parsed.frags]
