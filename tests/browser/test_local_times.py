"""Issue 30, 4: change logs and "recently changed" show times in the reader's time zone.

Pages are shared-cached, so the server prints UTC, labelled "UTC"; local-times.js rewrites
each `<time data-local>` with the browser's zone and locale. Without script the UTC stays.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.pages import COMPARISON

pytestmark = pytest.mark.browser

CHANGE_LOG = COMPARISON + "dogfooding/changes/"
ZONE = "America/New_York"


def first_time(browser, site, path, **options):
    """The first marked `<time>` of a page: its datetime attribute, text and title."""
    context = browser.new_context(base_url=site.url, locale="en-US", **options)
    page = context.new_page()
    page.goto(path)
    time = page.locator("time[data-local]").first
    expect(time).to_be_visible()
    found = (time.get_attribute("datetime"), time.inner_text(), time.get_attribute("title"))
    context.close()
    return found


@pytest.mark.parametrize("path", [CHANGE_LOG, "/"], ids=["change log", "home"])
def test_times_read_in_the_readers_zone_and_in_utc_without_script(browser, site, path):
    attribute, text, title = first_time(browser, site, path, timezone_id=ZONE)
    moment = datetime.fromisoformat(attribute)
    utc_text = f"{moment.astimezone(ZoneInfo('UTC')):%-d %b %Y, %H:%M} UTC"
    local = moment.astimezone(ZoneInfo(ZONE))

    assert "UTC" not in text
    assert local.tzname() in text  # EST or EDT
    assert f"{local:%b} {local.day}, {local.year}, {local.hour % 12 or 12}:{local:%M}" in text
    assert title == utc_text  # the server's text stays at hand

    attribute, text, title = first_time(
        browser, site, path, timezone_id=ZONE, java_script_enabled=False
    )
    assert text == utc_text
    assert title is None
