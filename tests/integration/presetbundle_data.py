"""Real parts for the preset bundle tests (test_preset_bundle*.py): a catalogue of Debian's
ZamComp scanned by the CLI, .vstpreset files pedalboard makes from Debian's ZamComp VST3 in a
child process, LV2 preset files as Debian installs them, and helpers to edit a bundle and to
check a manifest against its JSON Schema. Every file must be there: a missing package fails.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pluginary.catalogue import Catalogue, open_catalogue
from pluginary.manager import make_plugin_manager
from pluginary.presets.bundle import write_bundle
from pluginary.presets.model import ParamValue, Preset, PresetInfo

DOCS = Path(__file__).resolve().parents[2] / "docs"
ZAMCOMP_VST3 = Path("/usr/lib/vst3/ZamComp.vst3")
ZAMCOMP_LV2 = Path("/usr/lib/lv2/ZamComp.lv2")
ZAMCOMP_CLAP = Path("/usr/lib/clap/ZamComp.clap")
ZAM_PRESETS = ZAMCOMP_LV2 / "presets.ttl"
CALF_REVERB_PRESETS = Path("/usr/lib/lv2/calf.lv2/presets-Reverb.ttl")

ZAM_LV2 = "lv2:urn:zamaudio:ZamComp"
ZAM_VST3 = "vst3:2046504473616C63504D435A00000000"
ZAM_CLAP = "clap:com.zamaudio.ZamComp"
CALF_REVERB = "lv2:http://calf.sourceforge.net/plugins/Reverb"
SUFFIXES = {"vstpreset": ".vstpreset", "lv2-preset": ".ttl"}
BROKEN = "broken-import,broken-signature,broken-unknown-hook"

#: Makes a .vstpreset in a child process (plugin code never runs in the test process): ZamComp
#: with its attack set to argv[2] ms; prints the preset bytes (hex) and the parameters'
#: normalised values. The plugin (DPF) takes a parameter into its state only while processing,
#: hence the block of silence.
VSTPRESET_MAKER = """
import json, sys
import numpy, pedalboard
plugin = pedalboard.load_plugin(sys.argv[1], initialization_timeout=0)
plugin.attack_ms = float(sys.argv[2])
plugin(numpy.zeros((1, 512), dtype=numpy.float32), 44100)
params = [{"key": k, "name": p.name, "value": float(p.raw_value)}
          for k, p in plugin.parameters.items()]
print(json.dumps({"data": plugin.preset_data.hex(), "params": params}))
"""


def isolated_env(home: Path) -> dict[str, str]:
    """The environment of a pluginary child process that reads nothing of the user's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLUGINARY_")}
    env.update(XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               PLUGINARY_CONFIG=str(home / "config.toml"), PLUGINARY_DISABLE=BROKEN,
               PLUGINARY_STRICT="1")
    return env


def scan_zam(home: Path) -> Path:
    """A catalogue of Debian's ZamComp as VST3, LV2 and CLAP (one product), scanned by the CLI
    in a child process."""
    for path in (ZAMCOMP_VST3, ZAMCOMP_LV2, ZAMCOMP_CLAP, CALF_REVERB_PRESETS):
        assert path.exists(), f"{path} is missing: install zam-plugins and calf-plugins"
    db = home / "zam.db"
    done = subprocess.run([sys.executable, "-m", "pluginary", "--db", str(db), "scan",
                           str(ZAMCOMP_VST3), str(ZAMCOMP_LV2), str(ZAMCOMP_CLAP), "--json"],
                          capture_output=True, text=True, env=isolated_env(home))
    assert done.returncode == 0, done.stderr[-2000:]
    return db


def make_vstpreset(attack_ms: float) -> tuple[bytes, tuple[ParamValue, ...]]:
    done = subprocess.run([sys.executable, "-c", VSTPRESET_MAKER, str(ZAMCOMP_VST3),
                           str(attack_ms)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    made = json.loads(done.stdout.strip().splitlines()[-1])
    params = tuple(ParamValue(key=p["key"], name=p["name"], value=p["value"], normalised=True)
                   for p in made["params"])
    return bytes.fromhex(made["data"]), params


def vst3_preset(data: bytes, params: tuple[ParamValue, ...]) -> Preset:
    return Preset(identity=f"capture:{ZAM_VST3}/Slow attack", plugin=ZAM_VST3,
                  name="Slow attack", container="vstpreset", data=data, bank="Drums",
                  author="Test Author", tags=("Dynamics", "Kick"), parameters=params,
                  meta={"PlugInName": "ZamComp"})


def lv2_presets() -> list[Preset]:
    return [
        Preset(identity="urn:zamaudio:ZamComp#preset001", plugin=ZAM_LV2, name="Zero",
               container="lv2-preset", data=ZAM_PRESETS.read_bytes(), bank="Factory",
               source=str(ZAM_PRESETS)),
        # calf is not in the sender's catalogue: its plugin is described by its key alone.
        Preset(identity="http://calf.sourceforge.net/factory_presets#reverb_LargeEmptyHall",
               plugin=CALF_REVERB, name="Large Empty Hall", container="lv2-preset",
               data=CALF_REVERB_PRESETS.read_bytes(), source=str(CALF_REVERB_PRESETS)),
    ]


def open_sender(path: Path, template: Path,
                vstpreset: tuple[bytes, tuple[ParamValue, ...]]) -> Catalogue:
    """A copy of the ZamComp catalogue ``template`` at ``path`` holding three presets: a
    .vstpreset with its snapshot, and two LV2 preset files. The caller closes it."""
    path.write_bytes(template.read_bytes())
    catalogue = open_catalogue(make_plugin_manager(), str(path), create=True)
    changes = catalogue.preset_store().put([vst3_preset(*vstpreset), *lv2_presets()],
                                           note="test")
    assert changes.added == 3
    return catalogue


def infos_of(catalogue: Catalogue) -> list[PresetInfo]:
    return sorted(catalogue.preset_store().find(), key=lambda i: i.identity)


def export(catalogue: Catalogue, destination: Path,
           suffixes: Mapping[str, str] = SUFFIXES) -> Path:
    write_bundle(catalogue, infos_of(catalogue), destination, suffixes=suffixes)
    return destination


def rewrite(source: Path, target: Path, *,
            manifest: Callable[[dict[str, Any]], object] | None = None,
            members: Callable[[dict[str, bytes]], object] | None = None) -> Path:
    """A copy of the bundle ``source`` with its manifest and members edited in place."""
    with zipfile.ZipFile(source) as archive:
        content = {name: archive.read(name) for name in archive.namelist()}
    if manifest is not None:
        data = json.loads(content["manifest.json"])
        manifest(data)
        content["manifest.json"] = json.dumps(data).encode()
    if members is not None:
        members(content)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in content.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return target


def schema_errors(value: Any, schema: dict[str, Any], root: dict[str, Any],
                  path: str = "$") -> list[str]:
    """The places where ``value`` breaks ``schema``: the subset of JSON Schema that msgspec
    generates ($ref, type, required, properties, additionalProperties, items, anyOf, const,
    pattern, minimum, minLength). Written here because jsonschema is not installed."""
    if "$ref" in schema:
        return schema_errors(value, root["$defs"][schema["$ref"].rsplit("/", 1)[1]], root, path)
    if "anyOf" in schema:
        options = [schema_errors(value, s, root, path) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else [f"{path}: matches no anyOf"]
    types: dict[str, type | tuple[type, ...]] = {
        "object": dict, "array": list, "string": str, "null": type(None), "boolean": bool,
        "number": (int, float)}
    kind = schema.get("type")
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{path}: not an integer"]
    elif kind is not None and not isinstance(value, types[kind]):
        return [f"{path}: not {kind}"]
    errors = []
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: not {schema['const']}")
    if "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: does not match {schema['pattern']}")
    if "minLength" in schema and len(value) < schema["minLength"]:
        errors.append(f"{path}: too short")
    if "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{path}: below {schema['minimum']}")
    if isinstance(value, dict):
        errors += [f"{path}.{k}: required" for k in schema.get("required", ()) if k not in value]
        properties = schema.get("properties", {})
        for key, item in value.items():
            sub = properties.get(key, schema.get("additionalProperties"))
            if sub is None:
                errors.append(f"{path}.{key}: not in the schema")
            elif isinstance(sub, dict):
                errors += schema_errors(item, sub, root, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], root, f"{path}[{i}]")
    return errors

