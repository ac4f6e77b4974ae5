"""Row link controls (copy with JS, plain links without) and the print stylesheet."""

from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

STATIC = Path(settings.BASE_DIR) / "static"


def test_every_row_has_a_link_control_to_its_anchor(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    for slug in ("row-1", "row-2"):
        assert f'<a class="row-link" href="/compare/b2b-vs-b2c/#{slug}" data-copy-link' in html
    assert "Link to the row “Row 1”" in html


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


def test_the_print_stylesheet_hides_controls_and_writes_out_source_urls():
    css = (STATIC / "css" / "print.css").read_text()
    assert "size: A4" in css
    for selector in (".site-header", ".filter-form", ".share", ".row-link"):
        assert selector in css.split("display: none")[0]
    assert 'content: " (" attr(href) ")"' in css
