"""Screenshots of the table at a laptop and a phone width, in both schemes, for review.

Saved under artifacts/screenshots/ (git-ignored); CI keeps them as build artifacts.
"""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import COMPARISON

pytestmark = pytest.mark.browser

SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_it_saves_a_screenshot_of_the_table(open_page, width, color_scheme):
    page = open_page(COMPARISON, width=width, color_scheme=color_scheme)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"table-{width}-{color_scheme}.png"

    page.screenshot(path=path, full_page=True)

    assert path.stat().st_size > 0
