"""An agent-based model of Tajik labour migration, remittances, home unemployment and aggregate risk conditions."""

import hashlib
import os
from pathlib import Path

# The files whose code or constants end up in compiled functions (other files only call them from Python).
COMPILED_SOURCES = ("mechanisms/*.py", "engine_fast.py", "random_streams.py", "population.py", "tally.py")


def _numba_cache_dir() -> Path:
    """Numba's on-disk cache keyed by a hash of the sources that compiled code is built from.

    Numba invalidates a cached function only when its own file changes, but the compiled passes inline rules and
    constants from other files; without this, editing a mechanism could leave stale machine code in use."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(p for pattern in COMPILED_SOURCES for p in root.glob(pattern)):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return root.parent / ".numba_cache" / digest.hexdigest()[:16]


os.environ.setdefault("NUMBA_CACHE_DIR", str(_numba_cache_dir()))

from sim.model import MigrationModel  # noqa: E402
from sim.parameters import PARAMETERS  # noqa: E402
from sim.timeline import Shock  # noqa: E402

__all__ = ["MigrationModel", "PARAMETERS", "Shock"]
