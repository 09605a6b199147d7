"""The folders a person writes bundles, key files and reports into: refused in one line when
nothing can be written there, and suggested again next time."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fieldlog.folders import (
    folder_problem, remember_bundle_folder, remember_report_folder, remembered_bundle_folder,
    remembered_report_folder,
)


def test_a_writable_folder_has_no_problem(tmp_path):
    assert folder_problem(tmp_path) is None


def test_a_missing_folder_or_a_file_is_refused(tmp_path):
    assert folder_problem(tmp_path / "absent") == "This folder does not exist."
    (tmp_path / "a-file").write_text("x")
    assert folder_problem(tmp_path / "a-file") == "This folder does not exist."


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions do not bind root")
def test_a_read_only_folder_is_refused(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert folder_problem(locked) == "This folder cannot be written to."
    finally:
        locked.chmod(0o700)


def test_the_bundle_and_report_folders_are_remembered_apart(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert remembered_bundle_folder() == str(Path.home())
    remember_bundle_folder(tmp_path / "stick")
    remember_report_folder(tmp_path / "reports")
    assert remembered_bundle_folder() == str(tmp_path / "stick")
    assert remembered_report_folder() == str(tmp_path / "reports")


def test_a_stick_not_plugged_in_is_still_suggested(tmp_path):
    """Kept even when absent: the check on export says so, once it is written to."""
    remember_bundle_folder(tmp_path / "usb")
    assert remembered_bundle_folder() == str(tmp_path / "usb")
    assert folder_problem(Path(remembered_bundle_folder())) == "This folder does not exist."


def test_reports_go_to_documents_until_a_folder_is_chosen(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    assert remembered_report_folder() == str(home)
    (home / "Documents").mkdir(parents=True)
    assert remembered_report_folder() == str(home / "Documents")
