"""The table's caption says what the table holds instead of repeating the page's h1."""

import re

import pytest

from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def caption(html: str) -> str:
    return re.search(r"<caption>(.*?)</caption>", html, re.S).group(1)


def test_the_comparison_caption_names_the_segments_and_counts_the_rows(client):
    make_comparison(segments=("B2B", "B2C", "B2G"), dimensions=3)

    html = client.get("/compare/b2b-vs-b2c/").content.decode()

    assert caption(html) == (
        "B2B, B2C and B2G side by side, 3 rows; the bar under each "
        "row\N{RIGHT SINGLE QUOTATION MARK}s question shows how far apart they are, and sources "
        "are numbered under each cell."
    )


def test_a_row_page_caption_does_not_count_its_one_row(client):
    make_comparison()

    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()

    assert caption(html) == (
        "B2B and B2C side by side; the bar under each row\N{RIGHT SINGLE QUOTATION MARK}s question"
        " shows how far apart they are, and sources are numbered under each cell."
    )
    assert "Row 1" not in caption(html)
