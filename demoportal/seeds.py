"""The real seed reports shipped as package data: their texts, what they contain, and narrative pools.

The texts are byte copies of ``tests/data/seeds/*.txt`` (package data must not depend on ``tests/``).
``data/seeds.json`` holds their ground truth: title, year, publisher, template, published date and the
full table 3 / table 4 as printed (read once from the texts and cross-checked against the hand-read
``answers.json``; ``None`` where the document has no such table or it is incomplete).
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

_DATA = resources.files("demoportal") / "data"

#: Proper names in the seeds' narrative that a generated report replaces with its own place name.
_SEED_PLACES = {
    "000_84d29601319eacdc": ("磐安县",),
    "001_e5f035dbe7594dbe": ("厦门市同安区莲花镇", "莲花镇"),
    "003_5d8db5c6007b71c2": ("安宁市人民政府办公室", "安宁市"),
    "004_d4f694ae76a36438": ("郑州市上街区", "上街区"),
}
#: Lines that are contact details, page chrome or people's names, not narrative.
_NOT_NARRATIVE = re.compile(r"电话|邮编|地址|http|@|扫一扫|附件|书记|区长|[|]")


@cache
def seed_truth() -> dict[str, dict[str, Any]]:
    """Seed id (file stem without ``seed_``) -> ground truth of that document."""
    return json.loads((_DATA / "seeds.json").read_text(encoding="utf-8"))


def seed_bytes(seed_id: str) -> bytes:
    return (_DATA / seed_truth()[seed_id]["file"]).read_bytes()


def seed_text(seed_id: str) -> str:
    return seed_bytes(seed_id).decode("utf-8")


def _section(text: str, start: str, stop: str) -> str:
    """The text between the first line matching ``start`` and the next line matching ``stop``."""
    begin = re.search(start, text, re.M)
    if begin is None:
        return ""
    end = re.compile(stop, re.M).search(text, begin.end())
    return text[begin.end() : end.start() if end else len(text)]


@cache
def narrative_pools() -> dict[str, tuple[tuple[str, str], ...]]:
    """Narrative paragraphs of the 2019/2021-layout seeds, per section, as ``(seed_id, paragraph)``.

    ``overview`` comes from 一、总体情况, ``problems`` from 五、…; subheadings and contact lines are dropped.
    """
    pools: dict[str, list[tuple[str, str]]] = {"overview": [], "problems": []}
    for seed_id in _SEED_PLACES:
        text = seed_text(seed_id)
        parts = {
            "overview": _section(text, r"^\s*一、总体情况", r"^\s*二、"),
            "problems": _section(text, r"^\s*五、.*问题.*$", r"^\s*六、"),
        }
        for pool, part in parts.items():
            for raw in part.splitlines():
                line = raw.strip()
                if len(line) >= 40 and not _NOT_NARRATIVE.search(line):
                    pools[pool].append((seed_id, line))
    return {key: tuple(value) for key, value in pools.items()}


def adapt_paragraph(seed_id: str, paragraph: str, *, year: int, place: str) -> str:
    """A seed paragraph retold for another body and year (the seed's own year becomes ``year``)."""
    seed_year = seed_truth()[seed_id]["report_year"]
    for name in _SEED_PLACES.get(seed_id, ()):
        paragraph = paragraph.replace(name, place)
    shift = {str(seed_year): str(year), str(seed_year + 1): str(year + 1)}
    return re.sub(r"(20\d\d)(?=年)", lambda m: shift.get(m.group(1), m.group(1)), paragraph)
