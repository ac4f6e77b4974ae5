"""The admin's bulk import and export as an editor drives them: export a file; upload a file,
read the preview, confirm."""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile

IMPORT_URL = "/admin/comparisons/dimension/import/"
CONFIRM_URL = "/admin/comparisons/dimension/process_import/"
EXPORT_URL = "/admin/comparisons/dimension/export/"


def format_index(client, name: str, url: str = IMPORT_URL) -> str:
    html = client.get(url).content.decode()
    options = html.split('name="format"', 1)[1].split("</select>", 1)[0]
    values = [part.split('"', 1)[0] for part in options.split('value="')[1:]]
    labels = [part.split("<", 1)[0].strip().lower() for part in options.split('">')[1:]]
    return dict(zip(labels, values, strict=False))[name]


def upload(client, rows: list[dict]):
    """Upload `rows` as a JSON file: the preview page."""
    data = json.dumps(rows).encode()
    file = SimpleUploadedFile("rows.json", data, content_type="application/json")
    return client.post(
        IMPORT_URL, {"resource": 0, "format": format_index(client, "json"), "import_file": file}
    )


def upload_file(client, data: bytes, fmt: str):
    """Upload `data` as a file in format `fmt` (csv, json, xlsx): the preview page."""
    file = SimpleUploadedFile(f"rows.{fmt}", data)
    return client.post(
        IMPORT_URL, {"resource": 0, "format": format_index(client, fmt), "import_file": file}
    )


def export(client, fmt: str) -> bytes:
    """Every row, every column, as the admin's export writes them in format `fmt`."""
    html = client.get(EXPORT_URL).content.decode()
    columns = re.findall(r'type="checkbox" name="(dimensionresource_[^"]+)"', html)
    form = {"format": format_index(client, fmt, EXPORT_URL), "resource": 0}
    response = client.post(EXPORT_URL, {**form, **dict.fromkeys(columns, "on")})
    assert response.status_code == 200
    return response.content


def confirm_form(preview_html: str) -> dict[str, str]:
    """The hidden fields of the preview's confirm form, as the browser would post them."""
    form = preview_html.split('action="/admin/comparisons/dimension/process_import/"', 1)[1]
    form = form.split("</form>", 1)[0]
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def preview(client, rows: list[dict]) -> dict[str, str]:
    """Upload `rows` and return what confirming the preview posts."""
    response = upload(client, rows)
    assert response.status_code == 200
    return confirm_form(response.content.decode())


def confirm(client, form: dict[str, str]):
    return client.post(CONFIRM_URL, form)
