"""Strength Circles: peer support groups, mentoring and a resource library."""

__version__ = "0.1.0"
