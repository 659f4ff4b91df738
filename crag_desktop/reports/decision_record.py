"""The criteria decision record: the paper a chair signs after the subgroup decides.

The view-model holds plain values only (labels already resolved, dates as dates), so this
module never needs a session, an ORM row or a vocabulary lookup; services build the view.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from crag_desktop.reports.pages import (
    CONTENT_HEIGHT,
    CONTENT_WIDTH,
    build_document,
    height_of,
    keep_whole,
)
from crag_desktop.reports.styles import (
    BAND_FILL,
    HIGHLIGHT_FILL,
    NAVY,
    RULE,
    Styles,
    build_styles,
    grid_table_style,
    key_value_table_style,
    markup,
    paragraphs_of,
    uk_date,
)

TITLE = "Criteria decision record"
NOT_RECORDED = "Not recorded"
NO_REPLY = "No reply recorded"
# Attendance rows that travel with the signatures, so the signature block never stands
# alone on the last page.
_ROWS_WITH_SIGNATURES = 3
_DASH = "—"


@dataclass(frozen=True)
class ChildRow:
    """One child the referral concerns, as the record prints it."""

    pseudonym: str
    sex: str
    age: str
    legal_status: str
    disability_sen: str


@dataclass(frozen=True)
class QuestionAnswer:
    """One wizard question with the answer given and the evidence typed at the meeting."""

    question: str
    answer: str
    evidence: str = ""


@dataclass(frozen=True)
class Attendee:
    """Someone present when the decision was made (for one invited: their role or agency)."""

    name: str
    agency: str


@dataclass(frozen=True)
class NationalPanelView:
    """The decision's journey to the National Panel and back; None dates are not yet known."""

    sent_on: dt.date | None = None
    #: The serious incident notification (Working Together 2018 on): the Panel was told of
    #: the case then.
    notified_on: dt.date | None = None
    notification_reference: str = ""
    response: str = ""
    responded_on: dt.date | None = None
    board_reply: str = ""


@dataclass(frozen=True)
class DecisionRecordView:
    """Everything the decision record prints, as plain values (labels, not codes)."""

    # 1 Referral
    referral_reference: str
    case_name: str
    received_on: dt.date
    referring_agency: str
    incident_date: dt.date | None
    incident_type: str
    children: tuple[ChildRow, ...]
    summary: str
    # 2 Statutory criteria
    rule_set_id: str
    rule_set_version: str
    rule_set_title: str
    statutory_wording: tuple[str, ...]
    # 3 Questions and answers, in the order the wizard asked them
    questions: tuple[QuestionAnswer, ...]
    # 4 Outcome under the rules
    rules_outcome: str
    rules_reasons: tuple[str, ...]
    # 5 The subgroup's decision
    decided_outcome: str
    alternative_review_type: str
    difference_reason: str
    rationale: str
    decided_on: dt.date
    # 6 National Panel (None when not yet sent)
    national_panel: NationalPanelView | None
    # 7 Present
    meeting_date: dt.date | None
    attendees: tuple[Attendee, ...]
    # Printing
    generated_at: dt.datetime
    operator: str
    chair_name: str = ""
    secretariat_officer: str = ""
    # More of the referral (defaults keep older callers working)
    learned_on: dt.date | None = None
    notified_on: dt.date | None = None
    notification_reference: str = ""
    abuse_categories: tuple[str, ...] = ()
    #: Present at the decision though not members of the subgroup, listed apart.
    invited: tuple[Attendee, ...] = ()


def render_decision_record(
    view: DecisionRecordView, out: BinaryIO | Path, *, passphrase: str | None = None
) -> int:
    """Render the decision record to a stream, or atomically (mode 0600) to a path,
    AES-256 protected when `passphrase` is given; return its page count."""
    styles = build_styles()
    story: list[Any] = [
        Paragraph(TITLE, styles.title),
        Paragraph(f"{markup(view.referral_reference)} · {markup(view.case_name)}", styles.subtitle),
        _summary_box(view, styles),
        *_referral(view, styles),
        *_statutory(view, styles),
        *_answers(view, styles),
        *_rules_outcome(view, styles),
        *_decision(view, styles),
        *_national_panel(view, styles),
        *_present_and_signatures(view, styles),
    ]
    return build_document(
        out,
        story,
        title=TITLE,
        subject="Record of a criteria decision by the Case Review and Governance group",
        generated_at=view.generated_at,
        footer_note=f"{view.referral_reference} · by {view.operator}" if view.operator else "",
        passphrase=passphrase,
    )


def _p(text: str, style: Any) -> Any:
    """A Paragraph of user text, escaped; blank text prints a dash so cells never look lost."""
    return Paragraph(markup(text) if text.strip() else _DASH, style)


def _or_missing(text: str) -> str:
    return text if text.strip() else NOT_RECORDED


def _text_blocks(text: str, style: Any, *, empty: str = NOT_RECORDED) -> list[Any]:
    blocks = paragraphs_of(text)
    if not blocks:
        return [Paragraph(markup(empty), style)]
    return [Paragraph(block, style) for block in blocks]


def _heading(number: int, text: str, styles: Styles) -> list[Any]:
    # CondPageBreak keeps a heading from being stranded with a line or two at a page foot.
    return [CondPageBreak(30 * mm), Paragraph(f"{number}&nbsp;&nbsp;{text}", styles.heading1)]


def _key_values(rows: list[tuple[str, Any]], styles: Styles) -> Any:
    data = [[Paragraph(markup(label), styles.table_muted), value] for label, value in rows]
    table = Table(data, colWidths=[45 * mm, CONTENT_WIDTH - 45 * mm], splitInRow=1)
    table.setStyle(key_value_table_style())
    return table


def _summary_box(view: DecisionRecordView, styles: Styles) -> Any:
    cells = [
        ("Reference", view.referral_reference),
        ("Case", view.case_name),
        ("Decision date", uk_date(view.decided_on)),
        ("Rule set", f"{view.rule_set_id} (version {view.rule_set_version})"),
    ]
    labels = [Paragraph(markup(label), styles.box_label) for label, _ in cells]
    values = [_p(value, styles.box_value) for _, value in cells]
    table = Table([labels, values], colWidths=[CONTENT_WIDTH / 4] * 4)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), BAND_FILL),
                ("BOX", (0, 0), (-1, -1), 0.8, NAVY),
                ("LINEBEFORE", (1, 0), (-1, -1), 0.4, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ("TOPPADDING", (0, 0), (-1, 0), 7),
                ("BOTTOMPADDING", (0, 0), (-1, 0), 1),
                ("TOPPADDING", (0, 1), (-1, 1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 8),
            ]
        )
    )
    return table


def _referral(view: DecisionRecordView, styles: Styles) -> list[Any]:
    body = styles.table_body
    story: list[Any] = [
        *_heading(1, "Referral", styles),
        _key_values(
            [
                ("Received", _p(uk_date(view.received_on), body)),
                ("Referring agency", _p(_or_missing(view.referring_agency), body)),
                ("Incident date", _p(uk_date(view.incident_date), body)),
                ("Incident type", _p(_or_missing(view.incident_type), body)),
                (
                    "Abuse or neglect",
                    _p(_or_missing(", ".join(view.abuse_categories)), body),
                ),
                ("Local authority learned of it", _p(uk_date(view.learned_on), body)),
                ("Panel notified", _p(uk_date(view.notified_on, missing="Not notified"), body)),
                (
                    "Notification reference",
                    _p(_or_missing(view.notification_reference), body),
                ),
            ],
            styles,
        ),
        Paragraph("Children", styles.heading2),
    ]
    if view.children:
        header = [
            Paragraph(text, styles.table_header)
            for text in ("Pseudonym", "Sex", "Age at incident", "Legal status", "Disability / SEN")
        ]
        rows = [
            [
                _p(child.pseudonym, styles.table_body_bold),
                _p(child.sex, body),
                _p(child.age, body),
                _p(child.legal_status, body),
                _p(child.disability_sen, body),
            ]
            for child in view.children
        ]
        widths = [34 * mm, 20 * mm, 30 * mm, 38 * mm]
        table = Table(
            [header, *rows],
            colWidths=[*widths, CONTENT_WIDTH - sum(widths)],
            repeatRows=1,
            splitInRow=1,
        )
        table.setStyle(grid_table_style())
        story.append(table)
    else:
        story.append(Paragraph("No child recorded.", styles.muted))
    story += [
        Paragraph("Summary", styles.heading2),
        *_text_blocks(view.summary, styles.body),
    ]
    return story


def _statutory(view: DecisionRecordView, styles: Styles) -> list[Any]:
    story: list[Any] = [
        *_heading(2, "Statutory criteria", styles),
        Paragraph(
            f"<b>{markup(view.rule_set_title)}</b> (rule set {markup(view.rule_set_id)}, "
            f"version {markup(view.rule_set_version)})",
            styles.body,
        ),
    ]
    wording = [block for text in view.statutory_wording for block in paragraphs_of(text)]
    story += [Paragraph(block, styles.quote) for block in wording]
    return story


def _answers(view: DecisionRecordView, styles: Styles) -> list[Any]:
    story: list[Any] = [*_heading(3, "Questions and answers", styles)]
    if not view.questions:
        story.append(Paragraph("No question was answered.", styles.muted))
        return story
    header = [
        Paragraph(text, styles.table_header) for text in ("", "Question", "Answer", "Evidence")
    ]
    rows = [
        [
            Paragraph(str(number), styles.table_muted),
            _p(row.question, styles.table_body),
            _p(row.answer, styles.table_body_bold),
            _p(row.evidence, styles.table_body),
        ]
        for number, row in enumerate(view.questions, start=1)
    ]
    widths = [8 * mm, 64 * mm, 30 * mm]
    # splitInRow lets a long piece of evidence continue on the next page instead of failing
    # layout for a row taller than a page.
    table = Table(
        [header, *rows],
        colWidths=[*widths, CONTENT_WIDTH - sum(widths)],
        repeatRows=1,
        splitInRow=1,
    )
    table.setStyle(grid_table_style())
    story.append(table)
    return story


def _rules_outcome(view: DecisionRecordView, styles: Styles) -> list[Any]:
    story: list[Any] = [
        *_heading(4, "Outcome under the rules", styles),
        Paragraph(
            f"Applying rule set {markup(view.rule_set_id)} to the answers above gives: "
            f"<b>{markup(_or_missing(view.rules_outcome))}</b>",
            styles.body,
        ),
    ]
    if view.rules_reasons:
        story.append(Paragraph("Reasons, in the order the rules were applied:", styles.body))
        story.append(
            ListFlowable(
                [
                    ListItem(Paragraph(markup(reason), styles.body), leftIndent=8 * mm)
                    for reason in view.rules_reasons
                ],
                bulletType="1",
                bulletFormat="%s.",
                bulletFontName=styles.body.fontName,
                bulletFontSize=styles.body.fontSize,
                leftIndent=8 * mm,
            )
        )
    return story


def _decision(view: DecisionRecordView, styles: Styles) -> list[Any]:
    body = styles.body
    rows: list[list[Any]] = []
    label_rows: list[int] = []

    def add(label: str, *values: Any) -> None:
        label_rows.append(len(rows))
        rows.append([Paragraph(markup(label), styles.box_label)])
        rows.extend([value] for value in values)

    add("Decision", _p(view.decided_outcome, styles.box_value))
    if view.alternative_review_type.strip():
        add("Alternative review", _p(view.alternative_review_type, body))
    if view.difference_reason.strip():
        add(
            "Why the decision differs from the outcome under the rules",
            *_text_blocks(view.difference_reason, body),
        )
    add("Decided on", Paragraph(uk_date(view.decided_on), body))
    # One row per rationale paragraph, so a long rationale flows across pages row by row
    # (and splitInRow handles a single paragraph longer than a page).
    add("Rationale", *_text_blocks(view.rationale, body))

    commands: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, -1), HIGHLIGHT_FILL),
        ("BOX", (0, 0), (-1, -1), 1.2, NAVY),
        ("LEFTPADDING", (0, 0), (-1, -1), 10),
        ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        # Never zero top AND bottom padding on a row: ReportLab 4/5 loops forever splitting
        # such a row with splitInRow (measured; 1pt is enough to avoid it).
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
    ]
    commands += [("TOPPADDING", (0, i), (-1, i), 8) for i in label_rows]
    commands += [("BOTTOMPADDING", (0, i), (-1, i), 2) for i in label_rows]
    box = Table(rows, colWidths=[CONTENT_WIDTH], splitInRow=1)
    box.setStyle(TableStyle(commands))
    # A decision read across a page turn is easily misread, so the box (with its heading)
    # stays on one page unless it is longer than a page on its own.
    heading = _heading(5, "The subgroup's decision", styles)
    return [*heading[:-1], *keep_whole([heading[-1], box])]


def _national_panel(view: DecisionRecordView, styles: Styles) -> list[Any]:
    story: list[Any] = [*_heading(6, "National Panel", styles)]
    panel = view.national_panel
    if panel is None:
        story.append(Paragraph("Not yet sent to the National Panel.", styles.muted))
        return story
    body = styles.table_body
    rows: list[tuple[str, Any]] = []
    if panel.notified_on is not None:
        notified = uk_date(panel.notified_on)
        if panel.notification_reference.strip():
            notified += f" (reference {panel.notification_reference.strip()})"
        rows.append(("Serious incident notified", _p(notified, body)))
    rows += [
        ("Decision sent on", _p(uk_date(panel.sent_on, missing="Not yet sent"), body)),
        ("Panel's response", _text_blocks(panel.response, body, empty="Awaited")),
        ("Response received", _p(uk_date(panel.responded_on, missing="Awaited"), body)),
        ("Board's reply", _text_blocks(panel.board_reply, body, empty=NO_REPLY)),
    ]
    story.append(_key_values(rows, styles))
    return story


def _people_table(
    people: tuple[Attendee, ...], second: str, styles: Styles
) -> tuple[list[Any], list[list[Any]]]:
    header = [Paragraph(text, styles.table_header) for text in ("Name", second)]
    rows = [
        [_p(person.name, styles.table_body), _p(person.agency or "Not given", styles.table_body)]
        for person in people
    ]
    return header, rows


_PEOPLE_WIDTHS = [70 * mm, CONTENT_WIDTH - 70 * mm]


def _grid(rows: list[list[Any]], *, header_rows: int = 1, first_band: int = 0) -> Table:
    table = Table(rows, colWidths=_PEOPLE_WIDTHS, repeatRows=header_rows, splitInRow=1)
    table.setStyle(grid_table_style(header_rows=header_rows, first_band=first_band))
    return table


def _invited(view: DecisionRecordView, styles: Styles) -> list[Any]:
    """Those invited who are not members: named apart, so nobody reads them as members."""
    if not view.invited:
        return []
    header, rows = _people_table(view.invited, "Role or agency", styles)
    return [
        Spacer(1, 4 * mm),
        Paragraph("Invited (not members of the subgroup)", styles.heading2),
        _grid([header, *rows]),
    ]


def _present_and_signatures(view: DecisionRecordView, styles: Styles) -> list[Any]:
    heading = _heading(7, "Present", styles)
    intro = Paragraph(f"Meeting of {uk_date(view.meeting_date)}", styles.body)
    signatures = _signatures(view, styles)
    invited = _invited(view, styles)
    if not view.attendees:
        text = "No member's attendance recorded." if invited else "No attendance recorded."
        none = Paragraph(text, styles.muted)
        return [*heading[:-1], *keep_whole([heading[-1], intro, none, *invited, *signatures])]
    header, rows = _people_table(view.attendees, "Agency", styles)
    whole = _grid([header, *rows])
    section = [heading[-1], intro, whole, *invited, *signatures]
    if len(rows) <= _ROWS_WITH_SIGNATURES or height_of(section) <= CONTENT_HEIGHT:
        return [*heading[:-1], *keep_whole(section)]
    # Too long for one page: the list flows, and only its last rows move with the signatures.
    cut = len(rows) - _ROWS_WITH_SIGNATURES
    head = _grid([header, *rows[:cut]])
    tail = _grid(rows[cut:], header_rows=0, first_band=cut)
    return [*heading[:-1], heading[-1], intro, head, *keep_whole([tail, *invited, *signatures])]


def _signatures(view: DecisionRecordView, styles: Styles) -> list[Any]:
    line = "_" * 34
    short = "_" * 16

    def block(role: str, name: str) -> list[list[Any]]:
        name_cell = _p(name, styles.table_body) if name.strip() else Paragraph(line, styles.small)
        return [
            [Paragraph(f"<b>{markup(role)}</b>", styles.table_body), "", ""],
            [
                Paragraph("Name", styles.box_label),
                Paragraph("Signature", styles.box_label),
                Paragraph("Date", styles.box_label),
            ],
            [name_cell, Paragraph(line, styles.small), Paragraph(short, styles.small)],
        ]

    rows = block("Chair", view.chair_name) + block("Secretariat officer", view.secretariat_officer)
    table = Table(rows, colWidths=[62 * mm, 68 * mm, CONTENT_WIDTH - 130 * mm])
    table.setStyle(
        TableStyle(
            [
                ("SPAN", (0, 0), (-1, 0)),
                ("SPAN", (0, 3), (-1, 3)),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 3), (-1, 3), 18),
                ("TOPPADDING", (0, 2), (-1, 2), 14),
                ("TOPPADDING", (0, 5), (-1, 5), 14),
            ]
        )
    )
    return [
        Spacer(1, 10 * mm),
        Paragraph("Signed as a true record of the decision", styles.heading2),
        table,
    ]
