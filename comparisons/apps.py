from django.apps import AppConfig


class ComparisonsConfig(AppConfig):
    name = "comparisons"
    verbose_name = "Comparisons"

    def ready(self):
        from comparisons.history import writes
        from kb import checks  # noqa: F401  (system checks on the settings)

        # History records join the open changeset (comparisons/history/writes.py).
        writes.connect()
