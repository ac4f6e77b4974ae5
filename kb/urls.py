from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kb import health

# The app list's sidebar would take a quarter of a 1280 px window from the row list; the
# home page and the breadcrumbs reach every list.
admin.site.enable_nav_sidebar = False

# A database outage answers 503, not 500 (kb/unavailable.py).
handler500 = "kb.unavailable.server_error"

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include("comparisons.api.urls")),
    path("", include("comparisons.urls")),
    path("", include("comparisons.suggestions.urls")),
    path("", include("comparisons.sharing.shortlinks.urls")),
]
