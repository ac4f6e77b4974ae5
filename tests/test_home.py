import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons import writes
from comparisons.models import Dimension, Status
from comparisons.templatetags.kb import datetime_attribute
from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db


def _filed(slug, topic, rows=2, **kwargs):
    comparison = make_comparison(slug=slug, rows=rows, **kwargs)
    comparison.topic = topic
    writes.save(None, comparison)
    return comparison


def _section(html, heading):
    """The HTML of the home page's section under the <h2> `heading`."""
    match = re.search(rf"<h2[^>]*>{heading}</h2>(.*?)</section>", html, re.S)
    assert match, heading
    return match.group(1)


def test_it_lists_published_comparisons_with_their_row_counts(client):
    make_comparison(slug="public", rows=3)
    html = client.get("/").content.decode()
    assert 'href="/compare/public/"' in html
    assert "3 rows" in html


def test_it_hides_draft_comparisons_from_anonymous(client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    assert "/compare/hidden/" not in client.get("/").content.decode()


def test_it_shows_draft_comparisons_to_staff_marked(editor_client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    html = editor_client.get("/").content.decode()
    assert "/compare/hidden/" in html
    assert "badge-draft" in html


def test_it_links_tags_of_published_rows_with_counts(client):
    make_comparison(slug="public", rows=2)
    html = client.get("/").content.decode()
    assert 'href="/tags/research/"' in html
    assert '<span class="count">2</span>' in html


def test_tag_counts_follow_an_edit_on_the_next_request(client, settings):
    settings.PAGE_CACHE = False  # the counts are cached on their own, by cache generation
    comparison = make_comparison(slug="public", rows=2)
    assert 'href="/tags/pricing/"' not in client.get("/").content.decode()
    writes.set_tags(
        None,
        comparison.dimensions.first(),
        [*comparison.dimensions.first().tags.names(), "pricing"],
    )
    assert 'href="/tags/pricing/"' in client.get("/").content.decode()


def test_tag_counts_are_computed_once_per_generation(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    make_comparison(slug="public", rows=2)
    client.get("/search/?q=nothing-matches-this")  # suggests tags, with their counts
    with django_assert_max_num_queries(10) as captured:
        html = client.get("/search/?q=nor-this").content.decode()
    assert 'href="/tags/research/"' in html
    assert not any('"row_count"' in query["sql"] for query in captured.captured_queries)


def test_it_groups_tables_by_topic_in_alphabetical_order_untopical_last(client):
    _filed("pm", "Product management")
    _filed("mkt", "Marketing")
    _filed("loose", "")
    html = client.get("/").content.decode()
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html)
    assert headings[:3] == ["Marketing", "Product management", "Other tables"]
    assert 'href="/compare/mkt/"' in _section(html, "Marketing")
    assert 'href="/compare/pm/"' in _section(html, "Product management")


def test_each_table_says_how_many_rows_and_when_it_last_changed(client):
    comparison = _filed("pm", "Product management", rows=3)
    later = timezone.now() + timedelta(days=3)
    Dimension.objects.filter(pk=comparison.dimensions.first().pk).update(updated=later)
    html = _section(client.get("/").content.decode(), "Product management")
    assert "3 rows" in html
    assert f'changed <time datetime="{datetime_attribute(later)}">' in html


def test_a_draft_row_counts_neither_in_the_row_count_nor_in_recent_changes(client):
    comparison = _filed("pm", "Product management", rows=2)
    draft = comparison.dimensions.first()
    draft.status = Status.DRAFT
    draft.title = "Unpublished thoughts"
    writes.save(None, draft)
    html = client.get("/").content.decode()
    assert "1 row " in _section(html, "Product management")
    assert "Unpublished thoughts" not in html


def test_recently_changed_rows_are_the_newest_public_rows_first(client, editor_client):
    comparison = _filed("pm", "Product management", rows=3)
    _filed("hidden", "Product management", rows=1, status=Status.DRAFT)
    newest = comparison.dimensions.get(slug="row-2")
    newest.title = "Just edited"
    writes.save(None, newest)
    for reader in (client, editor_client):  # staff see the same public list
        recent = _section(reader.get("/").content.decode(), "Recently changed rows")
        links = re.findall(r'href="([^"]+)"', recent)
        assert links[0] == "/compare/pm/row-2/"
        assert "/compare/hidden/" not in recent
        assert "Just edited" in recent and "<time datetime=" in recent


def test_a_new_topic_shows_on_the_next_request(client):
    comparison = _filed("pm", "Product management")
    client.get("/")  # cached, until the content changes
    comparison.topic = "Strategy"
    writes.save(None, comparison)
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", client.get("/").content.decode())
    assert "Strategy" in headings and "Product management" not in headings
