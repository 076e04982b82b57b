"""``run.py sensitivity SCENARIO.toml --method sobol|morris --samples N``: global sensitivity analysis.

The runs go through the same resumable store as ``sweep``; the analysis reads the design back from it. Defaults:
2 replicates per design point (so the replicate noise can be measured) at 1:100 scale, every parameter with a range,
every key scalar output the horizon allows.
"""

from analysis import cli
from analysis.cli import InputError, positive_int
from analysis.commands.run import warn_about_scenarios
from analysis.commands.sweep import (
    add_factor_flags,
    add_run_flags,
    check_common,
    check_cost,
    execute,
    parse_factors,
    parse_params,
    render,
    with_posterior,
)

DEFAULT_REPLICATES = 2
METHODS = ("sobol", "morris")


def register(subparsers):
    parser = subparsers.add_parser(
        "sensitivity", help="global sensitivity analysis (Sobol or Morris, with SALib)",
        description="Run a Sobol (Saltelli) or Morris design over parameter ranges and write indices.csv "
                    "(Sobol S1, ST and their CIs; Morris mu*, its CI, and sigma), indices_time.csv (indices of "
                    "the monthly series at yearly horizons) and noise.csv (replicate-noise share), next to the "
                    "sweep store. Re-running the same command resumes.")
    cli.add_scenario_argument(parser)
    parser.add_argument("--method", choices=METHODS, required=True, help="sobol (variance-based) or morris "
                                                                         "(elementary effects, cheaper)")
    parser.add_argument("--samples", type=positive_int, required=True, metavar="N",
                        help="Sobol: base sample size, a power of 2 (N (D+2) points, N (2D+2) with "
                             "--second-order); Morris: number of trajectories (N (D+1) points)")
    add_factor_flags(parser, "parameters to vary (default: every parameter with a range; see run.py params)")
    parser.add_argument("--outputs", metavar="A,B,...",
                        help="scalar outputs to analyse (default: all the horizon allows; see analysis/scalars.py)")
    parser.add_argument("--second-order", action="store_true",
                        help="Sobol: also estimate second-order indices (doubles the runs)")
    parser.add_argument("--levels", type=positive_int, default=None, metavar="P",
                        help="Morris: levels of the grid, even (default 4)")
    add_run_flags(parser, DEFAULT_REPLICATES)
    parser.set_defaults(func=main, resumable=True)


def parse_outputs(text: str | None, months: int) -> list[str]:
    from analysis import scalars
    from sim import parameters

    if text is None:
        return list(scalars.available(months))
    names = [n.strip() for n in text.split(",")]
    if not any(names):
        raise InputError("--outputs: expected a comma-separated list of scalar outputs")
    if not all(names):
        raise InputError(f"--outputs: an empty name in {text!r} (a comma too many?)")
    for name in names:
        if name not in scalars.BY_NAME:
            raise InputError(f"--outputs: unknown output '{name}'{parameters.suggest(name, scalars.NAMES)}; "
                             f"outputs: {', '.join(scalars.NAMES)}")
        if months < scalars.BY_NAME[name].min_months:
            raise InputError(f"--outputs: {name} needs --months of at least {scalars.BY_NAME[name].min_months}, "
                             f"got {months}")
    return list(dict.fromkeys(names))


def main(args):
    from analysis import design, sensitivity, sweep
    from analysis.store import StoreError

    if args.second_order and args.method != "sobol":
        raise InputError("--second-order: only for --method sobol")
    if args.levels is not None and args.method != "morris":
        raise InputError("--levels: only for --method morris")
    levels = args.levels or 4
    if args.method == "sobol":
        try:
            design.check_sobol_samples(args.samples)
        except design.DesignError as error:
            raise InputError(f"--samples: {error}") from None
    scenario, months = check_common(args)
    outputs = parse_outputs(args.outputs, months)
    factors = parse_factors(parse_params(args.params, sweep.default_parameters()), args.bounds)
    dimensions = len(factors)
    if args.method == "sobol":
        points = args.samples * ((2 * dimensions + 2) if args.second_order else (dimensions + 2))
    else:
        points = args.samples * (dimensions + 1)
    check_cost(args, scenario, months, points, dimensions, "--samples")
    try:
        plan = sensitivity.plan(scenario, args.method, args.samples, factors, replicates=args.replicates,
                                seed=args.seed, scale=args.scale, months=months, engine=args.engine,
                                calc_second_order=args.second_order, levels=levels)
    except design.DesignError as error:
        flag = "--levels" if "levels" in str(error) else "--samples"
        raise InputError(f"{flag}: {error}") from None
    plan = with_posterior(plan, args)
    warn_about_scenarios([scenario], plan.design.names)
    out = execute(plan, args, f"results/{scenario.name}-sensitivity-{args.method}")
    try:
        results = sensitivity.analyse(out, outputs)
        sweep.write_summary(out)
    except (sensitivity.SensitivityError, sweep.SweepError, StoreError) as error:
        raise InputError(str(error)) from None
    print_indices(results, args.method)
    print(f"wrote {out}/indices.csv, {out}/indices_time.csv, {out}/noise.csv, and per run and design point "
          f"{out}/scalars.csv and {out}/summary.csv")
    render(out, args)
    return 0


def print_indices(results: dict, method: str, top: int = 5):
    """The most influential parameters of each output, and its replicate-noise share."""
    indices, noise = results["indices"], results["noise"].set_index("output")
    key = "ST" if method == "sobol" else "mu_star"
    for output, rows in indices.groupby("output", sort=False):
        share = noise.loc[output, "noise_share_of_means"]
        note = "" if share != share else f"; replicate noise {100 * share:.0f}% of the variance analysed"
        if output in results["constant"]:
            print(f"{output}: constant across the design, no indices{note}")
            continue
        print(f"{output} (top {min(top, len(rows))} by {key}{note}):")
        for row in rows.sort_values(key, ascending=False).head(top).itertuples(index=False):
            if method == "sobol":
                print(f"  {row.parameter:32} ST {row.ST:6.3f} ± {row.ST_conf:.3f}   "
                      f"S1 {row.S1:6.3f} ± {row.S1_conf:.3f}")
            else:
                print(f"  {row.parameter:32} mu* {row.mu_star:10.4g} ± {row.mu_star_conf:.3g}   "
                      f"sigma {row.sigma:.4g}")
