"""Faults around presets: a broken preset container is its extension's fault, named, and never
takes down the others; VST2 files are read and re-wrapped into a VST3 preset through the CLI."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pluginary import hookimpl
from pluginary.manager import make_plugin_manager
from pluginary.presets.model import SourceRead, sha256

ZAMCOMP_BUNDLE = Path("/usr/lib/lv2/ZamComp.lv2")
FXP = Path(__file__).parents[2] / "plugins/vst3/tests/data/presets/ardour2fxp"


class CrashingContainer:
    """A third party's container whose reader raises on every file."""

    name = "crashing"
    plugin_format = "vst3"
    suffix = ".crash"
    description = "raises while reading"

    def roots(self, system, env, home):  # type: ignore[no-untyped-def]
        return []

    def discover(self, roots: Sequence[Path]) -> Iterable[Path]:
        for root in roots:
            yield from root.rglob("*.crash")

    def read(self, paths: Sequence[Path]) -> Iterable[SourceRead]:
        raise RuntimeError("the vendor's parser fell over")

    def wrap(self, plugin, name, state, parameters):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def unwrap(self, data):  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def rewrap(self, data, target, plugin):  # type: ignore[no-untyped-def]
        return None


class CrashingExtension:
    @hookimpl
    def register_preset_containers(self, register):  # type: ignore[no-untyped-def]
        register(CrashingContainer())


def test_a_crashing_container_is_named_and_the_others_are_stored(run_cli, pluginary_env,
                                                                 tmp_path):
    pm = make_plugin_manager()
    pm.register(CrashingExtension(), name="vendor-presets")
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "one.crash").write_bytes(b"anything")
    done = run_cli("preset", "extract", str(folder), str(ZAMCOMP_BUNDLE), pm=pm)
    assert done.exit_code == 4
    assert "vendor-presets" in done.stderr and "fell over" in done.stderr
    # The LV2 container still stored ZamComp's presets.
    listed = run_cli("preset", "list", "--json").json()
    assert listed and {p["container"] for p in listed} == {"lv2-preset"}


def test_fxp_is_extracted_and_rewrapped_into_a_vst3_preset_and_back(run_cli, real_catalogue,
                                                                    tmp_path):
    fxp = next(iter(sorted(FXP.glob("*.fxp"))))
    done = run_cli("preset", "extract", str(fxp), "--json")
    assert done.exit_code == 0, done.stderr
    (preset,) = [p for p in run_cli("preset", "list", "--json").json()
                 if p["container"] == "fxp"]
    assert preset["plugin"].startswith("vst2:")
    # Not the VST2 plugin's own VST3: refused, not called exact.
    hit = run_cli("search", "name:ZamComp", "format:vst3", "--json").json()[0]["record"]
    done = run_cli("preset", "convert", preset["key"], "--to", "vstpreset", "--plugin",
                   f"vst3:{hit['uid']}")
    assert done.exit_code == 15 and "not the VST3 version" in done.stderr
    # Its VST3 version (not installed here: a re-wrap loads nothing) has the VST2-compatible
    # class id: 'VST', the VST2 id, the name's first nine characters in lower case.
    fx_id = fxp.read_bytes()[16:20].hex().upper()
    class_id = "565354" + fx_id + b"mda dx10\0".hex().upper()
    wrapped = tmp_path / "wrapped.vstpreset"
    done = run_cli("preset", "convert", preset["key"], "--to", "vstpreset", "--plugin",
                   f"vst3:{class_id}", "--out", str(wrapped), "--json")
    assert done.exit_code == 0, done.stderr
    assert done.json()["report"]["exact"] is True
    assert wrapped.read_bytes()[:4] == b"VST3"
    back = tmp_path / "back.fxp"
    done = run_cli("preset", "convert", done.json()["preset"], "--to", "fxp", "--out",
                   str(back), "--json")
    assert done.exit_code == 0, done.stderr
    assert sha256(back.read_bytes()) == sha256(fxp.read_bytes())


def test_a_clap_plugin_without_state_cannot_be_captured_and_says_so(run_cli, real_catalogue):
    hit = run_cli("search", "name:ZamDelay", "format:clap", "--json").json()[0]["record"]
    done = run_cli("preset", "capture", f"clap:{hit['uid']}", "--name", "Echo")
    assert done.exit_code == 15, done.stderr
    assert "cannot be captured as clap-state" in done.stderr
    assert done.stderr.count("\n") == 1
    assert run_cli("preset", "list", "--json").json() == []
