"""What a command will cost, estimated before it starts: memory and time from the number of agents, months and runs.

Every command that runs the model calls ``check_work`` once its flags are parsed and before anything is built or
allocated: beyond the machine's memory the work is refused; beyond ``TIME_LIMIT_SECONDS`` it needs ``--yes``
(asked for at a terminal, refused otherwise). The figures are from ``run.py bench`` on the project's 2-core machine
(benchmarks/README.md) and deliberately round: the point is to catch a misplaced digit, not to predict to the second.
"""

import math
import os
import sys

from analysis.cli import InputError

TIME_LIMIT_SECONDS = 3600.0
# Fast engine, one process, set-up and spin-up included: a 1:1 run made 24.9M agent-steps/s over its 120 months,
# and a 1:20 replicate (about 190,000 agents, 24 + 120 months) took about 1.6 s, some 16M/s: the slower
# figure is taken, as most work runs at such scales (docs/scenario-format.md, Running scenarios).
FAST_AGENT_STEPS_PER_SECOND = 1.6e7
# The per-agent Mesa engine was 168x slower than the fast engine at 18,849 agents.
REFERENCE_SLOWDOWN = 170.0
SECONDS_PER_RUN_FIXED = 0.02   # building the model and collecting outputs, at any scale (1:100 sweeps)
SPINUP_MONTHS = 24             # the months every run simulates before its start (sim.model)
# A 1:1 run of 3.77M agents (growing to ~4.6M) peaked at 762 MB, about 200 MB of it Python and the libraries.
BYTES_PER_PROCESS = 200e6
BYTES_PER_AGENT = {"fast": 160.0, "reference": 2000.0}  # reference: assumed, a mesa.Agent per person
# A month of one run's outputs, as pandas holds them (about 20 float64 columns plus indexes, with copies).
BYTES_PER_RUN_MONTH = 600.0
# What a sweep holds per run besides the models: its manifest row, and the few series read back for the summary.
BYTES_PER_SWEEP_RUN_MONTH = 150.0
BYTES_PER_SWEEP_RUN_PARAMETER = 32.0

HELP = (f"Before any work, memory and time are estimated from the agents, months and runs: work that would need more "
        f"than the machine's memory is refused, and work estimated at over {TIME_LIMIT_SECONDS / 3600:g} hour needs "
        f"--yes.")


def machine_memory() -> float:
    """Bytes of physical memory."""
    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8e9


def format_bytes(count: float) -> str:
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= size:
            return f"{count / size:.3g} {unit}"
    return f"{count / 1e3:.3g} kB"


def format_count(count: float) -> str:
    return f"{count:,.0f}" if count < 1e12 else f"{count:.3g}"


def format_seconds(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    if seconds < 3 * 365 * 86400:
        return f"{seconds / 86400:.0f} days"
    return f"{seconds / (365 * 86400):.3g} years"


def agents_at(scenario, scale: float) -> float:
    """The agents a run of ``scenario`` starts with at ``scale`` (infinite for a scale too small to count)."""
    from analysis.ensemble import initial_agents

    try:
        return initial_agents(scenario, scale)
    except OverflowError:
        return math.inf


def run_estimate(agents: float, months: int, engine: str = "fast") -> tuple[float, float]:
    """(bytes, seconds) of one run of ``agents`` agents over ``months`` months in one process."""
    slowdown = REFERENCE_SLOWDOWN if engine == "reference" else 1.0
    seconds = SECONDS_PER_RUN_FIXED + agents * (months + SPINUP_MONTHS) * slowdown / FAST_AGENT_STEPS_PER_SECOND
    return BYTES_PER_PROCESS + agents * BYTES_PER_AGENT.get(engine, BYTES_PER_AGENT["reference"]), seconds


def check_work(*, agents: float, months: int, runs: float, workers: int, engine: str = "fast",
               runs_flags: str = "--replicates", held_bytes: float | None = None, yes: bool = False,
               what: str = "the runs") -> None:
    """Refuse work beyond the machine (``InputError`` naming the flag) and ask before work over the time limit.

    ``agents``: the largest run's agents; ``runs``: how many runs; ``runs_flags``: the flags that set how many;
    ``held_bytes``: memory the command holds besides the running models (default: every run's monthly outputs,
    as ``run`` and ``compare`` keep them)."""
    memory = machine_memory()
    try:
        agents = float(agents)
    except OverflowError:
        agents = math.inf
    if not math.isfinite(agents):
        raise InputError("--scale: so small that a run would have more agents than can be counted; use a larger "
                         "--scale (fewer agents)")
    per_run_bytes, per_run_seconds = run_estimate(agents, months, engine)
    if per_run_bytes > memory:
        raise InputError(f"--scale: one run of {format_count(agents)} agents needs about "
                         f"{format_bytes(per_run_bytes)} of memory; this machine has {format_bytes(memory)}; use a "
                         f"larger --scale (fewer agents)")
    parallel = max(1, min(workers, runs))
    held = runs * months * BYTES_PER_RUN_MONTH if held_bytes is None else held_bytes
    total = parallel * per_run_bytes + held
    if total > memory:
        blame = runs_flags if held > parallel * per_run_bytes else "--workers"
        raise InputError(f"{blame}: {what} ({format_count(runs)} runs, {parallel} at a time) need about "
                         f"{format_bytes(total)} of memory; this machine has {format_bytes(memory)}")
    seconds = runs * per_run_seconds / parallel
    if seconds <= TIME_LIMIT_SECONDS or yes:
        return
    estimate = (f"{what} ({format_count(runs)} runs of {format_count(agents)} agents over {months} months on "
                f"{parallel} worker{'s' if parallel > 1 else ''}) would take about {format_seconds(seconds)} by a "
                f"rough estimate")
    limit = format_seconds(TIME_LIMIT_SECONDS).replace("60 min", "1 hour")
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise InputError(f"{runs_flags}: {estimate}, over the {limit} allowed without --yes; add --yes to start it "
                         f"anyway, or reduce the work")
    print(f"{estimate}. Start? [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip().lower()
    if answer not in ("y", "yes"):
        raise InputError(f"{runs_flags}: not started ({estimate})")


def sweep_held_bytes(runs: float, months: int, parameters: int) -> float:
    """Memory a sweep holds besides its running models: the plan and manifest, and the summary's inputs."""
    return runs * (months * BYTES_PER_SWEEP_RUN_MONTH + (8 + parameters) * BYTES_PER_SWEEP_RUN_PARAMETER)


def product(numbers) -> float:
    """A product that cannot overflow into an allocation: a float, so 10**9 x 10**9 is just a large number."""
    return math.prod(float(n) for n in numbers)
