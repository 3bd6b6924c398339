"""A small factory of realistic plugin records for the storage tests."""

from __future__ import annotations

import random
from typing import Any

from pluginary.models import (
    Fingerprint,
    Parameter,
    PluginRecord,
    Role,
    SearchHit,
    SearchQuery,
    Status,
)

VENDORS = ("FabFilter", "Valhalla DSP", "u-he", "Xfer Records", "Native Instruments",
           "Arturia", "Calf Studio Gear", "LSP", "x42", "Surge Synth Team", "Airwindows",
           "TAL Software", "Tokyo Dawn Labs", "Melda Production", "Vital Audio")
KINDS = (
    ("Reverb", Role.EFFECT, ("Fx", "Reverb"), ("Decay", "Pre-Delay", "Size", "Damping", "Mix")),
    ("Delay", Role.EFFECT, ("Fx", "Delay"), ("Time", "Feedback", "Sync", "Mix", "Ping Pong")),
    ("EQ", Role.EFFECT, ("Fx", "EQ"), ("Band 1 Freq", "Band 1 Gain", "Band 1 Q", "Output")),
    ("Compressor", Role.EFFECT, ("Fx", "Dynamics"),
     ("Threshold", "Ratio", "Attack", "Release", "Knee", "Makeup")),
    ("Synth", Role.INSTRUMENT, ("Instrument", "Synth"),
     ("Cutoff", "Resonance", "Osc 1 Wave", "Env Attack", "Env Release", "LFO Rate")),
    ("Sampler", Role.INSTRUMENT, ("Instrument", "Sampler"), ("Start", "Loop", "Tune", "Volume")),
    ("Analyzer", Role.ANALYZER, ("Fx", "Analyzer"), ("Range", "Slope", "Hold")),
    ("Arpeggiator", Role.MIDI_EFFECT, ("MIDI",), ("Rate", "Gate", "Octaves", "Pattern")),
)
ADJECTIVES = ("Pro", "Vintage", "Supermassive", "Shimmer", "Dark", "Analog", "Tube", "Crystal",
              "Deep", "Wide", "Micro", "Ultra", "Space", "Glue", "Warm", "Retro")
FORMATS = ("vst3", "clap", "lv2", "ladspa")


def make_record(i: int, *, n_params: int | None = None, rng: random.Random | None = None,
                description: str | None = None, path_root: str = "/usr/lib") -> PluginRecord:
    """Record number ``i``: deterministic for a given ``i`` (and rng seed)."""
    rng = rng or random.Random(i)
    kind, role, categories, names = KINDS[i % len(KINDS)]
    vendor = VENDORS[(i // len(KINDS)) % len(VENDORS)]
    adjective = ADJECTIVES[rng.randrange(len(ADJECTIVES))]
    fmt = FORMATS[i % len(FORMATS)]
    uid = f"{i:08X}{rng.getrandbits(96):024X}"
    version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}"
    size = rng.randint(10**5, 10**8)
    drawn = rng.randint(2, 40)
    count = drawn if n_params is None else n_params
    params = tuple(
        Parameter(name=names[k % len(names)] + (f" {k // len(names) + 1}" if k >= len(names)
                                                else ""),
                  id=str(k), default=round(rng.random(), 3), min=0.0, max=1.0,
                  unit=("dB", "ms", "%", "Hz", "")[k % 5])
        for k in range(count)
    )
    name = f"{adjective} {kind} {i}"
    slug = name.replace(" ", "")
    bundle = f"{path_root}/{fmt}/{slug}.{fmt}"
    binary = f"{bundle}/Contents/x86_64-linux/{slug}.so"
    return PluginRecord(
        format=fmt, uid=uid, name=name, vendor=vendor, version=version, role=role,
        categories=categories,
        description=description if description is not None else
        f"A {adjective.lower()} {kind.lower()} by {vendor}.",
        audio_inputs=0 if role is Role.INSTRUMENT else 2, audio_outputs=2,
        midi_inputs=1 if role in (Role.INSTRUMENT, Role.MIDI_EFFECT) else 0, midi_outputs=0,
        parameters=params, file_path=binary, bundle_path=bundle,
        fingerprint=Fingerprint(path=binary, size=size,
                                mtime_ns=1_700_000_000_000_000_000 + i),
        architecture="x86_64", status=Status.OK, tier=1,
    )


def make_records(n: int, start: int = 0, **kwargs: object) -> list[PluginRecord]:
    return [make_record(i, **kwargs) for i in range(start, start + n)]  # type: ignore[arg-type]


def hits(catalogue: Any, text: str, *, format: str | None = None, limit: int | None = 50,
         **options: Any) -> list[SearchHit]:
    """Search ``catalogue`` for ``text`` in the query language, as the core hands it over (a
    parsed tree; nothing here needs resolving), and return the hits."""
    from pluginary.query.parser import parse

    query = f"({text}) format:{format}" if format is not None and text.strip() else (
        f"format:{format}" if format is not None else text)
    result = catalogue.search(SearchQuery(text=query, root=parse(query), limit=limit,
                                          **options))
    return list(result.hits)
