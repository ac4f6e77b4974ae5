"""What a reader sends is inert everywhere: escaped or sanitised in the admin's review, and
never on a public page before an editor accepts it (then sanitised as editors' text is)."""

import re

import pytest
from django.test import Client

from comparisons.suggestions.models import Suggestion
from tests.factories import make_comparison
from tests.suggestions import SUGGEST, send

pytestmark = pytest.mark.django_db

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "<a href='javascript:alert(1)'>x</a>",
]
PAYLOAD = " ".join(VECTORS)
LIVE = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:', "href='javascript:"]


def assert_inert(html: str, where: str) -> None:
    for live in LIVE:
        assert live not in html, f"{live!r} unescaped in {where}"


@pytest.fixture
def hostile(db):
    """A suggestion with an XSS vector in every field of the form."""
    make_comparison(dimensions=2)
    response = send(
        Client(),
        title=PAYLOAD[:120],
        question=PAYLOAD[:250],
        b2b_body=PAYLOAD,
        b2c_body=PAYLOAD,
        b2b_sources=f"{PAYLOAD} | https://example.com/a",
        b2c_sources=f"{VECTORS[1]}",
        reason=PAYLOAD,
        name=VECTORS[0][:60],
        email='"<script>alert(1)</script>"@example.com',
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Suggestion.objects.get()


def test_the_vectors_are_stored_as_sent(hostile):
    assert hostile.reason == PAYLOAD
    assert "<script>" in hostile.email


def test_the_admin_queue_and_review_pages_keep_them_inert(hostile, editor_client):
    review = f"/admin/suggestions/suggestion/{hostile.pk}/change/"
    for url in ("/admin/suggestions/suggestion/", review, f"{review}?edit=1", "/admin/"):
        response = editor_client.get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode(), url)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in editor_client.get(review).content.decode()


def test_no_public_page_shows_what_was_sent(hostile, client):
    pages = [
        "/",
        "/compare/b2b-vs-b2c/",
        "/compare/b2b-vs-b2c/row-1/",
        "/compare/b2b-vs-b2c/row-1/changes/",
        "/compare/b2b-vs-b2c/changes.atom",
        "/embed/b2b-vs-b2c/",
        "/api/v1/comparisons/b2b-vs-b2c/",
        SUGGEST,  # another reader's form: the row as it is
        hostile.get_absolute_url(),  # the sender's own status page
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "alert(1)" not in html, url
        assert "onerror" not in html, url


def test_once_accepted_the_text_is_sanitised_as_editors_text_is(hostile, editor_client, client):
    review = f"/admin/suggestions/suggestion/{hostile.pk}/change/"
    assert editor_client.post(review, {"_accept": "1"}).status_code == 302
    for url in (
        "/compare/b2b-vs-b2c/",
        "/compare/b2b-vs-b2c/row-1/",
        "/compare/b2b-vs-b2c/row-1/changes/",
    ):
        html = client.get(url).content.decode()
        assert_inert(html, url)
        assert not re.search(r"(href|src)=[\"']?\s*javascript", html, re.I), url
    feed = client.get("/compare/b2b-vs-b2c/changes.atom").content.decode()
    assert "<script>" not in feed


def test_the_editors_note_is_escaped_on_the_readers_status_page(hostile, editor_client, client):
    review = f"/admin/suggestions/suggestion/{hostile.pk}/change/"
    editor_client.post(review, {"_decline": "1", "editor_note": VECTORS[0]})
    html = client.get(hostile.get_absolute_url()).content.decode()
    assert_inert(html, "status page")
    assert "&lt;script&gt;" in html
