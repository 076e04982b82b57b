"""The key scalar outputs of a run, defined once: sweeps summarise them, sensitivity analysis explains them.

Each scalar reduces one monthly output (its ``series``, a column of ``sim.outputs``) of one run to one number.
Month 1 is the scenario's start month (the first reported month, after the model's unreported spin-up).

``values(series, name)`` computes a scalar for many runs at once from a ``runs x months`` array of its series;
``of_run(frame)`` computes every scalar a run's length allows from one run's monthly table
(``MigrationModel.results()``). A scalar is NaN when it is undefined for a run (for example a change against a
start month with no remittances); sensitivity analysis refuses NaN and names the runs.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Scalar:
    name: str
    unit: str
    series: str       # the monthly output in sim.outputs it is computed from
    min_months: int   # shortest run for which it is defined
    description: str  # exactly how it is computed


def _remittance_change_12m(x):
    with np.errstate(divide="ignore", invalid="ignore"):
        change = 100.0 * (x[:, 12] / x[:, 0] - 1.0)
    change[~np.isfinite(change)] = np.nan
    return change


SCALARS: tuple[Scalar, ...] = (
    Scalar("remittance_change_12m_pct", "% change", "remittances_usd", 13,
           "Remittances received in month 13 (twelve months after the start) against those of month 1, in percent: "
           "100 * (R13 / R1 - 1). Both months are the same calendar month, so the seasonal cycle cancels. "
           "NaN when month 1 has no remittances."),
    Scalar("peak_unemployment_rate", "share", "unemployment_rate", 1,
           "Highest monthly unemployment rate at home over the run (months 1 to the horizon)."),
    Scalar("exposed_mean_per_100k", "per 100,000", "exposed_any_per_100k", 1,
           "Young men exposed to at least one risk condition per 100,000 young men, averaged over the months of "
           "the run (months 1 to the horizon)."),
    Scalar("deportations_per_year", "persons/year", "deportations", 1,
           "Expulsions from Russia summed over the run and annualised: sum(deportations) * 12 / months."),
    Scalar("migrants_abroad_at_horizon", "persons", "migrants_abroad", 1,
           "Migrants abroad, all destinations, at the end of the last month of the run."),
    Scalar("remittances_final_12m_usd_bn", "USD bn", "remittances_usd", 12,
           "Remittances received over the last twelve months of the run, in billions of US dollars."),
)
NAMES: tuple[str, ...] = tuple(s.name for s in SCALARS)
BY_NAME = {s.name: s for s in SCALARS}

_COMPUTE = {
    "remittance_change_12m_pct": _remittance_change_12m,
    "peak_unemployment_rate": lambda x: x.max(axis=1),
    "exposed_mean_per_100k": lambda x: x.mean(axis=1),
    "deportations_per_year": lambda x: x.sum(axis=1) * 12.0 / x.shape[1],
    "migrants_abroad_at_horizon": lambda x: x[:, -1].copy(),
    "remittances_final_12m_usd_bn": lambda x: x[:, -12:].sum(axis=1) / 1e9,
}


def available(months: int) -> tuple[str, ...]:
    """The scalars defined for runs of ``months`` months."""
    return tuple(s.name for s in SCALARS if months >= s.min_months)


def values(series: np.ndarray, name: str) -> np.ndarray:
    """Scalar ``name`` for each row of ``series`` (``runs x months``, the scalar's series, months in order)."""
    scalar = BY_NAME[name]
    series = np.asarray(series, dtype=np.float64)
    if series.ndim != 2 or series.shape[1] < scalar.min_months:
        raise ValueError(f"{name} needs at least {scalar.min_months} months, got an array of shape {series.shape}")
    return _COMPUTE[name](series)


def of_run(frame: pd.DataFrame, names=None) -> dict[str, float]:
    """Every scalar (or those in ``names``) of one run's monthly table, months in date order."""
    names = available(len(frame)) if names is None else names
    return {name: float(values(frame[BY_NAME[name].series].to_numpy()[None, :], name)[0]) for name in names}
