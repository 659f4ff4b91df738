"""The format's identity and its shipped JSON Schema: the schema check, and each of its
problems said in a sentence with its JSON path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import jsonschema

from crag_desktop import assets
from crag_desktop.domain.errors import FieldError
from crag_desktop.domain.validation import (
    key_path,
)
from crag_desktop.domain.wording import shorten

FORMAT = "crag-desktop"
VERSION = 1
MARKING = "OFFICIAL-SENSITIVE"

#: A JSON object as `json.load` gives it.
JSONObject = dict[str, Any]


@cache
def _schema_text() -> str:
    return assets.read_text(*assets.INTERCHANGE_SCHEMA)


def load_schema() -> JSONObject:
    """The shipped JSON Schema for version 1 (a fresh copy each call)."""
    schema: JSONObject = json.loads(_schema_text())
    return schema


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema())


# ---------------------------------------------------------------------------------------
# Schema errors in plain English


_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def json_path(parts: Iterable[str | int]) -> str:
    """A JSON path such as ``$.referrals[2].children[0].age_years`` for path parts."""
    out = "$"
    for part in parts:
        out = f"{out}[{part}]" if isinstance(part, int) else key_path(out, part)
    return out


def _show(value: object) -> str:
    if isinstance(value, str):
        # A megabyte-long value must not become a megabyte-long message.
        return json.dumps(shorten(value), ensure_ascii=False)
    if value is None or isinstance(value, bool | int | float):
        return json.dumps(value)
    return "a list" if isinstance(value, list) else "an object"


@cache
def _fast_validator() -> Any:
    # jsonschema-rs checks a valid 100,000-referral document in a fraction of the time the
    # pure-Python validator spends resolving $refs (70% of an import). It only answers
    # "valid or not": the messages of an invalid document still come from `jsonschema`.
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema())


def _schema_errors(data: object) -> list[FieldError]:
    if _fast_validator().is_valid(data):
        return []
    errors: list[FieldError] = []
    for error in _validator().iter_errors(data):
        errors.extend(_describe(error))
    return errors


def _describe(error: jsonschema.ValidationError) -> list[FieldError]:
    parts = list(error.absolute_path)
    path = json_path(parts)
    kind = error.validator
    expected: Any = error.validator_value
    instance: Any = error.instance
    if kind == "required" and isinstance(instance, dict):
        return [
            FieldError(json_path([*parts, name]), "is required")
            for name in expected
            if name not in instance
        ]
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        return [
            FieldError(json_path([*parts, name]), "is not a recognised field")
            for name in instance
            if name not in known
        ]
    if kind == "type":
        types = [expected] if isinstance(expected, str) else list(expected)
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in types)
        return [FieldError(path, f"must be {wanted}, not {_show(instance)}")]
    if kind == "enum":
        choices = ", ".join("null" if c is None else str(c) for c in expected)
        return [FieldError(path, f"{_show(instance)} is not one of: {choices}")]
    if kind == "const":
        return [FieldError(path, _const_message(parts, expected, instance))]
    if kind == "pattern":
        if expected == _DATE_PATTERN:
            return [FieldError(path, f"{_show(instance)} is not a date written YYYY-MM-DD")]
        return [FieldError(path, f"{_show(instance)} is not in the expected form")]
    if kind == "minLength":
        return [FieldError(path, "must not be empty")]
    return [FieldError(path, f"is not valid ({kind} {_show(expected)})")]


def _const_message(parts: Sequence[str | int], expected: object, instance: object) -> str:
    if parts == ["version"] and isinstance(instance, int) and not isinstance(instance, bool):
        return f"this file is interchange version {instance}; this app reads version {VERSION}"
    if parts == ["format"]:
        return f"must be {_show(expected)}: this is not a CRAG Desktop interchange file"
    return f"must be {_show(expected)}, not {_show(instance)}"
