"""Validation speed: level 3 over Debian's zam VST3 bundles and its LADSPA plugins, on 2 jobs,
against references measured in the same run.

- ours: ``pluginary validate --level 3 --jobs 2`` (the CLI), each plugin in a fresh process
  forked from a validation server, levels 1 to 3 (load, parameters, audio: silence, impulse and
  noise at 44.1/48/96 kHz with blocks of 32/512/4096, every output block checked);
- the VST3 reference: what pluginval does for level 3, through pedalboard in one process,
  serially: one load per plugin, then for each sample rate and block size the same signals and
  the same checks (numpy), without isolation: a crash would end the benchmark;
- the LADSPA reference (pedalboard cannot host LADSPA): the same level-3 code through the LADSPA
  glue in one process, serially, without isolation: the lower bound of the work itself.

The catalogue is scanned first (not timed). ZamVerb's VST3 is left out unless ``--zamverb``:
under pedalboard (JUCE) each of its loads takes minutes of CPU.

Usage (see bench/README.md, "Validation")::

    python3 -m venv /tmp/bench-validate
    /tmp/bench-validate/bin/pip install ./core ./plugins/sqlite ./plugins/ladspa \\
        './plugins/vst3[pedalboard]'
    /tmp/bench-validate/bin/python bench/validate.py [--zamverb] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

VST3 = Path("/usr/lib/vst3")
LADSPA = Path("/usr/lib/ladspa")
SLOW = "ZamVerb"
RATES = (44100, 48000, 96000)
BLOCKS = (32, 512, 4096)
SILENT_BLOCKS = 8
PEAK_BOUND = 64.0
FLT_MIN = 1.1754943508222875e-38


def cli(db: Path, *args: str) -> tuple[float, str]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "pluginary", "--db", str(db), *args],
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"pluginary {' '.join(args)} failed: {done.stderr[-2000:]}")
    return time.monotonic() - began, done.stdout


def ours(db: Path, query: str) -> tuple[float, list[dict[str, object]]]:
    seconds, out = cli(db, "validate", query, "--level", "3", "--jobs", "2", "--json")
    return seconds, json.loads(out)


def check(block, after_silence: bool) -> bool:  # type: ignore[no-untyped-def]
    import numpy as np

    if not np.isfinite(block).all():
        return False
    if after_silence and ((block != 0) & (np.abs(block) < FLT_MIN)).any():
        return False
    return float(np.abs(block).max(initial=0.0)) <= PEAK_BOUND


def pedalboard_reference(bundles: list[Path]) -> tuple[float, dict[str, bool]]:
    import numpy as np
    import pedalboard

    rng = np.random.default_rng(1)
    passed: dict[str, bool] = {}
    began = time.monotonic()
    for bundle in bundles:
        plugin = pedalboard.VST3Plugin(str(bundle), initialization_timeout=0)
        channels = 2
        try:  # pedalboard processes in place: the main bus's channel count, stereo or mono
            plugin.process(np.zeros((2, 32), np.float32), 48000, buffer_size=32, reset=True)
        except ValueError:
            channels = 1
        ok = True
        for rate in RATES:
            for frames in BLOCKS:
                plugin.reset()
                feeds = [(np.zeros((channels, frames), np.float32), True)] * SILENT_BLOCKS
                impulse = np.zeros((channels, frames), np.float32)
                impulse[:, 0] = 1.0
                feeds += [(impulse, False),
                          (rng.uniform(-1, 1, (channels, frames)).astype(np.float32), False)]
                for signal, after_silence in feeds:
                    out = plugin.process(signal, rate, buffer_size=frames, reset=False)
                    ok = ok and check(out, after_silence)
        passed[bundle.stem] = ok
        del plugin
    return time.monotonic() - began, passed


def ladspa_reference(libraries: list[Path]) -> tuple[float, int]:
    from pluginary.validation.audio import level3
    from pluginary.validation.parameters import level2
    from pluginary_ladspa.host import LadspaPlugin

    count = 0
    began = time.monotonic()
    for library in libraries:
        index = 0
        while True:
            try:
                plugin = LadspaPlugin(library, index)
            except LookupError:
                break
            instance = plugin.instantiate(48000, 512)
            level2(instance)
            instance.close()
            level3(plugin)
            count += 1
            index += 1
    return time.monotonic() - began, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zamverb", action="store_true", help="include ZamVerb's VST3")
    parser.add_argument("--json", type=Path, help="write the numbers here")
    args = parser.parse_args()
    bundles = sorted(p for p in VST3.glob("Za*.vst3") if args.zamverb or p.stem != SLOW)
    libraries = sorted(LADSPA.glob("*.so"))
    numbers: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "catalogue.db"
        cli(db, "scan", *map(str, bundles), str(LADSPA), "--json")
        vst3_seconds, vst3 = ours(db, "format:vst3")
        print(f"ours, vst3: {vst3_seconds:.1f} s", flush=True)
        ladspa_seconds, ladspa = ours(db, "format:ladspa")
        print(f"ours, ladspa: {ladspa_seconds:.1f} s", flush=True)
    ref_vst3, ref_passed = pedalboard_reference(bundles)
    ref_ladspa, ref_count = ladspa_reference(libraries)
    for name, seconds, results, reference, ref_n in (
            ("vst3", vst3_seconds, vst3, ref_vst3, len(bundles)),
            ("ladspa", ladspa_seconds, ladspa, ref_ladspa, ref_count)):
        statuses: dict[str, int] = {}
        for r in results:
            statuses[str(r["status"])] = statuses.get(str(r["status"]), 0) + 1
        numbers[name] = {
            "plugins": len(results), "seconds": round(seconds, 2),
            "per_plugin_ms": round(1000 * seconds / max(1, len(results)), 1),
            "statuses": statuses, "reference_seconds": round(reference, 2),
            "reference_plugins": ref_n,
            "reference_per_plugin_ms": round(1000 * reference / max(1, ref_n), 1),
            "ratio": round(seconds / reference, 2) if reference else None}
        print(f"{name}: ours {seconds:.1f} s for {len(results)} plugins "
              f"({1000 * seconds / max(1, len(results)):.0f} ms each, {statuses}); reference "
              f"{reference:.1f} s for {ref_n} ({1000 * reference / max(1, ref_n):.0f} ms each): "
              f"{seconds / reference:.2f}x")
    numbers["pedalboard_reference_passed"] = ref_passed
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=1))


if __name__ == "__main__":
    main()
