"""Fixtures shared by every test package (no Qt here: the UI tests add their own)."""

from __future__ import annotations

#: The shared fixtures live in tests/helpers, each written once.
pytest_plugins = ["tests.helpers.databases", "tests.helpers.cli"]
