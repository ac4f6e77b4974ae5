import html as html_lib
import re
from io import StringIO
from urllib.parse import unquote_plus

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comparisons.history import writes
from comparisons.models import Dimension, Entry, Status
from comparisons.search.queries import PAGE_SIZE, fts_query, search
from tests.factories import log_in, make_comparison

pytestmark = pytest.mark.django_db
TABLE = "/compare/product-management-b2b-vs-b2c/"


@pytest.fixture
def default_content():
    call_command("load_default_content", stdout=StringIO())


def dimension_links(html: str) -> list[str]:
    return re.findall(r'href="' + TABLE + r'#([\w-]+)"', html)


def marks(html: str) -> list[str]:
    return [m.lower() for m in re.findall(r"<mark>(.*?)</mark>", html)]


@pytest.mark.parametrize(
    ("query", "rows", "marked"),
    [
        ("dogfood", ["dogfooding"], {"dogfooding", "dogfood"}),
        ("dogfooding", ["dogfooding"], {"dogfooding", "dogfood"}),
        (
            "sales team",
            [
                "internal-stakeholders",
                "sales-cycle",
                "buyer-vs-user",
                "security-compliance",
            ],
            {"sales", "team"},
        ),
        (
            '"usability testing"',
            ["feedback-loops", "data-and-experiments", "industry-knowledge"],
            {"usability", "tests", "testing"},
        ),
        ("feedback", ["feedback-loops"], {"feedback"}),
        ("feedback -B2B", ["feedback-loops"], {"feedback"}),
    ],
)
def test_the_issue_queries_find_the_expected_rows_with_highlights(
    client, default_content, query, rows, marked
):
    html = client.get("/search/", {"q": query}).content.decode()
    assert sorted(dimension_links(html)) == sorted(rows)
    assert marked <= set(marks(html))


def test_customers_finds_customer(default_content):
    # Stemming: rows that only say "customer" match too, on whatever page they rank.
    first = search("customers", AnonymousUser(), 1)
    slugs = {
        hit.dimension.slug
        for number in first.page.paginator.page_range
        for hit in search("customers", AnonymousUser(), number).page.object_list
    }
    assert {"customers", "feedback-loops", "buyer-vs-user"} <= slugs


def test_a_title_match_ranks_above_a_cell_match(default_content):
    results = search("dogfood customers", AnonymousUser(), 1)
    assert results.page.object_list[0].dimension.slug == "dogfooding"


def test_results_link_straight_to_the_row_and_show_its_tags(client, default_content):
    html = client.get("/search/", {"q": "dogfood"}).content.decode()
    assert f'href="{TABLE}#dogfooding"' in html
    assert 'href="/tags/research/"' in html
    assert "Product management: B2B vs B2C" in html


def test_it_hides_drafts_from_anonymous(client, editor):
    make_comparison(slug="public", dimensions=1)
    make_comparison(slug="hidden", dimensions=1, status=Status.DRAFT)
    make_comparison(slug="draft-rows", dimensions=1, dimension_status=Status.DRAFT)
    html = client.get("/search/", {"q": "answer"}).content.decode()
    assert "/compare/public/#row-1" in html
    assert "/compare/hidden/" not in html
    assert "/compare/draft-rows/" not in html
    log_in(client, editor)
    html = client.get("/search/", {"q": "answer"}).content.decode()
    assert "/compare/hidden/#row-1" in html
    assert "/compare/draft-rows/#row-1" in html


def test_an_empty_query_shows_help_and_tags(client, default_content):
    response = client.get("/search/", {"q": "  "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quote a phrase" in html
    assert 'href="/tags/research/"' in html


def test_no_results_says_so_and_suggests_tags(client, default_content):
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "No rows match" in html
    assert 'href="/tags/research/"' in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "x" * 10_000,
        "' OR 1=1 --",
        '"unbalanced',
        'quote" in the middle"',
        "!!! ??? ... &&& |||",
        "-",
        '""',
        "():*&|!<->",
        "продукт",
        "产品 管理",
        "null\x00byte",
        "<script>alert(1)</script>",
    ],
)
def test_bad_input_never_fails(client, default_content, query):
    response = client.get("/search/", {"q": query, "page": "x"})
    assert response.status_code in (200, 400, 404)
    assert b"<script>alert" not in response.content


def test_a_very_long_query_is_400_with_a_message(client, db):
    response = client.get("/search/", {"q": "word " * 2000})
    assert response.status_code == 400
    assert b"at most" in response.content


def test_snippets_escape_content_but_keep_marks(client, db):
    comparison = make_comparison(slug="xss", dimensions=1)
    entry = Entry.objects.filter(dimension__comparison=comparison).first()
    entry.body = 'Beware <img src=x onerror="alert(1)"> the zeppelin <b>bold</b>'
    writes.save(None, entry)
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "<mark>zeppelin</mark>" in html
    assert "<img" not in html
    assert "<b>bold" not in html


def test_pages_hold_twenty_rows_in_a_stable_order(client, db):
    make_comparison(slug="many", dimensions=PAGE_SIZE + 5, bulk=True)
    first = dimension_links_any(client.get("/search/", {"q": "answer"}).content.decode())
    second = dimension_links_any(
        client.get("/search/", {"q": "answer", "page": 2}).content.decode()
    )
    assert len(first) == PAGE_SIZE
    assert len(second) == 5
    assert not set(first) & set(second)
    again = dimension_links_any(client.get("/search/", {"q": "answer"}).content.decode())
    assert again == first


def test_a_page_past_the_last_is_404_as_in_the_api(client, db):
    """Issue 30, 12: page 99 answered 200 with page 1."""
    make_comparison(slug="many", dimensions=PAGE_SIZE + 5, bulk=True)
    assert client.get("/search/", {"q": "answer", "page": 2}).status_code == 200
    for page in ("3", "99", "0", "x"):
        assert client.get("/search/", {"q": "answer", "page": page}).status_code == 404


def dimension_links_any(html: str) -> list[str]:
    return re.findall(r'href="/compare/[\w-]+/#([\w-]+)"', html)


def test_the_query_count_does_not_grow_with_the_results(client, db):
    make_comparison(slug="few", dimensions=2)
    with CaptureQueriesContext(connection) as few:
        client.get("/search/", {"q": "answer"})
    make_comparison(slug="more", dimensions=15, bulk=True)
    with CaptureQueriesContext(connection) as more:
        client.get("/search/", {"q": "answer"})
    assert len(more) == len(few)


def test_edits_to_cells_and_tags_are_searchable_at_once(client, comparison):
    dimension = Dimension.objects.filter(comparison=comparison).first()
    entry = dimension.entries.first()
    entry.body = "Now about zeppelins"
    writes.save(None, entry)
    assert "#row-1" in client.get("/search/", {"q": "zeppelin"}).content.decode()
    writes.set_tags(None, dimension, [*dimension.tags.names(), "airships"])
    assert "#row-1" in client.get("/search/", {"q": "airships"}).content.decode()
    writes.set_tags(None, dimension, set(dimension.tags.names()) - {"airships"})
    assert "#row-1" not in client.get("/search/", {"q": "airships"}).content.decode()
    dimension.title = "Blimps"
    writes.save(None, dimension)
    assert "<mark>Blimps</mark>" in client.get("/search/", {"q": "blimps"}).content.decode()


def test_the_header_has_a_labelled_search_form_on_every_page(client, default_content):
    for url in ["/", TABLE, "/tags/", "/search/?q=dogfood"]:
        html = client.get(url).content.decode()
        assert 'role="search"' in html, url
        assert 'action="/search/"' in html, url
        assert '<label for="site-search-q">' in html, url


def test_web_search_syntax_becomes_an_fts5_query_of_quoted_terms():
    query = fts_query('dogfooding "user testing" -B2B the "unclosed')
    assert query == '("dogfooding" AND "user testing" AND "unclosed") NOT ("b2b")'
    assert fts_query("the of -and") == ""  # nothing left to look for
    assert fts_query("NEAR(a b) OR x*") == '"near" AND "b" AND "x"'  # a, or: stop words


@pytest.mark.postgresql
def test_the_gin_index_serves_the_match_on_postgresql(default_content):
    from django.contrib.postgres.search import SearchQuery

    query = SearchQuery("dogfood", search_type="websearch", config="english")
    matches = Dimension.objects.filter(search_vector=query)
    with connection.cursor() as cursor:
        # Whatever the table statistics, leave the planner a bitmap scan of an index that can
        # match the query, or nothing: no scan of every row, no walk of some other index.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = matches.order_by().explain()
    assert "dimension_search_vector_gin" in plan
    assert [d.slug for d in matches] == ["dogfooding"]


def test_restoring_a_backup_rebuilds_the_vectors(client, default_content):
    from comparisons.transfer.backup import export_kb, import_kb

    backup = export_kb()
    import_kb(backup, replace=True)
    assert dimension_links(client.get("/search/", {"q": "dogfood"}).content.decode()) == [
        "dogfooding"
    ]


def test_the_migration_that_added_the_vectors_makes_existing_rows_searchable(default_content):
    import importlib
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    migration = importlib.import_module("comparisons.migrations.0004_dimension_search_vector")
    executed = []
    editor = SimpleNamespace(connection=connection, execute=executed.append)
    migration.fill_search_vectors(None, editor)
    if connection.vendor != "postgresql":
        assert executed == []  # SQLite has its FTS5 table instead (migration 0017)
        return
    Dimension.objects.update(search_vector=None)  # rows as they were before the migration
    with connection.cursor() as cursor:
        cursor.execute(executed[0])
    hits = search("dogfood", AnonymousUser(), 1).page.object_list
    assert [hit.dimension.slug for hit in hits][:1] == ["dogfooding"]


def test_the_sites_own_search_hints_find_rows(client, default_content):
    """The header's placeholder and the search page's tips, as a reader would type them."""
    home = client.get("/").content.decode()
    placeholder = html_lib.unescape(
        re.search(r'id="site-search-q"[^>]*placeholder="([^"]*)"', home)[1]
    )
    tips = client.get("/search/").content.decode()
    hints = [hint.strip() for hint in placeholder.split(",")]
    hints += [unquote_plus(q) for q in re.findall(r'<a href="\?q=([^"]+)"', tips)]
    assert len(hints) >= 4
    for hint in hints:
        assert dimension_links(client.get("/search/", {"q": hint}).content.decode()), hint


# The README's search examples ("Search"), and what they find on either database.
README_QUERIES = {
    "sales": ["sales-influence", "sales-cycle"],  # its first two, titles first
    "dogfooding": ["dogfooding"],
    '"usability testing"': ["feedback-loops", "data-and-experiments", "industry-knowledge"],
    "feedback -B2B": ["feedback-loops"],
}


@pytest.mark.parametrize(("query", "first"), README_QUERIES.items())
def test_the_readme_queries_find_the_same_rows_on_both_databases(
    client, default_content, query, first
):
    found = dimension_links(client.get("/search/", {"q": query}).content.decode())
    assert sorted(found[: len(first)]) == sorted(first)


def test_the_migration_that_added_fts5_makes_existing_rows_searchable(default_content):
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("comparisons.migrations.0017_dimension_text")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # rows as they were before the migration: no index
            cursor.execute("DROP TABLE comparisons_dimension_fts")
        migration.create_index(None, SimpleNamespace(connection=connection, execute=cursor.execute))
    hits = search("dogfood", AnonymousUser(), 1).page.object_list
    assert [hit.dimension.slug for hit in hits] == ["dogfooding"]


def readme_search_examples() -> list[str]:
    """The queries the README's "Search, feeds and API" section shows, as written there."""
    readme = (settings.BASE_DIR / "README.md").read_text()
    section = readme.split("## Search, feeds and API", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`([^`]+)`\s+(?:finds|is\s+a\s+phrase|leaves\s+out)", section)


def test_the_readme_shows_search_examples():
    assert len(readme_search_examples()) >= 3


@pytest.mark.parametrize("query", readme_search_examples())
def test_every_search_example_in_the_readme_finds_rows(client, default_content, query):
    assert dimension_links(client.get("/search/", {"q": query}).content.decode()), query
