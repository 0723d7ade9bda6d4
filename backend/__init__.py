"""Strength Circles: peer support groups, mentoring and a resource library."""

import os

__version__ = "0.1.0"

# NumPy asks the kernel for transparent huge pages for every large array. Where the kernel
# compacts memory on demand for them (THP "madvise", a common default), the first mentor
# matching run of a process stalled in page compaction: 7.9 s instead of 1.4 s for the score
# table of 10,000 requests x 2,500 mentors on the benchmark machine, while ordinary pages are
# as fast once touched. NumPy reads this at import, so it is set before anything imports it.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
