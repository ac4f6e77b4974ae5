from django.urls import path, register_converter

from comparisons import views


class ExportFormatConverter:
    regex = "md|csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "export_format")

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:comparison>/", views.comparison_detail, name="comparison"),
    path("compare/<slug:comparison>/export.<export_format:format>", views.export, name="export"),
    path("compare/<slug:comparison>/preview.png", views.comparison_preview, name="preview"),
    path("embed/<slug:comparison>/", views.embed, name="embed"),
    path("compare/<slug:comparison>/<slug:dimension>/", views.dimension_detail, name="dimension"),
    path(
        "compare/<slug:comparison>/<slug:dimension>/changes/",
        views.dimension_changes,
        name="dimension_changes",
    ),
    path("search/", views.search_page, name="search"),
    path("tags/", views.tag_list, name="tags"),
    path(
        "compare/<slug:comparison>/<slug:dimension>/preview.png",
        views.dimension_preview,
        name="dimension_preview",
    ),
    path("tags/<slug:tag>/", views.tag_detail, name="tag"),
]
