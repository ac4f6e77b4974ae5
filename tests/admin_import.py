"""The admin's bulk import as an editor drives it: upload a file, read the preview, confirm."""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile

IMPORT_URL = "/admin/comparisons/dimension/import/"
CONFIRM_URL = "/admin/comparisons/dimension/process_import/"


def format_index(client, name: str) -> str:
    html = client.get(IMPORT_URL).content.decode()
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
