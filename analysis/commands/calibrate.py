"""``run.py calibrate``: ABC-SMC of the free behavioural parameters on data up to 2013 (analysis/calibration.py)."""

import time
from pathlib import Path

from analysis import calibration, cli
from analysis.cli import InputError, add_yes_flag, positive_int
from analysis.commands.run import check_scale
from sim import scenario as scenarios

DEFAULT_SCENARIO = calibration.HISTORY_SCENARIO
DEFAULT_OUT = "results/calibration"
# The default configuration: under two hours on two cores (docs/validation.md has the measured times).
DEFAULT_POPULATION = 400
DEFAULT_GENERATIONS = 10
DEFAULT_REPLICATES = 2
DEFAULT_SCALE = 100.0

at_least_two = cli.number_type(int, "a whole number", lambda v: v >= 2, "must be at least 2")


def register(subparsers):
    parser = subparsers.add_parser(
        "calibrate", help="Bayesian calibration (ABC-SMC) of the behavioural parameters on pre-2014 data",
        description="ABC-SMC (pyabc) under common random numbers: runs the historical scenario from its start to "
                    "2013-12 at reduced scale for each proposed parameter set and keeps those whose remittances "
                    "(World Bank 2010-2013, CBR 2013), 2011 migrant stock, departures and returns, 2013 "
                    "unemployment and 2010-2013 poverty fall within the data's bands. Prints a cost estimate first; "
                    "every finished generation is kept in OUT/calibration.db, so a killed run resumes where it "
                    "stopped when the same command is run again. Writes the posterior sample "
                    "scenarios/calibrated/tajikistan_posterior.csv (with .json provenance and, unless --no-plots, a "
                    "figure of prior against posterior) and its weighted median to "
                    "scenarios/calibrated/tajikistan.toml, which the model loads by default.")
    parser.add_argument("--scenario", type=cli.file_name, default=DEFAULT_SCENARIO,
                        help="historical scenario file, starting by 2010-01, the first target year's January "
                             "(default: this checkout's scenarios/history_2010_2024.toml)")
    parser.add_argument("--population", type=at_least_two, default=DEFAULT_POPULATION,
                        help=f"particles per generation (default {DEFAULT_POPULATION})")
    parser.add_argument("--generations", type=positive_int, default=DEFAULT_GENERATIONS,
                        help=f"ABC-SMC generations (default {DEFAULT_GENERATIONS})")
    cli.add_sample_flags(parser, replicates=DEFAULT_REPLICATES, scale=DEFAULT_SCALE, seed=2013,
                         replicates_help="seeds averaged per proposal, the same for every proposal")
    cli.add_executor_flags(parser, "local worker processes (pyabc's multicore sampler; default: the CPU count; 1 "
                                   "runs in this process and is reproducible), or workers of --dask local")
    parser.add_argument("--out", metavar="DIR", type=cli.directory_name, default=DEFAULT_OUT,
                        help=f"directory of the resumable run: pyabc's history database and its settings "
                             f"(default {DEFAULT_OUT})")
    parser.add_argument("--no-plots", action="store_true",
                        help="write no figure; the posterior sample, its .json record and the point estimate are "
                             "still written to --write-to, and the resumable run to --out")
    parser.add_argument("--format", choices=cli.FORMATS, default="png",
                        help="format of the prior-against-posterior figure (default png)")
    parser.add_argument("--write-to", type=cli.directory_name, default=calibration.CALIBRATED_DIR, metavar="DIR",
                        help="where the posterior and the point estimate go (default scenarios/calibrated)")
    add_yes_flag(parser)
    parser.set_defaults(func=main, resumable=True)


def main(args):
    from analysis.backends import available_cpus
    from analysis.cost import check_work
    from analysis.formatting import format_duration
    from analysis.outdir import check_output_directory, check_output_file, write_marker

    scenario = scenarios.load(args.scenario)
    # Checked before the cost estimate runs the model: a scenario starting after the target years has none of them.
    problem = calibration.coverage_problem(scenario)
    if problem:
        raise InputError(f"--scenario: {args.scenario}: {problem}")
    out = Path(args.out)
    check_output_directory(out, "calibration", inputs=scenario.sources)
    write_to = Path(args.write_to)
    posterior_csv = write_to / calibration.POSTERIOR_CSV.name
    point_file = write_to / f"{scenario.country}.toml"
    check_output_file(point_file, flag="--write-to", signature=calibration.SIGNATURE)
    for path, signature in calibration.posterior_files(posterior_csv, None if args.no_plots else args.format).items():
        check_output_file(path, flag="--write-to", signature=signature)
    agents = check_scale(args.scale, [scenario])
    workers = args.workers or available_cpus()
    estimated_proposals = calibration.estimate_simulations(args.population, args.generations)

    # The cost estimate: one timed proposal at the registry defaults (it also compiles the model).
    simulator = calibration.Simulator(scenario, args.scale, args.replicates, args.seed)
    with cli.refused_setup():
        simulator(calibration.registry_defaults())
        began = time.perf_counter()
        simulator(calibration.registry_defaults())
    per_proposal = time.perf_counter() - began
    projected = estimated_proposals * per_proposal / workers
    print(f"cost estimate: about {estimated_proposals} proposals x {args.replicates} replicate(s) x "
          f"{per_proposal / args.replicates:.3f} s per simulation ({calibration.fit_months(scenario)} months at "
          f"scale {args.scale:g}) / {workers} worker(s) = {format_duration(projected)} (acceptance assumed "
          f"{calibration.ASSUMED_ACCEPTANCE:.0%} per generation)")
    check_work(agents=agents, months=calibration.fit_months(scenario), runs=estimated_proposals * args.replicates,
               workers=workers, runs_flags="--population, --generations, --replicates", yes=args.yes, held_bytes=0,
               what="the calibration's simulations")

    if not out.exists():
        out.mkdir(parents=True)
    write_marker(out, "calibration")
    began = time.perf_counter()
    try:
        history = calibration.run_abc(scenario, out, population_size=args.population, generations=args.generations,
                                      scale=args.scale, replicates=args.replicates, seed=args.seed, workers=workers,
                                      dask=args.dask)
    except calibration.ConfigurationError as error:
        raise InputError(f"--out: {error}") from None
    wall = time.perf_counter() - began

    posterior = calibration.posterior_sample(history)
    estimate = calibration.point_estimate(posterior)
    with cli.refused_setup():
        simulated = calibration.simulated_moments(simulator.frames(estimate), simulator.moments)
    fit = calibration.fit_table(simulated, simulator.moments)
    generations = calibration.generations_table(history)
    identification = calibration.identifiability(posterior)
    inputs_sha256, files = calibration.inputs_record(scenario)
    proposals = calibration.proposals(history)
    simulations = proposals * args.replicates
    record = {
        "kind": "posterior", "country": scenario.country, "scenario": scenario.name,
        "date": calibration.today(), "method": "ABC-SMC (pyabc), uniform priors, band distance, CRN",
        "population_size": args.population, "generations": len(generations), "scale": args.scale,
        "replicates": args.replicates, "seed": args.seed, "workers": workers, "dask": args.dask,
        "simulations": simulations, "wall_seconds_this_session": round(wall, 1),
        "seconds_per_simulation": round(per_proposal / args.replicates, 4),
        "distance": calibration.total_distance(simulated, simulator.moments),
        "target_years": sorted({m.year for m in simulator.moments}), "fit_end": calibration.FIT_END,
        "inputs_sha256": inputs_sha256, "inputs": files,
        "rebuild": f"{calibration.REBUILD_COMMAND} (this configuration: --population {args.population} "
                   f"--generations {args.generations} --replicates {args.replicates} --scale {args.scale:g} "
                   f"--seed {args.seed})",
        "parameters": estimate, "priors": calibration.registry_defaults(),
        "identifiability": identification, "generation_log": generations, "fit": fit,
        "moments_without_pre_2014_data": calibration.NO_PRE_2014_DATA,
        "provenance": calibration.stamp(scenario, args.seed, estimate),
    }
    csv_path, json_path = calibration.write_posterior(posterior, record, posterior_csv)
    figures = [] if args.no_plots else [
        calibration.plot_prior_posterior(posterior, identification, csv_path.with_suffix(f".{args.format}"))]
    point = calibration.write(record, point_file)

    print(f"\n{'moment':22} {'year':>4} {'data':>12} {'band':>25} {'model':>12}")
    for row in fit:
        band = f"{row['low']:.4g}..{row['high']:.4g}"
        mark = "" if row["within_band"] else "  outside band"
        print(f"{row['target']:22} {row['year']:4} {row['data']:12.4g} {band:>25} {row['simulated']:12.4g}{mark}")
    print(f"\n{'parameter':26} {'prior':>15} {'posterior median [p05, p95]':>34}  identification")
    for row in identification:
        print(f"{row['parameter']:26} {row['prior_low']:6.3g}..{row['prior_high']:<7.3g} "
              f"{row['posterior_median']:10.4g} [{row['posterior_p05']:9.4g}, {row['posterior_p95']:9.4g}]  "
              f"{row['identification']} (sd ratio {row['sd_ratio']:.2f})")
    written = ", ".join(str(path) for path in [csv_path, json_path, *figures, point])
    print(f"\n{len(generations)} generations, {proposals} proposals, the prior sample included, x "
          f"{args.replicates} replicate(s) = {simulations} simulations, {format_duration(wall)} this session; "
          f"wrote {written}")
    return 0
