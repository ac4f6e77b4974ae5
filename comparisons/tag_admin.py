"""Tags in the admin: renames, merges and deletions are changes to the rows that carry them,
one changeset each (comparisons/history/writes.py), in those rows' history and in the Trash."""

from django.contrib import admin, messages
from django.shortcuts import redirect, render
from django.urls import path
from taggit.forms import MergeTagsForm
from taggit.models import Tag

from comparisons.history import writes

admin.site.unregister(Tag)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    # No inline of tagged items: rows get and lose tags in their own form, or here as a whole.
    list_display = ["name", "slug"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge"]

    def save_model(self, request, obj, form, change):
        if not change:
            writes.save(request.user, obj, writes.Reason.CREATE, f"tag {obj.name}")
            return
        saved = Tag.objects.get(pk=obj.pk)
        writes.rename_tag(request.user, saved, obj.name, obj.slug)

    def delete_model(self, request, obj):
        writes.delete_tags(request.user, [obj])

    def delete_queryset(self, request, queryset):
        writes.delete_tags(request.user, list(queryset))

    def get_urls(self):
        merge = path("merge/", self.admin_site.admin_view(self.merge_view), name="taggit_tag_merge")
        return [merge, *super().get_urls()]

    @admin.action(description="Merge selected tags")
    def merge(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True))
        return redirect(f"merge/?ids={ids}")

    def merge_view(self, request):
        if not self.has_change_permission(request):
            return redirect("..")
        raw = request.GET.get("ids", "")
        ids = [int(pk) for pk in raw.split(",") if pk.isdigit()]
        tags = list(Tag.objects.filter(pk__in=ids))
        form = MergeTagsForm(request.POST or None)
        if request.method == "POST" and tags and form.is_valid():
            into = form.cleaned_data["new_tag_name"]
            writes.merge_tags(request.user, tags, into)
            self.message_user(request, f"Merged into “{into}”.", messages.SUCCESS)
            return redirect("..")
        context = {
            **self.admin_site.each_context(request),
            "form": form,
            "tags": tags,
            "title": "Merge tags",
            "opts": self.model._meta,
        }
        return render(request, "admin/taggit/tag/merge.html", context)
