"""An existing site gets the new default content where no editor touched it, and keeps
everything editors did (comparisons/upgrade.py)."""

import copy

import pytest

from comparisons.content import load_content
from comparisons.models import Comparison, Dimension
from comparisons.upgrade import UPDATED
from tests.admin_forms import change_url, opened_dimension_form

pytestmark = pytest.mark.django_db


def _row(slug, title, b2b, b2c, **extra):
    return {
        "slug": slug,
        "title": title,
        "question": f"{title}?",
        "tags": ["research"],
        "entries": {
            "b2b": {"body": b2b, "sources": ["article"]},
            "b2c": {"body": b2c, "sources": ["article"]},
        },
        **extra,
    }


OLD = {
    "segments": [{"slug": "b2b", "name": "B2B"}, {"slug": "b2c", "name": "B2C"}],
    "sources": {"article": {"title": "An article", "url": "https://example.com/article"}},
    "comparisons": [
        {
            "slug": "shipped",
            "title": "Shipped table",
            "summary": "Old summary.",
            "segments": ["b2b", "b2c"],
            "dimensions": [
                _row("alpha", "Alpha", "Old alpha B2B.", "Old alpha B2C."),
                _row("beta", "Beta", "Old beta B2B.", "Old beta B2C."),
                _row("gamma", "Gamma", "Old gamma B2B.", "Old gamma B2C."),
                _row("epsilon", "Epsilon", "Old epsilon B2B.", "Old epsilon B2C."),
            ],
        }
    ],
}
NEW = copy.deepcopy(OLD)
NEW["comparisons"][0]["summary"] = "New summary."
NEW["comparisons"][0]["dimensions"] = [
    _row("alpha", "Alpha", "New alpha B2B.", "New alpha B2C."),
    _row("beta-and-epsilon", "Beta", "Merged B2B.", "Merged B2C.", replaces=["beta", "epsilon"]),
    _row("delta", "Delta", "New delta B2B.", "New delta B2C."),
]


@pytest.fixture
def shipped():
    load_content(OLD)
    return Comparison.objects.get(slug="shipped")


def _body(slug, segment="b2b"):
    return Dimension.objects.get(slug=slug).entries.get(segment__slug=segment).body


def test_rows_no_editor_touched_take_the_new_text_recorded_in_history(shipped):
    report = load_content(NEW)["upgraded"]["shipped"]
    assert _body("alpha") == "New alpha B2B."
    assert "alpha" in report.updated
    assert Dimension.objects.get(slug="alpha").history.first().history_change_reason == UPDATED
    shipped.refresh_from_db()
    assert shipped.summary == "New summary."


def test_a_row_an_editor_changed_is_kept_as_they_left_it(shipped, editor_client):
    alpha = Dimension.objects.get(slug="alpha")
    editor_client.post(change_url(alpha), opened_dimension_form(alpha, b2c_body="Editor's B2C."))
    report = load_content(NEW)["upgraded"]["shipped"]
    assert _body("alpha", "b2c") == "Editor's B2C."
    assert _body("alpha") == "Old alpha B2B."
    assert report.kept == ["alpha"]


def test_an_editors_change_to_one_cell_keeps_the_whole_row(shipped):
    alpha = Dimension.objects.get(slug="alpha")
    entry = alpha.entries.get(segment__slug="b2b")
    entry.body = "Changed in the shell."
    entry.save()
    load_content(NEW)
    assert _body("alpha", "b2c") == "Old alpha B2C."


def test_merged_rows_keep_their_old_addresses(shipped, client):
    report = load_content(NEW)["upgraded"]["shipped"]
    assert report.merged == ["beta → beta-and-epsilon", "epsilon → beta-and-epsilon"]
    assert _body("beta-and-epsilon") == "Merged B2B."
    for old in ("beta", "epsilon"):
        response = client.get(f"/compare/shipped/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/compare/shipped/beta-and-epsilon/"


def test_new_rows_are_added_in_place_and_dropped_rows_are_kept(shipped):
    load_content(NEW)
    rows = shipped.dimensions.order_by("position", "title")
    assert list(rows.values_list("slug", flat=True)) == [
        "alpha",
        "beta-and-epsilon",
        "delta",
        "gamma",
    ]
    assert _body("delta") == "New delta B2B."


def test_a_row_an_editor_deleted_or_renamed_does_not_come_back(shipped):
    Dimension.objects.get(slug="alpha").delete()
    load_content(NEW)
    delta = Dimension.objects.get(slug="delta")
    delta.slug = "delta-renamed"
    delta.save()
    load_content(NEW)
    slugs = set(shipped.dimensions.values_list("slug", flat=True))
    assert "alpha" not in slugs and "delta" not in slugs and "delta-renamed" in slugs


def test_loading_the_same_content_again_writes_nothing(shipped):
    load_content(NEW)
    versions = Dimension.history.count()
    report = load_content(NEW)["upgraded"]["shipped"]
    assert Dimension.history.count() == versions
    assert (report.updated, report.added, report.merged) == ([], [], [])
