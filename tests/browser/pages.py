"""The public pages the browser tests visit: the HTML pages of the one list (tests/pages.py),
on the default content."""

from tests.pages import DEFAULT_CONTENT, HTML, urls

COMPARISON = f"/compare/{DEFAULT_CONTENT['comparison']}/"

PUBLIC_PAGES = urls(DEFAULT_CONTENT, HTML)
