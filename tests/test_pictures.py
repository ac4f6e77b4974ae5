"""The share picture: a 1200x630 PNG of exactly the rows of a URL, cached, with ETag."""

import io
import re

import pytest
from django.core.cache import cache
from PIL import Image

from comparisons.models import Comparison, Dimension, Entry, Status
from comparisons.sharing.pictures import font as picture_font
from comparisons.sharing.pictures import plain_text, wrap
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db

TABLE_IMAGE = "/compare/b2b-vs-b2c/preview.png"
ROW_IMAGE = "/compare/b2b-vs-b2c/row-1/preview.png"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def comparison_of_three(db):
    return make_comparison(dimensions=3)


def _picture(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize("url", [TABLE_IMAGE, f"{TABLE_IMAGE}?only=row-2&segments=b2c", ROW_IMAGE])
def test_it_is_a_1200_by_630_png(client, comparison_of_three, url):
    picture = _picture(client.get(url))
    assert picture.format == "PNG"
    assert picture.size == (1200, 630)


def test_the_picture_follows_the_filter(client, comparison_of_three):
    whole = client.get(TABLE_IMAGE).content
    filtered = client.get(f"{TABLE_IMAGE}?only=row-2").content
    assert whole != filtered
    assert client.get(f"{TABLE_IMAGE}?only=row-2,ghost").content == filtered


def test_it_is_redrawn_when_a_shown_row_changes(client, comparison_of_three):
    before = client.get(ROW_IMAGE)
    entry = Entry.objects.get(dimension__slug="row-1", segment__slug="b2b")
    entry.body = "Something else entirely, and longer than before."
    entry.save()
    after = client.get(ROW_IMAGE)
    assert after.content != before.content
    assert after["ETag"] != before["ETag"]


def test_a_change_to_a_row_not_shown_keeps_the_picture(client, comparison_of_three):
    before = client.get(f"{TABLE_IMAGE}?only=row-1")
    Dimension.objects.get(slug="row-3").save()
    assert client.get(f"{TABLE_IMAGE}?only=row-1")["ETag"] == before["ETag"]


def test_an_unchanged_picture_answers_304_to_its_etag(client, comparison_of_three):
    etag = client.get(ROW_IMAGE)["ETag"]
    response = client.get(ROW_IMAGE, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert client.get(ROW_IMAGE, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_it_is_drawn_once_and_then_served_from_the_cache(client, comparison_of_three, monkeypatch):
    drawn = []
    import comparisons.sharing.picture_responses as picture_responses

    original = picture_responses.draw_comparison_picture
    monkeypatch.setattr(
        picture_responses,
        "draw_comparison_picture",
        lambda *args: drawn.append(1) or original(*args),
    )
    first = client.get(TABLE_IMAGE).content
    assert client.get(TABLE_IMAGE).content == first
    assert len(drawn) == 1


def test_it_costs_at_most_six_queries(client, comparison_of_three, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(f"{TABLE_IMAGE}?min=different")
    with django_assert_max_num_queries(6):
        client.get(ROW_IMAGE)


def test_drafts_are_not_drawn_for_anonymous_readers(client, db):
    make_comparison(status=Status.DRAFT)
    assert client.get(TABLE_IMAGE).status_code == 404
    assert client.get(ROW_IMAGE).status_code == 404


def test_an_editor_s_picture_with_drafts_is_private(editor_client, db):
    make_comparison(dimension_status=Status.DRAFT)
    response = editor_client.get(TABLE_IMAGE)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


def test_old_slugs_redirect_to_the_current_picture(client, comparison_of_three):
    comparison_of_three.slug = "renamed"
    comparison_of_three.save()
    row = Dimension.objects.get(slug="row-1")
    row.slug = "first"
    row.save()
    response = client.get(f"{TABLE_IMAGE}?only=row-1")
    assert response.status_code == 301
    assert response["Location"] == "/compare/renamed/preview.png?only=row-1"
    response = client.get(ROW_IMAGE)
    assert response.status_code == 301
    assert response["Location"] == "/compare/renamed/row-1/preview.png"
    assert client.get("/compare/renamed/row-1/preview.png")["Location"].endswith(
        "/compare/renamed/first/preview.png"
    )


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_safe_methods_are_allowed(client, comparison_of_three, method):
    assert getattr(client, method)(TABLE_IMAGE).status_code in (403, 405)


@pytest.mark.parametrize(
    "query", ["only=%00", "min=%00", "segments=" + "x," * 3000, "as_of=-1", "only=%ff", "tag=é"]
)
def test_bad_queries_never_fail(client, comparison_of_three, query):
    assert client.get(f"{TABLE_IMAGE}?{query}").status_code in (200, 301)


def test_pages_point_their_card_at_the_picture_of_their_rows(client, comparison_of_three, settings):
    settings.SITE_URL = "https://kb.example.org"
    html = client.get(
        "/compare/b2b-vs-b2c/?only=row-1,row-2&min=same&as_of=1700000000"
    ).content.decode()
    image = re.search(r'<meta property="og:image" content="([^"]*)">', html).group(1)
    assert (
        image
        == "https://kb.example.org/compare/b2b-vs-b2c/preview.png?only=row-1,row-2&amp;min=same"
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()
    assert (
        '<meta property="og:image" content="https://kb.example.org/compare/b2b-vs-b2c/row-1/preview.png">'
        in html
    )


def test_an_empty_table_and_unusual_text_still_draw(client, db):
    comparison = make_comparison(dimensions=1)
    Entry.objects.update(body="Ünïcödé — “quotes” **bold** [link](https://x.example) \x07 " * 40)
    Comparison.objects.filter(pk=comparison.pk).update(title="A" * 200)
    assert _picture(client.get(TABLE_IMAGE)).size == (1200, 630)
    assert _picture(client.get(f"{TABLE_IMAGE}?min=opposite")).size == (1200, 630)


def test_long_text_is_cut_with_an_ellipsis_within_the_width():
    face = picture_font(20)
    lines = wrap("word " * 200 + "Supercalifragilistic" * 10, face, 300, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(face.getlength(line) <= 300 for line in lines)
    assert plain_text("**Bold** and [a link](https://example.com)\n\nnext") == (
        "Bold and a link next"
    )


def test_a_row_picture_is_headlined_by_the_row_and_filled_with_its_cells(
    client, comparison_of_three
):
    row_picture = _picture(client.get(ROW_IMAGE)).convert("L")
    table_picture = _picture(client.get(f"{TABLE_IMAGE}?only=row-1")).convert("L")
    assert row_picture.tobytes() != table_picture.tobytes()
    # Ink in the lower third: the cells, then the footer with level and tags.
    lower_third = row_picture.crop((0, 420, 1200, 630))
    dark = sum(lower_third.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 500


def test_retagging_a_row_redraws_its_picture(client, comparison_of_three):
    before = client.get(ROW_IMAGE)["ETag"]
    Dimension.objects.get(slug="row-1").tags.add("pricing")
    assert client.get(ROW_IMAGE)["ETag"] != before
