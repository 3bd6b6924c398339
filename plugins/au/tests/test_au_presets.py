"""The ``aupreset`` container on real ``.aupreset`` files (``data/presets/``, see its README):
Apple's AUNBandEQ and AUSampler, and Cableguys' ShaperBox 3 (a JUCE plugin).

Expected codes and names are the ones written in the files (checked against the vendors' own
codes: ``appl`` for Apple, ``Cabl`` for Cableguys); bad files are real files cut or altered.
"""

from __future__ import annotations

import logging
import plistlib
import shutil
import tempfile
from pathlib import Path

import pytest

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord
from pluginary.presets.container import PresetContainer, PresetFormatError
from pluginary.presets.model import ParamValue
from pluginary.registry import collect_preset_containers
from pluginary.testing import run_as_nobody
from pluginary.validation.host import NotSupported
from pluginary_au.presets import AuPresetContainer, bank_of, code_value, split_uid

DATA = Path(__file__).parent / "data" / "presets"
NBANDEQ = DATA / "Audeze LCD-XC ParametricEQ.aupreset"
SHAPERBOX = DATA / "template.aupreset"
SAMPLER = DATA / "sawPiano1.aupreset"
CONTAINER = AuPresetContainer()

#: file -> (plugin, name, the scalar keys the file holds besides the codes and the name)
EXPECTED = {
    NBANDEQ: ("au:aufx:nbeq:appl", "Audeze LCD-XC ParametricEQ",
              {"version": "0", "ParametricType": "11", "numberOfBands": "10"}, "data"),
    SHAPERBOX: ("au:aumf:CGL3:Cabl", "template", {"version": "0"}, "data,jucePluginState"),
    SAMPLER: ("au:aumu:samp:appl", "sawPiano1",
              {"version": "0", "AU version": "1.0", "coarse tune": "0", "fine tune": "0.0",
               "gain": "0.0", "output": "0", "pan": "0.0", "voice count": "64"}, "data"),
}


def record(uid: str) -> PluginRecord:
    return PluginRecord(format="au", uid=uid, name="x")


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """A user preset folder as hosts lay it out: ``<Manufacturer>/<Plugin>/[bank/]name``."""
    root = tmp_path / "Library" / "Audio" / "Presets"
    (root / "Apple" / "AUNBandEQ" / "Headphones").mkdir(parents=True)
    shutil.copy(NBANDEQ, root / "Apple" / "AUNBandEQ" / "Headphones" / NBANDEQ.name)
    (root / "Cableguys" / "ShaperBox 3").mkdir(parents=True)
    shutil.copy(SHAPERBOX, root / "Cableguys" / "ShaperBox 3" / SHAPERBOX.name)
    (root / "Apple" / "AUSampler" / "Keys" / "Analog").mkdir(parents=True)
    shutil.copy(SAMPLER, root / "Apple" / "AUSampler" / "Keys" / "Analog" / SAMPLER.name)
    return root


def test_registered_by_the_au_extension():
    containers = collect_preset_containers(make_plugin_manager(), strict=False)
    entry = containers["aupreset"]
    assert entry.extension == "au"
    assert isinstance(entry.item, PresetContainer)
    assert (entry.item.plugin_format, entry.item.suffix) == ("au", ".aupreset")


def test_roots_are_the_three_macos_domains_and_none_elsewhere(tmp_path):
    assert CONTAINER.roots("darwin", {}, tmp_path) == [
        tmp_path / "Library/Audio/Presets", Path("/Library/Audio/Presets"),
        Path("/Network/Library/Audio/Presets")]
    assert CONTAINER.roots("linux", {}, tmp_path) == []
    assert CONTAINER.roots("win32", {}, tmp_path) == []


@pytest.mark.parametrize("path", list(EXPECTED), ids=lambda p: p.name)
def test_real_files_read_their_codes_names_and_keys(path):
    (read,) = CONTAINER.read([path])
    assert read.error == "" and read.path == str(path)
    (preset,) = read.presets
    plugin, name, scalars, blobs = EXPECTED[path]
    assert (preset.plugin, preset.name, preset.container) == (plugin, name, "aupreset")
    assert preset.identity == f"file:{path}" and preset.source == str(path)
    assert preset.data == path.read_bytes()  # the file, unchanged
    assert preset.bank == ""  # not under a Presets folder
    _, type_code, subtype, manufacturer = plugin.split(":")
    assert preset.meta == {"plist": "xml", "type": type_code, "subtype": subtype,
                           "manufacturer": manufacturer, "name": name, "blobs": blobs,
                           **scalars}


def test_a_binary_plist_reads_as_the_same_preset(tmp_path):
    """The same dictionaries written as binary plists (what CoreFoundation's binary format and
    pedalboard's AU raw_state are): everything but the flavour and the bytes is equal."""
    for path in EXPECTED:
        binary = tmp_path / path.name
        binary.write_bytes(plistlib.dumps(plistlib.loads(path.read_bytes()),
                                          fmt=plistlib.FMT_BINARY))
        assert binary.read_bytes().startswith(b"bplist00")
        (xml_read,), (bin_read,) = CONTAINER.read([path]), CONTAINER.read([binary])
        (want,), (got,) = xml_read.presets, bin_read.presets
        assert got.meta == {**want.meta, "plist": "binary"}
        assert (got.plugin, got.name, got.data) == (want.plugin, want.name,
                                                    binary.read_bytes())


def test_discover_finds_every_file_and_bank_is_the_folder_below_the_plugin(library):
    found = sorted(CONTAINER.discover([library]))
    assert [p.relative_to(library).as_posix() for p in found] == [
        "Apple/AUNBandEQ/Headphones/Audeze LCD-XC ParametricEQ.aupreset",
        "Apple/AUSampler/Keys/Analog/sawPiano1.aupreset",
        "Cableguys/ShaperBox 3/template.aupreset"]
    banks = {r.presets[0].name: r.presets[0].bank for r in CONTAINER.read(found)}
    assert banks == {"Audeze LCD-XC ParametricEQ": "Headphones", "sawPiano1": "Keys/Analog",
                     "template": ""}


def test_bank_needs_a_presets_folder_and_takes_the_nearest():
    assert bank_of(Path("/Library/Audio/Presets/Apple/AUNBandEQ/Rooms/x.aupreset")) == "Rooms"
    assert bank_of(Path("/Library/Audio/Presets/Apple/AUNBandEQ/x.aupreset")) == ""
    assert bank_of(Path("/tmp/downloads/Apple/AUNBandEQ/Rooms/x.aupreset")) == ""
    assert bank_of(Path("/presets/old/Library/Audio/Presets/V/P/B/x.aupreset")) == "B"


def test_discover_survives_a_symlink_loop_and_an_unreadable_folder():
    """As a normal user (root reads every folder): a loop back to the root is walked once, a
    folder of root's own is logged and skipped, and so is a file that cannot be opened."""
    base = Path(tempfile.mkdtemp(prefix="pluginary-aupreset-"))
    try:
        library = base / "Presets"
        (library / "Apple" / "AUNBandEQ").mkdir(parents=True)
        shutil.copy(NBANDEQ, library / "Apple" / "AUNBandEQ" / NBANDEQ.name)
        (library / "Apple" / "loop").symlink_to(library)
        locked = library / "Locked" / "Plugin"
        locked.mkdir(parents=True)
        shutil.copy(SAMPLER, locked / SAMPLER.name)
        private = library / "Apple" / "AUNBandEQ" / "private.aupreset"
        shutil.copy(SHAPERBOX, private)
        for path in (base, *base.rglob("*")):
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)
        (library / "Locked").chmod(0o700)  # root's own: nobody cannot list it
        private.chmod(0o600)

        def walk() -> dict[str, list[str]]:
            records: list[str] = []
            handler = logging.Handler()
            handler.emit = lambda record: records.append(record.getMessage())  # type: ignore
            logging.getLogger("pluginary.scan.walk").addHandler(handler)
            found = sorted(CONTAINER.discover([library, base / "missing"]))
            errors = [r.error for r in CONTAINER.read(found)]
            return {"found": [str(p) for p in found], "warnings": records, "errors": errors}

        result = run_as_nobody(walk)
    finally:
        shutil.rmtree(base)
    good = library / "Apple" / "AUNBandEQ" / NBANDEQ.name
    assert result["found"] == [str(good), str(private)]  # once each, the loop not followed twice
    assert result["warnings"] == [f"cannot read {library / 'Locked'}: Permission denied "
                                  "(skipped)"]
    assert result["errors"] == ["", "cannot read it: Permission denied"]


def test_a_name_key_absent_or_blank_gives_the_file_stem(tmp_path):
    info = plistlib.loads(NBANDEQ.read_bytes())
    del info["name"]
    unnamed = tmp_path / "Room 2.aupreset"
    unnamed.write_bytes(plistlib.dumps(info))
    ((preset,),) = (r.presets for r in CONTAINER.read([unnamed]))
    assert preset.name == "Room 2" and "name" not in preset.meta


# -- bad files -----------------------------------------------------------------------------------

def altered(tmp_path: Path, file_name: str, **changes: object) -> Path:
    """The AUNBandEQ preset with keys changed (None deletes one)."""
    info = plistlib.loads(NBANDEQ.read_bytes())
    for key, value in changes.items():
        if value is None:
            info.pop(key.replace("_", "-"), None)
        else:
            info[key.replace("_", "-")] = value
    path = tmp_path / file_name
    path.write_bytes(plistlib.dumps(info))
    return path


def error_of(path: Path) -> str:
    (read,) = CONTAINER.read([path])
    assert read.presets == ()
    return read.error


def test_bad_files_give_one_line_each(tmp_path):
    cut = tmp_path / "cut.aupreset"
    cut.write_bytes(SHAPERBOX.read_bytes()[:5000])
    binary_cut = tmp_path / "binary-cut.aupreset"
    binary_cut.write_bytes(plistlib.dumps(plistlib.loads(NBANDEQ.read_bytes()),
                                          fmt=plistlib.FMT_BINARY)[:-40])
    text = tmp_path / "text.aupreset"
    text.write_text("name=Init\n")
    array = tmp_path / "array.aupreset"
    array.write_bytes(plistlib.dumps([1, 2]))
    cases = {
        cut: "not a property list",
        binary_cut: "not a property list",
        text: "not a property list",
        array: "holds an array, not the ClassInfo dictionary",
        altered(tmp_path, "v1.aupreset", version=1):
            "'version' is 1; Audio Unit hosts load only version 0",
        altered(tmp_path, "nov.aupreset", version=None): "no 'version' key",
        altered(tmp_path, "vstr.aupreset", version="0"): "'version' is '0'",
        altered(tmp_path, "notype.aupreset", type=None): "no 'type' code",
        altered(tmp_path, "nosub.aupreset", subtype=None): "no 'subtype' code",
        altered(tmp_path, "noman.aupreset", manufacturer=None): "no 'manufacturer' code",
        altered(tmp_path, "zero.aupreset", subtype=0): "'subtype' is 0; expected a non-zero",
        altered(tmp_path, "strcode.aupreset", manufacturer="appl"): "'manufacturer' is 'appl'",
        altered(tmp_path, "big.aupreset", type=1 << 33): "'type' is 8589934592",
        altered(tmp_path, "name.aupreset", name=7): "'name' is an integer, not a string",
        altered(tmp_path, "data.aupreset", data="AAAA"): "'data' is a string, not data",
    }
    for path, message in cases.items():
        error = error_of(path)
        assert error.startswith(f"{path}: ") and message in error, (path.name, error)
        assert "\n" not in error


def test_an_unreadable_or_missing_file_is_an_error_line(tmp_path):
    missing = tmp_path / "gone.aupreset"
    assert error_of(missing) == "cannot read it: No such file or directory"
    reads = list(CONTAINER.read([missing, NBANDEQ]))
    assert [bool(r.error) for r in reads] == [True, False]  # one bad file stops nothing


# -- wrap / unwrap -------------------------------------------------------------------------------

def test_unwrap_gives_the_dictionary_as_a_binary_plist():
    for path in EXPECTED:
        unwrapped = CONTAINER.unwrap(path.read_bytes())
        assert unwrapped.parameters == ()
        assert unwrapped.state is not None and unwrapped.state.startswith(b"bplist00")
        assert plistlib.loads(unwrapped.state) == plistlib.loads(path.read_bytes())


def test_wrap_of_a_raw_state_round_trips_and_takes_the_new_name():
    """pedalboard's raw_state of an AU is the ClassInfo as a binary plist: wrap writes it as
    an XML .aupreset named as asked, unwrap gives the same dictionary back."""
    for path, (plugin, _, _, _) in EXPECTED.items():
        raw_state = CONTAINER.unwrap(path.read_bytes()).state
        assert raw_state is not None
        wrapped = CONTAINER.wrap(record(plugin.removeprefix("au:")), "My Sound", raw_state, [])
        assert wrapped.startswith(b"<?xml")
        again = plistlib.loads(CONTAINER.unwrap(wrapped).state or b"")
        assert again == {**plistlib.loads(path.read_bytes()), "name": "My Sound"}


def test_wrap_of_an_opaque_state_builds_the_dictionary(tmp_path):
    blob = bytes(range(256)) * 3
    wrapped = CONTAINER.wrap(record("aufx:Nlz :Abcd"), "Init", blob,
                             [ParamValue(key="gain", value=0.5)])
    info = plistlib.loads(wrapped)
    assert info == {"version": 0, "type": code_value("aufx"), "subtype": 0x4E6C7A20,
                    "manufacturer": 0x41626364, "name": "Init", "data": blob}
    path = tmp_path / "Init.aupreset"
    path.write_bytes(wrapped)
    ((preset,),) = (r.presets for r in CONTAINER.read([path]))
    assert (preset.plugin, preset.name) == ("au:aufx:Nlz :Abcd", "Init")
    assert CONTAINER.unwrap(wrapped).state == plistlib.dumps(info, fmt=plistlib.FMT_BINARY)


def test_wrap_refuses_what_it_cannot_write():
    state = CONTAINER.unwrap(NBANDEQ.read_bytes()).state
    with pytest.raises(NotSupported, match="none was saved"):
        CONTAINER.wrap(record("aufx:nbeq:appl"), "x", None, [ParamValue(key="a", value=1.0)])
    with pytest.raises(PresetFormatError, match="saved from another Audio Unit"):
        CONTAINER.wrap(record("aufx:dely:appl"), "x", state, [])
    with pytest.raises(PresetFormatError, match="not an Audio Unit id"):
        CONTAINER.wrap(record("nbeq"), "x", b"state", [])
    with pytest.raises(PresetFormatError, match="is not an Audio Unit"):
        CONTAINER.wrap(PluginRecord(format="vst3", uid="aufx:nbeq:appl", name="x"), "x",
                       b"state", [])
    bad_version = plistlib.dumps({**plistlib.loads(state or b""), "version": 3},
                                 fmt=plistlib.FMT_BINARY)
    with pytest.raises(PresetFormatError, match="'version' is 3"):
        CONTAINER.wrap(record("aufx:nbeq:appl"), "x", bad_version, [])


def test_unwrap_of_a_bad_payload_says_what_is_wrong():
    with pytest.raises(PresetFormatError, match=r"the \.aupreset: not a property list"):
        CONTAINER.unwrap(SAMPLER.read_bytes()[:-100])
    with pytest.raises(PresetFormatError, match="no 'manufacturer' code"):
        CONTAINER.unwrap(plistlib.dumps({"version": 0, "type": 1, "subtype": 2}))


def test_codes_with_colons_and_spaces_are_cut_by_position():
    assert split_uid("aumu:a:b :c:d ") == ("aumu", "a:b ", "c:d ")
    for bad in ("aumu:samp", "aumu:samp:appl:x", "aumu:样本样本:appl", "aumu:    :appl"):
        with pytest.raises(PresetFormatError, match="not an Audio Unit id"):
            split_uid(bad)
    assert CONTAINER.rewrap(NBANDEQ.read_bytes(), "vstpreset", record("aufx:nbeq:appl")) is None
