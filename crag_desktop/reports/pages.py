"""Page furniture shared by every CRAG report, and the safe way to write a PDF to disk.

Every page carries the OFFICIAL-SENSITIVE marking at its top and bottom (security item 8),
a footer with the document title, a date line and "Page x of y". The total page count is
only known once the story has been laid out, so a numbered canvas holds each page back and
stamps the numbers when the document is saved.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Table,
)

from crag_desktop.reports.fonts import FONT_BOLD, FONT_REGULAR, register_fonts
from crag_desktop.reports.protection import write_pdf
from crag_desktop.reports.styles import INK, MUTED, NAVY, RULE, uk_datetime


def quicker_line_breaking() -> Callable[[Any, float | list[float]], Any] | None:
    """`linebreak.plain_text_lines`, or None where it cannot load: it reaches into
    ReportLab's paragraph module for names ReportLab does not publish, and a later ReportLab
    may move them. Its own line breaking then serves (slower, the same lines)."""
    try:
        from crag_desktop.reports.linebreak import plain_text_lines
    except ImportError:
        return None
    return plain_text_lines


_PLAIN_TEXT_LINES = quicker_line_breaking()

APP_NAME = "CRAG Desktop"
MARKING = "OFFICIAL-SENSITIVE"
PAGE_SIZE = A4
LEFT_MARGIN = 20 * mm
RIGHT_MARGIN = 20 * mm
TOP_MARGIN = 24 * mm
BOTTOM_MARGIN = 28 * mm
CONTENT_WIDTH = PAGE_SIZE[0] - LEFT_MARGIN - RIGHT_MARGIN
CONTENT_HEIGHT = PAGE_SIZE[1] - TOP_MARGIN - BOTTOM_MARGIN

# Long listings are cut into tables of at most this many rows: ReportLab re-measures a whole
# table each time it splits one across a page, so one 5,000-row table lays out very slowly.
MAX_TABLE_ROWS = 250

_MARKING_TOP_Y = PAGE_SIZE[1] - 12 * mm
_MARKING_BOTTOM_Y = 9 * mm
_FOOTER_RULE_Y = 21 * mm
_FOOTER_LINE1_Y = 17 * mm
_FOOTER_LINE2_Y = 13.5 * mm
_FOOTER_SIZE = 8


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab is untyped
    """A canvas that defers each page so it can print "Page x of y" with the real total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Start with no deferred pages."""
        super().__init__(*args, **kwargs)
        self._deferred_pages: list[dict[str, Any]] = []
        self._at_save: dict[int, list[Callable[[Any], None]]] = {}

    def draw_at_save(self, draw: Callable[[Any], None]) -> None:
        """Have `draw(canvas)` draw on the current page when the document is saved, for what
        is known only once every page is laid out (the page numbers of a contents page)."""
        self._at_save.setdefault(self._pageNumber, []).append(draw)

    def showPage(self) -> None:
        """Keep the finished page's drawing state instead of emitting it now."""
        self._deferred_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        """Emit every deferred page with its number and the total, then write the file."""
        total = len(self._deferred_pages)
        for state in self._deferred_pages:
            self.__dict__.update(state)
            for draw in self._at_save.get(self._pageNumber, ()):
                draw(self)
            self._draw_page_number(total)
            super().showPage()
        super().save()

    @property
    def page_count(self) -> int:
        """How many pages the document has (known once layout has finished)."""
        return len(self._deferred_pages)

    def _draw_page_number(self, total: int) -> None:
        self.saveState()
        self.setFont(FONT_REGULAR, _FOOTER_SIZE)
        self.setFillColor(MUTED)
        self.drawRightString(
            PAGE_SIZE[0] - RIGHT_MARGIN,
            _FOOTER_LINE1_Y,
            f"Page {self._pageNumber} of {total}",
        )
        self.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    """Shorten text with an ellipsis so a long title cannot run into the page number."""
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw_furniture(
    canvas: Any, _doc: Any, *, title: str, date_line: str, footer_note: str
) -> None:
    """Marking top and bottom, footer rule, title and date line (page numbers come later)."""
    width = PAGE_SIZE[0]
    canvas.saveState()
    canvas.setFillColor(INK)
    canvas.setFont(FONT_BOLD, 10)
    canvas.drawCentredString(width / 2, _MARKING_TOP_Y, MARKING)
    canvas.drawCentredString(width / 2, _MARKING_BOTTOM_Y, MARKING)

    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.5)
    canvas.line(LEFT_MARGIN, _FOOTER_RULE_Y, width - RIGHT_MARGIN, _FOOTER_RULE_Y)

    # The right-hand 30mm of line 1 is reserved for "Page x of y".
    text_width = CONTENT_WIDTH - 30 * mm
    canvas.setFont(FONT_BOLD, _FOOTER_SIZE)
    canvas.setFillColor(NAVY)
    canvas.drawString(
        LEFT_MARGIN, _FOOTER_LINE1_Y, _fit(title, FONT_BOLD, _FOOTER_SIZE, text_width)
    )
    second = " · ".join(part for part in (date_line, footer_note) if part)
    canvas.setFont(FONT_REGULAR, _FOOTER_SIZE)
    canvas.setFillColor(MUTED)
    canvas.drawString(
        LEFT_MARGIN, _FOOTER_LINE2_Y, _fit(second, FONT_REGULAR, _FOOTER_SIZE, CONTENT_WIDTH)
    )
    canvas.restoreState()


def build_document(
    out: BinaryIO | Path,
    story: Sequence[Any],
    *,
    title: str,
    generated_at: dt.datetime,
    footer_note: str = "",
    subject: str = "",
    author: str = APP_NAME,
    passphrase: str | None = None,
    after_flowable: Callable[[Any, Any], None] | None = None,
) -> int:
    """Lay out a story on marked, numbered A4 pages into `out`; return the page count.

    `title` and `subject` go into the PDF metadata as well as the footer, so they must name
    the kind of document only, never a child, a case or a person. A Path is written
    atomically with user-only permissions, AES-256 protected when `passphrase` is given
    (a stream is always written plain: protect its bytes with `encrypt_pdf`).
    `after_flowable(doc, flowable)` is called as each flowable is placed (contents, outline).
    """
    if isinstance(out, Path):
        pages = 0

        def render(stream: BinaryIO) -> None:
            nonlocal pages
            pages = build_document(
                stream,
                story,
                title=title,
                generated_at=generated_at,
                footer_note=footer_note,
                subject=subject,
                author=author,
                after_flowable=after_flowable,
            )

        write_pdf_atomically(out, render, passphrase=passphrase)
        return pages

    register_fonts()
    doc = BaseDocTemplate(
        out,
        pagesize=PAGE_SIZE,
        leftMargin=LEFT_MARGIN,
        rightMargin=RIGHT_MARGIN,
        topMargin=TOP_MARGIN,
        bottomMargin=BOTTOM_MARGIN,
        title=title,
        author=author,
        subject=subject or title,
        creator=APP_NAME,
        producer=APP_NAME,
        keywords=[],
        lang="en-GB",
        displayDocTitle=1,
        initialFontName=FONT_REGULAR,
    )
    frame = Frame(
        LEFT_MARGIN,
        BOTTOM_MARGIN,
        CONTENT_WIDTH,
        CONTENT_HEIGHT,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    on_page = functools.partial(
        _draw_furniture,
        title=title,
        date_line=f"Generated {uk_datetime(generated_at)}",
        footer_note=footer_note,
    )
    doc.addPageTemplates([PageTemplate(id="marked", frames=[frame], onPage=on_page)])
    if after_flowable is not None:
        hook = after_flowable
        doc.afterFlowable = lambda flowable: hook(doc, flowable)

    canvases: list[NumberedCanvas] = []

    def make_canvas(*args: Any, **kwargs: Any) -> NumberedCanvas:
        canvas = NumberedCanvas(*args, **kwargs)
        canvases.append(canvas)
        return canvas

    # build() consumes the list it is given; copy so a caller's story survives for reuse.
    doc.build(list(story), canvasmaker=make_canvas)
    return canvases[-1].page_count


class CachedParagraph(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A Paragraph that keeps its lines for the width it was last wrapped at.

    ReportLab breaks a paragraph into lines at every wrap: a table measures each cell when
    it is laid out, again on each page it splits over, and once more to draw it, so a long
    listing broke every cell's lines three or four times. Lines depend on the width alone.
    """

    _wrapped_at: float | None = None

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The size at `avail_width`, its lines broken once for each new width."""
        # Paragraph.split drops its lines (blPara) when it moves whole to the next page.
        if avail_width != self._wrapped_at or not hasattr(self, "blPara"):
            super().wrap(avail_width, avail_height)
            self._wrapped_at = avail_width
        return self.width, self.height

    def breakLines(self, width: float | list[float]) -> Any:
        """ReportLab's lines, broken in less time when the text is plain (`linebreak`)."""
        lines = None if _PLAIN_TEXT_LINES is None else _PLAIN_TEXT_LINES(self, width)
        return lines if lines is not None else super().breakLines(width)


class ParagraphMaker:
    """Makes CachedParagraphs, parsing as little markup as it can: a report's listings hold
    thousands of cells of plain text, and ReportLab parses each as markup (a fifth of laying
    out the annual report)."""

    def __init__(self) -> None:
        self._parsed: dict[tuple[str, int], tuple[Any, list[Any]]] = {}

    def _parse(self, text: str, style: Any) -> tuple[Any, list[Any]]:
        key = (text, id(style))
        parsed = self._parsed.get(key)
        if parsed is None:
            paragraph = Paragraph(text, style)
            parsed = self._parsed[key] = (paragraph.style, paragraph.frags)
        return parsed

    def __call__(self, text: str, style: Any) -> CachedParagraph:
        """A paragraph of `text` (markup) in `style`."""
        if _plain(text, style):
            # Plain text, already as the parser would clean it: the parse of one letter in
            # the style, with this text.
            parsed_style, parsed = self._parse("x", style)
            frags = [parsed[0].clone(text=text)]
            return CachedParagraph(text, parsed_style, frags=frags)
        aligned = _ALIGNED.fullmatch(text)
        if aligned is not None and _plain(aligned["text"], style):
            # Plain text aligned (a figure in a table's column of numbers): the parse of one
            # letter so aligned, with this text.
            parsed_style, parsed = self._parse(f"{aligned['para']}x</para>", style)
            frags = [parsed[0].clone(text=aligned["text"])]
            return CachedParagraph(text, parsed_style, frags=frags)
        parsed_style, parsed = self._parse(text, style)
        return CachedParagraph(text, parsed_style, frags=[frag.clone() for frag in parsed])


#: Markup of a paragraph whose one <para> tag sets its alignment, around its text.
_ALIGNED = re.compile(
    r"(?P<para><para alignment='(?:left|right|center|justify)'>)(?P<text>.*)</para>"
)


def _plain(text: str, style: Any) -> bool:
    """Whether ReportLab's parse of `text` in `style` is one fragment holding `text`: no
    markup, no entity, whitespace as the parser leaves it, no change of case."""
    return bool(
        text
        and "<" not in text
        and "&" not in text
        and " ".join(text.split()) == text
        and not getattr(style, "textTransform", None)
    )


class OutlineHeading(Paragraph):  # type: ignore[misc]  # reportlab is untyped
    """A heading that reports where it lands, for a report's contents and the PDF outline
    (the bookmarks a reader's PDF viewer lists beside the pages)."""

    def __init__(self, text: str, style: Any, *, key: str, outline: str, level: int) -> None:
        super().__init__(f'<a name="{key}"/>{text}', style)
        self.crag_key = key
        self.crag_outline = outline
        self.crag_level = level


class PageOfHeading(Flowable):  # type: ignore[misc]  # reportlab is untyped
    """The page an OutlineHeading lands on, for a line of a contents page laid out before it.

    It takes the room of the one-line Paragraph that prints the number, and prints it when
    the document is saved (`NumberedCanvas.draw_at_save`), by which time `pages` (filled
    by `outline_hook`) knows every heading: the document is laid out once, where a contents
    page whose numbers are laid out with it needs a first pass to find them.
    """

    def __init__(self, key: str, pages: Mapping[str, int], style: Any) -> None:
        super().__init__()
        self.key = key
        self.pages = pages
        self.style = style

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        """The full width, one line high (the number's Paragraph is no larger)."""
        self.width = avail_width
        self.height = self.style.leading
        return self.width, self.height

    def draw(self) -> None:
        """Note where the number goes; the canvas draws it at save."""
        x, y = self.canv.absolutePosition(0, 0)
        width = self.width

        def number(canvas: Any) -> None:
            page = self.pages.get(self.key)
            text = Paragraph(f"<para alignment='right'>{page or ''}</para>", self.style)
            text.wrap(width, self.height)
            text.drawOn(canvas, x, y)

        self.canv.draw_at_save(number)


def outline_hook(pages: dict[str, int]) -> Callable[[Any, Any], None]:
    """An `after_flowable` for `build_document`: each OutlineHeading becomes a bookmark and
    an outline entry, and the page it landed on is noted in `pages` (for a contents page)."""

    def hook(doc: Any, flowable: Any) -> None:
        if isinstance(flowable, OutlineHeading):
            pages.setdefault(flowable.crag_key, doc.page)
            # The heading's own <a name> is the destination (at the heading, /XYZ): a
            # whole-page /Fit one here would replace it, and QtPdf's preview refuses a
            # destination without a location.
            doc.canv.addOutlineEntry(
                flowable.crag_outline, flowable.crag_key, level=flowable.crag_level, closed=False
            )

    return hook


def height_of(flowables: Sequence[Any]) -> float:
    """The height `flowables` take laid out one after another at the full content width."""
    register_fonts()
    total = 0.0
    for flowable in flowables:
        _, height = flowable.wrap(CONTENT_WIDTH, CONTENT_HEIGHT)
        total += height + flowable.getSpaceBefore() + flowable.getSpaceAfter()
    return total


def keep_whole(flowables: Sequence[Any]) -> list[Any]:
    """`flowables` kept on one page when they fit on one, else left to flow and split.

    ReportLab's KeepTogether starts anything taller than the space left on a new page, even
    when it is taller than a whole page and will split anyway; that would leave most of a
    page blank for nothing, so such content is not wrapped.
    """
    if height_of(flowables) <= CONTENT_HEIGHT:
        return [KeepTogether(list(flowables))]
    return list(flowables)


def fit_column_widths(
    widths: Sequence[float],
    rows: Sequence[Sequence[str]],
    *,
    header: Sequence[str] = (),
    size: float = 9,
    padding: float = 10,
) -> list[float]:
    """`widths` adjusted so that no column is narrower than its longest word.

    A word wider than its column is broken mid-word by ReportLab ("Methodolog" / "y");
    each column is widened to its longest word (bold in `header`, regular in `rows`, at
    `size` points, plus the cells' left and right `padding`), the width taken from the
    columns with room to spare in proportion to that room. The total is unchanged; when
    every column is at its floor the floors win. A word too long for any sensible column
    (an address, say) may still break: no floor exceeds two fifths of the table.
    """
    register_fonts()
    most = 0.4 * sum(widths)
    floors = [0.0] * len(widths)
    for font, lines in ((FONT_BOLD, [header] if header else []), (FONT_REGULAR, rows)):
        for line in lines:
            for index, cell in enumerate(line[: len(widths)]):
                longest = max(str(cell).split() or [""], key=len)
                floors[index] = max(floors[index], stringWidth(longest, font, size) + padding)
    floors = [min(floor, most) for floor in floors]
    fitted = list(widths)
    deficit = sum(max(0.0, floor - width) for floor, width in zip(floors, fitted, strict=True))
    if deficit <= 0:
        return fitted
    room = [max(0.0, width - floor) for floor, width in zip(floors, fitted, strict=True)]
    spare = sum(room)
    if spare <= 0:
        return [max(floor, width) for floor, width in zip(floors, fitted, strict=True)]
    share = min(1.0, deficit / spare)
    return [
        max(floor, width - r * share) for floor, width, r in zip(floors, fitted, room, strict=True)
    ]


def chunked_tables(
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    col_widths: Sequence[float] | None = None,
    style: Any = None,
    max_rows: int = MAX_TABLE_ROWS,
) -> list[Any]:
    """Cut a long listing into Tables of at most `max_rows` body rows, each with the header.

    Every table repeats its header on each page it spans, so a reader never meets a column
    without its heading. An empty listing gives one table holding only the header. Rows may
    split inside a cell (splitInRow); give every row some top or bottom padding, as
    ReportLab loops forever splitting a row padded zero on both.
    """
    if max_rows < 1:
        raise ValueError("max_rows must be at least 1")
    starts = range(0, len(rows), max_rows) if rows else range(1)
    tables = []
    for start in starts:
        data = [list(header), *(list(row) for row in rows[start : start + max_rows])]
        table = Table(data, colWidths=col_widths, repeatRows=1, splitInRow=1)
        if style is not None:
            table.setStyle(style)
        tables.append(table)
    return tables


def write_pdf_atomically(
    path: Path, render_fn: Callable[[BinaryIO], object], *, passphrase: str | None = None
) -> None:
    """Write a PDF via a temp file in the same folder: fsync, replace, user-only (0600),
    AES-256 protected in memory first when `passphrase` is given (see `protection`).

    A reader (or a crash) never sees half a PDF, and an earlier file at `path` survives a
    failed render untouched. The mechanism is the one every exported file uses.
    """
    write_pdf(path, render_fn, passphrase=passphrase)
