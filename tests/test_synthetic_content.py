from io import StringIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command

from comparisons.models import Comparison, Dimension, Entry
from comparisons.search.queries import search

pytestmark = pytest.mark.django_db


def test_it_makes_published_searchable_tables_of_the_asked_size():
    out = StringIO()
    call_command("make_synthetic_content", comparisons=3, dimensions=4, stdout=out)
    assert "24 cells" in out.getvalue()
    assert Comparison.objects.published().count() == 3
    assert Dimension.objects.published().count() == 12
    assert Entry.objects.count() == 24
    assert all(d.tags.count() == 2 for d in Dimension.objects.all())
    word = Entry.objects.first().body.split()[1]
    assert search(word, AnonymousUser(), 1).page.paginator.count > 0


def test_running_it_again_adds_more_without_clashing():
    call_command("make_synthetic_content", comparisons=1, dimensions=2, stdout=StringIO())
    call_command("make_synthetic_content", comparisons=1, dimensions=2, stdout=StringIO())
    assert Comparison.objects.count() == 2


def test_it_makes_cached_pages_stale(client):
    """Its segments and tags exist after a first run: the second creates only by bulk."""
    call_command("make_synthetic_content", comparisons=1, dimensions=2, stdout=StringIO())
    assert b"Synthetic comparison 00000" in client.get("/").content
    call_command("make_synthetic_content", comparisons=1, dimensions=2, stdout=StringIO())
    assert b"Synthetic comparison 00001" in client.get("/").content
