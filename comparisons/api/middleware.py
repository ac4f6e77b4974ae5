"""What every answer under /api/ gets, whatever produced it: a rate limit and JSON errors.

`ApiRateLimitMiddleware` sits before the page cache, so that every request counts, cached
or not. `ApiJsonErrorsMiddleware` turns the errors that Django or django-ninja answer
outside the endpoints (unknown paths, wrong methods, bad requests) into JSON.
"""

import json
from collections.abc import Callable
from http import HTTPStatus

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django_ratelimit.core import get_usage

from kb import outages

API_PREFIX = "/api/"


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


class ApiRateLimitMiddleware:
    """At most settings.API_RATE_LIMIT requests per client address (kb.proxies.client_ip).

    Counted by django-ratelimit in the shared cache (Redis with REDIS_URL). If the cache
    cannot count, requests are served: the limit protects the site, it must not stop it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api(request):
            usage = _usage(request)
            if usage is not None and usage["should_limit"]:
                return _too_many_requests(usage)
        return self.get_response(request)


def _usage(request: HttpRequest) -> dict | None:
    try:
        return get_usage(
            request, group="api", key="ip", rate=settings.API_RATE_LIMIT, increment=True
        )
    except Exception as error:  # the cache is down, or the address is not one
        outages.report("cache", "API rate limit: cannot count this request; serving it", error)
        return None


def _too_many_requests(usage: dict) -> JsonResponse:
    wait = max(1, usage["time_left"])
    response = JsonResponse(
        {
            "detail": f"Too many requests: at most {usage['limit']} per "
            f"{period_in_words(settings.API_RATE_LIMIT)} from one address. "
            f"Try again in {wait} second{'s' if wait != 1 else ''}."
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def period_in_words(rate: str) -> str:
    """ "120/m" → "minute", "1000/2h" → "2 hours"."""
    _, period = rate.split("/")
    count, unit = period[:-1], {"s": "second", "m": "minute", "h": "hour", "d": "day"}[period[-1]]
    return f"{count} {unit}s" if count and count != "1" else unit


class ApiJsonErrorsMiddleware:
    """Errors under /api/ are JSON `{"detail": "…"}`, never an HTML page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_api(request) or response.status_code < 400 or _is_json(response):
            return response
        if response.streaming or (response.status_code >= 500 and settings.DEBUG):
            return response  # nothing the API streams; the developer's traceback page
        # The response keeps its headers (security, Allow, Retry-After): only the body changes.
        response.content = json.dumps({"detail": _message(response.status_code)})
        response["Content-Type"] = "application/json"
        if "Content-Length" in response:
            response["Content-Length"] = str(len(response.content))
        return response


def _is_json(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


def _message(status: int) -> str:
    if status == 404:
        return f"Not found. The API's paths are in {settings.SITE_URL}{reverse('api-v1-openapi')}."
    if status == 405:
        return "Method not allowed: the API is read-only (GET and HEAD)."
    if status >= 500:
        return "Something went wrong on our side; it has been logged."
    try:
        return f"{HTTPStatus(status).phrase}."
    except ValueError:  # a status the standard does not name
        return "Error."
