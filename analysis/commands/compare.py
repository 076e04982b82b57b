"""``run.py compare BASE.toml ALT.toml [ALT2.toml ...]``: scenarios side by side with common random numbers."""

import time
from pathlib import Path

from analysis import cli
from analysis.commands.run import (
    add_run_flags,
    bands_note,
    load_scenario,
    posterior_draws,
    simulate,
    warn_about_scenarios,
    warn_if_imprecise,
)
from sim.scenario import ScenarioError


def register(subparsers):
    parser = subparsers.add_parser(
        "compare", help="compare scenarios with the baseline, replicate by replicate",
        description="Run a base scenario and one or more alternatives with the same seeds (common random "
                    "numbers: replicate i of every scenario draws the same random streams), write each as a run "
                    "directory OUT/<scenario name>/ and the paired differences ALT - BASE as comparison.csv "
                    "(at 12 months and the horizon, with 95% CIs) and differences.csv (every replicate and "
                    "month). Every scenario runs over the base's months unless --months is given.")
    parser.add_argument("base", metavar="BASE.toml", help="the reference scenario")
    parser.add_argument("alternatives", metavar="ALT.toml", nargs="+", help="scenarios to compare with BASE")
    add_run_flags(parser)
    parser.set_defaults(func=main)


def load_all(args):
    from sim.scenario import with_months

    base = load_scenario(args.base, args.months)
    alternatives = []
    seen = {base.name: base.path}
    for path in args.alternatives:
        alt = load_scenario(path, args.months)
        if alt.start != base.start:
            raise ScenarioError(alt.path, "scenario.start", f"{alt.start} differs from the base scenario's start "
                                                            f"{base.start}; compared scenarios must start in the "
                                                            f"same month")
        if alt.country != base.country:
            raise ScenarioError(alt.path, "scenario.country", f"{alt.country} differs from the base scenario's "
                                                              f"country {base.country}; compared scenarios must be "
                                                              f"of the same country")
        if alt.name in seen:
            raise ScenarioError(alt.path, "scenario.name", f"'{alt.name}' is also the name of {seen[alt.name]}; "
                                                           f"compared scenarios need different names (each gets "
                                                           f"OUT/<name>/)")
        seen[alt.name] = alt.path
        # Every alternative runs over the base's horizon, so its shocks are checked over that horizon too.
        alternatives.append(with_months(alt, base.months, flag="the base scenario's months"))
    return base, alternatives


def main(args):
    base, alternatives = load_all(args)
    scenarios = [base, *alternatives]
    draws, described = posterior_draws(args, scenarios)
    out = Path(args.out) if args.out is not None else Path("results") / (
        f"compare-{base.name}-vs-{'-'.join(a.name for a in alternatives)}")

    from analysis import compare, ensemble, provenance
    from analysis.outdir import atomic_directory, check_output_directory
    from analysis.runner import replicate_seed

    inputs = [path for s in scenarios for path in s.sources]
    check_output_directory(out, "compare", inputs=inputs)
    warn_if_imprecise(args.scale)
    warn_about_scenarios(scenarios)

    began = time.perf_counter()
    with cli.open_backend(args, runs=args.replicates * len(scenarios)) as backend:
        series = simulate(scenarios, args, backend, draws)
    summaries = {s.name: ensemble.summarise(series[s.name]).assign(bands=bands_note(described)) for s in scenarios}
    diffs = [compare.differences(series[base.name], series[a.name], a.name) for a in alternatives]
    import pandas as pd

    differences = pd.concat(diffs, ignore_index=True)
    table = compare.comparison(differences)
    table["bands"] = bands_note(described).replace("stochastic", "paired stochastic", 1)
    wall = time.perf_counter() - began
    info = {
        "kind": "compare",
        "base": base.name,
        "alternatives": [a.name for a in alternatives],
        "runs": {s.name: s.name for s in scenarios},
        "scenarios": {s.name: {"path": s.path, "sha256": s.sha256, "description": s.description}
                      for s in scenarios},
        "replicates": args.replicates,
        "seeds": [replicate_seed(args.seed, i) for i in range(args.replicates)],
        "scale": args.scale,
        "months": base.months,
        "start": base.start,
        "end": ensemble.month_dates(series[base.name])[-1],
        "engine": args.engine,
        "workers": backend.workers,
        "wall_time_s": round(wall, 3),
        "common_random_numbers": "replicate i of every scenario runs with analysis.runner.replicate_seed(seed, i)"
                                  " and the same posterior draw",
        "posterior": described, "bands": bands_note(described),
        # Each scenario's own hashes are in "scenarios" and in its run.json.
        **provenance.stamp(seed=args.seed),
    }
    with atomic_directory(out, "compare", inputs=inputs) as staging:
        for s in scenarios:
            manifest = ensemble.manifest(s, replicates=args.replicates, seed=args.seed, scale=args.scale,
                                         months=s.months, engine=args.engine, workers=backend.workers)
            manifest.update(wall_time_s=round(wall, 3), wall_time_note="the whole comparison",
                            compute_time_s=round(series[s.name].attrs["compute_time_s"], 3),
                            part_of_comparison=True, posterior=described, bands=bands_note(described))
            ensemble.write(staging / s.name, series[s.name], summaries[s.name], manifest)
        table.to_csv(staging / "comparison.csv", index=False)
        differences.to_csv(staging / "differences.csv", index=False)
        ensemble.write_json(staging / "compare.json", info)

    print(f"base {base.name}: {base.description}")
    for alt in alternatives:
        print(f"alt  {alt.name}: {alt.description}")
    plural = "s" if args.replicates > 1 else ""
    print(f"{args.replicates} replicate{plural} per scenario with common random numbers, scale {args.scale:g}, "
          f"{base.start}..{info['end']} ({base.months} months), engine {args.engine}, seed {args.seed}, "
          f"{wall:.1f} s on {backend.description}\n")
    print(compare.comparison_text(table, summaries[base.name], ensemble.KEY_METRICS))
    print(f"\nALT - BASE paired by replicate: mean [95% CI of the mean]; pp = percentage points. "
          f"All metrics: {out}/comparison.csv")
    for s in scenarios:
        cli.render(out / s.name, args)
    cli.render(out, args)
    print(f"wrote {out}/")
    return 0
