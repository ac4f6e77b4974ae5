"""Cached public pages: every kind of edit shows on the very next request; staff bypass."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from taggit.models import Tag

from comparisons.caching import public_page
from comparisons.history import writes
from comparisons.models import ComparisonSegment, Dimension, Entry, Segment, Status
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db

TABLE = "/compare/b2b-vs-b2c/"


@pytest.fixture
def cached(client):
    """A published table whose page the anonymous reader has just cached."""
    comparison = make_comparison(dimensions=3)
    assert client.get(TABLE).status_code == 200
    return comparison


def test_a_second_request_is_served_from_the_cache(client, cached, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(TABLE)
    assert b"Row 1" in response.content


def test_a_cache_hit_is_answered_before_the_view(client, cached):
    response = client.get(TABLE)
    assert response.wsgi_request.resolver_match is None  # no URL resolved, no view called


@pytest.mark.parametrize("url", [TABLE, "/embed/b2b-vs-b2c/", "/compare/b2b-vs-b2c/export.csv"])
def test_a_cache_hit_sends_the_headers_of_the_rendered_page(client, url):
    make_comparison(dimensions=2)
    rendered = client.get(url)
    hit = client.get(url)
    assert hit.wsgi_request.resolver_match is None
    assert dict(hit.items()) == dict(rendered.items())
    assert "Content-Security-Policy" in hit


def test_a_cache_hit_still_refuses_a_host_not_allowed(client, cached):
    assert client.get(TABLE, headers={"host": "attacker.example"}).status_code == 400


def test_the_embed_can_still_be_framed_when_served_from_the_cache(client):
    make_comparison(dimensions=2)
    client.get("/embed/b2b-vs-b2c/")
    hit = client.get("/embed/b2b-vs-b2c/")
    assert "X-Frame-Options" not in hit
    assert "frame-ancestors" not in hit["Content-Security-Policy"]


def test_a_signed_in_readers_pages_are_neither_served_from_nor_kept_in_the_cache(client, cached):
    """Only anonymous readers' pages are shared: a signed-in page may say who is signed in."""
    reader = Client()
    log_in(reader, get_user_model().objects.create_user("reader", "reader@example.com", "password"))
    response = reader.get("/compare/b2b-vs-b2c/row-1/")
    assert response.wsgi_request.resolver_match is not None
    assert b"Row 1" in response.content
    assert "private" in response["Cache-Control"]
    assert client.get("/compare/b2b-vs-b2c/row-1/").wsgi_request.resolver_match is not None


@pytest.mark.parametrize(
    "url, expected",
    [(TABLE, b"research"), ("/", b"research"), ("/tags/", b"research"),
     (TABLE + "preview.png", b"\x89PNG")],
)  # fmt: skip
def test_pages_still_render_when_the_cache_is_down(client, url, expected):
    make_comparison(dimensions=2)
    down = ConnectionError("the cache server does not answer")
    with (
        mock.patch("comparisons.caching.cache.get", side_effect=down),
        mock.patch("comparisons.caching.cache.set", side_effect=down),
        mock.patch("comparisons.caching.cache.get_or_set", side_effect=down),
    ):
        response = client.get(url)
    assert response.status_code == 200
    assert expected in response.content


def test_a_comparison_edit_shows_at_once(client, cached):
    cached.title = "Renamed comparison"
    writes.save(None, cached)
    assert b"Renamed comparison" in client.get(TABLE).content


def test_unpublishing_a_comparison_hides_it_at_once(client, cached):
    cached.status = Status.DRAFT
    writes.save(None, cached)
    assert client.get(TABLE).status_code == 404


def test_a_segment_edit_shows_at_once(client, cached):
    segment = Segment.objects.get(slug="b2b")
    segment.name = "Enterprise"
    writes.save(None, segment)
    assert b"Enterprise" in client.get(TABLE).content


def test_removing_a_column_shows_at_once(client, cached):
    writes.remove_segment(None, ComparisonSegment.objects.get(segment__slug="b2c"))
    assert b"B2C answer" not in client.get(TABLE).content


def test_a_dimension_edit_shows_at_once(client, cached):
    dimension = Dimension.objects.get(slug="row-2")
    dimension.title = "A new row title"
    writes.save(None, dimension)
    assert b"A new row title" in client.get(TABLE).content


def test_a_deleted_dimension_disappears_at_once(client, cached):
    dimension = Dimension.objects.get(slug="row-3")
    writes.delete(None, [dimension])
    assert b"Row 3" not in client.get(TABLE).content


def test_an_entry_edit_shows_at_once(client, cached):
    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2b")
    entry.body = "A freshly edited answer"
    writes.save(None, entry)
    assert b"A freshly edited answer" in client.get(TABLE).content


def test_a_source_edit_shows_at_once(client, cached):
    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2b")
    entry.sources = [{"title": "A brand new study", "url": "https://example.com/new"}]
    writes.save(None, entry)
    assert b"A brand new study" in client.get(TABLE).content


def test_adding_a_tag_shows_at_once(client, cached):
    writes.set_tags(
        None,
        Dimension.objects.get(slug="row-1"),
        [*Dimension.objects.get(slug="row-1").tags.names(), "pricing"],
    )
    assert b"pricing" in client.get(TABLE).content


def test_removing_a_tag_shows_at_once(client, cached):
    for dimension in Dimension.objects.all():
        writes.set_tags(None, dimension, set(dimension.tags.names()) - {"research"})
    assert b"research" not in client.get(TABLE).content


def test_renaming_a_tag_shows_at_once(client, cached):
    tag = Tag.objects.get(name="research")
    tag.name = "discovery"
    writes.rename_tag(None, tag, tag.name)
    assert b"discovery" in client.get(TABLE).content


def test_an_admin_bulk_action_shows_at_once(cached, editor):
    """Bulk actions save each row through the write path, like the row form."""
    reader, staff = Client(), Client()
    log_in(staff, editor)
    row = Dimension.objects.get(slug="row-3")
    assert b"Row 3" in reader.get(TABLE).content
    staff.post(
        "/admin/comparisons/dimension/", {"action": "unpublish", "_selected_action": [row.pk]}
    )
    assert b"Row 3" not in reader.get(TABLE).content
    staff.post("/admin/comparisons/dimension/", {"action": "publish", "_selected_action": [row.pk]})
    assert b"Row 3" in reader.get(TABLE).content


def test_staff_see_drafts_and_never_fill_the_public_cache(client, editor):
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    staff = Client()
    log_in(staff, editor)
    assert b"Row 2" in staff.get(TABLE).content
    assert b"Row 2" not in client.get(TABLE).content


def test_staff_never_get_the_public_cache(client, editor):
    make_comparison(dimensions=2)
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    assert b"Row 2" not in client.get(TABLE).content
    staff = Client()
    log_in(staff, editor)
    response = staff.get(TABLE)
    assert b"Row 2" in response.content
    assert "private" in response["Cache-Control"]


def test_the_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE = False
    make_comparison(dimensions=2)
    client.get(TABLE)
    assert client.get(TABLE).wsgi_request.resolver_match is not None


@public_page
def _page_with_a_form(request):
    get_token(request)
    return HttpResponse("<form></form>")


def test_a_page_that_wrote_a_csrf_token_is_never_shared(rf):
    """The token is tied to the reader's cookie: a shared copy would hand it to everyone."""
    request = rf.get("/")
    request.user = AnonymousUser()
    response = _page_with_a_form(request)
    assert "private" in response["Cache-Control"]
    assert not getattr(response, "is_public_page", False)
