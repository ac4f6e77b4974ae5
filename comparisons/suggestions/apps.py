from django.apps import AppConfig


class SuggestionsConfig(AppConfig):
    """Readers' suggested changes to a row, reviewed and applied by editors (README "Editing")."""

    name = "comparisons.suggestions"
    label = "suggestions"
    verbose_name = "Readers' suggestions"
