"""The state a JUCE host keeps for a VST3 plugin: what pedalboard's ``VST3Plugin.raw_state``
returns and takes.

``juce::AudioProcessor::copyXmlToBinary`` of the XML that JUCE's VST3 host builds in
``getStateInformation`` (``juce_VST3PluginFormat.cpp``)::

    'VC2!'  uint32 LE length of the XML text (the total minus the 8-byte header and the NUL)
    <?xml version="1.0" encoding="UTF-8"?> <VST3PluginState><IComponent>TEXT</IComponent>
    <IEditController>TEXT</IEditController></VST3PluginState>   (one line)
    NUL

Each TEXT is the part's ``getState`` stream in JUCE's base64 (:mod:`.juce_base64`). JUCE writes
an element only when ``getState`` returned ``kResultOk``; the SDK's ``PresetFile`` writes the
chunk then too, empty, when it returned ``kNotImplemented``. So an empty ``Cont`` chunk and no
``<IEditController>`` are the same state, which keeps ``raw_state`` <-> ``.vstpreset`` exact.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from pluginary.presets.container import PresetFormatError

from . import juce_base64
from .binary import TRUNCATED_HINT, shown, unpack

#: ``magicXmlNumber`` (0x21324356) as it sits in the little-endian header.
MAGIC = b"VC2!"
HEADER = struct.Struct("<4sI")
ROOT = "VST3PluginState"
COMPONENT = "IComponent"
CONTROLLER = "IEditController"
#: ``XmlElement::TextFormat().singleLine()``: the declaration, a space, the element.
DECLARATION = '<?xml version="1.0" encoding="UTF-8"?> '


@dataclass(frozen=True)
class HostState:
    """The two streams of a VST3 plugin's state; None where JUCE stored none."""

    component: bytes | None
    controller: bytes | None


def parse_juce_state(data: bytes) -> HostState:
    """The component and controller streams of a JUCE VST3 host state."""
    if len(data) < HEADER.size or data[:4] != MAGIC:
        found = shown(data[:4]) if data else "nothing"
        raise PresetFormatError(
            f"not a JUCE host state: found {found} at offset 0 where 'VC2!' should be",
            hint="a VST3 state captured through pedalboard starts with 'VC2!'")
    _, length = unpack(HEADER, data, 0, "the state header")
    if length == 0 or HEADER.size + length > len(data):
        raise PresetFormatError(
            f"the state header (offset 4) says {length} bytes of XML follow, but "
            f"{len(data) - HEADER.size} do", hint=TRUNCATED_HINT)
    text = data[HEADER.size:HEADER.size + length].rstrip(b"\x00")
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        raise PresetFormatError("the state's XML declares a DTD, which JUCE never writes")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise PresetFormatError(f"the state's XML (offset {HEADER.size}) is not well-formed "
                                f"({exc})", hint=TRUNCATED_HINT) from None
    if root.tag != ROOT:
        raise PresetFormatError(
            f"the state's XML is a <{root.tag}>, not the <{ROOT}> of JUCE's VST3 host",
            hint="it was saved by another plugin format's host")
    return HostState(component=_stream(root, COMPONENT), controller=_stream(root, CONTROLLER))


def _stream(root: ET.Element, name: str) -> bytes | None:
    element = root.find(name)
    if element is None:
        return None
    text = "".join(element.itertext())
    # JUCE loads nothing from an element without "<count>." (fromBase64Encoding fails).
    if not text.strip():
        return None
    return juce_base64.decode(text, f"the <{name}> text")


def build_juce_state(component: bytes | None, controller: bytes | None) -> bytes:
    """The bytes ``getStateInformation`` gives for these streams (None: no element)."""
    parts = [f"<{name}>{juce_base64.encode(stream)}</{name}>"
             for name, stream in ((COMPONENT, component), (CONTROLLER, controller))
             if stream is not None]
    body = f"<{ROOT}>{''.join(parts)}</{ROOT}>" if parts else f"<{ROOT}/>"
    xml = (DECLARATION + body).encode("utf-8")
    return HEADER.pack(MAGIC, len(xml)) + xml + b"\x00"
