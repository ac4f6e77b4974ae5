"""Site-wide guards: migrations, one <h1> per page, landmarks in the base template."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.factories import make_comparison
from tests.pages import HTML, SAMPLE, page_types, urls

pytestmark = pytest.mark.django_db

PAGES = urls(SAMPLE, HTML)
SITE_PAGES = {page.name: page.url(SAMPLE) for page in page_types(HTML) if not page.framable}


def test_there_are_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_every_page_has_one_h1_and_a_language(client, url):
    make_comparison()
    html = client.get(url).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<html lang="en">' in html


@pytest.mark.parametrize("url", SITE_PAGES.values(), ids=SITE_PAGES.keys())
def test_every_page_of_the_site_has_a_skip_link_and_labelled_landmarks(client, url):
    make_comparison()
    html = client.get(url).content.decode()
    assert '<a class="skip-link" href="#content">' in html
    assert '<main id="content"' in html
    assert '<nav aria-label="Main">' in html


@pytest.mark.parametrize("url", PAGES.values(), ids=PAGES.keys())
def test_no_page_has_inline_scripts_or_styles(client, url):
    make_comparison()
    html = client.get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
