"""Plain helpers the tests call: actors, a small comparison built in one call, and a few
steps many tests take (fixtures stay in conftest.py, as pytest intends)."""

from django.contrib.auth import get_user_model
from django.test import Client
from taggit.models import Tag, TaggedItem

from comparisons.history import writes
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from comparisons.roles import sync_editor_group


def make_editor(username: str = "editor"):
    """A staff user in the Editors group."""
    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "password", is_staff=True
    )
    # Made by the roles module, not read: a transactional test before this one flushed the
    # group its migration created.
    user.groups.add(sync_editor_group())
    return user


def editor_client_for(username: str) -> Client:
    """A client of its own, logged in as a new editor: one of several editing at once."""
    client = Client()
    log_in(client, make_editor(username))
    return client


def log_in(client, user):
    """Log `user` in (tests/test_staff_marker.py logs in through the login page)."""
    client.force_login(user)


def make_comparison(
    slug="b2b-vs-b2c",
    segments=("B2B", "B2C"),
    dimensions=2,
    status=Status.PUBLISHED,
    dimension_status=Status.PUBLISHED,
    bulk=False,
):
    """A comparison with `dimensions` dimensions, each with one entry per segment, tagged
    "research", made as one changeset by no one (as `load_default_content` makes comparisons).
    Dimensions are saved one by one, as the admin saves them; with `bulk`, written in bulk through
    the write service (`writes.bulk_create`), as imports write them: a large comparison in a
    fraction of the time."""
    with writes.changeset(None, writes.Reason.CREATE):
        return _make_comparison(slug, segments, dimensions, status, dimension_status, bulk)


def _make_comparison(slug, segment_names, count, status, dimension_status, bulk):
    comparison = Comparison.objects.create(
        title=f"Comparison {slug}", slug=slug, summary="A summary.", status=status
    )
    segments = []
    for position, name in enumerate(segment_names):
        segment, _ = Segment.objects.get_or_create(
            slug=name.lower(), defaults={"name": name, "position": position}
        )
        ComparisonSegment.objects.create(comparison=comparison, segment=segment, position=position)
        segments.append(segment)
    dimensions = [
        Dimension(
            comparison=comparison,
            title=f"Row {number}",
            slug=f"row-{number}",
            question=f"Question {number}?",
            position=number,
            status=dimension_status,
        )
        for number in range(1, count + 1)
    ]
    if bulk:
        _write_in_bulk(dimensions, segments)
        return comparison
    for dimension in dimensions:
        dimension.save()
        dimension.tags.add("research")
        for segment in segments:
            _entry(dimension, segment).save()
    return comparison


def _entry(dimension, segment):
    return Entry(
        dimension=dimension,
        segment=segment,
        body=f"{segment.name} answer for row {dimension.position}",
        sources=[{"title": "A source", "url": "https://example.com/source"}],
    )


def _write_in_bulk(dimensions, segments):
    dimensions = writes.bulk_create(Dimension, dimensions)
    tag, _ = Tag.objects.get_or_create(slug="research", defaults={"name": "research"})
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=dimension, tag=tag) for dimension in dimensions
    )
    writes.bulk_create(
        Entry,
        [_entry(dimension, segment) for dimension in dimensions for segment in segments],
    )


PUBLIC_SITE = "https://kb.example.org"


def redirects(client, urls: list[str]) -> list[str]:
    """Where each of `urls` redirects permanently: the Location of its 301."""
    answers = [client.get(url) for url in urls]
    assert [answer.status_code for answer in answers] == [301] * len(urls)
    return [answer["Location"] for answer in answers]


def rename(model, old_slug: str, new_slug: str):
    """Change a comparison's or a row's slug through the write service."""
    instance = model.objects.get(slug=old_slug)
    instance.slug = new_slug
    writes.save(None, instance)
    return instance
