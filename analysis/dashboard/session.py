"""What the dashboard computes, without any display: the paired model, the lever design, saving and CSV export.

``DashboardModel`` is a Mesa model whose step advances, by one month, ``replicates`` pairs of ``MigrationModel``:
the chosen base scenario and the same scenario with the user's shocks appended. Replicate ``i`` of both runs with
``analysis.runner.replicate_seed(seed, i)``, exactly as ``run.py run`` and ``run.py compare`` seed their replicates,
so the paired difference is mostly the policy and a saved scenario run with the same seed, scale and replicates
reproduces the dashboard's numbers.
"""

import dataclasses
import os
import re
from pathlib import Path

import mesa
import numpy as np
import pandas as pd

from analysis.ensemble import ID_COLUMNS, describe
from analysis.runner import replicate_seed
from sim import outputs, parameters, scenario
from sim.calendar import format_month, parse_month
from sim.population import GONE, HOME
from sim.timeline import Shock, ShockRangeError, Timeline

ROOT = Path(__file__).resolve().parent.parent.parent
LIBRARY = ROOT / "scenarios"
DEFAULT_BASE = LIBRARY / "baseline.toml"
# Coarse and few, so that a month of eight models takes milliseconds and the page feels live; the exact numbers
# are in benchmarks/README.md. Finer scales and more replicates are one click away.
DEFAULT_SCALE = 200.0
DEFAULT_REPLICATES = 4
SCALES = (1000.0, 500.0, 200.0, 100.0, 50.0, 20.0, 10.0)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class DesignError(ValueError):
    """A lever value or month the page refuses; the message names the bound or the expected form."""


def library_files(extra_dirs=()) -> list[Path]:
    """The scenario files a user can start from: the library's own and any in ``extra_dirs`` (their saved ones)."""
    files = sorted(LIBRARY.glob("*.toml"))
    for directory in extra_dirs:
        directory = Path(directory)
        if directory.is_dir():
            files += sorted(p for p in directory.glob("*.toml") if p.resolve() not in {f.resolve() for f in files})
    return files


def lever_value(name: str, text) -> float:
    """A lever value typed in the page, checked against the registry's hard bounds."""
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise DesignError(f"{name}: expected a number, got {text!r}") from None
    try:
        return parameters.check_value(name, value)
    except ValueError as error:
        raise DesignError(str(error)) from None


def shock_month(base: scenario.Scenario, text: str) -> str:
    """A month typed in the page, which must fall within the base scenario's horizon."""
    try:
        month = parse_month(str(text).strip())
    except ValueError:
        raise DesignError(f"from: expected a month as YYYY-MM, got {text!r}") from None
    first, last = parse_month(base.start), parse_month(base.start) + base.months - 1
    if not first <= month <= last:
        raise DesignError(f"from: {format_month(month)} is outside the scenario's {base.start}..{base.end}")
    return format_month(month)


def lever_shock(base: scenario.Scenario, name: str, value: float, start: str) -> Shock:
    """The shock a lever control makes: the lever takes ``value`` from ``start`` to the horizon."""
    base_value = scenario.base_values(base.country, base.parameters)[name]
    p = parameters.BY_NAME[name]
    note = (f"dashboard: {name} set to {value:g} {p.unit} from {start} (the base's own value is {base_value:g}); "
            f"plausible range {p.low:g}..{p.high:g}; source of the default: {p.source}")
    return Shock(lever=name, mode="set", start=start, value=float(value), note=note)


def designed(base: scenario.Scenario, shocks) -> scenario.Scenario:
    """The base scenario with ``shocks`` applied after its own, checked against the hard bounds month by month."""
    shocks = tuple(shocks)
    values = scenario.base_values(base.country, base.parameters)
    try:
        Timeline(values, base.shocks + shocks, first_month=parse_month(base.start)).check(base.months)
    except ShockRangeError as error:
        raise DesignError(str(error)) from None
    return dataclasses.replace(base, name=f"{base.name}_designed", shocks=base.shocks + shocks,
                               description=f"{base.name} with shocks designed in the dashboard",
                               shock_origins=(), text="", path=None)


def lever_paths(base: scenario.Scenario, shocks, lever: str) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Monthly values of ``lever`` over the horizon without and with ``shocks``: dates, base path, designed path."""
    values = scenario.base_values(base.country, base.parameters)
    first = parse_month(base.start)
    months = range(first, first + base.months)
    before = Timeline(values, base.shocks, first_month=first)
    after = Timeline(values, base.shocks + tuple(shocks), first_month=first)
    return ([format_month(m) for m in months], np.array([before.values_at(m)[lever] for m in months]),
            np.array([after.values_at(m)[lever] for m in months]))


class DashboardModel(mesa.Model):
    """Replicate pairs of the base scenario and the designed one, stepped a month at a time.

    The arguments are keyword-only and explicit because SolaraViz's Reset rebuilds the model from its keyword
    arguments (and would inject one named ``scenario`` into a model that took ``**kwargs``)."""

    def __init__(self, *, base_file=DEFAULT_BASE, lever_shocks=(), scale=DEFAULT_SCALE,
                 replicates=DEFAULT_REPLICATES, seed=1, rng=None):
        base_file, lever_shocks, scale, replicates, seed = map(
            _current, (base_file, lever_shocks, scale, replicates, seed))
        super().__init__(rng=seed if rng is None else rng)
        self.base_file = str(base_file)
        self.base = scenario.load(base_file)
        self.lever_shocks = tuple(lever_shocks)
        self.alternative = designed(self.base, self.lever_shocks)
        self.scale, self.replicates, self.seed = float(scale), int(replicates), int(seed)
        self.months = self.base.months
        self.seeds = [replicate_seed(self.seed, i) for i in range(self.replicates)]
        self.pairs = [(self.base.model(scale=self.scale, rng=s), self.alternative.model(scale=self.scale, rng=s))
                      for s in self.seeds]
        self.dates: list[str] = []
        # history[side][month] is an array (replicates, outputs) of that month's outputs
        self.history: dict[str, list[np.ndarray]] = {"base": [], "scenario": []}

    @property
    def done(self) -> int:
        return len(self.dates)

    def step(self):
        if self.done >= self.months:
            self.running = False
            return
        rows = {"base": [], "scenario": []}
        for base_model, alternative_model in self.pairs:
            for side, model in (("base", base_model), ("scenario", alternative_model)):
                model.step()
                rows[side].append([model.metrics[name] for name in outputs.NAMES])
        # The page draws from another thread while this one steps: the month's outputs go in first and its date
        # last, so a reader that takes ``done`` months never finds a month without its outputs.
        for side, values in rows.items():
            self.history[side].append(np.asarray(values, dtype=float))
        self.dates.append(self.pairs[0][0].metrics["date"])
        self.running = self.done < self.months

    def series(self, metric: str) -> pd.DataFrame:
        """Per month: the mean and the 5th and 95th percentiles over replicates of the base, the scenario and
        their paired difference, as columns ``<side>_<statistic>`` with side base, scenario or diff."""
        column = outputs.NAMES.index(metric)
        done = self.done  # the months complete now; the stepping thread may be adding the next one
        base = np.array([month[:, column] for month in self.history["base"][:done]]).reshape(done, -1)
        alternative = np.array([month[:, column] for month in self.history["scenario"][:done]]).reshape(done, -1)
        frame = {"date": self.dates[:done]}
        for side, values in (("base", base), ("scenario", alternative), ("diff", alternative - base)):
            p05, p95 = np.percentile(values, [5, 95], axis=1) if done else ([], [])
            frame.update({f"{side}_mean": values.mean(axis=1), f"{side}_p05": p05, f"{side}_p95": p95})
        return pd.DataFrame(frame)

    def latest(self, metric: str, done: int | None = None) -> dict:
        """The means over replicates in month ``done`` (default: the last complete one) and the 5-95 % band of the
        difference."""
        # Not [-1]: while the page draws, the stepping thread may have added only part of the next month.
        column, last = outputs.NAMES.index(metric), (self.done if done is None else done) - 1
        base = self.history["base"][last][:, column]
        alternative = self.history["scenario"][last][:, column]
        diff = describe(alternative - base)
        return {"base": float(base.mean()), "scenario": float(alternative.mean()), "diff": diff["mean"],
                "diff_p05": diff["p05"], "diff_p95": diff["p95"]}

    def regions(self) -> pd.DataFrame:
        """Migrants abroad by home region and remittances received in the last month by region, means over
        replicates, for the base and the scenario. Aggregates only: no person or household is reported."""
        names = self.pairs[0][0].profile.region_names
        frame = pd.DataFrame({"region": names})
        for side, index in (("base", 0), ("scenario", 1)):
            abroad, remitted = np.zeros(len(names)), np.zeros(len(names))
            for pair in self.pairs:
                a, r = region_totals(pair[index])
                abroad += a
                remitted += r
            frame[f"{side}_migrants_abroad"] = abroad / self.replicates
            frame[f"{side}_remittances_usd"] = remitted / self.replicates
        return frame

    def results(self) -> pd.DataFrame:
        """Every replicate's monthly outputs so far, in the columns of ``run.py run``'s timeseries.csv, with a
        ``scenario`` column first (the base's name, or the designed scenario's)."""
        parts = []
        for index, name in ((0, self.base.name), (1, self.alternative.name)):
            for replicate, (pair, seed) in enumerate(zip(self.pairs, self.seeds, strict=True)):
                frame = pair[index].results()
                frame.insert(0, "seed", seed)
                frame.insert(0, "replicate", replicate)
                frame.insert(0, "scenario", name)
                parts.append(frame)
        return pd.concat(parts, ignore_index=True)[["scenario", *ID_COLUMNS, *outputs.NAMES]]


def region_totals(model) -> tuple[np.ndarray, np.ndarray]:
    """Persons abroad by home region, and remittances received this month by the households of each region, in
    real-world units (fast engine state)."""
    engine = model.engine
    n_regions = len(model.profile.region_names)
    people, households, n = engine.people, engine.households, engine.next_free
    location = people.location[:n]
    abroad = (location != HOME) & (location < GONE)
    by_region = np.bincount(people.region[:n][abroad], minlength=n_regions) * model.scale
    received = np.bincount(households.region, weights=households.remittances_usd.astype(float),
                           minlength=n_regions) * model.scale
    return by_region.astype(float), received


def scenario_text(base_file, shocks, *, name: str, description: str, directory, seed: int, scale: float,
                  replicates: int, months: int | None = None) -> str:
    """A scenario file that extends ``base_file`` with ``shocks``, each with its note; its header says how to
    reproduce the dashboard's numbers with ``run.py run``."""
    extends = os.path.relpath(Path(base_file).resolve(), Path(directory).resolve())
    horizon = f" --months {months}" if months else ""
    lines = [
        "# Designed in the dashboard (python run.py dashboard). The same numbers, from the command line:",
        f"#   python run.py run <this file> --seed {seed} --scale {scale:g} --replicates {replicates}{horizon} "
        f"--point-estimate",
        "[scenario]",
        f"name = {_toml_string(name)}",
        f"description = {_toml_string(description)}",
        f"extends = {_toml_string(Path(extends).as_posix())}",
    ]
    for shock in shocks:
        lines += ["", "[[shocks]]", f"lever = {_toml_string(shock.lever)}", f"mode = {_toml_string(shock.mode)}",
                  f"value = {shock.value!r}", f"start = {_toml_string(shock.start)}"]
        if shock.end is not None:
            lines.append(f"end = {_toml_string(shock.end)}")
        lines.append(f"note = {_toml_string(shock.note)}")
    return "\n".join(lines) + "\n"


def save_scenario(model: DashboardModel, directory, name: str, description: str) -> Path:
    """Write the design as ``<directory>/<name>.toml`` and check that it loads as a scenario. Never replaces a
    file: an existing name is refused."""
    if not NAME_RE.match(name or ""):
        raise DesignError(f"name: expected letters, digits, '_', '-' or '.', got {name!r}")
    if not model.lever_shocks:
        raise DesignError("nothing to save: change a lever first")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.toml"
    text = scenario_text(model.base_file, model.lever_shocks, name=name, description=description or name,
                         directory=directory, seed=model.seed, scale=model.scale, replicates=model.replicates,
                         months=model.done if 0 < model.done < model.months else None)
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise DesignError(f"{path} exists; choose another name (files are never replaced)") from None
    try:
        scenario.load(path)
    except scenario.ScenarioError:
        path.unlink()
        raise
    return path


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _current(value):
    """The value of a page control. SolaraViz's Reset rebuilds the model from keyword arguments fixed when the page
    mounts, so the page passes its reactive controls and the model reads what they show at Reset."""
    return value.value if hasattr(value, "value") and hasattr(value, "subscribe") else value
