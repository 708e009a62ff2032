"""Static files' URLs carry a hash of their content (delivery.py), so a browser
may keep them for a year: a changed file must get a new URL, under `flask run
--debug` at once, and in a deployment with its new processes."""

from __future__ import annotations

import os
from pathlib import Path

from citizen_portal.delivery import StaticHashes


def test_a_changed_file_gets_a_new_hash_when_rechecking(tmp_path: Path) -> None:
    style = tmp_path / "app.css"
    style.write_text("body { color: black }")
    hashes = StaticHashes(str(tmp_path), recheck=lambda: True)
    first = hashes.of("app.css")
    style.write_text("body { color: navy }")
    os.utime(style, (1, 2))  # a new modification time, as an editor's save gives
    assert hashes.of("app.css") not in (None, first)


def test_without_rechecking_a_process_keeps_the_hash_it_served(tmp_path: Path) -> None:
    style = tmp_path / "app.css"
    style.write_text("body { color: black }")
    hashes = StaticHashes(str(tmp_path), recheck=lambda: False)
    first = hashes.of("app.css")
    style.write_text("body { color: navy }")
    assert hashes.of("app.css") == first
    assert StaticHashes(str(tmp_path), recheck=lambda: False).of("app.css") != first


def test_no_hash_for_a_missing_file_or_one_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "static").mkdir()
    (tmp_path / "secret.txt").write_text("x")
    hashes = StaticHashes(str(tmp_path / "static"), recheck=lambda: False)
    assert hashes.of("missing.css") is None
    assert hashes.of("../secret.txt") is None
