"""The safe writer every exporter uses: atomic replace, mode kept, backups kept 10 deep,
a dry run that only diffs, and a file it cannot read left untouched."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pluginary.errors import UsageError
from pluginary.exportfiles import KEEP_BACKUPS, write_bytes, write_text


@pytest.fixture
def daw(tmp_path):
    """A folder of the DAW's own (tmp_path also holds the test's pluginary home)."""
    folder = tmp_path / "daw"
    folder.mkdir()
    return folder


def test_a_new_file_then_an_unchanged_one(daw):
    target = daw / "reaper-fxtags.ini"
    first = write_text(target, "[category]\nA=EQ\n")
    assert (first.existed, first.changed, first.backup) == (False, True, None)
    again = write_text(target, "[category]\nA=EQ\n")
    assert (again.existed, again.changed) == (True, False)
    assert list(daw.iterdir()) == [target]


def test_a_change_keeps_the_mode_and_a_backup(daw):
    target = daw / "tags.ini"
    target.write_text("old\n")
    os.chmod(target, 0o600)
    change = write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert change.backup is not None and change.backup.read_text() == "old\n"
    assert "-old" in change.diff and "+new" in change.diff


def test_a_dry_run_writes_nothing_and_shows_the_diff(daw):
    target = daw / "tags.ini"
    target.write_text("old\n")
    change = write_text(target, "new\n", dry_run=True)
    assert change.changed and "+new" in change.diff
    assert target.read_text() == "old\n" and list(daw.iterdir()) == [target]


def test_backups_are_kept_ten_deep(daw):
    target = daw / "tags.ini"
    target.write_text("0\n")
    for n in range(1, KEEP_BACKUPS + 5):
        write_text(target, f"{n}\n")
    backups = sorted(daw.glob("tags.ini.*.bak"))
    assert len(backups) == KEEP_BACKUPS
    # The newest ten: what the file held before each of the last ten writes.
    assert {b.read_text() for b in backups} == {f"{n}\n" for n in range(4, 14)}
    assert target.read_text() == "14\n"


def test_a_file_that_is_not_text_is_a_clear_error_and_stays(daw):
    target = daw / "tags.ini"
    target.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UsageError, match="not UTF-8 text"):
        write_text(target, "new\n")
    assert target.read_bytes() == b"\xff\xfe\x00garbage"
    assert list(daw.iterdir()) == [target]


def test_a_link_stays_a_link_and_crlf_stays_crlf(daw, tmp_path):
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "tags.ini"
    real.write_bytes(b"[a]\r\nx=1\r\n")
    (daw / "tags.ini").symlink_to(real)
    write_text(daw / "tags.ini", "[a]\nx=2\n")
    assert (daw / "tags.ini").is_symlink()
    assert real.read_bytes() == b"[a]\r\nx=2\r\n"


def test_a_users_own_backup_is_never_pruned(daw):
    target = daw / "tags.ini"
    target.write_text("0\n")
    mine = daw / "tags.ini.orig.bak"
    mine.write_text("mine\n")
    for n in range(1, KEEP_BACKUPS + 3):
        write_text(target, f"{n}\n")
    assert mine.read_text() == "mine\n"
    assert len(list(daw.glob("tags.ini.2*.bak"))) == KEEP_BACKUPS


def test_a_binary_file_is_replaced_the_same_way_and_its_diff_is_of_its_text(daw):
    """A gzipped preset: atomic replace with a backup, and --dry-run shows the XML's diff."""
    import gzip

    preset = daw / "Comp.adv"

    def xml(data: bytes) -> str:
        return gzip.decompress(data).decode()

    created = write_bytes(preset, gzip.compress(b"<a>\n<b/>\n</a>\n", mtime=0), as_text=xml)
    assert created.changed and not created.existed and xml(preset.read_bytes()).startswith("<a>")
    same = write_bytes(preset, gzip.compress(b"<a>\n<b/>\n</a>\n", mtime=0), as_text=xml)
    assert not same.changed
    dry = write_bytes(preset, gzip.compress(b"<a>\n<c/>\n</a>\n", mtime=0), as_text=xml,
                      dry_run=True)
    assert "-<b/>" in dry.diff and "+<c/>" in dry.diff and "<b/>" in xml(preset.read_bytes())
    changed = write_bytes(preset, gzip.compress(b"<a>\n<c/>\n</a>\n", mtime=0))
    assert changed.backup is not None and "<b/>" in xml(changed.backup.read_bytes())
    assert "<c/>" in xml(preset.read_bytes()) and "binary file" in changed.diff


def test_a_folder_nobody_may_write_into_is_a_clear_error():
    """sysfs refuses new files even to root (tests run as root in CI, where chmod stops
    nothing)."""
    with pytest.raises(UsageError, match=r"cannot write /sys/kernel/pluginary-test\.ini"):
        write_text(Path("/sys/kernel/pluginary-test.ini"), "x\n")
    assert not Path("/sys/kernel/pluginary-test.ini").exists()
