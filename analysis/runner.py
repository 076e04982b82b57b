"""One simulation run and its seeds: the unit of work that ensembles, comparisons and sweeps are made of.

Replicate ``i`` of a study with seed ``S`` runs with seed ``replicate_seed(S, i)``, whatever the scenario, so two
scenarios compared under the same ``S`` use common random numbers replicate by replicate.
"""

import numpy as np
import pandas as pd

from sim.scenario import Scenario


def replicate_seed(seed: int, replicate: int) -> int:
    return int(np.random.SeedSequence([int(seed), int(replicate)]).generate_state(1, dtype=np.uint64)[0] >> 1)


def simulate(scenario: Scenario, seed: int, scale: float, months: int | None = None, engine: str = "fast",
             overrides: dict | None = None) -> pd.DataFrame:
    """Run ``scenario`` once and return its monthly results (``MigrationModel.results()``)."""
    months = months or scenario.months
    model = scenario.model(scale=scale, rng=seed, engine=engine, months=months, **(overrides or {}))
    model.run_for(months)
    return model.results()
