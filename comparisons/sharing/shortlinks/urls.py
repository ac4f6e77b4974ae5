from django.urls import path, register_converter

from comparisons.sharing.shortlinks import views
from comparisons.sharing.shortlinks.models import CODE_PATTERN


class CodeConverter:
    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "short_code")

urlpatterns = [
    path("v/<short_code:code>", views.follow, name="short_link"),
    path("compare/<slug:comparison>/short-link", views.short_link_for, name="short_link_for"),
]
