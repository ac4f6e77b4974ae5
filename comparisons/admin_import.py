"""The admin's bulk import, edit-safe: what the preview saw is what the confirm may change.

The preview records the edit state of every row in the file (see comparisons/resources.py);
the confirm form carries it, signed, and the confirmed import refuses rows changed since.
A refused or failed confirm says why and writes nothing; it is never reported as a success.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm

SALT = "kb.import.edit-states"


class EditStateConfirmForm(ConfirmImportForm):
    edit_states = forms.CharField(widget=forms.HiddenInput())

    def clean_edit_states(self):
        try:
            return signing.loads(self.cleaned_data["edit_states"], salt=SALT)
        except signing.BadSignature:
            raise forms.ValidationError(
                "The preview is not valid: upload the file again."
            ) from None


class EditSafeImportMixin(ImportExportMixin):
    confirm_form_class = EditStateConfirmForm

    def get_import_resource_kwargs(self, request, **kwargs):
        resource_kwargs = super().get_import_resource_kwargs(request, **kwargs)
        form = kwargs.get("form")
        if isinstance(form, EditStateConfirmForm):
            resource_kwargs["confirmed_states"] = form.cleaned_data["edit_states"]
        else:  # the preview: the resource records what it saw here
            request.import_edit_states = resource_kwargs["edit_states"] = {}
        return resource_kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        states = getattr(request, "import_edit_states", {})
        return {**initial, "edit_states": signing.dumps(states, salt=SALT)}

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        for error in result.base_errors:
            self.message_user(request, f"Not imported: {error.error}", messages.ERROR)
        for line, errors in result.row_errors():
            for error in errors:
                self.message_user(
                    request, f"Not imported: line {line}: {error.error}", messages.ERROR
                )
        if result.has_validation_errors():
            self.message_user(
                request,
                "Not imported: the file has invalid lines. Upload it again.",
                messages.ERROR,
            )
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))
