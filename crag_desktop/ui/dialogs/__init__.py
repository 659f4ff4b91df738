"""Dialogs: unlock / create a database."""
