"""axe-core finds no serious or critical problem on any public page, in either scheme."""

import pytest

from tests.browser.pages import COMPARISON, PUBLIC_PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_axe_finds_no_serious_violations(open_page, axe, path, color_scheme):
    page = open_page(path, color_scheme=color_scheme)

    assert axe(page) == []


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_axe_finds_no_serious_violations_on_a_phone(open_page, axe, color_scheme):
    page = open_page(COMPARISON, width=375, height=800, color_scheme=color_scheme)

    assert axe(page) == []
