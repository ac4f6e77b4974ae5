from django.urls import path

from comparisons import views

urlpatterns = [
    path("", views.home, name="home"),
    path("compare/<slug:comparison>/", views.comparison_detail, name="comparison"),
    path("compare/<slug:comparison>/<slug:dimension>/", views.dimension_detail, name="dimension"),
    path("tags/<slug:tag>/", views.tag_detail, name="tag"),
]
