"""Glued cells: random tables rendered as glued text, parsed back; shares recovered, and speed.

    python bench/glued.py [--n 300] [--seed 0] [--repeat 3]

Each report is rendered as a portal article page (``demoportal.render``, the real labels), then
flattened with lxml's ``text_content()``, which joins a table row's cells with nothing between
them (``rows``), or additionally with every line break taken out (``oneline``). Parsed back, its
table 3 and table 4 are compared cell by cell with what was rendered:

- exact: every cell back as rendered (blank cells as None);
- partly null: some cells None, every other one right;
- wrong: some cell holds a number other than the rendered one. The target is none, ever.

Families of tables: ``consistent`` (random_spec: every identity holds), ``blanks …`` (half the zeros
left unfilled, the cell printed as &nbsp;, as — or empty: an empty cell leaves no trace in glued
text, so its row can only come out null), ``defect`` ((七)总计 of the 总计 column raised, as real
reports do), ``typo`` (one random cell changed: the document breaks its identities somewhere),
``arbitrary`` (every cell random 0..99,999: nothing adds up).

Speed: the same reports parsed as glued text and as the extracted text the parser already knew
(``render_report_text``, rows joined with `` | ``), one core, medians of ``--repeat`` passes.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import lxml.html  # noqa: E402

from demoportal.render import ReportSpec, random_spec, render_report_page, render_report_text  # noqa: E402
from parsers import parse_report  # noqa: E402
from parsers.constants import TABLE3_COLUMNS, TABLE4_KEYS, TEMPLATE_2019, TEMPLATE_2021  # noqa: E402
from parsers.records import Report  # noqa: E402

VARIANTS = ("rows", "oneline")
#: How a blank cell is printed in the page: a non-breaking space, a dash, or nothing at all.
BLANKS = ("&nbsp;", "—", "")


def render_glued(
    spec: ReportSpec, variant: str = "rows", *, blank: str = "&nbsp;", word_style: bool = False
) -> str:
    """The report's article page flattened as ``textContent`` flattens it."""
    page = render_report_page(
        spec,
        site_name="青川县人民政府",
        column_name="政府信息公开年报",
        url="http://www.qc.gov.cn/zwgk/xxgknb/202103/t20210331_1.html",
        blank=blank,
        word_style=word_style,
    )
    text = lxml.html.fromstring(page).text_content()
    if variant == "oneline":
        return "".join(text.splitlines())
    return text


def _consistent(rng: random.Random) -> ReportSpec:
    return random_spec(rng, template=rng.choice((TEMPLATE_2019, TEMPLATE_2021)))


def _blanks(rng: random.Random) -> ReportSpec:
    return random_spec(rng, template=rng.choice((TEMPLATE_2019, TEMPLATE_2021)), blanks=0.5)


def _blank_style(family: str, rng: random.Random) -> str:
    """How the family prints a blank cell: fixed for the blank families, any for the others."""
    return _BLANK_STYLES.get(family, rng.choice(BLANKS))


_BLANK_STYLES = {"blanks &nbsp;": "&nbsp;", "blanks —": "—", "blanks empty": ""}


def _defect(rng: random.Random) -> ReportSpec:
    return random_spec(rng, template=rng.choice((TEMPLATE_2019, TEMPLATE_2021)), defect="total_mismatch")


def _typo(rng: random.Random) -> ReportSpec:
    spec = _consistent(rng)
    row = rng.choice(spec.table3_rows)
    col = rng.choice(TABLE3_COLUMNS)
    old = spec.table3[row][col] or 0
    spec.table3[row][col] = max(0, old + rng.choice((-10, -1, 1, 2, 9, 10, 100)))
    return spec


def _arbitrary(rng: random.Random) -> ReportSpec:
    base = _consistent(rng)
    table3 = {row: {col: rng.randint(0, 99_999) for col in TABLE3_COLUMNS} for row in base.table3_rows}
    table4 = {key: rng.randint(0, 99_999) for key in TABLE4_KEYS}
    return replace(base, table3=table3, table4=table4)


FAMILIES: dict[str, Callable[[random.Random], ReportSpec]] = {
    "consistent": _consistent,
    "blanks &nbsp;": _blanks,
    "blanks —": _blanks,
    "blanks empty": _blanks,
    "defect": _defect,
    "typo": _typo,
    "arbitrary": _arbitrary,
}


def compare(report: Report, spec: ReportSpec) -> tuple[str, int, int, int]:
    """(verdict, cells right, cells None, cells wrong) over table 3's printed rows and table 4.

    A blank (None) cell read as None is right; read as a number, wrong.
    """
    right = null = wrong = 0
    pairs = [(report.table3[r][c], spec.table3[r][c]) for r in spec.table3_rows for c in TABLE3_COLUMNS]
    pairs += [(report.table4[k], spec.table4[k]) for k in TABLE4_KEYS]
    for got, want in pairs:
        if got == want:
            right += 1
        elif got is None:
            null += 1
        else:
            wrong += 1
    verdict = "wrong" if wrong else "partly null" if null else "exact"
    return verdict, right, null, wrong


def round_trips(n: int, seed: int) -> dict[tuple[str, str], Counter]:
    out: dict[tuple[str, str], Counter] = {}
    rng = random.Random(seed)
    for family, make in FAMILIES.items():
        for variant in VARIANTS:
            tally: Counter = Counter()
            for _ in range(n):
                spec = make(rng)
                blank = _blank_style(family, rng)
                text = render_glued(spec, variant, blank=blank, word_style=rng.random() < 0.3)
                verdict, right, null, wrong = compare(parse_report(text), spec)
                tally[verdict] += 1
                tally["cells"] += right + null + wrong
                tally["cells_null"] += null
                tally["cells_wrong"] += wrong
            out[(family, variant)] = tally
    return out


def speed(n: int, seed: int, repeat: int) -> dict[str, float]:
    """Median ms per report: glued text, the pipe-rows text of the same reports, and the HTML page."""
    rng = random.Random(seed + 1)
    specs = [_consistent(rng) for _ in range(n)]
    forms = {
        "glued rows": [render_glued(s, "rows") for s in specs],
        "glued oneline": [render_glued(s, "oneline") for s in specs],
        "text (pipe rows)": [render_report_text(s, "pipe") for s in specs],
    }
    for docs in forms.values():  # warm-up: imports, OpenCC, caches
        for doc in docs[:10]:
            parse_report(doc)
    medians: dict[str, list[float]] = {name: [] for name in forms}
    for _ in range(repeat):
        for name, docs in forms.items():
            times = []
            for doc in docs:
                start = time.perf_counter()
                parse_report(doc)
                times.append(time.perf_counter() - start)
            medians[name].append(1000 * statistics.median(times))
    return {name: statistics.median(ms) for name, ms in medians.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=300, help="reports per family and variant (default 300)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes; the median is shown")
    args = ap.parse_args()

    start = time.perf_counter()
    results = round_trips(args.n, args.seed)
    took = time.perf_counter() - start
    print(f"round trips: {args.n} reports per family and variant ({took:.0f} s)")
    print(
        f"  {'family':<13} {'variant':<8} {'exact':>7} {'partly null':>12} {'wrong':>6}   cells null  cells wrong"
    )
    totals: Counter = Counter()
    for (family, variant), t in results.items():
        n = t["exact"] + t["partly null"] + t["wrong"]
        totals.update(t)
        print(
            f"  {family:<13} {variant:<8} {t['exact'] / n:7.1%} {t['partly null'] / n:12.1%} {t['wrong'] / n:6.1%}"
            f"   {t['cells_null'] / t['cells']:10.1%}  {t['cells_wrong']:11d}"
        )
    n = totals["exact"] + totals["partly null"] + totals["wrong"]
    print(
        f"  {'all':<13} {'':<8} {totals['exact'] / n:7.1%} {totals['partly null'] / n:12.1%} "
        f"{totals['wrong'] / n:6.1%}   {totals['cells_null'] / totals['cells']:10.1%}  {totals['cells_wrong']:11d}"
    )
    ms = speed(args.n, args.seed, args.repeat)
    print(f"\nspeed (median ms per report, {args.n} consistent reports, {args.repeat} passes)")
    for name, value in ms.items():
        print(f"  {name:<17} {value:6.2f} ms")
    print(
        f"  glued / text      {ms['glued rows'] / ms['text (pipe rows)']:.2f}x (rows), "
        f"{ms['glued oneline'] / ms['text (pipe rows)']:.2f}x (oneline)"
    )


if __name__ == "__main__":
    main()
