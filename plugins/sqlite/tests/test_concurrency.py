"""Readers on their own threads never wait for the writer and always see whole batches."""

from __future__ import annotations

import threading
from pathlib import Path

from conftest import open_db
from records import hits, make_records

BATCH = 100
TOTAL = 5000
READERS = 4


def test_readers_see_consistent_snapshots_while_the_writer_upserts(tmp_path: Path) -> None:
    catalogue = open_db(tmp_path / "catalogue.db")
    records = make_records(TOTAL, n_params=3, description="part of the batchmark set")
    errors: list[BaseException] = []
    observations: list[tuple[str, int, int]] = []
    done = threading.Event()

    def reader(n: int) -> None:
        queries = ["batchmark", "reverb", "synth batchmark", "fabfilter"]
        i = 0
        try:
            while not done.is_set():
                text = queries[(i + n) % len(queries)]
                found = hits(catalogue, text, limit=TOTAL)
                info = catalogue.info()
                observations.append((text, len(found), info.plugins))
                # one read transaction: the plugin and parameter counts agree
                assert info.parameters == 3 * info.plugins, info
                assert info.plugins % BATCH == 0, info
                if text == "batchmark":
                    assert len(found) % BATCH == 0, len(found)
                i += 1
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader, args=(n,)) for n in range(READERS)]
    try:
        for t in threads:
            t.start()
        for start in range(0, TOTAL, BATCH):
            assert catalogue.upsert(records[start:start + BATCH]) == BATCH
    finally:
        done.set()
        for t in threads:
            t.join()
    try:
        assert not errors, errors[:3]
        assert len(observations) >= READERS
        assert any(0 < n < TOTAL for text, n, _ in observations if text == "batchmark"), \
            "readers should have seen intermediate states"
        info = catalogue.info()
        assert (info.plugins, info.parameters) == (TOTAL, 3 * TOTAL)
        assert len(hits(catalogue, "batchmark", limit=TOTAL)) == TOTAL
        assert catalogue.check() == []
    finally:
        catalogue.close()
