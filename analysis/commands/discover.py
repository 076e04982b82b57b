"""``run.py discover SCENARIO.toml --samples N --outcome EXPR``: scenario discovery with PRIM and CART, and the
robustness of policy packages across the same conditions.

The runs go into one resumable sweep store per scenario under ``OUT/runs/``; running the command again finishes
them, and a new ``--outcome`` on the same design reuses them without running anything. Defaults: every lever with
a range, 2 replicates per design point at 1:100 scale, seed 1.
"""

import argparse
import textwrap

from analysis.cli import InputError, number_type, positive_int
from analysis.commands.sweep import (
    add_run_flags,
    check_common,
    check_cost,
    parse_factors,
    parse_params,
    render,
    with_posterior,
)

DEFAULT_REPLICATES = 2


_share = number_type(float, "a number between 0 and 1", lambda v: 0 < v < 1,
                     "must be between 0 and 1 (exclusive)")


def _scalar_list() -> str:
    from analysis import scalars

    return "; ".join(f"{s.name} ({s.unit}, needs {s.min_months}+ months)" for s in scalars.SCALARS)


def register(subparsers):
    parser = subparsers.add_parser(
        "discover", help="scenario discovery: which combinations of conditions make an outcome happen (PRIM, CART)",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=textwrap.fill(
                    "Run a scenario over a Latin hypercube of --params (uniform over each parameter's plausible "
                    "range from the registry, or --bounds; calibrated parameters in --params too, so the design "
                    "explores their whole range; the others run at the point estimate, or at posterior draws with "
                    "--posterior), evaluate --outcome on each design point (median over its replicates), and find the "
                    "boxes of conditions where it holds with PRIM (EMA Workbench), with CART as a cross-check. "
                    "Writes cases.csv, boxes.csv (limits, coverage, density, mass and quasi-p-values per restricted "
                    "parameter), trajectory.csv (the peeling trajectory), cart.csv, discovery.json, the figures and "
                    "report.html into --out; with --policies also robustness.csv and regret.csv. Re-running "
                    "resumes the runs; a new --outcome reuses them.", 100),
        epilog="scalar outputs for --outcome (analysis/scalars.py):\n  "
               + "\n  ".join(_scalar_list().split("; "))
               + "\n\nexample:\n  python run.py discover scenarios/baseline.toml --samples 1000 --months 24 \\\n"
                 "    --params rub_per_usd,register_listing_prob,register_expulsion_prob,raid_intensity \\\n"
                 "    --outcome 'remittances_final_12m_usd_bn < 3.5'")
    parser.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file (see docs/scenario-format.md)")
    parser.add_argument("--samples", type=positive_int, required=True, metavar="N",
                        help="design points of the Latin hypercube (at least 5 / --mass-min, 100 by default)")
    parser.add_argument("--params", metavar="A,B,...",
                        help="parameters to vary (default: every lever; see run.py params)")
    parser.add_argument("--bounds", action="append", metavar="NAME=LOW:HIGH",
                        help="override the registry range of a --params parameter (repeatable)")
    parser.add_argument("--outcome", required=True, metavar="EXPR",
                        help="the condition of interest on scalar outputs, e.g. 'remittance_change_12m_pct < -33' or "
                             "'peak_unemployment_rate > 0.2 and deportations_per_year > 40000'; scalar names, "
                             "numbers, + - * /, < <= > >=, and, or, not, parentheses")
    parser.add_argument("--threshold", metavar="'OP VALUE'",
                        help="with a quantity as --outcome, the comparison that makes it a condition, e.g. '< -33'")
    parser.add_argument("--policies", metavar="A.toml,B.toml",
                        help="policy scenarios to evaluate across the same conditions (paired, common random numbers)")
    parser.add_argument("--boxes", type=positive_int, default=1, metavar="K",
                        help="PRIM boxes to look for, each among the cases outside the earlier ones (default 1)")
    parser.add_argument("--mass-min", type=_share, default=0.05, metavar="M",
                        help="smallest box or CART leaf, as a share of the design points (default 0.05)")
    parser.add_argument("--min-coverage", type=_share, default=0.5, metavar="C",
                        help="the box reported is the densest on the peeling trajectory that keeps at least this "
                             "share of the cases of interest (default 0.5)")
    add_run_flags(parser, DEFAULT_REPLICATES)
    parser.set_defaults(func=main, resumable=True)


def parse_policies(text: str | None, scenario):
    from sim import scenario as scenarios

    if text is None:
        return ()
    paths = [p.strip() for p in text.split(",") if p.strip()]
    if not paths:
        raise InputError("--policies: expected a comma-separated list of scenario files")
    loaded = []
    for path in paths:
        policy = scenarios.load(path)
        if policy.start != scenario.start:
            raise InputError(f"--policies: {path} starts in {policy.start} and {scenario.name} in {scenario.start}; "
                             f"paired conditions need one start month")
        if policy.country != scenario.country:
            raise InputError(f"--policies: {path} is a scenario for {policy.country} and {scenario.name} for "
                             f"{scenario.country}; paired conditions need one country")
        loaded.append(policy)
    names = [scenario.name, *(p.name for p in loaded)]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"--policies: scenario name listed twice: {', '.join(repeated)} (each scenario needs its "
                         f"own store, named after it)")
    return tuple(loaded)


def check_parameters(names: list[str], bounds) -> None:
    from sim import parameters

    given = {text.partition("=")[0].strip() for text in bounds or []}
    for name in names:
        p = parameters.BY_NAME[name]
        if not p.low < p.high and name not in given:
            raise InputError(f"--params: {name} has no plausible range in the registry ({p.low:g}..{p.high:g}); give "
                             f"one with --bounds {name}=LOW:HIGH")


def main(args):
    from analysis import design, discovery, provenance, sweep
    from analysis.backends import BackendError
    from analysis.outdir import check_output_directory
    from analysis.store import StoreError
    from sim import parameters

    scenario, months = check_common(args)
    levers = [name for name in parameters.LEVERS if parameters.BY_NAME[name].low < parameters.BY_NAME[name].high]
    names = parse_params(args.params, levers)
    check_parameters(names, args.bounds)
    factors = parse_factors(names, args.bounds)
    try:
        outcome = discovery.parse_outcome(args.outcome, months, args.threshold)
    except discovery.DiscoveryError as error:
        raise InputError(str(error)) from None
    fewest = discovery.min_samples(args.mass_min)
    if args.samples < fewest:
        raise InputError(f"--samples: PRIM needs at least {fewest} design points with --mass-min {args.mass_min:g} "
                         f"(its smallest box must hold {discovery.MIN_CASES_PER_BOX} cases), got {args.samples}")
    policies = parse_policies(args.policies, scenario)
    out = args.out if args.out is not None else f"results/{scenario.name}-discovery"
    inputs = [path for s in (scenario, *policies) for path in s.sources]
    check_output_directory(out, "discovery", inputs=inputs)
    check_cost(args, scenario, months, args.samples * (1 + len(policies)), len(factors), "--samples")
    try:
        plan_design = design.latin_hypercube(factors, args.samples, args.seed)
    except (discovery.DiscoveryError, design.DesignError) as error:
        raise InputError(str(error) if isinstance(error, discovery.DiscoveryError) else f"--params: {error}") from None
    base = with_posterior(sweep.Sweep("sweep", scenario, plan_design, replicates=args.replicates, seed=args.seed,
                                      scale=args.scale, months=months, engine=args.engine), args)
    plan = discovery.Discovery(base, policies)
    try:
        discovery.run(plan, out, dask=args.dask, workers=args.workers, part_runs=args.part_runs)
        result = discovery.analyse(plan, out, outcome, mass_min=args.mass_min, min_coverage=args.min_coverage,
                                   boxes=args.boxes)
    except (StoreError, BackendError, sweep.SweepError, discovery.DiscoveryError) as error:
        raise InputError(str(error)) from None
    settings = {"mass_min": args.mass_min, "min_coverage": args.min_coverage, "boxes_asked": args.boxes,
                "posterior_draws": args.posterior,
                "command_line": provenance.command_line()}
    discovery.write(out, result, discovery.manifest(plan, out, outcome, result, settings))
    report(result, outcome, out)
    render(out, args)
    return 0


def report(result, outcome, out):
    """What was found, in a few lines."""
    cases = result.cases
    print(f"\n{outcome.text}: {int(cases['of_interest'].sum())} of {len(cases)} design points "
          f"({100 * cases['of_interest'].mean():.0f} %)")
    for number, rows in result.boxes.boxes.groupby("box", sort=True):
        first = rows.iloc[0]
        print(f"PRIM box {number}: coverage {first['coverage']:.2f}, density {first['density']:.2f}, "
              f"mass {first['mass']:.2f}")
        for row in rows.dropna(subset=["parameter"]).itertuples(index=False):
            qp = [q for q in (row.qp_low, row.qp_high) if q == q]
            print(f"  {row.parameter:28} {row.low:>12.4g} .. {row.high:<12.4g} of {row.range_low:g}..{row.range_high:g}"
                  f"   quasi-p {max(qp):.2g}")
    agreement = result.agreement
    print(f"CART cross-check: {agreement['cart_leaves_of_interest']} of {agreement['cart_leaves']} leaves dense in "
          f"cases of interest; it classifies {100 * agreement['cases_classified_alike']:.0f} % of the design points "
          f"as PRIM's first box does")
    if result.robustness is not None:
        print("\nPolicy robustness across the same conditions:")
        for row in result.robustness.itertuples(index=False):
            line = f"  {row.scenario:28} outcome avoided in {100 * row.good_share:5.1f} % of conditions"
            if "regret_mean" in result.robustness.columns:
                line += (f"; best in {100 * row.best_share:5.1f} %; regret mean {row.regret_mean:.4g}, "
                         f"max {row.regret_max:.4g} ({outcome.quantity_text})")
            print(line)
    print(f"wrote {out}/boxes.csv, trajectory.csv, cart.csv, cases.csv"
          + (", robustness.csv, regret.csv" if result.robustness is not None else "") + " and discovery.json")
