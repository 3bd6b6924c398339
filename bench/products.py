#!/usr/bin/env python3
"""Benchmark product linking at the end of a scan: link 5000 records and store the links.

    python bench/products.py --n 5000 [--runs 5] [--json out.json]

Same synthetic records as ``storage.py`` (30 vendors, 12 kinds, several formats), plus a
share of them given the same name and vendor in a second and third format so that linking has
work to do. Public API only. Each run, in the same process and on the same catalogue:

* ``list``: a plain ``catalogue.list()`` of the whole catalogue, the reference;
* ``summaries``: ``catalogue.summaries()``, the light listing (no parameter blobs) the engine
  links from since issue 9;
* ``link``: :func:`pluginary.products.link_products` over that list (pure Python);
* ``store first``: ``replace_products`` on a catalogue that has no products yet;
* ``store again``: ``replace_products`` with the same products (an unchanged rescan);
* ``end of scan``: what the engine does after a scan that wrote records or marked some missing:
  summaries + link + store;
* ``unchanged``: what it does after a scan that changed nothing: read the stored products.

The claim is the ratio ``end of scan / list``: linking costs a small multiple of one listing.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import msgspec

sys.path.insert(0, str(Path(__file__).resolve().parent))

from storage import make_records  # the sibling benchmark's record factory

from pluginary.catalogue import open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.products import link_products

OTHER_FORMATS = ("vst3", "clap", "lv2", "ladspa", "au")


def with_siblings(records: list[PluginRecord], seed: int = 2) -> list[PluginRecord]:
    """Give about 40% of the products a record in one or two other formats (same name and
    vendor, another uid), keeping the total at ``len(records)``."""
    rng = random.Random(seed)
    n = len(records)
    out: list[PluginRecord] = []
    i = 0
    while len(out) < n:
        base = records[i]
        i += 1
        out.append(base)
        if rng.random() < 0.4:
            others = [f for f in OTHER_FORMATS if f != base.format]
            for fmt in rng.sample(others, rng.choice((1, 2))):
                if len(out) < n:
                    out.append(msgspec.structs.replace(
                        base, format=fmt, uid=f"{fmt}-{i}-{rng.getrandbits(32):08x}",
                        bundle_path=f"{base.bundle_path}.{fmt}"))
    return out


def timed(fn):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    records = with_siblings(make_records(args.n))
    folder = Path(tempfile.mkdtemp(prefix="pluginary-bench-products-"))
    pm = make_plugin_manager()
    results: dict[str, list[float]] = {k: [] for k in (
        "list", "summaries", "link", "store first", "store again", "end of scan",
        "unchanged")}
    try:
        for run in range(args.runs):
            catalogue = open_catalogue(pm, str(folder / f"run{run}.db"))
            try:
                catalogue.upsert(records)
                t_list, listed = timed(catalogue.list)
                t_summaries, _ = timed(catalogue.summaries)
                t_link, products = timed(lambda: link_products(listed))  # noqa: B023
                t_first, _ = timed(lambda: catalogue.replace_products(products))  # noqa: B023
                t_again, changed = timed(lambda: catalogue.replace_products(products))  # noqa: B023
                assert changed == 0
                # What the engine does after a scan that changed records (issue 9: through the
                # light listing, no parameter blob decoded).
                t_end, _ = timed(lambda: catalogue.replace_products(  # noqa: B023
                    link_products(catalogue.summaries())))  # noqa: B023
                # What the engine does after a scan that changed nothing: read the stored links.
                t_unchanged, stored = timed(catalogue.products)
                assert len(stored) == len(products)
                for key, value in zip(results, (t_list, t_summaries, t_link, t_first, t_again,
                                                t_end, t_unchanged), strict=True):
                    results[key].append(value)
                multi = sum(1 for p in products if len(p.formats) > 1)
            finally:
                catalogue.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    ratios = [end / ref for end, ref in zip(results["end of scan"], results["list"], strict=True)]
    summary = {
        "records": len(records), "products": len(products), "multi_format_products": multi,
        "runs": args.runs,
        "seconds": {k: [round(v, 4) for v in vs] for k, vs in results.items()},
        "median_seconds": {k: round(statistics.median(vs), 4) for k, vs in results.items()},
        "end_of_scan_over_list": [round(r, 2) for r in ratios],
    }
    print(f"{len(records)} records -> {len(products)} products ({multi} in several formats)")
    for key, values in results.items():
        print(f"  {key:<12} median {statistics.median(values) * 1000:7.1f} ms   "
              + ", ".join(f"{v * 1000:.1f}" for v in values))
    print("  end of scan / list: " + ", ".join(f"{r:.2f}x" for r in ratios))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
