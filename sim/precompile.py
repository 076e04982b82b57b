"""Compile the fast engine's kernels into Numba's on-disk cache: ``python -m sim.precompile``.

``make install`` runs it, so the first run after an install loads compiled code instead of compiling it (about 15 s
on two cores; ``run.py bench`` measures it as ``cold_start``). A tiny model of a few months calls every
kernel a run calls, with the same argument types; the cache is keyed by the sources (``sim/__init__.py``), so it is
valid until they change.
"""

import sys
import time

from sim import MigrationModel


def main() -> int:
    began = time.perf_counter()
    model = MigrationModel(scale=4000, rng=1, spinup_months=1)
    model.run_for(2)
    print(f"compiled the fast engine's kernels in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
