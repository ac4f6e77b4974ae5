"""A reader suggests a change, an editor edits the row meanwhile and accepts: both stay."""

import re

import feedparser
import pytest
from playwright.sync_api import expect

from tests.browser.pages import COMPARISON
from tests.factories import make_editor

pytestmark = pytest.mark.browser


@pytest.fixture
def site(fresh_site):
    """These tests change the content: each gets it afresh."""
    return fresh_site


ROW = "Customers and target market"
READERS_TEXT = "Most B2C apps now reach their users through two app stores."
EDITORS_QUESTION = "Who is the product for, and how many are there today?"


def log_in_as_editor(page) -> None:
    make_editor("editor")  # staff in the Editors group, password "password"
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("password")
    page.get_by_role("button", name="Log in").click()


def test_a_readers_suggestion_and_an_editors_change_meanwhile_both_reach_the_table(open_page):
    reader = open_page(COMPARISON)
    reader.get_by_role("link", name=f"Suggest a change to “{ROW}”").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(f"Suggest a change to “{ROW}”")
    reader.get_by_label("B2C: text").fill(READERS_TEXT)
    reader.get_by_label("Reason").fill("Seen in the app stores' rules of this year.")
    reader.get_by_label("Name (optional)").fill("Ada")
    reader.get_by_role("button", name="Send the suggestion").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Thank you: your suggestion is sent"
    )
    status_url = reader.url.removesuffix("?sent=1")

    editor = open_page("/admin/")
    log_in_as_editor(editor)
    editor.get_by_role("link", name="Rows").first.click()
    editor.get_by_role("link", name=ROW).click()
    editor.get_by_label("Question").fill(EDITORS_QUESTION)
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")

    editor.goto("/admin/")
    editor.get_by_role("link", name="1 open suggestion from readers").click()
    editor.get_by_role("link", name=re.compile(ROW)).first.click()
    expect(editor.locator(".suggestion-diff")).to_contain_text("applied on accept")
    editor.get_by_role("button", name="Accept", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("Accepted; applied: B2C: text")

    reader.goto(COMPARISON)
    row = reader.locator("#customers")
    expect(row.locator("td[data-segment='B2C'] .entry")).to_have_text(READERS_TEXT)
    expect(row.locator(".question")).to_have_text(EDITORS_QUESTION)
    feed = feedparser.parse(reader.request.get(f"{COMPARISON}changes.atom").body())
    assert feed.entries[0].title == f"{ROW}: B2C answer changed. Suggested by Ada."
    reader.goto(status_url)
    expect(reader.locator(".suggestion-status")).to_contain_text("Accepted")


def test_the_suggestion_form_and_status_page_pass_axe(open_page, axe):
    page = open_page(f"{COMPARISON}customers/suggest/")
    assert axe(page) == []
    page.get_by_label("B2B: text").fill("A corrected B2B cell.")
    page.get_by_label("Reason").fill("A newer source.")
    page.get_by_role("button", name="Send the suggestion").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thank you")
    assert axe(page) == []
