"""The development mail page: the outbox as plain HTML, so a newcomer can sign up and follow
emailed links without a mail server. Pure rendering; everything from a message is escaped,
and only http(s) addresses become links."""

import html
import re
from collections.abc import Sequence

from backend.notifications.models import OutboxMessage

_URL = re.compile(r"https?://[^\s<>\"']+")
# A sentence may end right after an address; that punctuation is not part of it.
_TRAILING = ".,;:!?)"


def _linked(text: str) -> str:
    """``text`` escaped, with each http(s) address an ordinary link."""
    parts: list[str] = []
    last = 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        end = match.start() + len(url)
        parts.append(html.escape(text[last : match.start()]))
        parts.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        last = end
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _message(message: OutboxMessage) -> str:
    when = message.created_at.isoformat(timespec="seconds")
    return (
        "<article>\n"
        f"<h2>{html.escape(message.subject)}</h2>\n"
        f"<p>To: {html.escape(message.to_address)}<br>\n"
        f'Queued: <time datetime="{html.escape(when)}">{html.escape(when)}</time></p>\n'
        f"<pre>{_linked(message.body_text)}</pre>\n"
        "</article>\n"
    )


def render_page(messages: Sequence[OutboxMessage], *, limit: int) -> str:
    body = (
        "".join(_message(message) for message in messages)
        if messages
        else "<p>No emails yet. Sign up or ask for a password reset, then reload this page.</p>\n"
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>Development mail - Strength Circles</title>\n</head>\n<body>\n<main>\n"
        "<h1>Development mail</h1>\n"
        f"<p>This is a development page: the newest {limit} emails the app has queued, newest "
        "first, so you can sign up and follow their links without a mail server. It does "
        "not exist in production.</p>\n"
        f"{body}</main>\n</body>\n</html>\n"
    )
