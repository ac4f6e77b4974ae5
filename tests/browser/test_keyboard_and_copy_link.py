"""Every control works from the keyboard, focus is always visible, and copy-link copies."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import COMPARISON

pytestmark = pytest.mark.browser

CLIPBOARD = ["clipboard-read", "clipboard-write"]

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute("name") || ""),
    text: element.innerText || element.value || "",
    classes: element.className && element.className.baseVal === undefined ? element.className : "",
    outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  };
}"""


def tab_until(page, matches, limit=60) -> dict:
    """Press Tab until the focused element matches; every stop must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outlined"], f"no visible focus on {focused}"
        if matches(focused):
            return focused
    raise AssertionError(f"never reached the control after {limit} tabs")


def test_the_skip_link_is_first_and_moves_focus_to_the_content(open_page):
    page = open_page(COMPARISON)

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()


def test_a_reader_filters_the_table_and_copies_a_row_link_with_the_keyboard_only(open_page, site):
    page = open_page(COMPARISON, permissions=CLIPBOARD)

    tab_until(page, lambda focused: focused["text"].startswith("Filter rows"))
    page.keyboard.press("Enter")
    tab_until(page, lambda focused: focused["name"] == "only")
    page.keyboard.press("Space")
    tab_until(page, lambda focused: focused["name"] == "tag")
    tab_until(page, lambda focused: focused["tag"] == "button" and focused["text"] == "Show")
    page.keyboard.press("Enter")
    # The filter form stamps the share link with when it was made (as_of).
    expect(page).to_have_url(re.compile(r"\?only=customers&as_of=\d+$"))
    assert page.locator(".comparison-table tbody[id]").count() == 1

    tab_until(page, lambda focused: "row-link" in focused["classes"])
    page.keyboard.press("Enter")

    expect(page.locator("[data-share-status]")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(f"{site.url}{COMPARISON}") + r"\?as_of=\d+#customers", copied)


def test_the_copy_link_control_copies_the_row_url_and_confirms(open_page, site):
    page = open_page(COMPARISON, permissions=CLIPBOARD)

    page.get_by_role("link", name="Link to the row “Dogfooding”").click()

    status = page.locator("[data-share-status]")
    expect(status).to_have_text("Link copied")
    expect(status).to_have_class(re.compile("is-visible"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(re.escape(f"{site.url}{COMPARISON}") + r"\?as_of=\d+#dogfooding", copied)
    expect(page).to_have_url(re.compile("#dogfooding$"))


def test_the_embed_code_copies_from_the_keyboard(open_page):
    page = open_page(COMPARISON, permissions=CLIPBOARD)
    tab_until(page, lambda focused: focused["text"].startswith("Embed on another site"))
    page.keyboard.press("Enter")

    tab_until(page, lambda focused: focused["text"] == "Copy embed code")
    page.keyboard.press("Enter")

    expect(page.locator("[data-share-status]")).to_have_text("Embed code copied")
    assert page.evaluate("navigator.clipboard.readText()").startswith("<iframe src=")


def test_a_reader_tabs_to_the_search_box_and_submits_with_the_keyboard(open_page):
    page = open_page("/")

    tab_until(page, lambda focused: focused["name"] == "q")
    page.keyboard.type("dogfood")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=dogfood$"))
    expect(page.get_by_role("link", name="Dogfooding", exact=True)).to_be_visible()
