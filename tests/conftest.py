"""Shared test set-up: named actors and a small comparison built in one call."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client
from taggit.models import Tag, TaggedItem

from comparisons.history import writes
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from comparisons.roles import sync_editor_group
from kb import outages


def pytest_collection_modifyitems(config, items):
    """Tests about PostgreSQL itself are not run on SQLite: left out, not skipped, since CI
    allows no skip (they run in its PostgreSQL pass)."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return
    elsewhere = [item for item in items if item.get_closest_marker("postgresql")]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if item not in elsewhere]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, a test database in a file, as in production: concurrent writers then wait
    for each other (an in-memory database shared between threads refuses them instead)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    cache.clear()  # cached pages are keyed by generations each test restarts
    outages._outages.clear()  # an outage a test caused is over
    # Tests run in one process, whose memory cache every request shares, as Redis would be.
    settings.CACHE_IS_SHARED = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests do not run collectstatic, so static URLs are not hashed.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# The actors, as healthchecks has alice, bob and charlie: a reader with no account, an editor
# (staff in the Editors group, with exactly the permissions comparisons/roles.py grants), and
# a superuser (an operator).


@pytest.fixture
def reader(client):
    """A reader: no account, no session."""
    return client


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


@pytest.fixture
def editor(db):
    return make_editor()


def log_in(client, user):
    """Log `user` in (tests/test_staff_marker.py logs in through the login page)."""
    client.force_login(user)


@pytest.fixture
def editor_client(client, editor):
    log_in(client, editor)
    return client


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("operator", "operator@example.com", "pw")


@pytest.fixture
def superuser_client(client, superuser):
    log_in(client, superuser)
    return client


def make_comparison(
    slug="b2b-vs-b2c",
    segments=("B2B", "B2C"),
    rows=2,
    status=Status.PUBLISHED,
    row_status=Status.PUBLISHED,
    bulk=False,
):
    """A comparison with `rows` dimensions, each with one entry per segment, tagged
    "research", made as one changeset by no one (as `load_default_content` makes tables).
    Rows are saved one by one, as the admin saves them; with `bulk`, written in bulk through
    the write service (`writes.bulk_create`), as imports write them: a large table in a
    fraction of the time."""
    with writes.changeset(None, writes.Reason.CREATE):
        return _make_comparison(slug, segments, rows, status, row_status, bulk)


def _make_comparison(slug, segments, rows, status, row_status, bulk):
    comparison = Comparison.objects.create(
        title=f"Comparison {slug}", slug=slug, summary="A summary.", status=status
    )
    columns = []
    for position, name in enumerate(segments):
        segment, _ = Segment.objects.get_or_create(
            slug=name.lower(), defaults={"name": name, "position": position}
        )
        ComparisonSegment.objects.create(comparison=comparison, segment=segment, position=position)
        columns.append(segment)
    dimensions = [
        Dimension(
            comparison=comparison,
            title=f"Row {number}",
            slug=f"row-{number}",
            question=f"Question {number}?",
            position=number,
            status=row_status,
        )
        for number in range(1, rows + 1)
    ]
    if bulk:
        _write_in_bulk(dimensions, columns)
        return comparison
    for dimension in dimensions:
        dimension.save()
        dimension.tags.add("research")
        for segment in columns:
            _entry(dimension, segment).save()
    return comparison


def _entry(dimension, segment):
    return Entry(
        dimension=dimension,
        segment=segment,
        body=f"{segment.name} answer for row {dimension.position}",
        sources=[{"title": "A source", "url": "https://example.com/source"}],
    )


def _write_in_bulk(dimensions, columns):
    dimensions = writes.bulk_create(Dimension, dimensions)
    tag, _ = Tag.objects.get_or_create(slug="research", defaults={"name": "research"})
    TaggedItem.objects.bulk_create(
        TaggedItem(content_object=dimension, tag=tag) for dimension in dimensions
    )
    writes.bulk_create(
        Entry,
        [_entry(dimension, segment) for dimension in dimensions for segment in columns],
    )


@pytest.fixture
def comparison(db):
    return make_comparison()


@pytest.fixture
def table(db):
    """The comparison "b2b-vs-b2c" with three rows, row-1 to row-3."""
    return make_comparison(rows=3)


PUBLIC_SITE = "https://kb.example.org"


@pytest.fixture
def public_site(settings) -> str:
    """SITE_URL as deployed: absolute URLs in pages, feeds and the API start with it."""
    settings.SITE_URL = PUBLIC_SITE
    return PUBLIC_SITE


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
