"""The Ableton exporter on Debian's real zam VST3 plugins and recorded Audio Units: presets read
back with gzip and ElementTree and compared with what Live itself wrote (tests/data, sources in
SOURCES.md); keywords merged into Live's folder sidecars."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import DATA, ok

RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
ABL = "{https://ns.ableton.com/xmp/fs-resources/1.0/}"
SIDECAR = Path("Ableton Folder Info") / "dc66a3fa-0fe1-5352-91cf-3ec237e9ee90.xmp"


def signed_fields(class_id: str) -> list[int]:
    """Computed here independently: 4-byte groups, big-endian, signed."""
    raw = bytes.fromhex(class_id)
    return [int.from_bytes(raw[i:i + 4], "big", signed=True) for i in range(0, 16, 4)]


def device(path: Path) -> ET.Element:
    root = ET.fromstring(gzip.decompress(path.read_bytes()))
    assert root.tag == "Ableton" and root.get("MajorVersion") == "5"
    (element,) = list(root)
    return element


def live_serum() -> ET.Element:
    """The VST3 device Live 11.3.21 saved in a published set."""
    root = ET.fromstring(gzip.decompress((DATA / "ELECTRO-BANGER.als").read_bytes()))
    return next(root.iter("PluginDevice"))


def keywords(sidecar: Path) -> dict[str, dict[str, list[str]]]:
    root = ET.parse(sidecar).getroot()
    out = {}
    for li in root.iter(f"{RDF}li"):
        path = li.findtext(f"{ABL}filePath")
        if path is not None:
            out[path] = {kind: [w.text for w in li.findall(f"{ABL}{kind}/{RDF}Bag/{RDF}li")]
                         for kind in ("keywords", "colors")}
    return out


def test_the_class_id_fields_are_what_live_writes():
    """In Live's own set, the four Fields and the BranchDeviceId name the same class id."""
    serum = live_serum()
    uid = serum.find(".//BranchDeviceId").get("Value").rsplit(":", 1)[1].replace("-", "")
    fields = [int(serum.find(f".//Vst3PluginInfo/Uid/Fields.{i}").get("Value"))
              for i in range(4)]
    assert fields == signed_fields(uid)
    # and a negative one, from another published set (gsspdev/humans-ep, Nexus)
    assert signed_fields("abcdef019182faeb726546584e455855") == [
        -1412567295, -1853687061, 1919239768, 1313167445]


def test_presets_by_category_and_collection_look_like_lives_own(run_cli, zam, library):
    result = ok(run_cli("export", "ableton", str(library), "--json"))
    assert json.loads(result.stdout)["skipped"] == {"ladspa": 1}
    root = library / "Pluginary"
    comps = sorted(p.relative_to(root).as_posix() for p in root.rglob("ZamComp.adv"))
    assert "Collections/Mixing/Bus/ZamComp.adv" in comps
    (by_category,) = [c for c in comps if c.startswith("Categories/")]
    shown = json.loads(ok(run_cli("show", ZAMCOMP_KEY, "--json")).stdout)
    assert by_category == f"Categories/{shown['category']}/ZamComp.adv"
    assert (root / "Collections/Mixing/Bus/ZamEQ2.adv").is_file()
    assert len(list(root.glob("Categories/**/*.adv"))) == 17  # every zam VST3, once

    made = device(root / by_category)
    assert made.tag == "PluginDevice"
    assert made.find(".//Vst3PluginInfo/Name").get("Value") == "ZamComp"
    for path in (".//Vst3PluginInfo/Uid", ".//Vst3Preset/Uid"):
        assert [int(made.find(f"{path}/Fields.{i}").get("Value")) for i in range(4)] == \
            signed_fields(ZAMCOMP_KEY.split(":")[1])
    assert made.find(".//Vst3PluginInfo/DeviceType").get("Value") == "2"  # an effect
    assert made.find(".//BranchDeviceId").get("Value") == \
        "device:vst3:audiofx:20465044-7361-6c63-504d-435a00000000"
    assert made.find(".//ProcessorState") is not None and not list(made.find(".//ProcessorState"))
    # the same elements, in the same order, as the device Live wrote
    assert [c.tag for c in made] == [c.tag for c in live_serum()]
    assert [c.tag for c in made.find(".//Vst3PluginInfo")] == \
        [c.tag for c in live_serum().find(".//Vst3PluginInfo")]
    # the tag as a keyword in the folder's sidecar
    sidecar = keywords(root / "Collections/Mixing/Bus" / SIDECAR)
    assert sidecar["ZamComp.adv"]["keywords"] == ["Pluginary|favourite"]
    assert "ZamEQ2.adv" not in sidecar


ZAMCOMP_KEY = "vst3:2046504473616C63504D435A00000000"


def test_what_the_user_does_in_live_is_kept(run_cli, zam, library):
    bus = library / "Pluginary/Collections/Mixing/Bus"
    (bus / SIDECAR.parent).mkdir(parents=True)
    # the user's own files in that folder, tagged and coloured in Live
    (bus / SIDECAR).write_bytes((DATA / "xmp-keywords" / SIDECAR.name).read_bytes())
    ok(run_cli("export", "ableton", str(library)))
    tags = keywords(bus / SIDECAR)
    assert tags["bd1.wav"] == {"keywords": ["Drums|Kick", "Creator|17cupsofcoffee"],
                               "colors": ["1"]}
    assert tags["bd2.wav"]["keywords"] == ["Creator|17cupsofcoffee"]
    assert tags["ZamComp.adv"]["keywords"] == ["Pluginary|favourite"]

    # in Live: a colour and a keyword on Pluginary's preset, and the preset saved over
    sidecar = (bus / SIDECAR).read_text()
    sidecar = sidecar.replace("<rdf:li>Pluginary|favourite</rdf:li>",
                              "<rdf:li>Pluginary|favourite</rdf:li><rdf:li>Mood|Warm</rdf:li>")
    (bus / SIDECAR).write_text(sidecar)
    saved = gzip.compress(b"<?xml version='1.0'?><Ableton><PluginDevice/></Ableton>")
    (bus / "ZamEQ2.adv").write_bytes(saved)
    ok(run_cli("tag", "rm", "favourite", ZAMCOMP_KEY))
    again = ok(run_cli("export", "ableton", str(library)))
    assert "left alone" in again.stderr and "ZamEQ2.adv" in again.stderr
    assert (bus / "ZamEQ2.adv").read_bytes() == saved
    tags = keywords(bus / SIDECAR)
    assert tags["ZamComp.adv"]["keywords"] == ["Mood|Warm"]  # Pluginary's went, the user's stay
    assert tags["bd1.wav"]["keywords"] == ["Drums|Kick", "Creator|17cupsofcoffee"]


def test_an_audio_unit_preset_names_its_component(run_cli, audio_units, library):
    ok(run_cli("export", "ableton", str(library)))
    (path,) = (library / "Pluginary").rglob("Pro-Q 3.adv")
    made = device(path)
    assert made.tag == "AuPluginDevice"
    info = made.find(".//AuPluginInfo")

    def code(text: str) -> str:
        return str(int.from_bytes(text.encode(), "big"))

    assert [info.find(f).get("Value") for f in (
        "ComponentType", "ComponentSubType", "ComponentManufacturer", "Name")] == [
        code("aufx"), code("FQ3p"), code("FbFl"), "Pro-Q 3"]
    assert made.find(".//BranchDeviceId").get("Value") == \
        f"device:au:audiofx:{code('FbFl')}:{code('FQ3p')}:{code('aufx')}?n=Pro-Q%203"
    # the template's own identity is Live's, from the published set (see SOURCES.md)
    template = (Path(__import__("pluginary_ableton").__file__).parent / "templates" /
                "au-device.xml").read_text()
    assert re.search(r'ComponentType Value="1635085685"', template)  # aumu, as Live wrote it
    assert 'device:au:instr:1280197703:1937337393:1635085685?n=Sylenth1' in template
    assert [code(c) for c in ("aumu", "syl1", "LNDG")] == ["1635085685", "1937337393",
                                                           "1280197703"]


def test_bad_inputs_write_nothing(run_cli, zam, library):
    bus = library / "Pluginary/Collections/Mixing/Bus"
    (bus / SIDECAR.parent).mkdir(parents=True)
    (bus / SIDECAR).write_text("<x:xmpmeta xmlns:x='adobe:ns:meta/'><unclosed>")
    result = run_cli("export", "ableton", str(library))
    assert result.exit_code == 2 and "is not valid XML" in result.stderr
    assert sorted(p.name for p in library.rglob("*") if p.is_file()) == [SIDECAR.name]
    (bus / SIDECAR).unlink()
    dry = ok(run_cli("export", "ableton", str(library), "--dry-run"))
    assert '+\t\t\t\t<Name Value="ZamComp" />' in dry.stdout
    assert not list(library.rglob("*.adv"))
    bad = run_cli("export", "ableton", str(library), "-O", "folder=../elsewhere")
    assert bad.exit_code == 2 and "not a folder name" in bad.stderr
    help_text = ok(run_cli("export", "ableton", "--help")).stdout
    assert "systems: macos, windows" in help_text and "formats: vst3, au" in help_text


def test_presets_and_sidecars_match_the_golden_files(run_cli, zam, library):
    """ZamComp's preset (the XML inside) and its folder's sidecar as approved
    (tests/data/golden). Regenerate with PLUGINARY_REGOLD=1 after a deliberate change."""
    import os

    ok(run_cli("export", "ableton", str(library), "--collection", "Mixing/Bus"))
    bus = library / "Pluginary/Collections/Mixing/Bus"
    made = {"ZamComp.adv.xml": gzip.decompress((bus / "ZamComp.adv").read_bytes()),
            "sidecar.xmp": (bus / SIDECAR).read_bytes()}
    golden = DATA / "golden"
    if os.environ.get("PLUGINARY_REGOLD"):
        golden.mkdir(exist_ok=True)
        for name, data in made.items():
            (golden / name).write_bytes(data)
    assert made == {name: (golden / name).read_bytes() for name in made}


def test_a_partial_export_and_a_removed_keyword_leave_the_rest_alone(run_cli, zam, library):
    ok(run_cli("tag", "add", "glue", "name:ZamEQ2 format:vst3"))
    ok(run_cli("export", "ableton", str(library)))
    bus = library / "Pluginary/Collections/Mixing/Bus"
    assert keywords(bus / SIDECAR)["ZamEQ2.adv"]["keywords"] == ["Pluginary|glue"]
    # the user takes Pluginary's keyword off ZamComp in Live: it stays off
    sidecar = (bus / SIDECAR).read_text().replace("<rdf:li>Pluginary|favourite</rdf:li>", "")
    (bus / SIDECAR).write_text(sidecar)
    ok(run_cli("export", "ableton", str(library)))
    assert keywords(bus / SIDECAR)["ZamComp.adv"]["keywords"] == []
    # a partial export (another plugin only) leaves every other preset's keywords as they are
    before = {p: p.read_bytes() for p in (library / "Pluginary").rglob("*.xmp")}
    ok(run_cli("export", "ableton", str(library), "--query", "name:ZamDelay format:vst3"))
    after = {p: p.read_bytes() for p in (library / "Pluginary").rglob("*.xmp")}
    assert {p: after[p] for p in before} == before
    assert keywords(bus / SIDECAR)["ZamEQ2.adv"]["keywords"] == ["Pluginary|glue"]
