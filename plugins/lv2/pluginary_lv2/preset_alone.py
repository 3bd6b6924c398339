"""One LV2 preset on its own: the bytes of a preset Turtle read by lilv (to unwrap it, or to
read a lone ``.ttl``), and saved as a bundle a host finds (``~/.lv2/<name>.preset.lv2``).

``lilv_state_new_from_string`` would be the call, but lilv 0.24 crashes on Turtle that has no
``pset:Preset`` subject (it goes on with a NULL subject), so the text is read as the
``manifest.ttl`` of a temporary bundle instead: lilv then says what it holds before a state is
made from it, and a subject written ``<>`` resolves to that file rather than failing.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from pluginary.presets.container import PresetFormatError

from .preset_lilv import RDFS_LABEL, PresetWorld, State
from .preset_ttl import file_stem, manifest_ttl
from .stderr_tap import StderrTap, summarise


class AlonePreset:
    """``with AlonePreset(data) as alone``: ``alone.state`` is the one preset in ``data``;
    :class:`PresetFormatError` says what serd found wrong, or that there is no preset."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self.world = PresetWorld()
        self._state: State | None = None
        #: True when the preset's subject was relative (``<>``): it has no URI of its own.
        self.relative = False
        self.label = self.bank = ""

    @property
    def state(self) -> State:
        assert self._state is not None, "used outside its with block"
        return self._state

    def __enter__(self) -> AlonePreset:
        try:
            self._read()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _read(self) -> None:
        if b"\0" in self._data:
            raise PresetFormatError("not an LV2 preset: the data holds NUL bytes, so it is not "
                                    "Turtle text")
        if not self._data.strip():
            raise PresetFormatError("not an LV2 preset: the data is empty")
        self._folder = tempfile.TemporaryDirectory(prefix="pluginary-lv2-preset-")
        bundle = Path(self._folder.name)
        (bundle / "manifest.ttl").write_bytes(self._data)
        world = self.world
        with StderrTap() as tap:
            world.load_bundle(bundle)
            found = world.presets()
            if len(found) == 1:
                self._state = world.state(found[0])
            messages = tap.since(0)
        if messages.errors:
            said = summarise(messages, bundle, "the preset").partition(": ")[2]
            raise PresetFormatError(f"not a readable LV2 preset: {said}")
        if len(found) != 1 or self._state is None:
            raise PresetFormatError(
                f"not an LV2 preset: expected Turtle with one subject that is a pset:Preset, "
                f"found {len(found)}")
        if not self._state.plugin_uri:
            raise PresetFormatError("the LV2 preset names no plugin (lv2:appliesTo is missing)")
        self.relative = found[0].startswith(bundle.resolve().as_uri())
        self.label = world.value(found[0], RDFS_LABEL) or self._state.label
        self.bank = world.bank_label(found[0])

    def __exit__(self, *exc: object) -> None:
        if self._state is not None:
            self._state.close()
            self._state = None
        if self.world.ptr is not None:
            self.world.close()
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None


def write_bundle(data: bytes, folder: Path) -> Path:
    """Save the preset ``data`` (as :meth:`~.presets.Lv2PresetContainer.wrap` makes it) as a
    bundle in ``folder`` (``~/.lv2`` for a user's presets): ``<plugin>_<label>.preset.lv2/``
    holding a ``manifest.ttl`` and the preset's own file. Refuses to replace a bundle that
    exists (FileExistsError)."""
    with AlonePreset(data) as alone:
        plugin_uri, label = alone.state.plugin_uri, alone.label
        uri = "" if alone.relative else alone.state.uri
    # The URI's last segment names the plugin (urn:zamaudio:ZamComp, .../plugins/Filter).
    plugin_part = file_stem(re.split(r"[/#:]", plugin_uri.rstrip("/#:"))[-1])
    stem = file_stem(label)
    bundle = Path(folder) / f"{plugin_part}_{stem}.preset.lv2"
    bundle.mkdir(parents=True, exist_ok=False)
    (bundle / f"{stem}.ttl").write_bytes(data)
    # A relative subject (<>) is the preset file itself, as jalv writes them.
    (bundle / "manifest.ttl").write_bytes(
        manifest_ttl(uri or f"{stem}.ttl", plugin_uri, label, f"{stem}.ttl"))
    return bundle
