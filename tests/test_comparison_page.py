import re

import pytest

from comparisons.models import Dimension, Status
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def test_it_shows_one_row_per_dimension_and_one_column_per_segment(client, comparison):
    response = client.get("/compare/b2b-vs-b2c/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<tbody class="row" id="row-1"' in html and '<tbody class="row" id="row-2"' in html
    assert re.search(r'<th scope="col">B2B</th>\s*<th scope="col">B2C</th>', html)
    assert "B2B answer for row 1" in html and "B2C answer for row 2" in html
    assert "<caption>" in html


def test_rows_follow_their_position(client, comparison):
    Dimension.objects.filter(slug="row-2").update(position=0)
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert html.index('id="row-2"') < html.index('id="row-1"')


def test_common_ground_spans_the_row(client, comparison):
    Dimension.objects.filter(slug="row-1").update(common_ground="Both set a vision.")
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert re.search(
        r'<td colspan="2"><span class="label">Common ground</span>\s*<p>Both set', html
    )


def test_a_table_with_three_segments_shows_three_cells_per_row(client):
    make_comparison(segments=("SLG", "PLG", "B2C"), dimensions=2)
    Dimension.objects.filter(slug="row-1").update(common_ground="All three sell software.")
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert re.search(
        r'<th scope="col">SLG</th>\s*<th scope="col">PLG</th>\s*<th scope="col">B2C</th>', html
    )
    for number in (1, 2):
        start = html.index(f'<tbody class="row" id="row-{number}"')
        row = html[start : html.index("</tr>", start)]
        assert re.findall(r'<td data-segment="([^"]+)"', row) == ["SLG", "PLG", "B2C"]
        for name in ("SLG", "PLG", "B2C"):
            assert f"{name} answer for row {number}" in row
    assert re.search(r'<td colspan="3"><span class="label">Common ground</span>', html)


def test_it_cites_each_entrys_sources(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert (
        '<a href="https://example.com/source" rel="noopener noreferrer nofollow">A source</a>'
        in html
    )


def test_it_renders_entries_as_sanitised_markdown(client, comparison):
    Dimension.objects.get(slug="row-1").entries.update(body="**firm** <script>alert(1)</script>")
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert "<strong>firm</strong>" in html
    assert "<script>alert" not in html


def test_it_hides_draft_rows_from_anonymous(client, comparison):
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert 'id="row-1"' in html
    assert 'id="row-2"' not in html


def test_it_shows_draft_rows_to_staff_marked_as_drafts(editor_client, comparison):
    Dimension.objects.filter(slug="row-2").update(status=Status.DRAFT)
    html = editor_client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<tbody class="row draft" id="row-2">' in html
    assert "badge-draft" in html


def test_a_draft_comparison_is_404_for_anonymous(client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    assert client.get("/compare/hidden/").status_code == 404


def test_a_draft_comparison_is_visible_to_staff(editor_client):
    make_comparison(slug="hidden", status=Status.DRAFT)
    response = editor_client.get("/compare/hidden/")
    assert response.status_code == 200
    assert "Draft" in response.content.decode()


def test_an_unknown_comparison_is_404(client, db):
    assert client.get("/compare/no-such-table/").status_code == 404


def test_a_comparison_without_rows_says_so(client):
    make_comparison(slug="empty", dimensions=0)
    assert "no rows yet" in client.get("/compare/empty/").content.decode()


def test_a_missing_entry_leaves_a_labelled_empty_cell(client, comparison):
    Dimension.objects.get(slug="row-1").entries.filter(segment__slug="b2c").delete()
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    assert '<td data-segment="B2C"><p class="empty">Nothing here yet.</p>' in html


def test_a_row_header_frames_its_answers_and_names_the_row_by_its_title(client, comparison):
    """The title, copy link, question, level and tags come before the answers (issue 30, 3 and
    13: phone cards and tab order); screen readers repeat only the title (`abbr`)."""
    html = client.get("/compare/b2b-vs-b2c/").content.decode()
    headers = re.findall(r'<th scope="row" abbr="([^"]*)">(.*?)</th>', html, re.S)
    assert [abbr for abbr, _ in headers] == ["Row 1", "Row 2"]
    header = headers[0][1]
    shown = [
        'class="row-title"',
        'class="row-link"',
        "Question 1?",
        'class="difference',
        'class="tags"',
    ]
    assert [header.index(part) for part in shown] == sorted(header.index(part) for part in shown)
    row = html[html.index('id="row-1"') : html.index("</tbody>", html.index('id="row-1"'))]
    assert row.index("Question 1?") < row.index("B2B answer for row 1")


def test_time_elements_carry_whole_seconds(client, comparison):
    html = client.get("/compare/b2b-vs-b2c/row-1/").content.decode()
    moments = re.findall(r'<time datetime="([^"]+)"', html)
    assert moments
    for moment in moments:  # a date, or a moment to the second (HTML allows 3 decimals)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+00:00)?", moment), moment
    assert any("T" in moment for moment in moments)
