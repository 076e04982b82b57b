"""Calibration by the simulated method of moments, under common random numbers.

The free behavioural parameters (``FREE``) are fitted to data from 2013 and before only (``TARGETS``), by running the
historical scenario from 2010-01 to 2013-12 at reduced scale with the same seeds for every candidate (so the
objective is a smooth function of the parameters, not of the noise) and minimising

    sum over targets of (distance outside the data's low-high band / tolerance)^2
    + sum over parameters of ((value - prior) / prior spread)^2

with scipy's Nelder-Mead on a bounded (logistic) transform of the parameters. The prior term keeps weakly
identified parameters (the network pull, for example) near their literature values instead of wandering.

No remittance, stock or flow figure from 2014 or later is a target; those years are kept for the hindcast
(``analysis.validation``). Seasonality has no pre-2014 monthly data and stays assumed.
"""

import datetime
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import optimize
from tqdm import tqdm

from analysis import ensemble, provenance
from analysis.backends import borrowed
from sim import parameters
from sim.country import CALIBRATED_DIR
from sim.scenario import Scenario

DATA = Path(__file__).resolve().parent / "data"
# The historical scenario that both calibration and the hindcast run.
HISTORY_SCENARIO = Path("scenarios/history_2010_2024.toml")
LAST_TARGET_YEAR = 2013


@dataclass(frozen=True)
class Target:
    name: str
    year: int
    value: float
    low: float
    high: float
    source: str

    def distance(self, simulated: float) -> float:
        """How far outside the band, in units of a tolerance of half the band (at least 5% of the value)."""
        tolerance = max(self.high - self.low, 0.1 * self.value) / 2
        if self.low <= simulated <= self.high:
            return 0.0
        edge = self.low if simulated < self.low else self.high
        return (simulated - edge) / tolerance


@dataclass(frozen=True)
class Free:
    name: str
    low: float
    high: float
    prior_sd: float


# The behavioural parameters without a direct empirical anchor: departure and return propensities, the remittance
# propensity, the network pull and the efficiency of home job matching. Their priors are the registry defaults;
# the spreads say how far the data may move them before the prior pushes back.
FREE = (
    Free("departure_asc_russia", -7.0, -2.0, 1.0),
    Free("return_base_prob", 0.005, 0.06, 0.01),
    Free("remit_share_base", 0.3, 0.95, 0.15),
    Free("departure_network_coef", 0.3, 3.5, 0.75),
    Free("departure_earnings_coef", 0.05, 0.8, 0.15),
    Free("matching_efficiency", 0.05, 0.6, 0.1),
)


def targets() -> list[Target]:
    """Data moments up to 2013, from ``analysis/data`` (every figure with its source)."""
    annual = pd.read_csv(DATA / "tajikistan_annual.csv")
    out = []
    for row in annual.itertuples():
        if 2010 <= row.year <= LAST_TARGET_YEAR:
            out.append(Target("remittances_usd_bn", int(row.year), row.remit_usd_bn, row.remit_usd_bn_low,
                              row.remit_usd_bn_high, "World Bank/KNOMAD (tajikistan_annual.csv)"))
    # facts.md: 1.03M abroad in 2011 (Tajik Migration Service); 735,031 left and 572,728 returned in 2011 (Tajik
    # Labour Ministry). Single sources, so a +-10% band.
    out.append(Target("migrants_abroad", 2011, 1.03e6, 0.93e6, 1.13e6, "Tajik Migration Service 2011 (facts.md)"))
    out.append(Target("departures", 2011, 735_031, 661_500, 808_500, "Tajik Labour Ministry 2011 (facts.md)"))
    out.append(Target("returns_voluntary", 2011, 572_728, 515_500, 630_000, "Tajik Labour Ministry 2011 (facts.md)"))
    # facts.md: ILO-definition unemployment 11.5% (2009 LFS) and about 11% (2013, World Bank).
    out.append(Target("unemployment_rate", 2013, 0.11, 0.095, 0.125, "World Bank 2013; 2009 LFS 11.5% (facts.md)"))
    assert all(t.year <= LAST_TARGET_YEAR for t in out)
    return out


def moments(frame: pd.DataFrame) -> dict[tuple[str, int], float]:
    """The simulated counterparts of the targets from one run's monthly results."""
    years = frame["date"].str[:4].astype(int)
    out = {}
    for year, group in frame.groupby(years):
        out[("remittances_usd_bn", year)] = group.remittances_usd.sum() / 1e9
        out[("migrants_abroad", year)] = group.migrants_abroad.mean()
        out[("departures", year)] = group.departures.sum()
        out[("returns_voluntary", year)] = group.returns_voluntary.sum()
        out[("unemployment_rate", year)] = group.unemployment_rate.mean()
    return out


def _to_values(z: np.ndarray) -> dict[str, float]:
    return {f.name: f.low + (f.high - f.low) / (1 + math.exp(-x)) for f, x in zip(FREE, z, strict=True)}


def _to_z(values: dict[str, float]) -> np.ndarray:
    z = []
    for f in FREE:
        share = min(max((values[f.name] - f.low) / (f.high - f.low), 1e-6), 1 - 1e-6)
        z.append(math.log(share / (1 - share)))
    return np.array(z)


def priors() -> dict[str, float]:
    return {f.name: parameters.BY_NAME[f.name].default for f in FREE}


class Objective:
    """The loss of a candidate's values; its replicates run on ``backend`` (``analysis.backends``)."""

    def __init__(self, scenario: Scenario, scale: float, replicates: int, seed: int, backend,
                 prior_weight: float = 1.0):
        self.scenario, self.scale, self.replicates, self.seed = scenario, scale, replicates, seed
        self.backend = backend
        self.targets = targets()
        self.months = (LAST_TARGET_YEAR + 1) * 12 - int(scenario.start[:4]) * 12 - (int(scenario.start[5:]) - 1)
        self.prior_weight = prior_weight
        self.priors = priors()
        self.evaluations = 0
        self.best = (math.inf, None, None)

    def simulate(self, values: dict[str, float]) -> dict[tuple[str, int], float]:
        series = ensemble.run(self.scenario, self.replicates, self.seed, self.scale, self.months, overrides=values,
                              description=None, backend=self.backend, calibrated=False)
        runs = [moments(frame) for _, frame in series.groupby("replicate", sort=True)]
        return {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}

    def __call__(self, z: np.ndarray) -> float:
        values = _to_values(z)
        simulated = self.simulate(values)
        misfit = sum(t.distance(simulated[(t.name, t.year)]) ** 2 for t in self.targets)
        prior = sum(((values[f.name] - self.priors[f.name]) / f.prior_sd) ** 2 for f in FREE)
        loss = misfit + self.prior_weight * prior
        self.evaluations += 1
        if loss < self.best[0]:
            self.best = (loss, values, simulated)
        return loss


def calibrate(scenario: Scenario, budget: int = 150, scale: float = 200, replicates: int = 3, seed: int = 2013,
              progress: bool = True, workers: int | None = 1, dask: str | None = None, backend=None) -> dict:
    """Fit ``FREE`` to ``targets()``; returns a record with the estimates and the fit statistics. Each
    evaluation's replicates run in parallel on ``backend`` if given, else on ``open_backend(dask, workers)``; the
    fit does not depend on where they run."""
    with borrowed(backend, dask, workers) as backend:
        return _calibrate(Objective(scenario, scale, replicates, seed, backend), budget, progress)


def _calibrate(objective: Objective, budget: int, progress: bool) -> dict:
    scenario = objective.scenario
    start = _to_z(objective.priors)
    bar = tqdm(total=budget, desc="calibrating", unit="eval", disable=not progress)

    def tracked(z):
        loss = objective(z)
        bar.update()
        bar.set_postfix(best=f"{objective.best[0]:.3f}")
        return loss

    initial = 0.5 * np.eye(len(FREE)) + start
    result = optimize.minimize(tracked, start, method="Nelder-Mead",
                               options={"maxfev": budget, "initial_simplex": np.vstack([start, initial]),
                                        "xatol": 1e-3, "fatol": 1e-4})
    bar.close()
    loss, values, simulated = objective.best
    fit = []
    for t in objective.targets:
        value = simulated[(t.name, t.year)]
        fit.append({"target": t.name, "year": t.year, "data": t.value, "low": t.low, "high": t.high,
                    "simulated": value, "within_band": bool(t.low <= value <= t.high), "source": t.source})
    return {
        "country": scenario.country, "scenario": scenario.name,
        "date": datetime.date.today().isoformat(), "method": "simulated method of moments, Nelder-Mead, CRN",
        "scale": objective.scale, "replicates": objective.replicates, "budget": budget,
        "evaluations": objective.evaluations, "objective": loss, "converged": bool(result.success),
        "target_years": sorted({t.year for t in objective.targets}), "parameters": values,
        "priors": objective.priors, "fit": fit,
        # parameters_sha256 is of the estimates: the values this file adds to the model.
        "provenance": provenance.stamp(scenario, seed=objective.seed, parameters=values),
    }


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))  # a TOML basic string: JSON's escapes are TOML's


SIGNATURE = "Written by `python run.py calibrate`"  # the first line of a parameter file, which marks it as ours


def write(record: dict, path: Path | None = None) -> Path:
    """The calibrated parameter file that the model loads by default for this country."""
    path = Path(path or CALIBRATED_DIR / f"{record['country']}.toml")
    lines = [
        f"# {SIGNATURE} on {record['date']}. Do not edit by hand: re-run the command.",
        "# Estimates of the free behavioural parameters from data up to 2013 only (analysis/calibration.py).",
        "",
        "[calibration]",
        f'date = "{record["date"]}"',
        f'method = "{record["method"]}"',
        f'scenario = "{record["scenario"]}"',
        f"scale = {record['scale']:g}",
        f"replicates = {record['replicates']}",
        f"budget = {record['budget']}",
        f"evaluations = {record['evaluations']}",
        f"objective = {record['objective']:.6g}",
        f"converged = {str(record['converged']).lower()}",
        f"target_years = {record['target_years']}",
        *(f"{key} = {_toml_value(value)}" for key, value in record["provenance"].items() if value is not None),
        "",
        "[parameters]",
    ]
    for name, value in record["parameters"].items():
        lines.append(f"{name} = {value:.6g}  # prior {record['priors'][name]:g}")
    lines.append("")
    for row in record["fit"]:
        lines += ["[[fit]]", f'target = "{row["target"]}"', f"year = {row['year']}", f"data = {row['data']:.6g}",
                  f"low = {row['low']:.6g}", f"high = {row['high']:.6g}", f"simulated = {row['simulated']:.6g}",
                  f"within_band = {str(row['within_band']).lower()}", f'source = "{row["source"]}"', ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".toml.partial")
    staging.write_text("\n".join(lines))
    staging.replace(path)
    return path
