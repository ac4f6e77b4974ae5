from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "comparisons.transfer"
    label = "kb_transfer"
    verbose_name = "Import, export and backups"
