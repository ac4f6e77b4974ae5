"""No silent overwrites: a save from a stale version is refused, in the form and in the UPDATE."""

import pytest

from comparisons.models import Dimension, Entry
from comparisons.versioning import EditConflict
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import editor_client_for, make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def dimension(db):
    make_comparison(dimensions=1)
    return Dimension.objects.get()


@pytest.fixture
def alice():
    return editor_client_for("alice")


@pytest.fixture
def bob():
    return editor_client_for("bob")


def test_the_update_itself_refuses_a_save_from_a_stale_version(dimension):
    first, second = Dimension.objects.get(pk=dimension.pk), Dimension.objects.get(pk=dimension.pk)
    first.title = "First"
    first.save()
    second.title = "Second"
    with pytest.raises(EditConflict):
        second.save()
    dimension.refresh_from_db()
    assert (dimension.title, dimension.version) == ("First", 2)
    assert second.version == 1  # unchanged by the refused save


def test_the_update_itself_refuses_a_stale_entry(dimension):
    first, second = (
        Entry.objects.get(pk=dimension.entries.first().pk),
        Entry.objects.get(pk=dimension.entries.first().pk),
    )
    first.body = "First"
    first.save()
    second.body = "Second"
    with pytest.raises(EditConflict):
        second.save()
    assert Entry.objects.get(pk=first.pk).body == "First"


def test_save_with_update_fields_still_checks_and_bumps_the_version(dimension):
    stale = Dimension.objects.get(pk=dimension.pk)
    dimension.position = 9
    dimension.save(update_fields=["position"])
    assert Dimension.objects.get(pk=dimension.pk).version == 2
    stale.position = 3
    with pytest.raises(EditConflict):
        stale.save(update_fields=["position"])


def test_the_second_of_two_editors_is_refused_and_keeps_their_input(dimension, alice, bob):
    alice_form = opened_dimension_form(dimension)
    bob_form = opened_dimension_form(dimension)
    assert alice.get(change_url(dimension)).status_code == 200
    assert bob.get(change_url(dimension)).status_code == 200

    alice_form["title"] = "Alice's title"
    assert alice.post(change_url(dimension), alice_form).status_code == 302

    bob_form["title"] = "Bob's title"
    bob_form["question"] = "Bob typed a long question?"
    response = bob.post(change_url(dimension), bob_form)
    html = response.content.decode()
    assert response.status_code == 200
    assert "alice saved" in html
    assert "after you opened this form" in html
    assert "<del>Row 1</del><ins>Alice&#x27;s title</ins>" in html  # their change
    assert 'value="Bob&#x27;s title"' in html  # Bob's input is still in the form
    assert "Bob typed a long question?" in html
    dimension.refresh_from_db()
    assert dimension.title == "Alice's title"


def test_after_the_refusal_saving_again_keeps_the_second_editors_version(dimension, alice, bob):
    alice_form, bob_form = opened_dimension_form(dimension), opened_dimension_form(dimension)
    alice_form["title"] = "Alice's title"
    alice.post(change_url(dimension), alice_form)
    bob_form["title"] = "Bob's title"
    response = bob.post(change_url(dimension), bob_form)
    # The refused form now carries the current version: a second save is a decision.
    assert 'name="version" value="2"' in response.content.decode()
    bob_form["version"] = 2
    for index in range(2):
        bob_form[f"entries-{index}-version"] = Entry.objects.get(
            pk=bob_form[f"entries-{index}-id"]
        ).version
    assert bob.post(change_url(dimension), bob_form).status_code == 302
    dimension.refresh_from_db()
    assert dimension.title == "Bob's title"


def test_cells_edited_by_two_editors_on_different_segments_are_merged(dimension, alice, bob):
    b2c = dimension.entries.get(segment__slug="b2c")
    bob_form = opened_dimension_form(dimension, b2b_body="Bob's B2B text")
    # Alice edits only the B2C cell, through the entry alone (no dimension save).
    b2c.body = "Alice's B2C text"
    b2c.save()
    response = bob.post(change_url(dimension), bob_form, follow=True)
    html = response.content.decode()
    assert response.redirect_chain  # saved
    assert "kept: B2C · Body" in html  # Bob is told what of Alice's he kept
    assert dimension.entries.get(segment__slug="b2c").body == "Alice's B2C text"
    assert dimension.entries.get(segment__slug="b2b").body == "Bob's B2B text"


def test_interleaved_saves_of_different_editors_each_see_the_latest_version(dimension, alice, bob):
    alice.post(change_url(dimension), opened_dimension_form(dimension, title="One"))
    bob.post(change_url(dimension), opened_dimension_form(dimension, title="Two"))
    alice.post(change_url(dimension), opened_dimension_form(dimension, title="Three"))
    dimension.refresh_from_db()
    assert (dimension.title, dimension.version) == ("Three", 4)
    assert list(dimension.history.values_list("history_user__username", flat=True)[:3]) == [
        "alice",
        "bob",
        "alice",
    ]


def test_a_race_past_the_form_check_is_caught_by_the_update(dimension, alice, monkeypatch):
    """The form saw the current version, but another save lands before the UPDATE."""
    from comparisons.history import conflicts

    form = opened_dimension_form(dimension, title="Alice's title")
    original_clean = conflicts.ConflictCheckedForm.clean

    def clean_then_someone_saves(self):
        cleaned = original_clean(self)
        if isinstance(self.instance, Dimension):
            Dimension.objects.filter(pk=self.instance.pk).update(version=99, title="Meanwhile")
        return cleaned

    monkeypatch.setattr(conflicts.ConflictCheckedForm, "clean", clean_then_someone_saves)
    with pytest.raises(EditConflict):
        _save_through_form(dimension, form)
    assert Dimension.objects.get(pk=dimension.pk).title == "Meanwhile"


def _save_through_form(dimension, data):
    from comparisons.forms import DimensionForm

    form = DimensionForm(data, instance=Dimension.objects.get(pk=dimension.pk))
    assert form.is_valid(), form.errors
    form.save()


def test_the_admin_answers_a_race_past_its_lock_with_a_message_and_writes_nothing(
    dimension, alice, monkeypatch
):
    """A write that skips the row lock (a queryset update) lands between Alice's form check and
    her UPDATE: the conditional UPDATE refuses, the whole save is rolled back, she is told."""
    from comparisons.history import conflicts

    original_clean = conflicts.ConflictCheckedForm.clean

    def clean_then_someone_writes(self):
        cleaned = original_clean(self)
        if isinstance(self.instance, Dimension):
            Dimension.objects.filter(pk=self.instance.pk).update(version=99, title="Meanwhile")
        return cleaned

    monkeypatch.setattr(conflicts.ConflictCheckedForm, "clean", clean_then_someone_writes)
    form = opened_dimension_form(dimension, title="Alice's title", b2b_body="Alice's B2B text")
    response = alice.post(change_url(dimension), form, follow=True)
    assert "Not saved: the row was saved by someone else" in response.content.decode()
    dimension.refresh_from_db()
    assert dimension.title == "Row 1"  # rolled back with the rest of her save
    assert dimension.entries.get(segment__slug="b2b").body == "B2B answer for row 1"


def test_the_admin_locks_the_row_and_its_cells_while_it_saves(
    dimension, alice, django_assert_max_num_queries, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        alice.post(change_url(dimension), opened_dimension_form(dimension, title="Locked"))
    locking = [q["sql"] for q in queries if "FOR UPDATE" in q["sql"]]
    if connection.features.has_select_for_update:
        assert any('"comparisons_dimension"' in sql for sql in locking)
        assert any('"comparisons_entry"' in sql for sql in locking)
    else:  # SQLite: every transaction takes the write lock when it begins
        assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
