"""One run of a scenario: the single function through which every command runs the model.

    from analysis import runner
    result = runner.simulate(scenario, seed=runner.replicate_seed(1, 0), scale=100, months=24,
                             overrides={"raid_intensity": 0.1})
    result.values      # months x len(sim.outputs.NAMES) float64, the outputs in sim.outputs order
    result.frame()     # the same as a DataFrame: date and every output (as MigrationModel.results())

``run``, ``compare``, ``validate``, ``calibrate``, ``sweep`` and ``sensitivity`` all reach the model through
``simulate``, in this process or on a worker of ``analysis.backends``. Its result depends only on its arguments, so
a run is the same wherever it runs. ``model_version`` (``analysis.provenance``) hashes this file with the model.

Replicate ``i`` of a study with seed ``S`` runs with seed ``replicate_seed(S, i)``, whatever the scenario or design
point, so two scenarios (or two points of a sweep) under the same ``S`` use common random numbers replicate by
replicate.
"""

import time
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim import outputs
from sim.calendar import format_month, parse_month
from sim.scenario import Scenario


def replicate_seed(seed: int, replicate: int) -> int:
    return int(np.random.SeedSequence([int(seed), int(replicate)]).generate_state(1, dtype=np.uint64)[0] >> 1)


def dates(start: str, months: int) -> list[str]:
    """The ``YYYY-MM`` of each month of a run starting in ``start``."""
    first = parse_month(start)
    return [format_month(first + i) for i in range(months)]


class SetupError(ValueError):
    """The model refused its set-up (for example a scale that leaves too few agents): bad input, not a bug."""


@dataclass(frozen=True)
class RunResult:
    """The monthly outputs of one run, and the seconds it took."""

    values: np.ndarray    # months x len(sim.outputs.NAMES), float64
    start: str            # the first month, YYYY-MM
    seconds: float        # the whole run, set-up included
    setup_seconds: float  # building the model: the population and the spin-up

    def frame(self) -> pd.DataFrame:
        """``date`` and every output, one row per month: the values of ``MigrationModel.results()``."""
        frame = pd.DataFrame(self.values, columns=list(outputs.NAMES))
        frame.insert(0, "date", dates(self.start, len(self.values)))
        return frame


def simulate(scenario: Scenario, seed: int, scale: float, months: int | None = None, engine: str = "fast",
             overrides: dict | None = None, calibrated: bool = True) -> RunResult:
    """Run ``scenario`` once for ``months`` (default: its own) at ``scale`` persons per agent, with ``overrides``
    over its parameters (shocks still apply on top). ``calibrated=False`` starts from the registry defaults instead
    of the country's calibrated estimates (calibration does). Raises ``SetupError`` if the model refuses the
    set-up; module-level so worker processes can import it."""
    months = months or scenario.months
    began = time.perf_counter()
    try:
        model = scenario.model(scale=scale, rng=seed, engine=engine, months=months, calibrated=calibrated,
                               **(overrides or {}))
    except ValueError as error:
        raise SetupError(str(error)) from None
    built = time.perf_counter()
    model.run_for(months)
    # The collector's columns straight into an array: the float64 values of ``model.results()``
    # (tests/test_runner.py checks it), without building a DataFrame, which costs ~10 % of a 12-month run at 1:100.
    collected = model.datacollector.model_vars
    values = np.array([collected[name] for name in outputs.NAMES], dtype=np.float64).T.copy()
    return RunResult(values, scenario.start, time.perf_counter() - began, built - began)
