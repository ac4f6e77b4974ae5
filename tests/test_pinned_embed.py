"""Embeds pinned to a version (`/embed/<comparison>/?version=<unix time>`) show the past."""

from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone

from comparisons.models import Comparison, Dimension, Entry
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def _age_history(minutes=60):
    """Move every recorded version into the past, as if the content had been written then."""
    for model in (Comparison, Dimension, Entry):
        model.history.update(history_date=F("history_date") - timedelta(minutes=minutes))


@pytest.fixture
def version(comparison):
    """A version copied half an hour ago, after the content was written."""
    _age_history(60)
    return int((timezone.now() - timedelta(minutes=30)).timestamp())


def _edit_dimension_1():
    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2b")
    entry.body = "Rewritten after the snippet was copied."
    entry.save()


def test_a_pinned_embed_shows_the_text_as_it_was_after_an_edit(client, version):
    _edit_dimension_1()
    pinned = client.get(f"/embed/b2b-vs-b2c/?version={version}").content.decode()
    latest = client.get("/embed/b2b-vs-b2c/").content.decode()
    assert "B2B answer for row 1" in pinned
    assert "Rewritten after the snippet was copied." not in pinned
    assert "Rewritten after the snippet was copied." in latest


def test_a_pinned_embed_says_so_and_links_to_the_current_version(client, version):
    html = client.get(f"/embed/b2b-vs-b2c/?version={version}").content.decode()
    assert 'class="pinned-notice"' in html
    assert 'href="http://127.0.0.1:8000/compare/b2b-vs-b2c/"' in html
    assert "See the current version" in html
    assert 'class="pinned-notice"' not in client.get("/embed/b2b-vs-b2c/").content.decode()


def test_rows_added_later_are_left_out_and_rows_deleted_later_are_kept(client, version):
    Dimension.objects.get(slug="row-2").delete()
    added = Dimension.objects.create(
        comparison_id=Dimension.history.first().comparison_id, title="Later", slug="later"
    )
    added.status = "published"
    added.save()
    html = client.get(f"/embed/b2b-vs-b2c/?version={version}").content.decode()
    assert 'id="row-2"' in html
    assert 'id="later"' not in html


def test_a_row_that_was_a_draft_then_stays_hidden(client, version):
    Dimension.history.filter(slug="row-2").update(status="draft")
    html = client.get(f"/embed/b2b-vs-b2c/?version={version}").content.decode()
    assert 'id="row-1"' in html
    assert 'id="row-2"' not in html


def test_the_filter_applies_to_the_pinned_rows(client, version):
    html = client.get(f"/embed/b2b-vs-b2c/?only=row-2&version={version}").content.decode()
    assert 'id="row-2"' in html
    assert 'id="row-1"' not in html


def test_a_pinned_embed_keeps_the_tags_of_its_version(client, version):
    row = Dimension.objects.get(slug="row-1")
    row.save()  # as the admin does: the row is saved, then its tags
    row.tags.set(["renamed-later"])
    html = client.get(f"/embed/b2b-vs-b2c/?version={version}").content.decode()
    assert 'href="/tags/research/"' in html
    assert "renamed-later" not in html


@pytest.mark.parametrize(
    "bad", ["abc", "-5", "1.5", "99999999999999", "0", "%00", "١٢٣", "", "4102444800"]
)
def test_a_bad_or_future_version_is_ignored_and_the_latest_shown(client, comparison, bad):
    _edit_dimension_1()
    response = client.get(f"/embed/b2b-vs-b2c/?version={bad}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Rewritten after the snippet was copied." in html
    assert 'class="pinned-notice"' not in html


def test_the_table_page_offers_a_snippet_pinned_to_this_version(client, comparison):
    before = int(timezone.now().timestamp())
    html = client.get("/compare/b2b-vs-b2c/?only=row-1").content.decode()
    snippet = html.split('id="embed-snippet-pinned"', 1)[1].split("</textarea>", 1)[0]
    pinned = int(snippet.split("version=", 1)[1].split("&quot;", 1)[0].split('"', 1)[0])
    assert "/embed/b2b-vs-b2c/?only=row-1&amp;version=" in snippet
    assert before <= pinned <= before + 5


def test_a_pinned_embed_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    for slug, rows in (("small", 3), ("large", 40)):
        make_comparison(slug=slug, dimensions=rows, bulk=True)
    _age_history(60)
    version = int((timezone.now() - timedelta(minutes=30)).timestamp())
    for slug in ("small", "large"):
        # The cache generation, the comparison, its columns, when it was published, then the
        # rows, cells and tags of that moment.
        with django_assert_max_num_queries(7):
            assert client.get(f"/embed/{slug}/?version={version}").status_code == 200
