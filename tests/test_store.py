"""The sweep store survives crashes: a sweep killed with SIGKILL at any point and run again ends with exactly the
dataset of an uninterrupted sweep; a different design is refused; nothing is read twice."""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from analysis.store import Store, StoreError

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "baseline.toml")
# 30 points x 2 replicates = 60 runs of ~0.05 s, three runs per part: about 20 parts over a second or two.
SWEEP = ["sweep", SCENARIO, "--vary", "raid_intensity=0.01:0.15:6", "--vary", "rub_per_usd=60:130:5",
         "--replicates", "2", "--scale", "500", "--months", "13", "--seed", "3", "--workers", "2",
         "--part-runs", "3", "--no-plots"]
RUNS, MONTHS = 60, 13


def cli(*args, **kwargs):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, **kwargs)


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("store") / "whole"
    result = cli(*SWEEP, "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


def kill_after_parts(out: Path, parts: int, rng: random.Random) -> int:
    """Start the sweep in its own process group and SIGKILL the group (the command and its workers) a random
    moment after ``parts`` parts are on disk. Returns the number of parts at the kill."""
    process = subprocess.Popen([sys.executable, "run.py", *SWEEP, "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    runs = out / "runs"
    try:
        deadline = time.monotonic() + 120
        while not (runs.exists() and len(list(runs.glob("part-*.parquet"))) >= parts):
            assert process.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no parts appeared"
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.05))
        assert process.poll() is None, "the sweep finished before the kill: make it longer"
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    return len(list(runs.glob("part-*.parquet")))


@pytest.mark.parametrize("parts", [1, 6])
def test_killed_sweep_resumes_to_the_uninterrupted_dataset(tmp_path, uninterrupted, parts):
    out = tmp_path / "killed"
    at_kill = kill_after_parts(out, parts, random.Random(parts))
    killed = Store(out)
    done = killed.done_run_ids()
    assert at_kill >= parts and 0 < len(done) < RUNS, "the kill should land mid-way"

    result = cli(*SWEEP, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{len(done)} done, {RUNS - len(done)} to run" in result.stdout

    expected, actual = Store(uninterrupted).read_runs(), Store(out).read_runs()
    assert len(actual) == RUNS * MONTHS and actual["run_id"].nunique() == RUNS
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)
    for name in ("summary.csv", "scalars.csv", "points.csv"):
        pd.testing.assert_frame_equal(pd.read_csv(out / name), pd.read_csv(uninterrupted / name), check_exact=True)
    manifest = pd.read_csv(out / "manifest.csv")
    assert (manifest["status"] == "done").all()
    assert not list((out / "runs").glob(".*tmp"))


def test_finished_sweep_reruns_nothing(tmp_path, uninterrupted):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    parts = sorted(p.name for p in (out / "runs").iterdir())
    result = cli(*SWEEP, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{RUNS} done, 0 to run" in result.stdout and "estimated" not in result.stdout
    assert sorted(p.name for p in (out / "runs").iterdir()) == parts


def test_a_different_design_is_refused_and_the_store_left_alone(tmp_path, uninterrupted):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    changed = [*SWEEP[:SWEEP.index("--scale") + 1], "1000", *SWEEP[SWEEP.index("--scale") + 2:]]
    result = cli(*changed, "--out", str(out))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "different sweep design" in lines[0] and "scale" in lines[0], result.stderr
    assert "Traceback" not in result.stderr
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_directory_that_is_not_a_store_is_refused(tmp_path, uninterrupted):
    design = Store(uninterrupted).design()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a sweep store"):
        Store(tmp_path).check(design)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert Store(tmp_path / "new").check(design) is False and not (tmp_path / "new").exists()


def test_a_run_written_twice_is_read_once(tmp_path, uninterrupted):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    store = Store(out)
    expected = store.read_runs()
    first = store.part_paths()[0]
    store.write_part(pq.read_table(first))  # the same runs again, in a later part
    assert len(store.part_paths()) == len(Store(uninterrupted).part_paths()) + 1
    pd.testing.assert_frame_equal(store.read_runs(), expected, check_exact=True)


def test_an_interrupted_part_is_ignored_and_cleaned_up(tmp_path, uninterrupted):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    store = Store(out)
    expected = store.read_runs()
    leftover = out / "runs" / ".part-000999.parquet.tmp"
    leftover.write_bytes(b"PAR1 half a file")
    assert store.read_runs().equals(expected)
    removed = store.part_paths()[-1]
    removed.unlink()  # those runs are gone: the next invocation runs them again
    result = cli(*SWEEP, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert not leftover.exists()
    pd.testing.assert_frame_equal(Store(out).read_runs(), expected, check_exact=True)


def test_one_writer_at_a_time(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from analysis.store import Store; "
                               "store = Store(sys.argv[1]); store.lock(); print('locked', flush=True); time.sleep(60)",
                               str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreError, match="another sweep"):
            Store(tmp_path).lock()
    finally:
        holder.kill()
        holder.wait()
    store = Store(tmp_path)
    store.lock()  # the kernel released the dead holder's lock
    store.unlock()


def test_resuming_after_the_model_changed_is_refused(tmp_path, uninterrupted, monkeypatch):
    from analysis import design, provenance, sweep
    from sim import scenario as scenarios

    record = Store(uninterrupted).design()
    plan = sweep.Sweep("sweep", scenarios.load(SCENARIO),
                       design.grid([(design.factor("raid_intensity", 0.01, 0.15), 6),
                                    (design.factor("rub_per_usd", 60, 130), 5)]),
                       replicates=2, seed=3, scale=500, months=13)
    assert Store(uninterrupted).check(plan.record())  # the same design, built in this process
    monkeypatch.setattr(provenance, "model_version", lambda: "another model")
    with pytest.raises(StoreError, match="the model's code or data changed since these runs were made"):
        Store(uninterrupted).check(plan.record())
    assert Store(uninterrupted).design() == record


def flip_bytes(path: Path, count: int = 200) -> None:
    """Overwrite ``count`` bytes in the middle of a part, keeping its size and its Parquet footer intact."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2 - count // 2
    data[middle:middle + count] = bytes(255 - b for b in data[middle:middle + count])
    path.write_bytes(bytes(data))


def truncate_to_half(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:path.stat().st_size // 2])


@pytest.mark.parametrize("damage", [flip_bytes, truncate_to_half])
def test_a_damaged_part_is_refused_on_read_and_run_again_on_resume(tmp_path, uninterrupted, damage):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    expected = Store(uninterrupted).read_runs()
    victim = Store(out).part_paths()[2]
    lost = set(pq.read_table(victim, columns=["run_id"]).column("run_id").to_pylist())
    damage(victim)
    with pytest.raises(StoreError, match=rf"{victim.name}: its checksum does not match manifest.csv \(corrupted or "
                                         rf"truncated\); run the same command again to re-run its runs"):
        Store(out).read_runs()

    result = cli(*SWEEP, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"{victim}: its checksum does not match manifest.csv (corrupted or truncated): its runs will run " \
           f"again" in result.stdout
    assert f"{RUNS - len(lost)} done, {len(lost)} to run" in result.stdout
    pd.testing.assert_frame_equal(Store(out).read_runs(), expected, check_exact=True)
    assert victim.with_name(victim.name + ".damaged").exists(), "the damaged part is kept aside, not deleted"
    manifest = pd.read_csv(out / "manifest.csv")
    assert (manifest["status"] == "done").all()
    assert all(Store(out).runs_directory.joinpath(part).exists() for part in manifest["part"])


def test_every_part_checksum_is_in_the_manifest(uninterrupted):
    from analysis.store import file_sha256

    manifest = pd.read_csv(uninterrupted / "manifest.csv")
    recorded = dict(zip(manifest["part"], manifest["part_sha256"], strict=True))
    assert recorded == {p.name: file_sha256(p) for p in Store(uninterrupted).part_paths()}


@pytest.mark.parametrize(("damage", "message"), [
    (lambda out: (out / "design.json").write_text("[1, 2]"),
     "{out}/design.json: not a design file (expected a JSON object with a fingerprint); start fresh in another "
     "--out"),
    (lambda out: (out / "design.json").write_text("{"),
     "{out}/design.json: unreadable design file (Expecting property name enclosed in double quotes: line 1 column "
     "2 (char 1)); start fresh in another --out"),
    (lambda out: (out / "manifest.csv").unlink(),
     "{out}/manifest.csv is missing, so the runs cannot be verified; start fresh in another --out"),
    (lambda out: (out / "manifest.csv").write_text((out / "manifest.csv").read_text().splitlines()[0] + "\n"),
     "{out}/manifest.csv lists 0 runs, the design has 60; start fresh in another --out"),
    (lambda out: (out / "manifest.csv").write_text("run_id,seed\n0,1\n"),
     "{out}/manifest.csv: no point_id, replicate, status column; start fresh in another --out"),
])
def test_a_damaged_store_is_reported_in_one_line_and_left_alone(tmp_path, uninterrupted, damage, message):
    out = tmp_path / "copy"
    shutil.copytree(uninterrupted, out)
    damage(out)
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    result = cli(*SWEEP, "--out", str(out))
    assert (result.returncode, result.stderr) == (2, f"error: {message.format(out=out)}\n")
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_directory_holding_files_named_like_a_store_is_refused(tmp_path):
    (tmp_path / "points.csv").write_text("my own points\n")
    (tmp_path / "manifest.csv").write_text("my own manifest\n")
    result = cli(*SWEEP, "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr == (f"error: --out: {tmp_path} exists, is not empty and was not written by this program "
                             f"(no .tajmig file); choose another directory, or empty it yourself\n")
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == {"points.csv": "my own points\n",
                                                                    "manifest.csv": "my own manifest\n"}
