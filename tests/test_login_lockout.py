"""django-axes: five failed admin logins lock the address out (for that account, and five
whatever the names for every account), never the account from everywhere."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory
from django.utils import timezone

from kb.proxies import client_ip
from kb.settings import envnetworks
from tests.test_deploy_check import run_manage

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


def fail_login(client, username="editor", address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def log_in(client, address="10.0.0.1"):
    return client.post(
        LOGIN,
        {"username": "editor", "password": "password", "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_four_failures_still_let_the_right_password_in(client, editor):
    for _ in range(4):
        assert fail_login(client).status_code == 200
    assert log_in(client).status_code == 302


def test_the_fifth_failure_locks_out_with_a_clear_page(client, editor):
    for _ in range(4):
        fail_login(client)
    response = fail_login(client)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert response["Content-Security-Policy"]
    # Even the right password is refused while locked out.
    locked = log_in(client)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_never_lock_the_editor_out_from_another(client, editor):
    for _ in range(5):
        fail_login(client, address="10.0.1.1")
    assert log_in(Client(), address="10.0.1.1").status_code == 429
    assert log_in(Client(), address="10.0.2.1").status_code == 302


def test_the_address_is_locked_for_other_accounts_too(client, editor):
    for number in range(5):
        fail_login(client, username=f"guess{number}")
    assert log_in(Client()).status_code == 429


def test_the_lockout_ends_after_the_cool_off_period(client, editor, settings):
    for _ in range(5):
        fail_login(client)
    assert log_in(Client()).status_code == 429
    long_ago = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1)
    AccessAttempt.objects.update(attempt_time=long_ago)
    assert log_in(Client()).status_code == 302


def test_the_test_clients_login_works_with_axes_given_a_request(client, editor):
    # AxesStandaloneBackend needs the request; force_login needs nothing.
    assert client.login(request=RequestFactory().get("/"), username="editor", password="password")
    assert client.get("/admin/").status_code == 200


def test_the_admin_url_is_a_setting():
    code = "from django.urls import reverse; print(reverse('admin:login'))"
    result = run_manage("shell", "-v", "0", "-c", code, ADMIN_URL="backstage")
    assert result.stdout.strip() == "/backstage/login/", result.stderr


def test_without_trusted_proxies_the_lockout_ignores_x_forwarded_for(rf, settings):
    settings.TRUSTED_PROXIES = []
    request = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "198.51.100.1"


def test_x_forwarded_for_is_ignored_from_a_peer_that_is_not_a_listed_proxy(rf, settings):
    # Gunicorn reached directly, bypassing the proxy: the header is the client's own words.
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    request = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "198.51.100.1"


def test_behind_a_trusted_proxy_the_lockout_sees_the_address_the_proxy_saw(rf, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = rf.get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9"
    )  # the first address is whatever the client claimed; 10.0.0.9 is a second proxy
    assert client_ip(request) == "203.0.113.7"


@pytest.mark.parametrize("header", ["garbage", "", "203.0.113.7, garbage", "1.2.3.4:80", "  ,"])
def test_a_malformed_forwarded_address_falls_back_to_a_valid_one(rf, settings, header):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == "10.0.0.2"


def test_a_garbage_forwarded_address_is_a_failed_login_not_a_500(client, editor, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for _ in range(5):
        response = client.post(
            LOGIN,
            {"username": "editor", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="garbage",
        )
    assert response.status_code == 429  # counted against the proxy's own address
    assert AccessAttempt.objects.get().ip_address == "127.0.0.1"


def test_trusted_proxies_must_be_addresses_or_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, ::1")
    assert envnetworks("TRUSTED_PROXIES", "") == ["127.0.0.1", "10.0.0.0/8", "::1"]
    monkeypatch.setenv("TRUSTED_PROXIES", "nginx")
    with pytest.raises(ImproperlyConfigured, match="not 'nginx'"):
        envnetworks("TRUSTED_PROXIES", "")
