"""Cursors are opaque and round-trip; anything else is a clear 422, never a 500."""

import pytest

from backend.core.pagination import InvalidCursor, decode_cursor, encode_cursor


def test_a_cursor_round_trips_its_key() -> None:
    key = ["2026-11-28T18:00:00+00:00", "0b6f7a8e-6a4e-4d7e-9d63-3b0f3f0f1f9a"]
    cursor = encode_cursor(key)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_cursor(cursor, length=2) == key


@pytest.mark.parametrize("cursor", ["", "not base64!", "bm90IGpzb24", encode_cursor([1, 2, 3])])
def test_a_cursor_that_was_not_given_out_is_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(cursor, length=2)
