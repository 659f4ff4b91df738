"""Lines of a paragraph set in several faces of plain text, broken as ReportLab breaks them.

A paragraph in one face breaks into lines in ReportLab's quick path; one in two faces (the
annual report's Appendix C opens each figure's list of references with its label in bold)
takes its general path, which for every word compares the word's face with the line's
(`sameFrag`: about 6 µs a word, though in C) and looks up the width of a space and the
font's ascent again: about nine times the quick path's time, a third of laying out the
annual report.

`plain_text_lines` is that general path for what such a paragraph holds (text only, no
images, line breaks, soft hyphens, hyphenation or right-to-left text), with what it looked
up per word looked up once: the same lines, fragment for fragment (tests/reports hold it
to ReportLab's own on paragraphs like the report's and on generated ones). Anything else, or a
word too wide for its line (which ReportLab splits), is left to ReportLab: it returns None.
"""

from __future__ import annotations

from typing import Any

from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (
    _FK_TEXT,
    FragLine,
    ParaLines,
    _getFragWords,
    _HSFrag,
    _processed_frags,
    sameFrag,
)

_SOFT_HYPHEN = "\xad"
_PLAIN_WORDS = (list, _HSFrag)


def _plain_fragment(frag: Any) -> bool:
    attributes = frag.__dict__
    text = attributes.get("text")
    return (
        isinstance(text, str)
        and _SOFT_HYPHEN not in text
        and "cbDefn" not in attributes
        and "lineBreak" not in attributes
    )


def _plain_text(paragraph: Any) -> bool:
    """Whether `paragraph` holds only what `plain_text_lines` breaks as ReportLab does:
    fragments of text (as parsed), or the words ReportLab made of them (a paragraph split
    over two pages continues with the words it had left)."""
    frags = paragraph.frags
    if not frags:
        return False
    words = isinstance(frags[0], list)
    # One fragment takes ReportLab's quick path already (most paragraphs: asked first).
    if not words and len(frags) < 2:
        return False
    style = paragraph.style
    if (
        paragraph.bulletText
        or getattr(style, "wordWrap", None)
        or getattr(style, "shaping", None)
        or getattr(style, "hyphenationLang", None)
        or getattr(style, "uriWasteReduce", None)
        or getattr(style, "embeddedHyphenation", None)
    ):
        return False
    if not words:
        return all(_plain_fragment(frag) for frag in frags)
    # Words: [width, (fragment, text), ...], a plain list or one followed by a space (not
    # a part of a split word, a soft-hyphenated one or a line break ReportLab put in).
    return _processed_frags(frags) and all(
        type(word) in _PLAIN_WORDS
        and all(
            part[0].__dict__.get("_fkind") == _FK_TEXT and _plain_fragment(part[0])
            for part in word[1:]
        )
        for word in frags
    )


class _Lines:
    """One paragraph being broken: the lines done and the one being filled, in the names of
    ReportLab's breakLines (`words` are the line's fragments, `frag_words` every word seen),
    so that each step reads as the one it mirrors."""

    def __init__(self, max_widths: list[float], space_shrinkage: float) -> None:
        self.max_widths = max_widths
        self.max_width = max_widths[0]
        self.space_shrinkage = space_shrinkage
        self.line_no = 0
        self.lines: list[Any] = []
        self.frag_words: list[Any] = []
        self.words: list[Any] = []
        self.first_of_line = 0
        self.n = 0
        self.space: float = 0
        self.current_width: float = 0
        self.width_max: float = 0
        self.max_size: float = 0
        self.max_ascent: float = 0
        self.min_descent: float = 0
        # The line's last fragment and the one it was cloned from.
        self.g: Any = None
        self.g_source: Any = None
        self._spaces: dict[tuple[str, float], float] = {}
        self._extents: dict[tuple[str, float], tuple[float, float]] = {}

    def space_width(self, font_name: str, font_size: float) -> float:
        key = (font_name, font_size)
        found = self._spaces.get(key)
        if found is None:
            found = self._spaces[key] = stringWidth(" ", font_name, font_size)
        return found

    def ascent_descent(self, font_name: str, font_size: float) -> tuple[float, float]:
        key = (font_name, font_size)
        found = self._extents.get(key)
        if found is None:
            found = self._extents[key] = getAscentDescent(font_name, font_size)
        return found

    def fold(self, frag: Any) -> None:
        """Count `frag`'s size and extent in the line's."""
        font_size = frag.fontSize
        ascent, descent = self.ascent_descent(frag.fontName, font_size)
        self.max_size = max(self.max_size, font_size)
        self.max_ascent = max(self.max_ascent, ascent)
        self.min_descent = min(self.min_descent, descent)

    def limit(self) -> float:
        """How wide the line may grow: its width and a share of its spaces' (ReportLab lets
        spaces shrink a little to fit one more word)."""
        if not self.space_shrinkage:
            return self.max_width
        shrink = self.space
        for frag in self.words:
            if frag._fkind == _FK_TEXT:
                spaces = frag.text.count(" ")
                if spaces:
                    shrink += spaces * self.space_width(frag.fontName, frag.fontSize)
        return self.max_width + shrink * self.space_shrinkage

    def add(self, w: Any) -> bool:
        """Put word `w` on the line, or end the line and start the next with it; False for
        a word wider than its line, which ReportLab would split."""
        self.frag_words.append(w)
        last = w[-1][0]
        font_name, font_size = last.fontName, last.fontSize
        if not self.words:
            self.n = 0
            self.space = self.current_width = 0
            self.max_size = font_size
            self.max_ascent, self.min_descent = self.ascent_descent(font_name, font_size)
        word_width = w[0]
        new_width = (
            self.current_width + self.space + word_width if word_width > 0 else self.current_width
        )
        limit = self.limit()
        if new_width > limit:
            line = min(self.line_no, len(self.max_widths) - 1)
            if word_width > max(self.max_widths[line : line + 1]):
                return False
            if self.n > 0:
                self.end_line()
                self.start_line(w, font_name, font_size)
                return True
        self.extend(w, font_name)
        self.current_width = new_width
        return True

    def extend(self, w: Any, font_name: str) -> None:
        """Word `w` joins the line: its text runs on in the line's last fragment when that
        is in the same face, else in a fragment of its own."""
        f, text = w[1]
        if text:
            self.n += 1
        if f is not self.g_source:
            # The line's sizes already count the fragment its last part was cloned from.
            self.fold(f)
        if not self.words:
            self._start_fragment(f, text)
        elif f is not self.g_source and not sameFrag(self.g, f):
            # (A fragment cloned from f, its text aside, is the same as f: only another
            # fragment needs ReportLab's comparison.)
            if self.space:
                for frag in reversed(self.words):
                    if frag._fkind == _FK_TEXT:
                        if not frag.text.endswith(" "):
                            frag.text += " "
                        break
            self._start_fragment(f, text)
        elif self.space:
            if not self.g.text.endswith(" "):
                self.g.text += " " + text
            else:
                self.g.text += text
        else:
            self.g.text += text
        self.space = self.space_width(font_name, f.fontSize) if isinstance(w, _HSFrag) else 0
        if self._add_parts(w) and not text:
            self.n += 1

    def _start_fragment(self, f: Any, text: str) -> None:
        self.g = f.clone()
        self.g_source = f
        self.g.text = text
        self.words.append(self.g)

    def _add_parts(self, w: Any) -> bool:
        """The parts of word `w` after its first (in other faces), each a fragment of the
        line; whether any holds text."""
        has_text = False
        for frag, text in w[2:]:
            self._start_fragment(frag, text)
            has_text = has_text or bool(text)
            self.fold(frag)
        return has_text

    def end_line(self) -> None:
        self.width_max = max(self.width_max, self.current_width)
        self.lines.append(
            FragLine(
                extraSpace=self.max_width - self.current_width,
                wordCount=self.n,
                lineBreak=False,
                words=self.words,
                fontSize=self.max_size,
                ascent=self.max_ascent,
                descent=self.min_descent,
                maxWidth=self.max_width,
                sFW=self.first_of_line,
            )
        )

    def start_line(self, w: Any, font_name: str, font_size: float) -> None:
        """A new line begun with word `w` (in `font_name` at `font_size`, its last part's)."""
        self.first_of_line = len(self.frag_words) - 1
        self.line_no += 1
        self.max_width = self.max_widths[min(len(self.max_widths) - 1, self.line_no)]
        self.space = self.space_width(font_name, font_size) if isinstance(w, _HSFrag) else 0
        self.current_width = w[0]
        self.n = 1
        f, text = w[1]
        self.words = []
        self._start_fragment(f, text)
        self.max_size = f.fontSize
        self.max_ascent, self.min_descent = self.ascent_descent(f.fontName, self.max_size)
        self._add_parts(w)


def plain_text_lines(paragraph: Any, width: float | list[float]) -> Any:
    """`paragraph.breakLines(width)` for a paragraph of plain text in several faces (the
    same ParaLines, and the paragraph's fragments become its words as there), or None when
    the paragraph holds anything else: then ReportLab's own must break it."""
    if not _plain_text(paragraph):
        return None
    max_widths = list(width) if isinstance(width, (tuple, list)) else [width]
    lines = _Lines(max_widths, paragraph.style.spaceShrinkage)
    for word in _getFragWords(paragraph.frags, max_widths[0]):
        if not lines.add(word):
            # ReportLab splits a word wider than its line: its own path does that.
            return None
    if lines.words:
        lines.end_line()
    paragraph.height = 0
    paragraph._width_max = lines.width_max
    paragraph._splitLongWordCount = paragraph._hyphenations = 0
    paragraph.frags = lines.frag_words
    return ParaLines(kind=1, lines=lines.lines)
