"""Parameter uncertainty: draws from the calibration's posterior sample, for every command that runs the model.

    from analysis import posterior
    sample = posterior.load()                 # checks that the fit's inputs have not changed since
    draws = sample.draws(20, seed=1)          # 20 parameter sets, the same for the same seed
    ensemble.run(scenario, replicates=20, seed=1, scale=50, draws=draws)

Replicate ``i`` runs with seed ``replicate_seed(seed, i)`` and parameter set ``draws[i % N]``, so its band over
replicates combines parameter and stochastic uncertainty, and every scenario of a comparison under the same seed
gets the same draws replicate by replicate (differences stay paired). A draw sets only the parameters a scenario
does not set itself: a scenario that fixes a behavioural parameter keeps it.

The posterior belongs to the Tajik fit; other countries borrow it (only the country's facts differ).
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import calibration
from analysis.cli import InputError

# Posterior draws ``run`` and ``compare`` take when --posterior is not given. None switches the default off: runs
# then use the point estimate (scenarios/calibrated/tajikistan.toml, which other countries borrow) and their bands
# are stochastic only.
DEFAULT_DRAWS: int | None = 20

BANDS_WITH_POSTERIOR = "parameter and stochastic: replicate i has its own seed and posterior draw i mod N"
BANDS_STOCHASTIC = "stochastic only: every replicate runs the point estimate with its own seed"


class PosteriorError(InputError):
    """The posterior file is missing, unreadable or stale; the message is one line naming the file."""


@dataclass(frozen=True)
class Posterior:
    sample: pd.DataFrame  # one row per particle: the free parameters and ``weight``
    record: dict
    path: Path

    @property
    def names(self) -> list[str]:
        return [c for c in self.sample.columns if c != "weight"]

    def draws(self, n: int, seed: int) -> list[dict[str, float]]:
        """``n`` parameter sets drawn with replacement by weight, the same for the same ``seed``."""
        weights = self.sample["weight"].to_numpy(dtype=float)
        rng = np.random.default_rng([int(seed), 20131231])
        rows = rng.choice(len(weights), size=n, replace=True, p=weights / weights.sum())
        return [{name: float(self.sample.iloc[row][name]) for name in self.names} for row in rows]

    def describe(self, n: int) -> dict:
        return {"file": str(self.path), "draws": n, "inputs_sha256": self.record.get("inputs_sha256"),
                "configuration": self.record.get("rebuild"), "bands": BANDS_WITH_POSTERIOR}


def _fail(path: Path, problem: str) -> PosteriorError:
    return PosteriorError(f"{path}: {problem}; rebuild it with `{calibration.REBUILD_COMMAND}` (a small "
                          f"configuration: --population 100 --generations 4 --scale 200, a few minutes)")


def load(path: Path = calibration.POSTERIOR_CSV, check: bool = True) -> Posterior:
    """The posterior sample and its record; ``PosteriorError`` if either is missing or unreadable, or (``check``)
    if a file the fit read has changed since (``analysis.calibration.inputs_record``)."""
    path = Path(path)
    record_path = path.with_suffix(".json")
    for needed in (path, record_path):
        if not needed.exists():
            raise _fail(needed, "missing")
    try:
        sample = pd.read_csv(path)
        record = json.loads(record_path.read_text())
    except (OSError, ValueError) as error:
        raise _fail(path, f"unreadable ({error})") from None
    if "weight" not in sample.columns or len(sample) == 0:
        raise _fail(path, "no weighted particles")
    if check:
        from sim import scenario as scenarios

        fitted = scenarios.load(calibration.HISTORY_SCENARIO)
        current, files = calibration.inputs_record(fitted)
        if current != record.get("inputs_sha256"):
            held = {entry["path"]: entry["sha256"] for entry in record.get("inputs", [])}
            changed = [entry["path"] for entry in files if held.get(entry["path"]) != entry["sha256"]]
            what = ", ".join(changed) if changed else "the declared parameters or moments"
            raise _fail(record_path, f"stale: fitted on inputs that have changed since ({what})")
    return Posterior(sample, record, path)


def resolve(requested: int | None, default: int | None = None) -> int | None:
    """How many draws a command takes: the flag if given, else ``default``."""
    return requested if requested is not None else default


def add_flag(parser, default: int | None):
    from analysis.cli import positive_int

    shown = f"default: one per replicate, up to {default}" if default else "default: off, the point estimate"
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--posterior", type=positive_int, metavar="N", default=None,
                       help=f"draw N parameter sets from the calibration's posterior "
                            f"(scenarios/calibrated/tajikistan_posterior.csv); replicate i runs draw i mod N, so "
                            f"bands combine parameter and stochastic uncertainty ({shown})")
    if default:
        group.add_argument("--point-estimate", action="store_true",
                           help="run every replicate with the point estimate (scenarios/calibrated/tajikistan.toml, "
                                "which other countries borrow): bands are stochastic only, as in the dashboard")


def replicates_for(replicates: int, draws: int | None) -> int:
    """At least one replicate per draw."""
    return max(replicates, draws or 0)
