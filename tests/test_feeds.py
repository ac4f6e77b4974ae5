"""Atom feeds of changes: a table, any filtered view of it, and one row."""

import re

import feedparser
import pytest
from django.test import Client

from comparisons.api import feeds
from comparisons.history import writes
from comparisons.models import Comparison, Dimension, Entry, Status
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import PUBLIC_SITE, make_comparison, redirects, rename

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_site")]

TABLE_FEED = "/compare/b2b-vs-b2c/changes.atom"
SITE = PUBLIC_SITE


def edit(slug: str, question=None, b2b=None, b2c=None) -> Dimension:
    """Save a row and the cells given, as one admin submission does: one new version."""
    row = Dimension.objects.get(slug=slug)
    with writes.changeset(None, writes.Reason.EDIT):
        row.question = question or row.question
        row.save()
        for segment, body in (("b2b", b2b), ("b2c", b2c)):
            if body is not None:
                entry = row.entries.get(segment__slug=segment)
                entry.body = body
                entry.save()
    return row


def read_feed(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def changed_dimensions(feed) -> list[str]:
    """The row slug of each entry, in feed order (entries link into the row's change log)."""
    prefix = f"{SITE}/compare/b2b-vs-b2c/"
    return [entry.link.removeprefix(prefix).partition("/changes/#")[0] for entry in feed.entries]


def test_a_tables_feed_lists_every_change_of_its_rows_newest_first(client, comparison_of_three):
    edit("row-2", "Second, edited?", b2b="New B2B text")
    edit("row-1", "First, edited?")
    feed = read_feed(client, TABLE_FEED)
    assert changed_dimensions(feed) == ["row-1", "row-2", "row-3", "row-2", "row-1"]
    assert feed.entries[0].title == "Row 1: Question changed."
    assert feed.entries[1].title == "Row 2: Question and B2B answer changed."
    assert feed.entries[-1].title == "Row 1: Row added."
    dates = [entry.updated_parsed for entry in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.title == "Changes to Comparison b2b-vs-b2c"
    assert feed.feed.link == f"{SITE}/compare/b2b-vs-b2c/"
    assert len({entry.id for entry in feed.entries}) == 5


@pytest.mark.parametrize(
    "query, rows",
    [
        ("only=row-1,row-3", {"row-1", "row-3"}),
        ("only=ROW-3&only=row-1", {"row-1", "row-3"}),
        ("tag=pricing", {"row-2"}),
        ("min=opposite", {"row-3"}),
        ("only=row-1,row-2&tag=pricing", {"row-2"}),
        ("only=no-such-row", {"row-1", "row-2", "row-3"}),  # ignored, as on the page
    ],
)
def test_a_filtered_views_feed_holds_exactly_the_changes_of_its_rows(
    client, comparison_of_three, query, rows
):
    # Set up behind the history's back (no changeset): the edits below are each row's only change.
    Dimension.objects.get(slug="row-2").tags.add("pricing")
    Dimension.objects.filter(slug="row-3").update(difference="opposite")
    for slug in ("row-1", "row-2", "row-3"):
        edit(slug, f"{slug} edited?", b2c=f"{slug} new text")
    feed = read_feed(client, f"{TABLE_FEED}?{query}")
    assert set(changed_dimensions(feed)) == rows
    assert len(feed.entries) == 2 * len(rows)  # its creation and its edit, for each row


def test_a_view_of_some_columns_leaves_out_edits_that_only_touched_the_others(
    client, comparison_of_three
):
    edit("row-1", b2c="Only the B2C cell changed")
    edit("row-2", b2b="Only the B2B cell changed")
    b2b_only = read_feed(client, f"{TABLE_FEED}?segments=b2b")
    assert [e.title for e in b2b_only.entries[:1]] == ["Row 2: B2B answer changed."]
    assert "B2C" not in " ".join(entry.title for entry in b2b_only.entries)
    every_column = read_feed(client, TABLE_FEED)
    assert "Row 1: B2C answer changed." in [entry.title for entry in every_column.entries]


def test_a_draft_rows_changes_never_appear(client, comparison_of_three):
    draft = edit("row-2", "Drafted?")
    draft.status = Status.DRAFT
    writes.save(None, draft)
    edit("row-2", "Edited while a draft?", b2b="Text written while a draft")
    feed = read_feed(client, TABLE_FEED)
    assert "row-2" not in changed_dimensions(feed)
    assert client.get("/compare/b2b-vs-b2c/row-2/changes.atom").status_code == 404


def test_a_row_published_after_draft_edits_shows_what_readers_see_changed(
    client, comparison_of_three
):
    row = Dimension.objects.get(slug="row-2")
    row.status = Status.DRAFT
    writes.save(None, row)
    edit("row-2", "Edited while a draft?", b2b="Text written while a draft")
    edit("row-2", "Edited again while a draft?")
    row.refresh_from_db()
    row.status = Status.PUBLISHED
    writes.save(None, row)
    titles = [entry.title for entry in read_feed(client, f"{TABLE_FEED}?only=row-2").entries]
    # One change, against what readers saw before: the drafts in between never show.
    assert titles == [
        "Row 2: Question and B2B answer changed.",
        "Row 2: Row added.",
    ]


def test_edits_made_while_the_comparison_was_a_draft_never_appear(client):
    make_comparison(status=Status.DRAFT, dimensions=2)
    edit("row-1", "Edited before the table was published?")
    comparison = Comparison.objects.get()
    comparison.status = Status.PUBLISHED
    writes.save(None, comparison)
    published = read_feed(client, TABLE_FEED).entries
    # Each row as readers first saw it, whole: nothing says what changed before that.
    assert sorted(entry.title for entry in published) == [
        "Row 1: Row published.",
        "Row 2: Row added.",
    ]
    assert {entry.updated_parsed for entry in published} == {
        Comparison.history.latest().history_date.utctimetuple()
    }
    edit("row-1", "Edited once published?")
    assert read_feed(client, TABLE_FEED).entries[0].title == "Row 1: Question changed."


def test_a_draft_comparison_has_no_feed_for_readers_and_one_for_staff(editor_client):
    make_comparison(status=Status.DRAFT, dimensions=1)
    assert Client().get(TABLE_FEED).status_code == 404
    assert editor_client.get(TABLE_FEED).status_code == 200


def test_an_empty_feed_is_valid_atom_dated_by_its_content_not_by_the_clock(client):
    make_comparison(status=Status.DRAFT, dimensions=1)
    Comparison.objects.update(status=Status.PUBLISHED)  # no history: no public change at all
    first = read_feed(client, TABLE_FEED)
    assert first.entries == []
    newest = max(
        [Dimension.objects.get().updated, *Entry.objects.values_list("updated", flat=True)]
    )
    assert first.feed.updated_parsed == newest.utctimetuple()


def test_a_rows_feed_lists_the_changes_of_that_row_only(client, comparison_of_three):
    edit("row-1", "First, edited?")
    edit("row-2", "Second, edited?")
    feed = read_feed(client, "/compare/b2b-vs-b2c/row-1/changes.atom")
    assert changed_dimensions(feed) == ["row-1", "row-1"]
    assert feed.feed.link == f"{SITE}/compare/b2b-vs-b2c/row-1/"
    assert feed.feed.title == "Changes to Row 1 (Comparison b2b-vs-b2c)"


def test_unknown_comparisons_and_rows_have_no_feed(client, comparison_of_three):
    assert client.get("/compare/nope/changes.atom").status_code == 404
    assert client.get("/compare/b2b-vs-b2c/nope/changes.atom").status_code == 404


def test_entries_say_what_changed_and_when_never_who(editor_client, editor, comparison_of_three):
    row = Dimension.objects.get(slug="row-1")
    editor_client.post(change_url(row), opened_dimension_form(row, b2b_body="Edited in admin"))
    response = Client().get(TABLE_FEED)
    feed = feedparser.parse(response.content)
    assert feed.entries[0].title == "Row 1: B2B answer changed."
    assert feed.entries[0].link.startswith(f"{SITE}/compare/b2b-vs-b2c/row-1/changes/#row-")
    assert editor.username.encode() not in response.content
    assert editor.email.encode() not in response.content
    assert b"Edited in admin" not in response.content  # what changed, not the text itself
    assert {author.name for author in feed.feed.authors} == {"kb"}


def test_entry_ids_survive_renames(client, comparison_of_three):
    before = {entry.title: entry.id for entry in read_feed(client, TABLE_FEED).entries}
    rename(Dimension, "row-1", "first-row")
    after = {entry.title: entry.id for entry in read_feed(client, TABLE_FEED).entries}
    assert after["Row 1: Row added."] == (before["Row 1: Row added."])


def test_old_slugs_redirect_to_the_current_feed_keeping_the_view(client, comparison_of_three):
    rename(Comparison, "b2b-vs-b2c", "renamed-table")
    rename(Dimension, "row-1", "first-row")
    old = [
        f"{TABLE_FEED}?segments=b2b",
        "/compare/renamed-table/changes.atom?only=row-1",
        "/compare/renamed-table/row-1/changes.atom",
    ]
    assert redirects(client, old) == [
        "/compare/renamed-table/changes.atom?segments=b2b",
        "/compare/renamed-table/changes.atom?only=first-row",
        "/compare/renamed-table/first-row/changes.atom",
    ]


def test_a_feed_keeps_the_newest_entries(client, comparison_of_three, monkeypatch):
    monkeypatch.setattr(feeds, "ENTRIES", 2)
    edit("row-3", "Newest?")
    assert [e.title for e in read_feed(client, TABLE_FEED).entries] == [
        "Row 3: Question changed.",
        "Row 3: Row added.",
    ]


@pytest.mark.parametrize("rows, edits", [(3, 1), (40, 15)])
def test_a_feed_runs_a_fixed_number_of_queries_whatever_the_history(
    client, settings, django_assert_num_queries, rows, edits
):
    settings.PAGE_CACHE = False
    make_comparison(dimensions=rows, bulk=True)
    for number in range(edits):
        for row in Dimension.objects.all():
            edit(row.slug, f"Edit {number}?", b2b=f"Text {number}")
    # The table's cache generation (read from the database the first time, then from the
    # cache), comparison, its columns, rows, tags, cells; then the history: row versions,
    # cell versions with their segments, the comparison's publication.
    with django_assert_num_queries(9):
        client.get(f"{TABLE_FEED}?tag=research&segments=b2b")
    with django_assert_num_queries(8):
        client.get("/compare/b2b-vs-b2c/row-1/changes.atom")


@pytest.mark.parametrize("url", ["/compare/b2b-vs-b2c/", "/compare/b2b-vs-b2c/?only=row-1,row-2"])
def test_a_table_and_a_view_link_their_feed(client, comparison_of_three, url):
    html = client.get(url).content.decode()
    query = url.partition("?")[2]
    feed_url = f"{TABLE_FEED}?{query}" if query else TABLE_FEED
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Changes to this '
        f'{"view" if query else "table"}" href="{SITE}{feed_url}">' in html
    )
    assert f'<a class="follow-changes" href="{feed_url}" type="application/atom+xml">' in html
    assert ">Follow changes</a>" in html


@pytest.mark.parametrize(
    "url", ["/compare/b2b-vs-b2c/row-1/", "/compare/b2b-vs-b2c/row-1/changes/"]
)
def test_a_row_and_its_change_log_link_the_rows_feed(client, comparison_of_three, url):
    html = client.get(url).content.decode()
    feed_url = "/compare/b2b-vs-b2c/row-1/changes.atom"
    assert f'type="application/atom+xml" title="Changes to this row" href="{SITE}{feed_url}">' in (
        html
    )
    assert f'<a class="follow-changes" href="{feed_url}" type="application/atom+xml">' in html


def test_loading_the_default_content_is_one_entry_per_table_in_plain_words(client, db):
    """Issue 30, 5: 21 of 23 entries read "Loaded from the default content; B2B entry added…"."""
    from django.core.management import call_command

    call_command("load_default_content", verbosity=0)
    feed = read_feed(client, "/compare/product-management-b2b-vs-b2c/changes.atom")
    rows = Dimension.objects.filter(comparison__slug="product-management-b2b-vs-b2c").count()
    assert [entry.title for entry in feed.entries] == [
        f"Loaded from the default content: {rows} rows of Product management: B2B vs B2C"
    ]
    assert "cell added" not in feed.entries[0].summary
    row_url = "/compare/product-management-b2b-vs-b2c/success-metrics/changes.atom"
    row_feed = read_feed(client, row_url)
    assert (
        row_feed.entries[0].title
        == "Business model and success metrics: Row added. Loaded from the default content."
    )


def test_the_change_log_shows_the_time_of_each_change(client, comparison_of_three):
    edit("row-1", b2b="New text")
    html = client.get("/compare/b2b-vs-b2c/row-1/changes/").content.decode()
    assert re.search(
        r"<time datetime=\"[^\"]+\" data-local>\d+ \w+ \d{4}, \d\d:\d\d UTC</time>"
        r" B2B answer changed\.",
        html,
    )
