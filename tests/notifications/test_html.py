"""The HTML part of an email says the same words as the plain part, escaped, with links."""

from html.parser import HTMLParser

from backend.notifications.html import html_of


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []
        self.links: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "a":
            self.links.extend(value or "" for name, value in attrs if name == "href")

    def handle_data(self, data: str) -> None:
        self.words.append(data)


def parsed(markup: str) -> Text:
    text = Text()
    text.feed(markup)
    return text


def test_paragraphs_line_breaks_and_links() -> None:
    body = (
        "Hello Sky,\n\nYour meeting moved.\nIt is now on Tuesday.\n\n"
        "See your meetings: https://circles.example.org/meetings.\n\nStrength Circles\n"
    )
    text = parsed(html_of("A meeting moved", body))
    assert text.tags.count("p") == 4
    assert "br" in text.tags
    # The sentence's full stop is not part of the address.
    assert text.links == ["https://circles.example.org/meetings"]
    assert "Your meeting moved." in "".join(text.words)


def test_plain_text_is_never_markup() -> None:
    body = 'Hello <script>alert("x")</script> & <b>friends</b>\n\nhttps://x.example/?a=1&b="2"'
    markup = html_of("<i>subject</i>", body)
    text = parsed(markup)
    assert "script" not in text.tags
    assert "b" not in text.tags
    assert "i" not in text.tags
    assert '<script>alert("x")</script>' in "".join(text.words)
    assert text.links == ["https://x.example/?a=1&b="]  # a quote ends an address
