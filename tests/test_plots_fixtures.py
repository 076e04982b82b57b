"""Fixture results shared by test_plots.py and test_report.py (no tests here).

Run and comparison results come from small real runs (coarse scale, few replicates, 14 months). Sweep,
sensitivity and validation tables are small synthetic frames that follow the results-directory contract exactly
(design.json, summary.csv, indices.csv, indices_time.csv and noise.csv as docs/sweeps.md describes them; hindcast.csv
as analysis/validation.py writes it)."""

import functools
import json
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from analysis import ensemble
from analysis.outdir import write_marker
from analysis.runner import replicate_seed
from sim import outputs
from sim.scenario import load

ROOT = Path(__file__).resolve().parent.parent
SEED = 11
SCALE = 3000
REPLICATES = 3
MONTHS = 14
META = {"scenario": "baseline", "seed": SEED, "scale": SCALE, "replicates": REPLICATES, "engine": "fast"}
SCALARS = ("remittance_change_12m_pct", "peak_unemployment_rate", "deportations_per_year",
           "remittances_final_12m_usd_bn")
PARAMETERS = ("raid_intensity", "hostility", "patent_fee_rub", "job_ban_share")


@functools.cache
def timeseries(name: str) -> pd.DataFrame:
    """``timeseries.csv`` of a small ensemble: ``baseline``, or ``crackdown`` (the baseline with raids tripled)."""
    scenario = load(ROOT / "scenarios" / "baseline.toml")
    overrides = {"raid_intensity": 0.09} if name == "crackdown" else None
    return ensemble.run(scenario, REPLICATES, SEED, SCALE, MONTHS, overrides=overrides, description=None)


def _describe(values) -> dict:
    values = np.asarray(values, dtype=float)
    mean = values.mean()
    half = stats.t.ppf(0.975, values.size - 1) * values.std(ddof=1) / np.sqrt(values.size)
    p05, median, p95 = np.percentile(values, [5, 50, 95])
    return {"median": median, "p05": p05, "p95": p95, "mean": mean, "mean_ci_low": mean - half,
            "mean_ci_high": mean + half}


def summary(series: pd.DataFrame) -> pd.DataFrame:
    """``summary.csv`` of a run, per the contract."""
    dates = sorted(series["date"].unique())
    by_date = {d: f.sort_values("replicate") for d, f in series.groupby("date")}
    rows = []
    for metric in outputs.NAMES:
        row = {"metric": metric, "unit": outputs.BY_NAME[metric].unit, **_describe(by_date[dates[-1]][metric])}
        row.update({f"m12_{k}": v for k, v in _describe(by_date[dates[11]][metric]).items()})
        start = by_date[dates[0]][metric].to_numpy()
        row["start_mean"] = start.mean()
        row["change_from_start_mean"] = (by_date[dates[-1]][metric].to_numpy() - start).mean()
        rows.append(row)
    return pd.DataFrame(rows)


def differences(base: pd.DataFrame, alternative: pd.DataFrame, name: str) -> pd.DataFrame:
    """``differences.csv``: ALT - BASE per replicate and month."""
    diff = alternative[list(outputs.NAMES)].to_numpy() - base[list(outputs.NAMES)].to_numpy()
    frame = pd.DataFrame(diff, columns=list(outputs.NAMES))
    frame.insert(0, "date", base["date"].to_numpy())
    frame.insert(0, "replicate", base["replicate"].to_numpy())
    frame.insert(0, "alternative", name)
    return frame


def comparison(diffs: pd.DataFrame) -> pd.DataFrame:
    """``comparison.csv``: statistics of ALT - BASE at the horizon and month 12."""
    dates = sorted(diffs["date"].unique())
    rows = []
    for name, frame in diffs.groupby("alternative"):
        for metric in outputs.NAMES:
            row = {"alternative": name, "metric": metric, "unit": outputs.BY_NAME[metric].unit,
                   "horizon_date": dates[-1], "m12_date": dates[11]}
            for prefix, date in (("", dates[-1]), ("m12_", dates[11])):
                d = _describe(frame[frame["date"] == date][metric])
                row.update({f"{prefix}diff_mean": d["mean"], f"{prefix}diff_ci_low": d["mean_ci_low"],
                            f"{prefix}diff_ci_high": d["mean_ci_high"], f"{prefix}diff_median": d["median"],
                            f"{prefix}diff_p05": d["p05"], f"{prefix}diff_p95": d["p95"]})
            rows.append(row)
    return pd.DataFrame(rows)


def sweep_summary(parameters, steps=4, lhs_points=0) -> pd.DataFrame:
    """Sweep ``summary.csv``: a grid over ``parameters`` (or ``lhs_points`` scattered points), with smooth
    made-up responses so that every cell differs."""
    from sim.parameters import BY_NAME

    rng = np.random.default_rng(5)
    if lhs_points:
        values = {p: rng.uniform(BY_NAME[p].low, BY_NAME[p].high, lhs_points) for p in parameters}
    else:
        axes = [np.linspace(BY_NAME[p].low, BY_NAME[p].high, steps) for p in parameters]
        mesh = np.meshgrid(*axes, indexing="ij")
        values = {p: m.ravel() for p, m in zip(parameters, mesh, strict=True)}
    table = pd.DataFrame(values)
    table.insert(0, "replicates", 2)
    table.insert(0, "point_id", np.arange(len(table)))
    signal = sum((table[p] - BY_NAME[p].low) / (BY_NAME[p].high - BY_NAME[p].low) for p in parameters)
    for k, name in enumerate(SCALARS):
        median = (k + 1) * (signal - 0.4 * len(parameters)) * (1 if k % 2 else -1)
        table[f"{name}_median"] = median
        table[f"{name}_p05"] = median - 0.3
        table[f"{name}_p95"] = median + 0.4
    return table


def sobol_indices() -> pd.DataFrame:
    rng = np.random.default_rng(6)
    rows = []
    for output in SCALARS:
        for parameter in PARAMETERS:
            s1 = rng.uniform(0, 0.4)
            rows.append({"output": output, "parameter": parameter, "S1": s1, "S1_conf": rng.uniform(0, 0.05),
                         "ST": s1 + rng.uniform(0, 0.2), "ST_conf": rng.uniform(0, 0.05)})
    return pd.DataFrame(rows)


def morris_indices() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    rows = []
    for output in SCALARS:
        for parameter in PARAMETERS:
            rows.append({"output": output, "parameter": parameter, "mu_star": rng.uniform(0.1, 5),
                         "mu_star_conf": rng.uniform(0, 0.5), "sigma": rng.uniform(0, 4)})
    return pd.DataFrame(rows)


def indices_time(index: str = "ST") -> pd.DataFrame:
    """``indices_time.csv`` as the sensitivity command writes it: one row per scalar, its monthly series, a
    horizon and a parameter."""
    from analysis import scalars

    rng = np.random.default_rng(8)
    rows = []
    for output in SCALARS:
        series = scalars.BY_NAME[output].series
        for month, date in ((3, "2025-03"), (6, "2025-06"), (9, "2025-09"), (12, "2025-12")):
            for parameter in PARAMETERS:
                rows.append({"output": output, "series": series, "month": month, "date": date,
                             "parameter": parameter, index: rng.uniform(0, 0.4), f"{index}_conf": 0.05})
    return pd.DataFrame(rows)


def hindcast(extended: bool = False) -> pd.DataFrame:
    """``hindcast.csv``: model bands and data by year; ``extended`` adds the columns ``run.py validate`` writes
    besides the contract's (formal channels, the CBR series and two naive baselines)."""
    years = np.arange(2013, 2017)
    median = np.array([4.1, 3.6, 2.4, 2.0])
    data = np.array([4.2, 3.8, 2.3, 1.9])
    table = pd.DataFrame({"year": years, "model_median": median, "model_p05": median - 0.3,
                          "model_p95": median + 0.3, "data": data, "data_low": data - 0.1, "data_high": data + 0.2})
    if extended:
        table["model_formal_median"] = 0.85 * median
        table["data_cbr"] = [4.1, np.nan, 1.3, 1.9]
        table["naive_rouble_only"] = [4.15, 3.4, 2.2, 2.0]
        table["naive_persistence"] = 4.15
    return table


# ---------------------------------------------------------------------------------------------------- directories
def _write_json(path: Path, data: dict):
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")


def _run_manifest(name: str, description: str) -> dict:
    scenario_path = ROOT / "scenarios" / "baseline.toml"
    return {"kind": "run", "scenario": name, "description": description, "scenario_path": str(scenario_path),
            "scenario_text": scenario_path.read_text(encoding="utf-8"), "scenario_sha256": "0" * 64,
            "start": "2025-01", "end": "2026-02", "months": MONTHS, "parameters": {"raid_intensity": 0.03},
            "overrides": {}, "shocks": [], "seed": SEED, "replicates": REPLICATES,
            "seeds": [replicate_seed(SEED, i) for i in range(REPLICATES)], "scale": SCALE, "engine": "fast",
            "package_version": "0.1.0", "git_commit": "fixture-commit", "wall_time_s": 1.0,
            "command_line": "run.py run scenarios/baseline.toml (test fixture)"}


def write_run(directory: Path, name: str = "baseline") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    series = timeseries(name)
    series.to_csv(directory / "timeseries.csv", index=False)
    summary(series).to_csv(directory / "summary.csv", index=False)
    _write_json(directory / "run.json", _run_manifest(name, f"{name} scenario (test fixture)"))
    return directory


def write_compare(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("baseline", "crackdown"):
        write_run(directory / name, name)
    diffs = differences(timeseries("baseline"), timeseries("crackdown"), "crackdown")
    diffs.to_csv(directory / "differences.csv", index=False)
    comparison(diffs).to_csv(directory / "comparison.csv", index=False)
    _write_json(directory / "compare.json", {
        "kind": "compare", "base": "baseline", "alternatives": ["crackdown"],
        "runs": {"baseline": "baseline", "crackdown": "crackdown"},
        "scenarios": {"baseline": {"description": "baseline scenario (test fixture)"},
                      "crackdown": {"description": "raids tripled (test fixture)"}},
        "seed": SEED, "replicates": REPLICATES, "scale": SCALE, "months": MONTHS, "start": "2025-01",
        "end": "2026-02", "engine": "fast", "git_commit": "fixture-commit",
        "command_line": "run.py compare (test fixture)"})
    return directory


def _design(kind: str, method: str, parameters) -> dict:
    from sim.parameters import BY_NAME

    return {"kind": kind, "method": method,
            "parameters": [{"name": p, "low": BY_NAME[p].low, "high": BY_NAME[p].high} for p in parameters],
            "replicates": 2, "seed": SEED, "scale": SCALE, "months": 24, "engine": "fast",
            "scenario": {"name": "baseline", "sha256": "0" * 64}, "start": "2025-01", "end": "2026-12",
            "command": "run.py sweep (test fixture)"}


def write_sweep(directory: Path, parameters=("raid_intensity",), method: str = "grid") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    table = sweep_summary(parameters, lhs_points=12 if method == "lhs" else 0)
    table.to_csv(directory / "summary.csv", index=False)
    table[["point_id", *parameters]].to_csv(directory / "points.csv", index=False)
    _write_json(directory / "design.json", _design("sweep", method, parameters))
    return directory


def write_sensitivity(directory: Path, method: str = "sobol") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (sobol_indices() if method == "sobol" else morris_indices()).to_csv(directory / "indices.csv", index=False)
    indices_time("ST" if method == "sobol" else "mu_star").to_csv(directory / "indices_time.csv", index=False)
    pd.DataFrame({"output": list(SCALARS), "noise_share": [0.1, 0.02, 0.05, 0.01]}).to_csv(
        directory / "noise.csv", index=False)
    design = _design("sensitivity", method, PARAMETERS)
    design["N"] = 16
    design["calc_second_order"] = False
    _write_json(directory / "design.json", design)
    return directory


def write_validation(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    hindcast(extended=True).to_csv(directory / "hindcast.csv", index=False)
    _write_json(directory / "validation.json", {
        "kind": "validation", "description": "Hindcast 2013-2016 (test fixture)", "seed": SEED, "scale": SCALE,
        "replicates": REPLICATES, "calibration_years": [2013, 2014], "abm_mape_2014_2019": 0.07,
        "known_misses": {"2015": {"data_usd_bn": 2.3, "why": "Test miss: a made-up reason"}},
        "targets": {"change_within_10pp": True}, "command": "run.py validate (test fixture)"})
    return directory


UNMARKED = {"run": write_run, "compare": write_compare, "sweep": write_sweep, "sensitivity": write_sensitivity,
            "validation": write_validation}


def _owned(kind, write):
    """``write``, then the ``.tajmig`` marker every command writes into its output directory."""
    def owned(directory: Path, *args, **kwargs) -> Path:
        written = write(directory, *args, **kwargs)
        write_marker(directory, kind)
        return written
    return owned


WRITERS = {kind: _owned(kind, write) for kind, write in UNMARKED.items()}
