"""``gsspider sites add|list|check``: the site registry CSV."""

from __future__ import annotations

import argparse
import sys

from gsspider import settings
from gsspider.sites import (
    KNOWN_FAMILIES,
    SiteEntry,
    check_registry,
    load_registry,
    normalise_url,
    save_registry,
)


def run(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args)
    problems: list[str] = []
    try:
        # add rewrites the file: it must not drop rows it cannot read
        entries = load_registry(args.sites, strict=args.action == "add", problems=problems)
    except ValueError as exc:
        print(
            f"gsspider sites: {exc}; fix it first (gsspider sites check lists every problem)", file=sys.stderr
        )
        return 2
    for problem in problems:
        print(f"gsspider sites: skipped {problem}", file=sys.stderr)
    if args.action == "list":
        return _list(args, entries)
    return _add(args, entries)


def _check(args: argparse.Namespace) -> int:
    problems, count = check_registry(args.sites)
    for problem in problems:
        print(problem)
    print(f"{count} sites, {len(problems)} problems")
    return 1 if problems else 0


def _list(args: argparse.Namespace, entries: list[SiteEntry]) -> int:
    for e in entries:
        hints = ", ".join(
            f"{k}={v}"
            for k, v in (
                ("family", e.family),
                ("budget", e.budget),
                ("freshness_days", e.freshness_days),
                ("render", e.render or None),
                ("domains", ";".join(e.domains)),
            )
            if v
        )
        print(f"{e.url}\t{e.name}\t{hints}")
    print(f"{len(entries)} sites in {args.sites}", file=sys.stderr)
    return 0


def _add_refusal(args: argparse.Namespace) -> str | None:
    """Why ``sites add`` with these options cannot run, or None."""
    if not args.urls:
        return "give at least one URL"
    if args.family and args.family not in KNOWN_FAMILIES:
        return f"unknown family {args.family!r} (known: {', '.join(KNOWN_FAMILIES)})"
    for name, value in (("--budget", args.budget), ("--freshness-days", args.freshness_days)):
        if value is not None and value < 0:
            return f"{name} must be 0 or more"
    return None


def _add(args: argparse.Namespace, entries: list[SiteEntry]) -> int:
    refusal = _add_refusal(args)
    if refusal:
        print(f"gsspider sites add: {refusal}", file=sys.stderr)
        return 2
    known = {e.url for e in entries}
    added = 0
    for url in args.urls:
        try:
            url = normalise_url(url)
        except ValueError as exc:
            print(f"gsspider sites add: {exc}; skipped", file=sys.stderr)
            continue
        if url in known:
            continue
        entries.append(
            SiteEntry(
                url=url,
                name=args.name or "",
                family=args.family or "",
                budget=args.budget,
                freshness_days=args.freshness_days,
                render=args.render,
            )
        )
        known.add(url)
        added += 1
    save_registry(args.sites, entries)
    print(f"added {added}; {len(entries)} sites in {args.sites}")
    return 0


def register(sub) -> None:
    p = sub.add_parser("sites", help="manage the site registry")
    p.add_argument("action", choices=("add", "list", "check"))
    p.add_argument("urls", nargs="*", metavar="URL")
    p.add_argument("--sites", default=settings.GSSPIDER_SITES)
    p.add_argument("--name")
    p.add_argument("--family")
    p.add_argument("--budget", type=int)
    p.add_argument(
        "--freshness-days", type=float, metavar="N", help="re-fetch this site's report pages after N days"
    )
    p.add_argument("--render", action="store_true")
    p.set_defaults(func=run)
