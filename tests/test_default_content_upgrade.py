"""An existing site gets the new default content where no editor touched it, and keeps
everything editors did (comparisons/defaults/upgrade.py)."""

import copy
import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from comparisons.defaults.loader import DEFAULT_CONTENT, load_content, load_file
from comparisons.models import Comparison, Dimension
from tests.admin_forms import change_url, opened_dimension_form

pytestmark = pytest.mark.django_db


def _dimension(slug, title, b2b, b2c, **extra):
    return {
        "slug": slug,
        "title": title,
        "question": f"{title}?",
        "tags": ["research"],
        "entries": {
            "b2b": {"body": b2b, "sources": ["article"]},
            "b2c": {"body": b2c, "sources": ["article"]},
        },
        **extra,
    }


OLD = {
    "segments": [{"slug": "b2b", "name": "B2B"}, {"slug": "b2c", "name": "B2C"}],
    "sources": {"article": {"title": "An article", "url": "https://example.com/article"}},
    "comparisons": [
        {
            "slug": "shipped",
            "title": "Shipped table",
            "summary": "Old summary.",
            "segments": ["b2b", "b2c"],
            "dimensions": [
                _dimension("alpha", "Alpha", "Old alpha B2B.", "Old alpha B2C."),
                _dimension("beta", "Beta", "Old beta B2B.", "Old beta B2C."),
                _dimension("gamma", "Gamma", "Old gamma B2B.", "Old gamma B2C."),
                _dimension("epsilon", "Epsilon", "Old epsilon B2B.", "Old epsilon B2C."),
            ],
        }
    ],
}
NEW = copy.deepcopy(OLD)
NEW["comparisons"][0]["summary"] = "New summary."
NEW["comparisons"][0]["dimensions"] = [
    _dimension("alpha", "Alpha", "New alpha B2B.", "New alpha B2C."),
    _dimension(
        "beta-and-epsilon", "Beta", "Merged B2B.", "Merged B2C.", replaces=["beta", "epsilon"]
    ),
    _dimension("delta", "Delta", "New delta B2B.", "New delta B2C."),
]


@pytest.fixture
def shipped():
    load_content(OLD)
    return Comparison.objects.get(slug="shipped")


def _body(slug, segment="b2b"):
    return Dimension.objects.get(slug=slug).entries.get(segment__slug=segment).body


def test_rows_no_editor_touched_take_the_new_text_recorded_in_history(shipped):
    report = load_content(NEW)["upgraded"]["shipped"]
    assert _body("alpha") == "New alpha B2B."
    assert "alpha" in report.updated
    assert Dimension.objects.get(slug="alpha").history.first().changeset.reason == "upgrade"
    shipped.refresh_from_db()
    assert shipped.summary == "New summary."


def test_a_row_an_editor_changed_is_kept_as_they_left_it(shipped, editor_client):
    alpha = Dimension.objects.get(slug="alpha")
    editor_client.post(change_url(alpha), opened_dimension_form(alpha, b2c_body="Editor's B2C."))
    report = load_content(NEW)["upgraded"]["shipped"]
    assert _body("alpha", "b2c") == "Editor's B2C."
    assert _body("alpha") == "Old alpha B2B."
    assert report.kept == ["alpha"]


def test_an_editors_change_to_one_cell_keeps_the_whole_row(shipped):
    alpha = Dimension.objects.get(slug="alpha")
    entry = alpha.entries.get(segment__slug="b2b")
    entry.body = "Changed in the shell."
    entry.save()
    load_content(NEW)
    assert _body("alpha", "b2c") == "Old alpha B2C."


def test_merged_rows_keep_their_old_addresses(shipped, client):
    report = load_content(NEW)["upgraded"]["shipped"]
    assert report.merged == ["beta → beta-and-epsilon", "epsilon → beta-and-epsilon"]
    assert _body("beta-and-epsilon") == "Merged B2B."
    for old in ("beta", "epsilon"):
        response = client.get(f"/compare/shipped/{old}/")
        assert response.status_code == 301
        assert response["Location"] == "/compare/shipped/beta-and-epsilon/"


def test_new_rows_are_added_in_place_and_dropped_rows_are_kept(shipped):
    load_content(NEW)
    rows = shipped.dimensions.order_by("position", "title")
    assert list(rows.values_list("slug", flat=True)) == [
        "alpha",
        "beta-and-epsilon",
        "delta",
        "gamma",
    ]
    assert _body("delta") == "New delta B2B."


def test_a_row_an_editor_deleted_or_renamed_does_not_come_back(shipped):
    Dimension.objects.get(slug="alpha").delete()
    load_content(NEW)
    delta = Dimension.objects.get(slug="delta")
    delta.slug = "delta-renamed"
    delta.save()
    load_content(NEW)
    slugs = set(shipped.dimensions.values_list("slug", flat=True))
    assert "alpha" not in slugs and "delta" not in slugs and "delta-renamed" in slugs


def test_loading_the_same_content_again_writes_nothing(shipped):
    load_content(NEW)
    versions = Dimension.history.count()
    report = load_content(NEW)["upgraded"]["shipped"]
    assert Dimension.history.count() == versions
    assert (report.updated, report.added, report.merged) == ([], [], [])


# --- The shipped content: a site loaded with the table as it was before issue 16 -------------

BEFORE = Path(__file__).parent / "data" / "default_content_2026_11.json"
TABLE = "product-management-b2b-vs-b2c"


@pytest.fixture
def site_of_november():
    load_content(json.loads(BEFORE.read_text(encoding="utf-8")))
    return Comparison.objects.get(slug=TABLE)


def _shipped_dimension(slug):
    return Dimension.objects.get(comparison__slug=TABLE, slug=slug)


def test_the_shipped_merges_fold_old_rows_into_their_survivors(site_of_november, client):
    call_command("load_default_content", stdout=StringIO())
    slugs = set(site_of_november.dimensions.values_list("slug", flat=True))
    assert not slugs & {"product-vision", "experimentation", "role-of-data", "release-cadence"}
    assert {"sales-influence", "data-and-experiments", "shipping-change"} <= slugs
    for old, new in [
        ("product-vision", "sales-influence"),
        ("experimentation", "data-and-experiments"),
        ("role-of-data", "data-and-experiments"),
        ("release-cadence", "shipping-change"),
    ]:
        response = client.get(f"/compare/{TABLE}/{old}/")
        assert response.status_code == 301, old
        assert response["Location"] == f"/compare/{TABLE}/{new}/"


def test_the_shipped_upgrade_is_recorded_in_each_rows_history(site_of_november):
    call_command("load_default_content", stdout=StringIO())
    for slug in ("sales-influence", "data-and-experiments", "shipping-change", "success-metrics"):
        latest = _shipped_dimension(slug).history.first()
        assert latest.changeset.reason == "upgrade", slug
    removed = Dimension.history.filter(comparison_id=site_of_november.pk, history_type="-")
    merged_away = {"product-vision", "role-of-data", "pricing"}
    assert set(removed.values_list("slug", flat=True)) == merged_away


def test_an_edited_row_stops_its_merge_and_is_kept(site_of_november):
    vision = _shipped_dimension("product-vision")
    vision.title = "Product vision, as our team sees it"
    vision.save()
    call_command("load_default_content", stdout=StringIO())
    assert _shipped_dimension("product-vision").title == "Product vision, as our team sees it"
    assert "sales-influence" in set(site_of_november.dimensions.values_list("slug", flat=True))


def test_an_upgraded_table_gets_the_new_rows_and_its_topic(site_of_november):
    call_command("load_default_content", stdout=StringIO())
    site_of_november.refresh_from_db()
    assert site_of_november.topic == "Product management"
    shipped = json.loads((DEFAULT_CONTENT / f"{TABLE}.json").read_text(encoding="utf-8"))[
        "comparisons"
    ][0]["dimensions"]
    rows = site_of_november.dimensions.order_by("position")
    assert list(rows.values_list("slug", flat=True)) == [row["slug"] for row in shipped]


def test_a_table_shipped_in_a_new_file_is_added_to_an_existing_site(
    site_of_november, tmp_path, monkeypatch
):
    shutil.copy(BEFORE, tmp_path / f"{TABLE}.json")
    new_table = copy.deepcopy(OLD)
    new_table["comparisons"][0].update(slug="new-table", topic="Marketing")
    (tmp_path / "new-table.json").write_text(json.dumps(new_table), encoding="utf-8")
    monkeypatch.setattr("comparisons.defaults.loader.DEFAULT_CONTENT", tmp_path)
    out = StringIO()
    call_command("load_default_content", stdout=out)
    assert "Loaded comparison new-table" in out.getvalue()
    assert Comparison.objects.get(slug="new-table").topic == "Marketing"
    assert Comparison.objects.count() == 2


# --- A site loaded with the six tables as shipped in early December 2026 (before issue 29) ------

DECEMBER = Path(__file__).parent / "data" / "default_content_2026_12"
PRICING = "pricing-and-monetisation-b2b-vs-b2c"


@pytest.fixture
def site_of_december():
    for path in sorted(DECEMBER.glob("*.json")):
        load_file(path)


def _entry_body(comparison, dimension_slug, segment):
    dimension = Dimension.objects.get(comparison__slug=comparison, slug=dimension_slug)
    return dimension.entries.get(segment__slug=segment).body


def test_a_december_site_gets_the_current_store_rules(site_of_december):
    assert "1 May 2025" not in _entry_body(PRICING, "app-stores", "b2c")
    call_command("load_default_content", stdout=StringIO())
    assert "1 May 2025" in _entry_body(PRICING, "app-stores", "b2c")
    assert "As of December 2026" in _entry_body(PRICING, "store-commission", "b2c")
    assert "Google Play" in _entry_body(PRICING, "google-play-billing", "b2c")


@pytest.mark.parametrize(
    ("comparison", "old", "new"),
    [
        ("product-management-b2b-vs-b2c", "product-led-growth", "go-to-market"),
        ("product-management-b2b-vs-b2c", "onboarding", "customisation"),
        ("product-management-b2b-vs-b2c", "pricing", "success-metrics"),
        ("go-to-market-sales-led-vs-product-led-vs-b2c", "first-contact", "marketing-focus"),
        ("go-to-market-sales-led-vs-product-led-vs-b2c", "getting-set-up", "trying-it"),
        ("go-to-market-sales-led-vs-product-led-vs-b2c", "price-presentation", "role-of-sales"),
        ("marketing-b2b-vs-b2c", "pricing", "content"),
        ("customer-success-and-support-b2b-vs-b2c", "business-reviews", "coverage"),
        ("ux-design-and-research-b2b-vs-b2c", "polish", "frequency-and-expertise"),
    ],
)
def test_a_december_sites_repeated_rows_are_merged_and_redirect(
    site_of_december, client, comparison, old, new
):
    call_command("load_default_content", stdout=StringIO())
    assert not Dimension.objects.filter(comparison__slug=comparison, slug=old).exists()
    response = client.get(f"/compare/{comparison}/{old}/")
    assert response.status_code == 301
    assert response["Location"] == f"/compare/{comparison}/{new}/"


def test_a_december_site_upgraded_twice_changes_nothing_the_second_time(site_of_december):
    call_command("load_default_content", stdout=StringIO())
    versions = Dimension.history.count()
    out = StringIO()
    call_command("load_default_content", stdout=out)
    assert Dimension.history.count() == versions
    assert "  updated" not in out.getvalue() and "  merged" not in out.getvalue()
