"""The bundled DejaVu Sans family, registered with ReportLab once per process.

ReportLab's built-in Helvetica covers Latin-1 only; the secretariat types names such as
"Zoë" or "Łucja" and agency names in other scripts, so every report uses a bundled TrueType
family instead of a system font that a council laptop may not have.
"""

from __future__ import annotations

import threading
from io import BytesIO

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from crag_desktop import assets

FONT_FAMILY = "CragSans"
FONT_REGULAR = "CragSans"
FONT_BOLD = "CragSans-Bold"
FONT_ITALIC = "CragSans-Oblique"
FONT_BOLD_ITALIC = "CragSans-BoldOblique"

_FILES: dict[str, str] = {
    FONT_REGULAR: "DejaVuSans.ttf",
    FONT_BOLD: "DejaVuSans-Bold.ttf",
    FONT_ITALIC: "DejaVuSans-Oblique.ttf",
    FONT_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}

# Reports may be rendered from a worker thread while another report renders; the lock keeps
# two threads from registering half a family each.
_lock = threading.Lock()
_registered = False


class SubsetFont(TTFont):  # type: ignore[misc]  # reportlab is untyped
    """A TrueType face that encodes a string for its embedded subset without a Python step
    per letter once every letter of it has its place there.

    ReportLab gives each letter a report uses a byte in a subset of the face the first time
    it is drawn, and encodes every string drawn, letter by letter, in Python: a fifth of
    drawing the annual report's 116 pages. A string whose letters all have their places in
    the first subset (a report in English seldom fills it) is encoded by a lookup of its
    letters in one C step; any other is left to ReportLab, which places new letters.
    """

    def splitString(
        self, text: str, doc: object, encoding: str = "utf-8"
    ) -> list[tuple[int, bytes]]:
        """ReportLab's (subset, bytes) pieces of `text` as drawn in `doc`."""
        state = self.state.get(doc)
        if state is not None and text and isinstance(text, str):
            try:
                # A letter without its place raises KeyError, one past the first subset
                # ValueError (no byte holds it): both are ReportLab's to encode.
                return [(0, bytes(map(state.assignments.__getitem__, map(ord, text))))]
            except (KeyError, ValueError):
                pass
        pieces: list[tuple[int, bytes]] = super().splitString(text, doc, encoding)
        return pieces


def register_fonts() -> str:
    """Register the bundled family (idempotent) and return its family name for styles."""
    global _registered  # noqa: PLW0603 - one registration per process is the point
    with _lock:
        if _registered:
            return FONT_FAMILY
        for name, filename in _FILES.items():
            # Read the bytes, not a path, so this works from a wheel, a zip or a frozen
            # bundle, where the TTF may have no path on disk.
            data = assets.read_bytes(*assets.FONTS, filename)
            pdfmetrics.registerFont(SubsetFont(name, BytesIO(data)))
        # Lets <b> and <i> inside Paragraph markup find the right face of the family.
        pdfmetrics.registerFontFamily(
            FONT_FAMILY,
            normal=FONT_REGULAR,
            bold=FONT_BOLD,
            italic=FONT_ITALIC,
            boldItalic=FONT_BOLD_ITALIC,
        )
        _registered = True
        return FONT_FAMILY
