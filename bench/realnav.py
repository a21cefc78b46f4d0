"""Real navigation pages: how many links each page offers, how many the crawler follows, and
where the link toward the 年报 column stands among them.

    python -m bench.realnav

Pure (no crawl): the chooser :func:`gsspider.discovery.nav_choices` over the page's links as
:func:`gsspider.listreaders.base.anchors` reads them. ``tests/test_real_nav.py`` crawls each page.
"""

from __future__ import annotations

from gsspider.discovery import nav_choices
from tests.test_real_nav import ANSWERS, PAGES, page_links


def main() -> None:
    print(f"{'page':5} {'links':>5} {'chosen':>6} {'rank':>4}  kind     label")
    for name in PAGES:
        links = page_links(name)
        chosen = nav_choices(links, "home")
        toward = set(ANSWERS[name]["toward_reports"])
        rank = next((i for i, c in enumerate(chosen, 1) if c.url in toward), None)
        hit = chosen[rank - 1] if rank else None
        print(
            f"{name:5} {len(links):5} {len(chosen):6} {rank or '-':>4}  "
            f"{hit.kind if hit else '-':8} {hit.label if hit else 'not chosen'}"
        )


if __name__ == "__main__":
    main()
