"""The SQLite preset store on real catalogue files, with the LV2 presets zam-plugins installs."""

from __future__ import annotations

import contextlib
import itertools
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest
from conftest import open_db
from presetdata import CONTAINER, edited, fingerprint, read_bundle

from pluginary.catalogue import Catalogue
from pluginary.errors import NotFoundError, UsageError
from pluginary.organisation import Tagging, tag_name
from pluginary.presets.container import PresetFormatError
from pluginary.presets.model import (
    PRESET_PREFIX,
    ParamValue,
    Preset,
    PresetDump,
    SourceRead,
    preset_key,
    sha256,
)
from pluginary.presets.store import PresetStore, SourceState
from pluginary_sqlite import SQLiteCatalogue

BUNDLES = ("ZamComp", "ZamEQ2", "ZamDynamicEQ", "ZamGate")


def reads() -> list[tuple[SourceRead, str]]:
    return [(read_bundle(name), fingerprint(name)) for name in BUNDLES]


def all_presets() -> list[Preset]:
    return [p for read, _ in reads() for p in read.presets]


@contextlib.contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain connection to the file, foreign keys off, as another program would open it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


def count(path: Path, table: str) -> int:
    with raw(path) as conn:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_the_catalogue_and_its_store_satisfy_the_protocols(catalogue: SQLiteCatalogue) -> None:
    assert isinstance(catalogue, Catalogue)
    assert isinstance(catalogue.preset_store(), PresetStore)


def test_extraction_stores_every_preset_once(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    presets = all_presets()
    changes = store.record_sources(CONTAINER, reads())
    assert (changes.added, changes.updated, changes.unchanged, changes.missing) == (
        len(presets), 0, 0, 0)
    assert changes.keys == [preset_key(p.identity) for p in presets]
    assert changes.blobs_added == len({p.data for p in presets})
    assert changes.bytes_added == sum(len(d) for d in {p.data for p in presets})
    for preset in presets:
        info = store.get(preset_key(preset.identity))
        assert info is not None
        assert (info.identity, info.plugin, info.name, info.container, info.bank, info.author,
                info.source) == (preset.identity, preset.plugin, preset.name, preset.container,
                                 preset.bank, preset.author, preset.source)
        assert (info.sha256, info.size, info.versions, info.missing) == (
            sha256(preset.data), len(preset.data), 1, False)
        assert store.payload(info.sha256) == preset.data
        assert store.snapshot(info.sha256) == preset.parameters
        (version,) = store.history(info.key)
        assert (version.sha256, version.note) == (info.sha256, "extract")
    assert store.sources(CONTAINER) == {
        read.path: SourceState(path=read.path, container=CONTAINER, fingerprint=fp)
        for read, fp in reads()}
    assert store.sources("vstpreset") == {}
    assert catalogue.info().details["presets"] == len(presets)
    assert catalogue.check() == []


def test_recording_the_same_reads_again_stores_nothing(catalogue: SQLiteCatalogue,
                                                       db_path: Path) -> None:
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    before = (catalogue.size_bytes(), count(db_path, "preset_payloads"),
              count(db_path, "preset_versions"), store.dump())
    again = store.record_sources(CONTAINER, reads())
    assert (again.added, again.updated, again.unchanged, again.missing) == (
        0, 0, len(all_presets()), 0)
    assert (again.blobs_added, again.bytes_added, again.keys) == (0, 0, [])
    after = (catalogue.size_bytes(), count(db_path, "preset_payloads"),
             count(db_path, "preset_versions"), store.dump())
    assert after == before


def test_a_changed_preset_gets_a_new_version(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    comp = read_bundle("ZamComp")
    poppy = comp.presets[1]
    louder = edited(poppy, "mak", 9.0)
    changed = SourceRead(path=comp.path, presets=(comp.presets[0], louder, comp.presets[2]))
    changes = store.record_sources(CONTAINER, [(changed, "edited")])
    key = preset_key(poppy.identity)
    assert (changes.added, changes.updated, changes.unchanged) == (0, 1, 2)
    assert changes.keys == [key]
    assert (changes.blobs_added, changes.bytes_added) == (1, len(louder.data))
    history = store.history(key)
    assert [(v.sha256, v.note) for v in history] == [
        (sha256(poppy.data), "extract"), (sha256(louder.data), "extract")]
    assert history[0].recorded_at <= history[1].recorded_at
    info = store.get(key)
    assert info is not None and (info.sha256, info.versions) == (sha256(louder.data), 2)
    # the old bytes are kept, the new snapshot is stored with the new bytes
    assert store.payload(sha256(poppy.data)) == poppy.data
    assert store.snapshot(sha256(louder.data)) == louder.parameters
    assert store.sources(CONTAINER)[comp.path].fingerprint == "edited"


def test_a_preset_its_source_stops_yielding_is_kept_as_missing(
        catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    comp = read_bundle("ZamComp")
    dropped = comp.presets[2]
    key = preset_key(dropped.identity)
    fewer = SourceRead(path=comp.path, presets=comp.presets[:2])
    changes = store.record_sources(CONTAINER, [(fewer, "two left")])
    assert (changes.missing, changes.unchanged) == (1, 2)
    assert key not in {p.key for p in store.find()}
    listed = {p.key: p for p in store.find(missing=True)}
    assert listed[key].missing is True
    assert store.payload(sha256(dropped.data)) == dropped.data
    assert len(store.history(key)) == 1
    # recording the same again does not count it missing twice
    assert store.record_sources(CONTAINER, [(fewer, "two left")]).missing == 0
    # it comes back: no longer missing, no new version (same bytes)
    back = store.record_sources(CONTAINER, [(comp, "three again")])
    assert (back.missing, back.unchanged, back.updated) == (0, 3, 0)
    info = store.get(key)
    assert info is not None and (info.missing, info.versions) == (False, 1)
    # a bundle that is gone: every preset it yielded is missing, the source forgotten
    eq = read_bundle("ZamEQ2")
    gone = store.record_sources(CONTAINER, [], gone=[eq.path])
    assert gone.missing == len(eq.presets)
    assert eq.path not in store.sources(CONTAINER)
    assert all(p.missing for p in store.find(missing=True, plugin=eq.presets[0].plugin))
    assert store.find(plugin=eq.presets[0].plugin) == []


def test_a_preset_moving_to_another_source_is_not_missing(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    verb = read_bundle("ZamVerb")
    store.record_sources(CONTAINER, [(verb, "a")])
    moved = SourceRead(path="/home/user/.lv2/ZamVerb-copy.lv2", presets=verb.presets)
    changes = store.record_sources(CONTAINER, [(SourceRead(path=verb.path), "b"),
                                               (moved, "c")])
    assert changes.missing == 0
    assert store.find(missing=True) == store.find()


def test_an_unreadable_source_keeps_its_old_fingerprint(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    comp = read_bundle("ZamComp")
    store.record_sources(CONTAINER, [(comp, "first")])
    broken = SourceRead(path=comp.path,
                        error=f"{comp.path}/presets.ttl: unexpected end of file at line 12")
    changes = store.record_sources(CONTAINER, [(broken, "second")])
    assert (changes.added, changes.updated, changes.missing) == (0, 0, 0)
    assert store.sources(CONTAINER)[comp.path].fingerprint == "first"
    assert len(store.find()) == len(comp.presets)
    # a new source that cannot be read is not remembered, so it is read again next time
    store.record_sources(CONTAINER, [(SourceRead(path="/x.lv2", error="no manifest"), "fp")])
    assert "/x.lv2" not in store.sources(CONTAINER)


def capture(name: str, data: bytes) -> Preset:
    return Preset(identity=f"capture:lv2:urn:zamaudio:ZamComp/{name}",
                  plugin="lv2:urn:zamaudio:ZamComp", name=name, container=CONTAINER,
                  data=data)


def test_put_adds_and_versions_with_its_note(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    comp = read_bundle("ZamComp").presets
    first = capture("Live", comp[0].data)
    changes = store.put([first], note="capture")
    assert (changes.added, changes.blobs_added) == (1, 1)
    key = preset_key(first.identity)
    assert store.put([first], note="capture").unchanged == 1
    second = capture("Live", comp[1].data)
    changes = store.put([second], note="convert (tier 2 from vst3:x)")
    assert (changes.updated, changes.keys) == (1, [key])
    assert [(v.sha256, v.note) for v in store.history(key)] == [
        (sha256(comp[0].data), "capture"), (sha256(comp[1].data), "convert (tier 2 from vst3:x)")]
    assert store.put([], note="capture").keys == []


def test_restore_appends_the_old_version(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    comp = read_bundle("ZamComp").presets
    store.put([capture("Live", comp[0].data)], note="capture")
    store.put([capture("Live", comp[1].data)], note="capture")
    key = preset_key(capture("Live", b"").identity)
    old = sha256(comp[0].data)
    version = store.restore(key, old, note=f"restore of {old[:12]}")
    assert (version.sha256, version.size) == (old, len(comp[0].data))
    history = store.history(key)
    assert [v.sha256 for v in history] == [old, sha256(comp[1].data), old]
    assert history[-1] == version
    info = store.get(key)
    assert info is not None and (info.sha256, info.versions) == (old, 3)
    with pytest.raises(NotFoundError) as error:
        store.restore(key, sha256(comp[2].data), note="x")
    assert "no stored version" in error.value.message and error.value.hint
    with pytest.raises(NotFoundError):
        store.restore("000000000000", old, note="x")
    assert len(store.history(key)) == 3


def test_get_by_key_and_prefix(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    # Captures named until two keys share their first 4 digits (found, never hard-coded).
    seen: dict[str, Preset] = {}
    data = read_bundle("ZamVerb").presets[0].data
    for n in itertools.count():
        preset = capture(f"Take {n}", data)
        prefix = preset_key(preset.identity)[:4]
        if prefix in seen:
            twins = (seen[prefix], preset)
            break
        seen[prefix] = preset
    store.put([*seen.values(), twins[1]], note="capture")
    a, b = (preset_key(p.identity) for p in twins)
    info = store.get(a)
    assert info is not None and info.name == twins[0].name
    # the shortest prefix that tells the twins apart finds one, whatever its case
    shortest = next(i for i in range(4, 12) if a[i] != b[i]) + 1
    found = store.get(a[:shortest].upper())
    assert found is not None and found.identity == twins[0].identity
    with pytest.raises(UsageError) as error:
        store.get(a[:4])
    assert a in error.value.message and b in error.value.message
    with pytest.raises(UsageError):
        store.get(a[:3])
    lone = next(p for k, p in seen.items() if k != a[:4])
    found = store.get(preset_key(lone.identity)[:4])
    assert found is not None and found.identity == lone.identity
    assert store.get("zzzz") is None  # keys are hex digits: nothing starts so
    assert store.history("zzzzzzzzzzzz") == []


def test_identical_bytes_are_stored_once(catalogue: SQLiteCatalogue, db_path: Path) -> None:
    store = catalogue.preset_store()
    verb = read_bundle("ZamVerb")
    user_copy = SourceRead(path="/home/user/.lv2/ZamVerb.lv2", presets=tuple(
        msgspec.structs.replace(p, identity=p.identity + "-user",
                                source="/home/user/.lv2/ZamVerb.lv2") for p in verb.presets))
    changes = store.record_sources(CONTAINER, [(verb, "a"), (user_copy, "b")])
    assert (changes.added, changes.blobs_added) == (2, 1)
    assert changes.bytes_added == len(verb.presets[0].data)
    assert count(db_path, "preset_payloads") == 1
    shared = {p.sha256 for p in store.find()}
    assert shared == {sha256(verb.presets[0].data)}
    assert store.payload_hashes() == shared


def test_find_by_plugin_words_container_and_tags(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    comp = read_bundle("ZamComp").presets
    listed = store.find()
    assert [(p.plugin, p.bank, p.name.casefold()) for p in listed] == sorted(
        (p.plugin, p.bank, p.name.casefold()) for p in listed)
    assert [p.name for p in store.find(plugin=comp[0].plugin)] == sorted(
        p.name for p in comp)
    assert {p.name for p in store.find(text="snare")} == {"PoppySnare"}
    assert {p.plugin for p in store.find(text="CARVED")} == {"lv2:urn:zamaudio:ZamEQ2"}
    assert len(store.find(text="zammit zero")) == len(BUNDLES) - 1  # ZamGate has no "Zero"
    assert store.find(container="vstpreset") == []
    assert len(store.find(container=CONTAINER)) == len(listed)
    # a user tag on preset:<key>, through the organisation's tags table
    key = preset_key(comp[1].identity)
    catalogue.add_tags([Tagging(tag=tag_name("Punchy Drums"), target=PRESET_PREFIX + key)])
    assert [p.key for p in store.find(tag="punchy drums")] == [key]
    assert [p.key for p in store.find(tag=" Punchy   DRUMS ")] == [key]
    assert store.find(tag="punchy") == []
    # the file's own tags
    tagged = msgspec.structs.replace(comp[2], tags=("Vocals", "Dynamics"))
    store.put([tagged], note="capture")
    assert [p.key for p in store.find(tag="vocals")] == [preset_key(tagged.identity)]
    info = store.get(preset_key(tagged.identity))
    assert info is not None and info.tags == ("Vocals", "Dynamics")
    assert [p.key for p in store.find(tag="vocals", plugin="lv2:urn:zamaudio:ZamEQ2")] == []


def test_snapshots_are_kept_with_their_payload(catalogue: SQLiteCatalogue) -> None:
    store = catalogue.preset_store()
    verb = read_bundle("ZamVerb").presets[0]
    bare = msgspec.structs.replace(verb, parameters=None)
    store.put([bare], note="capture")
    sha = sha256(verb.data)
    assert store.snapshot(sha) is None
    later = (ParamValue(key="master", value=-6.5, name="Master level"),)
    store.set_snapshot(sha, later)
    assert store.snapshot(sha) == later
    with pytest.raises(NotFoundError):
        store.set_snapshot(sha256(b"nothing"), later)
    assert store.snapshot(sha256(b"nothing")) is None
    assert store.payload(sha256(b"nothing")) is None


def history_store(catalogue: SQLiteCatalogue) -> PresetStore:
    """A store with versions, a restore, a missing preset, a user copy and snapshots."""
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    comp = read_bundle("ZamComp")
    louder = edited(comp.presets[1], "mak", 9.0)
    store.record_sources(CONTAINER, [(SourceRead(path=comp.path, presets=(
        comp.presets[0], louder)), "edited")])
    store.restore(preset_key(louder.identity), sha256(comp.presets[1].data), note="restore")
    store.put([capture("Live", read_bundle("ZamGate").presets[0].data)], note="capture")
    return store


def test_dump_and_merge_round_trip_exactly(catalogue: SQLiteCatalogue, tmp_path: Path) -> None:
    store = history_store(catalogue)
    dump = store.dump()
    assert any(p.info.missing for p in dump.presets)
    assert any(len(p.history) == 3 for p in dump.presets)
    # through JSON, as a backup carries it: times and snapshots must survive exactly
    carried = msgspec.json.decode(msgspec.json.encode(dump), type=PresetDump)
    fresh = open_db(tmp_path / "fresh.db")
    try:
        target = fresh.preset_store()
        fetched: list[str] = []

        def payload(sha: str) -> bytes:
            fetched.append(sha)
            data = store.payload(sha)
            assert data is not None
            return data

        changes = target.merge(carried, payload)
        assert changes.added == len(dump.presets)
        assert sorted(fetched) == sorted(store.payload_hashes())
        assert changes.blobs_added == len(store.payload_hashes())
        assert target.dump() == dump
        for sha in store.payload_hashes():
            assert target.payload(sha) == store.payload(sha)
        for stored in dump.presets:
            assert target.get(stored.info.key) == stored.info
            assert tuple(target.history(stored.info.key)) == stored.history
        assert fresh.check() == []
        # merging again adds nothing and fetches nothing
        fetched.clear()
        again = target.merge(carried, payload)
        assert (again.added, again.updated, again.unchanged, again.blobs_added) == (
            0, 0, len(dump.presets), 0)
        assert fetched == []
        assert target.dump() == dump
    finally:
        fresh.close()


def test_merge_keeps_the_current_version_and_adds_the_missing_ones(
        catalogue: SQLiteCatalogue, tmp_path: Path) -> None:
    comp = read_bundle("ZamComp").presets
    live = [capture("Live", p.data) for p in comp]
    key = preset_key(live[0].identity)
    here = catalogue.preset_store()
    here.put([live[0]], note="capture")
    other_db = open_db(tmp_path / "other.db")
    try:
        other = other_db.preset_store()
        other.put([live[1]], note="capture")
        other.put([live[2]], note="capture on the laptop")
        dump = other.dump()
    finally:
        other_db.close()
    before = here.get(key)
    assert before is not None
    changes = here.merge(dump, lambda sha: next(p.data for p in live if sha256(p.data) == sha))
    assert (changes.added, changes.updated, changes.keys) == (0, 1, [key])
    after = here.get(key)
    assert after is not None
    assert after.sha256 == before.sha256 == sha256(live[0].data)  # the current one stays
    assert after.versions == 3
    assert [v.note for v in here.history(key)] == ["capture", "capture",
                                                   "capture on the laptop"]
    assert {sha256(p.data) for p in live} <= here.payload_hashes()


def test_merge_refuses_bytes_that_do_not_match_their_hash(catalogue: SQLiteCatalogue,
                                                          tmp_path: Path) -> None:
    store = history_store(catalogue)
    dump = store.dump()
    fresh = open_db(tmp_path / "fresh.db")
    try:
        target = fresh.preset_store()
        damaged = sorted(store.payload_hashes())[-1]

        def payload(sha: str) -> bytes:
            data = store.payload(sha)
            assert data is not None
            return data[:-1] if sha == damaged else data

        with pytest.raises(PresetFormatError) as error:
            target.merge(dump, payload)
        assert damaged in error.value.message and error.value.hint
        assert target.dump() == PresetDump()  # one transaction: nothing was merged
        assert target.payload_hashes() == set()
    finally:
        fresh.close()


def test_check_reports_damaged_and_missing_payloads(catalogue: SQLiteCatalogue,
                                                    db_path: Path) -> None:
    store = catalogue.preset_store()
    store.record_sources(CONTAINER, reads())
    assert catalogue.check() == []
    comp = read_bundle("ZamComp").presets
    damaged, lost = sha256(comp[0].data), sha256(comp[1].data)
    with raw(db_path) as conn:
        conn.execute("UPDATE preset_payloads SET data = ? WHERE sha256 = ?",
                     (comp[0].data.replace(b"pset:value 10", b"pset:value 99"), damaged))
        conn.execute("DELETE FROM preset_payloads WHERE sha256 = ?", (lost,))
    problems = catalogue.check()
    assert any(p.startswith(f"preset payload {damaged}: its bytes hash to") for p in problems)
    lost_key = preset_key(comp[1].identity)
    assert f"preset {lost_key} (PoppySnare): its current version {lost} has no stored " \
           "payload" in problems
