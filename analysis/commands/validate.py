"""``run.py validate``: the out-of-sample hindcast of the 2014-2016 collapse (see analysis/validation.py)."""

import hashlib
import json
import sys
import time
from pathlib import Path

from analysis import calibration, report, validation
from analysis.cli import add_yes_flag, positive_float, positive_int
from analysis.outdir import atomic_directory, check_output_directory
from sim import country
from sim import scenario as scenarios

DEFAULT_SCENARIO = calibration.HISTORY_SCENARIO


def register(subparsers):
    parser = subparsers.add_parser(
        "validate", help="hindcast 2010-2024 with the calibrated parameters and score it against the data",
        description="Runs the historical scenario with the calibrated parameters and compares annual USD "
                    "remittances with the World Bank and CBR series, against rouble-only and persistence "
                    "baselines. Writes validation.json, hindcast.csv and a figure.")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="historical scenario file")
    parser.add_argument("--replicates", type=positive_int, default=10, help="replicates (default 10)")
    parser.add_argument("--scale", type=positive_float, default=100, help="persons per agent (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="study seed (default 1)")
    parser.add_argument("--workers", type=positive_int, default=2, help="parallel processes (default 2)")
    parser.add_argument("--out", type=Path, default=Path("results/validation"), help="output directory")
    parser.add_argument("--no-plots", action="store_true", help="skip figures and report.html")
    parser.add_argument("--format", choices=("png", "svg", "pdf"), default="png", help="figure format")
    add_yes_flag(parser)
    parser.set_defaults(func=main)


def main(args):
    from analysis.cost import agents_at, check_work

    scenario = scenarios.load(args.scenario)
    check_output_directory(args.out, "validation", inputs=scenario.sources)
    check_work(agents=agents_at(scenario, args.scale), months=scenario.months, runs=args.replicates,
               workers=args.workers, yes=args.yes, what="the hindcast")
    started = time.time()
    runs = validation.hindcast(scenario, args.replicates, args.scale, args.seed, args.workers)
    fields, table = validation.compare(runs)
    calibrated = country.CALIBRATED_DIR / f"{scenario.country}.toml"
    meta = {
        "scenario": scenario.name, "scenario_sha256": scenario.sha256, "replicates": args.replicates,
        "scale": args.scale, "seed": args.seed, "wall_seconds": round(time.time() - started, 1),
        "calibration_file": str(calibrated) if calibrated.exists() else None,
        "calibration_sha256": hashlib.sha256(calibrated.read_bytes()).hexdigest() if calibrated.exists() else None,
        "command": " ".join(sys.argv),
    }
    with atomic_directory(args.out, "validation", inputs=scenario.sources) as staging:
        validation.write(staging, fields, table, runs, meta)
        if not args.no_plots:
            report.render(staging, args.format)
    print("\n".join(validation.verdict_lines(fields)))
    print(f"\nwrote {args.out}/validation.json")
    print(json.dumps({k: fields[k] for k in ("obs_change_2013_2016", "sim_change_2013_2016",
                                             "abm_mape_2014_2019", "naive_rouble_mape_2014_2019",
                                             "naive_persistence_mape_2014_2019")}, indent=2))
    return 0
