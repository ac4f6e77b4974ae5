"""What readers and editors do, end to end in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from comparisons.models import Entry
from tests.browser.pages import COMPARISON
from tests.factories import make_editor

pytestmark = pytest.mark.browser


@pytest.fixture
def site(fresh_site):
    """These tests change the content: each gets it afresh."""
    return fresh_site


def dimension_slugs_shown(page) -> list[str]:
    return page.locator(".comparison-table tbody[id]").evaluate_all(
        "rows => rows.map(row => row.id)"
    )


def segment_names(page) -> list[str]:
    return page.locator(".comparison-table thead th").all_inner_texts()


def test_a_reader_goes_from_home_to_a_comparison_to_a_row_page(open_page):
    page = open_page("/")

    page.locator(".flagship").get_by_role("link", name="Product management: B2B vs B2C").click()
    expect(page).to_have_url(re.compile(re.escape(COMPARISON) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Product management: B2B vs B2C")

    page.get_by_role("link", name="Dogfooding", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(COMPARISON) + "dogfooding/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dogfooding")

    page.get_by_role("link", name="See this row in the whole table").click()
    expect(page).to_have_url(re.compile(re.escape(COMPARISON) + "#dogfooding$"))
    expect(page.locator("#dogfooding")).to_be_in_viewport()


def test_a_filtered_view_built_with_the_form_opens_the_same_from_its_url(open_page):
    page = open_page(COMPARISON)

    page.get_by_text("Filter rows and columns").click()
    page.get_by_label("Customers and target market", exact=True).check()
    page.get_by_label("Business model and success metrics", exact=True).check()
    page.get_by_label("B2C", exact=True).check()
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"only=customers"))
    rows, columns = dimension_slugs_shown(page), segment_names(page)

    fresh = open_page(page.url)

    assert rows == ["customers", "success-metrics"]
    assert [name.upper() for name in columns] == ["ROW", "B2C"]
    assert dimension_slugs_shown(fresh) == rows
    assert segment_names(fresh) == columns


def test_an_editor_changes_an_entry_in_the_admin_and_the_table_shows_it(open_page):
    make_editor("editor")  # staff in the Editors group, password "password"
    entry = Entry.objects.get(dimension__slug="customers", segment__slug="b2b")
    page = open_page("/admin/")

    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Rows").first.click()
    page.get_by_role("link", name="Customers and target market").click()
    segment_field = page.locator(
        f"select[name$='-segment']:has(option[value='{entry.segment_id}']:checked)"
    )
    prefix = segment_field.get_attribute("name").removesuffix("segment")
    page.locator(f"textarea[name='{prefix}body']").fill(
        "Edited in the browser: a **named account list**."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(COMPARISON)

    expect(page.locator("#customers td[data-segment='B2B'] .entry")).to_have_text(
        "Edited in the browser: a named account list."
    )


def test_a_reader_searches_from_the_header_and_lands_on_the_row(open_page):
    page = open_page("/")

    page.get_by_role("searchbox", name="Search").fill("dogfood")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=dogfood$"))
    expect(page.locator("main mark").first).to_be_visible()

    page.get_by_role("link", name="Dogfooding", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(COMPARISON) + "#dogfooding$"))
    expect(page.locator("#dogfooding")).to_be_in_viewport()
