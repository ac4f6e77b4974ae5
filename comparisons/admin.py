from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX

from comparisons.forms import EntryForm
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment
from comparisons.resources import DimensionResource


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "description"]


class ComparisonSegmentInline(admin.TabularInline):
    model = ComparisonSegment
    extra = 0
    min_num = 1
    verbose_name = "column"
    verbose_name_plural = "columns (segments, in order)"


@admin.register(Comparison)
class ComparisonAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "status", "updated"]
    list_filter = ["status"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ComparisonSegmentInline]
    actions = ["publish", "unpublish"]

    @admin.action(description="Publish selected comparisons")
    def publish(self, request, queryset):
        queryset.update(status="published")

    @admin.action(description="Return selected comparisons to draft")
    def unpublish(self, request, queryset):
        queryset.update(status="draft")


class EntryFormSet(BaseInlineFormSet):
    """One form per column of the dimension's comparison, prefilled with its segment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missing = self.missing_segments
        for form, segment in zip(self.extra_forms, missing, strict=False):
            form.initial.setdefault("segment", segment.pk)


class EntryInline(admin.StackedInline):
    model = Entry
    form = EntryForm
    formset = EntryFormSet
    classes = ["side-by-side"]

    def _columns(self, request, obj):
        comparison_id = obj.comparison_id if obj else request.GET.get("comparison")
        if comparison_id and str(comparison_id).isdigit():
            return list(Segment.objects.filter(comparisonsegment__comparison_id=comparison_id))
        return list(Segment.objects.all())

    def get_formset(self, request, obj=None, **kwargs):
        columns = self._columns(request, obj)
        present = set(obj.entries.values_list("segment_id", flat=True)) if obj else set()
        formset = super().get_formset(request, obj, **kwargs)
        formset.missing_segments = [s for s in columns if s.pk not in present]
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        present = obj.entries.count() if obj else 0
        return max(len(self._columns(request, obj)) - present, 0)

    def get_max_num(self, request, obj=None, **kwargs):
        return len(self._columns(request, obj))


@admin.register(Dimension)
class DimensionAdmin(ImportExportMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "comparison",
        "position",
        "status",
        "difference",
        "tag_list",
        "updated",
    ]
    list_display_links = ["title"]
    # Levels are judged row against row, so they are set right in the list too.
    list_editable = ["position", "difference"]
    list_filter = ["comparison", "status", "difference", "tags"]
    list_select_related = ["comparison"]
    search_fields = ["title", "question", "common_ground", "entries__body"]
    ordering = ["comparison", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["comparison", ("title", "slug"), "question", "status", "difference"]}),
        ("Placement", {"fields": ["position", "tags"]}),
        ("Common ground", {"fields": ["common_ground"]}),
    ]
    inlines = [EntryInline]
    actions = ["publish", "unpublish"]
    # Import/export: the rows of the comparisons filtered in the list, as a spreadsheet.
    resource_classes = [DimensionResource]
    formats = [CSV, JSON, XLSX]

    class Media:
        css = {"all": ["admin/kb-admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.action(description="Publish selected rows")
    def publish(self, request, queryset):
        queryset.update(status="published")

    @admin.action(description="Return selected rows to draft")
    def unpublish(self, request, queryset):
        queryset.update(status="draft")
