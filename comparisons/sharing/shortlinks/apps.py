from django.apps import AppConfig


class ShortLinksConfig(AppConfig):
    name = "comparisons.sharing.shortlinks"
    label = "shortlinks"
    verbose_name = "Short links"
    default_auto_field = "django.db.models.BigAutoField"
