"""Performance measurements behind ``run.py bench``, usable from a notebook.

    from analysis import bench
    result = bench.run(quick=True)          # every measurement at tiny N, in seconds
    bench.full_scale(scale=1, months=120)   # the whole 1:1 command, three times, and its phases

What is timed, and how:

- ``full_scale``: the whole command a user types, ``run.py run scenarios/baseline.toml --scale 1 --months 120
  --replicates 1 --no-plots --point-estimate``, in a fresh process each time (imports, population, spin-up, the
  months and writing the outputs), ``repeats`` times: the median, the spread and the peak resident memory. Its
  phases come from one more fresh process that times them apart (``phases``): imports, building the model
  (population and spin-up), the months; the rest of the whole command (interpreter start-up, summarising and
  writing) is the median less those. ``threads`` is how many threads a run uses (``sim.engine_fast.threads``).
- ``cold_start``: the same command at small scale with an empty compile cache, then again with the cache it
  filled: the difference is what compiling costs on the first run after an install that did not fill the cache.
- ``fast_vs_reference``: both engines on the same scenario, scale and seed in this process, the months of each
  timed (the fast engine's compiled kernels are loaded while its model is built, before timing).
- ``history_throughput``: the 2010-2019 history (``scenarios/history_2010_2024.toml``, 120 months) at the
  calibration's scale, ``runs`` replicates at a time, through local worker processes and through a Dask
  LocalCluster with as many single-threaded workers, each backend started and warmed up once and then timed
  ``repeats`` times, alternating: runs per second (median). ``dask_overhead``: the paired ratio of the two times in
  each repeat, as a percentage (median, lowest and highest).
- ``scaling``: the same number of months at a range of scales, in this process.

Wall-clock time (``time.perf_counter``) throughout: that is what a user waits for. Timings depend on the machine and
on what else runs on it; ``machine`` records the processor and the load average when the measurement started.
"""

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "baseline.toml"
HISTORY = ROOT / "scenarios" / "history_2010_2024.toml"

# The full measurement, and the tiny one CI smoke-tests.
FULL = {"full_scale": {"scale": 1.0, "months": 120, "repeats": 3},
        "cold_start": {"scale": 200.0, "months": 12},
        "fast_vs_reference": {"scale": 200.0, "months": 12},
        "history_throughput": {"scale": 100.0, "runs": 24, "months": 120, "workers": 2, "repeats": 3},
        "scaling": {"scales": (400.0, 100.0, 30.0, 10.0, 3.0, 1.0), "months": 12}}
QUICK = {"full_scale": {"scale": 2000.0, "months": 3, "repeats": 1},
         "cold_start": {"scale": 2000.0, "months": 2},
         "fast_vs_reference": {"scale": 2000.0, "months": 2},
         "history_throughput": {"scale": 2000.0, "runs": 4, "months": 3, "workers": 2, "repeats": 3},
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


def _environment(**extra) -> dict:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, **extra}


def _command(scale: float, months: int, out: Path, seed: int = 1) -> list[str]:
    """The ``run`` command of a whole-process measurement, as a user would type it."""
    return [sys.executable, str(ROOT / "run.py"), "run", str(BASELINE), "--scale", f"{scale:g}", "--months",
            str(months), "--replicates", "1", "--seed", str(seed), "--no-plots", "--point-estimate", "--yes",
            "--out", str(out)]


def whole_command(scale: float, months: int, seed: int = 1, environment: dict | None = None) -> float:
    """Seconds of one ``run`` command in a fresh process, its outputs written to a directory removed after."""
    with tempfile.TemporaryDirectory(prefix="tajmig-bench-") as directory:
        began = time.perf_counter()
        done = subprocess.run(_command(scale, months, Path(directory) / "out", seed), cwd=ROOT,
                              capture_output=True, text=True, check=False, env=environment or _environment())
        seconds = time.perf_counter() - began
    if done.returncode != 0:
        raise RuntimeError(f"the measured run failed:\n{done.stderr.strip()}")
    return seconds


_PHASES = """
import json, time
began = time.perf_counter()
from analysis import runner
from sim import engine_fast, outputs, scenario
imported = time.perf_counter() - began
result = runner.simulate(scenario.load({baseline!r}), {seed!r}, {scale!r}, {months!r}, "fast")
active = result.values[:, outputs.NAMES.index("population")] / {scale!r}
print(json.dumps({{"imports": imported, "build": result.setup_seconds,
                  "months": result.seconds - result.setup_seconds, "threads": engine_fast.threads(),
                  "agents": int(round(active[0])), "agent_steps": float(active.sum())}}))
"""


def phases(scale: float, months: int, seed: int = 1) -> dict:
    """Imports, building the model (population and spin-up) and the months of one run, in a fresh process; with
    the threads it used, its agents in the first month and its agent-steps."""
    code = _PHASES.format(baseline=str(BASELINE), seed=seed, scale=scale, months=months)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                          env=_environment())
    if done.returncode != 0:
        raise RuntimeError(f"the phase measurement failed:\n{done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _children_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0  # kilobytes on Linux


def full_scale(scale: float = 1.0, months: int = 120, repeats: int = 3, seed: int = 1) -> dict:
    """The whole ``run`` command ``repeats`` times (median, lowest, highest), its peak memory, and its phases."""
    seconds = [whole_command(scale, months, seed) for _ in range(repeats)]
    peak = _children_peak_rss_mb()  # the largest child so far: the runs above are the largest this process starts
    split = phases(scale, months, seed)
    median = statistics.median(seconds)
    return {"scale": scale, "months": months, "agents": split["agents"], "repeats": repeats, "seconds": median,
            "seconds_min": min(seconds), "seconds_max": max(seconds), "seconds_each": seconds,
            "peak_rss_mb": peak, "threads": split["threads"],
            "phases": {"imports": split["imports"], "build": split["build"], "months": split["months"],
                       "rest": max(median - split["imports"] - split["build"] - split["months"], 0.0)},
            "agent_steps_per_s": split["agent_steps"] / split["months"]}


def cold_start(scale: float = 200.0, months: int = 12, seed: int = 1) -> dict:
    """The small ``run`` command with an empty compile cache, then with the cache that run filled."""
    with tempfile.TemporaryDirectory(prefix="tajmig-numba-cache-") as cache:
        environment = _environment(NUMBA_CACHE_DIR=cache)
        cold = whole_command(scale, months, seed, environment)
        warm = whole_command(scale, months, seed, environment)
    return {"scale": scale, "months": months, "cold_seconds": cold, "warm_seconds": warm,
            "compile_seconds": cold - warm}


def fast_vs_reference(scale: float = 200.0, months: int = 12, seed: int = 1) -> dict:
    """Both engines at the same N, the months of each timed in this process."""
    fast = timed_run(scale, months, seed, "fast")
    reference = timed_run(scale, months, seed, "reference")
    return {"agents": fast["agents"], "months": months, "fast_seconds": fast["seconds"],
            "reference_seconds": reference["seconds"], "speedup": reference["seconds"] / fast["seconds"],
            "scale": scale}


def _history_seconds(backend, scale: float, runs: int, months: int, seed: int) -> float:
    from analysis import ensemble
    from sim import scenario

    history = scenario.load(HISTORY)
    began = time.perf_counter()
    ensemble.run_many([history], replicates=runs, seed=seed, scale=scale, months=months, backend=backend,
                      description=None)
    return time.perf_counter() - began


def history_throughput(scale: float = 100.0, runs: int = 24, months: int = 120, workers: int = 2,
                       repeats: int = 3, seed: int = 1) -> tuple[dict, dict]:
    """Runs per second of the history through local processes and through Dask, and Dask's overhead as the paired
    ratio of each repeat's two times (see the module docstring)."""
    from analysis.backends import DaskBackend, LocalBackend

    local_seconds, dask_seconds = [], []
    with LocalBackend(workers) as local, DaskBackend("local", workers) as dask:
        for backend in (local, dask):  # start the workers and load their compiled kernels
            _history_seconds(backend, scale, workers, 2, seed + 1)
        for _ in range(repeats):
            local_seconds.append(_history_seconds(local, scale, runs, months, seed))
            dask_seconds.append(_history_seconds(dask, scale, runs, months, seed))
    ratios = [100.0 * (d / s - 1.0) for s, d in zip(local_seconds, dask_seconds, strict=True)]
    throughput = {"scenario": HISTORY.name, "scale": scale, "runs": runs, "months": months, "workers": workers,
                  "repeats": repeats, "runs_per_s_local": runs / statistics.median(local_seconds),
                  "runs_per_s_dask": runs / statistics.median(dask_seconds), "local_seconds": local_seconds,
                  "dask_seconds": dask_seconds}
    overhead = {"pct": statistics.median(ratios), "pct_min": min(ratios), "pct_max": max(ratios),
                "pct_each": ratios, "repeats": repeats}
    return throughput, overhead


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
    say("cold_start")
    result["cold_start"] = cold_start(**config["cold_start"])
    say("fast_vs_reference")
    result["fast_vs_reference"] = fast_vs_reference(**config["fast_vs_reference"])
    say("history_throughput")
    result["history_throughput"], result["dask_overhead"] = history_throughput(**config["history_throughput"])
    say("scaling")
    result["scaling"] = scaling(**config["scaling"])
    return result


def table(result: dict) -> str:
    """The measurements as a plain-text table."""
    full, cold, versus = result["full_scale"], result["cold_start"], result["fast_vs_reference"]
    history, overhead = result["history_throughput"], result["dask_overhead"]
    split = full["phases"]
    rows = [
        ("full scale", f"{full['agents']:,} agents x {full['months']} months, whole command: median "
                       f"{full['seconds']:.1f} s of {full['repeats']} ({full['seconds_min']:.1f}-"
                       f"{full['seconds_max']:.1f} s), {full['threads']} thread(s), peak RSS "
                       f"{full['peak_rss_mb']:.0f} MB"),
        ("  phases", f"imports {split['imports']:.1f} s, population and spin-up {split['build']:.1f} s, months "
                     f"{split['months']:.1f} s, the rest {split['rest']:.1f} s"),
        ("cold start", f"1:{cold['scale']:g} x {cold['months']} months: {cold['cold_seconds']:.1f} s with an empty "
                       f"compile cache, {cold['warm_seconds']:.1f} s after: compiling costs "
                       f"{cold['compile_seconds']:.1f} s"),
        ("fast vs reference", f"{versus['agents']:,} agents x {versus['months']} months: fast "
                              f"{versus['fast_seconds']:.3f} s, reference {versus['reference_seconds']:.2f} s, "
                              f"speed-up {versus['speedup']:.0f}x"),
        ("history throughput", f"{history['months']} months at 1:{history['scale']:g}, {history['runs']} runs, "
                               f"{history['workers']} workers: local {history['runs_per_s_local']:.2f} runs/s, "
                               f"Dask {history['runs_per_s_dask']:.2f} runs/s"),
        ("Dask overhead", f"{overhead['pct']:+.1f} % (paired, {overhead['repeats']} repeats: "
                          f"{overhead['pct_min']:+.1f} to {overhead['pct_max']:+.1f} %)"),
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
