"""Sweep throughput: runs per second at 1:100 scale with local processes and with a Dask LocalCluster.

    .venv/bin/python benchmarks/sweep_throughput.py                    # 200 runs of 12 months, 2 workers
    .venv/bin/python benchmarks/sweep_throughput.py --json results/sweep_throughput.json

What is timed: a whole sweep as ``run.py sweep`` does it (tasks out, results back, Parquet parts written and
renamed, manifest refreshed) of ``runs`` runs of the baseline scenario over a Latin hypercube of two levers, one
replicate each, without the pilot run. Local processes are timed with the pool's start-up (a sweep pays it);
the Dask cluster is started and its workers warmed up (their compiled kernels loaded) before timing, since a
cluster outlives a sweep. Each backend is timed ``repeats`` times, alternating, and the fastest pass is kept.

Fields: ``runs_per_s_local`` and ``runs_per_s_dask``; ``seconds_per_run`` (one run in this process, no
parallelism); ``parallel_efficiency_local`` = runs_per_s_local * seconds_per_run / workers; and
``dask_overhead_pct`` = 100 * (runs_per_s_local / runs_per_s_dask - 1), the extra wall time per run Dask costs
against local processes on the same cores, as a percentage of a run.
"""

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from analysis import design, runner, sweep  # noqa: E402
from analysis.backends import DaskBackend, LocalBackend, available_cpus  # noqa: E402
from sim import scenario as scenarios  # noqa: E402

SCENARIO = ROOT / "scenarios" / "baseline.toml"


def _plan(scale: float, runs: int, months: int, seed: int) -> sweep.Sweep:
    factors = [design.factor("raid_intensity"), design.factor("rub_per_usd")]
    return sweep.Sweep("sweep", scenarios.load(SCENARIO), design.latin_hypercube(factors, runs, seed),
                       replicates=1, seed=seed, scale=scale, months=months)


def _timed_sweep(plan: sweep.Sweep, backend) -> float:
    with tempfile.TemporaryDirectory(prefix="sweep-bench-") as directory:
        began = time.perf_counter()
        sweep.run(plan, Path(directory) / "out", backend=backend, progress=False, estimate=False,
                  echo=lambda *_: None)
        return time.perf_counter() - began


def _seconds_per_run(plan: sweep.Sweep, runs: int = 10) -> float:
    points = plan.plan().head(runs)
    runner.simulate(plan.scenario, int(points.seed[0]), plan.scale, plan.months, plan.engine)  # load the kernels
    began = time.perf_counter()
    for row in points.itertuples(index=False):
        runner.simulate(plan.scenario, int(row.seed), plan.scale, plan.months, plan.engine,
                        {n: float(getattr(row, n)) for n in plan.design.names})
    return (time.perf_counter() - began) / len(points)


def _machine() -> str:
    from analysis.bench import machine

    return f"{machine()['processor']}; {available_cpus()} CPUs available; {platform.system()}"


def measure(scale: float = 100, runs: int = 200, months: int = 12, workers: int = 2, repeats: int = 2,
            seed: int = 1) -> dict:
    """Measure sweep throughput; see the module docstring for what each field means."""
    plan = _plan(scale, runs, months, seed)
    per_run = _seconds_per_run(plan)
    local_times, dask_times = [], []
    with DaskBackend("local", workers) as dask_backend:
        _timed_sweep(_plan(scale, 4 * workers, months, seed + 1), dask_backend)  # warm the workers up
        for _ in range(repeats):
            local_times.append(_timed_sweep(plan, LocalBackend(workers)))
            dask_times.append(_timed_sweep(plan, dask_backend))
    local_rate, dask_rate = runs / min(local_times), runs / min(dask_times)
    return {
        "scale": scale,
        "runs": runs,
        "months": months,
        "workers": workers,
        "seconds_per_run": per_run,
        "runs_per_s_local": local_rate,
        "runs_per_s_dask": dask_rate,
        "parallel_efficiency_local": local_rate * per_run / workers,
        "dask_overhead_pct": 100.0 * (local_rate / dask_rate - 1.0),
        "local_seconds": local_times,
        "dask_seconds": dask_times,
        "machine": _machine(),
        "python": platform.python_version(),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=100.0)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    result = measure(args.scale, args.runs, args.months, args.workers, args.repeats)
    rows = [("scale (persons per agent)", f"{result['scale']:g}"),
            ("runs x months", f"{result['runs']} x {result['months']}"),
            ("workers", str(result["workers"])),
            ("one run, in process", f"{result['seconds_per_run']:.3f} s"),
            ("local processes", f"{result['runs_per_s_local']:.1f} runs/s"),
            ("Dask LocalCluster", f"{result['runs_per_s_dask']:.1f} runs/s"),
            ("local parallel efficiency", f"{100 * result['parallel_efficiency_local']:.0f} %"),
            ("Dask overhead (% of a run)", f"{result['dask_overhead_pct']:.1f} %")]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:{width}}  {value}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
