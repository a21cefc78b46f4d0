"""The ground truth: what a crawl of each simulated site should end with.

Per site (:class:`~.model.Site` asks here): its expected status, one record per report (year,
publisher, template, tables 3 and 4, whether the identities hold, format, expected status and
flags), every non-report URL it links, and the fewest requests that reach every report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from parsers.constants import TEMPLATE_PRE_2019

from .model import OFFSITE_LINKS
from .render import table_problems
from .seeds import seed_truth

if TYPE_CHECKING:
    from .model import Article, Site

#: Attachment kinds: the file format, what a crawler should end with, the flags it should report
#: (parser vocabulary where one exists), the obstacle on the way, and whether the report itself is
#: the file (False: the report is the HTML page, as for 图片版 and JS-bound viewers).
ATTACHMENT_KINDS: dict[str, dict[str, Any]] = {
    "pdf": {"format": "pdf", "status": "parsed", "flags": (), "obstacle": None, "file": True},
    "docx": {"format": "docx", "status": "parsed", "flags": (), "obstacle": None, "file": True},
    "doc": {
        "format": "doc",
        "status": "unsupported",
        "flags": ("unsupported_document",),
        "obstacle": None,
        "file": True,
    },
    "wps": {
        "format": "wps",
        "status": "unsupported",
        "flags": ("unsupported_document",),
        "obstacle": None,
        "file": True,
    },
    "image_pdf": {
        "format": "image_pdf",
        "status": "needs_ocr",
        "flags": ("needs_ocr", "image_only"),
        "obstacle": None,
        "file": True,
    },
    "image_html": {
        "format": "image_html",
        "status": "needs_ocr",
        "flags": ("needs_ocr",),
        "obstacle": None,
        "file": False,
    },
    "js_bound": {
        "format": "pdf",
        "status": "flagged",
        "flags": ("js_bound_attachment",),
        "obstacle": "js_bound",
        "file": False,
    },
    "expiring_pdf": {
        "format": "pdf",
        "status": "parsed",
        "flags": (),
        "obstacle": "expiring_link",
        "file": True,
    },
    "oversized": {
        "format": "pdf",
        "status": "error",
        "flags": ("too_large",),
        "obstacle": "oversized",
        "file": True,
    },
    "truncated_pdf": {
        "format": "pdf",
        "status": "error",
        "flags": ("unreadable_document",),
        "obstacle": "truncated",
        "file": True,
    },
    "zip_bomb": {
        "format": "docx",
        "status": "error",
        "flags": ("unreadable_document",),
        "obstacle": "zip_bomb",
        "file": True,
    },
}
#: Kinds whose table 3 a crawler can read from the file.
READABLE_ATTACHMENTS = ("pdf", "docx", "expiring_pdf")


def site_expectation(site: Site, base_url: str) -> dict[str, Any]:
    """What a crawl of this site should end with: ``ok``, or ``blocked`` and why."""
    return {
        "site_url": base_url + "/",
        "key": site.key,
        "kind": site.kind,
        "family": site.profile.family,
        "level": site.profile.level,
        "charset": site.charset,
        "header_charset": site.header_charset,
        "expected_status": "blocked" if site.blocked else "ok",
        "reason": site.blocked,
    }


def report_records(site: Site, base_url: str) -> list[dict[str, Any]]:
    """One record per report of this site (see TestPortal.ground_truth); none when blocked."""
    if site.blocked:
        return []
    out = []
    obstacle = "misdeclared_charset" if site.profile.header_charset else None
    for column, article in site.reports():
        record = {
            "site_url": base_url + "/",
            "url": base_url + article.path,
            "kind": "report",
            "title": article.title,
            "published": article.published,
            "column": column.name,
            "form": article.body_form,
            **_report_facts(article),
            "format": "html",
            "attachment_of": None,
            "expected_status": "parsed",
            "expected_flags": [],
            "obstacle": obstacle,
        }
        attachment = article.attachment
        if attachment is not None:
            traits = ATTACHMENT_KINDS[attachment.kind]
            record["form"] = record["format"] = traits["format"]
            record["expected_status"] = traits["status"]
            record["expected_flags"] = list(traits["flags"])
            record["obstacle"] = traits["obstacle"]
            if traits["file"]:
                record["url"] = base_url + attachment.path
                record["attachment_of"] = base_url + article.path
            else:
                record["attachment_url"] = base_url + attachment.path if attachment.path else None
            if attachment.kind not in READABLE_ATTACHMENTS:
                record["table3"] = record["table4"] = record["identities_hold"] = None
        out.append(record)
    return out


def noise_records(site: Site, base_url: str) -> list[dict[str, Any]]:
    """Every non-report URL the portal links (other articles, bulk pages, traps, off-site links),
    and the API answers that are broken on purpose (with method and form)."""
    if site.blocked:
        return []
    site_url = base_url + "/"
    malformed = {t.path for t in site.traps if t.kind == "malformed"}
    out: list[dict[str, Any]] = []
    for column, article in site.articles():
        if article.is_report:
            continue
        url = article.href or base_url + article.path
        kind = "malformed" if column.role == "news" and article.path in malformed else article.kind
        out.append({"site_url": site_url, "url": url, "title": article.title, "kind": kind})
    for trap in site.traps:
        if trap.kind != "malformed":
            out.append(
                {"site_url": site_url, "url": base_url + trap.path, "title": trap.text, "kind": trap.kind}
            )
    for href, text in OFFSITE_LINKS:
        out.append({"site_url": site_url, "url": href, "title": text, "kind": "offsite"})
    for path, title, kind in (
        (site.sitemap_path, "网站地图", "sitemap"),
        (site.apply_path, "依申请公开", "apply"),
    ):
        if path:
            out.append({"site_url": site_url, "url": base_url + path, "title": title, "kind": kind})
    for column in site.all_columns():
        for page in column.pages():
            if page.defect:
                out.append(
                    {
                        "site_url": site_url,
                        "url": base_url + page.path,
                        "title": f"{column.name} API page {page.number + 1}",
                        "kind": "malformed_json" if page.defect == "invalid_json" else page.defect,
                        "method": page.method,
                        "form": dict(page.form),
                    }
                )
    if site.xxe_probe_path:
        out.append(
            {
                "site_url": site_url,
                "url": base_url + site.xxe_probe_path,
                "title": "external entity target (must never be requested)",
                "kind": "xxe_probe",
            }
        )
    for _column, article in site.reports():
        if article.attachment is not None and article.attachment.kind == "js_bound":
            out.append(
                {
                    "site_url": site_url,
                    "url": base_url + "/pdfjs/web/viewer.html?file={{qzbFile}}",
                    "title": "PDF viewer (file bound by JS)",
                    "kind": "viewer",
                }
            )
    return out


def minimum_requests(site: Site) -> dict[str, int]:
    """Requests a crawler must make to get every report: home + section + navigation + static
    list pages + API/POST list calls + report pages + attachment downloads (1 when blocked)."""
    if site.blocked:
        return {
            "home": 1,
            "section": 0,
            "navigation": 0,
            "list_pages": 0,
            "api_requests": 0,
            "report_pages": 0,
            "attachments": 0,
            "total": 1,
        }
    report_columns = site.report_columns()
    pages = [page for c in report_columns for page in c.pages()]
    reports = site.reports()
    counts = {
        "home": 1,
        "section": 1,
        "navigation": 1 if site.directory_path else 0,
        "list_pages": sum(1 for page in pages if page.kind == "static"),
        "api_requests": sum(1 for page in pages if page.kind == "api"),
        "report_pages": len(reports),
        "attachments": sum(
            1 for _, a in reports if a.attachment is not None and ATTACHMENT_KINDS[a.attachment.kind]["file"]
        ),
    }
    counts["total"] = sum(counts.values())
    return counts


def _report_facts(article: Article) -> dict[str, Any]:
    if article.seed_id is not None:
        truth = seed_truth()[article.seed_id]
        return {
            "report_year": truth["report_year"],
            "publisher": truth["publisher"],
            "template": truth["template"],
            "table3": truth["table3"],
            "table4": truth["table4"],
            "identities_hold": None
            if truth["table3"] is None
            else not table_problems(truth["table3"], truth["table4"] or {}, truth["template"]),
            "source": f"seed:{article.seed_id}",
        }
    spec = article.spec
    assert spec is not None
    pre2019 = spec.template == TEMPLATE_PRE_2019
    return {
        "report_year": spec.year,
        "publisher": spec.publisher,
        "template": spec.template,
        "table3": None if pre2019 else {row: dict(spec.table3[row]) for row in spec.table3_rows},
        "table4": None if pre2019 else dict(spec.table4),
        "identities_hold": None if pre2019 else not table_problems(spec.table3, spec.table4, spec.template),
        "source": "rendered",
    }
