from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from comparisons.api import v1
from kb import health

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/openapi.json", v1.openapi, name="api-v1-openapi"),
    path("api/v1/", v1.api.urls),
    path("", include("comparisons.urls")),
    path("", include("shortlinks.urls")),
]
