from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        # Every side effect of a change to content: see comparisons/writes.py.
        from comparisons import writes
        from kb import checks  # noqa: F401  (system checks on the settings)

        writes.connect()
