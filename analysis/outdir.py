"""Output directories the project owns.

A command writes only into a directory that does not exist yet, or into one the project wrote itself, which it
recognises by the marker file ``.tajmig`` (JSON: the kind of output, its provenance and the files it holds) that it
writes first into every output directory. Anything else is refused before any work starts: a non-empty directory
without the marker, the checkout or any of its ancestors, the current directory or its ancestors, the scenario
library, a directory holding the command's input files, a directory holding another kind of output (a sweep store
when the command is not a sweep, run results when it is a comparison), an owned directory holding anything the
project did not write into it (the user's own notes or figures), and a directory that cannot be replaced.

Results are written into a hidden sibling ``.NAME.partial-PID-XXXX`` that replaces the target only when the
command succeeds (an owned target is first renamed to ``.NAME.old-PID`` and deleted after), so a crash or a bad
input never leaves a half-written result behind. The staging directory gets the permissions of the directory it
replaces, and its marker lists every file and directory the command wrote. Leftovers of a process that was killed
are deleted the next time any command writes next to them; only leftovers holding the marker and belonging to a dead
process are touched.

Commands call ``check_output_directory`` before they start work, then write through ``atomic_directory``; a
command writing a single file calls ``check_output_file``.
"""

import contextlib
import datetime
import json
import os
import re
import shutil
import stat
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
# Figures and report.html are drawn after the results have replaced the target (and again by ``plot``, in any
# format), so the marker cannot list them: they are recognised by the names analysis/report.py gives them for run,
# compare and validation results, and so are the temporary files a killed redraw can leave (``.<name>.tmp``).
_RENDERED_RE = re.compile(
    r"^(\.)?(?:report\.html|(?:fan|compare)_\w+\.(?:png|svg|pdf)|hindcast\.(?:png|svg|pdf))(?(1)\.tmp)$")


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
    _write_record(directory, marker(kind))


def _write_record(directory, record: dict) -> None:
    Path(directory, MARKER).write_text(json.dumps(record, indent=2) + "\n")


def written_paths(directory) -> list[str]:
    """Every file and directory below ``directory`` but its marker, as sorted relative POSIX paths."""
    directory = Path(directory)
    paths = []
    for root, dirnames, filenames in os.walk(directory):
        relative = Path(root).relative_to(directory)
        paths += [(relative / name).as_posix() for name in dirnames + filenames]
    return sorted(path for path in paths if path != MARKER)


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


def write_atomically(path: Path, write, *args, **kwargs) -> None:
    """``write(temporary, *args, **kwargs)``, flush it to disk, then rename it over ``path``: a write that is
    interrupted or fails leaves the previous file whole, and its temporary file is removed."""
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        write(temporary, *args, **kwargs)
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    fsync_directory(path.parent)


def fsync_directory(path: Path) -> None:
    directory = os.open(path, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def missing_marker(directory) -> str:
    """Why ``owner(directory)`` found no marker, for an error message."""
    if os.path.lexists(Path(directory, MARKER)):
        return f"its {MARKER} file is not one this program wrote, or cannot be read"
    return f"no {MARKER} file"


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
            if kind not in STORE_KINDS:  # a store is written in place; other output replaces the directory
                _check_replaceable(absolute, shown, flag)
            return target
        if kind in STORE_KINDS and all(name in entries for name in _LEGACY_STORE_FILES):
            return target  # a store written before stores carried the marker; the store checks its design
        if all(name in entries for name in _LEGACY_STORE_FILES):
            raise OutputError(f"{flag}: {shown} is a sweep store; a {kind} is not written into one, choose "
                              f"another directory")
        raise OutputError(f"{flag}: {shown} exists, is not empty and was not written by this program "
                          f"({missing_marker(absolute)}); choose another directory, or empty it yourself")
    owned = record["kind"]
    if owned != kind:
        article = "an" if owned[:1] in ("a", "e", "i", "o", "u") else "a"
        raise OutputError(f"{flag}: {shown} holds {article} {owned} results directory, not a {kind}; choose another "
                          f"directory")
    if kind in STORE_KINDS:
        return target  # a store is resumed in place, never replaced
    files = record.get("files")
    if isinstance(files, list) and all(isinstance(path, str) for path in files):
        foreign = _foreign_paths(absolute, set(files), shown, flag)
        if foreign:
            named = ", ".join(_printable(path) for path in foreign[:2])
            more = f" and {len(foreign) - 2} more" if len(foreign) > 2 else ""
            raise OutputError(f"{flag}: {shown} holds files this program did not write ({named}{more}); move them "
                              f"out of it or choose another directory")
    # A marker without the list of files comes from an older version, which replaced the whole directory.
    _check_replaceable(absolute, shown, flag)
    return target


def _foreign_paths(directory: Path, ours: set, shown: str, flag: str) -> list[str]:
    """The files and directories below ``directory`` (not inside a foreign directory) that are neither the marker,
    nor in ``ours``, nor a figure or report drawn into a directory of ``ours`` after the results were written."""
    def unreadable(error):
        raise OutputError(f"{flag}: cannot read {shown}: {error.filename}: {error.strerror}") from None

    foreign = []
    for root, dirnames, filenames in os.walk(directory, onerror=unreadable):
        relative = Path(root).relative_to(directory)
        for name in sorted(dirnames):
            path = (relative / name).as_posix()
            if path not in ours:
                foreign.append(path)
                dirnames.remove(name)  # one entry for the whole directory, which is the user's
        for name in sorted(filenames):
            path = (relative / name).as_posix()
            if path not in ours and path != MARKER and not _RENDERED_RE.match(name):
                foreign.append(path)
    return sorted(foreign)


def _printable(path: str) -> str:
    """``path`` as it can be shown in a one-line message (quoted with escapes when it holds control characters)."""
    return path if path.isprintable() else repr(path)


def _check_replaceable(absolute: Path, shown: str, flag: str) -> None:
    """An existing target must be renamable in its parent, since ``_replace`` renames it out of the way.

    Renaming it to a probe name and back is the only sure test: immutable directories, sticky parents and read-only
    mounts all answer it, root included, before any work is spent."""
    if not os.path.lexists(absolute):
        return
    # A random part, because renaming a directory onto an existing empty one replaces it.
    probe = absolute.parent / f".{absolute.name}.probe-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        absolute.rename(probe)
    except OSError as error:
        raise OutputError(f"{flag}: cannot replace {shown}: {error.strerror or error}; choose another "
                          f"directory") from None
    finally:
        # Put it back, even when interrupted between the two renames.
        if os.path.lexists(probe) and not os.path.lexists(absolute):
            probe.rename(absolute)


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
    whose first or last 4 kB contain ``signature`` (the header the project writes into such files; a PDF figure
    names its producer at its end)."""
    target = Path(target)
    absolute = _absolute(target)
    if not os.path.lexists(absolute):
        _check_parent(absolute, str(target), flag)
        return target
    if not absolute.is_file():
        raise OutputError(f"{flag}: {target} exists and is not a regular file")
    try:
        with open(absolute, "rb") as handle:
            first = handle.read(4096)
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - 4096))
            last = handle.read(4096)
    except OSError as error:
        raise OutputError(f"{flag}: cannot read {target}: {error.strerror}") from None
    if not any(signature in part.decode("utf-8", "replace") for part in (first, last)):
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
        _take_permissions(staging, absolute)
        record = marker(kind)
        _write_record(staging, record)
        yield staging
        # The list tells the next command writing here the user's own files apart from the results.
        record["files"] = written_paths(staging)
        _write_record(staging, record)
        _replace(staging, absolute)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _take_permissions(staging: Path, absolute: Path) -> None:
    """Give ``staging`` (created 0700 by mkdtemp) the permissions and group of the directory it will replace, or if
    there is none, the mode a plain mkdir would give it, so that a shared results directory stays shared."""
    if absolute.is_dir():
        existing = absolute.stat()
        with contextlib.suppress(OSError):  # only a member of the group may give it; the mode matters most
            os.chown(staging, -1, existing.st_gid)
        os.chmod(staging, stat.S_IMODE(existing.st_mode))
    else:
        umask = os.umask(0)
        os.umask(umask)
        inherited = staging.stat().st_mode & stat.S_ISGID  # from a setgid parent, as mkdir does
        os.chmod(staging, (0o777 & ~umask) | inherited)


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
