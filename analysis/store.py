"""The on-disk store of a sweep: runs stream into it as they finish, and a killed sweep resumes from it.

Layout of ``OUT/``:

- ``design.json``: what defines the runs (kind, method, parameters and bounds, sampler settings, seed, replicates,
  scale, months, engine, the scenario's hash) and its ``fingerprint``, a hash of all of those and of the sample;
- ``points.csv``: ``point_id`` and the parameter values the model runs with; ``sample.csv``: the unrounded sample
  the estimators read (sensitivity designs only);
- ``manifest.csv``: one row per run: ``run_id, point_id, replicate, seed``, its parameter values, ``status``
  (``done`` or ``pending``), and for a done run the ``part`` holding it and that part's ``part_sha256``;
- ``runs/part-NNNNNN.parquet``: the monthly outputs of a batch of finished runs (``run_id, point_id, replicate,
  date`` and every output), zstd-compressed.

Why it survives a crash: a part is written to a hidden temporary name and flushed to disk; its checksum is
recorded in the manifest; only then is it renamed, and a rename is atomic, so a part is either whole or absent.
The parts whose checksum matches the manifest are the record of what is done. A run whose part never landed, or
whose part was later corrupted or truncated (its checksum no longer matches), is run again on resume, with the
same seed and so the same result; reading a store with such a part is refused until it is resumed. Reading dedupes
by ``run_id`` (the first part holding a run wins), so nothing is ever counted twice.

One sweep at a time writes to a directory: ``lock()`` takes a POSIX lock on ``OUT/.lock``, which the kernel drops
when the process dies, however it dies.
"""

import fcntl
import hashlib
import json
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from analysis import provenance
from analysis.outdir import fsync_directory, write_atomically

DESIGN_FILE = "design.json"
POINTS_FILE = "points.csv"
SAMPLE_FILE = "sample.csv"
MANIFEST_FILE = "manifest.csv"
RUNS_DIR = "runs"
LOCK_FILE = ".lock"
PART_COLUMNS = ("part", "part_sha256")  # manifest columns: where a done run is, and that part's checksum
PART_RE = re.compile(r"^part-(\d{6,})\.parquet$")
KEY_COLUMNS = ("run_id", "point_id", "replicate", "date")
# A directory holding only these is a store whose creation was interrupted before its marker was written.
_CREATION_FILES = {LOCK_FILE}


class StoreError(Exception):
    """The directory cannot hold this sweep, or its files are damaged; the message is one line."""


def file_sha256(path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# Fields of design.json that describe a sweep without defining its runs: they may differ on resume.
NOT_DEFINING = frozenset({"fingerprint", "outputs", "scenario_path", *provenance.DESCRIPTIVE})


def defining(design: dict) -> dict:
    return {k: v for k, v in design.items() if k not in NOT_DEFINING}


def fingerprint(design: dict, sample: np.ndarray) -> str:
    """Hash of what defines the runs: the defining fields of the design (canonical JSON) and the exact sample."""
    digest = hashlib.sha256(json.dumps(defining(design), sort_keys=True, default=str).encode())
    digest.update(np.ascontiguousarray(sample, dtype=np.float64).tobytes())
    return digest.hexdigest()



def write_csv(path, frame: pd.DataFrame) -> None:
    write_atomically(Path(path), lambda p: frame.to_csv(p, index=False))


def write_json(path, data: dict) -> None:
    write_atomically(Path(path), lambda p: p.write_text(json.dumps(data, indent=2, default=str) + "\n"))


# pandas writes floats with repr(); pandas 3 parses them back exactly by default, pandas 2 only when asked (and
# pandas 3 deprecates asking). Either way the sample round-trips bit for bit, which its fingerprint relies on.
_EXACT_FLOATS = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}


def read_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, **_EXACT_FLOATS)


_EXPLAINED = {"model_version": "the model's code or data changed since these runs were made",
              "scenario": "the scenario file changed"}


def _describe_difference(old: dict, new: dict) -> str:
    differences = []
    for key in sorted(set(old) | set(new)):
        if old.get(key) != new.get(key):
            a, b = old.get(key), new.get(key)
            if key in _EXPLAINED:
                differences.append(_EXPLAINED[key])
            elif isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
                differences.append(key)
            else:
                differences.append(f"{key} {b} here vs {a} there")
    return "; ".join(differences) or "the sampled points"


class Store:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.runs_directory = self.directory / RUNS_DIR
        self._lock_handle = None

    # ------------------------------------------------------------------ design
    def design(self) -> dict | None:
        path = self.directory / DESIGN_FILE
        if not path.exists():
            return None
        try:
            design = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise StoreError(f"{path}: unreadable design file ({error}); start fresh in another --out") from None
        if not isinstance(design, dict) or not isinstance(design.get("fingerprint"), str):
            raise StoreError(f"{path}: not a design file (expected a JSON object with a fingerprint); start fresh in "
                             f"another --out")
        return design

    def check(self, design: dict) -> bool:
        """True if this directory already holds ``design`` (resume), False if it is free to create it.
        Raises StoreError if it holds anything else."""
        from analysis.outdir import MARKER, owner

        if not self.directory.exists():
            return False
        if not self.directory.is_dir():
            raise StoreError(f"{self.directory}: exists and is not a directory")
        existing = self.design()
        if existing is None:
            leftovers = {p.name for p in self.directory.iterdir()} - _CREATION_FILES - {MARKER}
            marked = owner(self.directory)
            if leftovers and (marked is None or marked["kind"] != design["kind"]):
                raise StoreError(f"{self.directory}: exists and is not a sweep store (no {DESIGN_FILE}); "
                                 f"choose another --out")
            return False
        if existing.get("fingerprint") == design["fingerprint"]:
            rows = len(self.manifest())
            if rows != design["runs"]:
                raise StoreError(f"{self.directory / MANIFEST_FILE} lists {rows} runs, the design has "
                                 f"{design['runs']}; start fresh in another --out")
            return True
        # Only fields this design has are named: one it lacks is not something another flag could change.
        difference = _describe_difference({k: v for k, v in defining(existing).items() if k in design},
                                          defining(design))
        raise StoreError(f"{self.directory} holds a different {existing.get('kind', 'sweep')} design "
                         f"({difference}); use another --out, or delete it to start again")

    def create(self, design: dict, points: pd.DataFrame, manifest: pd.DataFrame, sample: pd.DataFrame | None):
        """Write a new store's files: the ownership marker first, design.json last, so a store without it is known
        to be incomplete."""
        from analysis.outdir import write_marker

        self.directory.mkdir(parents=True, exist_ok=True)
        write_marker(self.directory, design["kind"])
        self.runs_directory.mkdir(parents=True, exist_ok=True)
        write_csv(self.directory / POINTS_FILE, points)
        if sample is not None:
            write_csv(self.directory / SAMPLE_FILE, sample)
        write_csv(self.directory / MANIFEST_FILE, manifest)
        write_json(self.directory / DESIGN_FILE, design)

    def update_design(self, **fields) -> None:
        """Change fields of design.json that do not define the runs (for example the outputs analysed)."""
        design = self.design()
        if any(design.get(k) != v for k, v in fields.items()):
            write_json(self.directory / DESIGN_FILE, {**design, **fields})

    def _table(self, name: str, columns, consequence: str) -> pd.DataFrame:
        """A CSV file of the store with at least ``columns``; StoreError in one line if it is missing or damaged."""
        path = self.directory / name
        try:
            table = read_csv(path)
        except FileNotFoundError:
            raise StoreError(f"{path} is missing, so {consequence}; start fresh in another --out") from None
        except (OSError, ValueError, pd.errors.ParserError) as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise StoreError(f"{path}: unreadable ({message}); start fresh in another --out") from None
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise StoreError(f"{path}: no {', '.join(missing)} column; start fresh in another --out")
        return table

    def points(self) -> pd.DataFrame:
        return self._table(POINTS_FILE, ["point_id"], "the design points are unknown")

    def sample(self) -> pd.DataFrame:
        return self._table(SAMPLE_FILE, ["point_id"], "the design's sample is unknown")

    def manifest(self) -> pd.DataFrame:
        """The manifest, one row per run (see the module's docstring); raises StoreError if it is missing or
        damaged."""
        return self._table(MANIFEST_FILE, ["run_id", "point_id", "replicate", "seed", "status"],
                           "the runs cannot be verified")

    def runs(self) -> pd.DataFrame:
        """The manifest without its bookkeeping columns: what each run is."""
        return self.manifest().drop(columns=["status", *PART_COLUMNS], errors="ignore")

    # ------------------------------------------------------------------ writing
    def lock(self) -> None:
        """Take the directory's write lock, or raise StoreError if another live process holds it."""
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = open(self.directory / LOCK_FILE, "a+")
        try:
            # A POSIX record lock, not flock: it belongs to this process only (worker processes forked from it
            # do not inherit it) and the kernel drops it when the process dies, even by SIGKILL.
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise StoreError(f"{self.directory}: another sweep is writing to this directory right now") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._lock_handle = handle

    def unlock(self) -> None:
        if self._lock_handle is not None:
            self._lock_handle.close()
            self._lock_handle = None

    def remove_temporaries(self) -> None:
        """Delete parts whose writing was interrupted before their rename."""
        if self.runs_directory.exists():
            for path in self.runs_directory.glob(".part-*.tmp"):
                path.unlink(missing_ok=True)

    def part_paths(self) -> list[Path]:
        if not self.runs_directory.exists():
            return []
        return sorted(p for p in self.runs_directory.iterdir() if PART_RE.match(p.name))

    def write_part(self, table: pa.Table, manifest: pd.DataFrame | None = None, done: dict | None = None) -> Path:
        """Write one batch of finished runs as the next part: to a temporary name, flushed; its checksum into the
        manifest; then renamed into place. ``done`` (run id -> (part, checksum)) is updated with the part's runs
        and written with ``manifest`` (default: the store's own manifest and what it records as done)."""
        parts = self.part_paths()
        number = int(PART_RE.match(parts[-1].name)[1]) + 1 if parts else 0
        path = self.runs_directory / f"part-{number:06d}.parquet"
        temporary = path.with_name(f".{path.name}.tmp")
        pq.write_table(table, temporary, compression="zstd")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        if manifest is None:
            manifest = self.runs()
            done = self.recorded()
        record = (path.name, file_sha256(temporary))
        done.update({run_id: record for run_id in table.column("run_id").to_numpy().tolist()})
        self.write_manifest(manifest, done)
        os.replace(temporary, path)
        fsync_directory(path.parent)
        return path

    def write_manifest(self, manifest: pd.DataFrame, done: dict) -> None:
        """``manifest`` (one row per run) with the status of each run and the part and checksum of each done run,
        from ``done``: run id -> (part name, sha256)."""
        manifest = manifest.drop(columns=["status", *PART_COLUMNS], errors="ignore")
        where = manifest["run_id"].map(lambda run_id: done.get(run_id, ("", "")))
        manifest["status"] = np.where(manifest["run_id"].isin(list(done)), "done", "pending")
        manifest["part"] = [part for part, _ in where]
        manifest["part_sha256"] = [digest for _, digest in where]
        write_csv(self.directory / MANIFEST_FILE, manifest)

    def recorded(self) -> dict:
        """What the manifest records as done: run id -> (part name, sha256)."""
        manifest = self.manifest()
        if "part" not in manifest.columns:
            return {}
        rows = manifest[manifest["status"] == "done"]
        return {int(r): (str(p), str(h)) for r, p, h in zip(rows["run_id"], rows["part"], rows["part_sha256"],
                                                             strict=True)}

    def verify(self) -> tuple[dict, list[tuple[Path, str]]]:
        """Check every part against the checksum the manifest records for it. Returns what is done (run id ->
        (part, sha256)), counting only runs in sound parts, and (part, one line) per problem: a part whose checksum does
        not match (corrupted or truncated), a part that cannot be read, a recorded part that is missing. A part
        the manifest does not know (a store written before checksums were recorded) is read whole to check it."""
        recorded = self.recorded()
        expected = {}
        for part, digest in recorded.values():
            expected.setdefault(part, digest)
        done, problems = {}, []
        present = set()
        for path in self.part_paths():
            present.add(path.name)
            digest = file_sha256(path)
            if path.name in expected and expected[path.name] != digest:
                problems.append((path, f"{path}: its checksum does not match {MANIFEST_FILE} (corrupted or "
                                       f"truncated)"))
                continue
            try:
                run_ids = pq.read_table(path, columns=["run_id"]).column("run_id").to_numpy().tolist()
                if path.name not in expected:
                    pq.read_table(path)
            except (OSError, pa.ArrowException) as error:
                problems.append((path, f"{path}: unreadable ({(str(error) or type(error).__name__).splitlines()[0]})"))
                continue
            for run_id in run_ids:
                done.setdefault(run_id, (path.name, digest))
        for part in sorted(set(expected) - present):
            problems.append((self.runs_directory / part, f"{self.runs_directory / part}: listed in {MANIFEST_FILE} "
                                                         f"but missing"))
        return done, problems

    def set_aside(self, paths) -> None:
        """Rename damaged parts so they are no longer read (kept for inspection, never deleted)."""
        for path in paths:
            if path.exists():
                path.rename(path.with_name(f"{path.name}.damaged"))

    # ------------------------------------------------------------------ reading
    def done_run_ids(self) -> set[int]:
        """Run ids in sound parts (see ``verify``)."""
        return set(self.verify()[0])

    def read_runs(self, columns=None) -> pd.DataFrame:
        """The monthly outputs of every finished run, sorted by ``run_id`` and ``date``. A run found in more than
        one part is read from the first part only. ``columns``: outputs to read (default all). Raises StoreError
        if a part is damaged or missing."""
        _, problems = self.verify()
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise StoreError(f"{problems[0][1]}{more}; run the same command again to re-run its runs")
        wanted = None if columns is None else list(dict.fromkeys([*KEY_COLUMNS, *columns]))
        seen: set[int] = set()
        tables = []
        for path in self.part_paths():
            table = pq.read_table(path, columns=wanted)
            run_ids = table.column("run_id").to_numpy()
            fresh = ~np.isin(run_ids, list(seen)) if seen else np.ones(len(run_ids), dtype=bool)
            if not fresh.all():
                table = table.filter(pa.array(fresh))
            seen.update(np.unique(run_ids[fresh]).tolist())
            tables.append(table)
        if not tables:
            return pd.DataFrame(columns=wanted or list(KEY_COLUMNS))
        frame = pa.concat_tables(tables).to_pandas()
        frame["date"] = frame["date"].astype(str)
        return frame.sort_values(["run_id", "date"], kind="stable").reset_index(drop=True)
