"""``gsspider bodies``: the reporting bodies (list), and joining a renamed body by hand (alias)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gsspider import settings


def run(args: argparse.Namespace) -> int:
    from gsspider import bodies, research, storage

    if not Path(args.db).exists():
        print(f"gsspider bodies: no database at {args.db}", file=sys.stderr)
        return 2
    db = storage.open_db(args.db)
    try:
        if args.action == "alias":
            try:
                alias_key, target = bodies.add_alias(db, args.old, args.new, args.note or "")
            except ValueError as exc:
                print(f"gsspider bodies alias: {exc}", file=sys.stderr)
                return 2
            print(f"{alias_key} is now one body with {target}")
        elif args.action == "set-code":
            key = bodies.normalise_name(args.name)
            research.refresh(db)
            done = db.execute("UPDATE bodies SET region_code = ? WHERE key = ?", [args.code, key]).rowcount
            if not done:
                print(f"gsspider bodies set-code: no body named {args.name}", file=sys.stderr)
                return 1
        research.refresh(db)
        if args.action == "list":
            for b in db.query("SELECT * FROM bodies ORDER BY site, level, name"):
                years = f"{b['first_year'] or '?'}–{b['last_year'] or '?'}"
                print(
                    f"{b['id']:>4}  {b['name']}  [{b['level']}]  {b['region'] or '-'}"
                    f"  {b['region_code'] or '-'}  reports {b['reports']} ({years})  {b['site']}"
                )
    finally:
        db.close()
    return 0


def register(sub) -> None:
    p = sub.add_parser("bodies", help="reporting bodies: list them, join a renamed one (alias)")
    p.add_argument("--db", default=settings.GSSPIDER_DB)
    actions = p.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every body, its level, region, years and site")
    alias = actions.add_parser("alias", help="OLD and NEW are the same body (机构改革 renamed it)")
    alias.add_argument("old")
    alias.add_argument("new")
    alias.add_argument("--note", help="why (e.g. 2019 机构改革)")
    code = actions.add_parser("set-code", help="set a body's administrative division code")
    code.add_argument("name")
    code.add_argument("code")
    p.set_defaults(func=run)
