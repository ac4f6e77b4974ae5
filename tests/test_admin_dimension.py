import pytest

from comparisons.models import Dimension, Entry
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def _dimension_form(comparison, entries, **fields):
    """The POST data of the dimension form with its inline entries."""
    data = {
        "comparison": comparison.pk,
        "title": "Pricing",
        "slug": "pricing",
        "question": "How does it earn money?",
        "status": "published",
        "difference": "opposite",
        "position": 5,
        "tags": "pricing, money",
        "common_ground": "",
        "version": 1,
        "entries-TOTAL_FORMS": len(entries),
        "entries-INITIAL_FORMS": 0,
        "entries-MIN_NUM_FORMS": 0,
        "entries-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, (segment, body, sources) in enumerate(entries):
        data[f"entries-{index}-segment"] = segment.pk
        data[f"entries-{index}-body"] = body
        data[f"entries-{index}-sources"] = sources
        data[f"entries-{index}-version"] = 1
    return data


def test_the_add_form_offers_one_entry_per_segment_of_the_comparison(editor_client):
    comparison = make_comparison(dimensions=0)
    response = editor_client.get(f"/admin/comparisons/dimension/add/?comparison={comparison.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="entries-TOTAL_FORMS" value="2"' in html
    assert "side-by-side" in html


def test_an_editor_creates_a_row_with_both_entries_in_one_post(editor_client):
    comparison = make_comparison(dimensions=0)
    b2b, b2c = comparison.ordered_segments()
    data = _dimension_form(
        comparison,
        [
            (b2b, "Contracts and seats.", "Guide | https://example.com/guide"),
            (b2c, "Often free at first.", ""),
        ],
    )
    response = editor_client.post("/admin/comparisons/dimension/add/", data)
    assert response.status_code == 302
    dimension = Dimension.objects.get(slug="pricing")
    assert {e.segment.slug: e.body for e in dimension.entries.all()} == {
        "b2b": "Contracts and seats.",
        "b2c": "Often free at first.",
    }
    assert dimension.entries.get(segment=b2b).sources == [
        {"title": "Guide", "url": "https://example.com/guide"}
    ]
    assert sorted(dimension.tags.names()) == ["money", "pricing"]


def test_an_edit_in_the_admin_shows_on_the_table(editor_client, client):
    comparison = make_comparison(dimensions=1)
    dimension = comparison.dimensions.get()
    b2b_entry, b2c_entry = dimension.entries.order_by("segment__position")
    data = _dimension_form(
        comparison,
        [],
        title="Row 1",
        slug="row-1",
        **{
            "entries-TOTAL_FORMS": 2,
            "entries-INITIAL_FORMS": 2,
            "entries-0-id": b2b_entry.pk,
            "entries-0-dimension": dimension.pk,
            "entries-0-segment": b2b_entry.segment_id,
            "entries-0-body": "Edited by an editor.",
            "entries-0-sources": "",
            "entries-0-version": b2b_entry.version,
            "entries-1-id": b2c_entry.pk,
            "entries-1-dimension": dimension.pk,
            "entries-1-segment": b2c_entry.segment_id,
            "entries-1-body": b2c_entry.body,
            "entries-1-sources": "",
            "entries-1-version": b2c_entry.version,
        },
    )
    response = editor_client.post(f"/admin/comparisons/dimension/{dimension.pk}/change/", data)
    assert response.status_code == 302
    client.logout()
    assert "Edited by an editor." in client.get("/compare/b2b-vs-b2c/").content.decode()


def test_a_source_that_is_not_http_is_a_form_error(editor_client):
    comparison = make_comparison(dimensions=0)
    b2b, _ = comparison.ordered_segments()
    data = _dimension_form(comparison, [(b2b, "Body", "Evil | javascript:alert(1)")])
    response = editor_client.post("/admin/comparisons/dimension/add/", data)
    assert response.status_code == 200
    assert "must start with http:// or https://" in response.content.decode()
    assert not Dimension.objects.filter(slug="pricing").exists()


def test_an_entry_for_a_segment_outside_the_comparison_is_refused(editor_client):
    comparison = make_comparison(dimensions=0)
    outsider = make_comparison(slug="other", segments=("B2G",), dimensions=0).ordered_segments()[0]
    data = _dimension_form(comparison, [(outsider, "Body", "")])
    response = editor_client.post("/admin/comparisons/dimension/add/", data)
    assert response.status_code == 200
    assert not Entry.objects.exists()


def test_the_change_list_filters_by_comparison_status_and_tag(editor_client, comparison):
    make_comparison(slug="other", dimensions=1)
    response = editor_client.get("/admin/comparisons/dimension/?status__exact=published")
    html = response.content.decode()
    assert response.status_code == 200
    for title in ("comparison", "status", "Tags"):
        assert f'data-filter-title="{title}"' in html


def test_the_admin_links_to_the_row_on_the_site(editor_client, comparison):
    dimension = comparison.dimensions.first()
    html = editor_client.get(
        f"/admin/comparisons/dimension/{dimension.pk}/change/"
    ).content.decode()
    assert "View on site" in html


def test_anonymous_users_are_sent_to_the_login(client, db):
    response = client.get("/admin/comparisons/dimension/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
