"""An agent-based model of Tajik labour migration, remittances, home unemployment and aggregate risk conditions."""

import hashlib
import os
from pathlib import Path


def _numba_cache_dir() -> Path:
    """Numba's on-disk cache keyed by a hash of every source file of the model.

    Numba invalidates a cached function only when its own file changes, but the compiled passes inline rules and
    constants from other files; without this, editing a mechanism could leave stale machine code in use."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return root.parent / ".numba_cache" / digest.hexdigest()[:16]


os.environ.setdefault("NUMBA_CACHE_DIR", str(_numba_cache_dir()))

from sim.model import MigrationModel  # noqa: E402
from sim.parameters import PARAMETERS  # noqa: E402
from sim.timeline import Shock  # noqa: E402

__all__ = ["MigrationModel", "PARAMETERS", "Shock"]
