"""``run.py plot DIR``: regenerate the figures and report.html of any results directory."""

from analysis.cli import FORMATS, directory_name


def register(subparsers):
    parser = subparsers.add_parser(
        "plot", help="redraw the figures and report.html of a results directory",
        description="Recognise a results directory by its manifest (run.json, compare.json, design.json, "
                    "validation.json or discovery.json), draw its figures next to its data and write a "
                    "self-contained report.html. For a comparison, the run directory of each scenario is redrawn too.")
    parser.add_argument("directory", metavar="DIR", type=directory_name,
                        help="a directory written by run, compare, sweep, sensitivity, validate or discover")
    parser.add_argument("--format", choices=FORMATS, default="png", help="figure format (default png)")
    parser.set_defaults(func=main)


def main(args):
    from pathlib import Path

    from analysis import report
    from analysis.cli import InputError
    from analysis.outdir import missing_marker, owner

    try:
        report.read_manifest(args.directory)
        # A comparison's run directories carry no marker of their own: the comparison's marks them.
        parent = Path(args.directory).resolve().parent
        written_here = owner(args.directory) is not None or (owner(parent) or {}).get("kind") == "compare"
        if not written_here:
            raise InputError(f"{args.directory}: not written by this program ({missing_marker(args.directory)}); plot "
                             f"redraws only directories that run, compare, sweep, sensitivity, validate or discover "
                             f"wrote")
        written = report.render_all(args.directory, args.format)
    except report.NotAResultsDirectory as error:
        raise InputError(str(error)) from None
    figures = [p for p in written if p.name != "report.html"]
    reports = [p for p in written if p.name == "report.html"]
    print(f"wrote {len(figures)} figure{'s' if len(figures) != 1 else ''} and {len(reports)} "
          f"report{'s' if len(reports) != 1 else ''}:")
    for path in written:
        print(f"  {path}")
    return 0
