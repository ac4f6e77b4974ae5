"""Row link controls (copy with JS, plain links without) and what a printed page says."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from comparisons.models import Entry
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def test_every_row_has_a_link_control_to_its_anchor(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    for slug in ("row-1", "row-2"):
        assert f'<a class="row-link" href="/compare/b2b-vs-b2c/#{slug}" data-copy-link' in html
    assert "Copy the link to the row “Row 1”" in html


def test_the_copy_confirmation_is_announced_politely(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<p class="share-status" role="status" aria-live="polite" data-share-status></p>' in html
    assert '<script src="/static/js/share.js" defer></script>' in html


def test_the_share_script_copies_links_and_confirms():
    script = (STATIC / "js" / "share.js").read_text()
    assert "navigator.clipboard.writeText" in script
    assert "[data-copy-link]" in script and "Link copied" in script


def test_the_row_page_is_the_rows_permalink(client, comparison):
    response = client.get("/compare/b2b-vs-b2c/row-2/")
    assert response.status_code == 200
    assert 'id="row-2"' in response.content.decode()


def test_pages_link_the_print_stylesheet_for_print_only(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<link rel="stylesheet" href="/static/css/print.css" media="print">' in html


def _between(html: str, start: str, end: str) -> str:
    return html.split(start, 1)[1].split(end, 1)[0]


def test_a_printed_view_names_its_rows_the_date_and_its_url(client, settings):
    settings.SITE_URL = "https://kb.example.org"
    make_comparison(dimensions=3)

    html = client.get("/compare/b2b-vs-b2c/?only=row-1,row-3").content.decode()

    heading = _between(html, '<div class="print-only print-heading">', "</div>")
    assert "2 of 3 rows: Row 1, Row 3" in heading
    assert f'datetime="{timezone.localdate():%Y-%m-%d}" data-print-date>' in heading
    assert 'href="https://kb.example.org/compare/b2b-vs-b2c/?only=row-1,row-3"' in heading
    assert html.index("print-heading") < html.index("<table")


def test_a_printed_table_and_row_say_what_they_hold(client, comparison):
    table = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert "All 2 rows" in _between(table, "print-heading", "</div>")
    row = client.get("/compare/b2b-vs-b2c/row-2/").content.decode()
    heading = _between(row, "print-heading", "</div>")
    assert "A row of Comparison b2b-vs-b2c" in heading
    assert "/compare/b2b-vs-b2c/row-2/</a>" in heading


def test_a_printed_table_lists_each_cited_url_once_in_order(client):
    make_comparison(dimensions=2)  # every cell cites https://example.com/source
    entry = Entry.objects.get(dimension__slug="row-2", segment__slug="b2c")
    entry.sources = [
        {"title": "A book, not online", "url": ""},
        {"title": "Second", "url": "https://example.org/second"},
        {"title": "A source", "url": "https://example.com/source"},
    ]
    entry.save()

    html = client.get("/compare/b2b-vs-b2c/").content.decode()

    sources = _between(html, '<section class="print-only print-sources"', "</section>")
    assert re.findall(r"<li>(.*?):", sources) == ["A source", "Second"]
    assert sources.count(">https://example.com/source</a>") == 1
    assert "A book" not in sources
