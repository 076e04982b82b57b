"""Provenance: the git state with its dirty flag, the hashes, and the fields every output carries."""

import subprocess
from pathlib import Path

from analysis import provenance
from sim import scenario as scenarios

ROOT = Path(__file__).resolve().parent.parent
FIELDS = {"package_version", "git_commit", "git_dirty", "model_version", "scenario_sha256", "parameters_sha256",
          "seed", "created", "command_line"}


def git(directory, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=directory,
                   check=True, capture_output=True)


def test_git_state_is_the_commit_and_whether_tracked_files_differ(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "ROOT", tmp_path)
    assert provenance.git_state() == (None, None)
    git(tmp_path, "init", "-q")
    (tmp_path / "model.py").write_text("rule = 1\n")
    git(tmp_path, "add", "model.py")
    git(tmp_path, "commit", "-q", "-m", "first")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    assert provenance.git_state() == (head, False)
    (tmp_path / "notes.txt").write_text("untracked files do not change a result\n")
    assert provenance.git_state() == (head, False)
    (tmp_path / "model.py").write_text("rule = 2\n")
    assert provenance.git_state() == (head, True)


def test_the_parameter_hash_follows_the_values_not_their_order():
    a = provenance.parameters_sha256({"raid_intensity": 0.05, "hostility": 0.4})
    assert a == provenance.parameters_sha256({"hostility": 0.4, "raid_intensity": 0.05})
    assert a != provenance.parameters_sha256({"raid_intensity": 0.05000000000000001, "hostility": 0.4})
    assert provenance.parameters_sha256({"network_contacts": 3}) == provenance.parameters_sha256(
        {"network_contacts": 3.0})


def test_a_stamp_carries_every_field():
    s = scenarios.load(ROOT / "scenarios" / "baseline.toml")
    stamp = provenance.stamp(s, seed=4, parameters={"raid_intensity": 0.05})
    assert set(stamp) == FIELDS
    assert stamp["scenario_sha256"] == s.sha256 and stamp["seed"] == 4
    assert stamp["parameters_sha256"] == provenance.parameters_sha256({"raid_intensity": 0.05})
    assert stamp["model_version"] == provenance.model_version() and len(stamp["model_version"]) == 64
    assert isinstance(stamp["git_dirty"], bool) == (stamp["git_commit"] is not None)
    empty = provenance.stamp()
    assert empty["scenario_sha256"] is None and empty["parameters_sha256"] is None and empty["seed"] is None

