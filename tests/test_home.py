import re
from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons.history import writes
from comparisons.models import Dimension, Status
from comparisons.templatetags.kb import datetime_attribute
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def _filed(slug, topic, rows=2, **kwargs):
    comparison = make_comparison(slug=slug, dimensions=rows, **kwargs)
    comparison.topic = topic
    writes.save(None, comparison)
    return comparison


def _section(html, heading):
    """The HTML of the home page's section under the <h2> `heading`."""
    match = re.search(
        rf"<h2[^>]*>{heading}(?: <span[^>]*>[^<]*</span>)?</h2>(.*?)</section>", html, re.S
    )
    assert match, heading
    return match.group(1)


def _headings(html):
    """The topics' headings, without their counts."""
    return [re.sub(r" <span.*", "", h) for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html)]


def test_it_lists_published_comparisons_with_their_row_counts(client):
    make_comparison(slug="public", dimensions=3)
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
    make_comparison(slug="public", dimensions=2)
    html = client.get("/").content.decode()
    assert 'href="/tags/research/"' in html
    assert '<span class="count">2</span>' in html


def test_tag_counts_follow_an_edit_on_the_next_request(client, settings):
    settings.PAGE_CACHE = False  # the counts are cached on their own, by cache generation
    comparison = make_comparison(slug="public", dimensions=2)
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
    make_comparison(slug="public", dimensions=2)
    client.get("/search/?q=nothing-matches-this")  # suggests tags, with their counts
    with django_assert_max_num_queries(10) as captured:
        html = client.get("/search/?q=nor-this").content.decode()
    assert 'href="/tags/research/"' in html
    assert not any('"dimension_count"' in query["sql"] for query in captured.captured_queries)


def test_it_groups_tables_by_topic_in_alphabetical_order_untopical_last(client):
    _filed("pm", "Product management")
    _filed("mkt", "Marketing")
    _filed("loose", "")
    html = client.get("/").content.decode()
    assert _headings(html)[:3] == ["Marketing", "Product management", "Other tables"]
    assert 'href="/compare/mkt/"' in _section(html, "Marketing")
    assert 'href="/compare/pm/"' in _section(html, "Product management")


def test_each_table_says_how_many_rows_and_when_it_last_changed(client):
    comparison = _filed("pm", "Product management", rows=3)
    later = timezone.now() + timedelta(days=3)
    Dimension.objects.filter(pk=comparison.dimensions.first().pk).update(updated=later)
    html = _section(client.get("/").content.decode(), "Product management")
    assert "3 rows" in html
    assert f'changed <time datetime="{datetime_attribute(later)}" data-local>' in html


def test_a_draft_row_counts_neither_in_the_row_count_nor_in_recent_changes(client):
    comparison = _filed("pm", "Product management", rows=2)
    draft = comparison.dimensions.first()
    draft.status = Status.DRAFT
    draft.title = "Unpublished thoughts"
    writes.save(None, draft)
    html = client.get("/").content.decode()
    assert "1 row " in _section(html, "Product management")
    assert "Unpublished thoughts" not in html


def test_recent_changes_name_the_newest_public_rows_by_table(client, editor_client):
    comparison = _filed("pm", "Product management", rows=3)
    _filed("hidden", "Product management", rows=1, status=Status.DRAFT)
    newest = comparison.dimensions.get(slug="row-2")
    newest.title = "Just edited"
    writes.save(None, newest)
    for reader in (client, editor_client):  # staff see the same public list
        recent = _section(reader.get("/").content.decode(), "Recently changed")
        links = re.findall(r'href="([^"]+)"', recent)
        assert links[:2] == ["/compare/pm/", "/compare/pm/row-2/"]
        assert "/compare/hidden/" not in recent
        assert "Just edited" in recent and "<time datetime=" in recent


def test_a_new_topic_shows_on_the_next_request(client):
    comparison = _filed("pm", "Product management")
    client.get("/")  # cached, until the content changes
    comparison.topic = "Strategy"
    writes.save(None, comparison)
    headings = _headings(client.get("/").content.decode())
    assert "Strategy" in headings and "Product management" not in headings


def test_the_flagship_comes_first_with_its_summary(client, settings):
    """Issue 30, 2: the flagship table came last, and no table showed its summary."""
    settings.FLAGSHIP_TABLE = "zz-flagship"
    _filed("aa-first", "Analytics")
    flagship = _filed("zz-flagship", "Zoology", rows=3)
    flagship.summary = "The **one** table to read first."
    flagship.save()
    html = client.get("/").content.decode()
    assert html.index('href="/compare/zz-flagship/"') < html.index('href="/compare/aa-first/"')
    first = html[html.index('class="flagship"') : html.index("</section>")]
    assert "The <strong>one</strong> table to read first." in first and "3 rows" in first


def test_each_table_shows_its_summary_and_a_time_that_does_not_wrap(client):
    comparison = _filed("pm", "Product management")
    comparison.summary = "Where building for businesses pulls the work apart."
    comparison.save()
    html = _section(client.get("/").content.decode(), "Product management")
    assert "Where building for businesses pulls the work apart." in html
    assert re.search(r"changed <time [^>]*>\d+ \w+ \d{4}, \d\d:\d\d UTC</time>", html)


def test_recent_changes_take_one_line_per_table(client):
    """Issue 30, 2: eight lines for one table's rows."""
    busy = _filed("busy", "Product management", rows=9)
    _filed("quiet", "Marketing", rows=1)
    for row in busy.dimensions.all():
        row.save()
    recent = _section(client.get("/").content.decode(), "Recently changed")
    assert re.findall(r'class="recent-table" href="([^"]+)"', recent) == [
        "/compare/busy/",
        "/compare/quiet/",
    ]
    assert "and 6 more rows" in recent


def test_a_topic_shows_its_newest_tables_and_links_to_the_rest(client):
    """Issue 26, 5: a home page that stays readable with a thousand tables."""
    for number in range(7):
        _filed(f"t{number}", "Research", rows=1)
    html = _section(client.get("/").content.decode(), "Research")
    assert len(re.findall(r'href="/compare/t\d/"', html)) == 5
    assert 'href="/compare/t6/"' in html  # the newest first
    assert 'href="/tables/?topic=Research">All 7 tables in Research</a>' in html
    listing = client.get("/tables/?topic=Research").content.decode()
    assert len(re.findall(r'href="/compare/t\d/"', listing)) == 7
    assert client.get("/tables/?topic=Research&page=2").status_code == 404


def test_the_home_page_costs_the_same_queries_whatever_the_number_of_tables(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    for number in range(12):
        _filed(f"t{number}", f"Topic {number % 3}", rows=2)
    with django_assert_max_num_queries(8):
        assert client.get("/").status_code == 200
