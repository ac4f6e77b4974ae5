from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "comparisons.sharing"
    label = "kb_sharing"
    verbose_name = "Sharing"
