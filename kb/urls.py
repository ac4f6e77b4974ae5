from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kb import health

urlpatterns = [
    path(settings.ADMIN_URL, admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("", include("comparisons.urls")),
    path("", include("shortlinks.urls")),
]
