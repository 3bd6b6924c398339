#!/usr/bin/env python3
"""Benchmark the query language over 5000 plugins made from this machine's real records.

    python bench/search.py [--source CATALOGUE] [--n 5000] [--runs 30] [--json out.json]

The records come from a real catalogue (the default one, or ``--source``: scan the machine
first with the README's first command): each is copied with its parameters until there are
``--n``, with varied names (a model word and number appended) and vendors (one of 40 made-up
vendors for most copies), so the indexes hold 5000 distinct rows that look like real ones. A
tenth is tagged ``favourite``, two collections and two saved searches exist; half have a
validation result on this machine. Public API only:
:func:`pluginary.search.find` (parse, resolve, the SQLite translation, reading the page).

Reported per query: p50 and p99 over ``--runs`` timed runs (after one warm-up), and the whole
set's p99; then the same while another thread writes batches of records (WAL readers); the
catalogue's size. The reference, in the same run: a bare FTS5 ``MATCH`` of one prefix on the
same file (``raw``), the least any free-text search must cost. Goal (issue 11): p99 < 10 ms
for every query, the file < 25 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import msgspec

from pluginary.catalogue import open_catalogue
from pluginary.config import resolve_settings
from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.organisation import Collection, SavedSearch, Tagging
from pluginary.query.tree import Sort
from pluginary.search import find
from pluginary.validation_store import record_validation, validation_entry

QUERIES = (
    # free text
    "comp", "reverb", "delay", "synth", '"hall reverb"', "eq stereo",
    # substrings (trigram)
    "verb", "ress", "omp vendor:zam",
    # fields
    "vendor:zam", "format:lv2", "role:instrument", "params>20", "inputs:2 outputs>=2",
    "status:ok format:clap", "path:/usr/lib/lv2/*", "product:zamcomp",
    # boolean
    "reverb OR delay", "comp -format:ladspa", "(reverb OR delay) format:lv2",
    "NOT vendor:zam comp", "filter OR (eq -format:ladspa)",
    # categories
    "category:dynamics", "category:reverb", "category:instrument",
    # tags, collections, saved searches
    "tag:favourite", "tag:favourite comp", "collection:Mixing", "saved:mix-comps",
    "saved:verbs format:vst3",
    # validation results (the compat table, this machine's rows)
    "validated:3", "failed-level:3 comp",
)
VENDORS = [f"{a} {b}" for a in ("Blue", "Red", "Night", "Solar", "Wave", "Iron", "Glass",
                                "Velvet") for b in ("Audio", "Labs", "DSP", "Sound", "Works")]
MODELS = ("Pro", "Mk", "Studio", "Lite", "X", "Vintage", "Modern", "Plus")


def replicate(source: list[PluginRecord], n: int, seed: int) -> list[PluginRecord]:
    rng = random.Random(seed)
    out: list[PluginRecord] = []
    i = 0
    while len(out) < n:
        r = source[i % len(source)]
        copy = i // len(source)
        if copy == 0:
            out.append(r)
        else:
            out.append(msgspec.structs.replace(
                r, uid=f"{r.uid}~{copy}",
                name=f"{r.name} {rng.choice(MODELS)} {copy}",
                vendor=rng.choice(VENDORS) if rng.random() < 0.8 else r.vendor))
        i += 1
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(work, runs: int) -> list[float]:
    work()  # warm-up: caches, prepared statements
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append((time.perf_counter() - began) * 1000)
    return times


def measure(pm, catalogue, runs: int) -> dict[str, dict[str, float]]:
    result = {}
    for query in QUERIES:
        hits = find(pm, catalogue, query, sort=Sort.RELEVANCE, limit=50)
        times = timed(lambda q=query: find(pm, catalogue, q, limit=50), runs)
        result[query] = {"p50": round(statistics.median(times), 3),
                         "p99": round(percentile(times, 99), 3), "total": hits.total}
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--source", help="the real catalogue to copy from (default: the default one)")
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()

    pm = make_plugin_manager()
    source_url = args.source or resolve_settings().db
    real = open_catalogue(pm, source_url, create=False)
    try:
        records = real.list()
    finally:
        real.close()
    if not records:
        sys.exit(f"{source_url} is empty: scan the machine first (the README's first command)")
    work = Path(tempfile.mkdtemp(prefix="pluginary-bench-search-"))
    db = work / "catalogue.db"
    catalogue = open_catalogue(pm, str(db), create=True)
    made = replicate(records, args.n, args.seed)
    for start in range(0, len(made), 500):
        catalogue.upsert(made[start:start + 500])
    rng = random.Random(args.seed)
    catalogue.add_tags([Tagging(tag="favourite", target=r.key) for r in made
                        if rng.random() < 0.1])
    catalogue.put_collection(Collection(name="Mixing", members=tuple(
        r.key for r in rng.sample(made, 40))))
    catalogue.put_saved_search(SavedSearch(name="mix-comps", query="comp -format:ladspa"))
    catalogue.put_saved_search(SavedSearch(name="verbs", query="reverb OR category:reverb"))
    # Half the plugins validated on this machine: a level passed, or a failure at one.
    record_validation(catalogue, [validation_entry(
        r, status=rng.choice(("ok", "failed")), level=rng.randint(1, 5), seconds=1.0)
        for r in made if rng.random() < 0.5])
    catalogue.vacuum()
    size = db.stat().st_size + sum(p.stat().st_size for p in work.glob("catalogue.db-*"))

    raw_conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    raw = timed(lambda: raw_conn.execute(
        "SELECT rowid FROM plugins_fts WHERE plugins_fts MATCH '\"comp\"*' LIMIT 50").fetchall(),
        args.runs)
    quiet = measure(pm, catalogue, args.runs)

    # The same while a writer rewrites batches of records (a scan in progress).
    stop = threading.Event()
    writes = [0]

    def writer() -> None:
        other = open_catalogue(pm, str(db))
        try:
            while not stop.is_set():
                batch = rng.sample(made, 100)
                other.upsert(batch)
                writes[0] += 1
        finally:
            other.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        busy = measure(pm, catalogue, args.runs)
    finally:
        stop.set()
        thread.join()
    catalogue.close()
    raw_p50 = statistics.median(raw)
    report = {
        "plugins": args.n, "source_plugins": len(records), "runs": args.runs,
        "size_mb": round(size / 1e6, 2), "raw_fts_p50_ms": round(raw_p50, 3),
        "quiet": quiet, "while_writing": busy, "batches_written": writes[0],
        "p99_max_quiet": max(v["p99"] for v in quiet.values()),
        "p99_max_writing": max(v["p99"] for v in busy.values()),
    }
    print(f"{args.n} plugins from {len(records)} real ones, {report['size_mb']} MB; "
          f"raw FTS5 prefix match p50 {raw_p50:.3f} ms")
    print("| query | hits | p50 ms | p99 ms | p99 while writing | p50 / raw |")
    print("| --- | --- | --- | --- | --- | --- |")
    for query in QUERIES:
        q, b = quiet[query], busy[query]
        print(f"| `{query}` | {q['total']} | {q['p50']:.2f} | {q['p99']:.2f} | {b['p99']:.2f} "
              f"| {q['p50'] / raw_p50:.0f}x |")
    print(f"p99 max: {report['p99_max_quiet']:.2f} ms quiet, {report['p99_max_writing']:.2f} ms "
          f"while {writes[0]} batches of 100 were written (goal < 10 ms); size "
          f"{report['size_mb']} MB (goal < 25 MB)")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
