"""Sources: `Title | URL` lines, http(s) only, shown as numbered citations under the cell."""

import pytest
from django.core.exceptions import ValidationError

from comparisons.models import Dimension
from comparisons.sources import format_sources, parse_sources, validate_sources


def test_lines_become_titled_sources_and_back():
    text = "Guide | https://example.com/guide\nA book, no link\n\n"
    sources = parse_sources(text)
    assert sources == [
        {"title": "Guide", "url": "https://example.com/guide"},
        {"title": "A book, no link", "url": ""},
    ]
    assert format_sources(sources) == "Guide | https://example.com/guide\nA book, no link"


@pytest.mark.parametrize(
    "line",
    [
        "Evil | javascript:alert(1)",
        "Data | data:text/html,<b>x</b>",
        "Files | ftp://example.com/file",
        "Local | file:///etc/passwd",
        "Nothing | not a url",
    ],
)
def test_a_url_that_is_not_http_or_https_is_rejected(line):
    with pytest.raises(ValidationError, match="http:// or https://"):
        parse_sources(line)


@pytest.mark.parametrize(
    "value", ["not a list", [{"url": "https://example.com"}], [{"title": " "}], ["text"]]
)
def test_malformed_sources_are_rejected(value):
    with pytest.raises(ValidationError):
        validate_sources(value)


@pytest.mark.django_db
def test_the_model_rejects_a_bad_url_on_full_clean(comparison):
    entry = Dimension.objects.get(slug="row-1").entries.first()
    entry.sources = [{"title": "Evil", "url": "javascript:alert(1)"}]
    with pytest.raises(ValidationError):
        entry.full_clean()


@pytest.mark.django_db
def test_the_table_numbers_the_citations_under_each_cell(client, comparison):
    entry = Dimension.objects.get(slug="row-1").entries.get(segment__slug="b2b")
    entry.sources = [
        {"title": "First", "url": "https://example.com/1"},
        {"title": "Second, offline", "url": ""},
    ]
    entry.save()
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    cell = html[html.index("B2B answer for row 1") :]
    cell = cell[: cell.index("</td>")]
    assert '<ol class="sources" aria-label="Sources">' in cell
    assert cell.index("First") < cell.index("Second, offline")
    assert 'href="https://example.com/1" rel="noopener noreferrer nofollow"' in cell
