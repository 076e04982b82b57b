"""Each rule lives in one place: perturb one decision function and both engines move, identically.

The perturbation replaces a function in its mechanism's module, so it has to run with numba switched off
(``NUMBA_DISABLE_JIT``; compiled callers would keep the compiled original). It runs in a child process, at a
small scale. If either engine kept a copy of the rule, only the other would see the perturbation and their outputs
would part."""

import json
import os
import subprocess
import sys

import pytest

CHILD = """
import json, sys, warnings
warnings.simplefilter("ignore")
from sim import MigrationModel
from sim.mechanisms import departures, returns

return_prob, choose = returns.return_prob, departures.choose
PERTURBATIONS = {
    "none": {},
    # Triple the return hazard (the fast engine's bounds are built from the same function, so they follow).
    "returns": {"return_prob": lambda *args: min(1.0, 3.0 * return_prob(*args))},
    # Swap the pull of Russia and Kazakhstan (the chance of leaving, which the fast engine bounds, is unchanged).
    "departures": {"choose": lambda u, russia, kazakhstan, other: choose(u, kazakhstan, russia, other)},
}
out = {}
for name, patch in PERTURBATIONS.items():
    returns.return_prob = patch.get("return_prob", return_prob)
    departures.choose = patch.get("choose", choose)
    for engine in ("fast", "reference"):
        model = MigrationModel(scale=15000, rng=4, engine=engine, spinup_months=2)
        model.run_for(6)
        out[f"{name}/{engine}"] = model.results().drop(columns="date").to_dict(orient="list")
json.dump(out, sys.stdout)
"""


@pytest.fixture(scope="module")
def outputs():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=600,
                          check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize("decision, moved", [("returns", "returns_voluntary"), ("departures", "departures_russia")])
def test_perturbing_a_decision_moves_both_engines_identically(outputs, decision, moved):
    base_fast, base_reference = outputs["none/fast"], outputs["none/reference"]
    fast, reference = outputs[f"{decision}/fast"], outputs[f"{decision}/reference"]
    assert base_fast == base_reference
    assert fast[moved] != base_fast[moved]
    assert fast == reference
