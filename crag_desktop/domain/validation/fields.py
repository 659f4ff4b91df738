"""Limits, paths and the checks of single fields that every record's rules are made of.

A check appends a `FieldError` to the list it is given and returns nothing (or whether the
value can be compared further), so that a record's rules read as a list of rules. Paths are
joined only for a problem: an import checks over a million fields, nearly all of them fine.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal

from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.wording import short_date

SHORT_MAX = 200
TITLE_MAX = 500
LINK_MAX = 2_000
NARRATIVE_MAX = 20_000
REPORT_TEXT_MAX = 200_000
MAX_AGE_YEARS = 24
MAX_AGE_MONTHS = 11
FIRST_REPORT_YEAR = 2000
LAST_REPORT_YEAR = 2100
#: No safeguarding record predates this; an earlier date is a typing slip in the year.
EARLIEST_DATE = date(1950, 1, 1)
#: Costs above this are a slip of the keyboard; it also keeps every cost exact as a JSON float.
MAX_COST = Decimal(1_000_000_000)


# ---------------------------------------------------------------------------------------
# Paths and sorting


def join(path: str, name: str) -> str:
    """Join a field name or "[i]" index onto a path ("" for a form, "$.referrals[0]")."""
    # Called for every field of every record an import checks (1.5 million times for
    # 20,000 referrals): the common cases first, without building new strings.
    if path and path[-1] != ".":
        return path + name if name[:1] == "[" else path + "." + name
    path = path.rstrip(".")
    if not path:
        return name
    if name.startswith("["):
        return path + name
    return f"{path}.{name}"


#: What an import is told about an id the database already holds.
ID_TAKEN = "id already exists in the database"


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def key_path(path: str, key: str) -> str:
    """Join a mapping key onto a path: ``.key``, or ``["odd key"]`` when it is not a plain
    name (cut short, so that a huge key does not make a huge message)."""
    if _IDENTIFIER.match(key):
        return join(path, key)
    shown = key if len(key) <= 60 else key[:60] + "…"
    return path.rstrip(".") + "[" + json.dumps(shown, ensure_ascii=False) + "]"


def _path_key(error: FieldError) -> tuple[tuple[tuple[int, int | str], ...], str]:
    # Natural order, so that "[10]" follows "[9]" rather than "[1]".
    parts = tuple(
        # [0-9] rather than \d: "²" is a digit to \d and str.isdigit() but not to int().
        (0, int(p)) if p.isascii() and p.isdigit() else (1, p)
        for p in re.split(r"([0-9]+)", error.path)
        if p
    )
    return parts, error.message


def sort_errors(errors: Iterable[FieldError]) -> list[FieldError]:
    """Errors without duplicates, in path order (indices compared as numbers)."""
    return sorted(set(errors), key=_path_key)


# ---------------------------------------------------------------------------------------
# Field checks: each appends to `errors` and returns nothing, so a record's checks read as
# a list of rules.


def _bad_character(text: str, *, single_line: bool, identifier: bool) -> str | None:
    # Fast path, in C: every character this looks for (Cc, Cf, Cs) is "non-printable" to
    # str.isprintable, so printable text (nearly all text) needs no look at each character.
    if text.isprintable() or (
        not single_line and text.replace("\n", "").replace("\t", "").isprintable()
    ):
        return None
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":
            return "contains an invalid character (a lone surrogate); retype the text"
        if category == "Cc":
            if ch == "\n" and not single_line:
                continue
            if ch == "\t" and not single_line:
                continue
            if ch in "\n\t":
                return "must be on one line (no line breaks or tabs)"
            name = "NUL" if ch == "\0" else f"U+{ord(ch):04X}"
            return f"contains a control character ({name}); remove it"
        if identifier and category == "Cf":
            # Invisible formatting (zero-width spaces, bidi overrides) would make two
            # pseudonyms or references that look identical differ, or reorder what is shown.
            return (
                f"contains an invisible formatting character (U+{ord(ch):04X}), which is "
                "not allowed in a name or reference"
            )
    return None


def _at(path: str, name: str) -> str:
    """Where a field's error points: `name` joined onto `path` ("" names `path` itself).

    The checks take the record's path and the field's name apart and join them only for an
    error: an import checks over a million fields, nearly all of them fine."""
    return join(path, name) if name else path


def _text_problem(
    value: object,
    *,
    required: bool = True,
    max_length: int = SHORT_MAX,
    single_line: bool = True,
    identifier: bool = False,
) -> str | None:
    """What is wrong with a text value (not None), or None when nothing is."""
    if not isinstance(value, str):
        return "must be text"
    if required and not value.strip():
        return "must not be blank"
    if len(value) > max_length:
        return f"is too long ({len(value):,} characters; at most {max_length:,})"
    return _bad_character(value, single_line=single_line, identifier=identifier)


def _text(
    errors: list[FieldError],
    path: str,
    name: str,
    value: str | None,
    *,
    required: bool = True,
    max_length: int = SHORT_MAX,
    single_line: bool = True,
    identifier: bool = False,
    key: str | None = None,
) -> None:
    """Check a text field; with `key`, the value (or the key itself) under `key` of the
    mapping field `name` (its path then ends `name["odd key"]` or `name.key`)."""
    if value is None:
        return
    if (
        type(value) is str
        and len(value) <= max_length
        and value.isprintable()
        and not (required and (not value or value.isspace()))
    ):
        # Nearly every value: printable text of an allowed length, not blank where it is
        # required. Every character the full check looks for (controls, line breaks, tabs,
        # invisible formatting, surrogates) is one str.isprintable refuses.
        return
    problem = _text_problem(
        value,
        required=required,
        max_length=max_length,
        single_line=single_line,
        identifier=identifier,
    )
    if problem:
        where = _at(path, name) if key is None else key_path(join(path, name), key)
        errors.append(FieldError(where, problem))


def _narrative(
    errors: list[FieldError],
    path: str,
    name: str,
    value: str | None,
    *,
    max_length: int = NARRATIVE_MAX,
) -> None:
    _text(errors, path, name, value, required=False, max_length=max_length, single_line=False)


def _identifier(errors: list[FieldError], path: str, name: str, value: str | None) -> None:
    _text(errors, path, name, value, identifier=True)


def _date(
    errors: list[FieldError],
    path: str,
    name: str,
    value: date | None,
    *,
    today: date | None = None,
) -> bool:
    """Check a date is plausible; `today` given means it cannot be in the future.

    Returns whether the date is usable for comparisons with other dates."""
    if value is None:
        return False
    if not isinstance(value, date):
        errors.append(FieldError(_at(path, name), "must be a date"))
        return False
    if value < EARLIEST_DATE:
        errors.append(
            FieldError(_at(path, name), f"{short_date(value)} is too early; check the year")
        )
        return False
    if today is not None and value > today:
        errors.append(
            FieldError(
                _at(path, name),
                f"{short_date(value)} is in the future (today is {short_date(today)})",
            )
        )
        return False
    return True


def _not_before(
    errors: list[FieldError],
    path: str,
    name: str,
    value: date | None,
    *,
    earlier: date | None,
    earlier_name: str,
) -> None:
    if (
        isinstance(value, date)
        and isinstance(earlier, date)
        and value >= EARLIEST_DATE
        and value < earlier
    ):
        errors.append(
            FieldError(
                _at(path, name),
                f"{short_date(value)} is before the {earlier_name} ({short_date(earlier)})",
            )
        )


def _whole_number(
    errors: list[FieldError],
    path: str,
    name: str,
    value: int | None,
    *,
    low: int,
    high: int | None,
) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        errors.append(FieldError(_at(path, name), "must be a whole number"))
        return
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        errors.append(FieldError(_at(path, name), f"must be {bound} (it is {value})"))


def _ids(errors: list[FieldError], path: str, name: str, values: Sequence[str]) -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        problem = _text_problem(value, identifier=True) if value is not None else None
        if problem:
            errors.append(FieldError(join(_at(path, name), f"[{i}]"), problem))
        if value in seen:
            errors.append(FieldError(join(_at(path, name), f"[{i}]"), f"{value!r} is listed twice"))
        seen.add(value)


def _today(today: date | None) -> date:
    return date.today() if today is None else today
