"""Local parallel execution of independent runs, streamed back as they finish.

Each task is ``(task_id, args)``; ``function(*args)`` must be a module-level function so worker processes can
import it. Results come back in completion order; callers key them by ``task_id``, never by position.
"""

import multiprocessing
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

from tqdm import tqdm


def run_local(function, tasks, workers: int = 1, description: str | None = None, max_in_flight: int | None = None):
    """Yield ``(task_id, result)`` pairs. ``workers=1`` runs in this process."""
    tasks = list(tasks)
    bar = tqdm(total=len(tasks), desc=description, unit="run", disable=description is None, leave=False)
    try:
        if workers <= 1:
            for task_id, args in tasks:
                result = function(*args)
                bar.update()
                yield task_id, result
            return
        limit = max_in_flight or 2 * workers
        # forkserver, not fork: forking a process whose libraries run threads can deadlock the child. The server
        # imports the model once, so each worker starts from compiled code.
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["analysis.runner", "sim.engine_fast"])
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            pending, queue = {}, iter(tasks)
            for task_id, args in queue:
                pending[pool.submit(function, *args)] = task_id
                if len(pending) >= limit:
                    break
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    task_id = pending.pop(future)
                    bar.update()
                    yield task_id, future.result()
                for task_id, args in queue:
                    pending[pool.submit(function, *args)] = task_id
                    if len(pending) >= limit:
                        break
    finally:
        bar.close()
