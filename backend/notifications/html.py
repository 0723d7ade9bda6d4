"""The HTML part of an email, made from its plain text, so every message reads well in mail
apps that show HTML and stays the same words as the plain part (which screen readers and
plain-text clients get).

Plain text is escaped, never trusted: paragraphs come from blank lines, line breaks are kept,
and web addresses become links that say where they go.
"""

import html
import re

# An address in our own messages: up to the first space or the end of the line; a full stop or
# comma right after it ends the sentence, not the address.
_URL = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)]")


def _linked(line: str) -> str:
    out: list[str] = []
    last = 0
    for match in _URL.finditer(line):
        out.append(html.escape(line[last : match.start()]))
        url = html.escape(match.group(0), quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        last = match.end()
    out.append(html.escape(line[last:]))
    return "".join(out)


def html_of(subject: str, body_text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", body_text.strip()) if p.strip()]
    body = "\n".join(
        "<p>" + "<br>\n".join(_linked(line) for line in paragraph.splitlines()) + "</p>"
        for paragraph in paragraphs
    )
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="font-family: system-ui, sans-serif; font-size: 16px; line-height: 1.5; '
        'color: #1d2b36; max-width: 36em; margin: 0 auto; padding: 16px;">\n'
        f"{body}\n</body>\n</html>\n"
    )
