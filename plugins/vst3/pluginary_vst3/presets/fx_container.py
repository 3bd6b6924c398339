"""The ``fxp`` and ``fxb`` containers: VST2 programs and banks that users still have.

Pluginary hosts no VST2 plugin, so these are read for the record (name, plugin id, parameter
values of ``FxCk`` programs) and re-wrapped, exactly, into the ``.vstpreset`` that the plugin's
VST3 version loads as VST2 state (:mod:`.vst2_wrap`).

VST2 defines no preset folder (hosts and vendors each keep their own), so both containers have
no default roots: their files are found under folders the user names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pluginary.models import PluginRecord
from pluginary.presets.container import Unwrapped
from pluginary.presets.files import file_identity, find_files, read_sources
from pluginary.presets.model import ParamValue, Preset, SourceRead
from pluginary.validation.host import NotSupported

from . import vstpreset_file as vp
from .fx_file import PARAM_PROGRAM, FxBank, FxProgram, fx_id_text, parse_fx
from .vst2_wrap import bank_of_program, wrap_bank
from .vstpreset_container import NAME as VSTPRESET
from .vstpreset_container import class_id_of

FXP = "fxp"
FXB = "fxb"
NO_VST2_HOST = ("Pluginary cannot host VST2 plugins; re-wrap the preset into a .vstpreset "
                "for the plugin's VST3 version")


def parameters_of(program: FxProgram | None) -> tuple[ParamValue, ...] | None:
    """An ``FxCk`` program's values, keyed by parameter index, normalised; None otherwise."""
    if program is None or program.kind != PARAM_PROGRAM:
        return None
    return tuple(ParamValue(key=str(index), value=value, normalised=True)
                 for index, value in enumerate(program.parameters))


class FxContainer:
    """``.fxp`` programs (``name="fxp"``) or ``.fxb`` banks (``name="fxb"``); a file is read
    by what its bytes hold, whatever its suffix."""

    plugin_format = "vst2"

    def __init__(self, name: str) -> None:
        if name not in (FXP, FXB):
            raise ValueError(f"an FX container is 'fxp' or 'fxb', not {name!r}")
        self.name = name
        self.suffix = f".{name}"
        kind = "program" if name == FXP else "bank"
        self.description = (f"VST2 {kind}s (.{name}): read, and re-wrapped exactly into a "
                            f".vstpreset for the plugin's VST3 version")

    def roots(self, system: str, env: Mapping[str, str], home: Path) -> list[Path]:
        """None: VST2 has no standard preset folder."""
        return []

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        """Every ``*.fxp`` (or ``*.fxb``) under ``roots``."""
        return find_files(roots, self.suffix)

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        """One preset per file: a program, or a whole bank as one preset."""
        return read_sources(paths, _preset_of_file)

    def wrap(self, plugin: PluginRecord, name: str, state: bytes | None,
             parameters: Sequence[ParamValue]) -> bytes:
        """Never: no VST2 plugin is hosted, so there is no VST2 state to wrap."""
        raise NotSupported(NO_VST2_HOST)

    def unwrap(self, data: bytes) -> Unwrapped:
        """The parameter values of an ``FxCk`` program (a bank's current one); a chunk holds
        VST2 state only a VST2 plugin can load."""
        found = parse_fx(data)
        program = found.current() if isinstance(found, FxBank) else found
        values = parameters_of(program)
        if values is None:
            raise NotSupported(f"this {found.kind.decode()} holds an opaque VST2 chunk; "
                               f"{NO_VST2_HOST}")
        return Unwrapped(parameters=values)

    def rewrap(self, data: bytes, target: str, plugin: PluginRecord) -> bytes | None:
        """``vstpreset``: the VST2 state as the plugin's VST3 version reads it (``Comp`` =
        ``'VstW'`` header + bank; a program becomes a bank of one); ``fxb`` from a program: that
        bank; ``fxp`` from a bank of programs: its current program."""
        found = parse_fx(data)
        if isinstance(found, FxBank):
            bank = data[found.offset:found.end]
            if target == FXP:
                program = found.current()
                return data[program.offset:program.end] if program else None
        else:
            bank = bank_of_program(data, found)
            if target == FXB:
                return bank
        if target != VSTPRESET:
            return None
        return vp.build_vstpreset(vst2_class_id(plugin, found.fx_id),
                                  [(vp.COMPONENT, wrap_bank(bank))])


def vst2_class_id(plugin: PluginRecord, fx_id: int) -> str:
    """The class id of ``plugin`` when it is the VST3 version of the VST2 plugin ``fx_id``.

    A VST3 class made from a VST2 plugin (Steinberg's VST2 wrapper, JUCE's VST2-compatible
    ids) has the id ``'VST'`` (``565354``), the VST2 unique id as 8 hex digits, then the first
    nine characters of the name in lower case. Only such a class reads a VST2 bank from its
    state, so another class id is refused instead of calling the wrap exact."""
    class_id = class_id_of(plugin)
    prefix = f"565354{fx_id:08X}"
    if not class_id.startswith(prefix):
        raise NotSupported(f"{plugin.key} is not the VST3 version of the VST2 plugin "
                           f"'{fx_id_text(fx_id)}': its class id would start with {prefix} "
                           "('VST' and the VST2 id)")
    return class_id


def _preset_of_file(path: Path, data: bytes) -> tuple[Preset, ...]:
    found = parse_fx(data)
    meta = {"kind": found.kind.decode("ascii"), "fx_version": str(found.fx_version),
            "format_version": str(found.version)}
    program: FxProgram | None
    if isinstance(found, FxProgram):
        name, bank, container, program = found.name or path.stem, "", FXP, found
    else:
        # A bank is loaded whole, so it is one preset, named after its file.
        name, bank, container, program = path.stem, path.stem, FXB, found.current()
        meta["programs"] = str(len(found.programs))
        meta["current_program"] = str(found.current_program)
        if found.programs:
            meta["program_names"] = "\n".join(p.name for p in found.programs)
    return (Preset(identity=file_identity(path), plugin=f"vst2:{fx_id_text(found.fx_id)}",
                   name=name, container=container, data=data, bank=bank, source=str(path),
                   parameters=parameters_of(program), meta=meta),)
