"""Global sensitivity analysis: which parameters drive the key scalar outputs, with SALib's Sobol and Morris.

    from analysis import sensitivity, sweep
    plan = sensitivity.plan(scenario, "sobol", samples=64, parameter_names=["raid_intensity", "rub_per_usd"], ...)
    sweep.run(plan, "results/gsa")
    sensitivity.analyse("results/gsa", outputs=["peak_unemployment_rate"])

SALib's estimators read outputs by position and check almost nothing. Here:

- the Sobol base sample size ``N`` must be a power of 2 (``design.check_sobol_samples``);
- ``calc_second_order``, the bounds, ``N`` and the sample itself are read back from the results directory
  (``design.json``, ``sample.csv``), never from the command line of the analysis;
- each run's outputs are matched to its design row by run id (``manifest.csv``), never by the order runs finished;
- a missing run, a run not in the design, or a NaN output stops the analysis with an error naming the runs;
- the number of outputs must equal the number of design points the method and flags imply.

Replicates are averaged per design point before SALib sees them; ``noise.csv`` reports how much of the outputs'
variance is replicate noise. Indices are also computed through time (``indices_time.csv``) for the monthly series
behind each scalar output.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from analysis import design as designs
from analysis import scalars
from analysis.formatting import format_ids
from analysis.store import Store, fingerprint, write_csv
from analysis.sweep import Sweep, run_scalars
from sim.scenario import Scenario

METHODS = ("sobol", "morris")
RESAMPLES = 100      # bootstrap resamples for the confidence intervals
CONFIDENCE = 0.95


class SensitivityError(Exception):
    """The outputs cannot be analysed against the design; the message is one line."""


def plan(scenario: Scenario, method: str, samples: int, factors: list, *, replicates: int, seed: int, scale: float,
         months: int, engine: str = "fast", calc_second_order: bool = False,
         levels: int = designs.DEFAULT_MORRIS_LEVELS) -> Sweep:
    """The sweep of a sensitivity analysis. ``samples`` is Sobol's base N or the number of Morris trajectories."""
    if method == "sobol":
        design = designs.sobol(factors, samples, calc_second_order, seed)
    elif method == "morris":
        design = designs.morris(factors, samples, levels, seed)
    else:
        raise designs.DesignError(f"unknown method '{method}'; choose from {', '.join(METHODS)}")
    return Sweep("sensitivity", scenario, design, replicates=replicates, seed=seed, scale=scale, months=months,
                 engine=engine)


# ---------------------------------------------------------------------------------------------- guarded SALib

def _check_values(y: np.ndarray, expected: int, what: str) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1 or len(y) != expected:
        raise SensitivityError(f"{len(y) if y.ndim == 1 else y.shape} output values for {what}, which has {expected} "
                               f"points: the outputs do not belong to this design")
    bad = np.flatnonzero(~np.isfinite(y))
    if bad.size:
        raise SensitivityError(f"output is NaN or infinite at design points {format_ids(bad)}")
    return y


def sobol_indices(problem: dict, y, samples: int, calc_second_order: bool, seed: int | None = None) -> dict:
    """S1, ST (and S2 with ``calc_second_order``) with bootstrap CIs, for outputs ``y`` in design-row order."""
    from SALib.analyze import sobol

    designs.check_sobol_samples(samples)
    d = problem["num_vars"]
    expected = designs.sobol_points(samples, d, calc_second_order)
    y = _check_values(y, expected, f"a Sobol design with N={samples}, {d} parameters and "
                                   f"calc_second_order={calc_second_order}")
    if np.ptp(y) == 0:  # SALib would divide by a zero variance
        nan = np.full(d, np.nan)
        return {"S1": nan, "S1_conf": nan, "ST": nan, "ST_conf": nan, "constant": True,
                **({"S2": np.full((d, d), np.nan), "S2_conf": np.full((d, d), np.nan)} if calc_second_order else {})}
    result = sobol.analyze(problem, y, calc_second_order=calc_second_order, num_resamples=RESAMPLES,
                           conf_level=CONFIDENCE, print_to_console=False, seed=seed)
    return {**{k: np.asarray(v) for k, v in result.items() if k in ("S1", "S1_conf", "ST", "ST_conf", "S2",
                                                                       "S2_conf")}, "constant": False}


def morris_indices(problem: dict, x, y, trajectories: int, levels: int, seed: int | None = None) -> dict:
    """mu, mu_star (with its bootstrap CI) and sigma of the elementary effects, from the unrounded sample ``x``."""
    from SALib.analyze import morris

    d = problem["num_vars"]
    expected = designs.morris_points(trajectories, d)
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (expected, d):
        raise SensitivityError(f"the Morris sample has shape {x.shape}, but {trajectories} trajectories over {d} "
                               f"parameters need ({expected}, {d}): the sample does not belong to this design")
    y = _check_values(y, expected, f"a Morris design with {trajectories} trajectories and {d} parameters")
    if np.ptp(y) == 0:
        nan = np.full(d, np.nan)
        return {"mu": nan, "mu_star": nan, "mu_star_conf": nan, "sigma": nan, "constant": True}
    result = morris.analyze(problem, x, y, num_resamples=RESAMPLES, conf_level=CONFIDENCE, num_levels=levels,
                            print_to_console=False, seed=seed)
    return {**{k: np.asarray(result[k], dtype=np.float64) for k in ("mu", "mu_star", "mu_star_conf", "sigma")},
            "constant": False}


# ---------------------------------------------------------------------------------------------- from a store
def horizons(months: int) -> list[int]:
    """Months (1 = start month) at which time-resolved indices are computed: every twelfth month and the last
    for runs of two years or more, every third month and the last for shorter runs."""
    step = 12 if months >= 24 else 3
    chosen = list(range(step, months + 1, step))
    if not chosen or chosen[-1] != months:
        chosen.append(months)
    return chosen


def _checked_runs(store: Store, manifest: pd.DataFrame) -> None:
    """Every run of the design is in the store, and the store holds no run outside it."""
    done, problems = store.verify()
    if problems:
        raise SensitivityError(f"{problems[0][1]}; run the same command again to re-run its runs")
    done = set(done)
    expected = set(manifest["run_id"].tolist())
    missing = sorted(expected - done)
    if missing:
        raise SensitivityError(f"{store.directory}: {len(missing)} of the design's {len(expected)} runs have no "
                               f"results (run ids {format_ids(missing)}); run the same command again to finish them")
    strangers = sorted(done - expected)
    if strangers:
        raise SensitivityError(f"{store.directory}: results for run ids {format_ids(strangers)}, which are not in the "
                               f"design's manifest: the results do not belong to this design")


def _check_finite(table: pd.DataFrame, names) -> None:
    for name in names:
        bad = table.loc[~np.isfinite(table[name].to_numpy(dtype=np.float64)), "run_id"]
        if len(bad):
            raise SensitivityError(f"output {name} is NaN in {len(bad)} runs (run ids {format_ids(bad)}); "
                                   f"{scalars.BY_NAME[name].description}")


def _point_means(table: pd.DataFrame, columns, points: int) -> pd.DataFrame:
    means = table.groupby("point_id", sort=True)[list(columns)].mean()
    if not means.index.equals(pd.RangeIndex(points)):
        missing = sorted(set(range(points)) - set(means.index))
        raise SensitivityError(f"no runs for design points {format_ids(missing)}")
    return means


def noise(table: pd.DataFrame, names) -> pd.DataFrame:
    """Replicate noise of each output: the mean variance between replicates of a design point, as a share of the
    variance over all runs (``noise_share``), and that noise in the replicate means SALib analyses, as a share of
    the variance of those means (``noise_share_of_means``). NaN with a single replicate."""
    replicates = int(table.groupby("point_id").size().min())
    rows = []
    for name in names:
        total = table[name].var(ddof=1)
        within = table.groupby("point_id")[name].var(ddof=1).mean() if replicates > 1 else np.nan
        means = table.groupby("point_id")[name].mean().var(ddof=1)
        rows.append({
            "output": name, "unit": scalars.BY_NAME[name].unit, "replicates": replicates,
            "points": table["point_id"].nunique(), "total_variance": total, "within_point_variance": within,
            "noise_share": within / total if total > 0 else np.nan,
            "noise_share_of_means": (within / replicates) / means if means > 0 else np.nan,
        })
    return pd.DataFrame(rows)


def _analyser(design: dict, sample: np.ndarray):
    problem = {"num_vars": len(design["parameters"]), "names": [p["name"] for p in design["parameters"]],
               "bounds": [[p["sample_low"], p["sample_high"]] for p in design["parameters"]]}
    seed = int(design["seed"])
    if design["method"] == "sobol":
        return problem, lambda y: sobol_indices(problem, y, int(design["N"]), bool(design["calc_second_order"]),
                                                seed)
    if design["method"] == "morris":
        return problem, lambda y: morris_indices(problem, sample, y, int(design["N"]), int(design["levels"]), seed)
    raise SensitivityError(f"design method '{design['method']}' is not a sensitivity design")


def analyse(out, outputs=None) -> dict[str, pd.DataFrame]:
    """Compute and write ``indices.csv``, ``indices_time.csv``, ``noise.csv`` (and ``indices_second_order.csv``
    for Sobol with second-order indices) for the finished sensitivity sweep in ``out``."""
    out = Path(out)
    store = Store(out)
    design = store.design()
    if design is None or design.get("kind") != "sensitivity":
        raise SensitivityError(f"{out}: not a sensitivity results directory")
    months = int(design["months"])
    names = list(scalars.available(months) if outputs is None else outputs)
    sample_table = store.sample().sort_values("point_id")
    points = len(sample_table)
    if not sample_table["point_id"].to_numpy().tolist() == list(range(points)) or points != design["points"]:
        raise SensitivityError(f"{out}/sample.csv does not hold the design's {design['points']} points in order")
    sample = sample_table[[p["name"] for p in design["parameters"]]].to_numpy(dtype=np.float64)
    if fingerprint(design, sample) != design.get("fingerprint"):
        raise SensitivityError(f"{out}: design.json or sample.csv changed after the runs were made (their "
                               f"fingerprint no longer matches): the results do not belong to this design")
    problem, analyse_output = _analyser(design, sample)
    manifest = store.manifest()
    _checked_runs(store, manifest)
    table = run_scalars(out, names)
    _check_finite(table, names)
    means = _point_means(table, names, points)

    index_rows, second_rows, constant = [], [], []
    for name in names:
        result = analyse_output(means[name].to_numpy())
        if result["constant"]:
            constant.append(name)
        for j, parameter in enumerate(problem["names"]):
            row = {"output": name, "parameter": parameter}
            keys = ("S1", "S1_conf", "ST", "ST_conf") if design["method"] == "sobol" else \
                ("mu", "mu_star", "mu_star_conf", "sigma")
            row.update({k: float(result[k][j]) for k in keys})
            index_rows.append(row)
        if "S2" in result:
            for j, k in zip(*np.triu_indices(len(problem["names"]), 1), strict=True):
                second_rows.append({"output": name, "parameter": problem["names"][j],
                                    "other": problem["names"][k], "S2": float(result["S2"][j, k]),
                                    "S2_conf": float(result["S2_conf"][j, k])})
    indices = pd.DataFrame(index_rows)
    time_indices = _time_resolved(store, manifest, names, months, points, analyse_output, problem["names"],
                                  design["method"], design["start"])
    noise_table = noise(table, names)
    write_csv(out / "indices.csv", indices)
    write_csv(out / "indices_time.csv", time_indices)
    write_csv(out / "noise.csv", noise_table)
    results = {"indices": indices, "indices_time": time_indices, "noise": noise_table, "constant": constant}
    if second_rows:
        results["indices_second_order"] = pd.DataFrame(second_rows)
        write_csv(out / "indices_second_order.csv", results["indices_second_order"])
    store.update_design(outputs=names)
    return results


def _time_resolved(store, manifest, names, months, points, analyse_output, parameter_names, method, start):
    """Indices of each output's monthly series (``scalars.Scalar.series``) at ``horizons(months)``."""
    from sim.calendar import format_month, parse_month

    series_names = sorted({scalars.BY_NAME[n].series for n in names})
    runs = store.read_runs(columns=series_names)
    run_ids = runs["run_id"].to_numpy()[::months]
    point_of = manifest.set_index("run_id").loc[run_ids, "point_id"].to_numpy()
    keys = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    rows = []
    for series in series_names:
        values = runs[series].to_numpy(dtype=np.float64).reshape(len(run_ids), months)
        bad = run_ids[~np.isfinite(values).all(axis=1)]
        if bad.size:
            raise SensitivityError(f"monthly output {series} is NaN in runs {format_ids(bad)}")
        for month in horizons(months):
            frame = pd.DataFrame({"point_id": point_of, "value": values[:, month - 1]})
            y = _point_means(frame, ["value"], points)["value"].to_numpy()
            result = analyse_output(y)
            date = format_month(parse_month(start) + month - 1)
            for name in (n for n in names if scalars.BY_NAME[n].series == series):
                for j, parameter in enumerate(parameter_names):
                    rows.append({"output": name, "series": series, "month": month, "date": date,
                                 "parameter": parameter, **{k: float(result[k][j]) for k in keys}})
    return pd.DataFrame(rows)
