from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        # Connect the signal receivers: history's tag recording, search-vector refreshers,
        # and the content version that invalidates cached pages.
        from comparisons import history, invalidation, signals  # noqa: F401

        invalidation.connect()
