"""The admin at 1280 px: the row list fits, the whole question and several sources in view."""

import pytest

from comparisons.models import Dimension
from tests.factories import make_editor

pytestmark = pytest.mark.browser


@pytest.fixture
def site(fresh_site):
    """These tests change the content: each gets it afresh."""
    return fresh_site


@pytest.fixture
def admin_page(open_page):
    make_editor("editor")  # staff in the Editors group, password "password"
    page = open_page("/admin/", width=1280, height=800)
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    return page


def test_the_row_list_fits_with_every_column_in_view(admin_page):
    admin_page.get_by_role("link", name="Rows").first.click()
    assert admin_page.locator("h1").inner_text() == "Select row to change"
    edges = admin_page.evaluate(
        """() => ({
            window: document.documentElement.clientWidth,
            page: document.documentElement.scrollWidth,
            list: document.querySelector('#result_list').getBoundingClientRect().right,
            results: document.querySelector('.results').getBoundingClientRect().right,
            difference:
                document.querySelector('th.column-difference').getBoundingClientRect().right,
        })"""
    )
    assert edges["page"] <= edges["window"], edges
    assert edges["list"] <= edges["results"] + 1, edges
    assert edges["difference"] <= edges["results"], edges


def test_the_row_form_shows_the_whole_question_and_room_for_sources(admin_page):
    row = Dimension.objects.get(slug="sales-influence")
    row.question = "How much " + "do individual deals and very large accounts steer " * 5
    row.question = row.question[:250]
    row.save()
    admin_page.goto(f"/admin/comparisons/dimension/{row.pk}/change/")
    question = admin_page.locator("#id_question")
    assert question.input_value() == row.question
    assert question.evaluate("field => field.scrollHeight <= field.clientHeight")
    sources = admin_page.locator("textarea[name$='-sources']").first
    assert sources.get_attribute("rows") == "6"
