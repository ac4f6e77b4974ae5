"""Beyond axe's defaults: field edges at 3:1, placeholders at 4.5:1, 24 px link targets."""

import re

import pytest

from tests.browser.pages import PUBLIC_PAGES

pytestmark = pytest.mark.browser


def _luminance(rgb: str) -> float:
    channels = [int(value) / 255 for value in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([_luminance(first), _luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_the_search_field_edge_and_placeholder_can_be_seen(open_page, color_scheme):
    page = open_page("/", color_scheme=color_scheme)
    colours = page.eval_on_selector(
        "#site-search-q",
        """field => ({
            border: getComputedStyle(field).borderTopColor,
            field: getComputedStyle(field).backgroundColor,
            page: getComputedStyle(document.body).backgroundColor,
            placeholder: getComputedStyle(field, '::placeholder').color,
        })""",
    )
    assert contrast(colours["border"], colours["field"]) >= 3, colours
    assert contrast(colours["border"], colours["page"]) >= 3, colours
    assert contrast(colours["placeholder"], colours["field"]) >= 4.5, colours


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        (PUBLIC_PAGES["table"], ".row-link"),
        (PUBLIC_PAGES["table"], ".sources a"),
        (PUBLIC_PAGES["embed"], ".sources a"),
        (PUBLIC_PAGES["embed"], ".embed-source a"),
    ],
)
@pytest.mark.parametrize("width", [375, 1280])
def test_link_targets_are_at_least_24_pixels(open_page, path, selector, width):
    page = open_page(path, width=width)
    sizes = page.eval_on_selector_all(
        selector,
        "links => links.map(link => [link.getBoundingClientRect().width,"
        " link.getBoundingClientRect().height])",
    )
    assert sizes, selector
    assert all(height >= 24 for _, height in sizes), sizes[:5]
    if selector == ".row-link":
        assert all(width >= 24 for width, _ in sizes), sizes[:5]
