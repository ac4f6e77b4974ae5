import re

import pytest

from comparisons.models import Dimension, Status
from tests.factories import make_comparison

pytestmark = pytest.mark.django_db


def counts(html: str) -> dict[str, str]:
    return dict(re.findall(r'href="/tags/([\w-]+)/">[^<]*</a> <span class="meta">(\d+) row', html))


def test_it_lists_every_tag_with_its_count_of_published_rows(client):
    make_comparison(slug="first", dimensions=2)
    make_comparison(slug="second", dimensions=1)
    Dimension.objects.get(comparison__slug="second").tags.add("pricing")
    assert counts(client.get("/tags/").content.decode()) == {"pricing": "1", "research": "3"}


def test_drafts_are_not_counted(client, editor):
    make_comparison(slug="public", dimensions=1)
    make_comparison(slug="hidden", dimensions=2, status=Status.DRAFT)
    make_comparison(slug="draft-rows", dimensions=1, dimension_status=Status.DRAFT)
    Dimension.objects.get(comparison__slug="draft-rows").tags.add("secret")
    assert counts(client.get("/tags/").content.decode()) == {"research": "1"}


def test_with_no_tags_it_says_so(client, db):
    assert "No published rows carry a tag" in client.get("/tags/").content.decode()
