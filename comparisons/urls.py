from django.urls import path, register_converter

from comparisons import views
from comparisons.api import feeds, sitemaps
from comparisons.sharing import oembed


class ExportFormatConverter:
    regex = "md|csv|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormatConverter, "export_format")

urlpatterns = [
    path("", views.home, name="home"),
    path("tables/", views.comparison_list, name="comparisons"),
    path("oembed", oembed.oembed, name="oembed"),
    path("compare/<slug:comparison>/", views.comparison_detail, name="comparison"),
    path("compare/<slug:comparison>/export.<export_format:format>", views.export, name="export"),
    path(
        "compare/<slug:comparison>/preview.png", views.comparison_picture, name="comparison_picture"
    ),
    path("compare/<slug:comparison>/changes.atom", feeds.view_changes_feed, name="changes_feed"),
    path("embed/<slug:comparison>/", views.embed, name="embed"),
    path("compare/<slug:comparison>/<slug:dimension>/", views.dimension_detail, name="dimension"),
    path(
        "compare/<slug:comparison>/<slug:dimension>/changes/",
        views.dimension_changes,
        name="dimension_changes",
    ),
    path(
        "compare/<slug:comparison>/<slug:dimension>/changes.atom",
        feeds.dimension_changes_feed,
        name="dimension_changes_feed",
    ),
    path("search/", views.search_page, name="search"),
    path("tags/", views.tag_list, name="tags"),
    path(
        "compare/<slug:comparison>/<slug:dimension>/preview.png",
        views.dimension_picture,
        name="dimension_picture",
    ),
    path("tags/<slug:tag>/", views.tag_detail, name="tag"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-<slug:section>.xml", sitemaps.sitemap, name="sitemap_section"),
]
