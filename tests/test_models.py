import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from comparisons.models import Comparison, Dimension, Entry, Segment
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def test_the_database_rejects_a_second_entry_for_the_same_row_and_segment(comparison):
    dimension = comparison.dimensions.first()
    segment = Segment.objects.get(slug="b2b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Entry.objects.create(dimension=dimension, segment=segment, body="duplicate")


def test_the_database_rejects_a_duplicate_row_slug_within_a_comparison(comparison):
    with pytest.raises(IntegrityError), transaction.atomic():
        Dimension.objects.create(comparison=comparison, title="Again", slug="row-1")


def test_the_same_row_slug_is_allowed_in_another_comparison(comparison):
    other = make_comparison(slug="other", dimensions=0)
    Dimension.objects.create(comparison=other, title="Row 1", slug="row-1")
    assert Dimension.objects.filter(slug="row-1").count() == 2


def test_comparison_slugs_are_unique(comparison):
    with pytest.raises(IntegrityError), transaction.atomic():
        Comparison.objects.create(title="Copy", slug=comparison.slug)


def test_a_segment_in_use_cannot_be_deleted(comparison):
    with pytest.raises(ProtectedError):
        Segment.objects.get(slug="b2b").delete()


def test_a_comparison_with_rows_cannot_be_deleted(comparison):
    with pytest.raises(ProtectedError):
        comparison.delete()


def test_segments_come_in_the_comparisons_order():
    comparison = make_comparison(slug="reversed", segments=("B2C", "B2B"), dimensions=0)
    assert [s.name for s in comparison.ordered_segments()] == ["B2C", "B2B"]


def test_pages_have_urls(comparison):
    dimension = comparison.dimensions.get(slug="row-1")
    assert comparison.get_absolute_url() == "/compare/b2b-vs-b2c/"
    assert dimension.get_absolute_url() == "/compare/b2b-vs-b2c/row-1/"
    assert dimension.get_url_in_comparison() == "/compare/b2b-vs-b2c/#row-1"


def test_an_entry_must_use_a_segment_of_its_comparison(comparison):
    foreign = Segment.objects.create(name="B2G", slug="b2g")
    entry = Entry(dimension=comparison.dimensions.first(), segment=foreign, body="x")
    with pytest.raises(Exception, match="not one of the comparison"):
        entry.full_clean()


def test_a_source_url_must_be_http_or_https(comparison):
    entry = Entry.objects.first()
    entry.sources = [{"title": "Bad", "url": "javascript:alert(1)"}]
    with pytest.raises(Exception, match="http:// or https://"):
        entry.full_clean()
