"""/embed/<comparison>/: the only page other sites may frame."""

import pytest

from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def test_the_embed_may_be_framed(client, comparison):
    response = client.get("/embed/b2b-vs-b2c/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/compare/b2b-vs-b2c/",
        "/compare/b2b-vs-b2c/?only=row-1",
        "/compare/b2b-vs-b2c/row-1/",
        "/compare/b2b-vs-b2c/export.md",
        "/tags/research/",
    ],
)
def test_every_other_page_refuses_to_be_framed(client, comparison, url):
    assert client.get(url)["X-Frame-Options"] == "DENY"


def test_an_old_embed_url_redirects_without_refusing_the_frame(client, comparison):
    comparison.slug = "renamed"
    comparison.save()
    response = client.get("/embed/b2b-vs-b2c/")
    assert response.status_code == 301
    assert "X-Frame-Options" not in response


def test_the_embed_has_minimal_chrome_and_a_link_back(client, comparison, settings):
    settings.SITE_URL = "https://kb.example.org"
    html = client.get("/embed/b2b-vs-b2c/?only=row-2").content.decode()
    assert 'class="site-header"' not in html and "filter-form" not in html
    assert 'id="row-2"' in html and 'id="row-1"' not in html
    assert 'href="https://kb.example.org/compare/b2b-vs-b2c/?only=row-2" target="_blank"' in html
    assert (
        '<link rel="canonical" href="https://kb.example.org/compare/b2b-vs-b2c/?only=row-2">'
        in html
    )


def test_links_in_the_embed_leave_the_frame(client, comparison):
    html = client.get("/embed/b2b-vs-b2c/").content.decode()
    assert '<base target="_blank">' in html


def test_the_embed_hides_drafts_like_the_table(client):
    make_comparison(slug="hidden", status="draft")
    assert client.get("/embed/hidden/").status_code == 404


def test_the_table_page_offers_the_iframe_snippet(client, comparison, settings):
    settings.SITE_URL = "https://kb.example.org"
    html = client.get("/compare/b2b-vs-b2c/?only=row-1").content.decode()
    assert '<textarea id="embed-snippet"' in html
    assert '&lt;iframe src="https://kb.example.org/embed/b2b-vs-b2c/?only=row-1"' in html


def test_the_snippet_stays_valid_html_whatever_the_title(client, comparison):
    comparison.title = 'Say "B2B" & <mean> it'
    comparison.save()
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    # Escaped twice: the textarea shows it once-escaped, as the snippet's attribute needs.
    assert 'title="Say &amp;quot;B2B&amp;quot; &amp;amp; &amp;lt;mean&amp;gt; it"' in html


def test_the_embed_has_no_inline_scripts_or_styles(client, comparison):
    html = client.get("/embed/b2b-vs-b2c/").content.decode()
    assert "<script" not in html and "<style" not in html and " style=" not in html
