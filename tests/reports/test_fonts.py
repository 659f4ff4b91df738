"""The bundled face encodes what a report draws as ReportLab's own TrueType face does."""

from __future__ import annotations

from io import BytesIO

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.pdfbase.ttfonts import TTFont

from crag_desktop import assets
from crag_desktop.reports.fonts import SubsetFont

FACE = assets.read_bytes(*assets.FONTS, "DejaVuSans.ttf")
# Letters a report may draw: plain text, names such as "Zoë" and "Łucja", the no-break
# space of an indent, Greek and Cyrillic (enough of them to fill the first subset).
LETTERS = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyz ABCXYZ0123456789-;:,.£—’ëŁłąéüöß\xa0"
    + "".join(map(chr, range(0x391, 0x3C9)))
    + "".join(map(chr, range(0x410, 0x44F)))
)


class Document:
    """Stands for the PDF document a face keeps its subsets for (any object will do)."""


def encoded(font: TTFont, document: Document, texts: list[str]) -> list[list[tuple[int, bytes]]]:
    return [font.splitString(text, document) for text in texts]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(st.text(alphabet=LETTERS, max_size=30), min_size=1, max_size=40))
def test_strings_are_encoded_as_reportlab_encodes_them(texts: list[str]) -> None:
    """The same pieces for each string drawn in turn, letters placed anew or already placed,
    in the first subset or past it."""
    ours, theirs = SubsetFont("Ours", BytesIO(FACE)), TTFont("Theirs", BytesIO(FACE))
    drawn_twice = texts + texts
    assert encoded(ours, Document(), drawn_twice) == encoded(theirs, Document(), drawn_twice)


def test_a_string_of_placed_letters_is_one_piece_of_the_first_subset() -> None:
    font = SubsetFont("Ours", BytesIO(FACE))
    document = Document()
    font.splitString("Zoë Łucja", document)
    assert font.splitString("Łucja Zoë", document) == TTFont.splitString(
        font, "Łucja Zoë", document
    )
    assert font.splitString("", document) == []


def test_letters_past_the_first_subset_are_encoded_as_reportlab_encodes_them() -> None:
    many = [
        "".join(map(chr, range(start, start + 40)))
        for start in range(0x100, 0x17F, 40)  # Latin Extended-A
    ] + ["".join(map(chr, range(0x391, 0x3C9))), "".join(map(chr, range(0x410, 0x44F)))]
    ours, theirs = SubsetFont("Ours", BytesIO(FACE)), TTFont("Theirs", BytesIO(FACE))
    drawn = [*many, *many, "Zoë", many[-1][:5] + "abc"]
    ours_pieces = encoded(ours, Document(), drawn)
    assert ours_pieces == encoded(theirs, Document(), drawn)
    assert any(subset > 0 for pieces in ours_pieces for subset, _ in pieces)
