"""VST3 plugins for the shared validation checks (:mod:`pluginary.validation`), hosted by
pedalboard (JUCE's VST3 host): levels 1 to 5.

pedalboard is the optional extra ``pluginary-vst3[pedalboard]``, imported only here, when a
worker opens a plugin; without it :class:`NotSupported` says what to install. Every
:meth:`PedalboardPlugin.instantiate` is a new ``VST3Plugin`` load (fresh state: levels 4 and 5
count on it), with ``initialization_timeout=0`` (pedalboard otherwise plays notes into an
instrument for up to 10 s to see whether it makes sound), on the main thread only (JUCE's
rule), followed by one block of silence that prepares it for the rate and block size (so that
the instance can then run on any thread).

Parameter values. JUCE gives a host a VST3 parameter's *normalised* value (0..1) and the
plugin's texts for it, never the plain value (``normalizedParamToPlain`` is not exposed), and
pedalboard's ``parameters`` guesses ranges from 1000 texts per parameter (minutes for a plugin
with thousands of parameters) and sets values by parsing text. So the glue's plain value is:

- a stepped parameter (JUCE ``num_steps`` below its "continuous" default): the step index,
  0..steps-1, which is VST3's own plain value of a discrete parameter (normalised * stepCount);
- any other: the normalised value, 0..1.

:meth:`PedalboardInstance.convert` goes through the other representation JUCE exposes, the
plugin's text: value → ``getParamStringByValue`` → ``getParamValueByString`` → value. JUCE
passes neither VST3's ``kIsHidden`` nor ``kIsReadOnly`` on, so the glue reads both through the
VST3 interfaces (:mod:`.component`, ctypes, about 1 ms) with the main buses' channel counts:
hidden parameters (DPF's program list and ``IMidiMapping`` CCs) are left out, read-only ones
(meters, DPF's "Buffer Size"/"Sample Rate") are only read. When that read fails, a parameter
JUCE does not call automatable is read-only and MIDI CC names are left out, as pedalboard does.
"""

from __future__ import annotations

import importlib
import re
import threading
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pluginary.models import PluginRecord
from pluginary.validation.host import NotSupported, ParamInfo

from . import bundle as bundles
from .deep import PEDALBOARD_ADVICE, pedalboard_names

#: ``juce::AudioProcessor::getDefaultNumParameterSteps()``: JUCE's "continuous".
CONTINUOUS_STEPS = 0x7FFFFFFF
#: Names of parameters that are MIDI mappings, not controls: pedalboard's own list ("MIDI CC ",
#: ``P\d\d\d``) and DPF's hidden ``IMidiMapping`` parameters ("MIDI Ch. 1 CC 7").
MIDI_MAPPING = re.compile(r"^(MIDI CC |P\d\d\d|MIDI Ch\. \d+ CC \d+$)")


#: (bundle, class id) -> what the ctypes reads gave (see :class:`PedalboardPlugin`).
_READ: dict[tuple[str, str], tuple[str | None, Declared]] = {}


def _import(name: str) -> ModuleType:
    """``pedalboard`` or ``numpy``, or :class:`NotSupported` with the install advice."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:  # pedalboard also fails here when libGL & co. are missing
        raise NotSupported(f"VST3 validation runs through pedalboard, which cannot be imported "
                           f"({exc}): {PEDALBOARD_ADVICE}") from exc


class PedalboardPlugin:
    """One class of a VST3 bundle, loaded by pedalboard once per instance."""

    levels: tuple[int, ...] = (1, 2, 3, 4, 5)

    def __init__(self, bundle: Path, record: PluginRecord) -> None:
        self._pedalboard = _import("pedalboard")
        self._numpy = _import("numpy")
        self.key = record.key
        self.bundle = bundle
        self._record = record
        cached = _READ.get((str(bundle), record.uid))
        if cached is None:
            # Both reads run the module's entry and exit through ctypes; an exit after JUCE
            # loaded the module would pull its factory from under JUCE (a crash at the next
            # load), so they run once per process, before pedalboard's first load.
            cached = (_plugin_name(self._pedalboard, bundle, record), _declared(bundle, record))
            _READ[(str(bundle), record.uid)] = cached
        self._plugin_name, self.declared = cached
        self._inputs, self._outputs = self.declared.inputs, self.declared.outputs
        self._described: dict[str, str] = {}
        #: A loaded, never used ``VST3Plugin`` (from :meth:`describe`).
        self._spare: Any = None

    def load(self) -> Any:
        """A new ``VST3Plugin`` of this class (the slow part: 36 ms at best, minutes for some)."""
        plugin = self._pedalboard.VST3Plugin(str(self.bundle), plugin_name=self._plugin_name,
                                             initialization_timeout=0)
        if not self._described:
            self._described = {
                "name": plugin.name, "manufacturer": plugin.manufacturer_name,
                "version": plugin.version, "identifier": plugin.identifier,
                "is_instrument": str(bool(plugin.is_instrument)).lower(),
                "category": plugin.category, "host": f"pedalboard {self._pedalboard.__version__}"}
        return plugin

    def describe(self) -> dict[str, str]:
        if not self._described:
            # Describing is loading: the unused instance is kept for the next instantiate
            # (level 1 then loads once; a ZamVerb load costs minutes).
            self._spare = self.load()
        return dict(self._described)

    def instantiate(self, sample_rate: int, max_block: int) -> PedalboardInstance:
        if threading.current_thread() is not threading.main_thread():
            # JUCE creates (and re-prepares) a VST3 instance only on its message thread, the
            # thread that first loaded a plugin: pedalboard raises "must be reloaded on the
            # main thread" elsewhere. An instance made here may then run on any thread.
            raise NotSupported("pedalboard (JUCE) creates VST3 instances only on the main "
                               "thread; create them there and run them on other threads")
        plugin, self._spare = (self._spare or self.load()), None
        instance = PedalboardInstance(self, plugin, sample_rate, max_block)
        instance.prime()
        return instance

    def close(self) -> None:
        """Drop the spare load; each instance owns its ``VST3Plugin`` (JUCE keeps the module)."""
        self._spare = None


class PedalboardInstance:
    """One ``VST3Plugin`` processing a stream at one sample rate (``reset=False``: each
    :meth:`run` continues where the last one stopped)."""

    def __init__(self, owner: PedalboardPlugin, plugin: Any, sample_rate: int,
                 max_block: int) -> None:
        self._owner = owner
        self._np = owner._numpy
        self._plugin = plugin
        self._rate = float(sample_rate)
        self._block = max_block
        # A class without a main audio input (a generator that JUCE does not call an
        # instrument) is run the instrument's way too: pedalboard renders it from MIDI.
        self.instrument = bool(plugin.is_instrument) or owner._inputs == 0
        if not self.instrument and owner._inputs != owner._outputs:
            raise NotSupported(f"pedalboard processes audio in place, so a plugin whose main "
                               f"buses have {owner._inputs} input and {owner._outputs} output "
                               f"channels cannot be run through it")
        # pedalboard processes in place: an effect gives as many channels as it gets, so the
        # main input bus's count is both; an instrument gets MIDI and gives its output count.
        self.inputs = 0 if self.instrument else owner._inputs
        self.outputs = owner._outputs if self.instrument else owner._inputs
        self._params: dict[str, tuple[Any, ParamInfo, int]] | None = None

    def prime(self) -> None:
        """One block of silence, so that pedalboard prepares the plugin for this rate and block
        size now, on the main thread: its first ``process`` at a new spec reloads the plugin,
        which it refuses to do on any other thread."""
        silence = array("f", bytes(4 * self._block))
        self.run([silence] * self.inputs, self._block)

    def run(self, inputs: Sequence[array[float]], frames: int) -> list[array[float]]:
        np = self._np
        if self.instrument:
            out = self._plugin.process([], frames / self._rate, self._rate,
                                       num_channels=self.outputs, buffer_size=self._block,
                                       reset=False)
        else:
            block = np.stack([np.frombuffer(x, dtype=np.float32, count=frames) for x in inputs])
            out = self._plugin.process(block, self._rate, buffer_size=self._block, reset=False)
        got = int(out.shape[1])
        if got < frames:
            # pedalboard holds back a latency-compensating plugin's first samples (or rounds an
            # instrument's duration down): what it did not give is silence, at the start.
            out = np.concatenate([np.zeros((out.shape[0], frames - got), np.float32), out], 1)
        return [array("f", np.ascontiguousarray(channel[:frames], np.float32).tobytes())
                for channel in out]

    def latency(self) -> int:
        return int(self._plugin.reported_latency_samples)

    def _table(self) -> dict[str, tuple[Any, ParamInfo, int]]:
        """key -> (JUCE parameter, what the checks see, steps); read once per instance."""
        if self._params is None:
            self._params = _parameters(self._plugin, self._owner.declared)
        return self._params

    def parameters(self) -> Sequence[ParamInfo]:
        return [info for _, info, _ in self._table().values()]

    def get(self, key: str) -> float:
        param, _, steps = self._table()[key]
        return _plain(float(param.raw_value), steps)

    def set(self, key: str, value: float) -> None:
        # JUCE queues the change for the processor's next block and for the edit controller.
        param, _, steps = self._table()[key]
        param.raw_value = _normalised(value, steps)

    def convert(self, key: str, value: float) -> float | None:
        param, _, steps = self._table()[key]
        text = param.get_text_for_raw_value(_normalised(value, steps))
        return _plain(float(param.get_raw_value_for_text(text)), steps)

    def save(self) -> bytes:
        return bytes(self._plugin.raw_state)

    def load(self, state: bytes) -> None:
        # JUCE's setStateInformation, then it reads every parameter back from the controller.
        self._plugin.raw_state = state
        self._params = None

    def close(self) -> None:
        self._params = None
        self._plugin = None


def _plain(normalised: float, steps: int) -> float:
    return normalised * (steps - 1) if steps else normalised


def _normalised(plain: float, steps: int) -> float:
    value = plain / (steps - 1) if steps else plain
    return min(max(value, 0.0), 1.0)


def _parameters(plugin: Any, declared: Declared) -> dict[str, tuple[Any, ParamInfo, int]]:
    """Every control parameter, keyed by pedalboard's Python name (``gain_db``), ``#index``
    appended when two share one. Hidden ones (VST3 ``kIsHidden``: a program list, MIDI
    mappings) are left out; ``kIsReadOnly`` ones are read only."""
    namer = importlib.import_module("pedalboard._pedalboard").to_python_parameter_name
    table: dict[str, tuple[Any, ParamInfo, int]] = {}
    for param in plugin._parameters:
        name = param.name
        if declared.visible is not None and name not in declared.visible:
            continue
        if declared.visible is None and MIDI_MAPPING.match(name):
            continue
        key = namer(param) or f"#{param.index}"
        if key in table:
            key = f"{key}#{param.index}"
        count = int(param.num_steps)
        steps = count if 2 <= count < CONTINUOUS_STEPS else 0
        read_only = (name not in declared.writable if declared.writable is not None
                     else not param.is_automatable)
        info = ParamInfo(key=key, name=name, minimum=0.0,
                         maximum=float(steps - 1) if steps else 1.0,
                         default=_plain(float(param.default_raw_value), steps),
                         stepped=bool(steps), read_only=read_only)
        table[key] = (param, info, steps)
    return table


def _plugin_name(pedalboard: ModuleType, bundle: Path, record: PluginRecord) -> str | None:
    """The name pedalboard needs for this class (``None`` when the bundle has only one):
    the scan's choice (:func:`.deep.pedalboard_names`) over the classes the factory lists."""
    from .factory import read_factory

    location = bundles.find_binary(bundle)
    if location.binary is None:
        raise NotSupported(location.cause)
    known = read_factory(location.binary, bundle)
    if known.cause or not any(r.uid == record.uid for r in known.records):
        raise LookupError(known.cause or f"{bundle} has no audio module class {record.uid}")
    names = pedalboard_names(pedalboard, bundle, known.records)
    if record.uid not in names:
        raise LookupError(f"pedalboard lists no class named {record.name!r} in {bundle}")
    return names[record.uid]


@dataclass(frozen=True)
class Declared:
    """What the class declares through the VST3 interfaces, which JUCE does not pass on."""

    inputs: int
    outputs: int
    #: Names of the parameters not flagged ``kIsHidden`` / not ``kIsReadOnly`` either; ``None``
    #: when the controller could not be read (then JUCE's "automatable" decides).
    visible: frozenset[str] | None = None
    writable: frozenset[str] | None = None


def _declared(bundle: Path, record: PluginRecord) -> Declared:
    """The main audio buses' channels and the parameter flags, read through the VST3
    interfaces (ctypes, about 1 ms a read: pedalboard reports none of it); the record's
    channel totals, then stereo, when the class cannot be read."""
    from .component import read_components

    fallback = Declared(record.audio_inputs if record.audio_inputs is not None else 2,
                        record.audio_outputs if record.audio_outputs is not None else 2)
    location = bundles.find_binary(bundle)
    if location.binary is None:
        return fallback
    uid = record.uid.upper()
    visible = read_components(location.binary, [uid], bundle=bundle).components.get(uid)
    if visible is None:
        return fallback
    writable = read_components(location.binary, [uid], bundle=bundle,
                               include_read_only=False).components.get(uid)

    def main(direction: str) -> int:
        return next((b.channels for b in visible.buses if b.media == "audio" and b.main
                     and b.direction == direction), 0)

    if not visible.parameters_ok or writable is None:
        return Declared(main("input"), main("output"))
    return Declared(main("input"), main("output"),
                    visible=frozenset(p.name for p in visible.parameters),
                    writable=frozenset(p.name for p in writable.parameters))
