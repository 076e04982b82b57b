"""``run.py bench``: performance at full national scale, against the reference engine, in sweeps, and by size."""

import json
import sys
from pathlib import Path

SIGNATURE = "run.py bench"  # written into --json files, so that only such files are ever overwritten


def register(subparsers):
    parser = subparsers.add_parser(
        "bench", help="measure speed and memory: the whole 1:1 run, cold start, engines, history throughput, scaling",
        description="Measure the model's performance: the whole 1:1 baseline command of 120 months in a fresh "
                    "process, three times (median, spread, peak memory, and its phases); the compile time of a "
                    "first run on an empty cache; both engines at about 20,000 agents over 12 months; the "
                    "2010-2019 history at the calibration's scale through local processes and a Dask LocalCluster "
                    "(runs per second, and Dask's overhead as a paired ratio over three repeats); run time from "
                    "about 10,000 agents to full scale. The full measurement takes three to five minutes on an idle "
                    "2-core machine and twice that on a busy one; close other work first, timings depend on it.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny populations and few months: checks that every measurement runs (about a "
                             "minute: some run in fresh processes, and an empty compile cache adds half a minute)")
    parser.add_argument("--json", metavar="FILE", help="also write the measurements to FILE as JSON")
    parser.set_defaults(func=main)


def main(args):
    from analysis import bench
    from analysis.outdir import check_output_file

    target = Path(args.json) if args.json else None
    if target is not None:
        check_output_file(target, flag="--json", signature=SIGNATURE)
    result = bench.run(quick=args.quick, progress=lambda name: print(f"measuring {name} ...", file=sys.stderr))
    print(bench.table(result))
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps({"written_by": SIGNATURE, **result}, indent=2) + "\n")
        print(f"wrote {target}")
    return 0
