"""``run.py run SCENARIO.toml``: run a scenario with replicates and write timeseries, summary and provenance.

Defaults: 20 replicates at 10 persons per agent (timings in ``docs/scenario-format.md``; the scale at which every
exposure component's 90 % band is narrower than a quarter of its level, ``analysis.exposure``),
which runs the ten-year baseline in one to two minutes on two cores (more on a busy machine) and gives 5-95 % bands
of parameter and replicate noise.
"""

import sys
import time
from pathlib import Path

from analysis import cli
from analysis.cli import InputError

DEFAULT_REPLICATES = 20
DEFAULT_SCALE = 10.0


def add_run_flags(parser):
    """The flags ``run`` and ``compare`` share."""
    cli.add_run_flags(parser, replicates=DEFAULT_REPLICATES, replicates_help="runs with different seeds",
                      scale=DEFAULT_SCALE, seed_help="study seed; replicate i uses a seed derived from (S, i)",
                      out_help="output directory: a new one, or one this program wrote (it is then replaced "
                               "atomically); anything else is refused",
                      workers_help="local worker processes, or workers of --dask local (default: the CPU count, at "
                                   "most the number of runs); results do not depend on it")
    from analysis import posterior

    posterior.add_flag(parser, posterior.DEFAULT_DRAWS)


def register(subparsers):
    parser = subparsers.add_parser(
        "run", help="run a scenario file with replicates",
        description="Run a scenario with replicates and write timeseries.csv (every replicate and month), "
                    "summary.csv (median, 5-95% band and mean with 95% CI at 12 months and at the horizon) and "
                    "run.json (provenance) into results/<scenario name>/ or --out.")
    cli.add_scenario_argument(parser)
    add_run_flags(parser)
    parser.set_defaults(func=main)


def load_scenario(path: str, months: int | None):
    """Load and validate a scenario file, with ``--months`` applied."""
    from sim import scenario

    if not str(path).strip():
        raise InputError("SCENARIO: expected a scenario file, got an empty string")
    loaded = scenario.load(path)
    return scenario.with_months(loaded, months) if months else loaded


def check_scale(scale: float, scenarios) -> float:
    """Refuse a ``--scale`` too coarse for the model before any process starts; the largest starting population."""
    from analysis.cost import agents_at
    from sim.model import MIN_AGENTS

    largest = 0
    for s in scenarios:
        agents = agents_at(s, scale)
        if agents < MIN_AGENTS:
            raise InputError(f"--scale: {scale:g} persons per agent leaves {s.name} with only {agents} agents; "
                             f"use a scale that gives at least {MIN_AGENTS}")
        largest = max(largest, agents)
    return largest


def check_flags(args, runs: int, scenarios=(), runs_flags: str = "--replicates") -> None:
    """Flags that need more than argparse can check: the scale, then the work's memory and time (``runs_flags``:
    the flags that set how many runs)."""
    from analysis.backends import available_cpus
    from analysis.cost import check_work

    largest = check_scale(args.scale, scenarios)
    if scenarios:
        workers = args.workers or max(1, min(available_cpus(), runs))
        check_work(agents=largest, months=max(s.months for s in scenarios), runs=runs, workers=workers,
                   engine=getattr(args, "engine", "fast"), yes=args.yes, runs_flags=runs_flags)


def one_replicate_per_draw(args) -> str | None:
    """``--posterior N`` runs at least one replicate per draw: ``args.replicates`` grows to N. Returns a note for
    stderr when that is more than asked for (printed once the flags have passed their checks)."""
    from analysis import posterior

    grown = posterior.replicates_for(args.replicates, args.posterior)
    if grown == args.replicates:
        return None
    note = f"note: --posterior {args.posterior} runs {grown} replicates, one per draw (--replicates was " \
           f"{args.replicates})"
    args.replicates = grown
    return note


def posterior_draws(args, scenarios) -> tuple[list[dict] | None, dict | None]:
    """The posterior draws of ``--posterior N`` (by default one per replicate, up to ``DEFAULT_DRAWS``), and what
    the manifest says about them; ``args.replicates`` grows to at least one replicate per draw. The flags are
    checked (``check_flags``) for the work that results before any draw is made."""
    from analysis import posterior

    note = one_replicate_per_draw(args) if args.posterior is not None else None
    n = args.posterior
    if n is None and posterior.DEFAULT_DRAWS and not getattr(args, "point_estimate", False):
        n = min(posterior.DEFAULT_DRAWS, args.replicates)
    check_flags(args, args.replicates * len(scenarios), scenarios,
                "--replicates, --posterior" if args.posterior else "--replicates")
    if note:
        print(note, file=sys.stderr)
    if not n:
        return None, None
    sample = posterior.load()
    return sample.draws(n, args.seed), sample.describe(n)


def bands_note(described: dict | None) -> str:
    from analysis import posterior

    return described["bands"] if described else posterior.BANDS_STOCHASTIC


def warn_if_imprecise(scale: float) -> None:
    """One line on stderr when ``scale`` is too coarse for the exposure components' bands (analysis.exposure)."""
    from analysis import exposure

    message = exposure.warning(scale)
    if message:
        print(message, file=sys.stderr)


def warn_about_scenarios(scenarios, varied=()) -> None:
    """Warnings on stderr, a line each: shocks that start after the run's last month (``Scenario.warnings``), and a
    scenario that sets the patent fee (or whose design varies it: ``varied``) for a country whose citizens need no
    patent during the run (``sim.mechanisms.legal_status.patent_fee_due``): the fee is then not theirs to pay."""
    from sim.calendar import format_month, parse_month

    for s in scenarios:
        for line in s.warnings():
            print(line, file=sys.stderr)
        free_from = s.patent_free_month()
        sets_fee = "patent_fee_rub" in (*s.parameters, *varied) or any(shock.lever == "patent_fee_rub"
                                                                       for shock in s.shocks)
        if free_from is not None and sets_fee and parse_month(s.start) + s.months > free_from:
            print(f"warning: {s.path or s.name}: patent_fee_rub does not reach migrants from {s.country} from "
                  f"{format_month(free_from)}: they need no patent (Eurasian Economic Union)", file=sys.stderr)


def simulate(scenarios, args, backend, draws=None):
    """Run the ensembles on ``backend``, turning the model's refusal of its set-up into one line of bad input."""
    from analysis import ensemble

    with cli.refused_setup():
        return ensemble.run_many(scenarios, replicates=args.replicates, seed=args.seed, scale=args.scale,
                                 months=args.months, engine=args.engine, backend=backend, description="runs",
                                 draws=draws)


def main(args):
    scenario = load_scenario(args.scenario, args.months)
    draws, described = posterior_draws(args, [scenario])
    out = Path(args.out) if args.out is not None else Path("results") / scenario.name

    from analysis import ensemble
    from analysis.outdir import atomic_directory, check_output_directory

    check_output_directory(out, "run", inputs=scenario.sources)
    warn_if_imprecise(args.scale)
    warn_about_scenarios([scenario])

    began = time.perf_counter()
    with cli.open_backend(args, runs=args.replicates) as backend:
        series = simulate([scenario], args, backend, draws)[scenario.name]
    summary = ensemble.summarise(series)
    summary["bands"] = bands_note(described)
    wall = time.perf_counter() - began
    manifest = ensemble.manifest(scenario, replicates=args.replicates, seed=args.seed, scale=args.scale,
                                 months=scenario.months, engine=args.engine, workers=backend.workers)
    manifest.update(wall_time_s=round(wall, 3), compute_time_s=round(series.attrs["compute_time_s"], 3),
                    posterior=described, bands=bands_note(described))
    with atomic_directory(out, "run", inputs=scenario.sources) as staging:
        ensemble.write(staging, series, summary, manifest)

    dates = ensemble.month_dates(series)
    print(f"{scenario.name}: {scenario.description}")
    plural = "s" if args.replicates > 1 else ""
    print(f"{args.replicates} replicate{plural} at scale {args.scale:g} (persons per agent), "
          f"{scenario.start}..{dates[-1]} ({scenario.months} months), engine {args.engine}, seed {args.seed}, "
          f"{wall:.1f} s on {backend.description}\n")
    print(ensemble.summary_text(summary, dates[-1], dates[11] if len(dates) >= 12 else None))
    print(f"\nstart = mean of the first month; bands are 5-95 % over replicates, {bands_note(described)}. "
          f"All metrics: {out}/summary.csv")
    cli.render(out, args)
    print(f"wrote {out}/")
    return 0
