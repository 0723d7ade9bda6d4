"""Markdown to safe HTML: rendered with markdown-it (raw HTML off) and then sanitised with nh3,
so no script, event handler or javascript: URL survives, whatever an author typed."""

import math
import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

_ALLOWED_TAGS = {
    "a",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
WORDS_PER_MINUTE = 200
# The page showing a body has the title as its one h1: the body's headings start below it.
_HEADING_LEVELS = {"h1": "h2", "h2": "h3", "h3": "h4", "h4": "h4", "h5": "h4", "h6": "h4"}


def _html(text: str) -> str:
    tokens = _markdown.parse(text)
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_LEVELS[token.tag]
    html: str = _markdown.renderer.render(tokens, _markdown.options, {})
    return html


def fresh_html(text: str) -> str:
    """Safe HTML for ``text``, its headings one level down (``#`` is an h2). Links may only be
    http(s) or mailto, and every link gets rel="noopener noreferrer" so a linked page cannot
    reach back into ours. Made anew each call: the editor's preview, whose half-typed bodies
    would push the most read ones out of ``render_markdown``'s cache."""
    return nh3.clean(
        _html(text),
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


# Each resource is read far more often than written: its HTML is made once per process and
# kept for the most read bodies (at most 64 of up to 100,000 characters, a few MB).
@lru_cache(maxsize=64)
def render_markdown(text: str) -> str:
    """``fresh_html`` for a saved body, kept for the next reader."""
    return fresh_html(text)


def reading_minutes(text: str) -> int:
    """Minutes to read ``text`` at an unhurried pace; never less than one."""
    words = len(re.findall(r"\w+", text))
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
