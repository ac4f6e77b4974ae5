"""Changed since you shared this: a share link's `as_of` names the rows edited after it."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from comparisons.history import writes
from comparisons.models import Dimension, Entry
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited_an_hour_ago(db):
    """A table whose content was last edited an hour ago."""
    comparison = make_comparison(dimensions=3)
    an_hour_ago = timezone.now() - timedelta(hours=1)
    Dimension.objects.update(updated=an_hour_ago)
    Entry.objects.update(updated=an_hour_ago)
    return comparison


def _shared_a_minute_ago() -> int:
    return int(time.time()) - 60


def _notice(html: str) -> str | None:
    start = html.find('class="notice notice-changed"')
    return None if start < 0 else html[start : html.find("</div>", start)]


def test_no_notice_when_nothing_changed_since(client, edited_an_hour_ago):
    html = client.get(f"/compare/b2b-vs-b2c/?as_of={_shared_a_minute_ago()}").content.decode()
    assert _notice(html) is None


def test_no_notice_without_as_of(client, edited_an_hour_ago):
    Dimension.objects.get(slug="row-2").save()
    assert _notice(client.get("/compare/b2b-vs-b2c/").content.decode()) is None


def test_the_notice_names_the_rows_edited_after_the_link_was_made(client, edited_an_hour_ago):
    as_of = _shared_a_minute_ago()
    row = Dimension.objects.get(slug="row-2")
    row.question = "A better question?"
    row.save()
    html = client.get(f"/compare/b2b-vs-b2c/?as_of={as_of}").content.decode()
    notice = _notice(html)
    assert notice is not None
    assert html.index("notice-changed") < html.index('class="filter-form"')  # seen first
    assert "Changed since this link was shared" in notice
    assert '<a href="/compare/b2b-vs-b2c/row-2/changes/">Row 2</a>' in notice
    assert "Row 1" not in notice and "Row 3" not in notice


def test_an_edited_cell_counts_as_a_change_of_its_row(client, edited_an_hour_ago):
    as_of = _shared_a_minute_ago()
    entry = Entry.objects.get(dimension__slug="row-3", segment__slug="b2c")
    entry.body = "Changed."
    entry.save()
    notice = _notice(client.get(f"/compare/b2b-vs-b2c/?as_of={as_of}").content.decode())
    assert "Row 3" in notice and "Row 2" not in notice
    # A view of B2B only did not show the changed cell.
    html = client.get(f"/compare/b2b-vs-b2c/?segments=b2b&as_of={as_of}").content.decode()
    assert _notice(html) is None


def test_a_change_before_the_link_was_made_is_not_news(client, edited_an_hour_ago):
    Dimension.objects.get(slug="row-1").save()
    as_of = int(time.time()) + 1
    time.sleep(1.1)  # as_of must not be in the future when the page is opened
    html = client.get(f"/compare/b2b-vs-b2c/?as_of={as_of}").content.decode()
    assert _notice(html) is None


def test_only_rows_in_the_shared_view_are_named(client, edited_an_hour_ago):
    as_of = _shared_a_minute_ago()
    Dimension.objects.get(slug="row-2").save()
    html = client.get(f"/compare/b2b-vs-b2c/?only=row-1&as_of={as_of}").content.decode()
    assert _notice(html) is None


def test_the_row_page_shows_the_notice_too(client, edited_an_hour_ago):
    as_of = _shared_a_minute_ago()
    Dimension.objects.get(slug="row-1").save()
    html = client.get(f"/compare/b2b-vs-b2c/row-1/?as_of={as_of}").content.decode()
    assert "Changed since this link was shared" in html


def test_canonical_urls_leave_as_of_out(client, edited_an_hour_ago, settings):
    html = client.get(f"/compare/b2b-vs-b2c/?only=row-1&as_of={_shared_a_minute_ago()}")
    head = html.content.decode().split("<body", 1)[0]
    canonical = f"{settings.SITE_URL}/compare/b2b-vs-b2c/?only=row-1"
    assert f'<link rel="canonical" href="{canonical}">' in head
    assert "as_of" not in head


def test_a_submitted_filter_form_keeps_the_moment_in_its_short_link(client, edited_an_hour_ago):
    as_of = _shared_a_minute_ago()
    response = client.get(f"/compare/b2b-vs-b2c/?only=row-2&only=row-1&tag=&as_of={as_of}")
    assert response.status_code == 302
    assert response["Location"] == f"/compare/b2b-vs-b2c/?only=row-1,row-2&as_of={as_of}"
    response = client.get("/compare/b2b-vs-b2c/?only=row-1&tag=&as_of=")
    assert response["Location"] == "/compare/b2b-vs-b2c/?only=row-1"


def test_the_share_controls_stamp_links_with_as_of(client, edited_an_hour_ago, settings):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<input type="hidden" name="as_of" value="" data-as-of>' in html
    assert "data-copy-view=" in html
    source = (settings.BASE_DIR / "static" / "js" / "share.js").read_text()
    assert '"as_of=" + String(' in source and "[data-as-of]" in source


BAD_VALUES = ["abc", "-5", "1.5", "1e9", "9" * 40, "99999999999", "%00", "1%00", "", "٣٣"]


@pytest.mark.parametrize("value", BAD_VALUES)
def test_bad_as_of_values_are_ignored_never_an_error(client, edited_an_hour_ago, value):
    Dimension.objects.get(slug="row-1").save()
    for path in ("/compare/b2b-vs-b2c/", "/compare/b2b-vs-b2c/row-1/"):
        response = client.get(f"{path}?as_of={value}")
        assert response.status_code == 200
        assert _notice(response.content.decode()) is None


def test_a_future_as_of_is_ignored(client, edited_an_hour_ago):
    Dimension.objects.get(slug="row-1").save()
    html = client.get(f"/compare/b2b-vs-b2c/?as_of={int(time.time()) + 3600}").content.decode()
    assert _notice(html) is None


def test_the_notice_costs_three_queries_whatever_the_rows(
    client, edited_an_hour_ago, django_assert_max_num_queries
):
    """The changed rows' public history (three queries) tells a reader-visible change from a
    new slug; the table's budget is 9 (tests/test_query_budget.py)."""
    as_of = _shared_a_minute_ago()
    Dimension.objects.update(updated=timezone.now())
    with django_assert_max_num_queries(12):
        html = client.get(f"/compare/b2b-vs-b2c/?as_of={as_of}").content.decode()
    assert "Row 3" in _notice(html)


def test_a_new_slug_alone_is_no_change_a_reader_is_told_of(client, edited_an_hour_ago):
    """Issue 30, 9: renaming a row's slug made a shared link say the row had changed."""
    time.sleep(1)  # the link is shared a second after the rows were created, and renamed after
    as_of = int(time.time())
    time.sleep(1)
    row = Dimension.objects.get(slug="row-2")
    row.slug = "second-row"
    writes.save(None, row)
    # The old slug in the shared link is followed to the new one.
    response = client.get(f"/compare/b2b-vs-b2c/?only=row-1,row-2&as_of={as_of}")
    html = client.get(response["Location"]).content.decode()
    assert "Row 2" in html
    assert _notice(html) is None
    row.question = "A better question?"
    writes.save(None, row)
    html = client.get(f"/compare/b2b-vs-b2c/?only=row-1,second-row&as_of={as_of}").content.decode()
    assert "Row 2" in _notice(html)
