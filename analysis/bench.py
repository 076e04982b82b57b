"""Performance measurements behind ``run.py bench``, usable from a notebook.

    from analysis import bench
    result = bench.run(quick=True)          # every measurement at tiny N, in seconds
    bench.full_scale(scale=1, months=120)   # one 1:1 baseline run in a fresh process, with its peak memory

What is timed, and how:

- ``full_scale``: one run of the baseline scenario in a fresh Python process (so that its peak resident memory is
  that of a run, not of whatever ran before), through ``analysis.runner.simulate`` like every command's runs; the
  months are timed apart from building the model (synthesis and spin-up, reported apart). ``agents`` is the
  active population in the first reported month; agent-steps count every active agent in every month.
- ``fast_vs_reference``: both engines on the same scenario, scale and seed in this process, the months of each
  timed (the fast engine's compiled kernels are loaded while its model is built, before timing).
- ``sweep_throughput``: ``benchmarks/sweep_throughput.py`` (a whole sweep as ``run.py sweep`` runs it, with local
  processes and with a Dask LocalCluster; see that file).
- ``scaling``: the same number of months at a range of scales, in this process.

Wall-clock time (``time.perf_counter``) throughout: that is what a user waits for. Timings depend on the machine and
on what else runs on it; ``machine`` records the processor and the load average when the measurement started.
"""

import importlib.util
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"

# The full measurement, and the tiny one CI smoke-tests.
FULL = {"full_scale": {"scale": 1.0, "months": 120}, "fast_vs_reference": {"scale": 200.0, "months": 12},
        "sweep_throughput": {"scale": 100.0, "runs": 200, "months": 12, "workers": 2, "repeats": 2},
        "scaling": {"scales": (400.0, 100.0, 30.0, 10.0, 3.0, 1.0), "months": 12}}
QUICK = {"full_scale": {"scale": 2000.0, "months": 3}, "fast_vs_reference": {"scale": 2000.0, "months": 2},
         "sweep_throughput": {"scale": 2000.0, "runs": 4, "months": 2, "workers": 2, "repeats": 1},
         "scaling": {"scales": (4000.0, 2000.0), "months": 2}}


def timed_run(scale: float, months: int, seed: int = 1, engine: str = "fast") -> dict:
    """One baseline run (``analysis.runner.simulate``), its months timed apart from building the model: seconds,
    agents, agent-steps per second."""
    from analysis import runner
    from sim import outputs, scenario

    result = runner.simulate(scenario.load(BASELINE), seed, scale, months, engine)
    seconds = result.seconds - result.setup_seconds
    active = result.values[:, outputs.NAMES.index("population")] / scale
    return {"scale": scale, "agents": int(round(active[0])), "months": months, "seconds": seconds,
            "agent_steps_per_s": float(active.sum()) / seconds, "build_seconds": result.setup_seconds}


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kilobytes on Linux


def full_scale(scale: float = 1.0, months: int = 120, seed: int = 1) -> dict:
    """One baseline run in a fresh process: ``timed_run`` plus that process's peak resident memory (MB)."""
    code = ("import json, sys; from analysis import bench; "
            f"result = bench.timed_run({scale!r}, {months!r}, {seed!r}); "
            "result['peak_rss_mb'] = bench._peak_rss_mb(); print(json.dumps(result))")
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": path})
    if done.returncode != 0:
        raise RuntimeError(f"the full-scale run failed:\n{done.stderr.strip()}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {key: result[key] for key in ("agents", "months", "seconds", "agent_steps_per_s", "peak_rss_mb",
                                         "scale", "build_seconds")}


def fast_vs_reference(scale: float = 200.0, months: int = 12, seed: int = 1) -> dict:
    """Both engines at the same N, the months of each timed in this process."""
    fast = timed_run(scale, months, seed, "fast")
    reference = timed_run(scale, months, seed, "reference")
    return {"agents": fast["agents"], "months": months, "fast_seconds": fast["seconds"],
            "reference_seconds": reference["seconds"], "speedup": reference["seconds"] / fast["seconds"],
            "scale": scale}


def _sweep_benchmark():
    """``benchmarks/sweep_throughput.py``, loaded from the checkout (benchmarks/ is not an installed package)."""
    spec = importlib.util.spec_from_file_location("sweep_throughput", ROOT / "benchmarks" / "sweep_throughput.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sweep_throughput(scale: float = 100.0, runs: int = 200, months: int = 12, workers: int = 2,
                     repeats: int = 2, seed: int = 1) -> dict:
    """Runs per second of a sweep with local processes and with Dask, and Dask's overhead (see the benchmark)."""
    result = _sweep_benchmark().measure(scale=scale, runs=runs, months=months, workers=workers, repeats=repeats,
                                        seed=seed)
    keep = ("scale", "runs_per_s_local", "runs_per_s_dask", "dask_overhead_pct", "runs", "months", "workers",
            "seconds_per_run", "parallel_efficiency_local", "local_seconds", "dask_seconds")
    return {key: result[key] for key in keep}


def scaling(scales=FULL["scaling"]["scales"], months: int = 12, seed: int = 1) -> list[dict]:
    """The months of a run at each scale: agents and seconds, from small to large populations."""
    rows = []
    for scale in sorted(scales, reverse=True):
        result = timed_run(scale, months, seed)
        rows.append({"agents": result["agents"], "seconds": result["seconds"], "scale": scale, "months": months,
                     "agent_steps_per_s": result["agent_steps_per_s"]})
    return rows


def machine() -> dict:
    import numba
    import numpy

    model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = None
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        memory_gb = int(meminfo.read_text().split()[1]) / 1024 ** 2
    return {"processor": model, "cpus": os.cpu_count(), "memory_gb": memory_gb, "system": platform.system(),
            "python": platform.python_version(), "numpy": numpy.__version__, "numba": numba.__version__,
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def run(quick: bool = False, progress=None) -> dict:
    """Every measurement; ``quick`` uses tiny populations (a smoke test, not a measurement). ``progress`` is called
    with the name of each measurement as it starts."""
    config = QUICK if quick else FULL
    say = progress or (lambda name: None)
    from analysis import provenance

    result = {"quick": quick, "machine": machine(), "provenance": provenance.stamp()}
    say("full_scale")
    result["full_scale"] = full_scale(**config["full_scale"])
    say("fast_vs_reference")
    result["fast_vs_reference"] = fast_vs_reference(**config["fast_vs_reference"])
    say("sweep_throughput")
    result["sweep_throughput"] = sweep_throughput(**config["sweep_throughput"])
    say("scaling")
    result["scaling"] = scaling(**config["scaling"])
    return result


def table(result: dict) -> str:
    """The measurements as a plain-text table."""
    full, versus, sweep = result["full_scale"], result["fast_vs_reference"], result["sweep_throughput"]
    rows = [
        ("full scale", f"{full['agents']:,} agents x {full['months']} months: {full['seconds']:.1f} s "
                       f"({full['agent_steps_per_s'] / 1e6:.1f}M agent-steps/s), peak RSS "
                       f"{full['peak_rss_mb']:.0f} MB; model built in {full['build_seconds']:.1f} s"),
        ("fast vs reference", f"{versus['agents']:,} agents x {versus['months']} months: fast "
                              f"{versus['fast_seconds']:.3f} s, reference {versus['reference_seconds']:.2f} s, "
                              f"speed-up {versus['speedup']:.0f}x"),
        ("sweep throughput", f"1:{sweep['scale']:g}, {sweep['workers']} workers: local "
                             f"{sweep['runs_per_s_local']:.1f} runs/s, Dask {sweep['runs_per_s_dask']:.1f} runs/s, "
                             f"Dask overhead {sweep['dask_overhead_pct']:.1f} %"),
    ]
    for row in result["scaling"]:
        rows.append(("scaling", f"{row['agents']:>9,} agents x {row['months']} months: {row['seconds']:7.3f} s "
                                f"({row['agent_steps_per_s'] / 1e6:.1f}M agent-steps/s)"))
    width = max(len(name) for name, _ in rows)
    lines = [f"{name:{width}}  {text}" for name, text in rows]
    info = result["machine"]
    lines.append(f"{'machine':{width}}  {info['processor']}, {info['cpus']} CPUs, "
                 f"{info['memory_gb']:.0f} GB" if info["memory_gb"] else f"{'machine':{width}}  {info['processor']}")
    if result["quick"]:
        lines.append("(--quick: tiny populations, a smoke test rather than a measurement)")
    return "\n".join(lines)
