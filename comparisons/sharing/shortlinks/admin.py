from django.contrib import admin
from django.utils.html import format_html

from comparisons.sharing.shortlinks.models import ShortLink


@admin.register(ShortLink)
class ShortLinkAdmin(admin.ModelAdmin):
    """The list of short links. Made only by readers' requests; editors may delete them."""

    list_display = ["code", "opens", "created", "last_used"]
    search_fields = ["code", "target"]
    date_hierarchy = "created"
    fields = ["code", "short_url", "opens", "created", "last_used"]
    readonly_fields = fields

    @admin.display(description="Short link")
    def short_url(self, link: ShortLink) -> str:
        return format_html('<a href="{}">{}</a>', link.get_absolute_url(), link.url)

    @admin.display(description="Opens", ordering="target")
    def opens(self, link: ShortLink) -> str:
        return format_html('<a href="{}">{}</a>', link.target, link.target)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
