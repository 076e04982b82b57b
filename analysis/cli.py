"""The command line: parses arguments and calls library functions, nothing more.

Every command lives in ``analysis/commands/<name>.py`` with ``register(subparsers)``, which adds its parser and
sets ``func(args)``. Bad input of any kind (flags, scenario files, parameter values) ends with one line on stderr
naming the file or flag and the key, exit status 2, no traceback and no output written.
"""

import argparse
import contextlib
import errno
import importlib
import os
import shlex
import sys
import tempfile
import time
import traceback

COMMANDS = ("run", "compare", "sweep", "sensitivity", "discover", "calibrate", "validate", "plot", "params",
            "bench", "dashboard")
# Repeated from sim.model.ENGINES and analysis.report.FORMATS so that --help imports neither the model nor matplotlib.
ENGINES = ("fast", "reference")
FORMATS = ("png", "svg", "pdf")


class InputError(Exception):
    """Bad input from the user; the message is the whole one-line explanation."""


class Parser(argparse.ArgumentParser):
    def error(self, message):
        raise InputError(f"{self.prog}: {message}")


def number_type(convert, expected: str, accept, requirement: str):
    """An argparse type: ``convert(text)``, refused unless ``accept(value)``; errors read ``expected`` or
    ``requirement`` followed by what was given."""
    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if not accept(value):
            # A whole number as read (-01 is -1); a real number as typed (1e999 would print as inf).
            raise argparse.ArgumentTypeError(f"{requirement}, got {value if convert is int else text}")
        return value

    return parse


positive_int = number_type(int, "a whole number", lambda v: v >= 1, "must be at least 1")
non_negative_int = number_type(int, "a whole number", lambda v: v >= 0, "must be 0 or more")
positive_float = number_type(float, "a number", lambda v: 0 < v < float("inf"), "must be a positive finite number")


def _named(what: str):
    """An argparse type for a path flag that refuses an empty name, which would be taken for the current
    directory."""
    def parse(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"expected {what}, got an empty string")
        return text
    return parse


directory_name = _named("a directory name")  # --out, --write-to, --save-dir, plot's DIR
file_name = _named("a file name")  # --scenario


def at_least(minimum: int):
    """An argparse type for a whole number of at least ``minimum``."""
    return number_type(int, "a whole number", lambda value: value >= minimum, f"must be at least {minimum}")


def dask_address(text: str) -> str:
    from analysis.backends import BackendError, check_address

    try:
        return check_address(text)
    except BackendError as error:
        raise argparse.ArgumentTypeError(str(error).removeprefix("--dask: ")) from None


def add_scenario_argument(parser):
    """The scenario file a command runs, as its first positional argument."""
    parser.add_argument("scenario", metavar="SCENARIO.toml", help="scenario file (see docs/scenario-format.md)")


def add_sample_flags(parser, *, replicates: int, replicates_help: str, scale: float, seed: int = 1,
                     seed_help: str = "study seed; replicate i uses a seed derived from (S, i)"):
    """How many runs, how coarse and from which seed: the flags of every command that runs the model."""
    parser.add_argument("--replicates", type=positive_int, default=replicates, metavar="N",
                        help=f"{replicates_help} (default {replicates})")
    parser.add_argument("--seed", type=non_negative_int, default=seed, metavar="S",
                        help=f"{seed_help} (default {seed})")
    parser.add_argument("--scale", type=positive_float, default=scale, metavar="X",
                        help=f"real persons per agent; 1 simulates every person (default {scale:g})")


def add_executor_flags(parser, workers_help: str):
    """Where the runs execute (``analysis.backends``); results do not depend on it."""
    parser.add_argument("--workers", type=positive_int, metavar="K", help=workers_help)
    parser.add_argument("--dask", type=dask_address, metavar="local|tcp://HOST:8786",
                        help="run on Dask: 'local' starts a LocalCluster, an address joins a running cluster "
                             "(docs/sweeps.md)")


def add_output_flags(parser, out_help: str, **out):
    """Where results go, and their figures."""
    parser.add_argument("--out", metavar="DIR", type=directory_name, help=out_help, **out)
    parser.add_argument("--no-plots", action="store_true", help="skip the figures and report.html")
    parser.add_argument("--format", choices=FORMATS, default="png", help="figure format (default png)")


def add_run_flags(parser, *, replicates: int, replicates_help: str, scale: float, seed_help: str, out_help: str,
                  workers_help: str):
    """The flags every command that runs a scenario file shares (run, compare, sweep, sensitivity)."""
    add_sample_flags(parser, replicates=replicates, replicates_help=replicates_help, scale=scale,
                     seed_help=seed_help)
    parser.add_argument("--months", type=positive_int, metavar="M",
                        help="horizon in months (default: the scenario's months)")
    parser.add_argument("--engine", choices=ENGINES, default="fast",
                        help="fast (compiled, default) or reference (per-agent Mesa, slow)")
    add_executor_flags(parser, workers_help)
    add_output_flags(parser, out_help)
    add_yes_flag(parser)


def open_backend(args, runs: int | None = None):
    """The backend ``--dask`` and ``--workers`` choose. Without either, local processes, as many as the CPUs
    (at most ``runs``). Bad input (an unreachable or mismatched cluster) is an InputError."""
    from analysis import backends

    workers = args.workers
    if workers is None and args.dask is None and runs is not None:
        workers = max(1, min(backends.available_cpus(), runs))
    try:
        return backends.open_backend(args.dask, workers)
    except backends.BackendError as error:
        raise InputError(str(error)) from None


@contextlib.contextmanager
def refused_setup():
    """The model's refusal of its set-up (``analysis.runner.SetupError``, a scale too coarse for example) as one
    line of bad input naming the flag."""
    from analysis.runner import SetupError

    try:
        yield
    except SetupError as error:
        message = str(error)
        if message.startswith("scale: "):
            raise InputError(f"--scale: {message.removeprefix('scale: ')}") from None
        raise InputError(message) from None


def render(directory, args) -> list:
    """Draw the figures and report.html of a results directory, unless ``--no-plots``; the files written."""
    if args.no_plots:
        return []
    from analysis import report

    return report.render(directory, args.format)


YES_HELP = ("start work estimated to take over an hour without asking (without it, such work is asked about at a "
            "terminal and refused otherwise); work that needs more than the machine's memory is always refused")


def add_yes_flag(parser):
    parser.add_argument("--yes", action="store_true", help=YES_HELP)


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="run.py", description="Agent-based simulator of Tajik labour migration, remittances, "
                                               "home unemployment and aggregate risk conditions.")
    parser.add_argument("--debug", action="store_true",
                        help="print the full traceback of an unexpected failure instead of one line naming the "
                             "log file that holds it (accepted anywhere on the command line)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    subparsers.required = True
    for name in COMMANDS:
        importlib.import_module(f"analysis.commands.{name}").register(subparsers)
    return parser


def main(argv=None) -> int:
    """Run one command. Bad input: one line on stderr, status 2. An unexpected failure: one line naming a log file
    that holds the traceback (or the traceback itself with ``--debug``), status 1. A closed or full standard
    output ends the command quietly: status 141 (as if killed by SIGPIPE) for a pipe whose reader left, 1 for a
    full disk."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if debug:
        argv = [a for a in argv if a != "--debug"]
    from analysis.outdir import OutputError
    from sim.country import ProfileError
    from sim.scenario import ScenarioError

    stdout = sys.stdout = _Watched(sys.stdout)
    args = None
    try:
        args = build_parser().parse_args(argv)
        status = args.func(args) or 0
        sys.stdout.flush()
        return status
    except (InputError, ScenarioError, ProfileError, OutputError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Commands whose work is kept as it finishes (``resumable``) say how to go on from it.
        hint = "; run the same command again to resume" if getattr(args, "resumable", False) else ""
        print(f"interrupted{hint}", file=sys.stderr)
        return 130
    except OSError as error:
        if error is not stdout.failure:
            return _unexpected(error, argv, debug)
        _silence_stdout()
        if error.errno == errno.EPIPE:
            return 128 + 13  # as if killed by SIGPIPE, as `yes | head` reports
        print(f"error: cannot write to standard output: {error.strerror or error}", file=sys.stderr)
        return 1
    except Exception as error:
        return _unexpected(error, argv, debug)
    finally:
        sys.stdout = stdout.stream


class _Watched:
    """Standard output that remembers the error it raised, so a failure to write it is told from other I/O
    errors."""

    def __init__(self, stream):
        self.stream, self.failure = stream, None

    def write(self, text):
        try:
            return self.stream.write(text)
        except OSError as error:
            self.failure = error
            raise

    def flush(self):
        try:
            return self.stream.flush()
        except OSError as error:
            self.failure = error
            raise

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _silence_stdout() -> None:
    """Point the standard output's file descriptor at /dev/null, so the flush at exit does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.__stdout__.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def _unexpected(error: Exception, argv, debug: bool) -> int:
    """One line for a failure that is not the user's input: what failed and where the full traceback is."""
    if debug:
        traceback.print_exc()
        return 1
    what = f"{type(error).__name__}: {error}".splitlines()[0] if str(error) else type(error).__name__
    if len(what) > 300:
        what = what[:300] + "..."
    try:
        handle = tempfile.NamedTemporaryFile("w", prefix=f"tajmig-error-{time.strftime('%Y%m%dT%H%M%S')}-",
                                             suffix=".log", delete=False)
        with handle:
            handle.write(f"command: run.py {shlex.join(argv)}\n\n{traceback.format_exc()}")
        where = f"traceback in {handle.name}"
    except OSError:
        where = "no log could be written"
    print(f"error: unexpected failure: {what} ({where}; run again with --debug to print it)", file=sys.stderr)
    return 1
