"""The app's one notion of now.

Every ``utcnow()`` in the app (``backend.core.orm.utcnow`` is this same function, column
defaults included) reads the time through one replaceable source, so a test moves the app's
clock in this one place instead of patching each module that asks the time::

    with use_time_source(lambda: datetime(2026, 10, 1, 12, tzinfo=UTC)):
        ...  # the app believes it is that moment

Production never swaps the source.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

TimeSource = Callable[[], datetime]


def system_time() -> datetime:
    """The machine's clock, in UTC."""
    return datetime.now(UTC)


_source: TimeSource = system_time


def utcnow() -> datetime:
    """Now, timezone-aware in UTC, from the current time source."""
    return _source()


@contextmanager
def use_time_source(source: TimeSource) -> Iterator[None]:
    """Read the time from ``source`` inside the block (for tests); the previous source after.

    ``source`` must return aware datetimes and must not call ``utcnow`` itself.
    """
    global _source
    previous = _source
    _source = source
    try:
        yield
    finally:
        _source = previous
