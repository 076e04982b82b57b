"""``run.py params``: the parameter registry as a table or JSON."""

import json

from sim import parameters


def register(subparsers):
    parser = subparsers.add_parser("params", help="list every parameter with its default, unit, range and source",
                                   description="List the parameter registry (the single declaration of every "
                                               "parameter). Levers can be changed by scenario shocks.")
    formats = parser.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print a JSON list of objects instead of a table")
    formats.add_argument("--markdown", action="store_true",
                         help="print the Markdown table of docs/parameters.md (with the Tajik calibrated values)")
    parser.add_argument("--group", help="only parameters of this group (lever, abroad, remittance, ...)")
    parser.set_defaults(func=main)


def main(args):
    records = parameters.as_records()
    if args.group is not None:
        groups = sorted({r["group"] for r in records})
        if args.group not in groups:
            from analysis.cli import InputError

            raise InputError(f"--group: unknown group '{args.group}'{parameters.suggest(args.group, groups)}; "
                             f"groups: {', '.join(groups)}")
        records = [r for r in records if r["group"] == args.group]
    if args.json:
        print(json.dumps(records, indent=2))
        return 0
    if args.markdown:
        from sim import country

        print(parameters.markdown(country.calibrated_parameters("tajikistan")))
        return 0
    header = f"{'name':32} {'default':>10} {'range':>19}  {'unit':26} source"
    print(header)
    print("-" * len(header))
    for r in records:
        flag = "*" if r["lever"] else " "
        span = f"{r['low']:g}..{r['high']:g}"
        print(f"{r['name']:31}{flag} {r['default']:>10g} {span:>19}  {r['unit'][:26]:26} {r['source']}")
    print(f"\n{len(records)} parameters; * marks levers that scenario shocks can change over time.")
    return 0
