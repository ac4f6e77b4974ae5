"""A favicon: /favicon.ico answers (browsers ask for it on every site), and pages link icons."""

import re

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_favicon_ico_is_served_at_the_root_and_cached(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age=86400" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\x00\x00\x01\x00")  # an ICO file


def test_the_favicon_holds_the_sizes_its_link_announces(client, settings):
    html = client.get("/").content.decode()
    sizes = re.search(r'<link rel="icon" href="/favicon.ico" sizes="([^"]+)">', html)[1]
    icon = Image.open(settings.WHITENOISE_ROOT / "favicon.ico")
    assert {f"{w}x{h}" for w, h in icon.info["sizes"]} == set(sizes.split())


@pytest.mark.parametrize("url", ["/", "/tags/", "/search/", "/embed/b2b-vs-b2c/", "/nowhere/"])
def test_every_page_links_the_icons(client, comparison, url):
    html = client.get(url).content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    svg = re.search(r'<link rel="icon" href="/static/([^"]+)" type="image/svg\+xml">', html)
    assert svg and finders.find(svg[1]), url
