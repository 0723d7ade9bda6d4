"""The repository's demo content (demo/), read once for the tests that seed it."""

from functools import lru_cache
from pathlib import Path

from backend.demo import DemoContent, load_demo

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"


@lru_cache
def demo_content() -> DemoContent:
    return load_demo(DEMO_DIR)
