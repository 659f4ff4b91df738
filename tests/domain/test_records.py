"""The records' own __init__ (stored through their slots) behaves as a frozen dataclass's."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from crag_desktop.domain import records

RECORD_CLASSES = [
    value
    for value in vars(records).values()
    if isinstance(value, type)
    and dataclasses.is_dataclass(value)
    and value.__module__ == records.__name__
]


def test_every_record_class_is_covered() -> None:
    assert {cls.__name__ for cls in RECORD_CLASSES} >= {"Referral", "AuditEvent", "Document"}


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_init_takes_and_stores_what_the_dataclass_init_does(cls: type) -> None:
    fields = dataclasses.fields(cls)
    parameters = inspect.signature(cls).parameters
    assert list(parameters) == [item.name for item in fields]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())
    required = {
        item.name: f"value of {item.name}"
        for item in fields
        if item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING
    }
    made = cls(**required)
    again = cls(**required)
    for item in fields:
        value = getattr(made, item.name)
        if item.name in required:
            assert value == required[item.name]
        elif item.default is not dataclasses.MISSING:
            assert parameters[item.name].default == item.default
            assert value == item.default
        else:  # a default factory, called afresh for each record
            factory = item.default_factory
            assert callable(factory)
            assert value == factory()
            assert value is not getattr(again, item.name)
    assert made == again
    first = fields[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, first, "changed")
    with pytest.raises(TypeError):
        cls(**required, not_a_field=1)
    if required:
        with pytest.raises(TypeError):
            cls(**dict(list(required.items())[1:]))
        with pytest.raises(TypeError):
            cls(*required.values())
    assert dataclasses.replace(made, **{first: "other"}) == cls(**{**required, first: "other"})
