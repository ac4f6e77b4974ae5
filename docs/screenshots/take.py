"""Screenshots for design review: home, table, shared view and share box at 375 and 1280 px,
light and dark. Run against a server with the default content:

    .venv/bin/python docs/screenshots/take.py http://127.0.0.1:8000 after

Saves docs/screenshots/<label>-<page>-<width>-<scheme>.png (the first two screens of the page,
as JPEG-like PNGs kept small by capping the height).
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

TABLE = "/compare/product-management-b2b-vs-b2c/"
PAGES = {
    "home": "/",
    "table": TABLE,
    "view": TABLE + "?only=customers,pricing,dogfooding",
}
HERE = Path(__file__).parent


def main(base: str, label: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox"]
        )
        for scheme in ("light", "dark"):
            for width in (375, 1280):
                height = 812 if width == 375 else 900
                context = browser.new_context(
                    viewport={"width": width, "height": height},
                    color_scheme=scheme,
                    device_scale_factor=1,
                )
                page = context.new_page()
                for name, path in PAGES.items():
                    page.goto(base + path)
                    page.wait_for_load_state("load")
                    clip = {"x": 0, "y": 0, "width": width, "height": height * 2}
                    page.screenshot(
                        path=HERE / f"{label}-{name}-{width}-{scheme}.png",
                        full_page=True,
                        clip=clip,
                    )
                page.goto(base + TABLE)
                share = page.locator("section.share")
                share.screenshot(path=HERE / f"{label}-share-{width}-{scheme}.png")
                context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
