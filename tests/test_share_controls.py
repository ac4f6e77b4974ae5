"""The share controls sit above the table, on the table, every filtered view and a row's page."""

import re

import pytest
from django.conf import settings

from comparisons.models import Dimension
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

PAGES = ["/compare/b2b-vs-b2c/", "/compare/b2b-vs-b2c/?only=row-1", "/compare/b2b-vs-b2c/row-2/"]


def _share(html: str) -> str:
    return html.split('<section class="share"', 1)[1].split("</section>", 1)[0]


@pytest.mark.parametrize("url", PAGES)
def test_the_share_controls_come_before_the_table(client, comparison, url):
    html = client.get(url).content.decode()
    assert html.count('<section class="share"') == 1
    assert html.index('<section class="share"') < html.index("<table")


def test_a_filtered_view_shares_and_copies_exactly_that_view(client, comparison, settings):
    settings.SITE_URL = "https://kb.example.org"
    share = _share(client.get("/compare/b2b-vs-b2c/?only=row-1,row-2").content.decode())

    assert "Share this view" in share
    assert 'data-copy-view="https://kb.example.org/compare/b2b-vs-b2c/?only=row-1,row-2"' in share
    assert 'data-copy-table="/compare/b2b-vs-b2c/export.md?only=row-1,row-2"' in share
    assert 'data-table-link="https://kb.example.org/compare/b2b-vs-b2c/?only=row-1,row-2"' in share
    assert 'data-short-link="/compare/b2b-vs-b2c/short-link?only=row-1,row-2"' in share


def test_buttons_take_their_place_in_the_html_and_downloads_and_embed_work_without_script(
    client, comparison
):
    """Issue 26, 3: buttons revealed by the script pushed the table down 89 px. They are in the
    page from the start; a browser without scripting hides them before the first paint."""
    share = _share(client.get("/compare/b2b-vs-b2c/?only=row-1").content.decode())

    buttons = re.findall(r"<button [^>]*>", share)
    assert len(buttons) == 6  # copy link, short link, table, print; two embed snippets
    assert not any(" hidden" in button for button in buttons)
    assert "@media (scripting: none)" in (settings.BASE_DIR / "static/css/share.css").read_text()
    for format in ("md", "csv", "json"):
        assert f'href="/compare/b2b-vs-b2c/export.{format}?only=row-1" download' in share
    assert '<textarea id="embed-snippet"' in share


def test_a_rows_page_shares_the_row(client, comparison, settings):
    settings.SITE_URL = "https://kb.example.org"
    share = _share(client.get("/compare/b2b-vs-b2c/row-2/").content.decode())

    assert "Share this row" in share
    assert 'data-copy-view="https://kb.example.org/compare/b2b-vs-b2c/row-2/"' in share
    assert 'data-copy-table="/compare/b2b-vs-b2c/export.md?only=row-2"' in share
    assert 'data-table-title="Row 2 · Comparison b2b-vs-b2c"' in share
    assert 'href="/compare/b2b-vs-b2c/export.csv?only=row-2" download' in share


def test_a_rows_page_shows_its_question_and_tags_once(client):
    make_comparison()
    Dimension.objects.get(slug="row-2").tags.add("pricing")

    main = client.get("/compare/b2b-vs-b2c/row-2/").content.decode().split("<main", 1)[1]

    assert main.count("Question 2?") == 1
    assert main.count('href="/tags/pricing/"') == 1
    assert main.count('href="/tags/research/"') == 1
