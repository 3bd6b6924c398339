"""Writing LV2 presets as Turtle: one ``pset:Preset`` with its port values, and the
``manifest.ttl`` of a bundle that holds it (the layout of a user's preset bundle in ``~/.lv2``).

The text follows what ``lilv_state_to_string`` writes, so lilv (and so any LV2 host) reads it:

.. code-block:: turtle

    <urn:pluginary:lv2-preset:...> a pset:Preset ;
        lv2:appliesTo <http://example.org/plugin> ;
        rdfs:label "Warm" ;
        lv2:port [ lv2:symbol "gain" ; pset:value 0.5 ] .

The subject is an absolute URI, so the text names the same preset wherever it is read: a
relative ``<>`` would name whatever file it is saved in (and ``lilv_state_new_from_string``,
which has no base URI, cannot read it at all).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from urllib.parse import quote

PREFIXES = (
    "@prefix lv2: <http://lv2plug.in/ns/lv2core#> .\n"
    "@prefix pset: <http://lv2plug.in/ns/ext/presets#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)
#: The URIs of presets Pluginary writes: ``urn:pluginary:lv2-preset:<plugin>:<name>``.
URI_PREFIX = "urn:pluginary:lv2-preset:"
#: Characters Turtle does not allow inside ``<...>`` (written as \\u escapes).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SYMBOL = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def preset_uri(plugin_uri: str, name: str) -> str:
    """The URI of the preset ``name`` of a plugin: the same for the same two, and apart from
    every vendor's own preset URIs."""
    return f"{URI_PREFIX}{quote(plugin_uri, safe='')}:{quote(name, safe='')}"


def iri(uri: str) -> str:
    """``<uri>`` with the characters Turtle forbids there escaped."""
    return "<" + _NOT_IN_IRI.sub(lambda m: f"\\u{ord(m[0]):04X}", uri) + ">"


def literal(text: str) -> str:
    """A Turtle string literal."""
    escaped = "".join(_ESCAPES.get(c, c) for c in text)
    return '"' + _CONTROL.sub(lambda m: f"\\u{ord(m[0]):04X}", escaped) + '"'


def number(value: float) -> str:
    """A port value as a Turtle number (``0.5``, ``1e-05``): lilv reads it as a float."""
    if not math.isfinite(value):
        raise ValueError(f"{value} is not a number a port can hold")
    return repr(float(value))


def preset_ttl(uri: str, plugin_uri: str, label: str,
               values: Sequence[tuple[str, float]]) -> bytes:
    """One preset: ``values`` are ``(port symbol, value)``, written in the order given."""
    for symbol, _ in values:
        if not _SYMBOL.match(symbol):
            raise ValueError(f"{symbol!r} is not an LV2 port symbol (letters, digits and _, "
                             "not starting with a digit)")
    lines = [PREFIXES, f"{iri(uri)}\n    a pset:Preset ;\n",
             f"    lv2:appliesTo {iri(plugin_uri)} ;\n", f"    rdfs:label {literal(label)}"]
    if values:
        ports = " ,\n        ".join(f"[ lv2:symbol {literal(symbol)} ; pset:value "
                                    f"{number(value)} ]" for symbol, value in values)
        lines.append(f" ;\n    lv2:port {ports}")
    lines.append(" .\n")
    return "".join(lines).encode()


def manifest_ttl(uri: str, plugin_uri: str, label: str, file_name: str) -> bytes:
    """A bundle's ``manifest.ttl`` declaring one preset whose data is in ``file_name``."""
    return (f"{PREFIXES}\n{iri(uri)}\n    a pset:Preset ;\n"
            f"    lv2:appliesTo {iri(plugin_uri)} ;\n    rdfs:label {literal(label)} ;\n"
            f"    rdfs:seeAlso {iri(quote(file_name))} .\n").encode()


def file_stem(text: str) -> str:
    """``text`` as a file name part, as jalv names preset bundles (``My_Preset``)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("._")
    return stem or "preset"
