"""The command line: parses arguments and calls library functions, nothing more.

Every command lives in ``analysis/commands/<name>.py`` with ``register(subparsers)``, which adds its parser and
sets ``func(args)``. Bad input of any kind (flags, scenario files, parameter values) ends with one line on stderr
naming the file or flag and the key, exit status 2, no traceback and no output written.
"""

import argparse
import importlib
import sys

COMMANDS = ("run", "compare", "sweep", "sensitivity", "calibrate", "validate", "plot", "params", "bench",
            "dashboard")
# Repeated from sim.model.ENGINES and analysis.report.FORMATS so that --help imports neither the model nor matplotlib.
ENGINES = ("fast", "reference")
FORMATS = ("png", "svg", "pdf")


class InputError(Exception):
    """Bad input from the user; the message is the whole one-line explanation."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(f"{self.prog}: {message}")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive finite number, got {text}")
    return value


def add_run_flags(parser, *, replicates: int, replicates_help: str, scale: float, seed_help: str, out_help: str,
                  workers_help: str):
    """The flags every command that runs the model shares (run, compare, sweep, sensitivity)."""
    parser.add_argument("--replicates", type=positive_int, default=replicates, metavar="N",
                        help=f"{replicates_help} (default {replicates})")
    parser.add_argument("--seed", type=non_negative_int, default=1, metavar="S", help=f"{seed_help} (default 1)")
    parser.add_argument("--scale", type=positive_float, default=scale, metavar="X",
                        help=f"real persons per agent; 1 simulates every person (default {scale:g})")
    parser.add_argument("--months", type=positive_int, metavar="M",
                        help="horizon in months (default: the scenario's months)")
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast (compiled, default) or reference (per-agent Mesa, slow)")
    parser.add_argument("--workers", type=positive_int, metavar="K", help=workers_help)
    parser.add_argument("--out", metavar="DIR", help=out_help)
    parser.add_argument("--no-plots", action="store_true", help="skip the figures and report.html")
    parser.add_argument("--format", choices=FORMATS, default="png", help="figure format (default png)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="run.py", description="Agent-based simulator of Tajik labour migration, remittances, "
                                               "home unemployment and aggregate risk conditions.")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subparsers.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"analysis.commands.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"analysis.commands.{name}":
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv=None) -> int:
    from sim.country import ProfileError
    from sim.scenario import ScenarioError

    try:
        args = build_parser().parse_args(argv)
        return args.func(args) or 0
    except (InputError, ScenarioError, ProfileError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
