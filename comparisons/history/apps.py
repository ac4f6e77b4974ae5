from django.apps import AppConfig


class HistoryConfig(AppConfig):
    name = "comparisons.history"
    label = "kb_history"
    verbose_name = "History"
