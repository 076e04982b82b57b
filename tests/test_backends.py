"""Backends: the same sweep gives bit-identical results in this process, on local worker processes and on Dask,
and a run lost with its Dask worker is run again."""

import os
import subprocess
import sys
from pathlib import Path

import dask
import distributed
import pandas as pd
import pytest

from analysis.backends import DaskBackend, LocalBackend, RunError, batch_size, dask_batches
from analysis.provenance import model_version
from analysis.store import Store

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = str(ROOT / "scenarios" / "baseline.toml")
SWEEP = ["sweep", SCENARIO, "--lhs", "6", "--params", "raid_intensity,hostility,network_contacts", "--replicates",
         "2", "--scale", "4000", "--months", "5", "--seed", "11", "--part-runs", "4", "--no-plots"]


def cli(*args):
    return subprocess.run([sys.executable, "run.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300)


def reciprocal(value: int) -> float:
    return 1 / value


def test_local_backend_streams_every_task_and_names_the_one_that_raised():
    # First in the file: it forks, which is safest before the Dask tests below start their threads.
    with LocalBackend(2) as backend:
        assert dict(backend.map(pow, (2,), [(i, (i,)) for i in range(9)])) == {i: 2 ** i for i in range(9)}
        with pytest.raises(RunError, match="ZeroDivisionError: division by zero") as raised:
            dict(backend.map(reciprocal, (), [(i, (i,)) for i in (3, 2, 0, 1)]))
    assert raised.value.task_id == 0 and isinstance(raised.value.error, ZeroDivisionError)
    assert "in reciprocal" in str(raised.value.error.__cause__), "the worker's traceback comes back"


def test_this_process_backend_runs_in_order_and_names_the_task_that_raised():
    assert list(LocalBackend(1).map(pow, (), [("a", (2, 3)), ("b", (3, 2))])) == [("a", 8), ("b", 9)]
    with pytest.raises(RunError) as raised:
        list(LocalBackend(1).map(reciprocal, (), [("x", (1,)), ("y", (0,))]))
    assert raised.value.task_id == "y"


@pytest.fixture(scope="module")
def local_processes(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out"
    result = cli(*SWEEP, "--workers", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return Store(out).read_runs()


def test_one_process_and_two_give_identical_results(tmp_path, local_processes):
    result = cli(*SWEEP, "--workers", "1", "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(Store(tmp_path / "out").read_runs(), local_processes, check_exact=True)


def test_dask_cluster_and_local_processes_give_identical_results(tmp_path, local_processes):
    """A LocalCluster of two single-threaded worker processes, reached at its tcp:// address as a remote cluster
    would be (which also checks the workers run this checkout's code)."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c:
        assert c.scheduler_address.startswith("tcp://")
        result = cli(*SWEEP, "--dask", c.scheduler_address, "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert "Dask cluster at tcp://" in result.stdout
    pd.testing.assert_frame_equal(Store(tmp_path / "out").read_runs(), local_processes, check_exact=True)


def die_at(marker: str, value: int) -> int:
    """Kill the worker process running it the first time it is called with the value 5."""
    if value == 5 and not os.path.exists(marker):
        open(marker, "w").close()
        os._exit(1)
    return value * 2


def test_a_task_lost_with_its_worker_is_resubmitted(tmp_path):
    # With no failures allowed, the scheduler gives up on the task as soon as its worker dies (KilledWorker);
    # the backend must submit it again rather than fail the sweep. Twelve quick tasks on one worker: four single
    # runs first, then (at the pace they came back) a batch of 4 to 7, which the worker dies with and which must come
    # back whole.
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        with DaskBackend("local", workers=1) as backend:
            results = dict(backend.map(die_at, (str(tmp_path / "marker"),), [(i, (i,)) for i in range(12)]))
            # An error of a task itself is the task's, not Dask's: not retried, and named, in a batch too.
            with pytest.raises(RunError, match="ZeroDivisionError") as raised:
                dict(backend.map(reciprocal, (), [(i, (i - 4,)) for i in range(8)]))
    assert (tmp_path / "marker").exists(), "the worker died once"
    assert results == {i: 2 * i for i in range(12)}
    assert raised.value.task_id == 4


@pytest.mark.parametrize("count, workers, most, sizes", [
    (3, 2, 8, [1, 1, 1]),  # no more tasks than two per worker: one each
    (24, 2, 8, [6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]),
    (6, 1, 8, [3, 1, 1, 1]),
    (80, 2, 8, [8] * 7 + [6, 4, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1]),
    (24, 2, 2, [2] * 9 + [1] * 6),  # long runs: the pace caps the batch
    (5, 2, 1, [1] * 5),
])
def test_dask_batches_share_round_trips_but_leave_every_worker_work(count, workers, most, sizes):
    batches = list(dask_batches(((i, (i,)) for i in range(count)), workers, lambda: most))
    assert [len(b) for b in batches] == sizes
    assert [task for batch in batches for task in batch] == [(i, (i,)) for i in range(count)]


@pytest.mark.parametrize("elapsed, finished, workers, size", [
    (0.0, 0, 2, 1),  # nothing back yet: one run a task
    (1.0, 100, 2, 8),  # 20 ms a run: the most a batch holds
    (1.0, 4, 2, 4),  # 0.5 s a run: four make the batch's 2 s
    (10.0, 2, 2, 1),  # 10 s a run: one
])
def test_batch_size_holds_about_two_seconds_of_a_workers_time(elapsed, finished, workers, size):
    assert batch_size(elapsed, finished, workers) == size


def test_model_version_is_stable():
    assert model_version() == model_version()
