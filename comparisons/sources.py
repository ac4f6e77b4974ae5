"""Sources of an entry: a list of {"title", "url"}, edited as one line each.

In the admin a source is written as `Title | https://example.com/page`; a line
without a URL cites a source that is not online.
"""

from functools import lru_cache
from html import escape

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.safestring import mark_safe

validate_http_url = URLValidator(schemes=["http", "https"])


def validate_sources(value):
    if not isinstance(value, list):
        raise ValidationError("Sources must be a list.")
    for number, source in enumerate(value, start=1):
        if not isinstance(source, dict) or not str(source.get("title", "")).strip():
            raise ValidationError(f"Source {number} needs a title.")
        if source.get("url"):
            try:
                validate_http_url(source["url"])
            except ValidationError:
                raise ValidationError(
                    f"Source {number}: the URL must start with http:// or https://."
                ) from None


@lru_cache(maxsize=4096)
def http_url(url: str) -> str:
    """`url` if it is a valid http(s) URL, else "": stored data is checked again on output.

    Cached: every table render checks every source, and the same few URLs recur.
    """
    try:
        validate_http_url(url)
    except ValidationError:
        return ""
    return url


def parse_sources(text: str, exact_lines: bool = False) -> list[dict]:
    """Sources written one per line as `Title | https://…`. With `exact_lines` (an import
    reading back an export), lines end at a line feed only: a title holding a vertical tab or
    U+2028 stays one title."""
    if exact_lines:
        lines = [line.removesuffix("\r") for line in text.split("\n")]
    else:
        lines = text.splitlines()
    sources = []
    for line in lines:
        if not line.strip():
            continue
        title, _, url = line.rpartition("|") if "|" in line else (line, "", "")
        sources.append({"title": title.strip(), "url": url.strip()})
    validate_sources(sources)
    return sources


def format_sources(sources: list[dict]) -> str:
    return "\n".join(
        f"{s['title']} | {s['url']}" if s.get("url") else s["title"] for s in sources or []
    )


def sources_once(entries) -> list[dict]:
    """The sources of `entries` that have an http(s) URL, each URL once, in order of citation.

    A printed table lists them at its end, so that a URL cited in many cells is written once.
    """
    found: dict[str, dict] = {}
    for entry in entries:
        for source in entry.sources:
            url = http_url(source.get("url") or "")
            if url and url not in found:
                found[url] = {"title": source["title"], "url": url}
    return list(found.values())


def printed_sources_html(sources_of_dimensions: list[list[dict]]) -> str:
    """The printed table's list of sources: each URL once, in order of citation, from each
    row's sources (`sources_once` of its cells). Empty if none.

    Built with `html.escape` (what autoescaping does), each item once per process, rather
    than with a template or `format_html`: the first reader after an edit builds it, where
    those cost more than the rest of the page.
    """
    found: dict[str, str] = {}
    for sources in sources_of_dimensions:
        for source in sources:
            found.setdefault(source["url"], source["title"])
    if not found:
        return ""
    items = "".join(_printed_source(url, title) for url, title in found.items())
    return mark_safe(
        '\n<section class="print-only print-sources" aria-labelledby="print-sources-heading">\n'
        '  <h2 id="print-sources-heading">Sources</h2>\n'
        f"  <ul>{items}</ul>\n</section>\n"
    )


@lru_cache(maxsize=4096)
def _printed_source(url: str, title: str) -> str:
    return f'<li>{escape(title)}: <a href="{escape(url)}">{escape(url)}</a></li>'
