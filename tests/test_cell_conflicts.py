"""Findings 3 and 4 of issue 25, and the conflict form's wording: conflicts a formset sees
(a cell deleted or added by someone else since the form was opened) are shown in the form,
never a 500 and never a lost submission; each conflict names who changed that field."""

import pytest

from comparisons.history import writes
from comparisons.models import Dimension, Entry, Segment
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import editor_client_for, make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def dimension(db):
    make_comparison(dimensions=1)
    return Dimension.objects.get()


def _b2c_index(form: dict) -> int:
    b2c = Segment.objects.get(slug="b2c").pk
    return next(i for i in range(2) if form.get(f"entries-{i}-segment") == b2c)


def test_a_cell_deleted_meanwhile_and_edited_here_is_kept_and_explained(dimension):
    alice, bob = editor_client_for("alice"), editor_client_for("bob")
    alice_form = opened_dimension_form(dimension)
    bob_form = opened_dimension_form(dimension, b2c_body="Bob's new B2C text", question="Bob asks?")
    index = _b2c_index(alice_form)
    alice_form[f"entries-{index}-DELETE"] = "on"
    assert alice.post(change_url(dimension), alice_form).status_code == 302

    response = bob.post(change_url(dimension), bob_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "alice deleted this cell" in html
    assert "Bob&#x27;s new B2C text" in html  # still in the box
    assert Dimension.objects.get().question == "Question 1?"  # nothing saved yet

    bob_form["version"] = Dimension.objects.get().version  # as the form shown again holds
    bob_form[f"entries-{index}-id"] = ""
    assert bob.post(change_url(dimension), bob_form).status_code == 302
    saved = Dimension.objects.get()
    assert saved.question == "Bob asks?"
    assert saved.entries.get(segment__slug="b2c").body == "Bob's new B2C text"


def _with_empty_b2c(dimension, body: str) -> dict:
    form = opened_dimension_form(dimension)
    b2c = Segment.objects.get(slug="b2c")
    form |= {
        "entries-TOTAL_FORMS": 2,
        "entries-1-id": "",
        "entries-1-dimension": dimension.pk,
        "entries-1-segment": b2c.pk,
        "entries-1-body": body,
        "entries-1-sources": "",
        "entries-1-version": 1,
    }
    return form


def test_two_editors_filling_the_same_empty_cell_is_a_conflict_not_a_500(dimension):
    writes.delete(None, [dimension.entries.get(segment__slug="b2c")])
    alice, bob = editor_client_for("alice"), editor_client_for("bob")
    alice_form, bob_form = (
        _with_empty_b2c(dimension, "Alice's cell"),
        _with_empty_b2c(dimension, "Bob's"),
    )
    assert alice.post(change_url(dimension), alice_form).status_code == 302

    response = bob.post(change_url(dimension), bob_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "alice added this cell after you opened the form" in html
    assert "Alice&#x27;s cell" in html and "Bob&#x27;s" in html

    bob_form["version"] = Dimension.objects.get().version
    bob_form["entries-1-resolve-body"] = "mine"
    assert bob.post(change_url(dimension), bob_form).status_code == 302
    assert Entry.objects.get(segment__slug="b2c").body == "Bob's"


def test_the_conflict_names_who_changed_that_field_and_says_nothing_was_saved(dimension):
    ed1, ed2, bob = (editor_client_for(name) for name in ("ed1", "ed2", "bob"))
    bob_form = opened_dimension_form(dimension, title="Bob's title")
    ed1.post(change_url(dimension), opened_dimension_form(dimension, title="Ed1's title"))
    ed2.post(change_url(dimension), opened_dimension_form(dimension, question="Ed2 asks?"))
    html = bob.post(change_url(dimension), bob_form).content.decode()
    assert "You and ed1 both changed this" in html
    assert "You and ed2 both changed this" not in html
    assert "Saved since you opened this form" not in html
    assert "Changed by someone else since you opened this form, now in it: Question" in html
