"""Editors' queue of readers' suggestions: review each as a diff, accept, edit then accept,
or decline with a note."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator

from comparisons.models import Segment
from comparisons.suggestions.apply import AlreadyDecided, Conflicts, accept, decline
from comparisons.suggestions.forms import EditedSuggestionForm
from comparisons.suggestions.merge import compare
from comparisons.suggestions.models import NOTE_MAX, Suggestion, SuggestionStatus
from comparisons.versioning import EditConflict


class StatusFilter(admin.SimpleListFilter):
    """The queue shows open suggestions unless asked for others."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*SuggestionStatus.choices, ("all", "All")]

    def value(self):
        return super().value() or SuggestionStatus.OPEN

    def choices(self, changelist):
        for value, label in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        if self.value() == "all":
            return queryset
        return queryset.filter(status=self.value())


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["created", "dimension_link", "status", "credited", "reason_start"]
    list_display_links = ["created", "dimension_link"]
    list_filter = [StatusFilter]
    list_select_related = ["dimension__comparison"]
    ordering = ["-created"]

    def has_add_permission(self, request):
        return False  # readers send them, on the site

    @admin.display(description="Row")
    def dimension_link(self, obj):
        return f"{obj.dimension.comparison}: {obj.dimension}"

    @admin.display(description="From")
    def credited(self, obj):
        return obj.name or "a reader"

    @admin.display(description="Reason")
    def reason_start(self, obj):
        return Truncator(obj.reason).chars(80)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The review page: the suggestion against what the reader saw and the row now."""
        suggestion = self.get_object(request, unquote(object_id))
        if suggestion is None:
            raise Http404("No such suggestion.")
        if not self.has_view_or_change_permission(request, suggestion):
            raise PermissionDenied
        if request.method == "POST":
            if not self.has_change_permission(request, suggestion):
                raise PermissionDenied
            return self._decide(request, suggestion)
        editing = "edit" in request.GET and suggestion.status == SuggestionStatus.OPEN
        edit_form = self._edit_form(suggestion) if editing else None
        return self._review(request, suggestion, edit_form)

    def _edit_form(self, suggestion, data=None) -> EditedSuggestionForm:
        segments = Segment.objects.in_bulk([int(key) for key in suggestion.cells])
        return EditedSuggestionForm(suggestion, segments, data)

    def _review(self, request, suggestion, edit_form=None, conflicts=(), status=200):
        dimension = suggestion.dimension
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Suggestion for “{dimension}”",
            "suggestion": suggestion,
            "dimension": dimension,
            "fields": compare(suggestion, dimension),
            "edit_form": edit_form,
            "conflicts": {field.key for field in conflicts},
            "is_open": suggestion.status == SuggestionStatus.OPEN,
            "can_change": self.has_change_permission(request, suggestion),
            "note_max": NOTE_MAX,
        }
        return render(request, "admin/suggestions/suggestion/review.html", context, status=status)

    def _decide(self, request: HttpRequest, suggestion: Suggestion) -> HttpResponse:
        note = request.POST.get("editor_note", "")[:NOTE_MAX]
        here = reverse("admin:suggestions_suggestion_change", args=[suggestion.pk])
        try:
            if "_decline" in request.POST:
                decline(suggestion, request.user, note)
                self.log_change(request, suggestion, "Declined.")
                self.message_user(request, "Declined.", messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:suggestions_suggestion_changelist"))
            edit_form = None
            if "_edited" in request.POST:
                edit_form = self._edit_form(suggestion, request.POST)
                if not edit_form.is_valid():
                    return self._review(request, suggestion, edit_form, status=400)
                edit_form.apply_to_suggestion()
            suggestion.editor_note = note
            choices = {
                key[len("choice-") :]: value
                for key, value in request.POST.items()
                if key.startswith("choice-")
            }
            applied = accept(suggestion, request.user, choices)
        except AlreadyDecided:
            self.message_user(request, "Already decided by another editor.", messages.WARNING)
            return HttpResponseRedirect(here)
        except Conflicts as conflicts:
            self.message_user(
                request,
                "Not applied: an editor changed these fields since the reader saw the row, "
                f"differently. Choose for each, then accept again: {conflicts}.",
                messages.ERROR,
            )
            return self._review(request, suggestion, edit_form, conflicts.fields, status=409)
        except EditConflict:
            self.message_user(
                request, "Not applied: the row was saved at the same moment. Try again.",
                messages.ERROR,
            )  # fmt: skip
            return HttpResponseRedirect(here)
        names = ", ".join(field.label for field in applied) or "nothing (the row had it all)"
        self.log_change(request, suggestion, f"Accepted; applied: {names}.")
        self.message_user(request, f"Accepted; applied: {names}.", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:suggestions_suggestion_changelist"))
