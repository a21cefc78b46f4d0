"""Re-capture the saved list responses from the local test portal (127.0.0.1 only).

``python tests/data/lists/capture.py`` starts ``TestPortal(families=("hanweb", "trs_api", "gkmlpt"))``,
fetches the pages and API answers listed below with urllib, replaces every site's ephemeral port by
``127.0.0.1:8000`` (so the bytes are deterministic) and writes ``<name>`` files plus ``index.json``
(url, method, form, status, content type, site kind and the facts the tests check against: column
sizes, page sizes, the portal's request minimum). Nothing here touches the internet.
"""

from __future__ import annotations

import json
import re
import sys
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).parent
HOST = "127.0.0.1:8000"
sys.path.insert(0, str(HERE.parents[2]))

from demoportal import TestPortal  # noqa: E402
from demoportal.families import FAMILIES, HANWEB_PROXY, TRS_API_PATH  # noqa: E402


def fetch(url: str, form: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    assert url.startswith("http://127.0.0.1:"), url
    data = urlencode(form).encode() if form is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if form is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def main() -> None:
    entries: list[dict] = []
    with TestPortal(families=("hanweb", "trs_api", "gkmlpt")) as portal:
        ports = [re.escape(s.base_url.removeprefix("http://")) for s in portal.sites]
        port_re = re.compile("|".join(ports).encode())
        by_kind = {s.kind: s for s in portal.sites}
        minimum = portal.minimum_requests()

        def save(name: str, site, target: str, form: dict[str, str] | None = None, **facts) -> None:
            status, ctype, body = fetch(site.url(target), form)
            (HERE / name).write_bytes(port_re.sub(HOST.encode(), body))
            entries.append(
                {
                    "name": name,
                    "url": f"http://{HOST}{target}",
                    "method": "POST" if form is not None else "GET",
                    "form": form,
                    "status": status,
                    "content_type": ctype,
                    "site_kind": site.kind,
                    **facts,
                }
            )

        # --- Hanweb -------------------------------------------------------------------------
        hanweb = by_kind["hanweb"]
        main_col, second = hanweb.site.report_columns()
        family = FAMILIES["hanweb"]
        for label, col in (("main", main_col), ("second", second)):
            o = col.options
            save(
                f"hanweb-{label}-column.html",
                hanweb,
                f"{col.path}index.html",
                total=len(col.articles),
                per_page=o["per_page"],
                group_size=o["group_size"],
            )
        form = dict(family.form(main_col))
        group = main_col.options["per_page"] * main_col.options["group_size"]
        save(
            "hanweb-main-proxy-k1.xml",
            hanweb,
            f"{HANWEB_PROXY}?startrecord={group + 1}&endrecord={2 * group}&perpage={main_col.options['per_page']}",
            form,
        )
        form2 = dict(family.form(second))
        group2 = second.options["per_page"] * second.options["group_size"]
        per2 = second.options["per_page"]
        save(
            "hanweb-second-proxy-k1-invalid.xml",
            hanweb,
            f"{HANWEB_PROXY}?startrecord={group2 + 1}&endrecord={2 * group2}&perpage={per2}",
            form2,
        )
        save(
            "hanweb-second-proxy-k2-xxe.xml",
            hanweb,
            f"{HANWEB_PROXY}?startrecord={2 * group2 + 1}&endrecord={3 * group2}&perpage={per2}",
            form2,
        )
        save("hanweb-article.html", hanweb, main_col.articles[0].path)
        save("hanweb-section.html", hanweb, hanweb.site.section_path)

        # --- TRS 动静结合 ----------------------------------------------------------------------
        trs_api = by_kind["trs-api"]
        main_col, second = trs_api.site.report_columns()
        api = FAMILIES["trs_api"]
        for label, col in (("main", main_col), ("second", second)):
            save(
                f"trs_api-{label}-column.html",
                trs_api,
                f"{col.path}index.htm",
                total=len(col.articles),
                page_size=col.options["page_size"],
            )
        save("trs_api-main-page1-500.json", trs_api, TRS_API_PATH, dict(api.form(main_col, 1, 500)))
        save("trs_api-main-page2-10.json", trs_api, TRS_API_PATH, dict(api.form(main_col, 2)))
        save("trs_api-second-page1-500-truncated.json", trs_api, TRS_API_PATH, dict(api.form(second, 1, 500)))
        save("trs_api-second-page2-10-truncated.json", trs_api, TRS_API_PATH, dict(api.form(second, 2)))
        save("trs_api-second-page3-10.json", trs_api, TRS_API_PATH, dict(api.form(second, 3)))
        save("trs_api-section.html", trs_api, trs_api.site.section_path)

        # --- gkmlpt -------------------------------------------------------------------------
        gk = by_kind["gkmlpt"]
        (col,) = gk.site.report_columns()
        code, sid = col.options["code"], col.options["sid"]
        save(
            "gkmlpt-index.html", gk, "/gkmlpt/index", sid=sid, report_columns=[code], total=len(col.articles)
        )
        save("gkmlpt-api-page1.json", gk, f"/gkmlpt/api/all/{code}?page=1&sid={sid}")
        save("gkmlpt-api-page3.json", gk, f"/gkmlpt/api/all/{code}?page=3&sid={sid}")
        save("gkmlpt-api-bad-sid.json", gk, f"/gkmlpt/api/all/{code}?page=1&sid=440000")
        save("gkmlpt-article.html", gk, col.articles[0].path)

        # --- static families, for non-detection ----------------------------------------------
        county, city = by_kind["county"], by_kind["city"]
        save("trs-county-column.html", county, county.site.report_columns()[0].pages()[0].path)
        save("paged-city-column.html", city, city.site.report_columns()[0].pages()[0].path)

        probe = hanweb.url(hanweb.site.xxe_probe_path)
        assert not portal.requested(probe)
        summary = {
            s.kind: {k: v for k, v in minimum[s.base_url + "/"].items()} for s in (hanweb, trs_api, gk)
        }
    (HERE / "index.json").write_text(
        json.dumps(
            {
                "captured_from": 'TestPortal(families=("hanweb", "trs_api", "gkmlpt")), seed 0, ports -> '
                + HOST,
                "captured": date.today().isoformat(),
                "responses": entries,
                "minimum_requests": summary,
            },
            ensure_ascii=False,
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
