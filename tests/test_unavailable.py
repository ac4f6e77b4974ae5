"""The 503 answer to a database outage, wherever the error is raised."""

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from kb.unavailable import server_error


@pytest.mark.parametrize("error", [OperationalError("refused"), InterfaceError("closed")])
def test_djangos_500_handler_answers_503_for_an_outage(error):
    try:
        raise error
    except type(error):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"


def test_djangos_500_handler_answers_500_for_a_bug():
    try:
        raise RuntimeError("a bug")
    except RuntimeError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
