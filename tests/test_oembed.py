"""/oembed: the oEmbed 1.0 provider (https://oembed.com), and the pages that advertise it.

The specification's rules checked here: `url` and `format` parameters; `rich` answers carry
`version`, `type`, `html`, `width` and `height`; `width`/`height` never exceed `maxwidth`/
`maxheight`; the three thumbnail fields come together; 404 for a URL with no embed, 501 for
a format not offered; JSON served as application/json.
"""

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from comparisons.models import Dimension, Status
from comparisons.sharing.shortlinks.models import ShortLink
from tests.factories import PUBLIC_SITE, make_comparison, rename

pytestmark = pytest.mark.django_db

REQUIRED = {"version", "type", "html", "width", "height"}
THUMBNAIL = {"thumbnail_url", "thumbnail_width", "thumbnail_height"}


def _oembed(client, url, **parameters):
    return client.get("/oembed", {"url": url, **parameters})


def _iframe_src(data) -> str:
    return unescape(re.search(r'<iframe src="([^"]+)"', data["html"]).group(1))


def test_a_filtered_view_embeds_the_same_rows_as_a_rich_iframe(
    client, comparison_of_three, public_site
):
    response = _oembed(client, f"{PUBLIC_SITE}/compare/b2b-vs-b2c/?only=row-1,row-3", format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) >= REQUIRED and data["version"] == "1.0" and data["type"] == "rich"
    assert _iframe_src(data) == f"{PUBLIC_SITE}/embed/b2b-vs-b2c/?only=row-1,row-3"
    assert data["title"] == "Comparison b2b-vs-b2c (2 of 3 rows)"
    assert (data["provider_name"], data["provider_url"]) == ("kb", f"{PUBLIC_SITE}/")
    assert set(data) >= THUMBNAIL
    assert data["thumbnail_url"] == f"{PUBLIC_SITE}/compare/b2b-vs-b2c/preview.png?only=row-1,row-3"


def test_a_row_and_a_short_link_embed_what_they_show(client, comparison_of_three, public_site):
    row = _oembed(client, f"{PUBLIC_SITE}/compare/b2b-vs-b2c/row-2/").json()
    assert _iframe_src(row) == f"{PUBLIC_SITE}/embed/b2b-vs-b2c/?only=row-2"
    assert row["title"] == "Row 2 · Comparison b2b-vs-b2c"
    assert row["thumbnail_url"] == f"{PUBLIC_SITE}/compare/b2b-vs-b2c/row-2/preview.png"
    link = ShortLink.objects.create_for("/compare/b2b-vs-b2c/?only=row-2")
    short = _oembed(client, link.url).json()
    assert _iframe_src(short) == f"{PUBLIC_SITE}/embed/b2b-vs-b2c/?only=row-2"


def test_links_made_before_a_rename_still_embed(client, comparison_of_three, public_site):
    rename(Dimension, "row-2", "second")
    data = _oembed(client, f"{PUBLIC_SITE}/compare/b2b-vs-b2c/?only=row-2").json()
    assert _iframe_src(data) == f"{PUBLIC_SITE}/embed/b2b-vs-b2c/?only=second"


def test_width_and_height_never_exceed_the_consumers_maximum(
    client, comparison_of_three, public_site
):
    url = f"{PUBLIC_SITE}/compare/b2b-vs-b2c/"
    default = _oembed(client, url).json()
    assert (default["width"], default["height"]) == (800, 600)
    small = _oembed(client, url, maxwidth="400", maxheight="300").json()
    assert (small["width"], small["height"]) == (400, 300)
    assert 'width="400" height="300"' in small["html"]
    assert not THUMBNAIL & set(small)  # the 1200 x 630 picture would not fit
    huge = _oembed(client, url, maxwidth="99999", maxheight="99999").json()
    assert (huge["width"], huge["height"]) == (2000, 2000)
    for bad in ("-5", "abc", "1.5", "0"):
        assert _oembed(client, url, maxwidth=bad).status_code == 400


def test_other_formats_are_501(client, comparison_of_three, public_site):
    assert _oembed(client, f"{PUBLIC_SITE}/compare/b2b-vs-b2c/", format="xml").status_code == 501


@pytest.mark.parametrize(
    "url",
    [
        "https://elsewhere.example/compare/b2b-vs-b2c/",
        "https://kb.example.org.evil.example/compare/b2b-vs-b2c/",
        "javascript:alert(1)",
        "http://[kb.example.org/compare/b2b-vs-b2c/",
        "",
        "https://kb.example.org/compare/no-such-table/",
        "https://kb.example.org/compare/b2b-vs-b2c/no-such-row/",
        "https://kb.example.org/compare/draft/",
        "https://kb.example.org/compare/b2b-vs-b2c/draft-row/",
        "https://kb.example.org/admin/",
        "https://kb.example.org/tags/",
        "https://kb.example.org/v/nosuchcode",
    ],
)
def test_drafts_unknown_pages_and_other_hosts_are_404(
    client, editor_client, comparison_of_three, public_site, url
):
    make_comparison(slug="draft", status=Status.DRAFT)
    Dimension.objects.filter(slug="row-3").update(slug="draft-row", status=Status.DRAFT)
    assert _oembed(client, url).status_code == 404
    assert _oembed(editor_client, url).status_code == 404  # staff get no more than anyone


def test_tables_views_and_rows_advertise_the_endpoint_and_twitter_labels(
    client, comparison_of_three, public_site
):
    pages = {
        "/compare/b2b-vs-b2c/": ("Rows", "3"),
        "/compare/b2b-vs-b2c/?only=row-1,row-2": ("Rows", "2 of 3"),
        "/compare/b2b-vs-b2c/row-1/": ("Difference", "Different"),
    }
    for path, (label, data) in pages.items():
        html = client.get(path).content.decode()
        link = re.search(
            r'<link rel="alternate" type="application/json\+oembed" href="([^"]+)"', html
        )
        expected = f"{PUBLIC_SITE}/oembed?" + urlencode(
            {"url": PUBLIC_SITE + path, "format": "json"}
        )
        assert unescape(link.group(1)) == expected
        assert f'<meta name="twitter:label1" content="{label}">' in html
        assert f'<meta name="twitter:data1" content="{data}">' in html
        assert '<meta name="twitter:label2" content="Updated">' in html
        assert re.search(r'<meta name="twitter:data2" content="\d+ \w+ \d{4}">', html)
