from django import template

from comparisons.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render an editor's Markdown to sanitised HTML."""
    return render_markdown(text)
