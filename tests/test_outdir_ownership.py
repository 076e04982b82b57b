"""An owned results directory is replaced only by output of the same kind, only when it holds nothing but what the
program wrote into it, with the permissions the user gave it, and only when it can be replaced at all (checked
before any work)."""

import json
import os
import stat
from pathlib import Path

import pytest

from analysis import outdir, report
from analysis.outdir import OutputError, atomic_directory, check_output_directory


def write_results(out: Path, kind: str = "run") -> Path:
    """Results of ``kind`` written the way commands write them: a file, and a file in a subdirectory."""
    with atomic_directory(out, kind) as staging:
        (staging / "summary.csv").write_text("metric,value\n")
        (staging / "baseline").mkdir()
        (staging / "baseline" / "timeseries.csv").write_text("date,value\n")
    return out


def listing(directory: Path) -> list[str]:
    return sorted(path.relative_to(directory).as_posix() for path in directory.rglob("*"))


def test_the_marker_lists_every_file_and_directory_written(tmp_path):
    out = write_results(tmp_path / "out")
    record = json.loads((out / outdir.MARKER).read_text())
    assert record["kind"] == "run"
    assert record["files"] == ["baseline", "baseline/timeseries.csv", "summary.csv"]
    check_output_directory(out, "run")  # nothing but its own files: replaced again
    write_results(out)


def test_user_files_in_an_owned_directory_are_refused_and_kept(tmp_path):
    out = write_results(tmp_path / "out")
    (out / "my_notes.txt").write_text("mine\n")
    (out / "my_figs").mkdir()
    (out / "my_figs" / "a.txt").write_text("mine too\n")
    message = (f"--out: {out} holds files this program did not write (my_figs, my_notes.txt); move them out of it "
               f"or choose another directory")
    with pytest.raises(OutputError) as raised:
        check_output_directory(out, "run")
    assert str(raised.value) == message
    with pytest.raises(OutputError, match="did not write"), atomic_directory(out, "run"):
        pytest.fail("work started")
    assert (out / "my_notes.txt").read_text() == "mine\n" and (out / "my_figs" / "a.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_user_file_in_a_subdirectory_is_named_and_more_are_counted(tmp_path):
    out = write_results(tmp_path / "out")
    for name in ("baseline/notes.txt", "x.txt", "y.txt"):
        (out / name).write_text("mine\n")
    with pytest.raises(OutputError, match=r"\(baseline/notes\.txt, x\.txt and 1 more\); move them"):
        check_output_directory(out, "run", flag="--output")


def test_a_marker_without_the_list_is_replaced_as_before(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / outdir.MARKER).write_text(json.dumps({"written_by": "tajmig", "kind": "run"}))
    (out / "summary.csv").write_text("old\n")
    check_output_directory(out, "run")
    write_results(out)
    assert not (out / "summary.csv").read_text().startswith("old")


@pytest.mark.parametrize(("owned", "kind", "message"), [
    ("run", "compare", "holds a run results directory, not a compare"),
    ("compare", "validation", "holds a compare results directory, not a validation"),
    ("validation", "run", "holds a validation results directory, not a run"),
])
def test_results_of_another_kind_are_not_replaced(tmp_path, owned, kind, message):
    out = write_results(tmp_path / "out", owned)
    before = listing(out)
    with pytest.raises(OutputError) as raised:
        check_output_directory(out, kind)
    assert str(raised.value) == f"--out: {out} {message}; choose another directory"
    assert json.loads((out / outdir.MARKER).read_text())["kind"] == owned and listing(out) == before


@pytest.mark.parametrize(("kind", "formats"), [("run", ["png"]), ("compare", ["png"]),
                                                ("validation", ["png", "svg", "pdf"])])
def test_figures_drawn_after_the_results_do_not_count_as_the_users(tmp_path, kind, formats):
    """``run`` and ``compare`` draw their figures after the results replaced the target, and ``plot`` draws them
    again in any format: the names analysis/report.py gives them are recognised as the program's own."""
    from test_plots_fixtures import UNMARKED

    out = tmp_path / "out"
    with atomic_directory(out, kind) as staging:
        UNMARKED[kind](staging)
    for fmt in formats:
        assert report.render_all(out, fmt)
    check_output_directory(out, kind)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_empty_directory_keeps_its_permissions(tmp_path):
    out = tmp_path / "shared"
    out.mkdir()
    os.chmod(out, 0o2775)
    write_results(out)
    assert _mode(out) == 0o2775
    os.chmod(out, 0o750)
    write_results(out)  # replacing owned results keeps their permissions too
    assert _mode(out) == 0o750


def test_a_new_directory_gets_the_mode_of_a_plain_mkdir(tmp_path):
    umask = os.umask(0o027)
    try:
        write_results(tmp_path / "out")
        (tmp_path / "plain").mkdir()
    finally:
        os.umask(umask)
    assert _mode(tmp_path / "out") == _mode(tmp_path / "plain") == 0o750


def refuse_renaming(monkeypatch, target: Path):
    """``os.rename`` fails for ``target`` as it does for an immutable directory (chattr +i)."""
    rename = os.rename

    def immutable(source, destination, *args, **kwargs):
        if Path(source) == target:
            raise PermissionError(1, "Operation not permitted", str(source))
        return rename(source, destination, *args, **kwargs)

    monkeypatch.setattr(os, "rename", immutable)


@pytest.mark.parametrize("owned", [False, True])
def test_a_directory_that_cannot_be_replaced_is_refused_before_work(tmp_path, monkeypatch, owned):
    out = write_results(tmp_path / "out") if owned else tmp_path / "out"
    out.mkdir(exist_ok=True)
    refuse_renaming(monkeypatch, out)
    with pytest.raises(OutputError) as raised:
        check_output_directory(out, "run", flag="--out")
    assert str(raised.value) == f"--out: cannot replace {out}: Operation not permitted; choose another directory"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_the_replace_check_leaves_the_directory_where_it_was(tmp_path):
    out = write_results(tmp_path / "out")
    before = listing(out)
    check_output_directory(out, "run")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"] and listing(out) == before


def test_a_store_is_not_probed_nor_checked_for_foreign_files(tmp_path, monkeypatch):
    store = tmp_path / "store"
    store.mkdir()
    (store / outdir.MARKER).write_text(json.dumps({"written_by": "tajmig", "kind": "sweep", "files": []}))
    (store / "notes.txt").write_text("a store is resumed in place, never replaced\n")
    refuse_renaming(monkeypatch, store)
    check_output_directory(store, "sweep")


def test_a_damaged_marker_is_named_as_such_and_the_directory_kept(tmp_path):
    out = write_results(tmp_path / "out")
    (out / outdir.MARKER).write_text("{not json")
    with pytest.raises(OutputError, match=r"not written by this program \(its \.tajmig file is not one this program "
                                          r"wrote, or cannot be read\)"):
        check_output_directory(out, "run")
    assert listing(out) == [".tajmig", "baseline", "baseline/timeseries.csv", "summary.csv"]
    (out / outdir.MARKER).unlink()
    with pytest.raises(OutputError, match=r"\(no \.tajmig file\)"):
        check_output_directory(out, "run")
