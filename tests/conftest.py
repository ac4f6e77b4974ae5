"""Shared test set-up: the fixtures (named actors, a small comparison); the plain helpers
they build on are in tests/factories.py."""

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache

from kb import outages
from tests.factories import PUBLIC_SITE, log_in, make_comparison, make_editor


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


@pytest.fixture
def editor(db):
    return make_editor()


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


@pytest.fixture
def comparison(db):
    return make_comparison()


@pytest.fixture
def comparison_of_three(db):
    """The comparison "b2b-vs-b2c" with three dimensions, row-1 to row-3."""
    return make_comparison(dimensions=3)


@pytest.fixture
def public_site(settings) -> str:
    """SITE_URL as deployed: absolute URLs in pages, feeds and the API start with it."""
    settings.SITE_URL = PUBLIC_SITE
    return PUBLIC_SITE
