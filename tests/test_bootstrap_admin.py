from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def _run():
    out = StringIO()
    call_command("bootstrap_admin", stdout=out)
    return out.getvalue()


def test_with_debug_on_and_no_users_it_creates_an_admin_with_a_printed_random_password(settings):
    settings.DEBUG = True
    output = _run()
    password = output.rsplit("password: ", 1)[1].strip()
    assert len(password) >= 20
    assert authenticate(RequestFactory().get("/"), username="admin", password=password).is_superuser


def test_two_databases_get_different_passwords(settings):
    settings.DEBUG = True
    first = _run().rsplit("password: ", 1)[1].strip()
    get_user_model().objects.all().delete()
    second = _run().rsplit("password: ", 1)[1].strip()
    assert first != second


def test_it_never_prints_a_password_twice(settings):
    settings.DEBUG = True
    _run()
    assert "password:" not in _run()
    assert get_user_model().objects.count() == 1


def test_with_debug_off_it_creates_nothing(settings):
    settings.DEBUG = False
    assert "no administrator created" in _run()
    assert not get_user_model().objects.exists()
