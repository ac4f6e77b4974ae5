"""The admin's bulk import, edit-safe: what the preview saw is what the confirm may change.

The preview merges the file with the site (transfer/bulk_import.py) and records the versions
of every row it read. The confirm form carries one signed reference (django.core.signing) to the
uploaded file and those versions, plus the editor's choice for each conflict; the confirm
claims the file (renames it, which only one request can do), so a forged, unknown or already
used reference, a double click or a replay, answers "already imported; upload the file again"
and writes nothing. The confirmed import refuses rows changed since the preview. A refused or
failed confirm says why and writes nothing; it is never reported as a success. A file over the
import limits (comparisons/transfer/import_formats.py) is refused by the upload form, and errors are
shown as line numbers and messages, never tracebacks.
"""

import contextlib
import os

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import TempFolderStorage

from comparisons.transfer.bulk_import import TAKE_FILE
from comparisons.transfer.import_formats import ImportTooLarge, too_many_bytes

SALT = "kb.import.reference"
ALREADY_IMPORTED = (
    "This file was already imported, or its preview is no longer valid: nothing was "
    "imported. Upload the file again."
)
CLAIMED = ".confirming"


class ReferenceConfirmForm(ConfirmImportForm):
    """The confirm step: the file and the versions the preview read, signed together."""

    reference = forms.CharField(widget=forms.HiddenInput())

    def clean_reference(self):
        try:
            reference = signing.loads(self.cleaned_data["reference"], salt=SALT)
        except signing.BadSignature:
            raise forms.ValidationError(ALREADY_IMPORTED) from None
        if not isinstance(reference, dict) or not {"file", "states"} <= set(reference):
            raise forms.ValidationError(ALREADY_IMPORTED)
        return reference

    def conflict_choices(self) -> dict[str, str]:
        return {
            name: value
            for name, value in self.data.items()
            if name.startswith("conflict:") and value == TAKE_FILE
        }


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

    def claim(self) -> bool:
        """Take the file for this confirm, once: False if another confirm took it, or if it
        never existed. A rename is atomic: of two confirms, exactly one gets the file."""
        path = self.get_full_path()
        try:
            os.rename(path, path + CLAIMED)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False
        self.name += CLAIMED
        return True

    def remove(self):
        with contextlib.suppress(FileNotFoundError):
            super().remove()


class EditSafeImportMixin(ImportExportMixin):
    import_form_class = LimitedImportForm
    tmp_storage_class = ExactTempFolderStorage
    confirm_form_class = ReferenceConfirmForm
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
        if isinstance(form, ReferenceConfirmForm):
            resource_kwargs["confirmed_states"] = form.cleaned_data["reference"]["states"]
            resource_kwargs["choices"] = form.conflict_choices()
        else:  # the preview: the resource records what it saw here
            request.import_edit_states = resource_kwargs["edit_states"] = {}
        return resource_kwargs

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is None:  # the confirm's own form, read from its POST
            return initial
        states = getattr(request, "import_edit_states", {})
        reference = {"file": initial["import_file_name"], "states": states}
        return {**initial, "reference": signing.dumps(reference, salt=SALT, compress=True)}

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        storage = self._claimed_file(form) if form.is_valid() else None
        if storage is None:
            self.message_user(request, ALREADY_IMPORTED, messages.ERROR)
            return self._back_to_import()
        try:
            input_format = self._input_format(form)
            dataset = input_format.create_dataset(storage.read())
            result = self.process_dataset(dataset, form, request, **kwargs)
        finally:
            storage.remove()
        return self.process_result(result, request)

    def _input_format(self, form):
        try:
            return self.get_import_formats()[int(form.cleaned_data["format"])](
                encoding=self.from_encoding
            )
        except (ValueError, IndexError):
            raise PermissionDenied from None

    def _claimed_file(self, form) -> ExactTempFolderStorage | None:
        """The uploaded file the signed reference names, taken for this confirm."""
        input_format = self._input_format(form)
        storage = ExactTempFolderStorage(
            name=os.path.basename(form.cleaned_data["reference"]["file"]),
            encoding=None if input_format.is_binary() else self.from_encoding,
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        return storage if storage.name and storage.claim() else None

    def _back_to_import(self):
        opts = self.model._meta
        return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

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
        return self._back_to_import()
