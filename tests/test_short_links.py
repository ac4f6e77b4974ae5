"""Short links: /v/<code> for the exact public view (filter and as_of), made on first request."""

import math
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from comparisons.models import Comparison, Dimension, Entry, Status
from comparisons.sharing.shortlinks.models import ALPHABET, CODE_LENGTH, ShortLink
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db

MAKE = "/compare/b2b-vs-b2c/short-link"
AN_HOUR_AGO = timezone.now() - timedelta(hours=1)


@pytest.fixture
def published_an_hour_ago(db):
    """A published table of three rows, last edited an hour ago."""
    comparison = make_comparison(dimensions=3)
    Dimension.objects.update(updated=AN_HOUR_AGO)
    Entry.objects.update(updated=AN_HOUR_AGO)
    return comparison


def _as_of(moment) -> int:
    return math.ceil(moment.timestamp())


def _make(client, query="", **headers):
    return client.get(f"{MAKE}?{query}" if query else MAKE, **headers)


def _code(response) -> str:
    return response.json()["code"]


def _open(client, code) -> tuple[list[str], str]:
    """Follow /v/<code> as a browser does (the test client's `follow` re-encodes commas)."""
    hops, response = [], client.get(f"/v/{code}")
    while response.status_code in (301, 302):
        hops.append(f"{response.status_code} {response['Location']}")
        response = client.get(response["Location"])
    assert response.status_code == 200, hops
    return hops, response.content.decode()


def test_it_makes_a_short_link_that_redirects_to_the_exact_view(
    client, published_an_hour_ago, settings
):
    response = _make(client, "only=row-2")

    assert response.status_code == 201
    data = response.json()
    assert re.fullmatch(f"[{ALPHABET}]{{{CODE_LENGTH}}}", data["code"])
    assert data["url"] == f"{settings.SITE_URL}/v/{data['code']}"
    target = f"/compare/b2b-vs-b2c/?only=row-2&as_of={_as_of(AN_HOUR_AGO)}"
    assert data["target"] == f"{settings.SITE_URL}{target}"
    followed = client.get(f"/v/{data['code']}")
    assert followed.status_code == 302
    assert followed["Location"] == target


def test_the_short_link_opens_the_same_rows_as_the_view(client, published_an_hour_ago):
    code = _code(_make(client, "only=row-1,row-3&segments=b2c"))

    _, page = _open(client, code)

    assert re.findall(r'<tbody class="row[^"]*" id="([^"]+)"', page) == ["row-1", "row-3"]
    assert '<th scope="col">B2C</th>' in page and '<th scope="col">B2B</th>' not in page


def test_the_whole_table_has_a_short_link_too(client, published_an_hour_ago):
    code = _code(_make(client))
    assert client.get(f"/v/{code}")["Location"] == (
        f"/compare/b2b-vs-b2c/?as_of={_as_of(AN_HOUR_AGO)}"
    )


def test_the_same_view_gets_the_same_code_however_its_query_is_written(
    client, published_an_hour_ago
):
    first = _make(client, "only=row-3,row-1")
    again = _make(client, "only=ROW-1&only=row-3&tag=")

    assert again.status_code == 200
    assert _code(again) == _code(first)
    assert ShortLink.objects.count() == 1


def test_an_edit_to_a_row_shown_makes_a_new_link_and_the_old_one_names_the_change(
    client, published_an_hour_ago
):
    old = _code(_make(client, "only=row-1"))
    Dimension.objects.get(slug="row-2").save()  # not in the view
    assert _code(_make(client, "only=row-1")) == old

    Entry.objects.filter(dimension__slug="row-1").first().save()
    new = _code(_make(client, "only=row-1"))

    assert new != old
    assert "Changed since this link was shared" in _open(client, old)[1]
    assert "Changed since this link was shared" not in _open(client, new)[1]


def test_different_views_get_different_random_codes(client, published_an_hour_ago):
    codes = {_code(_make(client, f"only=row-{number}")) for number in (1, 2, 3)}
    assert len(codes) == 3
    assert ShortLink.objects.count() == 3


def test_an_unknown_code_is_404(client, published_an_hour_ago):
    assert client.get("/v/abcdefghjk").status_code == 404


@pytest.mark.parametrize(
    "code", ["short", "abcdefghjkm", "abcdefgh0O", "abcdefghj%20", "ab/cdefghj"]
)
def test_a_malformed_code_is_404_without_a_lookup(
    client, published_an_hour_ago, code, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):  # the page's cache generation, no link lookup
        assert client.get(f"/v/{code}").status_code == 404


def test_following_a_link_runs_one_query_besides_the_generation(
    client, published_an_hour_ago, django_assert_num_queries
):
    code = _code(_make(client, "only=row-1"))
    with django_assert_num_queries(2):
        assert client.get(f"/v/{code}").status_code == 302


@pytest.mark.parametrize(
    "query",
    ["only=no-such-row", "only=row-1,no-such-row", "tag=no-such-tag", "segments=b2x", "min=huge"],
)
def test_a_view_naming_what_the_table_does_not_have_is_400(client, published_an_hour_ago, query):
    response = _make(client, query)
    assert response.status_code == 400
    assert "Not in the published table" in response.json()["error"]
    assert not ShortLink.objects.exists()


def test_a_draft_table_has_no_short_link(client, editor_client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    assert client.get("/compare/hidden/short-link").status_code == 404
    assert editor_client.get("/compare/hidden/short-link").status_code == 404
    assert client.get("/compare/no-such-table/short-link").status_code == 404
    assert not ShortLink.objects.exists()


def test_a_link_never_names_a_draft_row_even_for_staff(editor_client, published_an_hour_ago):
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)

    assert editor_client.get(f"{MAKE}?only=row-2").status_code == 400
    made = editor_client.get(MAKE)

    assert made.status_code == 201
    assert (
        'id="row-2"' in _open(editor_client, _code(made))[1]
    )  # staff see drafts on the page itself...
    assert ShortLink.objects.get().target.startswith("/compare/b2b-vs-b2c/?as_of=")  # ...not named


def test_making_links_is_rate_limited_per_client_but_reuse_is_not(
    client, published_an_hour_ago, settings
):
    settings.SHORT_LINKS_RATE = "2/h"
    assert _make(client, "only=row-1").status_code == 201
    assert _make(client, "only=row-2").status_code == 201

    refused = _make(client, "only=row-3")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Too many new short links" in refused.json()["error"]
    assert _make(client, "only=row-1").status_code == 200
    assert _make(client, "only=row-3", REMOTE_ADDR="192.0.2.7").status_code == 201


def test_the_limit_counts_the_client_behind_trusted_proxies(
    client, published_an_hour_ago, settings
):
    settings.SHORT_LINKS_RATE = "1/h"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    proxied = {"REMOTE_ADDR": "10.0.0.1"}
    assert (
        _make(client, "only=row-1", HTTP_X_FORWARDED_FOR="192.0.2.1", **proxied).status_code == 201
    )
    assert (
        _make(client, "only=row-2", HTTP_X_FORWARDED_FOR="192.0.2.2", **proxied).status_code == 201
    )
    assert (
        _make(client, "only=row-3", HTTP_X_FORWARDED_FOR="192.0.2.1", **proxied).status_code == 429
    )


def test_links_are_still_made_when_the_cache_holding_the_counts_is_down(
    client, published_an_hour_ago, monkeypatch, caplog
):
    def cache_down(*args, **kwargs):
        raise ConnectionError("Redis is not answering")

    monkeypatch.setattr("comparisons.sharing.shortlinks.views.get_usage", cache_down)

    assert _make(client, "only=row-1").status_code == 201
    assert "cannot read the rate limit" in caplog.text


def test_a_renamed_table_and_row_still_open_from_the_short_link(client, published_an_hour_ago):
    code = _code(_make(client, "only=row-2"))
    row = Dimension.objects.get(slug="row-2")
    row.slug = "second-row"
    row.save()
    comparison = Comparison.objects.get()
    comparison.slug = "renamed"
    comparison.save()

    hops, page = _open(client, code)

    assert hops[0] == f"302 /compare/b2b-vs-b2c/?only=row-2&as_of={_as_of(AN_HOUR_AGO)}"
    assert hops[-1].startswith("301 /compare/renamed/?only=second-row")
    assert re.findall(r'<tbody class="row[^"]*" id="([^"]+)"', page) == ["second-row"]


def test_making_a_link_is_never_cached(client, published_an_hour_ago):
    response = _make(client, "only=row-1")
    assert "no-store" in response["Cache-Control"]
    assert _make(client, "only=row-1")["Cache-Control"] == response["Cache-Control"]


def test_it_answers_only_get_and_head(client, published_an_hour_ago):
    assert client.head(MAKE).status_code == 201
    assert client.post(MAKE).status_code == 405
    assert client.post("/v/abcdefghjk").status_code == 405


def test_a_concurrent_request_for_the_same_view_gets_the_link_already_made(published_an_hour_ago):
    first = ShortLink.objects.create_for("/compare/b2b-vs-b2c/?only=row-1")
    # As if another request created it between our lookup and our insert.
    assert ShortLink.objects.create_for("/compare/b2b-vs-b2c/?only=row-1") == first
    assert ShortLink.objects.count() == 1


def test_a_very_long_view_still_gets_a_link(client, settings):
    slugs = [f"row-{number}-with-a-rather-long-slug-{'x' * 60}" for number in range(1, 61)]
    comparison = make_comparison(slug="wide", dimensions=0)
    for position, slug in enumerate(slugs):
        Dimension.objects.create(
            comparison=comparison, title=slug, slug=slug, position=position, status="published"
        )

    response = client.get(f"/compare/wide/short-link?only={','.join(slugs)}")

    assert response.status_code == 201
    assert len(ShortLink.objects.get().target) > 3000


def test_the_page_offers_the_short_link_button_for_published_tables_only(client, editor_client):
    make_comparison()
    make_comparison(slug="hidden", status=Status.DRAFT)
    html = client.get("/compare/b2b-vs-b2c/?only=row-1").content.decode()
    assert 'data-short-link="/compare/b2b-vs-b2c/short-link?only=row-1"' in html
    assert "data-short-link" not in editor_client.get("/compare/hidden/").content.decode()


# The admin: the list of codes, read-only; editors may delete.


@pytest.fixture
def group_editor_client(client):
    call_command("createeditor", "casey", "casey@example.com", stdout=StringIO())
    log_in(client, get_user_model().objects.get(username="casey"))
    return client


def test_editors_see_the_list_of_links_and_may_delete_but_not_add_or_change(
    group_editor_client, published_an_hour_ago
):
    link = ShortLink.objects.create_for("/compare/b2b-vs-b2c/?only=row-1")
    admin = "/admin/shortlinks/shortlink/"

    listing = group_editor_client.get(admin)
    assert listing.status_code == 200
    assert link.code in listing.content.decode()
    assert group_editor_client.get(f"{admin}add/").status_code == 403
    detail = group_editor_client.get(f"{admin}{link.pk}/change/")
    assert detail.status_code == 200
    assert 'name="target"' not in detail.content.decode()  # read-only

    group_editor_client.post(f"{admin}{link.pk}/delete/", {"post": "yes"})

    assert not ShortLink.objects.exists()
    assert group_editor_client.get(f"/v/{link.code}").status_code == 404


def _age(code: str, days: float) -> None:
    ShortLink.objects.filter(code=code).update(last_used=timezone.now() - timedelta(days=days))


def test_a_link_unused_for_the_expiry_period_is_gone(client, published_an_hour_ago, settings):
    settings.SHORT_LINKS_EXPIRE_DAYS = 30
    code = _code(_make(client, "only=row-1"))
    _age(code, 31)
    assert client.get(f"/v/{code}").status_code == 404
    assert not ShortLink.objects.exists()


def test_using_a_link_keeps_it_alive(client, published_an_hour_ago, settings):
    settings.SHORT_LINKS_EXPIRE_DAYS = 30
    code = _code(_make(client, "only=row-1"))
    _age(code, 29)
    assert client.get(f"/v/{code}").status_code == 302
    last_used = ShortLink.objects.get(code=code).last_used
    assert timezone.now() - last_used < timedelta(minutes=1)


def test_asking_again_for_a_view_whose_link_expired_makes_a_new_one(
    client, published_an_hour_ago, settings
):
    settings.SHORT_LINKS_EXPIRE_DAYS = 30
    old = _code(_make(client, "only=row-1"))
    _age(old, 31)
    again = _make(client, "only=row-1")
    assert again.status_code == 201
    assert _code(again) != old
    assert client.get(f"/v/{old}").status_code == 404


def test_purge_short_links_deletes_only_the_expired(client, published_an_hour_ago, settings):
    settings.SHORT_LINKS_EXPIRE_DAYS = 30
    old, kept = _code(_make(client, "only=row-1")), _code(_make(client, "only=row-2"))
    _age(old, 31)
    _age(kept, 29)
    out = StringIO()
    call_command("purge_short_links", stdout=out)
    assert "Deleted 1 expired short link(s)." in out.getvalue()
    assert list(ShortLink.objects.values_list("code", flat=True)) == [kept]


def test_one_client_makes_at_most_the_daily_cap_of_new_links(
    client, published_an_hour_ago, settings
):
    settings.SHORT_LINKS_RATE = "100/h"
    settings.SHORT_LINKS_PER_DAY = "2/d"
    assert _make(client, "only=row-1").status_code == 201
    assert _make(client, "only=row-2").status_code == 201
    refused = _make(client, "only=row-3")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3600  # the day's budget, not the hour's


def test_a_spoofed_forwarded_address_does_not_escape_the_limit(
    client, published_an_hour_ago, settings
):
    settings.SHORT_LINKS_RATE = "1/h"
    settings.TRUSTED_PROXIES = ["10.0.0.1"]  # the proxy; this client reaches the app directly
    direct = {"REMOTE_ADDR": "192.0.2.50"}
    assert (
        _make(client, "only=row-1", HTTP_X_FORWARDED_FOR="198.51.100.1", **direct).status_code
        == 201
    )
    assert (
        _make(client, "only=row-2", HTTP_X_FORWARDED_FOR="198.51.100.2", **direct).status_code
        == 429
    )
