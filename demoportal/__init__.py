"""A local test portal: simulated government websites that publish annual reports.

The crawler is developed, tested, demonstrated and benchmarked against it::

    with TestPortal() as portal:                 # 6 demo sites
        start_urls = [s.base_url + "/" for s in portal.sites]
        ...
        truth = portal.ground_truth()

``TestPortal(n_sites=50, reports_per_site=20)`` is the benchmark set; ``bulk=N`` adds about N
non-report pages per site, ``families=ALL_FAMILIES`` the issue-4 sites (Hanweb, TRS API, gkmlpt,
attachment-only reports, blocked and mis-declared sites). :mod:`.render` is the pure report renderer
behind it, usable on its own. No scrapy here: stdlib ``http.server`` and threads.
"""

from .builders import build_sites
from .kinds import ALL_FAMILIES, FAMILY_GROUPS
from .model import Site
from .render import (
    ReportSpec,
    random_spec,
    render_report_page,
    render_report_text,
    render_table2_html,
    render_table3_html,
    render_table3_lines,
    render_table3_pipe,
    render_table4_html,
    render_table4_lines,
    render_table4_pipe,
)
from .server import PortalSite, RequestRecord, TestPortal

__all__ = [
    "ALL_FAMILIES",
    "FAMILY_GROUPS",
    "PortalSite",
    "ReportSpec",
    "RequestRecord",
    "Site",
    "TestPortal",
    "build_sites",
    "random_spec",
    "render_report_page",
    "render_report_text",
    "render_table2_html",
    "render_table3_html",
    "render_table3_lines",
    "render_table3_pipe",
    "render_table4_html",
    "render_table4_lines",
    "render_table4_pipe",
]
