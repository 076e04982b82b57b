"""``run.py calibrate``: fit the free behavioural parameters to data up to 2013 (see analysis/calibration.py)."""

from pathlib import Path

from analysis import calibration, cli
from analysis.cli import add_yes_flag, positive_int
from analysis.commands.run import check_scale
from sim import scenario as scenarios

DEFAULT_SCENARIO = calibration.HISTORY_SCENARIO


def register(subparsers):
    parser = subparsers.add_parser(
        "calibrate", help="fit departure, return, remittance and network parameters to pre-2014 data",
        description="Simulated method of moments under common random numbers: runs the historical scenario from "
                    "its start to 2013-12 at reduced scale and fits the free parameters to remittances 2010-2013, "
                    "the 2011 migrant stock, the 2011 departures and returns, and 2013 unemployment. Writes the "
                    "estimates to scenarios/calibrated/<country>.toml, which the model loads by default.")
    parser.add_argument("--scenario", type=Path, default=DEFAULT_SCENARIO, help="historical scenario file")
    parser.add_argument("--budget", type=positive_int, default=150, help="objective evaluations (default 150)")
    cli.add_sample_flags(parser, replicates=3, scale=200.0, seed=2013,
                         replicates_help="seeds averaged per evaluation, the same for every candidate")
    cli.add_executor_flags(parser, "local worker processes running an evaluation's replicates, or workers of "
                                   "--dask local (default: the CPU count, at most --replicates); the fit does "
                                   "not depend on it")
    parser.add_argument("--output", type=Path, help="parameter file to write (default "
                                                    "scenarios/calibrated/<country>.toml)")
    add_yes_flag(parser)
    parser.set_defaults(func=main)


def main(args):
    from analysis.cost import check_work
    from analysis.outdir import check_output_file

    scenario = scenarios.load(args.scenario)
    if args.output is not None:
        check_output_file(args.output, flag="--output", signature=calibration.SIGNATURE)
    agents = check_scale(args.scale, [scenario])
    check_work(agents=agents, months=scenario.months, runs=args.budget * args.replicates,
               workers=args.workers or 1, runs_flags="--budget, --replicates", yes=args.yes, held_bytes=0,
               what="the calibration's evaluations")
    with cli.open_backend(args, runs=args.replicates) as backend, cli.refused_setup():
        record = calibration.calibrate(scenario, budget=args.budget, scale=args.scale, replicates=args.replicates,
                                       seed=args.seed, backend=backend)
    path = calibration.write(record, args.output)
    print(f"{'target':22} {'year':>4} {'data':>12} {'band':>25} {'model':>12}")
    for row in record["fit"]:
        band = f"{row['low']:.4g}..{row['high']:.4g}"
        mark = "" if row["within_band"] else "  outside band"
        print(f"{row['target']:22} {row['year']:4} {row['data']:12.4g} {band:>25} {row['simulated']:12.4g}{mark}")
    print(f"\n{'parameter':28} {'prior':>10} {'estimate':>10}")
    for name, value in record["parameters"].items():
        print(f"{name:28} {record['priors'][name]:10.4g} {value:10.4g}")
    print(f"\nobjective {record['objective']:.4g} after {record['evaluations']} evaluations; wrote {path}")
    return 0
