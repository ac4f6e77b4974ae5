"""Drafts: a preview link from the admin, publishing in one action, recorded in the history."""

import pytest
from django.test import Client

from comparisons.models import Comparison, Dimension, Status
from tests.admin_forms import change_url, opened_dimension_form
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def draft_dimension(db):
    make_comparison(dimensions=1, dimension_status=Status.DRAFT)
    return Dimension.objects.get()


def test_a_draft_row_offers_a_preview_on_site_and_a_publish_button(editor_client, draft_dimension):
    html = editor_client.get(change_url(draft_dimension)).content.decode()
    assert "Preview on site" in html
    assert f'href="{draft_dimension.get_absolute_url()}"' in html
    assert 'name="_publish"' in html


def test_the_preview_shows_the_draft_to_staff_and_404_to_anonymous(
    editor_client, anonymous, draft_dimension
):
    response = editor_client.get(draft_dimension.get_absolute_url())
    assert response.status_code == 200
    assert "badge-draft" in response.content.decode()
    assert anonymous.get(draft_dimension.get_absolute_url()).status_code == 404


def test_a_published_row_offers_view_on_site_and_no_publish_button(editor_client, comparison):
    row = comparison.dimensions.first()
    html = editor_client.get(change_url(row)).content.decode()
    assert "View on site" in html and "Preview on site" not in html
    assert 'name="_publish"' not in html


def test_save_and_publish_publishes_in_one_action(editor_client, anonymous, draft_dimension):
    data = opened_dimension_form(draft_dimension, title="Ready", _publish="Save and publish")
    response = editor_client.post(change_url(draft_dimension), data)
    assert response.status_code == 302
    assert response["Location"] == change_url(draft_dimension)
    draft_dimension.refresh_from_db()
    assert (draft_dimension.title, draft_dimension.status) == ("Ready", Status.PUBLISHED)
    assert anonymous.get(draft_dimension.get_absolute_url()).status_code == 200
    assert draft_dimension.history.first().changeset.reason == "publish"


def test_a_new_comparison_can_be_saved_and_published_at_once(editor_client, comparison):
    segment = comparison.ordered_segments()[0]
    data = {
        "title": "New table",
        "slug": "new-table",
        "summary": "",
        "status": "draft",
        "comparisonsegment_set-TOTAL_FORMS": 1,
        "comparisonsegment_set-INITIAL_FORMS": 0,
        "comparisonsegment_set-MIN_NUM_FORMS": 1,
        "comparisonsegment_set-MAX_NUM_FORMS": 1000,
        "comparisonsegment_set-0-segment": segment.pk,
        "comparisonsegment_set-0-position": 0,
        "_publish": "Save and publish",
    }
    response = editor_client.post("/admin/comparisons/comparison/add/", data)
    assert response.status_code == 302
    assert Comparison.objects.get(slug="new-table").status == Status.PUBLISHED


def test_the_bulk_publish_action_saves_each_row_into_the_history(editor_client, draft_dimension):
    response = editor_client.post(
        "/admin/comparisons/dimension/",
        {"action": "publish", "_selected_action": [draft_dimension.pk]},
    )
    assert response.status_code == 302
    draft_dimension.refresh_from_db()
    assert draft_dimension.status == Status.PUBLISHED
    assert draft_dimension.version == 2
    assert draft_dimension.history.first().changeset.reason == "publish"
    editor_client.post(
        "/admin/comparisons/dimension/",
        {"action": "unpublish", "_selected_action": [draft_dimension.pk]},
    )
    assert Dimension.objects.get().status == Status.DRAFT


def test_the_bulk_publish_action_publishes_comparisons(editor_client):
    comparison = make_comparison(status=Status.DRAFT, dimensions=0)
    editor_client.post(
        "/admin/comparisons/comparison/",
        {"action": "publish", "_selected_action": [comparison.pk]},
    )
    comparison.refresh_from_db()
    assert comparison.status == Status.PUBLISHED
