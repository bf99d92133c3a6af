"""`nox -s bench`: policykit's commands on synthetic corpora, against baselines of the same run.

    python benchmarks/bench.py [--sizes 300 3000] [--out benchmarks/results.md] [--skip-build]

For each size N a corpus is generated (`benchmarks/synth.py --regions N`) and timed:

* cold `validate` and cold `check`: `--no-cache`, every file parsed and validated;
* warm `check`: after a `check` filled the content cache, one region file is edited
  (a comment appended: new bytes, so exactly that file is parsed again);
* `export` (JSON API and tables) and `build` (the whole site), with the cache warm;
* value-in-force lookups per second in-process (random region, rule and day);
* peak memory (maximum resident set of the command's process, from wait4).

Beside them, the real-shaped site: `build` of the repository's own `policies/` (the
division registry's 3,230 regions plus today's data, almost all of them registry-only
pages of inherited rules), with the site's total size, its page count and the size of
the search index (target < 5 MB) (`--skip-real` leaves it out).

Each command runs in its own process, as a user runs it; wall-clock seconds. Baselines
measured in the same run on the same files: the bare libyaml parse of every file
(PyYAML's CSafeLoader, what most YAML tools pay) and `json.loads` of the same content
(the floor of any loader). The ratios in the table are time / baseline. OpenFisca 46's
load of the same number of values (26 s on this kind of machine, measured when the
project started) is quoted, not re-measured. The table is printed and written to --out.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from synth import AS_OF  # the day the synthetic corpus pictures (checked --at it)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SEARCH_INDEX_TARGET = 5_000_000
OPENFISCA_3000_S = 26.0  # OpenFisca 46 loading 3,000 regions x 20 parameters x 8 values


@dataclass
class Run:
    seconds: float
    peak_mib: float
    code: int


def run(args: list[str], env: dict[str, str]) -> Run:
    """Run a command; wall time and the peak resident memory of its process."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **env})
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"bench: {' '.join(args)} failed ({proc.returncode}):\n{err}")
    if proc.stderr:
        proc.stderr.close()
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode)


def policykit(*args: str) -> list[str]:
    return [sys.executable, "-m", "policykit", *args, "--quiet"]


def baselines(root: Path) -> tuple[float, float]:
    """Seconds for a bare libyaml parse of every file (each parsed and dropped), and for
    json.loads of the same data. In a child process: the bench's own memory would
    otherwise count in the commands' peak (Linux carries the high-water mark of a
    process into the programs it starts)."""
    code = f"""
import json, time, pathlib, yaml
files = sorted(pathlib.Path({str(root)!r}).rglob("*.yaml"))
texts = [f.read_text(encoding="utf-8") for f in files]
t = time.perf_counter()
for x in texts:
    yaml.load(x, Loader=yaml.CSafeLoader)
libyaml = time.perf_counter() - t
blobs = [json.dumps(yaml.load(x, Loader=yaml.CSafeLoader), ensure_ascii=False, default=str)
         for x in texts]
t = time.perf_counter()
for b in blobs:
    json.loads(b)
print(libyaml, time.perf_counter() - t)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    libyaml, jsonl = out.stdout.split()
    return float(libyaml), float(jsonl)


def lookups_per_second(root: Path, n: int = 200_000) -> float:
    """`value_per_s` of benchmarks/bench_lookup.py (its docstring says how)."""
    out = subprocess.run([sys.executable, str(HERE / "bench_lookup.py"), str(root),
                          "--queries", str(n)], capture_output=True, text=True, check=True,
                         env={**os.environ, "POLICYKIT_CACHE_DIR": "off"})
    return float(json.loads(out.stdout)["value_per_s"])


def edit_one(root: Path, seed: int) -> None:
    files = sorted(root.rglob("region.yaml"))
    f = random.Random(seed).choice(files)
    with f.open("a", encoding="utf-8") as fh:
        fh.write(f"# bench edit {seed}\n")


def measure(n: int, work: Path, build: bool) -> list[tuple[str, Run | float]]:
    root = work / f"corpus-{n}"
    subprocess.run([sys.executable, str(HERE / "synth.py"), "--regions", str(n), "--out",
                    str(root), "--force"], check=True, capture_output=True)
    env = {"POLICYKIT_CACHE_DIR": str(work / f"cache-{n}"), "SOURCE_DATE_EPOCH": "1750000000"}
    rows: list[tuple[str, Run | float]] = []
    libyaml, jsonl = baselines(root)
    rows.append(("baseline: libyaml parse", libyaml))
    rows.append(("baseline: json.loads", jsonl))
    rows.append(("cold validate", run(policykit("validate", str(root), "--no-cache"), env)))
    rows.append(("cold check", run(policykit("check", str(root), "--no-cache", "--at", AS_OF), env)))
    run(policykit("check", str(root), "--at", AS_OF), env)  # fills the cache
    edit_one(root, n)
    rows.append(("warm check, one file edited",
                 run(policykit("check", str(root), "--at", AS_OF), env)))
    rows.append(("export (API + tables)",
                 run(policykit("export", str(root), "--out", str(work / f"out-{n}"),
                               "--force"), env)))
    if build:
        rows.append(("build (whole site)",
                     run(policykit("build", str(root), "--out", str(work / f"site-{n}"),
                                   "--force"), env)))
    rows.append(("lookups per second", lookups_per_second(root)))
    return rows


def measure_real(work: Path) -> list[str]:
    """The real-shaped site: build policies/ (registry + today's data); its size."""
    out = work / "site-real"
    env = {"POLICYKIT_CACHE_DIR": str(work / "cache-real"), "SOURCE_DATE_EPOCH": "1750000000"}
    run(policykit("check", str(REPO / "policies")), env)  # fills the cache, as for N
    built = run(policykit("build", str(REPO / "policies"), "--out", str(out), "--force",
                          "--config", str(REPO / "mkdocs.yml")), env)
    files = [f for f in out.rglob("*") if f.is_file()]
    size = sum(f.stat().st_size for f in files)
    pages = sum(1 for f in files if f.name == "index.html")
    search = (out / "search" / "search_index.json").stat().st_size
    regions = len(list((out / "api" / "v1" / "regions").glob("*.json")))
    return ["| | real-shaped site (policies/) |", "|---|---|",
            f"| regions (API documents and pages) | {regions:,} |",
            f"| build (whole site) | {built.seconds:.1f} s, {built.peak_mib:,.0f} MiB "
            "(target < 60 s) |",
            f"| pages | {pages:,} |",
            f"| site size | {size / 1e6:,.0f} MB in {len(files):,} files |",
            f"| search index | {search / 1e6:.2f} MB (target < "
            f"{SEARCH_INDEX_TARGET / 1e6:.0f} MB) |"]


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (f"{cores} cores ({model or platform.machine()}), Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def table(results: dict[int, list[tuple[str, Run | float]]]) -> str:
    sizes = sorted(results)
    head = "| | " + " | ".join(f"N = {n:,}" for n in sizes) + " |"
    lines = [head, "|---|" + "---|" * len(sizes)]
    names = [name for name, _ in results[sizes[0]]]
    for name in names:
        cells = []
        for n in sizes:
            row = dict(results[n])
            value = row.get(name)
            libyaml = row["baseline: libyaml parse"]
            jsonl = row["baseline: json.loads"]
            assert isinstance(libyaml, float) and isinstance(jsonl, float)
            if value is None:
                cells.append("–")
            elif name == "lookups per second":
                assert isinstance(value, float)
                cells.append(f"{value / 1e6:.2f} million/s (target ≥ 1)")
            elif isinstance(value, float):
                cells.append(f"{value:.2f} s")
            else:
                cells.append(f"{value.seconds:.2f} s, {value.peak_mib:,.0f} MiB; "
                             f"{value.seconds / libyaml:.2f}× libyaml, "
                             f"{value.seconds / jsonl:.0f}× json")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if 3000 in results:
        row = dict(results[3000])
        cold, validate = row.get("cold check"), row.get("cold validate")
        warm, build = row.get("warm check, one file edited"), row.get("build (whole site)")
        lines.append("")
        if isinstance(cold, Run):
            lines.append(f"- Cold check at N = 3,000 against OpenFisca 46's load of the same "
                         f"480,000 values ({OPENFISCA_3000_S:.0f} s, quoted): "
                         f"{cold.seconds / OPENFISCA_3000_S:.2f}× (target ≤ 0.15×).")
        if isinstance(cold, Run) and isinstance(validate, Run):
            lines.append(f"- The consistency rules add "
                         f"{(cold.seconds - validate.seconds) / validate.seconds:.0%} to cold "
                         "validate (target ≤ 50%).")
        if isinstance(warm, Run):
            lines.append(f"- Warm check after one edit: {warm.seconds:.2f} s (target < 1 s).")
        if isinstance(build, Run):
            lines.append(f"- Build: {build.seconds:.1f} s (target < 60 s).")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[300, 3000])
    ap.add_argument("--out", type=Path, default=HERE / "results.md")
    ap.add_argument("--skip-build", action="store_true", help="do not time the site build")
    ap.add_argument("--work", type=Path, default=None, help="keep corpora and outputs here")
    ap.add_argument("--skip-real", action="store_true",
                    help="do not build the real-shaped site (policies/)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="policykit-bench-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        results = {}
        for n in args.sizes:
            print(f"bench: N = {n} …", file=sys.stderr, flush=True)
            results[n] = measure(n, work, not args.skip_build)
        real: list[str] = []
        if not args.skip_real:
            print("bench: real-shaped site …", file=sys.stderr, flush=True)
            real = measure_real(work)
    real_text = ("\n\nThe real-shaped site (the division registry plus today's data):\n\n"
                 + "\n".join(real)) if real else ""
    text = (f"# policykit benchmarks\n\nMachine: {machine()}. Run "
            f"{time.strftime('%Y-%m-%d')}. Wall-clock seconds, each command in its own "
            f"process; memory is the command's peak resident set.\n\n{table(results)}{real_text}\n")
    print(text)
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
