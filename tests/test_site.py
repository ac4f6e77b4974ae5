"""Site-wide guards: migrations, one <h1> per page, landmarks in the base template."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import make_comparison

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/compare/b2b-vs-b2c/", "/compare/b2b-vs-b2c/row-1/", "/tags/research/"]


def test_there_are_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_page_has_one_h1_a_skip_link_and_labelled_landmarks(client, url):
    make_comparison()
    html = client.get(url).content.decode()
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<a class="skip-link" href="#content">' in html
    assert '<main id="content"' in html
    assert '<nav aria-label="Main">' in html
    assert '<html lang="en">' in html


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_no_page_has_inline_scripts_or_styles(client, url):
    make_comparison()
    html = client.get(url).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
