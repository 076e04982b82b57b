"""Hostile and careless input: every case ends in its exact one-line error and exit status, and leaves the files
around it exactly as they were.

Each case runs in a fresh temporary tree holding a fake checkout (the program's idea of its own checkout and
scenario library is pointed at it), a user's directory, a sweep store, an owned results directory holding an input,
and the hostile inputs of tests/fixtures/hostile/ plus what git cannot hold (a FIFO, a symbolic-link loop, a long
extends chain, a CSV with a huge field). The whole tree is snapshotted before and after every case.
"""

import io
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cost, outdir
from analysis.cli import InputError, main
from sim import scenario

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
MARKER = {"written_by": "tajmig", "kind": "{kind}"}


def build_tree(base: Path) -> Path:
    """The temporary tree; returns the fake checkout, the working directory of every case."""
    checkout = base / "checkout"
    (checkout / ".git").mkdir(parents=True)
    (checkout / "sim").mkdir()
    (checkout / "sim" / "model.py").write_text("# the model\n")
    (checkout / "README.md").write_text("# tajmig\n")
    (checkout / "scenarios").mkdir()
    shutil.copy(ROOT / "scenarios" / "baseline.toml", checkout / "scenarios" / "baseline.toml")
    user = base / "user"
    (user / "data").mkdir(parents=True)
    (user / "thesis.txt").write_text("three years of work\n")
    (user / "data" / "x.csv").write_text("a,b\n1,2\n")
    (user / "points.csv").write_text("my own points\n")
    (user / "manifest.csv").write_text("my own manifest\n")
    store = base / "store"
    (store / "runs").mkdir(parents=True)
    (store / ".tajmig").write_text(json.dumps({**MARKER, "kind": "sweep"}))
    (store / "design.json").write_text('{"kind": "sweep", "fingerprint": "0"}\n')
    (store / "manifest.csv").write_text("run_id,point_id,replicate,seed,status\n")
    owned = base / "owned"
    owned.mkdir()
    (owned / ".tajmig").write_text(json.dumps({**MARKER, "kind": "run"}))
    shutil.copy(HOSTILE / "tajik.toml", owned / "mine.toml")
    inputs = base / "inputs"
    shutil.copytree(HOSTILE, inputs)
    os.mkfifo(inputs / "fifo.toml")
    os.mkfifo(inputs / "fifo.csv")
    os.symlink("loop_b.toml", inputs / "loop.toml")
    os.symlink("loop.toml", inputs / "loop_b.toml")
    chain = scenario.MAX_EXTENDS + 4
    for i in range(chain):
        parent = f'extends = "chain_{i + 1:02d}.toml"\n' if i + 1 < chain else 'start = "2025-01"\nmonths = 12\n'
        (inputs / f"chain_{i:02d}.toml").write_text(f'[scenario]\nname = "chain_{i:02d}"\n{parent}')
    (inputs / "long_field.csv").write_text("date,value\n2025-01," + "9" * 131_073 + "\n")
    return checkout


def snapshot(base: Path) -> dict:
    """Every path under ``base`` with its type and content (FIFOs are never opened, links never followed)."""
    tree = {}
    for path in sorted(base.rglob("*")):
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            tree[path.relative_to(base)] = ("link", os.readlink(path))
        elif stat.S_ISFIFO(mode):
            tree[path.relative_to(base)] = ("fifo",)
        elif stat.S_ISDIR(mode):
            tree[path.relative_to(base)] = ("dir",)
        else:
            tree[path.relative_to(base)] = ("file", path.read_bytes())
    return tree


@pytest.fixture
def tree(tmp_path, monkeypatch):
    checkout = build_tree(tmp_path)
    monkeypatch.setattr(outdir, "ROOT", checkout)
    monkeypatch.setattr(outdir, "SCENARIO_LIBRARY", checkout / "scenarios")
    monkeypatch.chdir(checkout)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    return tmp_path


BASELINE = "scenarios/baseline.toml"
RUN = ["run", BASELINE, "--no-plots", "--replicates", "1"]
COMPARE = ["compare", BASELINE, "../inputs/tajik.toml", "--no-plots", "--replicates", "1"]
SWEEP = ["sweep", BASELINE, "--vary", "raid_intensity=0.01:0.1:2", "--replicates", "1", "--no-plots"]
NOT_OURS = "exists, is not empty and was not written by this program (no .tajmig file); choose another directory, " \
           "or empty it yourself"
CHECKOUT = "({base}/checkout); choose a new directory such as results/NAME"
NESTED = "arrays or inline tables nested more than 32 deep"

CASES = {
    # output directories
    "out is the checkout": ([*RUN, "--out", "."], f"--out: . is the checkout {CHECKOUT}"),
    "out is the checkout with a slash": ([*RUN, "--out", "./"], f"--out: . is the checkout {CHECKOUT}"),
    "out is above the checkout": ([*RUN, "--out", ".."], f"--out: .. is an ancestor of the checkout {CHECKOUT}"),
    "out is the checkout by a detour": ([*RUN, "--out", "sim/.."], f"--out: sim/.. is the checkout {CHECKOUT}"),
    "out is the root": ([*RUN, "--out", "/"], f"--out: / is an ancestor of the checkout {CHECKOUT}"),
    "out is the scenario library": ([*RUN, "--out", "scenarios"],
                                    "--out: scenarios is in the scenario library ({base}/checkout/scenarios); choose "
                                    "a directory outside it, such as results/NAME"),
    "out is a source directory": ([*RUN, "--out", "sim"], f"--out: sim {NOT_OURS}"),
    "run into a user's directory": ([*RUN, "--out", "../user"], f"--out: ../user {NOT_OURS}"),
    "compare into a user's directory": ([*COMPARE, "--out", "../user"], f"--out: ../user {NOT_OURS}"),
    "sweep into a user's directory": ([*SWEEP, "--out", "../user"], f"--out: ../user {NOT_OURS}"),
    "run into a sweep store": ([*RUN, "--out", "../store"],
                               "--out: ../store holds a sweep results directory, not a run; choose another "
                               "directory"),
    "out holds the input": (["run", "../owned/mine.toml", "--no-plots", "--out", "../owned"],
                            "--out: ../owned holds the input file {base}/owned/mine.toml; choose another directory"),
    "out below a file": ([*RUN, "--out", "README.md/x"],
                         "--out: cannot create README.md/x: {base}/checkout/README.md is a file, not a directory"),
    "out is a file": ([*RUN, "--out", "../user/thesis.txt"],
                      "--out: ../user/thesis.txt exists and is not a directory"),
    "out in an unwritable place": ([*RUN, "--out", "/proc/tajmig/out"],
                                   "--out: cannot create /proc/tajmig/out: /proc: No such file or directory"),
    # work beyond the machine
    "scale far too fine": ([*RUN, "--scale", "0.001", "--out", "out"],
                           "--scale: one run of 3,602,001,173 agents needs about 577 GB of memory; this machine has "
                           "{memory}; use a larger --scale (fewer agents)"),
    "scale beyond counting": ([*RUN, "--scale", "1e-320", "--out", "out"],
                              "--scale: so small that a run would have more agents than can be counted; use a larger "
                              "--scale (fewer agents)"),
    "a trillion replicates": (["run", BASELINE, "--replicates", "1000000000000", "--workers", "2", "--out", "out"],
                              "--replicates: the runs (1e+12 runs, 2 at a time) need about 7.2e+04 TB of memory; "
                              "this machine has {memory}"),
    "hours of replicates": (["run", BASELINE, "--replicates", "10000", "--workers", "2", "--out", "out"],
                            "--replicates: the runs (10,000 runs of 360,200 agents over 120 months on 2 workers) "
                            "would take about 4.5 h by a rough estimate, over the 1 hour allowed without --yes; add "
                            "--yes to start it anyway, or reduce the work"),
    "sobol samples 2**40": (["sensitivity", BASELINE, "--method", "sobol", "--samples", str(2**40), "--params",
                             "raid_intensity,hostility", "--workers", "2", "--out", "out"],
                            "--samples, --replicates: the design's 4,398,046,511,104 points x 2 replicates "
                            "(8.8e+12 runs, 2 at a time) need about 1.61e+05 TB of memory; this machine has "
                            "{memory}"),
    "a billion grid steps": ([*SWEEP[:3], "raid_intensity=0:1:1000000000", "--workers", "2", "--out", "out"],
                             "--vary, --replicates: the design's 1,000,000,000 points x 3 replicates (3,000,000,000 "
                             "runs, 2 at a time) need about 54.9 TB of memory; this machine has {memory}"),
    # files that are not scenario files
    "scenario is a FIFO": (["run", "../inputs/fifo.toml"], "../inputs/fifo.toml: is a FIFO, not a scenario file"),
    "scenario is a symlink loop": (["run", "../inputs/loop.toml"],
                                   "../inputs/loop.toml: cannot read: a symbolic link loop"),
    "scenario is a device": (["run", "/dev/zero"], "/dev/zero: is a device, not a scenario file"),
    "scenario is a directory": (["run", "../inputs"], "../inputs: is a directory, not a scenario file"),
    "extends a FIFO": (["run", "../inputs/extends_fifo.toml"],
                       "../inputs/extends_fifo.toml: scenario.extends: is a FIFO, not a scenario file: "
                       "../inputs/fifo.toml"),
    "extends a symlink loop": (["run", "../inputs/extends_loop.toml"],
                               "../inputs/extends_loop.toml: scenario.extends: cannot read: a symbolic link loop: "
                               "../inputs/loop.toml"),
    "extends a device": (["run", "../inputs/extends_device.toml"],
                         "../inputs/extends_device.toml: scenario.extends: is a device, not a scenario file: "
                         "/dev/zero"),
    "data file is a FIFO": (["run", "../inputs/path_file_fifo.toml"],
                            "../inputs/path_file_fifo.toml: shocks[0].file: is a FIFO, not a data file: "
                            "../inputs/fifo.csv"),
    "data file is a directory": (["run", "../inputs/path_file_directory.toml"],
                                 "../inputs/path_file_directory.toml: shocks[0].file: is a directory, not a data "
                                 "file: ../inputs"),
    "data file with a huge field": (["run", "../inputs/long_field.toml"],
                                    "../inputs/long_field.toml: shocks[0].file: ../inputs/long_field.csv line 2: a "
                                    "field longer than 4096 characters"),
    "deeply nested arrays": (["run", "../inputs/deep_arrays.toml"], f"../inputs/deep_arrays.toml: {NESTED}"),
    "deeply nested inline tables": (["run", "../inputs/deep_inline_tables.toml"],
                                    f"../inputs/deep_inline_tables.toml: {NESTED}"),
    "a long extends chain": (["run", "../inputs/chain_00.toml"],
                             "../inputs/chain_15.toml: scenario.extends: more than 16 files in the extends chain from "
                             "../inputs/chain_00.toml"),
    # implausible scenarios
    "a name too long for a directory": (["run", "../inputs/long_name.toml"],
                                        "../inputs/long_name.toml: scenario.name: 240 characters; at most 100 (it "
                                        "names the results directory)"),
    "a name of two lines": (["run", "../inputs/name_with_newline.toml"],
                            "../inputs/name_with_newline.toml: scenario.name: expected a name of letters, digits, "
                            "'_', '-' or '.' (it names the results directory), got 'two\\nlines'"),
    "a start in 1900": (["run", "../inputs/start_1900.toml"],
                        "../inputs/start_1900.toml: scenario.start: 1900-01 is outside the tajikistan data "
                        "(2000-2025); the model would extrapolate every series from there, so a scenario starts "
                        "between 2000-01 and 2035-12"),
    "a start in 2150": (["run", "../inputs/start_2150.toml"],
                        "../inputs/start_2150.toml: scenario.start: 2150-01 is outside the tajikistan data "
                        "(2000-2025); the model would extrapolate every series from there, so a scenario starts "
                        "between 2000-01 and 2035-12"),
    "compare across countries": (["compare", "../inputs/tajik.toml", "../inputs/kyrgyz.toml", "--out", "out"],
                                 "../inputs/kyrgyz.toml: scenario.country: kyrgyzstan differs from the base "
                                 "scenario's country tajikistan; compared scenarios must be of the same country"),
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_input_gets_one_line_status_two_and_changes_nothing(case, tree, capsys):
    args, message = CASES[case]
    before = snapshot(tree)
    status = main(args)
    captured = capsys.readouterr()
    expected = message.format(base=tree, memory=cost.format_bytes(cost.machine_memory()))
    assert (status, captured.err, captured.out) == (2, f"error: {expected}\n", "")
    assert snapshot(tree) == before


def test_an_owned_directory_is_replaced_and_no_leftovers_remain(tree, capsys):
    out = tree / "owned-results"
    assert main([*RUN, "--months", "2", "--scale", "4000", "--out", str(out)]) == 0
    first = (out / "run.json").read_bytes()
    assert json.loads((out / ".tajmig").read_text())["kind"] == "run"
    assert main([*RUN, "--months", "3", "--scale", "4000", "--out", str(out)]) == 0
    assert (out / "run.json").read_bytes() != first
    assert sorted(p.name for p in tree.iterdir() if p.name.startswith(".")) == []


def test_the_users_files_in_owned_results_are_kept_and_its_figures_are_not_theirs(tree, capsys):
    out = tree / "owned-results"
    with_plots = [arg for arg in RUN if arg != "--no-plots"]
    assert main([*with_plots, "--months", "2", "--scale", "4000", "--out", str(out)]) == 0
    assert (out / "report.html").exists()
    assert main([*with_plots, "--months", "2", "--scale", "4000", "--out", str(out)]) == 0  # figures are ours
    (out / "my_notes.txt").write_text("my notes\n")
    (out / "my_figs").mkdir()
    (out / "my_figs" / "a.txt").write_text("my figure\n")
    capsys.readouterr()
    before = snapshot(tree)
    assert main([*RUN, "--months", "3", "--scale", "4000", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"error: --out: {out} holds files this program did not write (my_figs, "
                                       f"my_notes.txt); move them out of it or choose another directory\n")
    assert snapshot(tree) == before


def test_results_of_another_kind_are_not_replaced(tree, capsys):
    out = tree / "owned-results"
    assert main([*RUN, "--months", "2", "--scale", "4000", "--out", str(out)]) == 0
    capsys.readouterr()
    before = snapshot(tree)
    assert main([*COMPARE, "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"error: --out: {out} holds a run results directory, not a compare; choose "
                                       f"another directory\n")
    assert snapshot(tree) == before


def test_an_empty_directory_that_cannot_be_replaced_is_refused_before_work(tree, monkeypatch, capsys):
    from analysis.commands import run

    out = tree / "empty"
    out.mkdir()
    rename = os.rename

    def immutable(source, destination, *args, **kwargs):  # as for a directory made immutable with chattr +i
        if Path(source) == out:
            raise PermissionError(1, "Operation not permitted", str(source))
        return rename(source, destination, *args, **kwargs)

    def simulate(*args, **kwargs):
        raise AssertionError("the work started")

    monkeypatch.setattr(os, "rename", immutable)
    monkeypatch.setattr(run, "simulate", simulate)
    before = snapshot(tree)
    assert main([*RUN, "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"error: --out: cannot replace {out}: Operation not permitted; choose another "
                                       f"directory\n")
    assert snapshot(tree) == before


def test_leftovers_of_a_killed_command_are_cleaned_and_others_kept(tree, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True).stdout.strip()
    stale = tree / f".out.partial-{dead}-abcd"
    stale.mkdir()
    (stale / ".tajmig").write_text(json.dumps({**MARKER, "kind": "run"}))
    foreign = tree / f".out.old-{dead}"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("not ours: no marker\n")
    assert main([*RUN, "--months", "2", "--scale", "4000", "--out", str(tree / "out")]) == 0
    assert not stale.exists() and (foreign / "notes.txt").exists()


def test_a_failure_while_writing_leaves_no_staging_and_the_old_results(tree, monkeypatch, capsys):
    from analysis import ensemble

    out = tree / "out"
    assert main([*RUN, "--months", "2", "--scale", "4000", "--out", str(out)]) == 0
    before = snapshot(tree)

    def failing_write(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ensemble, "write", failing_write)
    monkeypatch.setenv("TMPDIR", str(tree / "user"))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    status = main([*RUN, "--months", "3", "--scale", "4000", "--out", str(out)])
    err = capsys.readouterr().err.rsplit("\r", 1)[-1]  # after the progress bar
    assert status == 1 and err.count("\n") == 1
    assert err.startswith("error: unexpected failure: OSError: [Errno 28] No space left on device (traceback in ")
    log = Path(err.split("traceback in ")[1].split(";")[0])
    assert "Traceback" in log.read_text() and "failing_write" in log.read_text()
    log.unlink()
    assert snapshot(tree) == before


def test_debug_prints_the_traceback(tree, monkeypatch, capsys):
    from analysis.commands import params

    def broken(args):
        raise RuntimeError("a bug")

    monkeypatch.setattr(params, "main", broken)
    assert main(["params", "--debug"]) == 1
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and err.rstrip().endswith("RuntimeError: a bug")


def cli(*args, stdout=subprocess.PIPE):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120)


def test_a_full_disk_on_stdout_is_one_line_and_status_one():
    with open("/dev/full", "w") as full:
        result = cli("params", "--json", stdout=full)
    assert (result.returncode, result.stderr) == (1, "error: cannot write to standard output: No space left on "
                                                     "device\n")


def test_a_closed_pipe_on_stdout_ends_quietly_with_the_sigpipe_status():
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = cli("params", "--json", stdout=writer)
    finally:
        os.close(writer)
    assert (result.returncode, result.stderr) == (141, "")


def test_limits_are_in_the_help():
    text = cli("run", "--help").stdout
    assert "--yes" in text and "over an hour" in text and "machine's memory" in text


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize(("answer", "started"), [("y\n", True), ("\n", False), ("no\n", False)])
def test_long_work_is_asked_about_at_a_terminal(monkeypatch, answer, started):
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    monkeypatch.setattr(sys, "stderr", Terminal())
    hours = dict(agents=200_000, months=120, runs=20_000, workers=2)
    if started:
        cost.check_work(**hours)
    else:
        with pytest.raises(InputError, match=r"^--replicates: not started \(the runs \(20,000 runs"):
            cost.check_work(**hours)
    assert "would take about 5.1 h by a rough estimate. Start? [y/N]" in sys.stderr.getvalue()
    cost.check_work(**hours, yes=True)  # --yes: no question asked
    assert sys.stderr.getvalue().count("Start?") == 1


@pytest.mark.parametrize(("text", "depth"), [
    ("a = 1\n" + "[t]\n" * 40, 1),                                   # table headers are one level each, in turn
    ("a = [[1, 2], [3, 4]]\n" * 20, 2),
    ('a = "' + "[" * 100 + '"\n', 0),                               # brackets in strings do not count
    ("a = '''" + "{" * 100 + "'''\n", 0),
    ('a = "\\"' + "[" * 100 + '"\n', 0),                            # nor after an escaped quote
    ("# " + "[" * 100 + "\na = 1\n", 0),                            # nor in comments
    ("a = " + "[" * 40 + "]" * 40 + "\n", 40),
    ("a = " + "{b = " * 40 + "1" + "}" * 40 + "\n", 40),
])
def test_nesting_depth_is_counted_outside_strings_and_comments(text, depth):
    assert scenario.nesting_depth(text) == depth
