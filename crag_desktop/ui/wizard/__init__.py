"""The criteria decision wizard used live at CRAG meetings.

`criteria_wizard` is the wizard, `pages/` its pages (one module each), `state` what it knows
apart from its widgets and `summary` what it says in words. This package imports no Qt
itself, so `state` and `summary` load (and are tested) without PySide6.
"""
