"""How much the consistency rules add to `validate`, measured in one run.

    python benchmarks/synth.py --regions 3000 --out /tmp/corpus
    python benchmarks/bench_checks.py /tmp/corpus [--cli] [--repeat 3]

In-process (default): load + schema validation (`load_tree`, what `validate` does) and
then `checks.run` on the same policy set, best of --repeat, CPU time (less sensitive
to other processes on a shared machine than wall time). With --cli: wall time of the
real commands `policykit validate` and `policykit check` as subprocesses.
Target (issue 4): the rules add at most 50% to validate, i.e. ratio <= 0.5.
Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path


def in_process(root: Path, repeat: int) -> dict[str, float]:
    from policykit import load_tree
    from policykit.check import run as checks

    best_load = best_checks = float("inf")
    findings = 0
    for _ in range(repeat):
        t = time.process_time()
        result = load_tree(root)
        load = time.process_time() - t
        assert result.policyset is not None, "the corpus does not load"
        t = time.process_time()
        findings = len(checks.run(result.policyset, str(root)))
        best_checks = min(best_checks, time.process_time() - t)
        best_load = min(best_load, load)
    return {"validate_cpu_s": round(best_load, 3), "checks_cpu_s": round(best_checks, 3),
            "ratio": round(best_checks / best_load, 3), "findings": findings}


def cli(root: Path, repeat: int) -> dict[str, float]:
    def wall(command: str) -> float:
        best = float("inf")
        for _ in range(repeat):
            t = time.perf_counter()
            subprocess.run([sys.executable, "-m", "policykit", command, str(root)],
                           capture_output=True, check=False)
            best = min(best, time.perf_counter() - t)
        return best

    validate, check = wall("validate"), wall("check")
    return {"validate_wall_s": round(validate, 3), "check_wall_s": round(check, 3),
            "ratio": round((check - validate) / validate, 3)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", type=Path, help="a policies/ folder (e.g. from synth.py)")
    ap.add_argument("--cli", action="store_true", help="time the real commands instead")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    root = args.corpus / "policies" if (args.corpus / "policies").is_dir() else args.corpus
    out = cli(root, args.repeat) if args.cli else in_process(root, args.repeat)
    print(json.dumps({"corpus": str(root), **out}, ensure_ascii=False))


if __name__ == "__main__":
    main()
