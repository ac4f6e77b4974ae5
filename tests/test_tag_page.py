import re

import pytest

from comparisons import views
from comparisons.models import Dimension, Status
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db


def test_it_lists_tagged_rows_across_comparisons(client):
    make_comparison(slug="first", dimensions=1)
    make_comparison(slug="second", dimensions=1)
    Dimension.objects.get(comparison__slug="second").tags.add("pricing")
    html = client.get("/tags/research/").content.decode()
    assert 'href="/compare/first/#row-1"' in html
    assert 'href="/compare/second/#row-1"' in html
    pricing = client.get("/tags/pricing/").content.decode()
    assert 'href="/compare/second/#row-1"' in pricing
    assert 'href="/compare/first/#row-1"' not in pricing


def test_it_leaves_out_drafts_for_anonymous(client):
    make_comparison(slug="public", dimensions=1)
    make_comparison(slug="hidden", dimensions=1, status=Status.DRAFT)
    html = client.get("/tags/research/").content.decode()
    assert "/compare/public/" in html
    assert "/compare/hidden/" not in html


def test_a_tag_with_only_draft_rows_is_404_for_anonymous(client, editor):
    make_comparison(slug="public", dimensions=1, dimension_status=Status.DRAFT)
    assert client.get("/tags/research/").status_code == 404
    log_in(client, editor)
    assert client.get("/tags/research/").status_code == 200


def test_an_unknown_tag_is_404(client, db):
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_a_tag_on_many_rows_is_shown_a_page_at_a_time(client, monkeypatch):
    monkeypatch.setattr(views, "DIMENSIONS_PER_TAG_PAGE", 2)
    make_comparison(slug="first", dimensions=3)
    make_comparison(slug="second", dimensions=2)
    pages = [client.get("/tags/research/", {"page": n}) for n in (1, 2, 3)]
    links = [re.findall(r'href="(/compare/[^"]+#row-\d)"', p.content.decode()) for p in pages]
    assert links == [
        ["/compare/first/#row-1", "/compare/first/#row-2"],
        ["/compare/first/#row-3", "/compare/second/#row-1"],
        ["/compare/second/#row-2"],
    ]
    assert 'rel="next" href="?page=2"' in pages[0].content.decode()
    assert "Page 3 of 3 (5 rows)" in pages[2].content.decode()
    for past_the_end in ("4", "0", "two"):
        assert client.get("/tags/research/", {"page": past_the_end}).status_code == 404
