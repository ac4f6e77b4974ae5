"""The admin's file formats for bulk import and export: CSV, XLSX and JSON.

CSV and XLSX are spreadsheets: their cells are written safe from formula injection and read
back to the exact text (transfer/spreadsheets.py). Every format refuses, before any row is
imported, a file of more than IMPORT_MAX_LINES lines; the admin's import form refuses one of
more than IMPORT_MAX_BYTES (an XLSX file, a zip, counts its unpacked size too).
"""

import io
import zipfile

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from import_export.formats import base_formats

from comparisons.transfer.spreadsheets import (
    escape_dataset,
    map_values,
    unescape_dataset,
    xml_restored,
    xml_safe,
)


class ImportTooLarge(ValueError):
    """The file is over an import limit: nothing of it is imported."""


def too_many_bytes(size: int, what: str = "The file") -> ImportTooLarge | None:
    limit = settings.IMPORT_MAX_BYTES
    if size <= limit:
        return None
    return ImportTooLarge(
        f"{what} is {filesizeformat(size)}; at most {filesizeformat(limit)} can be imported "
        "at once. Split it into smaller files."
    )


def _check_lines(dataset):
    limit = settings.IMPORT_MAX_LINES
    if len(dataset) > limit:
        raise ImportTooLarge(
            f"The file has {len(dataset)} lines; at most {limit} can be imported at once. "
            "Split it into smaller files."
        )
    return dataset


class SpreadsheetFormat:
    def export_data(self, dataset, **kwargs):
        return super().export_data(self.stored(escape_dataset(dataset)), **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        dataset = self.read_back(super().create_dataset(in_stream, **kwargs))
        return _check_lines(unescape_dataset(dataset))

    def stored(self, dataset):
        """`dataset` as the file format can hold every character of it."""
        return dataset

    def read_back(self, dataset):
        return dataset


class CSV(SpreadsheetFormat, base_formats.CSV):
    pass


class XLSX(SpreadsheetFormat, base_formats.XLSX):
    def stored(self, dataset):
        return map_values(dataset, xml_safe)

    def read_back(self, dataset):
        return map_values(dataset, xml_restored)

    def create_dataset(self, in_stream, **kwargs):
        # A small zip can unpack to gigabytes: measure before openpyxl reads it.
        with zipfile.ZipFile(io.BytesIO(in_stream)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if error := too_many_bytes(unpacked, "The file, unpacked,"):
            raise error
        return super().create_dataset(in_stream, **kwargs)


class JSON(base_formats.JSON):
    def create_dataset(self, in_stream, **kwargs):
        return _check_lines(super().create_dataset(in_stream, **kwargs))


FORMATS = [CSV, JSON, XLSX]
