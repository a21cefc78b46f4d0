"""Screenshot a coverage page (gsspider coverage --format html) in the system's headless Chromium.

python scripts/screenshot-coverage.py coverage.html docs/coverage.png
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from gsspider.browser import find_chromium


def main(page_path: str, out: str) -> int:
    chromium = find_chromium()
    if chromium is None:
        print("no Chromium: apt-get install chromium (scripts/setup-dev.sh)", file=sys.stderr)
        return 2
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 900, "height": 800})
            page.goto(Path(page_path).resolve().as_uri())
            page.screenshot(path=out, full_page=True)
        finally:
            browser.close()
    print(f"{out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
