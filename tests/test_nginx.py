"""deploy/nginx.conf in front of a live kb: pages cached, staff never, static files served by
nginx, the last copy served while the app is down. Skips without nginx (fails under CI);
to run it: apt-get install -y nginx."""

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from comparisons.history import writes
from comparisons.models import Dimension
from tests.factories import make_comparison
from tests.nginx_server import nginx_binary, start_nginx

pytestmark = pytest.mark.django_db(transaction=True)

STATIC = Path(__file__).resolve().parent.parent / "static"
TABLE = "/compare/b2b-vs-b2c/"


@pytest.fixture
def app(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    server = LiveServer("127.0.0.1:0")
    yield server
    server.stop()


@pytest.fixture
def nginx(app, tmp_path):
    if not nginx_binary():
        message = "tests/test_nginx.py needs nginx: apt-get install -y nginx"
        if os.getenv("CI"):
            pytest.fail(f"CI: {message}", pytrace=False)
        pytest.skip(message)
    proxy = start_nginx(app.thread.port, STATIC, tmp_path / "nginx")
    yield proxy
    proxy.stop()


def get(url: str, cookie: str = ""):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers, response.read()


def test_a_public_page_is_served_from_nginx_cache_the_second_time(nginx):
    make_comparison(dimensions=2)
    first, _ = get(nginx.base + TABLE)
    second, body = get(nginx.base + TABLE)
    assert first["X-Cache-Status"] == "MISS"
    assert second["X-Cache-Status"] == "HIT"
    assert b"Row 2" in body


MARKER = "kb_staff=" + "0" * 32 + ":1abcde:" + "A" * 43  # looks signed; nginx cannot tell


@pytest.mark.parametrize("cookie", [MARKER, f"a=1; {MARKER}"])
def test_staff_requests_bypass_the_cache_and_are_never_stored(nginx, cookie):
    make_comparison(dimensions=2)
    staff, _ = get(nginx.base + TABLE, cookie=cookie)
    reader, _ = get(nginx.base + TABLE)
    assert staff["X-Cache-Status"] == "BYPASS"
    assert reader["X-Cache-Status"] == "MISS"  # the staff response was not stored


@pytest.mark.parametrize("cookie", ["theme=dark", "sessionid=forged", "kb_staff=1"])
def test_other_cookies_still_get_the_cached_page(nginx, cookie):
    make_comparison(dimensions=2)
    get(nginx.base + TABLE)
    headers, _ = get(nginx.base + TABLE, cookie=cookie)
    assert headers["X-Cache-Status"] == "HIT"


def test_queries_naming_unknown_parameters_are_left_to_the_app(nginx):
    make_comparison(dimensions=2)
    for n in range(20):
        headers, body = get(f"{nginx.base}{TABLE}?utm_x={n}")
        assert headers["X-Cache-Status"] == "BYPASS"
        assert b"Row 2" in body
    get(f"{nginx.base}{TABLE}?only=row-1")
    headers, _ = get(f"{nginx.base}{TABLE}?only=row-1")
    assert headers["X-Cache-Status"] == "HIT"


def test_pages_that_are_not_public_are_not_stored(nginx):
    get(nginx.base + "/admin/login/")
    headers, _ = get(nginx.base + "/admin/login/")
    assert headers["X-Cache-Status"] == "MISS"


def test_static_files_are_served_by_nginx_even_with_the_app_down(nginx, app):
    app.stop()
    headers, body = get(nginx.base + "/static/css/base.css")
    assert body == (STATIC / "css" / "base.css").read_bytes()
    assert "immutable" in headers["Cache-Control"]


def test_readers_get_the_last_copy_while_the_app_is_down(nginx, app, settings):
    settings.SHARED_CACHE_SECONDS = 1
    make_comparison(dimensions=2)
    get(nginx.base + TABLE)
    app.stop()
    time.sleep(2.5)  # the copy expires (nginx counts whole seconds): it asks the app in vain
    headers, body = get(nginx.base + TABLE)
    assert headers["X-Cache-Status"] == "STALE"
    assert b"Row 2" in body


def down(url: str) -> urllib.error.HTTPError:
    with pytest.raises(urllib.error.HTTPError) as error:
        get(url)
    return error.value


def test_a_page_never_cached_is_the_sites_503_page_while_the_app_is_down(nginx, app):
    app.stop()
    error = down(nginx.base + "/compare/never-seen/")
    assert error.code == 503
    assert error.headers["Retry-After"] == "30"
    assert error.headers["Content-Type"].startswith("text/html")
    assert b"<h1>Unavailable for a moment</h1>" in error.read()


def test_the_api_gets_json_while_the_app_is_down(nginx, app):
    app.stop()
    error = down(nginx.base + "/api/v1/comparisons/")
    assert (error.code, error.headers["Content-Type"]) == (503, "application/json")
    assert "Unavailable" in json.loads(error.read())["detail"]


def test_healthz_says_the_app_is_down_in_json(nginx, app):
    app.stop()
    error = down(nginx.base + "/healthz")
    assert (error.code, error.headers["Content-Type"]) == (503, "application/json")
    assert json.loads(error.read()) == {"status": "unavailable", "app": False}


def test_an_edit_reaches_readers_once_the_copy_expires(nginx, settings):
    settings.SHARED_CACHE_SECONDS = 1
    make_comparison(dimensions=2)
    get(nginx.base + TABLE)
    dimension = Dimension.objects.get(slug="row-2")
    dimension.title = "A title after the edit"
    writes.save(None, dimension)
    time.sleep(2.5)  # the copy expires (nginx counts whole seconds, so 1 s means under 2)
    headers, body = get(nginx.base + TABLE)
    assert headers["X-Cache-Status"] == "STALE"  # served while one request refreshes it
    assert b"A title after the edit" not in body
    for _ in range(50):  # the background refresh lands (no speed asserted: 10 s at most)
        _, body = get(nginx.base + TABLE)
        if b"A title after the edit" in body:
            break
        time.sleep(0.2)
    assert b"A title after the edit" in body
