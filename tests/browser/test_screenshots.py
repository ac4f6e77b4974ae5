"""Screenshots of the table, a view and a row page at a laptop and a phone width, for review.

Saved under artifacts/screenshots/ (git-ignored); CI keeps them as build artifacts.
"""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import COMPARISON

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "screenshots"


PAGES = {
    "table": COMPARISON,
    "view": COMPARISON + "?only=customers,sales-influence,dogfooding",
    "row": COMPARISON + "dogfooding/",
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_it_saves_a_screenshot_of_each_page_with_its_share_controls(
    open_page, name, width, color_scheme
):
    page = open_page(PAGES[name], width=width, color_scheme=color_scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}-{width}-{color_scheme}.png"

    page.screenshot(path=path, full_page=True)

    assert page.locator("section.share").is_visible()
    assert path.stat().st_size > 0


@pytest.mark.parametrize("width", [1280, 375])
def test_it_saves_a_screenshot_of_a_short_link_just_made(open_page, settings, site, width):
    settings.SITE_URL = site.url
    page = open_page(PAGES["view"], width=width, permissions=["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy short link").click()
    page.locator("[data-share-result] a").wait_for()
    path = SCREENSHOTS / f"share-{width}-light.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page.locator("section.share").screenshot(path=path)

    assert path.stat().st_size > 0
