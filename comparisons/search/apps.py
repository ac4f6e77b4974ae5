from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "comparisons.search"
    label = "kb_search"
    verbose_name = "Search"
