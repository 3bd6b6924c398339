"""A device preset (``.adv``: gzipped XML) for one plugin, from a device Live wrote.

The templates (``templates/*.xml``) are devices from sets Ableton Live saved and users
published, with the plugin's saved state emptied; each export sets the identity:

* VST3 (``PluginDevice`` / ``Vst3PluginInfo``): the class id as ``Uid`` ``Fields.0``..``3``, the
  16 bytes in the order the id is printed, four big-endian **signed** 32-bit numbers (Live writes
  ``-1412567295`` for ``abcdef01``), twice (the preset's copy and the plugin info's);
  ``DeviceType`` 1 for an instrument, 2 for an effect; ``BranchDeviceId``
  ``device:vst3:instr:abcdef01-9182-faeb-7265-46584e455855``.
* Audio Unit (``AuPluginDevice`` / ``AuPluginInfo``): ``ComponentType``, ``ComponentSubType``,
  ``ComponentManufacturer`` as the decimal value of each four-character code;
  ``BranchDeviceId`` ``device:au:instr:<manufacturer>:<subtype>:<type>?n=<name>``.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from functools import cache
from importlib import resources
from urllib.parse import quote

from pluginary.models import PluginRecord, Role

#: The formats Live hosts that a preset can name (VST2 is not a Pluginary format).
FORMATS = ("vst3", "au")


@cache
def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text(encoding="utf-8")


def vst3_fields(class_id: str) -> tuple[int, int, int, int]:
    """The four ``Uid`` fields of a VST3 class id (32 hex digits)."""
    raw = bytes.fromhex(class_id)
    if len(raw) != 16:
        raise ValueError(f"a VST3 class id has 32 hex digits, not {class_id!r}")
    a, b, c, d = (int.from_bytes(raw[i:i + 4], "big", signed=True) for i in range(0, 16, 4))
    return a, b, c, d


def four_char_value(code: str) -> int:
    """An Audio Unit's four-character code as the number Live writes."""
    raw = code.encode("mac_roman")
    if len(raw) != 4:
        raise ValueError(f"not a four-character code: {code!r}")
    return int.from_bytes(raw, "big")


def preset(record: PluginRecord) -> bytes:
    """The ``.adv`` of ``record`` (a VST3 or an Audio Unit), gzipped."""
    text = _vst3(record) if record.format == "vst3" else _au(record)
    return gzip.compress(text.encode("utf-8"), mtime=0)  # the same bytes for the same plugin


def xml_of(data: bytes) -> str:
    """The XML inside an ``.adv`` (for ``--dry-run`` diffs)."""
    try:
        return gzip.decompress(data).decode("utf-8", errors="replace")
    except (OSError, EOFError):
        return f"(not a gzipped preset: {len(data)} bytes)\n"


def _kind(record: PluginRecord) -> str:
    return "instr" if record.role is Role.INSTRUMENT else "audiofx"


def _set(root: ET.Element, path: str, value: object) -> None:
    found = root.findall(path)
    if not found:
        raise ValueError(f"the template has no {path}")
    for element in found:
        element.set("Value", str(value))


def _buses(record: PluginRecord) -> tuple[int, int]:
    """Live counts buses, the catalogue channels: one main bus each way when there are any."""
    return (1 if record.audio_inputs else 0), (1 if record.audio_outputs else 0)


def _render(template: str, root: ET.Element) -> str:
    declaration, _, _ = template.partition("\n")
    ET.indent(root, space="\t")
    return declaration + "\n" + ET.tostring(root, encoding="unicode") + "\n"


def _vst3(record: PluginRecord) -> str:
    template = _template("vst3-device.xml")
    root = ET.fromstring(template.encode("utf-8"))
    fields = vst3_fields(record.uid)
    for i, value in enumerate(fields):
        _set(root, f".//Uid/Fields.{i}", value)
    _set(root, ".//DeviceType", 1 if record.role is Role.INSTRUMENT else 2)
    _set(root, ".//Vst3PluginInfo/Name", record.name)
    inputs, outputs = _buses(record)
    _set(root, ".//Vst3PluginInfo/NumAudioInputs", inputs)
    _set(root, ".//Vst3PluginInfo/NumAudioOutputs", outputs)
    uid = record.uid.lower()
    _set(root, ".//BranchDeviceId", f"device:vst3:{_kind(record)}:{uid[:8]}-{uid[8:12]}-"
                                     f"{uid[12:16]}-{uid[16:20]}-{uid[20:]}")
    _set(root, ".//BrowserContentPath",
         f"query:Plugins#VST3:{quote(record.vendor, safe='')}:{quote(record.name, safe='')}")
    return _render(template, root)


def _au(record: PluginRecord) -> str:
    template = _template("au-device.xml")
    root = ET.fromstring(template.encode("utf-8"))
    type_code, subtype, manufacturer = (four_char_value(c) for c in record.uid.split(":"))
    info = ".//AuPluginInfo"
    _set(root, f"{info}/ComponentType", type_code)
    _set(root, f"{info}/ComponentSubType", subtype)
    _set(root, f"{info}/ComponentManufacturer", manufacturer)
    _set(root, f"{info}/Name", record.name)
    _set(root, f"{info}/Manufacturer", record.vendor)
    _set(root, ".//AuPreset/Type", type_code)
    _set(root, ".//AuPreset/SubType", subtype)
    _set(root, ".//AuPreset/Manufacturer", manufacturer)
    _set(root, ".//AuPreset/Name", "")
    inputs, outputs = _buses(record)
    _set(root, f"{info}/NumAudioInputs", inputs)
    _set(root, f"{info}/NumAudioOutputs", outputs)
    _set(root, ".//BranchDeviceId", f"device:au:{_kind(record)}:{manufacturer}:{subtype}:"
                                     f"{type_code}?n={quote(record.name)}")
    _set(root, ".//BrowserContentPath", f"query:Find#{quote(record.name, safe='')}")
    return _render(template, root)
