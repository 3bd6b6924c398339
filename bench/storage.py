#!/usr/bin/env python3
"""Benchmark the SQLite catalogue: size on disk, batch vs per-row upserts, search latency.

    python bench/storage.py --n 5000 [--json out.json] [--keep DIR]

It uses only the public API: the storage extension is found through the plugin manager and the
catalogue opened with ``pluginary.catalogue.open_catalogue``. Goals: 5000 realistic records in
less than 25 MB, search p99 under 10 ms.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pluginary.catalogue import Catalogue, open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import Fingerprint, Parameter, PluginRecord, Role, SearchQuery, Status

VENDORS = ["FabFilter", "Valhalla DSP", "u-he", "Xfer Records", "Native Instruments", "Arturia",
           "Calf Studio Gear", "LSP", "x42", "Surge Synth Team", "Airwindows", "TAL Software",
           "Tokyo Dawn Labs", "MeldaProduction", "Vital Audio", "Waves", "iZotope", "Soundtoys",
           "Plugin Alliance", "Spitfire Audio", "Togu Audio Line", "Dexed", "Auburn Sounds",
           "Kilohearts", "Cableguys", "D16 Group", "Eventide", "Sonnox", "Softube", "Tracktion"]
KINDS = [
    ("Reverb", Role.EFFECT, ["Fx", "Reverb"], ["Decay", "Pre-Delay", "Size", "Damping", "Mix",
                                               "Early Reflections", "Diffusion", "Low Cut"]),
    ("Delay", Role.EFFECT, ["Fx", "Delay"], ["Time", "Feedback", "Sync", "Mix", "Ping Pong",
                                             "Modulation Depth", "Modulation Rate"]),
    ("EQ", Role.EFFECT, ["Fx", "EQ"], ["Frequency", "Gain", "Q", "Shape", "Output", "Slope"]),
    ("Compressor", Role.EFFECT, ["Fx", "Dynamics"], ["Threshold", "Ratio", "Attack", "Release",
                                                     "Knee", "Makeup", "Sidechain Filter"]),
    ("Limiter", Role.EFFECT, ["Fx", "Dynamics", "Mastering"], ["Ceiling", "Gain", "Lookahead"]),
    ("Distortion", Role.EFFECT, ["Fx", "Distortion"], ["Drive", "Tone", "Bias", "Mix", "Output"]),
    ("Chorus", Role.EFFECT, ["Fx", "Modulation"], ["Rate", "Depth", "Voices", "Spread", "Mix"]),
    ("Synth", Role.INSTRUMENT, ["Instrument", "Synth"],
     ["Cutoff", "Resonance", "Osc Wave", "Osc Pitch", "Env Attack", "Env Decay", "Env Sustain",
      "Env Release", "LFO Rate", "LFO Amount", "Unison Voices", "Glide", "Volume"]),
    ("Sampler", Role.INSTRUMENT, ["Instrument", "Sampler"], ["Start", "Loop", "Tune", "Volume",
                                                             "Velocity", "Round Robin"]),
    ("Drum Machine", Role.INSTRUMENT, ["Instrument", "Drum"], ["Kick Tune", "Snare Tone",
                                                               "Hat Decay", "Swing", "Level"]),
    ("Analyzer", Role.ANALYZER, ["Fx", "Analyzer"], ["Range", "Slope", "Hold", "Averaging"]),
    ("Arpeggiator", Role.MIDI_EFFECT, ["MIDI"], ["Rate", "Gate", "Octaves", "Pattern", "Swing"]),
]
ADJECTIVES = ["Pro", "Vintage", "Supermassive", "Shimmer", "Dark", "Analog", "Tube", "Crystal",
              "Deep", "Wide", "Micro", "Ultra", "Space", "Glue", "Warm", "Retro", "Golden",
              "Electric", "Modular", "Cosmic", "Tape", "Vinyl", "Granular", "Spectral"]
FORMATS = ["vst3", "clap", "lv2", "ladspa", "vst3", "vst3", "clap"]
QUERIES = ["reverb", "fabfilter", "comp", "synth", "delay ping", "eq", "tape", "vintage tube",
           "cutoff", "valhalla", "drum", "analog synth", "mastering limiter", "u-he", "granular",
           "pre-delay", "lfo rate", "x42", "chorus", "arp"]


def parameter_count(rng: random.Random) -> int:
    """Most plugins declare 2..60 parameters; about 1% declare 1000..5000 (e.g. big samplers)."""
    if rng.random() < 0.01:
        return rng.randint(1000, 5000)
    return max(2, min(60, round(rng.lognormvariate(math.log(14), 0.8))))


def make_records(n: int, seed: int = 1) -> list[PluginRecord]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind, role, categories, names = KINDS[rng.randrange(len(KINDS))]
        vendor = rng.choice(VENDORS)
        adjective = rng.choice(ADJECTIVES)
        fmt = FORMATS[rng.randrange(len(FORMATS))]
        count = parameter_count(rng)
        params = tuple(
            Parameter(name=names[k % len(names)] + (f" {k // len(names) + 1}"
                                                    if k >= len(names) else ""),
                      id=str(rng.getrandbits(31)) if fmt == "vst3" else str(k),
                      default=round(rng.random(), 4), min=0.0, max=1.0,
                      unit=rng.choice(("", "dB", "ms", "Hz", "%")))
            for k in range(count))
        name = f"{adjective} {kind}" + (f" {rng.randint(2, 9)}" if rng.random() < 0.3 else "")
        slug = f"{vendor} {name} {i}".replace(" ", "")
        bundle = f"/usr/lib/{fmt}/{slug}.{fmt}"
        binary = f"{bundle}/Contents/x86_64-linux/{slug}.so"
        out.append(PluginRecord(
            format=fmt, uid=f"{rng.getrandbits(128):032X}", name=name, vendor=vendor,
            version=f"{rng.randint(1, 6)}.{rng.randint(0, 12)}.{rng.randint(0, 30)}", role=role,
            categories=tuple(categories),
            description=f"{adjective} {kind.lower()} from {vendor}, with "
                        f"{', '.join(rng.sample(names, min(3, len(names)))).lower()}.",
            audio_inputs=0 if role is Role.INSTRUMENT else 2, audio_outputs=2,
            midi_inputs=1 if role in (Role.INSTRUMENT, Role.MIDI_EFFECT) else 0,
            midi_outputs=1 if role is Role.MIDI_EFFECT else 0, parameters=params,
            file_path=binary, bundle_path=bundle,
            fingerprint=Fingerprint(path=binary, size=rng.randint(10**5, 2 * 10**8),
                                    mtime_ns=1_700_000_000_000_000_000 + rng.getrandbits(40)),
            architecture="x86_64",
            status=Status.OK if rng.random() > 0.03 else Status.FAILED,
            cause="" if rng.random() > 0.03 else "needs libGL.so.1", tier=rng.choice((0, 1, 2)),
            extra={"sdk": "3.7.9"} if fmt == "vst3" else {},
        ))
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def file_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000, help="records to generate (5000)")
    parser.add_argument("--batch", type=int, default=500, help="records per upsert call (500)")
    parser.add_argument("--repeat", type=int, default=10, help="runs of each query (10)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--keep", type=Path, help="write the catalogues here and keep them")
    args = parser.parse_args(argv)

    pm = make_plugin_manager()
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="pluginary-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    records = make_records(args.n)
    n_params = sum(len(r.parameters) for r in records)

    def fresh(name: str) -> tuple[Path, Catalogue]:
        path = workdir / name
        for old in workdir.glob(name + "*"):
            old.unlink()
        return path, open_catalogue(pm, str(path), create=True)

    try:
        batch_path, catalogue = fresh("batch.db")
        started = time.perf_counter()
        for i in range(0, len(records), args.batch):
            catalogue.upsert(records[i:i + args.batch])
        batch_seconds = time.perf_counter() - started

        # rescan: the same records again must not grow the catalogue
        started = time.perf_counter()
        for i in range(0, len(records), args.batch):
            catalogue.upsert(records[i:i + args.batch])
        rescan_seconds = time.perf_counter() - started
        info = catalogue.info()

        timings: dict[str, list[float]] = {}
        hits: dict[str, int] = {}
        for query in QUERIES:  # warm up each reader page cache once
            hits[query] = len(catalogue.search(SearchQuery(text=query)))
        for _ in range(args.repeat):
            for query in QUERIES:
                started = time.perf_counter()
                catalogue.search(SearchQuery(text=query))
                timings.setdefault(query, []).append((time.perf_counter() - started) * 1000)
        catalogue.close()
        size = file_size(batch_path)

        _, catalogue = fresh("per-row.db")
        started = time.perf_counter()
        for record in records:
            catalogue.upsert([record])
        per_row_seconds = time.perf_counter() - started
        catalogue.close()
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)

    all_ms = [t for ts in timings.values() for t in ts]
    result = {
        "records": args.n, "parameters": n_params,
        "max_parameters": max(len(r.parameters) for r in records),
        "plugins_stored": info.plugins, "parameters_stored": info.parameters,
        "size_bytes": size, "size_mb": round(size / 1e6, 2), "size_goal_mb": 25,
        "batch_size": args.batch,
        "batch_upsert_s": round(batch_seconds, 3), "rescan_upsert_s": round(rescan_seconds, 3),
        "per_row_upsert_s": round(per_row_seconds, 3),
        "per_row_over_batch": round(per_row_seconds / batch_seconds, 1),
        "records_per_s_batch": round(args.n / batch_seconds),
        "search_p50_ms": round(statistics.median(all_ms), 3),
        "search_p99_ms": round(percentile(all_ms, 99), 3), "search_p99_goal_ms": 10,
        "search_runs": len(all_ms),
        "queries": {q: {"hits": hits[q], "p50_ms": round(statistics.median(ts), 3),
                        "max_ms": round(max(ts), 3)} for q, ts in timings.items()},
    }
    rows = [
        ("records / parameters", f"{args.n:,} / {n_params:,} (max {result['max_parameters']:,})"),
        ("size on disk", f"{result['size_mb']} MB (goal < 25 MB)"),
        (f"batch upsert ({args.batch}/txn)",
         f"{batch_seconds:.2f} s ({result['records_per_s_batch']:,} records/s)"),
        ("rescan (same records)", f"{rescan_seconds:.2f} s"),
        ("per-row upsert (1/txn)", f"{per_row_seconds:.2f} s"),
        ("per-row / batch", f"{result['per_row_over_batch']}x"),
        ("search p50", f"{result['search_p50_ms']} ms"),
        ("search p99", f"{result['search_p99_ms']} ms (goal < 10 ms, {len(all_ms)} runs)"),
    ]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"{key:<{width}}  {value}")
    encoded = json.dumps(result, indent=2)
    print(encoded)
    if args.json:
        args.json.write_text(encoded + "\n", encoding="utf-8")
    ok = size < 25e6 and result["search_p99_ms"] < 10
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
