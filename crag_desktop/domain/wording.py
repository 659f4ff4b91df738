"""How the app writes its everyday words: dates, counts, shortened text and file names.

Written once so every screen, message and report says them the same way. Dates never go
through `strftime("%B")` and its kin: Qt sets the process locale from the user's settings
when the app starts, and a board paper must say "5 December 2026" on a laptop set to
German or Welsh as well.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

__all__ = [
    "PDF_SUFFIX",
    "abbreviated_date",
    "count_of",
    "day_name",
    "file_date",
    "file_name",
    "long_date",
    "one_line",
    "pdf_name",
    "short_date",
    "short_date_time",
    "shorten",
    "time_of_day",
    "with_suffix",
    "word_for",
]

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: Monday first, as `date.weekday()` counts.
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

PDF_SUFFIX = ".pdf"
ELLIPSIS = "…"


def day_name(day: dt.date, *, abbreviated: bool = False) -> str:
    """ "Saturday" (or "Sat"), whatever the locale."""
    name = WEEKDAYS[day.weekday()]
    return name[:3] if abbreviated else name


def long_date(day: dt.date, *, weekday: bool = False) -> str:
    """ "5 December 2026" (or "Saturday 5 December 2026"), whatever the locale."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{day_name(day)} {text}" if weekday else text


def abbreviated_date(day: dt.date, *, year: bool = True) -> str:
    """ "Sat 5 Dec 2026" (or "Sat 5 Dec"), for a line with little room."""
    text = f"{day_name(day, abbreviated=True)} {day.day} {MONTHS[day.month - 1][:3]}"
    return f"{text} {day.year}" if year else text


def short_date(day: dt.date) -> str:
    """ "05/12/2026": a date as the secretariat types it (dd/mm/yyyy)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def time_of_day(moment: dt.datetime | dt.time, *, seconds: bool = False) -> str:
    """ "14:05" (or "14:05:09"), the 24-hour clock as given (no time zone change)."""
    text = f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{text}:{moment.second:02d}" if seconds else text


def short_date_time(moment: dt.datetime, *, seconds: bool = False, joiner: str = " ") -> str:
    """ "05/12/2026 14:05" as given; `joiner=" at "` reads as a sentence."""
    return f"{short_date(moment.date())}{joiner}{time_of_day(moment, seconds=seconds)}"


def file_date(day: dt.date) -> str:
    """ "2026-12-05": the date in a suggested file name, so names sort by date."""
    # Not isoformat(): given a datetime, that would put the time (and its colons) in too.
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def word_for(count: int, singular: str, plural: str | None = None) -> str:
    """The noun that goes with `count`: `singular` for one, else `plural` (or singular + s)."""
    if count == 1:
        return singular
    return plural if plural is not None else singular + "s"


def count_of(count: int, singular: str, plural: str | None = None) -> str:
    """ "1 referral", "2 referrals", "1,250 referrals"."""
    return f"{count:,} {word_for(count, singular, plural)}"


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut to at most `limit` characters, the last an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + ELLIPSIS


def one_line(text: str, limit: int = 60) -> str:
    """`text` on one line (runs of white space made one space), then shortened."""
    return shorten(" ".join(text.split()), limit)


def file_name(title: str, suffix: str) -> str:
    """A suggested file name: "/" (as in "2016/17") cannot be in a name, so it becomes "-"."""
    return title.replace("/", "-") + suffix


def pdf_name(title: str) -> str:
    """ "Annual report 2016-17.pdf" from "Annual report 2016/17"."""
    return file_name(title, PDF_SUFFIX)


def with_suffix(path: Path, suffix: str = PDF_SUFFIX) -> Path:
    """`path` ending in `suffix`: a name typed without it gets it added ("r" is "r.pdf")."""
    if path.suffix.lower() == suffix:
        return path
    return path.with_name(path.name + suffix)
