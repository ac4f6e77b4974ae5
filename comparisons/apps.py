from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        # Every side effect of a change to content: see comparisons/writes.py.
        from comparisons import writes

        writes.connect()
