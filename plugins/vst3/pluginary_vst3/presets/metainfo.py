"""The ``Info`` chunk of a ``.vstpreset``: MetaInfo XML, one attribute per element.

Cubase and the SDK write ``<Attribute id=".." value=".." type="string" flags=".."/>``; other
writers use ``<Attr id=".." value=".."/>``. Both are read. The SDK predefines ``PlugInName``,
``PlugInCategory``, ``MusicalInstrument``, ``MusicalStyle``, ``MusicalCharacter``,
``StateType``, ``FilePathString``, ``Name`` and ``FileName``
(``pluginterfaces/vst/vstpresetkeys.h``); vendors add their own (``MusicalCategory``,
``PlugInVendor``, namespaced ``vendor.Tags``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pluginary.presets.container import PresetFormatError

ATTRIBUTE_ELEMENTS = frozenset({"Attribute", "Attr"})
#: Attributes whose values become the preset's tags, in this order.
TAG_ATTRIBUTES = ("MusicalCategory", "MusicalInstrument", "MusicalStyle", "MusicalCharacter")
#: Vendors' own tag lists (``Tags``, ``com.vendor.Tags``) separate tags with these.
_TAG_SEPARATORS = re.compile(r"[,;|]")


def parse_metainfo(xml: bytes, offset: int) -> dict[str, str]:
    """Every ``id``/``value`` pair of the MetaInfo XML found at ``offset`` of a file."""
    # Writers that use C strings leave the terminating NUL in the chunk.
    text = xml.rstrip(b"\x00 \t\r\n")
    if not text:
        return {}
    if b"<!DOCTYPE" in text or b"<!ENTITY" in text:
        # Metadata never needs a DTD; refusing it keeps entity expansion out of the parser.
        raise PresetFormatError(f"the Info chunk at offset {offset} declares a DTD, which "
                                f"preset metadata never does; the file is not read")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise PresetFormatError(
            f"the Info chunk at offset {offset} is not well-formed XML ({exc})",
            hint="the preset's metadata is damaged; the state may still load in a DAW, "
                 "re-save it there") from None
    attributes: dict[str, str] = {}
    for element in root.iter():
        tag = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        key = element.get("id")
        if tag in ATTRIBUTE_ELEMENTS and key:
            attributes.setdefault(key, element.get("value", ""))
    return attributes


def tags_of(attributes: dict[str, str]) -> tuple[str, ...]:
    """The tags a preset's metadata carries: the musical attributes' values whole (an
    instrument path such as ``Piano|A. Piano`` stays one tag), then each entry of a vendor's
    ``Tags`` list; duplicates once, in first-seen order."""
    found: list[str] = [attributes.get(key, "").strip() for key in TAG_ATTRIBUTES]
    for key, value in attributes.items():
        if key == "Tags" or key.endswith(".Tags"):
            found.extend(part.strip() for part in _TAG_SEPARATORS.split(value))
    return tuple(dict.fromkeys(tag for tag in found if tag))


def author_of(attributes: dict[str, str]) -> str:
    """The preset's author: an ``Author`` attribute, or a vendor's namespaced one
    (``com.vendor.Author``); the SDK predefines none."""
    if attributes.get("Author", "").strip():
        return attributes["Author"].strip()
    return next((v.strip() for k, v in attributes.items()
                 if k.endswith(".Author") and v.strip()), "")
