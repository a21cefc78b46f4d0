#!/bin/sh
# Development set-up: the package with its dev tools, and the system Chromium the browser test
# drives (Debian's `chromium` package; never `playwright install`, which downloads browsers from
# the internet).  Chromium is best-effort: without root or apt-get the set-up still succeeds, with
# a warning, and tests/test_browser.py skips saying why.  Debian's `redis-server` (the shared
# frontier of distributed crawls, tests/test_distributed.py) is installed the same way.
set -eu

cd "$(dirname "$0")/.."

python -m pip install -e '.[dev]'

CHROMIUM=${GSSPIDER_CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
    echo "setup-dev: Chromium found at $CHROMIUM"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-dev: installing Debian's chromium package (apt-get)"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
        echo "setup-dev: Chromium installed at /usr/bin/chromium"
    else
        echo "setup-dev: WARNING: apt-get could not install chromium; the browser test will skip" >&2
    fi
else
    echo "setup-dev: WARNING: no Chromium at $CHROMIUM and no root apt-get to install it;" \
        "install it (apt-get install chromium) or set GSSPIDER_CHROMIUM, else the browser test skips" >&2
fi

REDIS=${GSSPIDER_REDIS_SERVER:-redis-server}
if command -v "$REDIS" >/dev/null 2>&1; then
    echo "setup-dev: redis-server found at $(command -v "$REDIS")"
elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup-dev: installing Debian's redis-server package (apt-get)"
    if DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends redis-server >/dev/null; then
        echo "setup-dev: redis-server installed at $(command -v redis-server)"
    else
        echo "setup-dev: WARNING: apt-get could not install redis-server; the distributed tests will skip" >&2
    fi
else
    echo "setup-dev: WARNING: no redis-server and no root apt-get to install it;" \
        "install it (apt-get install redis-server) or set GSSPIDER_REDIS_SERVER, else the distributed tests skip" >&2
fi
