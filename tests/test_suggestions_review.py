"""Editors review readers' suggestions in the admin: the queue, the diff, accept, decline."""

import feedparser
import pytest
from django.test import Client

from comparisons.history import writes
from comparisons.models import Dimension, Entry
from comparisons.suggestions.apply import Conflicts, accept
from comparisons.suggestions.merge import CURRENT, SUGGESTED
from comparisons.suggestions.models import Suggestion, SuggestionStatus
from tests.factories import make_comparison
from tests.suggestions import send, stored_dimension

pytestmark = pytest.mark.django_db

QUEUE = "/admin/suggestions/suggestion/"


@pytest.fixture(autouse=True)
def _comparison(db):
    make_comparison(dimensions=2)


def review_url(suggestion) -> str:
    return f"{QUEUE}{suggestion.pk}/change/"


def b2c(slug: str = "row-1") -> Entry:
    return Entry.objects.get(dimension__slug=slug, segment__slug="b2c")


def b2b(slug: str = "row-1") -> Entry:
    return Entry.objects.get(dimension__slug=slug, segment__slug="b2b")


def suggested(**changes) -> Suggestion:
    assert send(Client(), **changes).status_code == 302
    return Suggestion.objects.latest("created")


def editor_saves(**fields) -> None:
    """An editor's save of row-1 (title, question) or of its B2B cell (`b2b_body`)."""
    dimension = stored_dimension()
    for name in ("title", "question"):
        if name in fields:
            setattr(dimension, name, fields[name])
    dimension.save()
    if "b2b_body" in fields:
        entry = b2b()
        entry.body = fields["b2b_body"]
        entry.save()


def test_the_queue_lists_open_suggestions_newest_first(editor_client):
    first = suggested(b2c_body="First")
    second = suggested(b2c_body="Second", name="Ada")
    declined = suggested(b2c_body="Third")
    Suggestion.objects.filter(pk=declined.pk).update(status=SuggestionStatus.DECLINED)
    response = editor_client.get(QUEUE)
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [second, first]
    everything = editor_client.get(f"{QUEUE}?status=all")
    assert len(everything.context["cl"].result_list) == 3


def test_the_admin_index_counts_open_suggestions(editor_client):
    suggested(b2c_body="First")
    suggested(b2c_body="Second")
    html = editor_client.get("/admin/").content.decode()
    assert "2 open suggestions from readers" in html


def test_readers_cannot_see_the_queue(client):
    suggestion = suggested(b2c_body="First")
    assert client.get(QUEUE).status_code == 302  # to the login page
    assert client.get(review_url(suggestion)).status_code == 302


def test_the_review_shows_the_change_against_what_the_reader_saw_and_the_row_now(editor_client):
    suggestion = suggested(b2c_body="B2C answer, corrected for row 1")
    editor_saves(b2b_body="An editor's newer B2B text")
    html = editor_client.get(review_url(suggestion)).content.decode()
    assert "B2C <del>answer</del><ins>answer, corrected</ins> for row 1" in html
    assert "Changed by the reader: applied on accept." in html
    assert "Changed by an editor since the reader saw it: kept." in html  # B2B


def test_accept_keeps_an_editors_concurrent_change_to_another_field(editor_client, editor):
    suggestion = suggested(b2c_body="The reader's B2C text", name="Ada")
    editor_saves(question="The editor's question?", b2b_body="The editor's B2B text")
    response = editor_client.post(review_url(suggestion), {"_accept": "Accept"})
    assert response.status_code == 302
    assert b2c().body == "The reader's B2C text"
    assert b2b().body == "The editor's B2B text"
    assert stored_dimension().question == "The editor's question?"
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED
    assert suggestion.decided_by == editor


def test_a_field_both_changed_is_a_conflict_for_the_editor_to_choose(editor_client):
    suggestion = suggested(title="The reader's title", b2c_body="The reader's B2C text")
    editor_saves(title="The editor's title")
    refused = editor_client.post(review_url(suggestion), {"_accept": "Accept"})
    assert refused.status_code == 409
    assert 'name="choice-title"' in refused.content.decode()
    assert (
        stored_dimension().title == "The editor's title" and b2c().body != "The reader's B2C text"
    )
    editor_client.post(review_url(suggestion), {"_accept": "Accept", "choice-title": CURRENT})
    assert stored_dimension().title == "The editor's title"
    assert b2c().body == "The reader's B2C text"


def test_a_conflict_can_be_resolved_for_the_suggestion(editor):
    suggestion = suggested(title="The reader's title")
    editor_saves(title="The editor's title")
    with pytest.raises(Conflicts):
        accept(suggestion, editor)
    accept(suggestion, editor, {"title": SUGGESTED})
    assert stored_dimension().title == "The reader's title"


def test_edit_then_accept_applies_the_editors_version(editor_client):
    suggestion = suggested(b2c_body="The reader's text, with a typo teh")
    form = editor_client.get(f"{review_url(suggestion)}?edit=1")
    key = next(name for name in form.context["edit_form"].fields if name.startswith("body-"))
    data = {name: field.value() or "" for name, field in _bound(form.context["edit_form"])}
    b2c_key = f"body-{b2c().segment_id}"
    data.update({b2c_key: "The reader's text, with a typo fixed", "_edited": "1", "_accept": "1"})
    assert key.startswith("body-")
    response = editor_client.post(f"{review_url(suggestion)}?edit=1", data)
    assert response.status_code == 302
    assert b2c().body == "The reader's text, with a typo fixed"
    suggestion.refresh_from_db()
    assert suggestion.edited_by_editor


def _bound(form):
    return [(field.html_name, field) for field in form]


def test_decline_with_a_note_is_shown_to_the_reader(editor_client, client):
    suggestion = suggested(b2c_body="Wrong")
    editor_client.post(review_url(suggestion), {"_decline": "1", "editor_note": "Not so in 2026."})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DECLINED
    assert b2c().body == "B2C answer for row 1"
    page = client.get(suggestion.get_absolute_url()).content.decode()
    assert "Declined" in page and "Not so in 2026." in page


def test_a_decided_suggestion_cannot_be_decided_again(editor_client):
    suggestion = suggested(b2c_body="Once")
    editor_client.post(review_url(suggestion), {"_accept": "1"})
    editor_saves(b2b_body="Later")
    editor_client.post(review_url(suggestion), {"_decline": "1"})
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.ACCEPTED


def test_history_and_feeds_credit_the_reader_never_the_email(editor_client, client, public_site):
    suggestion = suggested(b2c_body="A corrected cell", name="Ada", email="ada@example.com")
    editor_client.post(review_url(suggestion), {"_accept": "1"})
    log = client.get("/compare/b2b-vs-b2c/row-1/changes/").content.decode()
    assert "B2C answer changed. Suggested by Ada." in log
    feed = feedparser.parse(client.get("/compare/b2b-vs-b2c/changes.atom").content)
    assert feed.entries[0].title == "Row 1: B2C answer changed. Suggested by Ada."
    history = editor_client.get(f"/admin/comparisons/dimension/{stored_dimension().pk}/history/")
    assert "Suggested by Ada" in history.content.decode()
    for page in (log, client.get("/compare/b2b-vs-b2c/changes.atom").content.decode()):
        assert "ada@example.com" not in page


def test_a_reader_without_a_name_is_credited_as_a_reader(editor_client, client):
    suggestion = suggested(b2c_body="A corrected cell")
    editor_client.post(review_url(suggestion), {"_accept": "1"})
    log = client.get("/compare/b2b-vs-b2c/row-1/changes/").content.decode()
    assert "Suggested by a reader" in log


def test_accepting_a_change_to_the_title_and_a_cell_is_one_revision(editor):
    suggestion = suggested(title="Renamed by a reader", b2c_body="And a new cell text")
    accept(suggestion, editor)
    dimension = Dimension.objects.get(pk=stored_dimension("row-1").pk)
    assert dimension.title == "Renamed by a reader" and dimension.slug == "row-1"
    assert b2c().body == "And a new cell text"


def test_the_credit_stays_when_the_same_editor_saved_the_row_a_moment_before(editor, client):
    suggestion = suggested(b2c_body="The reader's B2C text", name="Ada")
    dimension = stored_dimension()
    dimension.question = "The editor's question?"
    writes.save(editor, dimension)
    accept(suggestion, editor)  # within seconds: each is its own changeset all the same
    log = client.get("/compare/b2b-vs-b2c/row-1/changes/").content.decode()
    assert "B2C answer changed. Suggested by Ada." in log
    assert "Question changed." in log


def test_a_reader_can_fill_an_empty_cell(editor):
    writes.delete(editor, [b2c()])
    suggestion = suggested(b2c_body="A first B2C answer", b2c_sources="Store | https://e.org")
    accept(suggestion, editor)
    assert b2c().body == "A first B2C answer"
    assert b2c().sources == [{"title": "Store", "url": "https://e.org"}]


def test_reviewing_and_accepting_run_a_bounded_number_of_queries(
    editor_client, django_assert_max_num_queries
):
    suggestion = suggested(title="New title", b2b_body="New B2B", b2c_body="New B2C")
    with django_assert_max_num_queries(11):
        assert editor_client.get(review_url(suggestion)).status_code == 200
    # The saves of the row and its two cells (comparisons/history/writes.py), the admin's log.
    with django_assert_max_num_queries(48):
        assert editor_client.post(review_url(suggestion), {"_accept": "1"}).status_code == 302
