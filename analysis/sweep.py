"""Sweeps: a scenario run at every point of a design, with replicates, streamed into a resumable store.

    from sim import scenario
    from analysis import design, sweep
    s = scenario.load("scenarios/baseline.toml")
    d = design.grid([(design.factor("raid_intensity"), 5), (design.factor("rub_per_usd"), 5)])
    plan = sweep.Sweep("sweep", s, d, replicates=3, seed=1, scale=100, months=24)
    sweep.run(plan, "results/raids-x-rouble")          # resumes if the directory already holds this sweep
    sweep.write_summary("results/raids-x-rouble")      # scalars.csv and summary.csv

Runs: run ``run_id = point_id * replicates + replicate`` is the scenario with the point's parameter values as
model overrides (over the scenario's own ``[parameters]``; shocks still apply on top), run with seed
``analysis.runner.replicate_seed(seed, replicate)``. Replicate ``r`` of every design point thus shares its random
numbers (common random numbers, as between scenarios in ``compare``): differences between points come from the
parameters, not from noise, and replicate ``r`` of a sweep point equals replicate ``r`` of ``run.py run`` with the
same overrides and seed. A run's result depends only on its run id and the sweep, never on the backend, the number
of workers or the order runs finish in. Every run is ``analysis.runner.simulate`` on an ``analysis.backends``
backend, and ``design.json`` carries the fields of ``analysis.provenance.stamp``.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from analysis import provenance, scalars
from analysis.backends import RunError, borrowed
from analysis.design import Design
from analysis.formatting import format_duration, format_ids
from analysis.runner import dates, replicate_seed, simulate
from analysis.store import Store, fingerprint, write_csv
from sim import outputs, parameters
from sim.calendar import parse_month
from sim.scenario import Scenario, base_values
from sim.timeline import Timeline

FLUSH_RUNS = 1000     # a part is written after this many runs...
FLUSH_SECONDS = 10.0  # ...or this long after the previous one, so a crash loses at most ~10 s of work
PILOT_MONTHS = 6


class SweepError(Exception):
    """A sweep cannot go on; the message is one line."""


@dataclass(frozen=True)
class Sweep:
    kind: str            # "sweep" or "sensitivity": the kind of results directory
    scenario: Scenario
    design: Design
    replicates: int
    seed: int
    scale: float
    months: int
    engine: str = "fast"
    # Posterior parameter sets (analysis.posterior): replicate r of every point runs draws[r % len(draws)] for the
    # parameters neither the design nor the scenario sets. Empty: the point estimate.
    draws: tuple = ()

    def overrides(self, replicate: int, point: dict) -> dict:
        """What run (point, replicate) sets over the scenario: its posterior draw, then the design point."""
        if not self.draws:
            return point
        draw = {k: v for k, v in self.draws[replicate % len(self.draws)].items()
                if k not in point and k not in self.scenario.parameters}
        return {**draw, **point}

    @property
    def runs(self) -> int:
        return len(self.design) * self.replicates

    def dates(self) -> list[str]:
        return dates(self.scenario.start, self.months)

    def plan(self) -> pd.DataFrame:
        """One row per run: ``run_id, point_id, replicate, seed`` and the parameter values it runs with."""
        points = self.design.points()
        n = len(points)
        replicate = np.tile(np.arange(self.replicates, dtype=np.int64), n)
        point_id = np.repeat(points["point_id"].to_numpy(), self.replicates)
        seeds = [replicate_seed(self.seed, r) for r in range(self.replicates)]
        plan = pd.DataFrame({"run_id": point_id * self.replicates + replicate, "point_id": point_id,
                             "replicate": replicate, "seed": np.array(seeds * n, dtype=np.int64)})
        for name in self.design.names:
            plan[name] = np.repeat(points[name].to_numpy(), self.replicates)
        return plan

    def record(self) -> dict:
        """``design.json``: what defines the runs, then provenance."""
        s = self.scenario
        record = {
            "kind": self.kind,
            **self.design.record(),
            "replicates": int(self.replicates),
            "runs": int(self.runs),
            "seed": int(self.seed),
            "seeds": "replicate r of every design point runs with analysis.runner.replicate_seed(seed, r)",
            "scale": float(self.scale),  # 100 and 100.0 are one design: the fingerprint must not tell them apart
            "months": int(self.months),
            "engine": self.engine,
            "scenario": {"name": s.name, "sha256": s.sha256, "start": s.start, "country": s.country},
            "start": s.start,
            "end": self.dates()[-1],
            "scenario_path": s.path,
            "posterior_draws": [dict(d) for d in self.draws],
            # model_version defines the runs (a store made by another model is refused); the other fields
            # describe how they were made. parameters_sha256: the values before the design's and the shocks.
            **provenance.stamp(s, seed=self.seed, parameters=base_values(s.country, s.parameters)),
        }
        record["fingerprint"] = fingerprint(record, self.design.sample)
        return record


def check_points(sweep: Sweep) -> None:
    """Raise SweepError if the scenario's shocks take a swept lever out of its hard bounds at some point."""
    shocked = {shock.lever for shock in sweep.scenario.shocks} & set(sweep.design.names)
    if not shocked:
        return
    base = base_values(sweep.scenario.country, sweep.scenario.parameters)
    first = parse_month(sweep.scenario.start)
    points = sweep.design.points()[["point_id", *sorted(shocked)]]
    for row in points.drop_duplicates(subset=sorted(shocked)).itertuples(index=False):
        values = {**base, **{name: getattr(row, name) for name in shocked}}
        try:
            Timeline(values, sweep.scenario.shocks, first_month=first).check(sweep.months)
        except ValueError as error:
            setting = ", ".join(f"{name}={values[name]:g}" for name in sorted(shocked))
            raise SweepError(f"design point {row.point_id} ({setting}): the scenario's shock {error}; "
                             f"narrow its range (--vary, --bounds)") from None


def pilot(sweep: Sweep, overrides: dict) -> float:
    """Seconds one run of the sweep takes, from a short run in this process: the set-up (population and spin-up)
    is timed whole, the months from the first ``PILOT_MONTHS`` and extrapolated to the sweep's length."""
    seed = replicate_seed(sweep.seed, 0)
    # The first model built in a process loads the compiled kernels; keep that out of the timing.
    simulate(sweep.scenario, seed, max(sweep.scale, 2000.0), 1, sweep.engine, overrides)
    months = min(sweep.months, PILOT_MONTHS)
    result = simulate(sweep.scenario, seed, sweep.scale, months, sweep.engine, overrides)
    return result.setup_seconds + (result.seconds - result.setup_seconds) * sweep.months / months



def _part_table(batch, plan: pd.DataFrame, dates: list[str]) -> pa.Table:
    batch = sorted(batch, key=lambda item: item[0])
    run_ids = np.array([run_id for run_id, _ in batch], dtype=np.int64)
    rows = plan.loc[run_ids]
    months = len(dates)
    values = np.vstack([result for _, result in batch])
    columns = {
        "run_id": np.repeat(run_ids, months),
        "point_id": np.repeat(rows["point_id"].to_numpy(dtype=np.int64), months),
        "replicate": np.repeat(rows["replicate"].to_numpy(dtype=np.int64), months),
        "date": pa.array(dates * len(batch), type=pa.string()),
    }
    for j, name in enumerate(outputs.NAMES):
        columns[name] = values[:, j]
    return pa.table(columns)


def run(sweep: Sweep, out, *, backend=None, dask: str | None = None, workers: int | None = None,
        part_runs: int | None = None, flush_seconds: float = FLUSH_SECONDS, progress: bool = True,
        estimate: bool = True, echo=print) -> Store:
    """Run every run of ``sweep`` not already in the store at ``out``, streaming them into it.

    ``backend`` is an open backend (``analysis.backends``); without one, ``dask``/``workers`` choose one, opened
    only if there is work to do. ``estimate`` times a pilot run first and prints the expected duration. Raises
    ``StoreError`` if ``out`` holds a different design, ``SweepError`` if a run fails (the runs finished before it
    are kept)."""
    store = Store(out)
    record = sweep.record()
    resuming = store.check(record)
    check_points(sweep)
    plan = sweep.plan()
    done, damaged = store.verify() if resuming else ({}, [])
    for _, problem in damaged:
        echo(f"{problem}: its runs will run again")
    todo = plan[~plan["run_id"].isin(list(done))]
    summary = (f"{sweep.kind}: {sweep.runs:,} runs ({len(sweep.design):,} points x {sweep.replicates} "
               f"replicate{'s' if sweep.replicates > 1 else ''}, {sweep.months} months at scale {sweep.scale:g})")
    if resuming:
        summary += f"; resuming in {out}: {len(done):,} done, {len(todo):,} to run"
    echo(summary)
    if todo.empty and not damaged:
        return store
    if estimate and not todo.empty:
        first = todo.iloc[0]
        overrides = sweep.overrides(int(first["replicate"]), {name: float(first[name]) for name in sweep.design.names})
        try:
            seconds_per_run = pilot(sweep, overrides)
        except ValueError as error:
            raise SweepError(f"the pilot run failed: {error}") from None
    with borrowed(backend, dask, workers) as backend:
        if estimate and not todo.empty:
            runs_seconds = len(todo) * seconds_per_run / backend.workers
            starting = f", starting the workers about {backend.start_seconds:.0f} s" if backend.start_seconds else ""
            echo(f"estimated {format_duration(backend.start_seconds + runs_seconds)} on {backend.description} "
                 f"(pilot run: {seconds_per_run:.2f} s per run{starting})")
        store.lock()
        try:
            if not store.check(record):
                sample = None
                if sweep.kind == "sensitivity":
                    sample = pd.DataFrame(sweep.design.sample, columns=sweep.design.names)
                    sample.insert(0, "point_id", np.arange(len(sample), dtype=np.int64))
                manifest = plan.assign(status="pending", part="", part_sha256="")
                store.create(record, sweep.design.points(), manifest, sample)
            store.remove_temporaries()
            if damaged:
                store.set_aside([path for path, _ in damaged])
                store.write_manifest(plan, done)
            _execute(sweep, store, backend, plan, todo, done, part_runs, flush_seconds, progress)
        finally:
            store.unlock()
    return store


def _execute(sweep, store, backend, plan, todo, done, part_runs, flush_seconds, progress):
    month_labels = sweep.dates()
    by_run = plan.set_index("run_id", drop=False)
    names = sweep.design.names
    tasks = ((int(row.run_id), (int(row.seed), sweep.scale, sweep.months, sweep.engine,
                                sweep.overrides(int(row.replicate),
                                                {name: float(getattr(row, name)) for name in names})))
             for row in todo.itertuples(index=False))
    limit = part_runs or FLUSH_RUNS
    batch, done = [], dict(done)
    last_flush = time.monotonic()
    bar = tqdm(total=len(plan), initial=len(done), unit="run", desc=sweep.kind, disable=not progress,
               dynamic_ncols=True, smoothing=0.05)

    def flush():
        nonlocal batch, last_flush
        if batch:
            store.write_part(_part_table(batch, by_run, month_labels), plan, done)
            batch = []
        last_flush = time.monotonic()

    try:
        for run_id, result in backend.map(simulate, (sweep.scenario,), tasks):
            batch.append((run_id, result.values))
            bar.update()
            if len(batch) >= limit or time.monotonic() - last_flush >= flush_seconds:
                flush()
    except RunError as error:
        row = by_run.loc[error.task_id]
        setting = ", ".join(f"{name}={row[name]:g}" for name in names)
        raise SweepError(f"run {error.task_id} (point {row['point_id']}, replicate {row['replicate']}, {setting}) "
                         f"failed: {error}") from None
    finally:
        bar.close()
        flush()


# ---------------------------------------------------------------------------------------------- results
def run_scalars(out, names=None) -> pd.DataFrame:
    """One row per finished run: ``run_id, point_id, replicate, seed``, its parameter values and the scalar
    outputs ``names`` (default: every scalar the sweep's length allows), matched to the manifest by run id."""
    store = Store(out)
    design = store.design()
    months = int(design["months"])
    names = list(scalars.available(months) if names is None else names)
    manifest = store.runs()
    series = sorted({scalars.BY_NAME[name].series for name in names})
    runs = store.read_runs(columns=series)
    run_ids = runs["run_id"].to_numpy()
    unique, first, counts = np.unique(run_ids, return_index=True, return_counts=True)
    incomplete = unique[counts != months]
    if incomplete.size:
        raise SweepError(f"{out}: runs {format_ids(incomplete)} do not have {months} months each")
    table = pd.DataFrame({"run_id": unique})
    for name in names:
        values = runs[scalars.BY_NAME[name].series].to_numpy().reshape(len(unique), months)
        table[name] = scalars.values(values, name)
    return manifest.merge(table, on="run_id", how="inner", validate="one_to_one")



def summarise(table: pd.DataFrame, parameter_names, names) -> pd.DataFrame:
    """Per design point: its parameter values, the number of replicates, and for each scalar its median and
    5th/95th percentiles over replicates (linear interpolation)."""
    grouped = table.groupby("point_id", sort=True)
    summary = grouped[list(parameter_names)].first()
    summary.insert(0, "replicates", grouped.size())
    for name in names:
        column = grouped[name]
        summary[f"{name}_median"] = column.median()
        summary[f"{name}_p05"] = column.quantile(0.05)
        summary[f"{name}_p95"] = column.quantile(0.95)
    return summary.reset_index()


def write_summary(out, names=None) -> pd.DataFrame:
    """Write ``scalars.csv`` (per run) and ``summary.csv`` (per design point) into ``out``; return the summary."""
    out = Path(out)
    design = Store(out).design()
    names = list(scalars.available(int(design["months"])) if names is None else names)
    parameter_names = [p["name"] for p in design["parameters"]]
    table = run_scalars(out, names)
    summary = summarise(table, parameter_names, names)
    write_csv(out / "scalars.csv", table)
    write_csv(out / "summary.csv", summary)
    return summary


def default_parameters() -> list[str]:
    """Every parameter with a range (``low < high`` in the registry)."""
    return [p.name for p in parameters.PARAMETERS if p.low < p.high]

