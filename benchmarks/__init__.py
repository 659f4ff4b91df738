"""Benchmarks: every performance target against its raw baseline (`python benchmarks/run.py`)."""
