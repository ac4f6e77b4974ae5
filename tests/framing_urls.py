"""A URLconf for tests only: one view made frameable with `allow_framing`, one not."""

from django.http import HttpResponse
from django.urls import include, path

from kb.headers import allow_framing


def plain(request):
    return HttpResponse("plain")


@allow_framing
def frameable(request):
    return HttpResponse("frameable")


urlpatterns = [
    path("test/plain/", plain),
    path("test/frameable/", frameable),
    path("", include("kb.urls")),
]
