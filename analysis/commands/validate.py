"""``run.py validate``: the validation scorecard, Tajikistan, Uzbekistan and Kyrgyzstan, 2010-2024 (see
analysis/validation.py)."""

import hashlib
import time
from pathlib import Path

from analysis import calibration, cli, home_validation, posterior, provenance, validation
from analysis.commands.run import check_flags
from analysis.outdir import atomic_directory, check_output_directory
from sim import scenario as scenarios
from sim.scenario import base_values

DEFAULT_SCENARIO = calibration.HISTORY_SCENARIO
DEFAULT_OUT = "results/validation"
DEFAULT_DRAWS = 40
COUNTRIES = ("tajikistan", "uzbekistan", "kyrgyzstan")


def register(subparsers):
    parser = subparsers.add_parser(
        "validate", help="score the 2010-2024 hindcast (Tajikistan; Uzbekistan and Kyrgyzstan, never fitted) against "
                         "the data",
        description="Runs the historical scenario with posterior draws for Tajikistan and, with the Tajik posterior "
                    "and each country's profile, for Uzbekistan and Kyrgyzstan (no patent from August 2015), and "
                    "scores every declared observation (remittances, "
                    "CBR transfers, stocks, flows, bans, naturalisations) against the model's 5-95 % predictive "
                    "band and the rouble-only and persistence baselines. Writes scorecard.csv, validation.json "
                    "(skill 2014-2019, coverage, the 2013-2016 change and its decomposition), home_economy.csv (ILO "
                    "unemployment, poverty and households receiving a transfer in 10 days against the surveys, year "
                    "by year) and a figure.")
    parser.add_argument("--scenario", type=cli.file_name, default=DEFAULT_SCENARIO,
                        help=f"historical scenario file, running every month of "
                             f"{calibration.year_span(validation.NEEDED_YEARS)} (default: this checkout's "
                             f"scenarios/history_2010_2024.toml)")
    parser.add_argument("--posterior", type=cli.positive_int, default=DEFAULT_DRAWS, metavar="N",
                        help=f"posterior draws, one replicate each (default {DEFAULT_DRAWS})")
    parser.add_argument("--seed", type=cli.non_negative_int, default=1, metavar="S", help="study seed (default 1)")
    parser.add_argument("--scale", type=cli.positive_float, default=100.0, metavar="X",
                        help="real persons per agent (default 100)")
    cli.add_executor_flags(parser, "local worker processes, or workers of --dask local (default: the CPU count, "
                                   "at most the number of runs); results do not depend on it")
    cli.add_output_flags(parser, f"output directory (default {DEFAULT_OUT})", default=DEFAULT_OUT)
    cli.add_yes_flag(parser)
    parser.set_defaults(func=main)


def main(args):
    history = scenarios.load(args.scenario)
    # Checked before any run: a scenario that misses a year the summary reads would otherwise fail at the end.
    problem = validation.coverage_problem(history)
    if problem:
        raise cli.InputError(f"--scenario: {args.scenario}: {problem}")
    out = Path(args.out)
    check_output_directory(out, "validation", inputs=history.sources)
    sample = posterior.load()
    draws = sample.draws(args.posterior, args.seed)
    args.replicates = args.posterior
    countries = [validation.country_scenario(history, name) for name in COUNTRIES]
    # Each country whose citizens need no patent from some month is run again without that treaty, paired.
    counterfactuals = {s.country: validation.without_treaty(s) for s in countries}
    counterfactuals = {name: s for name, s in counterfactuals.items() if s is not None}
    check_flags(args, args.posterior * (len(countries) + len(counterfactuals)), countries)
    started = time.time()
    runs = {}
    with cli.open_backend(args, runs=args.posterior) as backend, cli.refused_setup():
        for scenario in countries:
            runs[scenario.country] = validation.hindcast(scenario, draws=draws, scale=args.scale, seed=args.seed,
                                                         backend=backend)
        treaty_runs = {name: validation.hindcast(s, draws=draws, scale=args.scale, seed=args.seed, backend=backend)
                       for name, s in counterfactuals.items()}
    card = validation.scorecard(runs)
    fields = validation.summarise(card, runs)
    fields["treaty_effect"] = {name: validation.treaty_effect(runs[name], table) for name, table in treaty_runs.items()}
    fields["home_economy"], home_table = home_validation.compare(runs["tajikistan"])
    point = calibration.CALIBRATED_DIR / f"{history.country}.toml"
    meta = {
        "scenario": history.name, "replicates": args.posterior, "scale": args.scale,
        "wall_seconds": round(time.time() - started, 1),
        "posterior": sample.describe(args.posterior),
        "bands": "model 5-95 %: parameter and stochastic uncertainty (replicate i: its own seed, posterior draw i)",
        "calibration_file": str(point) if point.exists() else None,
        "calibration_sha256": hashlib.sha256(point.read_bytes()).hexdigest() if point.exists() else None,
        "unit": "USD bn per year",
        "data_source": "World Bank/KNOMAD, CBU and NBKR remittance estimates (low-high = range of published "
                       "figures) and Central Bank of Russia money-transfer statistics "
                       "(analysis/data/<country>_annual.csv)",
        **provenance.stamp(history, seed=args.seed, parameters=base_values(history.country, history.parameters)),
    }
    with atomic_directory(out, "validation", inputs=history.sources) as staging:
        validation.write(staging, fields, card, runs, meta)
        home_table.to_csv(staging / "home_economy.csv", index=False)
        cli.render(staging, args)
    print("\n".join(validation.verdict_lines(fields)))
    print("\n".join(home_validation.verdict_lines(fields["home_economy"])))
    print(f"\nwrote {out}/scorecard.csv and {out}/validation.json")
    return 0
