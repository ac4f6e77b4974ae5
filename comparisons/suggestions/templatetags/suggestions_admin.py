from django import template
from django.urls import reverse
from django.utils.html import format_html

from comparisons.suggestions.models import Suggestion

register = template.Library()


@register.simple_tag(takes_context=True)
def open_suggestions_notice(context) -> str:
    """The admin index's count of open suggestions, for editors who review them. One query."""
    request = context["request"]
    if not request.user.has_perm("suggestions.view_suggestion"):
        return ""
    count = Suggestion.objects.open().count()
    return format_html(
        '<p class="open-suggestions"><a href="{}">{} open suggestion{} from readers</a></p>',
        reverse("admin:suggestions_suggestion_changelist"),
        count,
        "" if count == 1 else "s",
    )
