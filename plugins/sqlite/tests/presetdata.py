"""Real presets for the store's tests: the LV2 presets Debian's zam-plugins package installs.

Each ``presets.ttl`` block of a zam bundle (one ``pset:Preset`` with its port values) becomes a
:class:`Preset` whose bytes are that block as installed, named by the label its bundle's
``manifest.ttl`` gives it. The files must be there: a missing package fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

from pluginary.presets.model import ParamValue, Preset, SourceRead

LV2 = Path("/usr/lib/lv2")
CONTAINER = "lv2-preset"

_LABEL = re.compile(r"<([^>]+)>\s*a pset:Preset ;\s*lv2:appliesTo <([^>]+)> ;\s*"
                    r"rdfs:label \"([^\"]*)\"")
_PORT = re.compile(r"lv2:symbol \"(\w+)\" ;\s*pset:value (-?[\d.eE+-]+) ;")


def bundle(name: str) -> Path:
    path = LV2 / f"{name}.lv2"
    assert (path / "presets.ttl").is_file(), f"{path} is missing: install zam-plugins"
    return path


def read_bundle(name: str) -> SourceRead:
    """The presets of the zam bundle ``name`` (``ZamComp``) as a container would read them."""
    path = bundle(name)
    labels = {uri: (plugin, label) for uri, plugin, label in
              _LABEL.findall((path / "manifest.ttl").read_text())}
    presets = []
    for block in (path / "presets.ttl").read_text().split("\n\n"):
        block = block.strip()
        if not block.startswith("<"):
            continue  # the @prefix lines
        uri = block[1:block.index(">")]
        plugin, label = labels[uri]
        text = block + "\n"
        presets.append(Preset(
            identity=uri, plugin=f"lv2:{plugin}", name=label, container=CONTAINER,
            data=text.encode(), bank="Factory", author="Damien Zammit", source=str(path),
            parameters=tuple(ParamValue(key=k, value=float(v)) for k, v in _PORT.findall(text))))
    assert presets, f"no preset found in {path}"
    return SourceRead(path=str(path), presets=tuple(presets))


def fingerprint(name: str) -> str:
    """What a preset extraction would remember of the bundle: its presets file's size and
    modification time."""
    stat = (bundle(name) / "presets.ttl").stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def edited(preset: Preset, symbol: str, value: float) -> Preset:
    """``preset`` as if the user changed one port's value in the file."""
    text = preset.data.decode()
    pattern = re.compile(rf"(lv2:symbol \"{symbol}\" ;\s*pset:value )(-?[\d.eE+-]+)")
    assert pattern.search(text), f"{preset.name} has no port {symbol}"
    changed = pattern.sub(lambda m: f"{m.group(1)}{value:g}", text, count=1)
    assert changed != text, f"{preset.name}'s port {symbol} is {value:g} already"
    params = tuple(ParamValue(key=p.key, value=value if p.key == symbol else p.value)
                   for p in preset.parameters or ())
    return Preset(identity=preset.identity, plugin=preset.plugin, name=preset.name,
                  container=preset.container, data=changed.encode(), bank=preset.bank,
                  author=preset.author, source=preset.source, parameters=params)
