"""Output directories the project owns.

A command writes only into a directory that does not exist yet, or into one the project wrote itself, which it
recognises by the marker file ``.tajmig`` (JSON: the kind of output and its provenance) that it writes first into
every output directory. Anything else is refused before any work starts: a non-empty directory without the marker,
the checkout or any of its ancestors, the current directory or its ancestors, the scenario library, a directory
holding the command's input files, and a sweep store when the command is not a sweep (or the other way round).

Results are written into a hidden sibling ``.NAME.partial-PID-XXXX`` that replaces the target only when the
command succeeds (an owned target is first renamed to ``.NAME.old-PID`` and deleted after), so a crash or a bad
input never leaves a half-written result behind. Leftovers of a process that was killed are deleted the next time
any command writes next to them; only leftovers holding the marker and belonging to a dead process are touched.

Commands call ``check_output_directory`` before they start work, then write through ``atomic_directory``; a
command writing a single file calls ``check_output_file``.
"""

import contextlib
import datetime
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

MARKER = ".tajmig"
ROOT = Path(__file__).resolve().parent.parent
SCENARIO_LIBRARY = ROOT / "scenarios"
# Kinds of output whose directory is a resumable store: only the same kind of command may write into one.
STORE_KINDS = frozenset({"sweep", "sensitivity", "calibration", "discovery"})
# Files that mark a store written before stores carried the marker.
_LEGACY_STORE_FILES = ("design.json", "manifest.csv")
_LEFTOVER_RE = re.compile(r"^\.(?P<name>.+)\.(?:partial|old)-(?P<pid>\d+)(?:-.*)?$")
# Most file systems limit one path component to 255 bytes.
MAX_NAME_BYTES = 255


class OutputError(Exception):
    """The output path cannot be used; the message is one line naming the flag and the reason."""


def marker(kind: str) -> dict:
    """The contents of the ``.tajmig`` marker: what wrote the directory, when, and with which code and command."""
    from analysis import provenance

    commit, dirty = provenance.git_state()
    return {"written_by": "tajmig", "kind": kind, "package_version": provenance.package_version(),
            "git_commit": commit, "git_dirty": dirty,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "command_line": provenance.command_line()}


def write_marker(directory, kind: str) -> None:
    Path(directory, MARKER).write_text(json.dumps(marker(kind), indent=2) + "\n")


def owner(directory) -> dict | None:
    """The marker of a directory the project wrote, or None if it has none (or an unreadable one)."""
    path = Path(directory, MARKER)
    try:
        if not path.is_file() or path.stat().st_size > 65536:
            return None
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(record, dict) or record.get("written_by") != "tajmig" or not isinstance(record.get("kind"),
                                                                                                 str):
        return None
    return record


def _is_within(path: Path, ancestor: Path) -> bool:
    return path == ancestor or ancestor in path.parents


def _absolute(target) -> Path:
    """``target`` made absolute with ``..`` and symlinks resolved, without requiring it to exist."""
    return Path(os.path.realpath(os.path.abspath(target)))


def check_output_directory(target, kind: str, *, flag: str = "--out", inputs=()) -> Path:
    """Raise ``OutputError`` unless ``target`` may receive output of ``kind``; return it as given.

    ``inputs``: the files the command reads (a directory holding one is refused). For a store kind, an existing
    store of the same kind is accepted (the store itself then checks that it holds the same design)."""
    target = Path(target)
    shown = str(target)
    if not shown.strip():
        raise OutputError(f"{flag}: expected a directory name, got an empty string")
    if "\n" in shown or "\r" in shown:
        raise OutputError(f"{flag}: a directory name must be a single line")
    absolute = _absolute(target)
    if len(absolute.name.encode()) > MAX_NAME_BYTES - 32:  # room for the .partial-/.old- prefix and suffix
        raise OutputError(f"{flag}: the directory name is too long ({len(absolute.name.encode())} bytes; at most "
                          f"{MAX_NAME_BYTES - 32})")
    if _is_within(ROOT, absolute):
        what = "the checkout" if absolute == ROOT else "an ancestor of the checkout"
        raise OutputError(f"{flag}: {shown} is {what} ({ROOT}); choose a new directory such as results/NAME")
    if _is_within(_absolute(Path.cwd()), absolute):
        what = "the current directory" if absolute == _absolute(Path.cwd()) else "an ancestor of the current " \
                                                                                 "directory"
        raise OutputError(f"{flag}: {shown} is {what}; choose a new directory inside it")
    if _is_within(absolute, SCENARIO_LIBRARY) or _is_within(SCENARIO_LIBRARY, absolute):
        raise OutputError(f"{flag}: {shown} is in the scenario library ({SCENARIO_LIBRARY}); choose a directory "
                          f"outside it, such as results/NAME")
    for path in inputs:
        if path and _is_within(_absolute(path), absolute):
            raise OutputError(f"{flag}: {shown} holds the input file {path}; choose another directory")
    _check_parent(absolute, shown, flag)
    if not os.path.lexists(absolute):
        return target
    if not absolute.is_dir():
        raise OutputError(f"{flag}: {shown} exists and is not a directory")
    record = owner(absolute)
    if record is None:
        try:
            entries = [p.name for p in absolute.iterdir()]
        except OSError as error:
            raise OutputError(f"{flag}: cannot read {shown}: {error.strerror}") from None
        if not entries:
            return target
        if kind in STORE_KINDS and all(name in entries for name in _LEGACY_STORE_FILES):
            return target  # a store written before stores carried the marker; the store checks its design
        if all(name in entries for name in _LEGACY_STORE_FILES):
            raise OutputError(f"{flag}: {shown} is a sweep store; a {kind} is not written into one, choose "
                              f"another directory")
        raise OutputError(f"{flag}: {shown} exists, is not empty and was not written by this program (no {MARKER} "
                          f"file); choose another directory, or empty it yourself")
    owned = record["kind"]
    if (owned in STORE_KINDS or kind in STORE_KINDS) and owned != kind:
        article = "an" if owned[0] in "aeiou" else "a"
        raise OutputError(f"{flag}: {shown} holds {article} {owned} results directory, not a {kind}; choose another "
                          f"directory")
    return target


def _check_parent(absolute: Path, shown: str, flag: str) -> None:
    """The nearest existing ancestor must be a writable directory."""
    parent = absolute.parent
    while not os.path.lexists(parent):
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"{flag}: cannot create {shown}: {parent} is a file, not a directory")
    # Creating and removing an empty directory is the only sure test: permissions, read-only mounts and pseudo
    # file systems such as /proc all answer it.
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".tajmig-probe-", dir=parent))
    except OSError as error:
        raise OutputError(f"{flag}: cannot create {shown}: {parent}: {error.strerror or error}") from None


def check_output_file(target, *, flag: str, signature: str) -> Path:
    """Raise ``OutputError`` unless ``target`` may be (over)written: it does not exist, or it is a regular file
    whose first 4 kB contain ``signature`` (the header the project writes into such files)."""
    target = Path(target)
    absolute = _absolute(target)
    if not os.path.lexists(absolute):
        _check_parent(absolute, str(target), flag)
        return target
    if not absolute.is_file():
        raise OutputError(f"{flag}: {target} exists and is not a regular file")
    try:
        with open(absolute, "rb") as handle:
            first = handle.read(4096).decode("utf-8", "replace")
    except OSError as error:
        raise OutputError(f"{flag}: cannot read {target}: {error.strerror}") from None
    if signature not in first:
        raise OutputError(f"{flag}: {target} exists and was not written by this program; choose another file name")
    return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_leftovers(target) -> None:
    """Delete ``.NAME.partial-*`` and ``.NAME.old-*`` directories next to ``target`` that a killed process left:
    only those holding the marker, whose process is gone."""
    absolute = _absolute(target)
    try:
        siblings = list(absolute.parent.iterdir())
    except OSError:
        return
    for path in siblings:
        match = _LEFTOVER_RE.match(path.name)
        if (match and match["name"] == absolute.name and int(match["pid"]) != os.getpid()
                and not _alive(int(match["pid"])) and path.is_dir() and not path.is_symlink()
                and owner(path) is not None):
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def atomic_directory(target, kind: str, *, flag: str = "--out", inputs=()):
    """Yield a staging directory that replaces ``target`` when the block succeeds; on any failure the staging
    directory is deleted and ``target`` is left as it was. ``target`` is checked again just before."""
    check_output_directory(target, kind, flag=flag, inputs=inputs)
    absolute = _absolute(target)
    try:
        absolute.parent.mkdir(parents=True, exist_ok=True)
        remove_leftovers(absolute)
        staging = Path(tempfile.mkdtemp(prefix=f".{absolute.name}.partial-{os.getpid()}-", dir=absolute.parent))
    except OSError as error:
        raise OutputError(f"{flag}: cannot create {target}: {error.strerror or error}") from None
    try:
        write_marker(staging, kind)
        yield staging
        _replace(staging, absolute)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace(staging: Path, absolute: Path) -> None:
    old = None
    if os.path.lexists(absolute):
        old = absolute.parent / f".{absolute.name}.old-{os.getpid()}"
        absolute.rename(old)
    try:
        staging.rename(absolute)
    except BaseException:
        if old is not None:
            old.rename(absolute)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
