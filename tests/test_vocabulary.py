"""The crawler's vocabulary (:mod:`gsspider.vocab`) is named once and used by name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gsspider import scope, vocab
from parsers.constants import (
    FLAG_BINARY_INPUT,
    FLAG_EMPTY_DOCUMENT,
    FLAG_NEEDS_OCR,
    FLAG_NOT_A_REPORT,
    FLAG_PARSER_ERROR,
    UNREADABLE_FLAGS,
)

GSSPIDER = Path(vocab.__file__).parent


def names(prefix: str) -> dict[str, str]:
    return {k: v for k, v in vars(vocab).items() if k.startswith(prefix) and isinstance(v, str)}


@pytest.mark.parametrize("prefix", ["ROLE_", "ERROR_", "SITE_"])
def test_each_name_has_its_own_value(prefix):
    values = list(names(prefix).values())
    assert values and len(values) == len(set(values))


def test_role_groups_are_roles():
    roles = set(names("ROLE_").values())
    groups = (vocab.NAV_ROLES, vocab.REPORT_ROLES, vocab.RENDER_ROLES, vocab.LIST_ROLES, vocab.PAGING_ROLES)
    assert set().union(*groups) <= roles
    assert vocab.PAGING_ROLES <= vocab.LIST_ROLES and not vocab.LIST_ROLES & (
        vocab.NAV_ROLES | vocab.REPORT_ROLES
    )
    assert vocab.NAV_ROLES <= vocab.RENDER_ROLES and not vocab.REPORT_ROLES & vocab.RENDER_ROLES
    assert vocab.OFFSITE_ERRORS <= set(names("ERROR_").values())


def test_http_errors_name_their_status():
    assert [vocab.http_error(s) for s in (404, 500)] == ["http_404", "http_500"]


def test_site_statuses_are_the_scopes():
    assert (scope.SITE_OK, scope.SITE_NO_REPORTS, scope.SITE_BLOCKED) == (
        vocab.SITE_OK,
        vocab.SITE_NO_REPORTS,
        vocab.SITE_BLOCKED,
    )


def test_the_two_unread_flag_sets_differ_as_documented():
    # The crawl stores a listed report unread for what only a crawl meets …
    assert vocab.STORED_UNREAD_FLAGS - set(UNREADABLE_FLAGS) == {FLAG_NEEDS_OCR, vocab.FLAG_JS_BOUND}
    # … and records "not a report" outcomes as not_parsed instead.
    assert set(UNREADABLE_FLAGS) - vocab.STORED_UNREAD_FLAGS == {
        FLAG_EMPTY_DOCUMENT,
        FLAG_BINARY_INPUT,
        FLAG_NOT_A_REPORT,
        FLAG_PARSER_ERROR,
    }


#: Modules that use the vocabulary by name only.
BY_NAME = [
    "spiders/reports.py",
    "failures.py",
    "middlewares.py",
    "pipelines.py",
    "pages.py",
    "items.py",
    "scope.py",
    "attachments.py",
]


def string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


#: Strings that spell a vocabulary word but are not one: failures.py looks for "timeout" in an
#: exception's name (ReadTimeout, ConnectTimeoutError …).
NOT_VOCABULARY = {"failures.py": {"timeout"}}


@pytest.mark.parametrize("module", BY_NAME)
def test_no_bare_roles_error_kinds_or_statuses(module):
    words = {
        *names("ROLE_").values(),
        *names("ERROR_").values(),
        *names("SITE_").values(),
        vocab.FLAG_JS_BOUND,
    }
    assert not (string_constants(GSSPIDER / module) - NOT_VOCABULARY.get(module, set())) & words
