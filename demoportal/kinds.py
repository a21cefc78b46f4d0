"""The kinds of portal the test portal simulates: one :class:`~.model.SiteProfile` each.

The six demo kinds (:data:`KIND_CYCLE`) make the demo and bench sets; the issue-4 kinds
(:data:`FAMILY_GROUPS`: Hanweb, TRS API, gkmlpt, attachment-only reports, blocked and mis-declared
sites, and a list built only by JavaScript) are added by name. A new kind of portal is a new entry
in ``data/kinds.toml`` (and, for a new list mechanism, a new family in :mod:`.families`).
"""

from __future__ import annotations

import tomllib
from importlib import resources
from typing import Any

from .model import SiteProfile


def _profile(kind: str, fields: dict[str, Any], levels: dict[str, dict[str, Any]]) -> SiteProfile:
    values = {**levels[fields["level"]], **fields}
    for name, value in values.items():
        if isinstance(value, list):
            values[name] = tuple(value)  # TOML arrays; the profile's sequences are tuples
    if "second_defects" in values:  # TOML keys are strings; API page numbers are ints
        values["second_defects"] = {int(k): v for k, v in values["second_defects"].items()}
    return SiteProfile(kind=kind, **values)


def _load() -> dict[str, SiteProfile]:
    data = tomllib.loads(resources.files(__package__).joinpath("data/kinds.toml").read_text(encoding="utf-8"))
    return {kind: _profile(kind, fields, data["levels"]) for kind, fields in data["kinds"].items()}


#: Every kind, by name, as ``data/kinds.toml`` describes it.
PROFILES = _load()

#: The demo set, in order; larger portals cycle through it (extras only on the first of each).
KIND_CYCLE = ("city", "county", "town", "town-legacy", "town-plain", "street")

#: What ``TestPortal(families=…)`` adds after the demo cycle: group name -> site kinds, one site each.
FAMILY_GROUPS: dict[str, tuple[str, ...]] = {
    "hanweb": ("hanweb",),
    "trs_api": ("trs-api",),
    "gkmlpt": ("gkmlpt",),
    "attachments": ("attachments",),
    "blocked": ("ruishu-412", "ruishu-200", "jiasule-521", "waf-403", "gbk-misdeclared"),
    #: needs a browser (registry ``render``): not in ALL_FAMILIES, whose sites a plain crawl must finish
    "render": ("render",),
}
ALL_FAMILIES = tuple(g for g in FAMILY_GROUPS if g != "render")
