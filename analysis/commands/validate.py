"""``run.py validate``: the out-of-sample hindcast of the 2014-2016 collapse (see analysis/validation.py)."""

import hashlib
import json
import time
from pathlib import Path

from analysis import calibration, cli, home_validation, provenance, validation
from analysis.commands.run import check_flags
from analysis.outdir import atomic_directory, check_output_directory
from sim import country
from sim import scenario as scenarios
from sim.scenario import base_values

DEFAULT_SCENARIO = calibration.HISTORY_SCENARIO
DEFAULT_OUT = "results/validation"


def register(subparsers):
    parser = subparsers.add_parser(
        "validate", help="hindcast 2010-2024 with the calibrated parameters and score it against the data",
        description="Runs the historical scenario with the calibrated parameters and compares annual USD "
                    "remittances with the World Bank and CBR series, against rouble-only and persistence "
                    "baselines, and ILO unemployment, poverty and households receiving a transfer with the "
                    "surveys, year by year. Writes validation.json, hindcast.csv, home_economy.csv and a figure.")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="historical scenario file")
    cli.add_sample_flags(parser, replicates=10, replicates_help="replicates", scale=100.0)
    cli.add_executor_flags(parser, "local worker processes, or workers of --dask local (default: the CPU count, "
                                   "at most the number of replicates); results do not depend on it")
    cli.add_output_flags(parser, f"output directory (default {DEFAULT_OUT})", default=DEFAULT_OUT)
    cli.add_yes_flag(parser)
    parser.set_defaults(func=main)


def main(args):

    scenario = scenarios.load(args.scenario)
    out = Path(args.out)
    check_output_directory(out, "validation", inputs=scenario.sources)
    check_flags(args, args.replicates, [scenario])
    started = time.time()
    with cli.open_backend(args, runs=args.replicates) as backend, cli.refused_setup():
        runs = validation.hindcast(scenario, args.replicates, args.scale, args.seed, backend=backend)
    fields, table = validation.compare(runs)
    fields["home_economy"], home_table = home_validation.compare(runs)
    calibrated = country.CALIBRATED_DIR / f"{scenario.country}.toml"
    meta = {
        "scenario": scenario.name, "replicates": args.replicates, "scale": args.scale,
        "wall_seconds": round(time.time() - started, 1),
        "calibration_file": str(calibrated) if calibrated.exists() else None,
        "calibration_sha256": hashlib.sha256(calibrated.read_bytes()).hexdigest() if calibrated.exists() else None,
        **provenance.stamp(scenario, seed=args.seed, parameters=base_values(scenario.country, scenario.parameters)),
    }
    with atomic_directory(out, "validation", inputs=scenario.sources) as staging:
        validation.write(staging, fields, table, runs, meta)
        home_table.to_csv(staging / "home_economy.csv", index=False)
        cli.render(staging, args)
    print("\n".join(validation.verdict_lines(fields)))
    print("\n".join(home_validation.verdict_lines(fields["home_economy"])))
    print(f"\nwrote {out}/validation.json")
    print(json.dumps({k: fields[k] for k in ("obs_change_2013_2016", "sim_change_2013_2016",
                                             "abm_mape_2014_2019", "naive_rouble_mape_2014_2019",
                                             "naive_persistence_mape_2014_2019")}, indent=2))
    return 0
