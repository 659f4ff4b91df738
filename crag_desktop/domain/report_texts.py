"""The annual report's narrative sections: their order, headings and short templates.

Narrative text is stored per year and section (`ReportText`); a section nobody has written
yet prints a short, neutral template instead, so a draft report always reads as a whole.
The same templates are offered in the app's editor as a starting point. Headings and
templates live here once, for the PDF, the editor and the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from crag_desktop.domain.vocabulary import ReportSection


def period_label(year: int) -> str:
    """A reporting year as board papers write it: 2016 -> "2016/17"."""
    return f"{year}/{(year + 1) % 100:02d}"


@dataclass(frozen=True, slots=True, kw_only=True)
class SectionInfo:
    """How one narrative section is headed, and what it says when nothing is written."""

    section: ReportSection
    heading: str
    #: A hint for whoever writes the text (shown in the editor, never printed).
    guidance: str
    #: Printed when the year has no text for the section; `{period}` becomes "2016/17".
    template: str


SECTIONS: tuple[SectionInfo, ...] = (
    SectionInfo(
        section=ReportSection.INTRODUCTION,
        heading="Introduction",
        guidance="Who writes the report, to whom, and what it covers.",
        template=(
            "This is the annual report of the chair of the Case Review and Governance "
            "group (CRAG), a subgroup of the Safeguarding Children Board, for {period}. It "
            "covers the cases considered, the cases reviewed and the action taken over the "
            "year."
        ),
    ),
    SectionInfo(
        section=ReportSection.LOCAL_CONTEXT,
        heading="Local context",
        guidance="Who sits on the subgroup, its purpose, and the year's reviews in brief.",
        template=(
            "The subgroup brings together the partner agencies listed below. It supports "
            "the Board in its statutory duty to review cases where the criteria are met, "
            "and to learn from cases where they are not."
        ),
    ),
    SectionInfo(
        section=ReportSection.NATIONAL_CONTEXT,
        heading="National context",
        guidance="National guidance, reforms and research published during the year.",
        template=(
            "This section summarises the national guidance and research published in "
            "{period} that bears on local case review work."
        ),
    ),
    SectionInfo(
        section=ReportSection.CASES_CONSIDERED,
        heading="Cases considered for review",
        guidance="How cases reach the subgroup and how the criteria were applied.",
        template=(
            "Every case brought to the subgroup is considered against the criteria in "
            "force (Appendix A), and every decision is sent to the National Panel. The "
            "figures below are counted from the subgroup's records."
        ),
    ),
    SectionInfo(
        section=ReportSection.METHODOLOGIES,
        heading="Review methodologies",
        guidance="Which approaches were used and why.",
        template=(
            "The Board chooses for each case the approach that suits the scale and "
            "complexity of the issues. The methodologies of the reviews worked on in "
            "{period} were as follows."
        ),
    ),
    SectionInfo(
        section=ReportSection.PARALLEL_PROCESSES,
        heading="Parallel processes",
        guidance="Criminal, coronial, disciplinary and other processes running alongside.",
        template=(
            "Case reviews often run alongside other processes, such as criminal "
            "proceedings, inquests or disciplinary processes, which can affect their terms "
            "of reference, participation, length and cost."
        ),
    ),
    SectionInfo(
        section=ReportSection.FAMILY_CONTRIBUTION,
        heading="Family contribution",
        guidance="How families were involved, and who facilitated it.",
        template=(
            "Families are invited to contribute to every review. The reviews with a family "
            "contribution, and who facilitated it, are shown below."
        ),
    ),
    SectionInfo(
        section=ReportSection.THEMES,
        heading="Reviews: subject details and safeguarding themes",
        guidance="What the children's circumstances and the themes tell the Board.",
        template=(
            "The children who were the subjects of the statutory reviews worked on in "
            "{period}, and the safeguarding themes the reviews covered, are summarised "
            "below."
        ),
    ),
    SectionInfo(
        section=ReportSection.LEARNING_POINTS,
        heading="Learning points in common",
        guidance="The common learning points, and how learning was shared (summaries, events).",
        template=(
            "The subgroup keeps a catalogue of learning points common to its case reviews. "
            "The points carried by the most reviews worked on in {period} are ranked below."
        ),
    ),
    SectionInfo(
        section=ReportSection.NATIONAL_LEARNING,
        heading="Learning from national reviews",
        guidance="Points from national reviews that resonate locally, for managers and staff.",
        template=("No summary of learning from national reviews has been recorded for {period}."),
    ),
    SectionInfo(
        section=ReportSection.RECOMMENDATIONS,
        heading="Recommendations and agency actions",
        guidance="The recommendations of the reviews published, and how they are monitored.",
        template=(
            "Multi-agency recommendations are monitored by the Executive group; actions "
            "led by single agencies are monitored by the Performance, Audit and Quality "
            "Assurance subgroup (PAQA)."
        ),
    ),
    SectionInfo(
        section=ReportSection.OUTCOMES,
        heading="Outcomes",
        guidance="Broad headlines of what changed as a result of the recommendations.",
        template="No outcomes of recommendations have been recorded for {period}.",
    ),
    SectionInfo(
        section=ReportSection.COSTS,
        heading="Costs and timeframes",
        guidance="What drove the costs and the time the reviews took.",
        template=(
            "Working Together aims for a review to be completed within six months of its "
            "initiation; locally reviews have been signed off within 12 to 18 months. The "
            "reviews signed off in {period} are shown against both."
        ),
    ),
    SectionInfo(
        section=ReportSection.CONCLUSION,
        heading="Conclusion",
        guidance="What the Board is recommended to do.",
        template=(
            "The Board is recommended to consider the common learning points in this "
            "report and to make sure that partner agencies are aware of the learning from "
            "the reviews published in {period}."
        ),
    ),
)

_BY_SECTION = {info.section: info for info in SECTIONS}


def section_info(section: ReportSection) -> SectionInfo:
    """The heading, guidance and template of `section`."""
    return _BY_SECTION[section]


def template_text(section: ReportSection, year: int) -> str:
    """What `section` prints for `year` when nobody has written its text."""
    return _BY_SECTION[section].template.format(period=period_label(year))


#: The report's glossary: the abbreviations it and the Board's papers use.
GLOSSARY: tuple[tuple[str, str], ...] = (
    ("CRAG", "Case Review and Governance group, the subgroup of the Board that writes this report"),
    ("CSPRP", "Child Safeguarding Practice Review Panel, the national panel since 2018"),
    ("IMR", "Individual Management Review, an agency's own account of its involvement"),
    ("LCSPR", "Local Child Safeguarding Practice Review (Working Together 2018 and later)"),
    ("LSCB", "Local Safeguarding Children Board (a safeguarding partnership since 2019)"),
    ("National Panel", "The national panel that every decision about a review is sent to"),
    ("PAQA", "Performance, Audit and Quality Assurance subgroup"),
    ("SCIE", "Social Care Institute for Excellence, whose systems model some reviews use"),
    ("SCR", "Serious Case Review (Working Together 2015 and earlier)"),
    ("WT2010, WT2015", "Working Together to Safeguard Children, 2010 and 2015 editions"),
)
