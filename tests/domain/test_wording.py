"""The app's everyday words: dates in English whatever the locale, counts, shortened text and
suggested file names, each written in one place."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crag_desktop.domain import wording
from crag_desktop.domain.wording import (
    PDF_SUFFIX,
    abbreviated_date,
    count_of,
    day_name,
    file_date,
    file_name,
    long_date,
    one_line,
    pdf_name,
    short_date,
    short_date_time,
    shorten,
    time_of_day,
    with_suffix,
    word_for,
)

PACKAGE = Path(wording.__file__).resolve().parent.parent


def test_long_dates_name_the_month_and_weekday_in_english() -> None:
    assert long_date(dt.date(2026, 12, 5)) == "5 December 2026"
    assert long_date(dt.date(2026, 12, 5), weekday=True) == "Saturday 5 December 2026"
    assert long_date(dt.date(2016, 1, 31)) == "31 January 2016"
    assert abbreviated_date(dt.date(2026, 12, 5)) == "Sat 5 Dec 2026"
    assert abbreviated_date(dt.date(2026, 9, 7), year=False) == "Mon 7 Sep"
    assert day_name(dt.date(2026, 12, 6), abbreviated=True) == "Sun"


def test_every_month_and_weekday_is_spelled_out() -> None:
    months = [long_date(dt.date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert " ".join(months) == (
        "January February March April May June July August September October November December"
    )
    # 7 to 13 December 2026 run Monday to Sunday.
    days = [long_date(dt.date(2026, 12, d), weekday=True).split()[0] for d in range(7, 14)]
    assert days == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_short_dates_and_times_are_as_the_secretariat_types_them() -> None:
    moment = dt.datetime(2026, 3, 5, 9, 7, 3)
    assert short_date(dt.date(2026, 3, 5)) == "05/03/2026"
    assert time_of_day(moment) == "09:07"
    assert time_of_day(moment, seconds=True) == "09:07:03"
    assert short_date_time(moment) == "05/03/2026 09:07"
    assert short_date_time(moment, seconds=True) == "05/03/2026 09:07:03"
    assert short_date_time(moment, joiner=" at ") == "05/03/2026 at 09:07"
    assert file_date(moment) == "2026-03-05"


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_short_date_reads_back_as_the_same_day(day: dt.date) -> None:
    assert dt.datetime.strptime(short_date(day), "%d/%m/%Y").date() == day


def test_counts_say_one_thing_or_many() -> None:
    assert count_of(1, "referral") == "1 referral"
    assert count_of(2, "referral") == "2 referrals"
    assert count_of(0, "working day") == "0 working days"
    assert count_of(1250, "referral") == "1,250 referrals"
    assert count_of(3, "statutory clock runs", "statutory clocks run") == "3 statutory clocks run"
    assert word_for(1, "review is", "reviews are") == "review is"
    assert word_for(4, "review is", "reviews are") == "reviews are"


def test_shortened_text_ends_with_an_ellipsis_within_the_limit() -> None:
    assert shorten("Short enough") == "Short enough"
    cut = shorten("x" * 61)
    assert cut == "x" * 59 + "…"
    assert len(cut) == 60
    assert shorten("abcdefghij", 5) == "abcd…"
    assert one_line("Learning\n  about   neglect") == "Learning about neglect"
    assert one_line("word " * 30, 20) == "word word word word…"


def test_suggested_file_names_get_their_suffix_once() -> None:
    assert pdf_name("Annual report 2016/17") == "Annual report 2016-17.pdf"
    assert file_name("Return Police 2026-12-05", ".xlsx") == "Return Police 2026-12-05.xlsx"
    assert with_suffix(Path("/tmp/r")) == Path("/tmp/r.pdf")
    assert with_suffix(Path("/tmp/r.PDF")) == Path("/tmp/r.PDF")
    assert with_suffix(Path("/tmp/r.v2"), PDF_SUFFIX) == Path("/tmp/r.v2.pdf")
    assert with_suffix(Path("/tmp/export"), ".json") == Path("/tmp/export.json")


def test_no_module_formats_a_date_through_the_locale() -> None:
    # %A, %a, %B and %b follow the process locale, which Qt sets from the user's settings:
    # month and day names come from wording's own tables instead.
    pattern = re.compile(r"%-?[AaBb]\b")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line) and path.name != "wording.py"
    ]
    assert offenders == []


_GERMAN = "de_DE.UTF-8"
_PROBE = """
import datetime as dt, locale
locale.setlocale(locale.LC_ALL, "")
assert f"{dt.date(2026, 3, 5):%B}" == "März", "the German locale did not take"
from crag_desktop.domain.wording import long_date, abbreviated_date
print(long_date(dt.date(2026, 3, 5), weekday=True))
print(abbreviated_date(dt.date(2026, 12, 5)))
"""


def _german_locale(tmp: Path) -> dict[str, str]:
    """Environment variables under which a child process runs in German, built here if need be."""
    env = {**os.environ, "LC_ALL": _GERMAN}
    installed = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False)
    if installed.returncode == 0 and any(
        name.lower().replace("-", "") in {"de_de.utf8"} for name in installed.stdout.split()
    ):
        return env
    localedef = shutil.which("localedef")
    if localedef is None or not Path("/usr/share/i18n/locales/de_DE").exists():
        pytest.skip("no German locale is installed and none can be built here")
    # glibc reads locales from LOCPATH: build one for this test alone, nothing system-wide.
    subprocess.run(
        [localedef, "-i", "de_DE", "-f", "UTF-8", str(tmp / _GERMAN)],
        check=True,
        capture_output=True,
    )
    return {**env, "LOCPATH": str(tmp)}


@pytest.mark.slow
def test_dates_stay_english_under_a_german_locale(tmp_path: Path) -> None:
    env = _german_locale(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["Thursday 5 March 2026", "Sat 5 Dec 2026"]
