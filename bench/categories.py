#!/usr/bin/env python3
"""How much of a real catalogue the category tree files, per format.

    python bench/categories.py [records.json] [--top 20] [--json]

Reads the output of ``pluginary list --json`` (or runs it on the default catalogue when no file
is given), derives every record's tree category with the built-in map
(:meth:`pluginary.categories.CategoryMap.builtin`, no extension maps) and prints, per format,
how many records there are, how many are Uncategorised and their share (the goals: under 5 %
for LV2, VST3 and CLAP, under 25 % for LADSPA), how many were guessed and how many got only a
top-level node; then the largest groups of Uncategorised records and the count per tree node.

An Uncategorised record is grouped by its format and raw categories, or, when it declares none,
by its format and the first word of its name without trailing digits (``SC1``..``SC4`` are
one family).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from pluginary.categories import CategoryMap

GOALS = {"lv2": 5.0, "vst3": 5.0, "clap": 5.0, "ladspa": 25.0}


def load(path: Path | None) -> list[dict[str, Any]]:
    if path is not None:
        data = json.loads(path.read_text())
    else:
        out = subprocess.run([sys.executable, "-m", "pluginary", "list", "--json"],
                             capture_output=True, text=True, check=True)
        data = json.loads(out.stdout)
    if isinstance(data, dict):  # a paged listing: {"hits"/"records": [...]}
        data = data.get("records") or [h.get("record", h) for h in data.get("hits", [])]
    return list(data)


def group_of(record: dict[str, Any]) -> str:
    raw = record.get("categories") or []
    if raw:
        return f"{record['format']}: {' | '.join(raw)}"
    first = (re.findall(r"[^\W_]+", record.get("name", "")) or ["?"])[0]
    first = re.sub(r"\d+$", "", first) or first  # SC1..SC4 are one family
    return f"{record['format']}: (none) {first}…"


def measure(records: list[dict[str, Any]], top: int) -> dict[str, Any]:
    tree = CategoryMap.builtin()
    formats: dict[str, Counter[str]] = defaultdict(Counter)
    nodes: Counter[str] = Counter()
    guessed_nodes: Counter[str] = Counter()
    groups: dict[str, list[str]] = defaultdict(list)
    for r in records:
        derived = tree.derive(
            format=r["format"], name=r.get("name", ""), categories=r.get("categories") or (),
            role=r.get("role") or "unknown", audio_inputs=r.get("audio_inputs"),
            audio_outputs=r.get("audio_outputs"), extra=r.get("extra") or {})
        counts = formats[r["format"]]
        counts["total"] += 1
        counts["uncategorised"] += not derived.path
        counts["guessed"] += derived.guessed
        counts["top-level only"] += derived.path in {"Effect", "Instrument"}
        nodes[derived.path] += 1
        guessed_nodes[derived.path] += derived.guessed
        if not derived.path:
            groups[group_of(r)].append(r.get("name", ""))
    per_format = {
        fmt: {**c, "share": round(100 * c["uncategorised"] / c["total"], 1),
              "goal": GOALS.get(fmt)}
        for fmt, c in sorted(formats.items(), key=lambda kv: -kv[1]["total"])}
    largest = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:top]
    return {
        "records": len(records),
        "formats": per_format,
        "uncategorised_groups": [{"group": g, "count": len(names), "examples": names[:3]}
                                 for g, names in largest],
        "nodes": [{"path": p, "label": tree.label(p), "plugins": nodes[p],
                   "guessed": guessed_nodes[p]} for p in (*tree.nodes(), "") if nodes[p]],
    }


def report(result: dict[str, Any]) -> None:
    print(f"{result['records']} records\n")
    print(f"{'format':8} {'total':>6} {'uncat.':>7} {'share':>7} {'goal':>6} {'guessed':>8} "
          f"{'top-level':>10}")
    for fmt, c in result["formats"].items():
        goal = f"<{c['goal']:g} %" if c["goal"] is not None else ""
        met = "" if c["goal"] is None else ("  ok" if c["share"] < c["goal"] else "  MISSED")
        print(f"{fmt:8} {c['total']:>6} {c['uncategorised']:>7} {c['share']:>6.1f}% "
              f"{goal:>6} {c['guessed']:>8} {c['top-level only']:>10}{met}")
    print("\nlargest uncategorised groups:")
    for g in result["uncategorised_groups"]:
        print(f"  {g['count']:>4}  {g['group']}  (e.g. {', '.join(g['examples'])})")
    print("\nper node (guessed):")
    for n in result["nodes"]:
        print(f"  {n['plugins']:>5} ({n['guessed']:>3})  {n['label']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path, nargs="?",
                        help="output of 'pluginary list --json' (default: run it)")
    parser.add_argument("--top", type=int, default=20, help="how many groups to show")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    result = measure(load(args.records), args.top)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        report(result)
    missed = [f for f, c in result["formats"].items()
              if c["goal"] is not None and c["share"] >= c["goal"]]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
