"""Finding 1 of issue 25: tag renames, merges and deletions are changes to rows, recorded in
their history, undoable, and never reverted by `load_default_content`."""

from io import StringIO

import pytest
from django.core.management import call_command
from taggit.models import Tag

from comparisons.history.versions import dimension_revisions
from comparisons.models import Changeset, Dimension

pytestmark = pytest.mark.django_db


def _load() -> str:
    out = StringIO()
    call_command("load_default_content", stdout=out)
    return out.getvalue()


def _dimensions_tagged(name: str) -> set[int]:
    return set(Dimension.objects.filter(tags__name=name).values_list("pk", flat=True))


@pytest.fixture
def site():
    _load()


def test_renames_and_deletions_of_tags_survive_load_default_content(site, superuser_client):
    sales, pricing = _dimensions_tagged("sales"), _dimensions_tagged("pricing")
    assert sales and pricing
    tag = Tag.objects.get(name="sales")
    superuser_client.post(
        f"/admin/taggit/tag/{tag.pk}/change/", {"name": "selling", "slug": "selling"}
    )
    tag = Tag.objects.get(name="pricing")
    superuser_client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"})

    report = _load()

    assert _dimensions_tagged("sales") == set()
    assert _dimensions_tagged("pricing") == set()
    assert _dimensions_tagged("selling") == sales
    assert "changed by an editor" not in report
    assert "Left alone" in report


def test_a_tag_rename_is_in_each_rows_history_and_can_be_undone(site, superuser_client):
    row = Dimension.objects.filter(tags__name="sales").first()
    tag = Tag.objects.get(name="sales")
    superuser_client.post(
        f"/admin/taggit/tag/{tag.pk}/change/", {"name": "selling", "slug": "selling"}
    )
    newest, before = dimension_revisions(row.pk)[:2]
    assert newest.record.changeset.reason == Changeset.Reason.TAG_RENAME
    assert [change.name for change in newest.field_changes] == ["tags"]
    assert "sales → selling" in newest.reason

    superuser_client.post(f"/admin/comparisons/dimension/{row.pk}/history/{before.key}/restore/")
    assert "sales" in Dimension.objects.get(pk=row.pk).tags.names()


def test_deleting_a_tag_is_recorded_on_every_row_that_carried_it(site, superuser_client):
    rows = _dimensions_tagged("pricing")
    tag = Tag.objects.get(name="pricing")
    superuser_client.post(f"/admin/taggit/tag/{tag.pk}/delete/", {"post": "yes"})
    changeset = Changeset.objects.get(reason=Changeset.Reason.TAG_DELETE)
    recorded = set(Dimension.history.filter(changeset=changeset).values_list("id", flat=True))
    assert recorded == rows
    for record in Dimension.history.filter(changeset=changeset):
        assert "pricing" not in record.tag_names


def test_merging_tags_is_one_changeset_of_their_rows(site, superuser_client):
    rows = _dimensions_tagged("sales") | _dimensions_tagged("pricing")
    ids = ",".join(str(t.pk) for t in Tag.objects.filter(name__in=["sales", "pricing"]))
    superuser_client.post(f"/admin/taggit/tag/merge/?ids={ids}", {"new_tag_name": "revenue"})
    assert _dimensions_tagged("revenue") == rows
    assert not Tag.objects.filter(name__in=["sales", "pricing"]).exists()
    changeset = Changeset.objects.get(reason=Changeset.Reason.TAG_MERGE)
    assert set(Dimension.history.filter(changeset=changeset).values_list("id", flat=True)) == rows
    _load()
    assert _dimensions_tagged("sales") == set() and _dimensions_tagged("pricing") == set()


def test_the_upgrade_report_says_per_table_in_plain_words_what_it_did(site, superuser_client):
    row = Dimension.objects.get(slug="dogfooding")
    row.delete()  # an editor's deletion (the shell: no changeset, still a deletion record)
    report = _load()
    assert "Left deleted 1 row (editors deleted them): dogfooding." in report
    assert "(deleted by an editor) (changed by an editor)" not in report
