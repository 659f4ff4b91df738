"""The criteria decision record PDF: content, escaping, long text and page furniture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest

from crag_desktop.reports.decision_record import (
    Attendee,
    ChildRow,
    DecisionRecordView,
    NationalPanelView,
    QuestionAnswer,
    render_decision_record,
)
from crag_desktop.reports.pages import MARKING
from tests.helpers.pdf import pdf_info

QUESTIONS = (
    QuestionAnswer(
        "Is abuse or neglect of the child known or suspected?",
        "Suspected",
        "Bruising to the face noted by the health visitor on 2 June; no explanation given.",
    ),
    QuestionAnswer("Has the child died?", "No", ""),
    QuestionAnswer(
        "Has the child been seriously harmed?",
        "Yes",
        "Skull fracture; admitted to the John Radcliffe paediatric intensive care unit.",
    ),
    QuestionAnswer(
        "Was the harm life-threatening?",
        "Yes",
        "Consultant's report of 6 June.",
    ),
    QuestionAnswer(
        "Is there a risk of long-term impairment of health or development?",
        "Not yet known",
        "Neurology follow-up booked for August.",
    ),
    QuestionAnswer(
        "Is there cause for concern about how agencies worked together?",
        "Concern",
        "GP, health visiting and children's social care held different information about "
        "the mother's new partner and did not share it.",
    ),
)

RATIONALE = (
    "The subgroup agreed that the threshold is met in principle.\n\n"
    "Because a criminal investigation is under way, members agreed a partnership review "
    "would produce learning sooner than an SCR paused for the trial."
)
DIFFERENCE = "An SCR would be paused for the criminal trial; a partnership review can start now."


def make_view(**changes: object) -> DecisionRecordView:
    """A realistic decision, as a service would build it."""
    view = DecisionRecordView(
        referral_reference="CRAG-2016-007",
        case_name="Baby Zoë",
        received_on=dt.date(2016, 6, 3),
        referring_agency="Thames Valley Police",
        incident_date=dt.date(2016, 6, 1),
        incident_type="Serious harm",
        children=(
            ChildRow("Baby Zoë", "Female", "0 years 4 months", "Child in need", "None known"),
            ChildRow("Child Łucja", "Female", "3 years 2 months", "None", "Speech delay (SEN)"),
        ),
        summary="Infant admitted with a skull fracture.\nSibling placed with grandparents.",
        rule_set_id="WT2015",
        rule_set_version="2015.1",
        rule_set_title="Serious Case Review (LSCB Regulations 2006, regulation 5)",
        statutory_wording=(
            "(a) abuse or neglect of a child is known or suspected; and",
            "(b) either (i) the child has died; or (ii) the child has been seriously harmed "
            "and there is cause for concern as to the way in which the authority, their Board "
            "partners or other relevant persons have worked together to safeguard the child.",
        ),
        questions=QUESTIONS,
        rules_outcome="SCR required",
        rules_reasons=(
            "Abuse or neglect is suspected.",
            "The child was seriously harmed and there is concern about inter-agency working.",
        ),
        decided_outcome="Alternative review",
        alternative_review_type="Partnership learning review",
        difference_reason=DIFFERENCE,
        rationale=RATIONALE,
        decided_on=dt.date(2016, 6, 14),
        national_panel=NationalPanelView(
            sent_on=dt.date(2016, 6, 16),
            response="The Panel agrees with the Board's approach.",
            responded_on=dt.date(2016, 7, 20),
            board_reply="",
        ),
        meeting_date=dt.date(2016, 6, 14),
        attendees=(
            Attendee("Dr A Patel", "OCCG Designated Doctor"),
            Attendee("DI R Jones", "Thames Valley Police"),
            Attendee("S O'Neill", "Children's social care"),
        ),
        generated_at=dt.datetime(2016, 6, 15, 9, 5),
        operator="J Smith",
        chair_name="H Brown",
    )
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def render(view: DecisionRecordView) -> bytes:
    out = BytesIO()
    render_decision_record(view, out)
    return out.getvalue()


def pdf_pages_text(pdf: bytes, tmp_path: Path, *, layout: bool = False) -> list[str]:
    """The text of each page via poppler's pdftotext: page layout, or drawing order (raw).

    Raw order keeps each table cell's lines together, so wrapped cells compare whole.
    """
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "record.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout" if layout else "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
    )
    pages = result.stdout.decode("utf-8").split("\f")
    # pdftotext ends the last page with a form feed too.
    return pages[:-1] if pages and not pages[-1].strip() else pages


def squash(text: str) -> str:
    """Collapse whitespace so wrapped table cells compare as one sentence."""
    return " ".join(text.split())


def test_every_page_is_marked_top_and_bottom_and_numbered(tmp_path: Path) -> None:
    long_view = make_view(rationale="\n\n".join([RATIONALE] * 40))
    pages = pdf_pages_text(render(long_view), tmp_path, layout=True)
    assert len(pages) > 1
    full = "\f".join(pages)
    assert full.count(MARKING) == 2 * len(pages)
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[0] == MARKING
        assert lines[-1] == MARKING
        assert f"Page {number} of {len(pages)}" in page
        assert "Criteria decision record" in page
        assert "Generated 15 June 2016 at 09:05" in page


def test_record_prints_every_question_answer_and_the_decision(tmp_path: Path) -> None:
    text = squash(" ".join(pdf_pages_text(render(make_view()), tmp_path)))
    for row in QUESTIONS:
        assert squash(row.question) in text
        assert row.answer in text
        if row.evidence:
            assert squash(row.evidence) in text
    assert squash(DIFFERENCE) in text
    for expected in (
        "Not yet known",
        "Because a criminal investigation is under way",
        "Partnership learning review",
        "SCR required",
        "The child was seriously harmed and there is concern",
        # UK dates, non-ASCII names and the statutory wording print as typed.
        "14 June 2016",
        "3 June 2016",
        "Baby Zoë",
        "Child Łucja",
        "(b) either (i) the child has died",
        # The sections, in their order.
        "1 Referral",
        "2 Statutory criteria",
        "3 Questions and answers",
        "4 Outcome under the rules",
        "5 The subgroup's decision",
        "6 National Panel",
        "7 Present",
        "DI R Jones",
        "Thames Valley Police",
        "The Panel agrees with the Board's approach.",
        "20 July 2016",
        "Chair",
        "H Brown",
        "Secretariat officer",
    ):
        assert expected in text, expected


def test_invited_people_are_listed_apart_from_the_members(tmp_path: Path) -> None:
    view = make_view(
        invited=(
            Attendee("Sam Okafor", "Allocated social worker, Children's Social Care"),
            Attendee("Dr Ruth Hale", ""),
        )
    )
    pages = pdf_pages_text(render(view), tmp_path, layout=True)
    text = squash(" ".join(pages))
    members_at = text.index("DI R Jones")
    invited_at = text.index("Invited (not members of the subgroup)")
    assert members_at < invited_at < text.index("Sam Okafor")
    assert text.index("Sam Okafor") < text.index("Signed as a true record")
    assert "Role or agency" in text
    assert "Allocated social worker, Children's Social Care" in text
    assert "Dr Ruth Hale Not given" in text
    # A record nobody was invited to prints no such heading.
    assert "Invited" not in squash(" ".join(pdf_pages_text(render(make_view()), tmp_path)))


def test_no_difference_reason_section_when_chair_agrees(tmp_path: Path) -> None:
    view = make_view(
        decided_outcome="SCR", alternative_review_type="", difference_reason="", national_panel=None
    )
    text = squash(" ".join(pdf_pages_text(render(view), tmp_path)))
    assert "Why the decision differs" not in text
    assert "Alternative review" not in text
    assert "Not yet sent to the National Panel." in text


def test_user_markup_characters_print_literally(tmp_path: Path) -> None:
    tricky = "Mother said <b>no</b> & left; see <i>notes</i> > 3 & < 5"
    view = make_view(
        case_name="Child <b>Q</b> & sibling",
        rationale=tricky,
        difference_reason="A & B <br/> agreed",
        questions=(QuestionAnswer("Is <abuse> known?", "Yes & more", tricky),),
        attendees=(Attendee("A <Name>", "Police & Crime"),),
    )
    text = squash(" ".join(pdf_pages_text(render(view), tmp_path)))
    assert "Child <b>Q</b> & sibling" in text
    assert squash(tricky) in text
    assert "A & B <br/> agreed" in text
    assert "Is <abuse> known?" in text
    assert "Yes & more" in text
    assert "A <Name>" in text


def test_five_thousand_word_rationale_flows_across_pages(tmp_path: Path) -> None:
    words = [f"w{i}" for i in range(5000)]
    # One unbroken paragraph: the hardest case, taller than a page on its own.
    view = make_view(rationale=" ".join(words))
    pages = pdf_pages_text(render(view), tmp_path)
    assert len(pages) >= 4
    text = squash(" ".join(pages))
    assert "w0 w1 w2" in text
    assert "w4998 w4999" in text
    # Every word arrives exactly once: nothing clipped or duplicated at page breaks.
    printed = [token for token in text.split() if token.startswith("w") and token[1:].isdigit()]
    assert printed == words


def test_long_evidence_in_one_answer_splits_across_pages(tmp_path: Path) -> None:
    evidence = " ".join(f"e{i}" for i in range(2500))
    view = make_view(questions=(QuestionAnswer("Is abuse known?", "Known", evidence),))
    text = squash(" ".join(pdf_pages_text(render(view), tmp_path)))
    assert "e0 e1" in text
    assert "e2498 e2499" in text


def test_metadata_names_the_document_not_the_case(tmp_path: Path) -> None:
    path = tmp_path / "record.pdf"
    path.write_bytes(render(make_view()))
    info = pdf_info(path)
    assert "Criteria decision record" in info
    assert "CRAG Desktop" in info
    for personal in ("Zoë", "Zo", "J Smith", "H Brown", "CRAG-2016-007", "Thames"):
        assert personal not in info


def test_pdf_is_structurally_valid(tmp_path: Path) -> None:
    if shutil.which("qpdf") is None:
        pytest.skip("qpdf is not installed")
    path = tmp_path / "record.pdf"
    path.write_bytes(render(make_view(rationale="\n\n".join([RATIONALE] * 30))))
    result = subprocess.run(
        ["qpdf", "--check", str(path)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors found" in result.stdout


def test_render_to_path_is_atomic_and_user_only(tmp_path: Path) -> None:
    path = tmp_path / "decision.pdf"
    render_decision_record(make_view(), path)
    assert path.read_bytes().startswith(b"%PDF-")
    assert path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["decision.pdf"]


def assert_valid_pdf(pdf: bytes, tmp_path: Path) -> None:
    """qpdf finds no structural problem (checked only where qpdf is installed)."""
    if shutil.which("qpdf") is None:
        return
    path = tmp_path / "checked.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["qpdf", "--check", str(path)], check=False, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def people(count: int) -> tuple[Attendee, ...]:
    return tuple(Attendee(f"Member {i:03d}", "Safeguarding Children Board") for i in range(count))


@pytest.mark.parametrize("attendees", [0, 1, 4, 8, 11, 16, 24, 33, 45, 70])
@pytest.mark.parametrize("paragraphs", [1, 6, 12])
def test_the_signature_block_never_stands_alone_on_the_last_page(
    tmp_path: Path, attendees: int, paragraphs: int
) -> None:
    view = make_view(attendees=people(attendees), rationale="\n\n".join([RATIONALE] * paragraphs))
    if attendees == 16:
        # Invited people go with the signatures, not left behind on the page before.
        view = dataclasses.replace(view, invited=(Attendee("Sam Okafor", "Social worker"),))
    pdf = render(view)
    last = squash(pdf_pages_text(pdf, tmp_path)[-1])
    assert "Signed as a true record of the decision" in last
    # The end of section 7 shares the page: its last attendee, or its "none" line.
    if attendees:
        assert f"Member {attendees - 1:03d}" in last
    else:
        assert "No attendance recorded." in last
    assert_valid_pdf(pdf, tmp_path)


@pytest.mark.parametrize("summary_paragraphs", range(0, 40, 3))
def test_the_decision_box_is_never_split_across_pages(
    tmp_path: Path, summary_paragraphs: int
) -> None:
    # Growing the summary moves the box down the pages, so some page foot cuts across it.
    rationale = "\n\n".join(f"Rationale point R{i}. {RATIONALE}" for i in range(8))
    summary = "\n\n".join(
        ["Background to the referral, as agencies reported it."] * summary_paragraphs
    )
    view = make_view(rationale=rationale, summary=summary)
    pdf = render(view)
    pages = [squash(page) for page in pdf_pages_text(pdf, tmp_path)]
    holding = [
        number
        for number, page in enumerate(pages)
        if any(marker in page for marker in ("5 The subgroup's decision", "R0.", "R7."))
    ]
    assert len(holding) == 1, f"the decision box spans pages {holding}"
    assert all(f"R{i}." in pages[holding[0]] for i in range(8))
    assert_valid_pdf(pdf, tmp_path)


def test_empty_optional_fields_never_print_none(tmp_path: Path) -> None:
    view = make_view(
        incident_date=None,
        children=(ChildRow("Child A", "", "", "", ""),),
        summary="",
        rules_reasons=(),
        alternative_review_type="",
        difference_reason="",
        rationale="",
        national_panel=NationalPanelView(),
        meeting_date=None,
        attendees=(),
        operator="",
        chair_name="",
        secretariat_officer="",
        questions=(QuestionAnswer("Has the child died?", "No", ""),),
    )
    pdf = render(view)
    text = squash(" ".join(pdf_pages_text(pdf, tmp_path)))
    assert "None" not in text
    assert "No reply recorded" in text
    assert "Awaited" in text
    assert_valid_pdf(pdf, tmp_path)


def test_an_empty_board_reply_says_no_reply_was_recorded(tmp_path: Path) -> None:
    text = squash(" ".join(pdf_pages_text(render(make_view()), tmp_path)))
    assert "Board's reply No reply recorded" in text
