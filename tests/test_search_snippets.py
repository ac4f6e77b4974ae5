"""Search snippets read well: labelled, cut with "…", and a tag match said; same on both DBs."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from comparisons.history import writes
from comparisons.models import Dimension, Entry
from comparisons.search.queries import STOP_WORDS

pytestmark = pytest.mark.django_db


def results(client, query: str) -> list[dict]:
    """Each result: its table and row slugs, and its snippets as (label, html) plus the tag line."""
    html = client.get("/search/", {"q": query}).content.decode()
    items = re.split(r'<li>\s*<a href="/compare/([\w-]+)/#', html)[1:]
    parsed = []
    for comparison, item in zip(items[::2], items[1::2], strict=True):
        slug = item.split('"', 1)[0]
        snippets = re.findall(
            r'<p class="snippet"><span class="snippet-label">([^<]+):</span> (.*?)</p>', item
        )
        tag_line = re.search(r'<p class="snippet">(Matched by its tags? .*?)</p>', item)
        parsed.append(
            {
                "comparison": comparison,
                "slug": slug,
                "snippets": snippets,
                "tags": tag_line and tag_line[1],
            }
        )
    return parsed


@pytest.fixture
def dimension(comparison):
    return Dimension.objects.get(comparison=comparison, slug="row-1")


def _set_body(dimension, segment: str, body: str) -> None:
    entry = Entry.objects.get(dimension=dimension, segment__slug=segment)
    entry.body = body
    writes.save(None, entry)


def test_each_snippet_is_labelled_with_the_cell_or_field_it_comes_from(client, dimension):
    _set_body(dimension, "b2c", "Users find the zeppelin on their own.")
    dimension.question = "Who pilots the zeppelin?"
    writes.save(None, dimension)
    [hit] = results(client, "zeppelin")
    assert hit["snippets"] == [
        ("Question", "Who pilots the <mark>zeppelin</mark>?"),
        ("B2C", "Users find the <mark>zeppelin</mark> on their own."),
    ]


def test_a_cut_snippet_says_so_with_an_ellipsis_at_each_cut(client, dimension):
    before = " ".join(f"word{n}" for n in range(40))
    after = " ".join(f"tail{n}" for n in range(40))
    _set_body(dimension, "b2b", f"{before} zeppelin {after}")
    [hit] = results(client, "zeppelin")
    [(label, text)] = hit["snippets"]
    assert label == "B2B"
    assert text.startswith("… word32 ") and text.endswith(" …")
    assert "<mark>zeppelin</mark>" in text
    assert len(re.sub("<[^>]+>", "", text).split()) <= 30


def test_a_snippet_starts_at_the_sentence_of_the_match_when_it_is_near(client, dimension):
    _set_body(
        dimension, "b2b", "Many words come first here in this cell. Then a zeppelin lands softly."
    )
    [hit] = results(client, "zeppelin")
    assert hit["snippets"] == [("B2B", "… Then a <mark>zeppelin</mark> lands softly.")]


def test_markdown_is_shown_as_its_words(client, dimension):
    _set_body(dimension, "b2b", "A **bold** [zeppelin](https://example.com/z) _flies_.")
    [hit] = results(client, "zeppelin")
    assert hit["snippets"] == [("B2B", "A bold <mark>zeppelin</mark> flies.")]


def test_a_row_matched_by_its_tag_says_so(client, dimension):
    writes.set_tags(None, dimension, ["research", "Airships"])
    [hit] = results(client, "airship")
    assert hit["tags"] == "Matched by its tag “<mark>Airships</mark>”"
    assert hit["snippets"] == []


def test_a_title_match_needs_no_snippet(client, dimension):
    dimension.title = "Zeppelins"
    writes.save(None, dimension)
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "<mark>Zeppelins</mark>" in html
    assert 'class="snippet"' not in html


def test_sales_ranks_the_row_about_sales_first(client):
    call_command("load_default_content", stdout=StringIO())
    # Other default tables (go-to-market) have rows about sales too: rank within this one,
    # where the rows whose titles name sales come first.
    in_table = [
        hit["slug"]
        for hit in results(client, "sales")
        if hit["comparison"] == "product-management-b2b-vs-b2c"
    ]
    assert set(in_table[:2]) == {"sales-influence", "sales-cycle"}
    # "sales team" means the sales organisation: rows that say both words, the one that
    # names "the sales team" among them (Sales influence never says "team").
    slugs = [hit["slug"] for hit in results(client, "sales team")]
    assert "internal-stakeholders" in slugs and "sales-influence" not in slugs


def test_queries_leave_out_the_stop_words_postgresql_leaves_out():
    assert {"the", "what", "how", "who", "should"} <= STOP_WORDS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The stop words PostgreSQL drops: an empty lexeme list for each.
            cursor.execute(
                "SELECT word FROM unnest(%s) AS word"
                " WHERE cardinality(ts_lexize('english_stem', word)) > 0",
                [sorted(STOP_WORDS)],
            )
            assert cursor.fetchall() == []


@pytest.mark.parametrize(
    ("cell", "query"),
    [
        ("We dogfood it daily.", "dogfooding"),
        ("Ask the customer.", "customers"),
        ("Large organisations buy.", "organisation"),
        ("Running experiments weekly.", "experiment"),
    ],
)
def test_words_match_their_other_forms_and_are_marked(client, dimension, cell, query):
    _set_body(dimension, "b2c", cell)
    (hit,) = results(client, query)
    marked = re.findall(r"<mark>(.*?)</mark>", hit["snippets"][0][1])
    assert hit["slug"] == "row-1" and marked
