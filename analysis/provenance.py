"""Provenance: the fields every output carries so that a reader can tell which code, scenario, parameters and seed
made it, and whether the same command would make it again.

    from analysis import provenance
    manifest.update(provenance.stamp(scenario, seed=1, parameters=values))

``run.json``, ``compare.json``, a sweep's ``design.json``, ``validation.json`` and the calibrated parameter file
all carry ``stamp()``'s fields:

- ``package_version``: the installed tajmig's version, else the checkout's ``pyproject.toml`` version;
- ``git_commit`` and ``git_dirty``: the checkout's commit, and whether tracked files differed from it (then the
  commit alone does not reproduce the result); both null outside a git checkout;
- ``model_version``: a hash of the model's code and data (``model_version()``); equal hashes run equal models;
- ``scenario_sha256``: the scenario's text and the data files its shocks read (``sim.scenario.Scenario.sha256``);
- ``parameters_sha256``: the parameter values the runs start from, before shocks (``parameters_sha256()``);
- ``seed``: the study seed; replicate ``i`` runs with ``analysis.runner.replicate_seed(seed, i)``;
- ``created`` (UTC, ISO 8601) and ``command_line``.
"""

import datetime
import hashlib
import importlib.metadata
import json
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The fields that say how and where results were made, or repeat what other fields already define (the scenario
# and parameter hashes follow from the scenario and the model version). They may differ between two makings of
# the same results, so a sweep store resumes across them (``analysis.store.NOT_DEFINING``).
DESCRIPTIVE = frozenset({"package_version", "git_commit", "git_dirty", "scenario_sha256", "parameters_sha256",
                         "created", "command_line"})


def package_version() -> str:
    """The installed package's version, else the checkout's pyproject.toml version, else "unknown"."""
    try:
        return importlib.metadata.version("tajmig")
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        with open(ROOT / "pyproject.toml", "rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def git_state() -> tuple[str | None, bool | None]:
    """``(commit, dirty)`` of the checkout: ``dirty`` when tracked files differ from the commit. ``(None, None)``
    outside a git checkout or without git."""
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None, None
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                                capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None, None
    return head.stdout.strip(), bool(status.stdout.strip()) if status.returncode == 0 else None


def model_version() -> str:
    """Hash of the model code and data runs depend on: the model, the single-run function, the country profiles,
    the calibrated estimates and the numeric libraries. A Dask cluster whose workers hash differently is refused,
    and so is resuming a sweep after the model changed, instead of silently mixing results of two models."""
    import numba
    import numpy

    digest = hashlib.sha256(f"numpy {numpy.__version__} numba {numba.__version__}".encode())
    files = [*ROOT.glob("sim/**/*.py"), ROOT / "analysis" / "runner.py",
             *ROOT.glob("scenarios/countries/*.toml"), *ROOT.glob("scenarios/calibrated/*.toml")]
    for path in sorted(files):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def parameters_sha256(values: dict) -> str:
    """Hash of parameter values: names sorted, numbers as Python writes them back exactly (``repr``)."""
    canonical = json.dumps({name: repr(float(value)) for name, value in values.items()}, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def command_line() -> str:
    """The command as the user typed it, ``run.py ...`` when run through run.py."""
    if sys.argv and sys.argv[0].endswith("run.py"):
        return shlex.join(["run.py", *sys.argv[1:]])
    return shlex.join(sys.argv)


def stamp(scenario=None, *, seed: int | None = None, parameters: dict | None = None) -> dict:
    """The provenance fields of an output made from ``scenario`` (a ``sim.scenario.Scenario``) with study ``seed``,
    starting from the parameter values ``parameters``. Fields that do not apply are null."""
    commit, dirty = git_state()
    return {
        "package_version": package_version(),
        "git_commit": commit,
        "git_dirty": dirty,
        "model_version": model_version(),
        "scenario_sha256": scenario.sha256 if scenario is not None else None,
        "parameters_sha256": parameters_sha256(parameters) if parameters is not None else None,
        "seed": seed,
        "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command_line": command_line(),
    }
