"""Ensembles: a scenario run with many replicates, and the statistics over replicates that every report uses.

    from sim import scenario
    from analysis import ensemble
    s = scenario.load("scenarios/baseline.toml")
    series = ensemble.run(s, replicates=10, seed=1, scale=50)      # one row per replicate and month
    ensemble.summarise(series)                                     # per metric: median, p05, p95, mean and its CI
    ensemble.bands(series)                                         # the same statistics for every month

Replicate ``i`` runs with ``analysis.runner.replicate_seed(seed, i)`` whatever the scenario, so ensembles of two
scenarios under the same ``seed`` are paired by common random numbers (``analysis.compare``).

Statistics: ``median``, ``p05`` and ``p95`` are percentiles over replicates (linear interpolation); ``mean_ci_low``
and ``mean_ci_high`` are the 95 % confidence interval of the mean from Student's t with ``n - 1`` degrees of
freedom, which describes the Monte Carlo uncertainty of the ensemble mean, not the spread of outcomes. With a single
replicate the interval is undefined (NaN).
"""

import inspect
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats
from tqdm import tqdm

from analysis import provenance
from analysis.backends import RunError, borrowed
from analysis.formatting import format_value
from analysis.runner import SetupError, replicate_seed, simulate
from sim import country, outputs
from sim.calendar import format_month, fractional_year, parse_month
from sim.scenario import Scenario, base_values, horizon_end

STATISTICS = ("median", "p05", "p95", "mean", "mean_ci_low", "mean_ci_high")
ID_COLUMNS = ("replicate", "seed", "date")
# The rows a printed summary shows; the CSV files hold every output.
KEY_METRICS = ("migrants_abroad", "migrants_irregular", "departures", "returns_voluntary", "deportations",
               "entry_refusals", "banned_stock", "register_stock", "remittances_usd", "remittances_pct_gdp",
               "household_poverty_rate", "unemployment_rate", "youth_unemployment_rate",
               "returnee_unemployment_rate", "exposed_any_per_100k")


def initial_agents(scenario: Scenario, scale: float) -> int:
    """How many agents the model starts with at ``scale``: the resident labour force plus the migrants abroad when
    the spin-up begins, counted as ``sim.population.synthesise`` counts them. Lets commands refuse a scale that is
    too coarse before any process starts."""
    from sim.model import MigrationModel

    spinup = inspect.signature(MigrationModel).parameters["spinup_months"].default
    profile = country.load(scenario.country)
    year = fractional_year(parse_month(scenario.start) - spinup)
    return max(1, round(profile.at("labour_force_home", year) / scale)) + \
        max(1, round(profile.at("migrant_stock", year) / scale))


def run_many(scenarios, replicates: int, seed: int, scale: float, months: int | None = None, engine: str = "fast",
             workers: int | None = 1, overrides: dict | None = None, study_seeds: dict | None = None,
             description: str | None = "replicates", *, dask: str | None = None, backend=None,
             calibrated: bool = True, draws: list[dict] | None = None) -> dict[str, pd.DataFrame]:
    """Run every scenario ``replicates`` times through one backend; return ``{scenario name: timeseries}``.

    Every scenario uses the study ``seed`` (common random numbers) unless ``study_seeds`` gives a scenario its
    own, which is only useful to measure what common random numbers buy. ``months`` defaults to each scenario's
    own horizon. The runs go to ``backend`` if given (left open), else to ``open_backend(dask, workers)``;
    ``description`` labels the progress bar (None: no bar). ``draws``: posterior parameter sets
    (``analysis.posterior``); replicate ``i`` of every scenario runs ``draws[i % len(draws)]`` for the parameters the
    scenario does not set itself, then ``overrides``. Raises ``SetupError`` if the model refuses its set-up
    and ``analysis.backends.RunError`` if a run fails otherwise."""
    tasks = []
    for s in scenarios:
        study = (study_seeds or {}).get(s.name, seed)
        for i in range(replicates):
            values = overrides
            if draws:
                draw = {k: v for k, v in draws[i % len(draws)].items() if k not in s.parameters}
                values = {**draw, **(overrides or {})}
            tasks.append(((s.name, i), (s, replicate_seed(study, i), scale, months or s.months, engine, values,
                                        calibrated)))
    seeds = {task_id: args[1] for task_id, args in tasks}
    frames: dict = {}
    seconds: dict = {}
    with borrowed(backend, dask, workers) as executor:
        finished = tqdm(executor.map(simulate, (), tasks), total=len(tasks), desc=description, unit="run",
                        disable=description is None, leave=False)
        try:
            for (name, i), result in finished:
                frames[(name, i)] = result.frame()
                seconds[name] = seconds.get(name, 0.0) + result.seconds
        except RunError as error:
            if isinstance(error.error, SetupError):
                raise error.error from None
            raise
        finally:
            finished.close()
    result = {}
    for s in scenarios:
        parts = []
        for i in range(replicates):
            frame = frames[(s.name, i)]
            frame.insert(0, "seed", seeds[(s.name, i)])
            frame.insert(0, "replicate", i)
            parts.append(frame)
        series = pd.concat(parts, ignore_index=True)[[*ID_COLUMNS, *outputs.NAMES]]
        series.attrs["compute_time_s"] = seconds[s.name]  # summed over replicates, whatever the workers
        result[s.name] = series
    return result


def run(scenario: Scenario, replicates: int, seed: int, scale: float, months: int | None = None,
        engine: str = "fast", workers: int | None = 1, overrides: dict | None = None,
        description: str | None = "replicates", **executor) -> pd.DataFrame:
    """The timeseries of one scenario: columns ``replicate, seed, date`` and every output, one row per replicate
    and month, sorted by replicate then date. ``executor``: ``dask``, ``backend`` or ``calibrated`` as in
    ``run_many``."""
    return run_many([scenario], replicates, seed, scale, months, engine, workers, overrides,
                    description=description, **executor)[scenario.name]


def describe(values) -> dict[str, float]:
    """Median, 5th and 95th percentiles, mean and the 95 % t confidence interval of the mean."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        return dict.fromkeys(STATISTICS, np.nan)
    mean = float(values.mean())
    if n > 1:
        half = float(stats.t.ppf(0.975, n - 1) * values.std(ddof=1) / np.sqrt(n))
    else:
        half = np.nan
    p05, median, p95 = np.percentile(values, [5, 50, 95])
    return {"median": float(median), "p05": float(p05), "p95": float(p95), "mean": mean,
            "mean_ci_low": mean - half, "mean_ci_high": mean + half}


def month_dates(timeseries: pd.DataFrame) -> list[str]:
    return sorted(timeseries["date"].unique())


def summarise(timeseries: pd.DataFrame, metrics=outputs.NAMES, at_month: int = 12) -> pd.DataFrame:
    """One row per metric: the statistics over replicates at the horizon (last month), the same prefixed ``m12_``
    at month ``at_month`` (NaN if the run is shorter), the mean in the first month (``start_mean``), the mean
    change from the first month to the horizon (``change_from_start_mean``) and the change from the same month a
    year earlier to the horizon, paired by replicate (``change_12m_mean`` with its 95 % CI; NaN if the run is
    shorter than 13 months), which the seasonal cycle does not bias."""
    dates = month_dates(timeseries)
    first, last = dates[0], dates[-1]
    twelfth = dates[at_month - 1] if len(dates) >= at_month else None
    year_earlier = dates[-13] if len(dates) >= 13 else None
    by_date = {d: frame.sort_values("replicate") for d, frame in timeseries.groupby("date")}
    rows = []
    for metric in metrics:
        row = {"metric": metric, "unit": outputs.BY_NAME[metric].unit if metric in outputs.BY_NAME else ""}
        row.update(describe(by_date[last][metric]))
        at12 = describe(by_date[twelfth][metric]) if twelfth else dict.fromkeys(STATISTICS, np.nan)
        row.update({f"m{at_month}_{k}": v for k, v in at12.items()})
        start = by_date[first][metric].to_numpy(dtype=float)
        row["start_mean"] = float(start.mean())
        row["change_from_start_mean"] = float((by_date[last][metric].to_numpy(dtype=float) - start).mean())
        if year_earlier:
            change = describe(by_date[last][metric].to_numpy(dtype=float) -
                              by_date[year_earlier][metric].to_numpy(dtype=float))
        else:
            change = dict.fromkeys(STATISTICS, np.nan)
        row.update({"change_12m_mean": change["mean"], "change_12m_ci_low": change["mean_ci_low"],
                    "change_12m_ci_high": change["mean_ci_high"]})
        rows.append(row)
    return pd.DataFrame(rows)


def bands(timeseries: pd.DataFrame, metrics=outputs.NAMES) -> pd.DataFrame:
    """The statistics over replicates for every month: columns ``date, metric`` and ``STATISTICS``."""
    rows = []
    for date, frame in timeseries.groupby("date", sort=True):
        for metric in metrics:
            rows.append({"date": date, "metric": metric, **describe(frame[metric])})
    return pd.DataFrame(rows, columns=["date", "metric", *STATISTICS])


def patent_free_from(scenario: Scenario) -> str | None:
    """The month from which the scenario's country needs no patent ("YYYY-MM"), or None: always needs one."""
    month = scenario.patent_free_month()
    return None if month is None else format_month(month)


def manifest(scenario: Scenario, *, replicates: int, seed: int, scale: float, months: int, engine: str,
             workers: int, overrides: dict | None = None) -> dict:
    """The provenance of a run (``run.json`` without timing)."""
    values = base_values(scenario.country, {**scenario.parameters, **(overrides or {})})
    return {
        "kind": "run",
        "scenario": scenario.name,
        "description": scenario.description,
        "scenario_path": scenario.path,
        "scenario_text": scenario.text,
        "data_files": [{"path": p, "sha256": h} for p, h in scenario.data_files],
        "country": scenario.country,
        "patent_free_from": patent_free_from(scenario),
        "start": scenario.start,
        "end": horizon_end(scenario, months),
        "months": months,
        "parameters": values,
        "overrides": dict(overrides or {}),
        "shocks": [s.as_dict() for s in scenario.shocks],
        "replicates": replicates,
        "seeds": [replicate_seed(seed, i) for i in range(replicates)],
        "scale": scale,
        "engine": engine,
        "workers": workers,
        **provenance.stamp(scenario, seed=seed, parameters=values),
        "outputs": [{"name": o.name, "unit": o.unit, "description": o.description} for o in outputs.OUTPUTS],
        "starting_state": STARTING_STATE,
    }


# What is anchored to data, and when (docs/ODD.md §5): said in every run.json because the baseline's levels are
# then outcomes, not imposed.
STARTING_STATE = (
    "Anchored to data once, when the population is built at the first spin-up month: the profile's resident "
    "labour force, migrant stock, households and banned stock, and unemployment at home at "
    "initial_unemployment_rate (the wage-job capacity is set so that hires balance separations there). From then "
    "on, through the unreported spin-up and the reported months, nothing is steered toward a target: job capacity "
    "moves only with real output and remittance-financed demand, and poverty is measured against the national "
    "line indexed to prices.")


def write(directory, series: pd.DataFrame, summary: pd.DataFrame, run_manifest: dict):
    """Write a run directory: ``timeseries.csv``, ``summary.csv`` and ``run.json`` (NaN becomes null)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    series.to_csv(directory / "timeseries.csv", index=False)
    summary.to_csv(directory / "summary.csv", index=False)
    write_json(directory / "run.json", run_manifest)


def write_json(path, data: dict):
    Path(path).write_text(json.dumps(_finite(data), indent=2) + "\n", encoding="utf-8")


def _finite(value):
    """JSON has no NaN or infinity: they become null."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, np.generic):
        return _finite(value.item())
    return value


def summary_text(summary: pd.DataFrame, horizon_date: str, m12_date: str | None,
                 metrics=KEY_METRICS) -> str:
    """A fixed-width table of the key metrics: start, month 12 (unless it is the horizon, or there is none) and
    horizon medians with their 5-95 % bands."""
    def band(row, prefix):
        unit = row["unit"]
        return (f"{format_value(row[prefix + 'median'], unit)} "
                f"[{format_value(row[prefix + 'p05'], unit)}, {format_value(row[prefix + 'p95'], unit)}]")

    rows = summary.set_index("metric")
    show_m12 = m12_date is not None and m12_date != horizon_date
    header = (f"{'metric':28} {'unit':14} {'start':>9}  "
              + (f"{m12_date + ' median [p05, p95]':>33}  " if show_m12 else "")
              + f"{horizon_date + ' median [p05, p95]':>33}")
    lines = [header, "-" * len(header)]
    for metric in metrics:
        if metric not in rows.index:
            continue
        row = rows.loc[metric]
        unit = row["unit"]
        short_unit = unit.split(" (")[0][:14]
        lines.append(f"{metric:28} {short_unit:14} {format_value(row['start_mean'], unit):>9}  "
                     + (f"{band(row, 'm12_'):>33}  " if show_m12 else "") + f"{band(row, ''):>33}")
    return "\n".join(lines)
