"""Live's tags for the files of one folder: ``Ableton Folder Info/<fixed name>.xmp``.

As Live writes it (tests/data, sources in SOURCES.md): an XMP packet whose ``ablFR:items`` bag
holds one resource per file, with its ``ablFR:filePath`` (the name inside the folder), optional
``ablFR:colors`` and ``ablFR:keywords`` (``Group|Tag``, ``Group|Tag|Sub``). Only keywords are
added or removed here, and only on Pluginary's presets; every other item, colour and keyword
stays as it is.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

from pluginary.errors import UsageError
from pluginary.exportfiles import read_text

FOLDER = "Ableton Folder Info"
#: The name Live gives the file in every folder (the same in every published one).
NAME = "dc66a3fa-0fe1-5352-91cf-3ec237e9ee90.xmp"
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "ablFR": "https://ns.ableton.com/xmp/fs-resources/1.0/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def _q(name: str) -> str:
    prefix, _, local = name.partition(":")
    return f"{{{NS[prefix]}}}{local}"


def path_of(folder: Path) -> Path:
    return folder / FOLDER / NAME


def read(folder: Path) -> ET.Element | None:
    """The folder's XMP packet, None when there is none; a malformed one is a usage error."""
    path = path_of(folder)
    text = read_text(path)
    if text is None:
        return None
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise UsageError(f"{path} is not valid XML ({exc}); nothing was written",
                         hint="move it away: Live makes a new one") from exc
    if root.find(f"{_q('rdf:RDF')}/{_q('rdf:Description')}") is None:
        raise UsageError(f"{path} is not an Ableton folder description; nothing was written",
                         hint="move it away: Live makes a new one")
    return root


def new(platform: str | None, creator: str) -> ET.Element:
    """An empty packet, as Live starts one."""
    root = ET.Element(_q("x:xmpmeta"), {_q("x:xmptk"): "XMP Core 5.6.0"})
    rdf = ET.SubElement(root, _q("rdf:RDF"))
    description = ET.SubElement(rdf, _q("rdf:Description"), {_q("rdf:about"): ""})
    ET.SubElement(description, _q("dc:format")).text = "application/vnd.ableton.folder"
    ET.SubElement(description, _q("ablFR:resource")).text = "folder"
    if platform:
        ET.SubElement(description, _q("ablFR:platform")).text = platform
    ET.SubElement(ET.SubElement(description, _q("ablFR:items")), _q("rdf:Bag"))
    ET.SubElement(description, _q("xmp:CreatorTool")).text = creator
    return root


def merge(root: ET.Element, keywords: Mapping[str, Sequence[str]],
          before: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Give each file in ``keywords`` those keywords, taking off the ones Pluginary gave before
    (``before``) that it no longer gives; one it gave that the user took off in Live stays off;
    every other keyword, colour and item stays. Returns the keywords that are Pluginary's now
    (those given, and those the user took off, so that they stay off), by file."""
    description = root.find(f"{_q('rdf:RDF')}/{_q('rdf:Description')}")
    assert description is not None  # read() and new() guarantee it
    bag = _child(_child(description, "ablFR:items"), "rdf:Bag")
    by_path: dict[str, ET.Element] = {}
    for item in bag.findall(_q("rdf:li")):
        path = item.findtext(_q("ablFR:filePath"))
        if path is not None:
            by_path[path] = item
    ours: dict[str, list[str]] = {}
    for file in sorted(set(keywords) | set(before)):
        wanted = list(keywords.get(file, ()))
        found = by_path.get(file)
        if found is None:
            if not wanted:
                continue
            found = ET.SubElement(bag, _q("rdf:li"), {_q("rdf:parseType"): "Resource"})
            ET.SubElement(found, _q("ablFR:filePath")).text = file
        li = found
        holder = _child(li, "ablFR:keywords")
        words = _child(holder, "rdf:Bag")
        present = [w.text or "" for w in words.findall(_q("rdf:li"))]
        given = before.get(file, ())
        for word in words.findall(_q("rdf:li")):
            if word.text in given and word.text not in wanted:
                words.remove(word)
        for keyword in wanted:
            # One Pluginary gave before that is gone now was taken off in Live: it stays off.
            if keyword not in present and keyword not in given:
                ET.SubElement(words, _q("rdf:li")).text = keyword
        if not words.findall(_q("rdf:li")):
            li.remove(holder)
        # A keyword the user had given already stays the user's (never taken off later).
        mine = [k for k in wanted if k not in present or k in before.get(file, ())]
        if mine:
            ours[file] = mine
    return ours


def _child(parent: ET.Element, name: str) -> ET.Element:
    """``parent``'s child ``name``, made when there is none."""
    found = parent.find(_q(name))
    return found if found is not None else ET.SubElement(parent, _q(name))


def render(root: ET.Element) -> str:
    ET.indent(root, space="   ")  # as Live indents them
    return ET.tostring(root, encoding="unicode") + "\n"
