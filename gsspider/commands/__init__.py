"""The ``gsspider`` sub-commands, one module each (as ``scrapy/commands/`` has them).

Each module has ``register(sub)``, which adds its sub-parser and sets ``func`` to the function
that runs it and returns the exit status. :func:`gsspider.cli.build_parser` registers them in
this order, which is the order ``gsspider --help`` lists them in.
"""

from __future__ import annotations

from . import bodies, coverage, crawl, demo, export, merge, parse, reparse, serve, sites, worker

COMMANDS = (parse, crawl, demo, export, sites, worker, merge, reparse, coverage, bodies, serve)


def register(sub) -> None:
    for command in COMMANDS:
        command.register(sub)
