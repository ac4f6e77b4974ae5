from django.urls import path

from comparisons.api import v1

urlpatterns = [
    path("openapi.json", v1.openapi, name="api-v1-openapi"),
    path("", v1.api.urls),
]
