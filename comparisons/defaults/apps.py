from django.apps import AppConfig


class DefaultsConfig(AppConfig):
    name = "comparisons.defaults"
    label = "kb_defaults"
    verbose_name = "Default content"
