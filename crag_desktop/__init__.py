"""CRAG Desktop: case reviews, criteria decisions and recommendations for a safeguarding board."""

__version__ = "0.1.0"
