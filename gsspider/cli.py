"""The ``gsspider`` command; each sub-command lives in its own module of :mod:`gsspider.commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gsspider import commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gsspider",
        description="Find, parse and store China's government information disclosure annual reports.",
    )
    commands.register(parser.add_subparsers(dest="command", required=True))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("gsspider: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
