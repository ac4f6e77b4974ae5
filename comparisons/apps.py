from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        # Connect the signal receivers: history's tag recording, search-vector refreshers.
        from comparisons import history, signals  # noqa: F401
