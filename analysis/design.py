"""Experimental designs over model parameters: a full grid, a Latin hypercube, and SALib's Sobol and Morris samples.

A design is a table of points (one row per combination of parameter values, numbered ``point_id`` from 0 in the
order the sampler produced them). Sensitivity analysis relies on that order: SALib's estimators read the outputs in
the sampler's row order, so results are always put back in ``point_id`` order before analysis, never in the order
runs finished.

Integer parameters (``integer=True`` in the registry) are sampled on ``[low - 0.5, high + 0.5]`` and rounded half
up, clipped to ``[low, high]``, so every whole value of the range gets the same share of the sample. The sample
matrix keeps the unrounded values (Morris's elementary effects are computed from it); ``points()`` gives the values
the model is run with.
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sim import parameters

METHODS = ("grid", "lhs", "sobol", "morris")
DEFAULT_MORRIS_LEVELS = 4
_DESIGN_STREAM = 0x5EED_DE51  # keeps the sampler's random numbers apart from the runs' seeds


class DesignError(ValueError):
    """A design that cannot be built; the message is one line."""


@dataclass(frozen=True)
class Factor:
    """A parameter a design varies, over ``low..high`` (both valid values of the parameter)."""

    name: str
    low: float
    high: float
    integer: bool = False

    @property
    def sample_low(self) -> float:
        return self.low - 0.5 if self.integer else self.low

    @property
    def sample_high(self) -> float:
        return self.high + 0.5 if self.integer else self.high

    def as_run(self, x: float) -> float:
        """The value the model runs with for a sampled ``x``: rounded for integer parameters, kept in range."""
        value = math.floor(x + 0.5) if self.integer else float(x)
        return parameters.check_value(self.name, min(max(value, self.low), self.high))

    def record(self) -> dict:
        return {"name": self.name, "low": self.low, "high": self.high, "integer": self.integer,
                "sample_low": self.sample_low, "sample_high": self.sample_high}


def factor(name: str, low: float | None = None, high: float | None = None) -> Factor:
    """A factor over the registry range of ``name``, or over ``low..high`` when given. Raises DesignError."""
    if name not in parameters.BY_NAME:
        raise DesignError(f"unknown parameter '{name}'{parameters.suggest(name, parameters.NAMES)}")
    p = parameters.BY_NAME[name]
    low = p.low if low is None else low
    high = p.high if high is None else high
    try:
        low, high = parameters.check_value(name, low), parameters.check_value(name, high)
    except ValueError as error:
        raise DesignError(str(error)) from None
    if not low < high:
        raise DesignError(f"{name}: the low bound {low:g} must be below the high bound {high:g}")
    return Factor(name, low, high, p.integer)


@dataclass(frozen=True)
class Design:
    method: str
    factors: tuple[Factor, ...]
    sample: np.ndarray                 # points x factors, as sampled (see the module docstring)
    settings: dict = field(default_factory=dict)  # what else defines the sample: N, calc_second_order, levels...

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.factors]

    def __len__(self) -> int:
        return len(self.sample)

    def points(self) -> pd.DataFrame:
        """``point_id`` and the value of each factor the model runs with."""
        table = {"point_id": np.arange(len(self.sample), dtype=np.int64)}
        for j, f in enumerate(self.factors):
            values = [f.as_run(x) for x in self.sample[:, j]]
            table[f.name] = np.array(values, dtype=np.int64 if f.integer else np.float64)
        return pd.DataFrame(table)

    def problem(self) -> dict:
        """SALib's problem dict, with the bounds the sample was drawn on."""
        return {"num_vars": len(self.factors), "names": self.names,
                "bounds": [[f.sample_low, f.sample_high] for f in self.factors]}

    def record(self) -> dict:
        return {"method": self.method, "parameters": [f.record() for f in self.factors], **self.settings,
                "points": len(self.sample)}


def _sampler_seed(seed: int) -> int:
    return int(np.random.SeedSequence([_DESIGN_STREAM, int(seed)]).generate_state(1, dtype=np.uint32)[0])


def grid(axes: list[tuple[Factor, int]]) -> Design:
    """Every combination of ``steps`` evenly spaced values of each factor, the last factor varying fastest.
    Integer factors keep their distinct rounded values only."""
    if not axes:
        raise DesignError("a grid needs at least one parameter")
    names = [f.name for f, _ in axes]
    if len(set(names)) != len(names):
        raise DesignError(f"a parameter is varied twice: {', '.join(names)}")
    levels = []
    for f, steps in axes:
        if steps < 2:
            raise DesignError(f"{f.name}: a grid axis needs at least 2 steps, got {steps}")
        # 12 significant digits: 0.08, not linspace's 0.07999999999999999, for the values users read back
        values = np.array([float(f"{x:.12g}") for x in np.linspace(f.low, f.high, steps)])
        if f.integer:
            values = np.unique([f.as_run(x) for x in values])
        levels.append(values)
    mesh = np.meshgrid(*levels, indexing="ij")
    sample = np.column_stack([m.ravel() for m in mesh]).astype(np.float64)
    return Design("grid", tuple(f for f, _ in axes), sample,
                  {"steps": {f.name: len(v) for (f, _), v in zip(axes, levels, strict=True)}})


def _check_distinct(factors):
    names = [f.name for f in factors]
    if not names:
        raise DesignError("no parameters to vary")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DesignError(f"parameter listed twice: {', '.join(repeated)}")


def latin_hypercube(factors: list[Factor], n: int, seed: int) -> Design:
    """``n`` points, one in each of ``n`` equal slices of every factor's range (scipy's LatinHypercube)."""
    from scipy.stats import qmc

    _check_distinct(factors)
    if n < 2:
        raise DesignError(f"a Latin hypercube needs at least 2 points, got {n}")
    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(_sampler_seed(seed))).random(n)
    sample = qmc.scale(unit, [f.sample_low for f in factors], [f.sample_high for f in factors])
    return Design("lhs", tuple(factors), sample, {"N": n})


def nearest_powers_of_two(n: int) -> list[int]:
    """The power(s) of two closest to ``n`` (two when ``n`` sits half-way)."""
    below = 1 << max(n.bit_length() - 1, 0)
    above = below * 2
    if n - below == above - n:
        return [below, above]
    return [below if n - below < above - n else above]


def check_sobol_samples(n: int) -> None:
    if n < 2 or n & (n - 1):
        suggestion = " or ".join(str(p) for p in nearest_powers_of_two(max(n, 2)))
        # Saltelli's scheme keeps the Sobol' sequence's balance (its convergence guarantees) only at powers of 2.
        raise DesignError(f"Sobol sampling needs N to be a power of 2 of at least 2, got {n}; the nearest is "
                          f"{suggestion}")


def sobol_points(n: int, factors: int, calc_second_order: bool) -> int:
    """Number of design points of a Saltelli sample: N (2D + 2) with second-order indices, N (D + 2) without."""
    return n * (2 * factors + 2 if calc_second_order else factors + 2)


def morris_points(trajectories: int, factors: int) -> int:
    return trajectories * (factors + 1)


def sobol(factors: list[Factor], n: int, calc_second_order: bool, seed: int) -> Design:
    """SALib's Saltelli sample (scrambled Sobol' sequence) for Sobol indices from ``n`` base samples."""
    from SALib.sample import sobol as sobol_sample

    _check_distinct(factors)
    check_sobol_samples(n)
    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[f.sample_low, f.sample_high] for f in factors]}
    sample = sobol_sample.sample(problem, n, calc_second_order=calc_second_order, scramble=True,
                                 seed=_sampler_seed(seed))
    return Design("sobol", tuple(factors), np.asarray(sample, dtype=np.float64),
                  {"N": n, "calc_second_order": bool(calc_second_order)})


def morris(factors: list[Factor], trajectories: int, levels: int, seed: int) -> Design:
    """SALib's Morris sample: ``trajectories`` one-at-a-time paths over a ``levels``-level grid."""
    from SALib.sample import morris as morris_sample

    _check_distinct(factors)
    if trajectories < 2:
        raise DesignError(f"Morris needs at least 2 trajectories, got {trajectories}")
    if levels < 2 or levels % 2:
        raise DesignError(f"Morris needs an even number of levels (at least 2), got {levels}")
    problem = {"num_vars": len(factors), "names": [f.name for f in factors],
               "bounds": [[f.sample_low, f.sample_high] for f in factors]}
    sample = morris_sample.sample(problem, trajectories, num_levels=levels, seed=_sampler_seed(seed))
    return Design("morris", tuple(factors), np.asarray(sample, dtype=np.float64),
                  {"N": trajectories, "levels": levels})
