"""The record screens the main window shows."""
