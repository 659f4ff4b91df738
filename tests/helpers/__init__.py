"""What the tests share, written once: database and record builders, the command line run
in-process, PDF checks, agency-return files filled in as an agency would, and Qt helpers.

Fixtures here are registered in tests/conftest.py (`pytest_plugins`); plain functions are
imported where they are used."""
