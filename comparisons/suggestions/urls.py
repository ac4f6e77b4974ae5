from django.urls import path

from comparisons.suggestions import views

urlpatterns = [
    path(
        "compare/<slug:comparison>/<slug:dimension>/suggest/",
        views.suggest,
        name="suggest",
    ),
    path("suggestions/<slug:token>/", views.status, name="suggestion_status"),
]
