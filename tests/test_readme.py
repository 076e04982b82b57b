"""Every command shown in the README runs, at a coarse scale so the suite stays fast.

The README's shell commands are extracted from its ``bash`` blocks and must match ``COARSE`` exactly: a command added
to or changed in the README fails this test until it is listed here, with the flags that make it cheap. Later flags
override earlier ones in argparse, so appending ``--replicates 1`` shrinks a README ``--replicates 5``."""

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAST = ["--scale", "4000", "--months", "3", "--no-plots", "--workers", "1"]
DASK_HOST = "tcp://HOST:8786"

# README command -> extra arguments for the test (the output directory is added where the command writes one).
COARSE = {
    "make demo": None,  # runs `python run.py compare baseline crocus`; the coarse version is below
    "make test": None,  # what CI runs; running it here would recurse
    "python run.py params": [],
    "python run.py run scenarios/crocus_crackdown.toml": [*FAST, "--replicates", "2"],
    "python run.py compare scenarios/baseline.toml scenarios/rouble_shock.toml scenarios/summit_safeguards.toml":
        [*FAST, "--replicates", "2"],
    "python run.py sweep scenarios/baseline.toml --vary raid_intensity=0.01:0.12:5 --replicates 5":
        [*FAST, "--replicates", "1"],
    "python run.py sensitivity scenarios/baseline.toml --method sobol --samples 64 "
    "--params raid_intensity,rub_per_usd,hostility": [*FAST, "--samples", "4", "--replicates", "1"],
    "python run.py run scenarios/baseline.toml --posterior 20": [*FAST, "--replicates", "2", "--posterior", "2"],
    "python run.py calibrate": ["--population", "4", "--generations", "1", "--scale", "4000", "--replicates", "1",
                                "--workers", "1"],
    "python run.py validate": ["--posterior", "2", "--scale", "4000", "--workers", "1", "--no-plots"],
    "python run.py plot results/demo": [],
    # Both bench commands are run as one, `bench --quick --json FILE`, by tests/test_bench.py, which checks the JSON.
    "python run.py bench --quick": None,
    "python run.py bench --json results/bench.json": None,
    "python run.py dashboard": None,  # a server: tests/test_dashboard_browser.py starts it and drives it
    "dask scheduler": None,  # started by test_readme_dask_cluster_commands
    "dask worker tcp://HOST:8786 --nthreads 1 --nworkers 2": None,
    "python run.py sensitivity scenarios/baseline.toml --method morris --samples 20 --dask tcp://HOST:8786":
        [*FAST, "--samples", "2", "--replicates", "1"],
    "python run.py discover scenarios/baseline.toml --samples 1000 --months 24 "
    "--params rub_per_usd,migrant_wage_rub,register_listing_prob,register_expulsion_prob,raid_intensity,"
    "russia_labour_demand --outcome 'remittances_final_12m_usd_bn < 3.4' --out results/discovery":
        ["--samples", "100", "--replicates", "1", "--scale", "4000", "--months", "12", "--no-plots", "--workers", "1"],
}


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                commands.append(re.sub(r"\s+", " ", command))
    return commands


def run(command: str, extra: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    words = shlex.split(command)[2:]  # drop "python run.py"; quoted arguments stay whole
    verb = words[0]
    if verb in ("run", "compare", "sweep", "sensitivity", "validate", "discover"):
        extra = [*extra, "--out", str(tmp_path / verb)]
    if verb == "calibrate":
        extra = [*extra, "--out", str(tmp_path / "calibration"), "--write-to", str(tmp_path / "calibrated")]
    if verb == "plot":
        words = ["plot", str(tmp_path / "run")]
    completed = subprocess.run([sys.executable, "run.py", *words, *extra], cwd=ROOT, capture_output=True,
                               text=True, timeout=900)
    assert completed.returncode == 0, f"{command}\n{completed.stderr[-2000:]}"
    return completed


def test_readme_commands_are_all_known_to_this_test():
    assert sorted(set(readme_commands())) == sorted(COARSE)


def test_readme_commands_run(tmp_path):
    for command in readme_commands():
        extra = COARSE[command]
        if extra is None or DASK_HOST in command:
            continue
        run(command, extra, tmp_path)
    assert (tmp_path / "run" / "timeseries.csv").exists() and (tmp_path / "run" / "report.html").exists()


def test_readme_demo_is_the_documented_comparison(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    demo = re.search(r"^demo:.*\n\t(.+)$", makefile, flags=re.M).group(1)
    assert "run.py compare scenarios/baseline.toml scenarios/crocus_crackdown.toml" in demo
    run("python run.py compare scenarios/baseline.toml scenarios/crocus_crackdown.toml",
        [*FAST, "--replicates", "2"], tmp_path)
    assert (tmp_path / "compare" / "comparison.csv").exists()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_readme_dask_cluster_commands(tmp_path):
    """The stock `dask scheduler` and `dask worker` commands of the README, then the README's sensitivity run
    against them."""
    dask = shutil.which("dask", path=str(Path(sys.executable).parent))
    if dask is None:
        pytest.fail("the dask command is not installed next to this Python")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
    worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "2", "--no-dashboard"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        from distributed import Client

        deadline = time.time() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    if len(client.scheduler_info()["workers"]) >= 2:
                        break
            except OSError:
                pass
            assert time.time() < deadline, "the Dask cluster did not come up"
            time.sleep(1)
        command = next(c for c in readme_commands() if DASK_HOST in c and c.startswith("python run.py"))
        run(command.replace(DASK_HOST, address), COARSE[command], tmp_path)
        assert (tmp_path / "sensitivity" / "indices.csv").exists()
    finally:
        for process in (worker, scheduler):
            process.terminate()
        for process in (worker, scheduler):
            process.wait(timeout=30)
