"""Smoke test of ``run.py bench --quick``: every measurement runs and the JSON has the agreed shape. No timings are
asserted (speed targets live in benchmarks/README.md)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def numbers(record, names):
    return all(isinstance(record[name], (int, float)) and not isinstance(record[name], bool) for name in names)


def test_quick_bench_writes_every_measurement(tmp_path):
    target = tmp_path / "deep" / "bench.json"
    done = run("bench", "--quick", "--json", str(target))
    assert done.returncode == 0, done.stderr
    result = json.loads(target.read_text())

    full = result["full_scale"]
    assert numbers(full, ("agents", "months", "seconds", "seconds_min", "seconds_max", "agent_steps_per_s",
                          "peak_rss_mb", "threads"))
    assert full["agents"] >= 200 and full["months"] >= 1 and full["peak_rss_mb"] > 0
    assert full["seconds_min"] <= full["seconds"] <= full["seconds_max"] and len(full["seconds_each"]) == 1
    assert numbers(full["phases"], ("imports", "build", "months", "rest"))
    assert sum(full["phases"].values()) >= full["seconds"] * 0.99
    cold = result["cold_start"]
    assert numbers(cold, ("cold_seconds", "warm_seconds", "compile_seconds"))
    assert cold["compile_seconds"] == cold["cold_seconds"] - cold["warm_seconds"]
    versus = result["fast_vs_reference"]
    assert numbers(versus, ("agents", "months", "fast_seconds", "reference_seconds", "speedup"))
    assert versus["speedup"] == versus["reference_seconds"] / versus["fast_seconds"]
    history = result["history_throughput"]
    assert numbers(history, ("scale", "runs", "months", "runs_per_s_local", "runs_per_s_dask"))
    assert history["runs_per_s_local"] > 0 and history["runs_per_s_dask"] > 0
    assert history["scenario"] == "history_2010_2024.toml"
    overhead = result["dask_overhead"]
    assert overhead["repeats"] >= 3 and len(overhead["pct_each"]) == overhead["repeats"]
    assert overhead["pct_min"] <= overhead["pct"] <= overhead["pct_max"]
    scaling = result["scaling"]
    assert len(scaling) >= 2 and all(numbers(row, ("agents", "seconds")) for row in scaling)
    assert [row["agents"] for row in scaling] == sorted(row["agents"] for row in scaling)
    assert result["quick"] is True
    assert len(result["provenance"]["model_version"]) == 64 and "git_dirty" in result["provenance"]

    assert "fast vs reference" in done.stdout and "speed-up" in done.stdout and "Dask overhead" in done.stdout


def test_json_that_is_a_directory_is_one_line_and_status_2(tmp_path):
    done = run("bench", "--quick", "--json", str(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "--json" in done.stderr
    assert done.stdout == ""


def test_the_numba_comparison_still_runs_the_engines_rule_and_agrees_with_numpy(tmp_path):
    # benchmarks/numba_vs_numpy.py calls the home labour market's kernels directly; it broke once unnoticed when
    # their signature changed. It raises if its numpy version and the kernels disagree on any column.
    target = tmp_path / "numba.json"
    done = subprocess.run([sys.executable, "benchmarks/numba_vs_numpy.py", "--scale", "400", "--repeats", "1",
                           "--json", str(target)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    result = json.loads(target.read_text())
    assert result["identical"] is True and result["agents"] > 5000
