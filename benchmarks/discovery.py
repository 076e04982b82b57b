"""Scenario discovery end to end: the README's worked example (1,000 design points x 2 replicates at 1:100, 24
months, 2,000 runs) as a user runs it, and PRIM and CART alone on its cases.

    .venv/bin/python benchmarks/discovery.py                       # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/discovery.py --json results/discovery_bench.json --keep results/discovery

What is timed: ``run.py discover`` in a fresh process into a fresh directory (start-up, the pilot run, the 2,000
runs on the local process pool, the Parquet store, PRIM, CART, the CSVs, the four figures and report.html): the
wall time a user waits. Then, in this process, ``analysis.discovery.prim`` and ``cart`` on the cases it wrote, the
fastest of three passes (the first pass pays EMA Workbench's import). The load average before and after is
recorded: the machine may be shared, and a loaded machine makes the end-to-end time longer.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PARAMS = ("rub_per_usd,migrant_wage_rub,register_listing_prob,register_expulsion_prob,raid_intensity,"
          "russia_labour_demand")
# The worked example's threshold: a third below the baseline's second-year remittances at the point estimate (5.12 bn
# USD, 1:100, 2 replicates; docs/discovery.md), the same as in the README's command.
OUTCOME = "remittances_final_12m_usd_bn < 3.4"


def command(out: Path, samples: int, workers: int | None) -> list[str]:
    words = [sys.executable, "run.py", "discover", "scenarios/baseline.toml", "--samples", str(samples), "--months",
             "24", "--params", PARAMS, "--outcome", OUTCOME, "--out", str(out)]
    return words + (["--workers", str(workers)] if workers else [])


def measure(samples: int = 1000, workers: int | None = None, keep: str | None = None) -> dict:
    import pandas as pd

    from analysis import design, discovery

    if keep is not None and Path(keep).exists():
        raise SystemExit(f"--keep: {keep} exists; the measurement needs a fresh directory")
    with tempfile.TemporaryDirectory(prefix="discovery-bench-") as directory:
        out = Path(keep) if keep is not None else Path(directory) / "out"
        load_before = os.getloadavg()
        began = time.perf_counter()
        finished = subprocess.run(command(out, samples, workers), cwd=ROOT, capture_output=True, text=True)
        wall = time.perf_counter() - began
        load_after = os.getloadavg()
        if finished.returncode != 0:
            raise SystemExit(finished.stderr.strip().splitlines()[-1])
        cases = pd.read_csv(out / "cases.csv")
    factors = [design.factor(name) for name in PARAMS.split(",")]
    x, y = cases[[f.name for f in factors]], cases["of_interest"].to_numpy()
    passes = []
    for _ in range(3):
        began = time.perf_counter()
        discovery.prim(x, y, factors)
        discovery.cart(x, y)
        passes.append(time.perf_counter() - began)
    return {"samples": samples, "replicates": 2, "scale": 100, "months": 24, "runs": 2 * samples,
            "end_to_end_s": round(wall, 1), "prim_and_cart_s": round(min(passes), 3),
            "prim_and_cart_first_pass_s": round(passes[0], 3), "cases_of_interest": int(y.sum()),
            "load_average_before": [round(v, 2) for v in load_before],
            "load_average_after": [round(v, 2) for v in load_after], "cpus": os.cpu_count(),
            "processor": platform.processor() or platform.machine(),
            "command": " ".join(command(Path("OUT"), samples, workers)[1:])}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument("--workers", type=int)
    parser.add_argument("--json", metavar="FILE", help="also write the measurement as JSON")
    parser.add_argument("--keep", metavar="DIR", help="run into DIR (a new directory) and keep its results")
    args = parser.parse_args(argv)
    result = measure(args.samples, args.workers, args.keep)
    print(json.dumps(result, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
