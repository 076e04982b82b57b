"""Where sweep runs execute: local worker processes (the default) or a Dask cluster.

Both backends take the same work, ``function(*common, *args)`` for each task ``(task_id, args)``, and yield
``(task_id, result)`` as runs finish, in completion order; callers key results by ``task_id``. A run's result
depends only on its arguments (its seed among them), never on which process ran it, so results are bit-identical
whatever the backend or the number of workers.

- ``LocalBackend(workers)``: a process pool on this machine (``analysis.parallel.run_local``).
- ``DaskBackend("local", workers)``: starts a ``distributed.LocalCluster`` of single-threaded worker processes.
- ``DaskBackend("tcp://HOST:8786")``: connects to a cluster started with the stock ``dask scheduler`` and
  ``dask worker tcp://HOST:8786 --nthreads 1 --nworkers N`` commands (docs/sweeps.md).

On Dask every task is submitted with ``pure=False`` (two runs with equal arguments are still two runs), the number
of tasks in flight is bounded, and a task lost with its worker (``KilledWorker``, a closed connection) is
resubmitted up to ``LOST_WORKER_RETRIES`` times. An exception raised by the model itself is not retried: the same
arguments would raise it again.
"""

import hashlib
import logging
import os
from pathlib import Path

from analysis.parallel import run_local

LOST_WORKER_RETRIES = 3
CONNECT_TIMEOUT_S = 20


class BackendError(Exception):
    """The backend cannot be used; the message is one line."""


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def code_version() -> str:
    """Hash of the model code and data runs depend on (the model, the country profiles, the calibrated estimates
    and the numeric libraries). A cluster whose workers run other code is refused, and so is resuming a sweep
    after the model changed, instead of silently mixing results of two models."""
    import numba
    import numpy

    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"numpy {numpy.__version__} numba {numba.__version__}".encode())
    files = [*root.glob("sim/**/*.py"), root / "analysis" / "runner.py",
             *root.glob("scenarios/countries/*.toml"), *root.glob("scenarios/calibrated/*.toml")]
    for path in sorted(files):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


class LocalBackend:
    def __init__(self, workers: int | None = None):
        self.workers = workers or available_cpus()
        self.description = (f"{self.workers} local process{'es' if self.workers > 1 else ''}"
                            if self.workers > 1 else "this process")

    def map(self, function, common: tuple, tasks):
        tasks = ((task_id, (*common, *args)) for task_id, args in tasks)
        yield from run_local(function, tasks, workers=self.workers, max_in_flight=2 * self.workers)

    def close(self):
        pass

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
            # One thread per worker process: a run holds the GIL for its whole length, so more threads would only
            # contend for it; processes give true parallelism.
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

    def _check_cluster(self, address):
        """Refuse a scheduler or workers that cannot import this project, or that run other model code or data."""
        if not self.client.nthreads():
            self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        mine = code_version()
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
            return run(code_version)
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
        # ``common`` goes with every task rather than being scattered once: scattered data dies with the workers
        # holding it, and every task needing it would then be cancelled instead of retried. It is small.
        tasks = iter(tasks)
        limit = 2 * self.workers + 2
        ids, attempts = {}, {}
        running = distributed.as_completed()

        def submit(task_id, args):
            future = self.client.submit(function, *common, *args, pure=False)
            ids[future] = (task_id, args)
            running.add(future)

        for task_id, args in tasks:
            submit(task_id, args)
            if running.count() >= limit:
                break
        try:
            for future in running:
                task_id, args = ids.pop(future)
                try:
                    result = future.result()
                except lost as error:
                    attempts[task_id] = attempts.get(task_id, 0) + 1
                    if attempts[task_id] > LOST_WORKER_RETRIES:
                        raise BackendError(f"run {task_id} was lost with its Dask worker "
                                           f"{attempts[task_id]} times: {error!r}") from None
                    submit(task_id, args)
                    continue
                except Exception as error:  # the model's own errors come back as values, so this one is Dask's
                    first_line = (str(error).strip().splitlines() or [repr(error)])[0]
                    raise BackendError(f"run {task_id} could not run on Dask: {type(error).__name__}: "
                                       f"{first_line}") from None
                finally:
                    future.release()
                yield task_id, result
                for next_id, next_args in tasks:
                    submit(next_id, next_args)
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


def open_backend(dask: str | None = None, workers: int | None = None):
    """``LocalBackend`` unless ``dask`` is ``"local"`` or a scheduler address. Use it as a context manager."""
    if dask is None:
        return LocalBackend(workers)
    if dask != "local" and not dask.startswith(("tcp://", "tls://", "ucx://", "inproc://")):
        raise BackendError(f"--dask: expected 'local' or a scheduler address such as tcp://HOST:8786, got {dask!r}")
    return DaskBackend(dask, workers)
