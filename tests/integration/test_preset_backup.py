"""Preset backups (pluginary.presets.backup) on real SQLite catalogues opened through the
plugin manager, with the LV2 presets Debian's zam-plugins package installs."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import msgspec
import pytest

from pluginary.catalogue import Catalogue, open_catalogue
from pluginary.errors import PluginaryError, UsageError
from pluginary.manager import ExtensionManager
from pluginary.presets.backup import (
    PRESETS_FILE,
    BackupError,
    backup,
    object_path,
    restore_backup,
    verify,
)
from pluginary.presets.model import (
    ParamValue,
    Preset,
    PresetDump,
    SourceRead,
    preset_key,
    sha256,
)
from pluginary.presets.store import PresetStore

LV2 = Path("/usr/lib/lv2")
BUNDLES = ("ZamComp", "ZamEQ2", "ZamDynamicEQ", "ZamGate", "ZamVerb")
_PORT = re.compile(r"lv2:symbol \"(\w+)\" ;\s*pset:value (-?[\d.eE+-]+) ;")


def read_bundle(name: str) -> SourceRead:
    """The presets of a zam LV2 bundle: each ``presets.ttl`` block, as installed, one preset."""
    path = LV2 / f"{name}.lv2"
    assert (path / "presets.ttl").is_file(), f"{path} is missing: install zam-plugins"
    presets = []
    for block in (path / "presets.ttl").read_text().split("\n\n"):
        if block.startswith("<"):
            uri = block[1:block.index(">")]
            text = block.strip() + "\n"
            presets.append(Preset(
                identity=uri, plugin=f"lv2:{uri.split('#')[0]}", name=uri.split("#")[1],
                container="lv2-preset", data=text.encode(), source=str(path),
                parameters=tuple(ParamValue(key=k, value=float(v))
                                 for k, v in _PORT.findall(text))))
    assert presets, f"no preset in {path}"
    return SourceRead(path=str(path), presets=tuple(presets))


@pytest.fixture
def open_fresh(plugin_manager: ExtensionManager,
               tmp_path: Path) -> Iterator[Callable[[str], Catalogue]]:
    """Open more catalogues in the test's folder through the plugin manager, as the CLI does;
    each is closed after the test."""
    opened: list[Catalogue] = []

    def make(name: str) -> Catalogue:
        catalogue = open_catalogue(plugin_manager, str(tmp_path / name))
        opened.append(catalogue)
        return catalogue

    yield make
    for catalogue in opened:
        catalogue.close()


def filled(catalogue: Catalogue) -> PresetStore:
    """A store with real presets, a second version, a restore, a missing preset, a capture
    sharing bytes with an extracted preset, and a snapshot made later."""
    store = catalogue.preset_store()
    store.record_sources("lv2-preset", [(read_bundle(n), n) for n in BUNDLES])
    comp = read_bundle("ZamComp")
    first = comp.presets[0]
    text = first.data.decode().replace('"att" ;\n        pset:value 10', '"att" ;\n'
                                       '        pset:value 25')
    assert text != first.data.decode()
    changed = msgspec.structs.replace(first, data=text.encode())
    store.record_sources("lv2-preset", [(SourceRead(path=comp.path, presets=(
        changed, comp.presets[1])), "edited")])
    store.restore(preset_key(first.identity), sha256(first.data), note="restore")
    verb = read_bundle("ZamVerb").presets[0]
    store.put([Preset(identity="capture:lv2:urn:zamaudio:ZamVerb/Room", plugin=verb.plugin,
                      name="Room", container="lv2-preset", data=verb.data)], note="capture")
    gate = read_bundle("ZamGate").presets[0]
    store.set_snapshot(sha256(gate.data), (ParamValue(key="att", value=50.0, name="Attack"),))
    return store


def payload_bytes(store: PresetStore) -> dict[str, bytes]:
    found = {}
    for sha in store.payload_hashes():
        data = store.payload(sha)
        assert data is not None
        found[sha] = data
    return found


def test_a_backup_restores_byte_exact_into_a_fresh_catalogue(
        tmp_catalogue: Catalogue, open_fresh, tmp_path: Path) -> None:
    store = filled(tmp_catalogue)
    dump = store.dump()
    payloads = payload_bytes(store)
    assert any(p.info.missing for p in dump.presets)
    assert max(len(p.history) for p in dump.presets) == 3
    assert dump.snapshots
    destination = tmp_path / "backup"
    report = backup(store, destination)
    assert (report.presets, report.written, report.skipped, report.verified) == (
        len(dump.presets), len(payloads), 0, len(payloads))
    assert report.bytes_written == sum(len(d) for d in payloads.values())
    assert report.missing == []
    for sha, data in payloads.items():
        assert (destination / "objects" / sha[:2] / sha).read_bytes() == data
    assert msgspec.json.decode((destination / PRESETS_FILE).read_bytes(),
                               type=PresetDump) == dump
    assert verify(destination) == []

    fresh = open_fresh("fresh.db").preset_store()
    changes = restore_backup(fresh, destination)
    assert (changes.added, changes.updated, changes.unchanged) == (len(dump.presets), 0, 0)
    assert (changes.blobs_added, changes.bytes_added) == (
        len(payloads), sum(len(d) for d in payloads.values()))
    assert fresh.dump() == dump
    assert payload_bytes(fresh) == payloads
    for stored in dump.presets:
        assert fresh.history(stored.info.key) == list(stored.history)
        assert fresh.get(stored.info.key) == stored.info
    # restoring again adds nothing; restoring into the catalogue it came from neither
    again = restore_backup(fresh, destination)
    assert (again.added, again.updated, again.blobs_added) == (0, 0, 0)
    same = restore_backup(store, destination)
    assert (same.added, same.updated, same.unchanged) == (0, 0, len(dump.presets))
    assert store.dump() == dump


def test_a_second_backup_writes_nothing(tmp_catalogue: Catalogue, tmp_path: Path) -> None:
    store = filled(tmp_catalogue)
    destination = tmp_path / "backup"
    first = backup(store, destination)
    objects = sorted((destination / "objects").glob("*/*"))
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in objects}
    second = backup(store, destination)
    assert (second.written, second.bytes_written, second.verified) == (0, 0, 0)
    assert second.skipped == first.written
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in objects} == before
    assert sorted((destination / "objects").glob("*/*")) == objects  # no temporary left
    # a new version: only its payload is written
    verb = read_bundle("ZamVerb").presets[0]
    louder = msgspec.structs.replace(verb, data=verb.data.replace(b"pset:value", b"pset:value "))
    store.put([louder], note="edit")
    third = backup(store, destination)
    assert (third.written, third.skipped, third.verified) == (1, first.written, 1)
    assert object_path(destination, sha256(louder.data)).read_bytes() == louder.data
    assert verify(destination) == []


def test_a_damaged_object_is_reported_and_refused(tmp_catalogue: Catalogue, open_fresh,
                                                  tmp_path: Path) -> None:
    store = filled(tmp_catalogue)
    destination = tmp_path / "backup"
    backup(store, destination)
    victim = sorted(store.payload_hashes())[len(store.payload_hashes()) // 2]
    path = object_path(destination, victim)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20  # one flipped bit: same name, same size
    path.write_bytes(bytes(data))
    problems = verify(destination)
    assert len(problems) == 1
    assert str(path) in problems[0] and f"its bytes hash to {sha256(bytes(data))}" in problems[0]
    fresh = open_fresh("fresh.db").preset_store()
    with pytest.raises(BackupError) as error:
        restore_backup(fresh, destination)
    assert str(path) in error.value.message and "nothing was restored" in error.value.message
    assert "\n" not in error.value.message and error.value.hint
    assert fresh.dump() == PresetDump() and fresh.payload_hashes() == set()
    # a lost object: reported, and refused by a store that lacks it too
    other = sorted(store.payload_hashes())[0]
    object_path(destination, other).unlink()
    assert any(f"the object {other} is missing" in p for p in verify(destination))
    with pytest.raises(BackupError):
        restore_backup(fresh, destination)
    assert fresh.payload_hashes() == set()


def test_a_truncated_presets_json_is_a_clear_error(tmp_catalogue: Catalogue, open_fresh,
                                                   tmp_path: Path) -> None:
    store = filled(tmp_catalogue)
    destination = tmp_path / "backup"
    backup(store, destination)
    index = destination / PRESETS_FILE
    whole = index.read_bytes()
    index.write_bytes(whole[:len(whole) // 2])
    (problem,) = verify(destination)
    assert problem.startswith(f"{index} is damaged") and "truncated" in problem
    fresh = open_fresh("fresh.db").preset_store()
    with pytest.raises(BackupError) as error:
        restore_backup(fresh, destination)
    assert isinstance(error.value, PluginaryError)
    assert error.value.message == problem and "\n" not in problem and error.value.hint
    assert fresh.dump() == PresetDump()
    # not JSON of a dump at all, a hash that would leave the folder, a newer version
    index.write_bytes(b'{"schema": "pluginary-preset-backup", "presets": [{"info": 3}]}')
    assert "damaged" in verify(destination)[0] and "$.presets[0].info" in verify(destination)[0]
    bad = msgspec.json.decode(whole, type=PresetDump)
    first = bad.presets[0]
    escaping = msgspec.structs.replace(first, info=msgspec.structs.replace(
        first.info, sha256="../../../../etc/passwd"))
    index.write_bytes(msgspec.json.encode(msgspec.structs.replace(bad, presets=(escaping,))))
    with pytest.raises(BackupError, match="where a sha256 belongs"):
        restore_backup(fresh, destination)
    index.write_bytes(msgspec.json.encode(msgspec.structs.replace(bad, version=2)))
    with pytest.raises(BackupError, match="version-2 backup") as newer:
        restore_backup(fresh, destination)
    assert "upgrade" in newer.value.hint
    index.unlink()
    with pytest.raises(BackupError, match="not a preset backup"):
        restore_backup(fresh, destination)
    assert fresh.dump() == PresetDump()


def test_a_backup_needs_a_folder(tmp_catalogue: Catalogue, tmp_path: Path) -> None:
    store = filled(tmp_catalogue)
    taken = tmp_path / "a-file"
    taken.write_bytes(b"not a folder")
    with pytest.raises(UsageError, match="is a file"):
        backup(store, taken)
    assert taken.read_bytes() == b"not a folder"
    nested = tmp_path / "new" / "folder"
    assert backup(store, nested).verified == len(store.payload_hashes())
