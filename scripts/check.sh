#!/bin/sh
# Every check CI runs, in the order that fails fastest: lint, format, types, then the tests.
# Arguments go to pytest, e.g. `sh scripts/check.sh -m "not crawl"` for the fast lane.
set -eu

cd "$(dirname "$0")/.."

echo "check: ruff check"
python -m ruff check .
echo "check: ruff format --check"
python -m ruff format --check .
echo "check: mypy"
python -m mypy
echo "check: pytest $*"
python -m pytest "$@"
