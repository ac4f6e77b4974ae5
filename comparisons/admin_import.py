"""The admin's bulk import, edit-safe: what the preview saw is what the confirm may change.

The preview records the edit state of every row in the file (see comparisons/resources.py);
the confirm form carries it, signed, and the confirmed import refuses rows changed since.
A refused or failed confirm says why and writes nothing; it is never reported as a success.
A file over the import limits (comparisons/import_formats.py) is refused by the upload form, and
errors are shown as line numbers and messages, never tracebacks.
"""

from django import forms
from django.contrib import messages
from django.core import signing
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import TempFolderStorage

from comparisons.import_formats import ImportTooLarge, too_many_bytes

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


class LimitedImportForm(ImportForm):
    def clean_import_file(self):
        file = self.cleaned_data["import_file"]
        if error := too_many_bytes(file.size):
            raise forms.ValidationError(str(error))
        return file


class ExactTempFolderStorage(TempFolderStorage):
    """The uploaded file read back as it was sent: a carriage return in a CSV cell stays one
    (the default text read turns it into a line feed)."""

    def _open(self, mode="r"):
        if self.name and mode == "r":
            return open(self.get_full_path(), mode, encoding=self.encoding, newline="")
        return super()._open(mode)


class EditSafeImportMixin(ImportExportMixin):
    import_form_class = LimitedImportForm
    tmp_storage_class = ExactTempFolderStorage
    confirm_form_class = EditStateConfirmForm
    # Errors without tracebacks: the template shows base errors as messages too.
    import_error_display = ("message",)
    import_template_name = "admin/comparisons/dimension/import.html"

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, ImportTooLarge):
            form.add_error("import_file", str(e))
        else:
            super().add_data_read_fail_error_to_form(form, e)

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
