"""The one path from user-written text to HTML: Markdown, then nh3 sanitising.

Whatever an editor types (raw HTML, event handlers, javascript: links) comes out
inert: only the tags and URL schemes listed here survive.
"""

import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@lru_cache(maxsize=4096)
def render_markdown(text: str) -> SafeString:
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(sanitize(html))


def plain_text(markdown: str) -> str:
    """Markdown as the words a reader sees: no markup, links as their text, one line."""
    # Two regexes rather than a render then nh3.clean(tags=set()): the words as typed, with
    # no HTML round trip (no entities to unescape, "<" and "&" kept), and no parse per cell.
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[*_`#>|~]+", "", text)
    # Control characters would draw as boxes.
    text = "".join(char if char.isprintable() else " " for char in text)
    return " ".join(text.split())
