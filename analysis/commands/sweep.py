"""``run.py sweep SCENARIO.toml``: a scenario over a grid or a Latin hypercube of parameter values.

Runs stream into a resumable store under ``--out`` (see ``analysis/store.py``); running the same command again
finishes an interrupted sweep. Defaults: 3 replicates at 1:100 scale over the scenario's months, seed 1.
"""

import sys

from analysis import cli
from analysis.cli import InputError, positive_int
from analysis.commands.run import check_scale, one_replicate_per_draw, warn_about_scenarios

DEFAULT_REPLICATES = 3
DEFAULT_SCALE = 100.0


def add_run_flags(parser, replicates: int):
    """The run and backend flags ``sweep`` and ``sensitivity`` share."""
    cli.add_run_flags(parser, replicates=replicates, scale=DEFAULT_SCALE, seed_help="sweep seed",
                      replicates_help="runs per design point, with seeds derived from (S, replicate)",
                      out_help="results directory; the same command resumes an interrupted sweep in it",
                      workers_help="local worker processes, or workers of --dask local (default: the CPU count)")
    parser.add_argument("--part-runs", type=positive_int, metavar="N",
                        help="write a Parquet part at least every N runs (default: every 1000 runs or 10 s)")
    from analysis import posterior

    posterior.add_flag(parser, None)


def add_factor_flags(parser, params_help: str):
    """The parameters a design varies, and their ranges (``sweep --lhs`` and ``sensitivity``)."""
    parser.add_argument("--params", metavar="A,B,...", help=params_help)
    parser.add_argument("--bounds", action="append", metavar="NAME=LOW:HIGH",
                        help="override the registry range of a --params parameter (repeatable)")


def register(subparsers):
    parser = subparsers.add_parser(
        "sweep", help="run a scenario over a grid or Latin hypercube of parameter values",
        description="Run a scenario at every point of a design (a grid with --vary, or a Latin hypercube with "
                    "--lhs) with replicates. Writes design.json, points.csv, manifest.csv, runs/part-*.parquet "
                    "(monthly outputs of every run), scalars.csv (key scalar outputs per run) and summary.csv "
                    "(median and 5-95% band per design point). Re-running the same command resumes.")
    cli.add_scenario_argument(parser)
    parser.add_argument("--vary", action="append", metavar="NAME=LOW:HIGH:STEPS",
                        help="a grid axis: STEPS evenly spaced values of parameter NAME (repeatable)")
    parser.add_argument("--lhs", type=positive_int, metavar="N", help="a Latin hypercube of N points over --params")
    add_factor_flags(parser, "parameters of the Latin hypercube")
    add_run_flags(parser, DEFAULT_REPLICATES)
    parser.set_defaults(func=main, resumable=True)


# ---------------------------------------------------------------------------------------------- parsing
def _numbers(flag: str, text: str, fields: int, form: str) -> tuple[str, list[str]]:
    name, sep, rest = text.partition("=")
    parts = rest.split(":")
    if not sep or not name.strip() or len(parts) != fields:
        raise InputError(f"{flag}: expected {form}, got {text!r}")
    return name.strip(), parts


def _float(flag: str, text: str, whole: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise InputError(f"{flag}: {text!r} in {whole!r} is not a number") from None


def _factor(flag: str, name: str, low=None, high=None):
    from analysis.design import DesignError, factor

    try:
        return factor(name, low, high)
    except DesignError as error:
        raise InputError(f"{flag}: {error}") from None


def parse_vary(texts) -> list:
    axes = []
    for text in texts:
        name, (low, high, steps) = _numbers("--vary", text, 3, "NAME=LOW:HIGH:STEPS")
        try:
            steps = int(steps)
        except ValueError:
            raise InputError(f"--vary: STEPS must be a whole number, got {steps!r} in {text!r}") from None
        if steps < 2:
            raise InputError(f"--vary: {name} needs at least 2 steps, got {steps}")
        axes.append((_factor("--vary", name, _float("--vary", low, text), _float("--vary", high, text)), steps))
    return axes


def parse_params(text: str | None, default=None) -> list[str]:
    from sim import parameters

    if text is None:
        return list(default or [])
    names = [n.strip() for n in text.split(",")]
    if not any(names):
        raise InputError("--params: expected a comma-separated list of parameter names")
    if not all(names):
        raise InputError(f"--params: an empty name in {text!r} (a comma too many?)")
    for name in names:
        if name not in parameters.BY_NAME:
            raise InputError(f"--params: unknown parameter '{name}'{parameters.suggest(name, parameters.NAMES)}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"--params: listed twice: {', '.join(repeated)}")
    return names


def parse_factors(names: list[str], bounds_texts) -> list:
    """Factors over the registry ranges, with ``--bounds`` overrides."""
    bounds = {}
    for text in bounds_texts or []:
        name, (low, high) = _numbers("--bounds", text, 2, "NAME=LOW:HIGH")
        if name not in names:
            raise InputError(f"--bounds: '{name}' is not among the parameters varied ({', '.join(names)})")
        if name in bounds:
            # The last would silently win, and the design would not be the one the user meant to ask for.
            raise InputError(f"--bounds: {name} is given twice")
        bounds[name] = (_float("--bounds", low, text), _float("--bounds", high, text))
    return [_factor("--bounds" if name in bounds else "--params", name, *bounds.get(name, (None, None)))
            for name in names]


def check_common(args):
    """Checks of the shared flags that argparse cannot make; returns the scenario and the horizon in months."""
    from analysis.commands.run import load_scenario
    from sim import scenario as scenarios

    loaded = load_scenario(args.scenario, None)
    months = args.months or loaded.months
    if months > scenarios.MAX_MONTHS:
        raise InputError(f"--months: at most {scenarios.MAX_MONTHS}, got {months}")
    # Before the output directory exists: the pilot run would refuse the scale only once it has been created.
    check_scale(args.scale, [loaded])
    args.replicates_note = one_replicate_per_draw(args) if args.posterior else None
    return loaded, months


def with_posterior(plan, args):
    """The plan with ``--posterior N`` draws (replicate r of every point runs draw r mod N)."""
    import dataclasses

    if not args.posterior:
        return plan
    from analysis import posterior

    return dataclasses.replace(plan, draws=tuple(posterior.load().draws(args.posterior, args.seed)))


def check_cost(args, scenario, months: int, points: float, parameters: int, flag: str) -> None:
    """Refuse a design beyond the machine, and ask before one estimated at over an hour (analysis/cost.py)."""
    import os

    from analysis.cost import agents_at, check_work, sweep_held_bytes

    agents = agents_at(scenario, args.scale)
    runs = points * args.replicates
    check_work(agents=agents, months=months, runs=runs, workers=args.workers or os.cpu_count() or 1,
               engine=args.engine, runs_flags=f"{flag}, --replicates" + (", --posterior" if args.posterior else ""),
               held_bytes=sweep_held_bytes(runs, months, parameters),
               yes=args.yes, what=f"the design's {points:,.0f} points x {args.replicates} replicates")
    if getattr(args, "replicates_note", None):
        print(args.replicates_note, file=sys.stderr)


def execute(plan, args, default_out: str):
    """Run the sweep's runs into ``--out`` (resuming), turning library refusals into one-line input errors."""
    from analysis import sweep
    from analysis.backends import BackendError
    from analysis.outdir import check_output_directory
    from analysis.store import StoreError

    out = args.out if args.out is not None else default_out
    check_output_directory(out, plan.kind, inputs=plan.scenario.sources)
    try:
        sweep.run(plan, out, dask=args.dask, workers=args.workers, part_runs=args.part_runs)
    except (StoreError, BackendError, sweep.SweepError) as error:
        raise InputError(str(error)) from None
    return out


def render(out, args):
    for path in cli.render(out, args):
        print(f"wrote {path}")


def main(args):
    from analysis import design, sweep
    from analysis.scalars import BY_NAME

    if args.vary and (args.lhs or args.params):
        raise InputError("--vary: a grid (--vary) and a Latin hypercube (--lhs, --params) cannot be combined")
    if args.vary and args.bounds:
        raise InputError("--bounds: give a grid's bounds in --vary NAME=LOW:HIGH:STEPS")
    if not args.vary and args.lhs is None:
        raise InputError("sweep: give a design: --vary NAME=LOW:HIGH:STEPS (a grid) or --lhs N --params A,B")
    if args.lhs is not None and not args.params:
        raise InputError("--lhs: name the parameters to vary with --params A,B,...")
    scenario, months = check_common(args)
    from analysis.cost import product

    try:
        if args.vary:
            axes = parse_vary(args.vary)
            check_cost(args, scenario, months, product(steps for _, steps in axes), len(axes), "--vary")
            plan_design = design.grid(axes)
            for factor, steps in axes:
                kept = plan_design.settings["steps"][factor.name]
                if kept < steps:
                    print(f"note: --vary {factor.name}: a whole number, so {steps} steps from {factor.low:g} to "
                          f"{factor.high:g} give {kept} distinct values", file=sys.stderr)
        else:
            factors = parse_factors(parse_params(args.params), args.bounds)
            check_cost(args, scenario, months, args.lhs, len(factors), "--lhs")
            plan_design = design.latin_hypercube(factors, args.lhs, args.seed)
    except design.DesignError as error:
        raise InputError(f"{'--vary' if args.vary else '--lhs'}: {error}") from None
    plan = with_posterior(sweep.Sweep("sweep", scenario, plan_design, replicates=args.replicates, seed=args.seed,
                                      scale=args.scale, months=months, engine=args.engine), args)
    warn_about_scenarios([scenario], plan.design.names)
    out = execute(plan, args, f"results/{scenario.name}-sweep")
    from analysis.store import StoreError

    try:
        summary = sweep.write_summary(out)
    except (sweep.SweepError, StoreError) as error:
        raise InputError(str(error)) from None
    names = [c[:-len("_median")] for c in summary.columns if c.endswith("_median")]
    print(f"wrote {out}/summary.csv ({len(summary)} design points) and {out}/scalars.csv; key outputs (median "
          f"over replicates, lowest..highest design point):")
    for name in names:
        column = summary[f"{name}_median"]
        print(f"  {name:30} {column.min():>14.6g} .. {column.max():<14.6g} {BY_NAME[name].unit}")
    render(out, args)
    return 0

