"""Every setting and every CLI command is documented (sqlite-utils' test_docs.py idea)."""

from __future__ import annotations

import re
from pathlib import Path

from gsspider import settings
from gsspider.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]


def test_every_gsspider_setting_is_documented():
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    names = [n for n in dir(settings) if n.startswith("GSSPIDER_")]
    assert names
    for name in names:
        assert f"`{name}`" in doc, name


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for command in sub.choices:
        assert re.search(rf"gsspider {command}\b", readme), command


def test_readme_test_command_is_what_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command == "sh scripts/setup-dev.sh && sh scripts/check.sh"
    assert f"    {command}\n" in readme, "the README shows CI's command as its test command"
    check = (ROOT / "scripts" / "check.sh").read_text(encoding="utf-8")
    for step in ("ruff check .", "ruff format --check .", "mypy", "pytest"):
        assert f"python -m {step}" in check
    setup = (ROOT / "scripts" / "setup-dev.sh").read_text(encoding="utf-8")
    assert "pip install -e '.[dev]'" in setup
