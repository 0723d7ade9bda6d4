"""Draws the app's PNG icons (for the web app manifest) with nothing but the standard library.

The mark matches public/favicon.svg: a ring of four dots on the brand colour. Run it from
frontend/ when the mark changes: `python3 scripts/make_icons.py`.
"""

import math
import struct
import zlib
from pathlib import Path

BRAND = (0x2F, 0x5D, 0x62)
LIGHT = (0xF8, 0xF6, 0xF2)


def draw(size: int) -> bytes:
    centre = size / 2
    ring_radius = size * 0.26
    ring_width = size * 0.06
    dot_radius = size * 0.075
    dots = [
        (centre + ring_radius * math.cos(a), centre + ring_radius * math.sin(a))
        for a in (math.pi * k / 2 - math.pi / 2 for k in range(4))
    ]
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type: none
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            distance = math.hypot(px - centre, py - centre)
            on_ring = abs(distance - ring_radius) <= ring_width / 2
            on_dot = any(math.hypot(px - dx, py - dy) <= dot_radius for dx, dy in dots)
            row.extend(LIGHT if on_ring or on_dot else BRAND)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    public = Path(__file__).resolve().parent.parent / "public"
    for size in (192, 512):
        (public / f"icon-{size}.png").write_bytes(draw(size))
