"""No page relies on inline script or style, which the content security policy forbids."""

import pytest

from tests.browser.pages import PUBLIC_PAGES

pytestmark = pytest.mark.browser

INLINE = "document.querySelectorAll('[style], style, script:not([src])').length"


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_no_public_page_has_inline_script_or_style_once_loaded(open_page, path):
    page = open_page(path)

    assert page.evaluate(INLINE) == 0
