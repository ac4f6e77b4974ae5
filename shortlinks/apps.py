from django.apps import AppConfig


class ShortLinksConfig(AppConfig):
    name = "shortlinks"
    verbose_name = "Short links"
    default_auto_field = "django.db.models.BigAutoField"
