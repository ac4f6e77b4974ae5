from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        from comparisons import signals  # noqa: F401  (connects the search-vector refreshers)
