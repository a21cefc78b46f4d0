"""Parse a generated report corpus on one core and print throughput, latency, memory and where time goes.

    python bench/parse.py [--n 1000] [--seed 0] [--repeat 1] [--phases] [--profile]

The corpus is ``bench.corpus.build_corpus`` (HTML article pages of 25-95 KB, extracted-text reports,
the real seed texts). Every document goes through ``parse_report`` in this one process, pinned to
one CPU where the OS allows it: the whole record, body text (trafilatura) included. The target is
>= 100 HTML reports/s/core. Peak memory comes from a separate tracemalloc pass (tracemalloc slows
parsing, so the timed passes run without it) and from the process's max RSS, which includes the
corpus held in memory.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from bench.corpus import build_corpus  # noqa: E402
from parsers import parse_report  # noqa: E402

TARGET_HTML_PER_S = 100
WARMUP_DOCS = 20


def kind_of(name: str, content_type: str) -> str:
    return "html" if "html" in content_type or name.endswith(".html") else "text"


class TrafilaturaClock:
    """Wraps ``trafilatura.extract`` (looked up at call time by the parser) to sum its time."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0
        self._original = trafilatura.extract

    def __enter__(self) -> TrafilaturaClock:
        original = self._original

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
                self.calls += 1

        trafilatura.extract = timed
        return self

    def __exit__(self, *exc: object) -> None:
        trafilatura.extract = self._original


#: (module, function, label) timed by --phases. ``_parse_html`` looks these up at call time, so
#: wrapping the module attribute catches every call; names that no longer exist are skipped.
PHASES = (
    ("parsers.html", "decode_html", "decode bytes"),
    ("parsers.html", "parse_html", "parse_html (lxml tree)"),
    ("parsers.html", "scan_page", "scan_page (one walk of the nodes)"),
    ("parsers.metadata", "read_metadata", "read_metadata"),
    ("parsers.html", "find_content", "find_content"),
    ("parsers.htmlstream", "element_to_lines", "element_to_lines"),
    ("parsers.report", "_body_text", "_body_text (trafilatura)"),
    ("parsers.report", "_fill", "_fill (tables, identity, checks)"),
)


def phase_pass(corpus: list[tuple[str, bytes, str]]) -> None:
    """Time the top-level steps of an HTML parse by wrapping them; print ms per page."""
    import importlib

    pages = [d for d in corpus if kind_of(d[0], d[2]) == "html"]
    spent: dict[str, float] = defaultdict(float)
    restore = []
    for module_name, attr, label in PHASES:
        module = importlib.import_module(module_name)
        original = getattr(module, attr, None)
        if original is None:
            print(f"  (no {module_name}.{attr}: phase skipped)")
            continue

        def timed(*args, _original=original, _label=label, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_label] += time.perf_counter() - start

        setattr(module, attr, timed)
        restore.append((module, attr, original))
    try:
        start = time.perf_counter()
        for _name, body, ctype in pages:
            parse_report(body, content_type=ctype)
        total = time.perf_counter() - start
    finally:
        for module, attr, original in restore:
            setattr(module, attr, original)
    print(f"\n--- HTML parse by step ({len(pages)} pages, {1000 * total / len(pages):.2f} ms/page) ---")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:<34} {1000 * seconds / len(pages):6.2f} ms/page  {seconds / total:6.1%}")
    rest = total - sum(spent.values())
    print(f"  {'the rest':<34} {1000 * rest / len(pages):6.2f} ms/page  {rest / total:6.1%}")


def pin_one_core() -> str:
    if not hasattr(os, "sched_setaffinity"):
        return "not pinned (no sched_setaffinity on this OS)"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def one_pass(corpus: list[tuple[str, bytes, str]]) -> dict:
    """Parse every document once; per-document times by kind, trafilatura time, result summary."""
    times: dict[str, list[float]] = defaultdict(list)
    summary: dict[str, int] = defaultdict(int)
    with TrafilaturaClock() as traf:
        wall = time.perf_counter()
        for name, body, ctype in corpus:
            start = time.perf_counter()
            report = parse_report(body, content_type=ctype)
            times[kind_of(name, ctype)].append(time.perf_counter() - start)
            summary["is_report"] += report.is_report
            summary["table3_found"] += report.has_table3
            summary["table4_found"] += report.has_table4
            summary["parser_error"] += report.has_flag("parser_error")
            summary["checks_failed"] += report.has_flag("checks_failed")
        wall = time.perf_counter() - wall
    return {"times": times, "wall": wall, "traf": traf.seconds, "traf_calls": traf.calls, "summary": summary}


def figures(run: dict) -> dict[str, float]:
    times = run["times"]
    every = [t for ts in times.values() for t in ts]
    total = sum(every)
    out = {
        "docs/s": len(every) / run["wall"],
        "parse_s": total,
        "traf_share": run["traf"] / total if total else 0.0,
        "ms_median": 1000 * statistics.median(every),
        "ms_p95": 1000 * percentile(every, 0.95),
    }
    for kind, ts in times.items():
        out[f"{kind}/s"] = len(ts) / sum(ts)
        out[f"{kind}_ms_median"] = 1000 * statistics.median(ts)
        out[f"{kind}_ms_p95"] = 1000 * percentile(ts, 0.95)
    return out


def memory_pass(corpus: list[tuple[str, bytes, str]]) -> tuple[int, int]:
    """(tracemalloc peak over the pass, largest single-document peak), bytes.

    tracemalloc sees Python allocations only, not libxml2's C heap (the lxml tree); max RSS does.
    """
    tracemalloc.start()
    worst = 0
    for _name, body, ctype in corpus:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        parse_report(body, content_type=ctype)
        worst = max(worst, tracemalloc.get_traced_memory()[1] - before)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, worst


def print_profile(corpus: list[tuple[str, bytes, str]], top: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _name, body, ctype in corpus:
        parse_report(body, content_type=ctype)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("cumulative").print_stats(top)
    print(f"\n--- cProfile, top {top} by cumulative time (one pass; profiling inflates times) ---")
    print(stream.getvalue().split("\n", 4)[-1].rstrip())

    # Own time (tottime) by where the code lives: which library the seconds are spent in.
    by_home: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        total += tottime
        by_home[_home(filename, func)] += tottime
    print("\n--- own time by library (cProfile tottime; lxml's compiled code is invisible to cProfile, ---")
    print("--- so libxml2 parsing and XPath count in their Python caller, e.g. parsers/html.py) ---")
    for home, seconds in sorted(by_home.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {home:<28} {seconds:7.2f} s  {seconds / total:6.1%}")


def _home(filename: str, func: str) -> str:
    if filename == "~":  # a C function
        if "re.Pattern" in func or "_sre" in func:
            return "re (C)"
        if "opencc" in func:
            return "opencc (C)"
        return "builtins (C)"
    parts = Path(filename).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return parts[parts.index(marker) + 1].removesuffix(".py")
    if "parsers" in parts:
        return f"parsers/{parts[-1]}"
    if "lib" in parts and "python3" in "".join(parts):
        return f"stdlib {Path(filename).stem}"
    return Path(filename).name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=1000, help="documents in the corpus (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    ap.add_argument("--repeat", type=int, default=1, help="timed passes; the median of each figure is shown")
    ap.add_argument("--profile", action="store_true", help="also print the top 25 cumulative functions")
    ap.add_argument("--phases", action="store_true", help="also time the steps of an HTML parse")
    ap.add_argument(
        "--memory-docs", type=int, default=300, help="documents in the tracemalloc pass (0: all; default 300)"
    )
    ap.add_argument("--no-pin", action="store_true", help="do not pin the process to one CPU")
    args = ap.parse_args()

    start = time.perf_counter()
    corpus = build_corpus(args.n, args.seed)
    built = time.perf_counter() - start
    pinned = "not pinned (--no-pin)" if args.no_pin else pin_one_core()
    sizes = defaultdict(list)
    for name, body, ctype in corpus:
        sizes[kind_of(name, ctype)].append(len(body))
    total_mb = sum(len(b) for _, b, _ in corpus) / 1e6
    print(f"corpus: {len(corpus)} documents, {total_mb:.1f} MB (built in {built:.1f} s); {pinned}")
    for kind, ss in sorted(sizes.items()):
        print(
            f"  {kind:<5} {len(ss):5d} docs, {sum(ss) / 1e6:5.1f} MB, "
            f"{min(ss) / 1e3:.0f}-{max(ss) / 1e3:.0f} KB (median {statistics.median(ss) / 1e3:.0f} KB)"
        )

    for _name, body, ctype in corpus[:WARMUP_DOCS]:  # imports, OpenCC, lazy compiles
        parse_report(body, content_type=ctype)

    runs = [one_pass(corpus) for _ in range(args.repeat)]
    figs = [figures(r) for r in runs]
    med = {key: statistics.median(f[key] for f in figs) for key in figs[0]}
    summary = runs[-1]["summary"]
    mb_s = total_mb / statistics.median(r["wall"] for r in runs)
    print(
        f"\nparse ({args.repeat} pass{'es' if args.repeat > 1 else ''}, median shown; one process, one core)"
    )
    print(
        f"  all docs     {med['docs/s']:7.1f} docs/s  ({mb_s:.2f} MB/s)   "
        f"median {med['ms_median']:.1f} ms   p95 {med['ms_p95']:.1f} ms"
    )
    for kind in ("html", "text"):
        if f"{kind}/s" in med:
            print(
                f"  {kind:<5}        {med[f'{kind}/s']:7.1f} reports/s         "
                f"median {med[f'{kind}_ms_median']:.1f} ms   p95 {med[f'{kind}_ms_p95']:.1f} ms"
            )
    html_rate = med.get("html/s", 0.0)
    verdict = "met" if html_rate >= TARGET_HTML_PER_S else "NOT met"
    print(f"  target       >= {TARGET_HTML_PER_S} HTML reports/s/core: {verdict} ({html_rate:.1f})")
    print(
        f"  trafilatura  {med['traf_share']:.1%} of parse time "
        f"({runs[-1]['traf_calls']} extract calls); the rest {1 - med['traf_share']:.1%}"
    )
    print(
        f"  results      is_report {summary['is_report']}/{len(corpus)}, table 3 {summary['table3_found']}, "
        f"table 4 {summary['table4_found']}, checks_failed {summary['checks_failed']}, "
        f"parser_error {summary['parser_error']}"
    )

    sample = corpus[: args.memory_docs] if args.memory_docs else corpus
    peak, worst = memory_pass(sample)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("\nmemory")
    print(
        f"  tracemalloc peak  {peak / 2**20:.1f} MiB over {len(sample)} docs; largest single document "
        f"{worst / 2**20:.1f} MiB (Python heap only: libxml2's C heap is not traced)"
    )
    print(f"  max RSS           {maxrss_kb / 1024:.0f} MiB (process, corpus of {total_mb:.0f} MB included)")

    if args.phases:
        phase_pass(corpus)
    if args.profile:
        print_profile(corpus, 25)


if __name__ == "__main__":
    main()
