"""Benchmarks: `make bench` (see README.md here)."""

# The backend package sets NumPy's start-up options; it must be imported before NumPy is.
import backend  # noqa: F401
