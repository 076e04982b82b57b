"""The executor: where runs execute, in this process, on local worker processes or on a Dask cluster.

Every command that runs the model (run, compare, validate, calibrate, sweep, sensitivity) sends its runs through a
backend, usually ``analysis.runner.simulate``:

    from analysis import backends, runner
    with backends.open_backend(dask=None, workers=2) as backend:
        for task_id, result in backend.map(runner.simulate, (scenario,), tasks):
            ...   # tasks: (task_id, (seed, scale, months, ...)); results arrive as runs finish

Both backends take the same work, ``function(*common, *args)`` for each task ``(task_id, args)``, and yield
``(task_id, result)`` as runs finish, in completion order; callers key results by ``task_id``, never by position.
A run's result depends only on its arguments (its seed among them), never on which process ran it, so results are
bit-identical whatever the backend or the number of workers. A task that raises stops the map with ``RunError``,
which names the task and carries the error (and, when raised from a worker, its traceback as the cause).

- ``LocalBackend(workers)``: ``workers=1`` runs every task in this process; more start a pool of worker
  processes on this machine at the first ``map``, kept until ``close()``.
- ``DaskBackend("local", workers)``: starts a ``distributed.LocalCluster`` of single-threaded worker processes.
- ``DaskBackend("tcp://HOST:8786")``: connects to a cluster started with the stock ``dask scheduler`` and
  ``dask worker tcp://HOST:8786 --nthreads 1 --nworkers N`` commands (docs/sweeps.md).

On Dask short runs travel in batches (``dask_batches``): each Dask task costs a round trip through the scheduler,
about 10 ms per task measured on a LocalCluster of two workers, as much as a third of a small run. Batches start at
one run; once runs have come back, a batch holds about ``BATCH_SECONDS`` of work at the pace seen so far (at most
``DASK_BATCH`` runs), so long runs stay one to a task (progress shows as they finish, and a killed sweep loses
little), and batches shrink again near the end so that every worker keeps busy. Every batch is submitted with
``pure=False`` (two runs with equal arguments are still two runs), the number of batches in flight is bounded, and
a batch lost with its worker (``KilledWorker``, a closed connection) is resubmitted up to ``LOST_WORKER_RETRIES``
times. An exception raised by a task itself is not retried: the same arguments would raise it again.
"""

import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass

from analysis.provenance import model_version

LOST_WORKER_RETRIES = 3
CONNECT_TIMEOUT_S = 20
DASK_BATCH = 8  # the most runs in one Dask task
BATCH_SECONDS = 2.0  # about how much work, in one worker's seconds, a batch of short runs holds


class BackendError(Exception):
    """The backend cannot be used; the message is one line."""


class RunError(Exception):
    """Task ``task_id`` raised ``error``; the message is one line: the error's type and message."""

    def __init__(self, task_id, error: BaseException):
        super().__init__(f"{type(error).__name__}: {error}")
        self.task_id = task_id
        self.error = error


class _TaskTraceback(Exception):
    """The traceback of the error a task raised (perhaps in another process), shown as its cause."""

    def __str__(self):
        return self.args[0]


@dataclass(frozen=True)
class _Failure:
    """What a task returns instead of raising, so that errors of the task come back as values whatever the backend,
    and an exception that comes back from Dask itself is known to be Dask's."""

    error: BaseException
    traceback: str


def _call(function, *args):
    try:
        return function(*args)
    except Exception as error:
        try:
            pickle.dumps(error)
        except Exception:  # it must travel back from a worker
            error = RuntimeError(f"{type(error).__name__}: {error}")
        return _Failure(error, traceback.format_exc())


def _call_batch(function, common: tuple, batch: list):
    return [(task_id, _call(function, *common, *args)) for task_id, args in batch]


def dask_batches(tasks, workers: int, most=lambda: DASK_BATCH):
    """``tasks`` in batches for Dask: as many as ``most()`` (asked for each batch, at most ``DASK_BATCH``) while the
    waiting tasks (read up to ``2 * workers * DASK_BATCH`` ahead) give every worker two batches of that size, smaller
    when fewer wait, down to one task each at the end, so the last batches spread over the workers."""
    tasks, waiting = iter(tasks), []
    ahead = 2 * workers * DASK_BATCH
    while True:
        waiting.extend(itertools.islice(tasks, ahead - len(waiting)))
        if not waiting:
            return
        size = max(1, min(most(), DASK_BATCH, len(waiting) // (2 * workers)))
        yield waiting[:size]
        del waiting[:size]


def batch_size(elapsed: float, finished: int, workers: int) -> int:
    """How many runs make about ``BATCH_SECONDS`` of a worker's time, at the pace of the ``finished`` runs over
    ``elapsed`` seconds on ``workers`` workers; one until a run has finished."""
    if finished == 0:
        return 1
    seconds_per_run = elapsed * workers / finished
    return max(1, min(DASK_BATCH, int(BATCH_SECONDS / max(seconds_per_run, 1e-9))))


def _checked(task_id, result):
    if isinstance(result, _Failure):
        result.error.__cause__ = _TaskTraceback(result.traceback)
        raise RunError(task_id, result.error) from result.error
    return result


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Starting the worker processes (the server process imports the model and loads its compiled kernels, then forks
# them) took about 3 s before the first run on the project's 2-core machine; tiny sweeps are mostly this.
LOCAL_START_SECONDS = 3.0


class LocalBackend:
    def __init__(self, workers: int | None = None):
        self.workers = workers or available_cpus()
        self.description = (f"{self.workers} local process{'es' if self.workers > 1 else ''}"
                            if self.workers > 1 else "this process")
        self.start_seconds = LOCAL_START_SECONDS if self.workers > 1 else 0.0
        self._pool = None

    def map(self, function, common: tuple, tasks):
        if self.workers <= 1:
            for task_id, args in tasks:
                yield task_id, _checked(task_id, _call(function, *common, *args))
            return
        if self._pool is None:
            # forkserver, not fork: forking a process whose libraries run threads can deadlock the child. The
            # server imports the model once, so each worker starts from compiled code.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["analysis.backends", "analysis.runner", "sim.engine_fast"])
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context)
        limit = 2 * self.workers
        pending, queue = {}, iter(tasks)

        def fill():
            for task_id, args in queue:
                pending[self._pool.submit(_call, function, *common, *args)] = task_id
                if len(pending) >= limit:
                    break

        fill()
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task_id = pending.pop(future)
                    yield task_id, _checked(task_id, future.result())
                fill()
        finally:
            for future in pending:
                future.cancel()

    def close(self):
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DaskBackend:
    def __init__(self, address: str, workers: int | None = None):
        import distributed

        self.cluster = None
        if address == "local":
            n = workers or available_cpus()
            # One thread per worker process: a run's Python glue holds the GIL (its compiled passes do not, and
            # in a worker process they use one thread), so processes give true parallelism.
            self.cluster = distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                                    dashboard_address=None, silence_logs=logging.ERROR)
            self.client = distributed.Client(self.cluster)
        else:
            try:
                self.client = distributed.Client(address, timeout=CONNECT_TIMEOUT_S)
            except (OSError, TimeoutError) as error:
                raise BackendError(f"--dask {address}: cannot reach the Dask scheduler: {error}") from None
            self._check_cluster(address)
        self.address = address
        threads = sum(self.client.nthreads().values())
        self.workers = max(threads, 1)
        self.description = (f"a local Dask cluster of {self.workers} workers" if self.cluster else
                            f"the Dask cluster at {address} ({self.workers} worker threads)")
        self.start_seconds = 0.0  # its workers are running by now

    def _check_cluster(self, address):
        """Refuse a scheduler or workers that cannot import this project, or that run other model code or data."""
        if not self.client.nthreads():
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        mine = model_version()
        # The scheduler unpickles task graphs too (recent Dask), so it needs the project as much as the workers.
        versions = {"the scheduler": self._ask("scheduler", self.client.run_on_scheduler, address)}
        versions.update(self._ask("workers", self.client.run, address))
        strangers = sorted(name for name, version in versions.items() if version != mine)
        if strangers:
            self.close()
            raise BackendError(f"--dask {address}: {', '.join(strangers)} run different model code or data than "
                               f"this checkout; start them from the same checkout and environment")

    def _ask(self, role: str, run, address: str):
        try:
            return run(model_version)
        except Exception as error:  # a process that cannot unpickle the check cannot run the model either
            self.close()
            raise BackendError(f"--dask {address}: the {role} cannot import this project ({error}); start them "
                               f"from the checkout with PYTHONPATH set to it, or after 'pip install -e .' "
                               f"(docs/sweeps.md)") from None

    def map(self, function, common: tuple, tasks):
        from concurrent.futures import CancelledError

        import distributed
        from distributed.comm import CommClosedError

        lost = (distributed.KilledWorker, CommClosedError, CancelledError)
        # ``common`` goes with every batch rather than being scattered once: scattered data dies with the workers
        # holding it, and every batch needing it would then be cancelled instead of retried. It is small.
        started, finished = time.monotonic(), 0
        batches = dask_batches(tasks, self.workers,
                               lambda: batch_size(time.monotonic() - started, finished, self.workers))
        limit = 2 * self.workers + 2
        ids, attempts = {}, {}
        running = distributed.as_completed()

        def submit(batch):
            future = self.client.submit(_call_batch, function, common, batch, pure=False)
            ids[future] = batch
            running.add(future)

        for batch in batches:
            submit(batch)
            if running.count() >= limit:
                break
        try:
            for future in running:
                batch = ids.pop(future)
                first = batch[0][0]
                named = f"run {first}" if len(batch) == 1 else f"run {first} (with {len(batch) - 1} more)"
                try:
                    results = future.result()
                except lost as error:
                    attempts[first] = attempts.get(first, 0) + 1
                    if attempts[first] > LOST_WORKER_RETRIES:
                        raise BackendError(f"{named} was lost with its Dask worker {attempts[first]} times: "
                                           f"{error!r}") from None
                    submit(batch)
                    continue
                except Exception as error:  # the tasks' own errors come back as values, so this one is Dask's
                    first_line = (str(error).strip().splitlines() or [repr(error)])[0]
                    raise BackendError(f"{named} could not run on Dask: {type(error).__name__}: "
                                       f"{first_line}") from None
                finally:
                    future.release()
                finished += len(results)
                for task_id, result in results:
                    yield task_id, _checked(task_id, result)
                for next_batch in batches:
                    submit(next_batch)
                    if running.count() >= limit:
                        break
        finally:
            for future in list(ids):
                future.cancel()

    def close(self):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_address(dask: str) -> str:
    """``dask`` if it is ``"local"`` or a scheduler address, else BackendError."""
    if dask != "local" and not dask.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        raise BackendError(f"--dask: expected 'local' or a scheduler address such as tcp://HOST:8786, got {dask!r}")
    return dask


def open_backend(dask: str | None = None, workers: int | None = None):
    """``LocalBackend(workers)`` unless ``dask`` is ``"local"`` or a scheduler address. Use it as a context
    manager; ``workers=None`` means every CPU this process may use."""
    if dask is None:
        return LocalBackend(workers)
    return DaskBackend(check_address(dask), workers)


@contextlib.contextmanager
def borrowed(backend=None, dask: str | None = None, workers: int | None = None):
    """``backend`` if the caller passes one (left open for its next use), else ``open_backend(dask, workers)``,
    closed when the block ends. Lets a library function take an open backend or the flags that choose one."""
    if backend is not None:
        yield backend
        return
    with open_backend(dask, workers) as opened:
        yield opened
