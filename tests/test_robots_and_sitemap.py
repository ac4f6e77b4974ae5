"""robots.txt names the sitemap and keeps search out; sitemap.xml lists every published page."""

import re
from datetime import UTC, datetime

import pytest

from comparisons.api import sitemaps
from comparisons.models import Comparison, Dimension, Entry, Status
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://kb.example.org"


def _files(client) -> list[str]:
    """The paths of the sitemap files the index at /sitemap.xml names."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    locations = re.findall(r"<loc>(.*?)</loc>", response.content.decode())
    assert all(loc.startswith("https://kb.example.org/sitemap-") for loc in locations)
    return [loc.removeprefix("https://kb.example.org").replace("&amp;", "&") for loc in locations]


def _sitemap(client) -> dict[str, str | None]:
    """loc -> lastmod (None where there is none), from every file of the index."""
    entries = []
    for path in _files(client):
        response = client.get(path)
        assert response.status_code == 200
        entries += re.findall(r"<url>(.*?)</url>", response.content.decode(), re.S)
    found = {}
    for entry in entries:
        lastmod = re.search(r"<lastmod>(.*?)</lastmod>", entry)
        found[re.search(r"<loc>(.*?)</loc>", entry)[1]] = lastmod[1] if lastmod else None
    return found


def test_robots_txt_names_the_sitemap_and_keeps_search_and_the_admin_out(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /search/" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: https://kb.example.org/sitemap.xml" in lines


def test_robots_txt_does_not_advertise_a_custom_admin_address(client, settings):
    settings.ADMIN_URL = "back-office-7f3a/"
    text = client.get("/robots.txt").content.decode()
    assert "admin" not in text and "back-office" not in text
    assert "Disallow: /search/" in text


def test_the_sitemap_lists_every_published_table_row_and_tag_page(client):
    make_comparison(slug="b2b-vs-b2c", dimensions=2)
    urls = _sitemap(client)
    base = "https://kb.example.org"
    assert set(urls) == {
        f"{base}/",
        f"{base}/tags/",
        f"{base}/compare/b2b-vs-b2c/",
        f"{base}/compare/b2b-vs-b2c/row-1/",
        f"{base}/compare/b2b-vs-b2c/row-2/",
        f"{base}/tags/research/",
    }
    for url, lastmod in urls.items():
        if url.startswith(f"{base}/compare/"):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", lastmod), url


def test_drafts_and_tags_only_drafts_carry_stay_out_of_the_sitemap(client):
    make_comparison(slug="published", dimensions=2)
    make_comparison(slug="draft-table", dimensions=1, status=Status.DRAFT)
    row = Dimension.objects.get(comparison__slug="published", slug="row-2")
    row.status = Status.DRAFT
    row.save()
    row.tags.add("unreleased")
    urls = " ".join(_sitemap(client))
    assert "/compare/published/row-1/" in urls
    assert "/compare/published/row-2/" not in urls
    assert "draft-table" not in urls
    assert "/tags/unreleased/" not in urls


def test_lastmod_is_the_latest_change_to_the_page_or_its_cells(client):
    make_comparison(slug="b2b-vs-b2c", dimensions=2)
    old = datetime(2024, 1, 1, tzinfo=UTC)
    Comparison.objects.update(updated=old)
    Dimension.objects.update(updated=old)
    Entry.objects.update(updated=old)
    Entry.objects.filter(dimension__slug="row-2", segment__slug="b2c").update(
        updated=datetime(2025, 3, 9, tzinfo=UTC)
    )
    Dimension.objects.filter(slug="row-1").update(updated=datetime(2024, 6, 2, tzinfo=UTC))
    urls = _sitemap(client)
    base = "https://kb.example.org/compare/b2b-vs-b2c/"
    assert urls[base] == "2025-03-09"
    assert urls[f"{base}row-1/"] == "2024-06-02"
    assert urls[f"{base}row-2/"] == "2025-03-09"
    # A tag's latest change would be a maximum over all its rows: tag pages carry none.
    assert urls["https://kb.example.org/tags/research/"] is None


@pytest.mark.parametrize("rows", [3, 60])
def test_each_sitemap_file_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, rows
):
    make_comparison(slug="measured", dimensions=rows, bulk=True)
    with django_assert_max_num_queries(5):  # the site generation, a count per section
        paths = _files(client)
    for path in paths:
        with django_assert_max_num_queries(3):  # the generation, a count, the page's items
            assert client.get(path).status_code == 200
    assert len(_sitemap(client)) == rows + 4


def test_a_section_too_big_for_one_file_is_split_into_pages(client, monkeypatch):
    monkeypatch.setattr(sitemaps.OnSiteUrl, "limit", 2)
    make_comparison(slug="measured", dimensions=5)
    paths = _files(client)
    assert "/sitemap-rows.xml?p=3" in paths
    assert len(_sitemap(client)) == 5 + 4
