"""Each ``GSSPIDER_*`` default is written once, in :mod:`gsspider.settings`; components read it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gsspider import settings

GSSPIDER = Path(settings.__file__).parent
MODULES = sorted(p for p in GSSPIDER.rglob("*.py") if p.name != "settings.py")
_GETTERS = {"get", "getint", "getbool", "getfloat", "getlist", "getdict", "getdictorlist"}


def setting_reads(path: Path) -> list[tuple[str, bool, int]]:
    """(setting name, with a fallback of its own?, line) of every ``….get*("GSSPIDER_…")`` call."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in _GETTERS or not node.args:
            continue
        first = node.args[0]
        if (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and first.value.startswith("GSSPIDER_")
        ):
            given = node.args[1:] + [k.value for k in node.keywords if k.arg == "default"]
            # A fallback may only name the one default: ``defaults.<the same setting>``.
            copied = any(
                not (isinstance(g, ast.Attribute) and g.attr == first.value and isinstance(g.value, ast.Name))
                for g in given
            )
            out.append((first.value, copied, node.lineno))
    return out


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GSSPIDER)))
def test_components_read_settings_without_a_fallback_of_their_own(path):
    reads = setting_reads(path)
    assert {name for name, _, _ in reads} <= set(vars(settings)), "read but not in gsspider.settings"
    assert [(name, line) for name, copied, line in reads if copied] == []


def test_the_database_path_is_written_once():
    spelled = [p.name for p in MODULES if settings.GSSPIDER_DB in p.read_text(encoding="utf-8")]
    assert spelled == []
