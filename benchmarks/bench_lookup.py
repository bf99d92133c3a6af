"""Value-in-force lookups per second, and the JSON API / tables export, in one run.

    python benchmarks/synth.py --regions 3000 --out /tmp/corpus
    python benchmarks/bench_lookup.py /tmp/corpus [--queries 200000] [--export]

Lookups: `PolicySet.value` (tabulated per region, parameter and breakdown on first
use; the C fast path where it is built) over random (region, rule, day) queries, after
one warm-up pass, against the untabulated `PolicySet.resolve` baseline on the same
queries (ratio = speed-up), against the same lookup in pure Python
(`PolicySet._value`), and on queries of one rule at random days (the cache-friendly
case). CPU time, best of 5 passes: on a shared machine a pass slowed by a neighbour
says nothing about the code (passes of one run were seen to differ by 30 %). Target
(docs/performance.md): >= 1,000,000 lookups per second.
Each query is called as a caller writes it: `value(code, parameter, day)`, or with
`**breakdown` when it has one. `call_floor_per_s` is the same loop calling a Python
function with value()'s signature that does nothing.
With --export: wall time of `export_api` and `export_tables` into a temporary folder.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

Query = tuple[str, str, str, dict[str, str]]


def queries(ps: Any, n: int, seed: int = 1) -> list[Query]:
    rng = random.Random(seed)
    keys = sorted(ps.rules)
    codes = sorted(ps.regions)
    out = []
    for _ in range(n):
        _, pid, bk = rng.choice(keys)
        day = f"{rng.randint(2012, 2027)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append((rng.choice(codes), pid, day, dict(bk)))
    return out


def per_second(fn: Any, qs: list[Query], repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn(qs)
        best = min(best, time.process_time() - t)
    return len(qs) / best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path)
    ap.add_argument("--queries", type=int, default=200_000)
    ap.add_argument("--export", action="store_true")
    args = ap.parse_args(argv)

    import policykit

    t = time.perf_counter()
    ps = policykit.load(args.root)
    result: dict[str, Any] = {"regions": len(ps.regions),
                              "values": sum(len(v) for v in ps.rules.values()),
                              "load_s": round(time.perf_counter() - t, 2)}
    qs = queries(ps, args.queries)

    def caller(value: Any) -> Any:
        def run(qs: list[Query]) -> None:
            for code, pid, day, bk in qs:
                if bk:
                    value(code, pid, day, **bk)
                else:
                    value(code, pid, day)
        return run

    run_value, run_python = caller(ps.value), caller(ps._value)

    def run_resolve(qs: list[Query]) -> None:
        resolve = ps.resolve
        for code, pid, day, bk in qs:
            resolve(code, pid, day, tuple(sorted(bk.items())))

    def nothing(code: str, parameter: str, day: str, **breakdown: str) -> None:
        return None

    run_floor = caller(nothing)
    run_value(qs)  # warm-up: builds the tables
    run_resolve(qs)
    value_rate = per_second(run_value, qs)
    resolve_rate = per_second(run_resolve, qs)
    one = [(qs[0][0], qs[0][1], q[2], qs[0][3]) for q in qs]
    run_value(one)
    result.update({
        "value_per_s": round(value_rate),
        "value_python_per_s": round(per_second(run_python, qs)),
        "resolve_per_s": round(resolve_rate),
        "value_vs_resolve": round(value_rate / resolve_rate, 2),
        "value_one_rule_per_s": round(per_second(run_value, one)),
        "call_floor_per_s": round(per_second(run_floor, qs)),
        "target_per_s": 1_000_000,
    })
    if args.export:
        from policykit.publish.api.export import export_api
        from policykit.publish.tables import export_tables

        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            export_api(ps, tmp, "2025-06-01")
            result["export_api_s"] = round(time.perf_counter() - t, 2)
            t = time.perf_counter()
            export_tables(ps, tmp, "2025-06-01")
            result["export_tables_s"] = round(time.perf_counter() - t, 2)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
