from django.contrib import admin, messages
from django.contrib.admin.utils import get_deleted_objects, unquote
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from comparisons.forms import DimensionForm, DimensionListForm, EntryForm
from comparisons.history import trash, writes
from comparisons.history.conflicts import deleted_since_message, resolve_added_meanwhile
from comparisons.history.versions import RestoreError, deleted_dimensions, dimension_revisions
from comparisons.models import Comparison, ComparisonSegment, Dimension, Entry, Segment, Status
from comparisons.transfer.admin_import import EditSafeImportMixin
from comparisons.transfer.import_formats import FORMATS
from comparisons.transfer.resources import DimensionResource
from comparisons.versioning import EditConflict


class ServiceAdmin(SimpleHistoryAdmin):
    """Every save and delete of the admin goes through the write service, one changeset each:
    the form's object is saved with its many-to-many fields and inlines in `save_related`."""

    def save_model(self, request, obj, form, change):
        """Saved with its related objects, as one changeset, in `save_related`."""

    def save_related(self, request, form, formsets, change):
        writes.save_form(request.user, form, formsets, reason=self.reason_for(request))

    def reason_for(self, request) -> str | None:
        """The changeset's reason; None: created or edited, as the object says."""
        return None

    def delete_model(self, request, obj):
        writes.delete(request.user, [obj])

    def delete_queryset(self, request, queryset):
        writes.delete(request.user, list(queryset))


class PublishingAdmin(ServiceAdmin):
    """Draft/published content: "Save and publish" on the form, bulk actions in the list.

    The change form links to the page on the site ("Preview on site" for a draft, which
    staff can see). Publishing saves each object, so it is in the history.
    """

    actions = ["publish", "unpublish"]

    def save_model(self, request, obj, form, change):
        if "_publish" in request.POST:
            obj.status = Status.PUBLISHED

    def reason_for(self, request) -> str | None:
        return writes.Reason.PUBLISH if "_publish" in request.POST else None

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_publish"] = obj is None or obj.is_draft
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _published_response(self, request, obj):
        self.message_user(
            request,
            format_html(
                '“{}” is published: <a href="{}">see it on the site</a>.',
                obj,
                obj.get_absolute_url(),
            ),
            messages.SUCCESS,
        )
        opts = obj._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def response_add(self, request, obj, post_url_continue=None):
        if "_publish" in request.POST:
            return self._published_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            return self._published_response(request, obj)
        return super().response_change(request, obj)

    def _set_status(self, request, queryset, status, reason):
        changing = list(queryset.exclude(status=status))
        writes.set_status(request.user, changing, status)
        self.message_user(request, f"{reason}: {len(changing)}.", messages.SUCCESS)

    @admin.action(description="Publish selected %(verbose_name_plural)s")
    def publish(self, request, queryset):
        self._set_status(request, queryset, Status.PUBLISHED, "Published")

    @admin.action(description="Return selected %(verbose_name_plural)s to draft")
    def unpublish(self, request, queryset):
        self._set_status(request, queryset, Status.DRAFT, "Returned to draft")


@admin.register(Segment)
class SegmentAdmin(ServiceAdmin):
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
class ComparisonAdmin(PublishingAdmin):
    list_display = ["title", "topic", "slug", "status", "updated"]
    list_filter = ["status", "topic"]
    search_fields = ["title", "topic", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ComparisonSegmentInline]

    def get_deleted_objects(self, objs, request):
        """A table goes to the Trash with its rows, cells and columns (`writes.delete`), so
        its rows, which the database protects from a plain delete, are listed, not refused."""
        dimensions = list(Dimension.objects.filter(comparison__in=list(objs)))
        deleted, count, perms, _protected = get_deleted_objects(objs, request, self.admin_site)
        if dimensions:
            with_dimensions = get_deleted_objects(dimensions, request, self.admin_site)
            deleted += with_dimensions[0]
            count = {**count, **with_dimensions[1]}
            perms |= with_dimensions[2]
        return deleted, count, perms, []


class EntryFormSet(BaseInlineFormSet):
    """One form per column of the dimension's comparison, prefilled with its segment.

    Two conflicts only a formset sees are shown in the form, never lost (comparisons/
    conflicts.py has the field by field ones): a cell deleted since the form was opened and
    edited here (the form keeps the text, as a new cell, and says who deleted it), and a cell
    added here while someone else added it (the form shows theirs and asks which to keep).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        missing = self.missing_segments
        for form, segment in zip(self.extra_forms, missing, strict=False):
            form.initial.setdefault("segment", segment.pk)

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < self.initial_form_count() and form.instance.pk is None and self.is_bound:
            # A cell deleted since the form was opened: kept here, as a new one.
            pk_name = self.model._meta.pk.name
            form.fields[pk_name].required = False
            posted = form.data.get(form.add_prefix(pk_name))
            if posted:
                form.data = form.data.copy()
                form.data[form.add_prefix(pk_name)] = ""
                form.deleted_since = posted
            self.kept = {**getattr(self, "kept", {}), i: form.instance}
        return form

    def get_queryset(self):
        """The cells, and in their places the cells deleted since the form was opened: the
        admin shows the forms of the cells it finds here."""
        queryset = super().get_queryset()
        kept = getattr(self, "kept", None)
        if not kept:
            return queryset
        entries = list(queryset)
        for index in sorted(kept):
            entries.insert(index, kept[index])
        return entries

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if getattr(form, "deleted_since", None):
                form.add_error("body", deleted_since_message(form.deleted_since))
            elif form.instance.pk is None and form.has_changed():
                resolve_added_meanwhile(form, self.instance)

    def save_existing_objects(self, commit=True):
        saved = super().save_existing_objects(commit)
        # Cells deleted since the form was opened, confirmed by saving again: added anew.
        for form in self.initial_forms:
            new = form.instance.pk is None and form.has_changed()
            if new and not self._should_delete_form(form):
                saved.append(self.save_new(form, commit=commit))
        return saved

    def save_new(self, form, commit=True):
        if getattr(form, "take_theirs", False):
            return form.instance  # their cell stays as it is
        return super().save_new(form, commit=commit)


class EntryInline(admin.StackedInline):
    model = Entry
    form = EntryForm
    formset = EntryFormSet
    classes = ["side-by-side"]

    def _segments(self, request, obj):
        comparison_id = obj.comparison_id if obj else request.GET.get("comparison")
        if comparison_id and str(comparison_id).isdigit():
            return list(Segment.objects.filter(comparisonsegment__comparison_id=comparison_id))
        return list(Segment.objects.all())

    def get_formset(self, request, obj=None, **kwargs):
        segments = self._segments(request, obj)
        present = set(obj.entries.values_list("segment_id", flat=True)) if obj else set()
        formset = super().get_formset(request, obj, **kwargs)
        formset.missing_segments = [s for s in segments if s.pk not in present]
        return formset

    def get_extra(self, request, obj=None, **kwargs):
        present = obj.entries.count() if obj else 0
        return max(len(self._segments(request, obj)) - present, 0)

    def get_max_num(self, request, obj=None, **kwargs):
        return len(self._segments(request, obj))

    def get_queryset(self, request):
        queryset = super().get_queryset(request).order_by("segment__position", "segment__name")
        if request.method == "POST":  # see DimensionAdmin.get_object
            queryset = queryset.select_for_update(of=("self",))
        return queryset


@admin.register(Dimension)
class DimensionAdmin(EditSafeImportMixin, PublishingAdmin):
    """Rows with their entries side by side, a row history with restore, deleted rows."""

    form = DimensionForm
    list_display = [
        "title",
        "comparison",
        "position",
        "status",
        "difference",
        "tag_list",
        "updated_on",
        "version",  # a hidden input: list edits are checked and merged like the form's
    ]
    list_display_links = ["title"]
    # Levels are judged row against row, so they are set right in the list too.
    list_editable = ["position", "difference", "version"]
    list_filter = ["comparison", "status", "difference", "tags"]
    list_select_related = ["comparison"]
    search_fields = ["title", "question", "common_ground", "entries__body"]
    ordering = ["comparison", "position"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "comparison",
                    ("title", "slug"),
                    "question",
                    "status",
                    "difference",
                    "version",
                ]
            },
        ),
        ("Placement", {"fields": ["position", "tags"]}),
        ("Common ground", {"fields": ["common_ground"]}),
    ]
    inlines = [EntryInline]
    change_list_template = "admin/comparisons/dimension/change_list.html"
    # Import/export: the rows of the comparisons filtered in the list, as a spreadsheet.
    resource_classes = [DimensionResource]
    # CSV and XLSX cells safe from formula injection; every format within the import limits.
    formats = FORMATS

    class Media:
        css = {"all": ["admin/kb-admin.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("tags")

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=DimensionListForm, **kwargs)

    @admin.display(description="Tags")
    def tag_list(self, obj):
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description="Updated", ordering="updated")
    def updated_on(self, obj):
        return date_format(obj.updated, "j M Y")

    def get_urls(self):
        extra = [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name="comparisons_dimension_deleted",
            ),
            path("trash/", self.admin_site.admin_view(self.trash_view), name="comparisons_trash"),
            path(
                "trash/<int:changeset_id>/restore/",
                self.admin_site.admin_view(self.trash_restore_view),
                name="comparisons_trash_restore",
            ),
            path(
                "<path:object_id>/history/<str:revision_key>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="comparisons_dimension_restore",
            ),
        ]
        return extra + super().get_urls()

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None and request.method == "POST":
            # Locked, with its entries (EntryInline), until the save commits: the version the
            # form is checked and merged against stays the current one, and a save racing this
            # one waits, then finds a newer version.
            obj = self.get_queryset(request).select_for_update(of=("self",)).get(pk=obj.pk)
        return obj

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except EditConflict:
            # Only a write that skips the row lock can get here (the whole save is rolled back).
            self.message_user(
                request,
                "Not saved: the row was saved by someone else at the same moment. "
                "Open it again and redo your change.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.path)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        self._tell_what_was_merged(request, form, formsets, saved=True)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and "adminform" in context:
            formsets = [inline.formset for inline in context.get("inline_admin_formsets", [])]
            self._tell_what_was_merged(request, context["adminform"].form, formsets, saved=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _tell_what_was_merged(self, request, form, formsets, saved: bool):
        forms = [form, *(f for formset in formsets for f in formset.forms)]
        merged = [name for f in forms for name in getattr(f, "merged", [])]
        if not merged:
            return
        changed = "; ".join(merged)
        if saved:
            text = (
                f"Saved. Changed by someone else since you opened this form, and kept: {changed}."
            )
        else:
            text = f"Changed by someone else since you opened this form, now in it: {changed}."
        self.message_user(request, text, messages.INFO)

    def _revisions(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        if not str(object_id).isdigit():
            raise Http404("No such row.")
        revisions = dimension_revisions(int(object_id))
        if not revisions:
            raise Http404("This row has no history.")
        return revisions

    def history_view(self, request, object_id, extra_context=None):
        """Each revision of the row with a diff of its fields and entries, and restore."""
        object_id = unquote(object_id)
        if not (str(object_id).isdigit() and Dimension.history.filter(id=object_id).exists()):
            # Saved before history was recorded, or unknown: 404 as the change form does.
            obj = self.get_object(request, object_id)
            if obj is None or not self.has_view_or_change_permission(request, obj):
                raise Http404("No such row.")
            context = {
                **self.admin_site.each_context(request),
                "title": f"History of “{obj}”",
                "opts": self.model._meta,
                "object_id": obj.pk,
                "revisions": [],
            }
            return render(request, "admin/comparisons/dimension/dimension_history.html", context)
        revisions = self._revisions(request, object_id)
        newest = revisions[0].record
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of “{newest.title}”",
            "opts": self.model._meta,
            "object_id": newest.id,
            "revisions": revisions,
            "is_deleted": revisions[0].is_deletion,
            "can_restore": self.has_change_permission(request)
            and (not revisions[0].is_deletion or self.has_add_permission(request)),
        }
        return render(request, "admin/comparisons/dimension/dimension_history.html", context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        url = reverse("admin:comparisons_dimension_history", args=[object_id])
        return HttpResponseRedirect(f"{url}#version-row-{version_id}")

    def restore_view(self, request, object_id, revision_key):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        revisions = self._revisions(request, unquote(object_id))
        revision = next((v for v in revisions if v.key == revision_key), None)
        if revision is None:
            raise Http404("No such version of this row.")
        if not self.has_change_permission(request) or (
            revisions[0].is_deletion and not self.has_add_permission(request)
        ):
            raise PermissionDenied
        history_url = reverse("admin:comparisons_dimension_history", args=[revision.record.id])
        try:
            dimension = writes.restore(request.user, revision)
        except RestoreError as error:
            self.message_user(request, f"Not restored: {error}", messages.ERROR)
            return HttpResponseRedirect(history_url)
        except EditConflict:
            self.message_user(
                request, "Not restored: the row was saved meanwhile. Try again.", messages.ERROR
            )
            return HttpResponseRedirect(history_url)
        when = f"{revision.date:%d %b %Y %H:%M}"
        self.message_user(
            request,
            f"Restored “{dimension}” as it was on {when}, with its cells.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(
            reverse("admin:comparisons_dimension_change", args=[dimension.pk])
        )

    def deleted_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted rows",
            "opts": self.model._meta,
            "records": deleted_dimensions(),
        }
        return render(request, "admin/comparisons/dimension/deleted.html", context)

    def trash_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Trash",
            "opts": self.model._meta,
            "items": trash.in_trash(),
            "can_restore": self.has_add_permission(request),
        }
        return render(request, "admin/comparisons/trash.html", context)

    def trash_restore_view(self, request, changeset_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        item = next((i for i in trash.in_trash() if i.changeset.pk == changeset_id), None)
        if item is None:
            raise Http404("Nothing of this deletion is in the Trash.")
        try:
            writes.restore_deleted(request.user, item.changeset)
        except IntegrityError:  # rolled back as a whole: nothing was restored
            self.message_user(
                request,
                f"Not restored: {item.what} — its address is taken by something made since. "
                "Rename that first.",
                messages.ERROR,
            )
        else:
            self.message_user(request, f"Restored {item.kind}: {item.what}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:comparisons_trash"))


from comparisons import tag_admin  # noqa: E402, F401  tags in the admin
