"""Every page unfurls as a card: title, description, Open Graph, Twitter, canonical."""

import re
from html import unescape

import pytest

from comparisons.models import Comparison
from tests.factories import make_comparison
from tests.pages import HTML, SAMPLE, page_types

pytestmark = pytest.mark.django_db

# The embed is framed inside other pages: it unfurls as the table it links to.
PAGES = {page.name: page.url(SAMPLE) for page in page_types(HTML) if not page.framable}
# Pages with a picture of their rows.
PICTURED = {"table", "filtered view", "row"}


def _meta(html: str, attribute: str, name: str) -> str:
    match = re.search(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', html)
    assert match, f"no {name}"
    return match.group(1)


def _canonical(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]*)">', html).group(1)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://kb.example.org"


@pytest.mark.parametrize("name", PAGES.keys())
def test_every_page_has_a_full_share_card(client, name):
    make_comparison()
    url = PAGES[name]
    html = client.get(url).content.decode()
    assert re.search(r"<title>[^<]+</title>", html)
    assert _meta(html, "name", "description")
    for meta in ("og:title", "og:description", "og:type", "og:site_name"):
        assert _meta(html, "property", meta)
    large = name in PICTURED
    assert _meta(html, "name", "twitter:card") == ("summary_large_image" if large else "summary")
    canonical = unescape(_canonical(html))
    assert _meta(html, "property", "og:url") == _canonical(html)
    # Search pages are canonical without their query (they are not for search engines).
    expected = url if name != "search" else url.split("?")[0]
    assert canonical == f"https://kb.example.org{expected}"


def test_the_base_url_comes_from_the_setting_not_the_host_header(client, comparison, settings):
    settings.ALLOWED_HOSTS = ["evil.example.com", "testserver"]
    html = client.get("/compare/b2b-vs-b2c/", HTTP_HOST="evil.example.com").content.decode()
    assert _canonical(html) == "https://kb.example.org/compare/b2b-vs-b2c/"
    assert "evil.example.com" not in html


def test_a_filtered_view_names_its_rows_and_is_canonical_when_normalised(client):
    make_comparison(dimensions=3)
    html = client.get("/compare/b2b-vs-b2c/?only=row-3,row-1,ghost&segments=b2c").content.decode()
    canonical = "https://kb.example.org/compare/b2b-vs-b2c/?only=row-1,row-3&amp;segments=b2c"
    assert _canonical(html) == canonical
    assert _meta(html, "property", "og:url") == canonical
    assert _meta(html, "property", "og:description") == "Rows: Row 1, Row 3 — B2C."
    assert "<title>Row 1, Row 3 · Comparison b2b-vs-b2c · kb</title>" in html


def test_a_row_page_is_an_article_card_with_its_question(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()
    assert _meta(html, "property", "og:type") == "article"
    assert _meta(html, "property", "og:title") == "Row 1 · Comparison b2b-vs-b2c"
    assert _meta(html, "property", "og:description") == "Question 1?"


def test_the_table_card_describes_the_comparison(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert _meta(html, "property", "og:title") == "Comparison b2b-vs-b2c"
    assert _meta(html, "property", "og:description") == "A summary."


def test_a_filtered_views_card_title_names_its_rows_like_its_page_title(client):
    make_comparison(dimensions=3)
    html = client.get("/compare/b2b-vs-b2c/?only=row-1,row-3").content.decode()
    assert _meta(html, "property", "og:title") == "Row 1, Row 3 · Comparison b2b-vs-b2c"


def test_the_picture_description_says_what_it_shows_without_repeating_itself(client):
    make_comparison(dimensions=7)
    Comparison.objects.update(title="Product management: B2B vs B2C")
    table = _meta(client.get("/compare/b2b-vs-b2c/").content.decode(), "property", "og:image:alt")
    assert table == (
        "Product management: B2B vs B2C — 7 rows: Row 1, Row 2, Row 3, Row 4, Row 5 and 2 more"
    )
    html = client.get("/compare/b2b-vs-b2c/?only=row-2").content.decode()
    assert _meta(html, "property", "og:image:alt") == (
        "Product management: B2B vs B2C — 1 row: Row 2"
    )
    row = client.get("/compare/b2b-vs-b2c/row-2/").content.decode()
    alt = _meta(row, "property", "og:image:alt")
    assert alt == "Row 2 — a row of Product management: B2B vs B2C"
    assert _meta(row, "name", "twitter:image:alt") == alt


def test_the_picture_description_names_segments_the_title_does_not(client):
    make_comparison(dimensions=1)
    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()
    assert _meta(html, "property", "og:image:alt") == (
        "Row 1 — a row of Comparison b2b-vs-b2c (B2B and B2C side by side)"
    )


def test_a_missing_page_points_no_card_or_canonical_at_itself(client):
    response = client.get("/compare/no-such-table/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'rel="canonical"' not in html
    assert 'property="og:url"' not in html
    assert '<meta name="robots" content="noindex">' in html
