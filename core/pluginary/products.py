"""Linking the records of one product across formats: ZamComp as VST3, LV2 and LADSPA.

Pure functions, no storage: :func:`link_products` takes every record of a catalogue and returns
one :class:`~pluginary.models.Product` per linked group, each record in exactly one. The scan
engine stores the result at the end of every scan that changed records; ``show`` and
``list --group-by product`` read it. The rules, and what they cannot do, are in
``docs/products.md``.

Two kinds of evidence link records:

* ``name``: the same normalised vendor and name (:func:`normalise_vendor`, :func:`normalise_name`)
  in different formats;
* ``dpf-id``: a DPF plugin's VST3 class id embeds its ``DISTRHO_PLUGIN_UNIQUE_ID``, which DPF's
  LADSPA wrapper uses as the LADSPA ``UniqueID`` (:func:`dpf_unique_id`).

A product never holds two records of one format: two identities in one format are two plugins by
that format's own rules, so a name group that would put two records of one format together is
left unlinked by name (it is ambiguous), and a name link that would join two groups holding the
same format is not made. The result depends only on the set of records, never on their order.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from .models import Product

if TYPE_CHECKING:  # the catalogue protocol names products; only types flow this way
    from .catalogue import Catalogue


class Linkable(Protocol):
    """What linking reads of a plugin: a :class:`~pluginary.models.PluginRecord`, or the light
    :class:`~pluginary.models.PluginSummary` the catalogue lists without parameters."""

    @property
    def format(self) -> str: ...
    @property
    def uid(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def vendor(self) -> str: ...
    @property
    def key(self) -> str: ...

#: Words naming a format, dropped from names (``ZamComp LV2``, ``Reverb (LADSPA)``).
FORMAT_WORDS = frozenset({"vst", "vst2", "vst3", "clap", "lv2", "ladspa", "dssi", "au", "auv2",
                          "auv3"})
#: Format words dropped only inside brackets: alone at the end of a name they are too common
#: as a real word ("Gold AU" is rare, but "AU" is not only a format).
_BRACKET_ONLY = frozenset({"au"})
#: Legal-form words dropped from the end of a vendor (``u-he GmbH`` = ``u-he``).
LEGAL_SUFFIXES = frozenset({"inc", "ltd", "llc", "gmbh", "limited", "corp", "corporation", "sarl",
                            "sas", "srl", "bv", "pty", "ag", "ug", "kg"})
#: Preferred format for a product's display name and vendor, then alphabetical.
FORMAT_PREFERENCE = ("vst3", "clap", "au", "lv2", "ladspa")

_EMAIL = re.compile(r"<[^>]*>|\S+@\S+")
_URL = re.compile(r"(?:https?|ftp)://\S+?(?=[\s,;)\]]|$)|www\.\S+?(?=[\s,;)\]]|$)", re.I)
_BRACKETED = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_WORD = re.compile(r"[^\W_]+")
_SPACE = re.compile(r"\s+")
#: DPF's VST3 class id, as the VST3 extension stores it (32 upper-case hex digits): the uint32s
#: ``{'DPF ', 'clas', unique id, 0}`` in memory (little-endian) order. Verified on Debian's
#: zam-plugins 4.1 (DPF 1.6) against each plugin's LADSPA UniqueID.
_DPF_VST3 = re.compile(r"2046504473616C63([0-9A-F]{8})00000000")


def _fold(text: str) -> str:
    """NFKD, accents removed, case folded."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@functools.lru_cache(maxsize=4096)
def clean_vendor(vendor: str) -> str:
    """The vendor as a person would write it: e-mail addresses and URLs removed, spaces
    collapsed, empty brackets left by the removal dropped. For display."""
    text = _URL.sub(" ", _EMAIL.sub(" ", vendor))
    text = re.sub(r"[(\[{]\s*[,;]?\s*[)\]}]", " ", text)
    text = re.sub(r"\(\s*[,;]\s*", "(", text)
    return _SPACE.sub(" ", text).strip(" ,;")


@functools.lru_cache(maxsize=4096)
def normalise_vendor(vendor: str) -> str:
    """The vendor as a link key: :func:`clean_vendor`, case folded, accents, punctuation and a
    trailing legal form (``GmbH``, ``Inc.``) dropped. ``Damien Zammit <damien@zamaudio.com>``
    and ``Damien Zammit`` give ``damienzammit``."""
    words = _WORD.findall(_fold(clean_vendor(vendor)))
    while len(words) > 1 and words[-1] in LEGAL_SUFFIXES:
        words.pop()
    return "".join(words)


def normalise_name(name: str) -> str:
    """The name as a link key: case folded, accents and punctuation dropped, and format words
    dropped when they are bracketed (``(LADSPA)``, ``[VST3]``) or a separate first or last
    word (``ZamComp LV2``). Digits stay: ``ZamComp`` and ``ZamCompX2`` differ, and so do
    ``Amplifier (Mono)`` and ``Amplifier (Stereo)``."""
    text = _fold(name)

    def bracket(match: re.Match[str]) -> str:
        inner = _WORD.findall(match.group(1))
        return " " if inner and all(w in FORMAT_WORDS for w in inner) else match.group(0)

    text = _BRACKETED.sub(bracket, text)
    words = _WORD.findall(text)
    bare = FORMAT_WORDS - _BRACKET_ONLY
    while len(words) > 1 and words[-1] in bare:
        words.pop()
    while len(words) > 1 and words[0] in bare:
        words.pop(0)
    return "".join(words)


def dpf_unique_id(record: Linkable) -> int | None:
    """The ``DISTRHO_PLUGIN_UNIQUE_ID`` a record declares, where it can be read: from a DPF
    VST3 class id (its third uint32, little-endian), or a LADSPA UniqueID (which DPF sets to
    the same number; any LADSPA id is a candidate, the match with a VST3 id decides)."""
    if record.format == "vst3":
        match = _DPF_VST3.fullmatch(record.uid.upper())
        if match is None:
            return None
        value = int.from_bytes(bytes.fromhex(match.group(1)), "little")
        return value or None
    if record.format == "ladspa" and record.uid.isdigit():
        return int(record.uid)
    return None


def name_key(record: Linkable) -> str:
    """``vendor/name``, both normalised: the name-link key and the base of a product key."""
    return f"{normalise_vendor(record.vendor)}/{normalise_name(record.name)}"


class _Groups:
    """Union-find over record indexes, each root knowing its formats and link kinds."""

    def __init__(self, records: Sequence[Linkable]) -> None:
        self.parent = list(range(len(records)))
        self.formats = [{r.format} for r in records]
        self.links: list[set[str]] = [set() for _ in records]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union_all(self, indexes: Sequence[int], link: str) -> bool:
        """Join the groups of ``indexes`` if no format would appear twice; True when joined."""
        roots = sorted({self.find(i) for i in indexes})
        if len(roots) == 1 and len(indexes) > 1:  # already together: the evidence agrees
            self.links[roots[0]].add(link)
        if len(roots) < 2:
            return False
        total = sum(len(self.formats[r]) for r in roots)
        merged = set().union(*(self.formats[r] for r in roots))
        if len(merged) != total:
            return False
        keep = roots[0]
        for r in roots[1:]:
            self.parent[r] = keep
            self.links[keep] |= self.links[r]
        self.formats[keep] = merged
        self.links[keep].add(link)
        return True


def _preference(record: Linkable) -> tuple[int, str, str]:
    rank = (FORMAT_PREFERENCE.index(record.format) if record.format in FORMAT_PREFERENCE
            else len(FORMAT_PREFERENCE))
    return (rank, record.format, record.uid)


def link_products(records: Iterable[Linkable]) -> list[Product]:
    """Every record in exactly one product; products ordered by key, members by key.

    Deterministic: the same set of records gives the same products and keys in any order.
    """
    unique = sorted({r.key: r for r in records if r.uid}.values(), key=lambda r: r.key)
    groups = _Groups(unique)
    keys = [name_key(r) for r in unique]
    # Declared ids first: they are the strongest evidence.
    # The vendor must agree too (DPF gives every format the same maker): a LADSPA id that
    # happens to equal a DPF id of someone else's plugin links nothing.
    by_id: dict[tuple[int, str], list[int]] = {}
    for i, record in enumerate(unique):
        uid = dpf_unique_id(record)
        if uid is not None:
            by_id.setdefault((uid, normalise_vendor(record.vendor)), []).append(i)
    for id_key in sorted(by_id):
        members = by_id[id_key]
        if any(unique[i].format == "vst3" for i in members):  # a LADSPA id alone proves nothing
            groups.union_all(members, "dpf-id")
    # Then names, a whole name group at once, and only when it is unambiguous.
    by_name: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        by_name.setdefault(key, []).append(i)
    for key in sorted(by_name):
        members = by_name[key]
        formats = [unique[i].format for i in members]
        if len(members) > 1 and len(set(formats)) == len(formats):
            groups.union_all(members, "name")
    components: dict[int, list[int]] = {}
    for i in range(len(unique)):
        components.setdefault(groups.find(i), []).append(i)
    built: list[tuple[str, list[Linkable], tuple[str, ...]]] = []
    for root, indexes in components.items():
        base = min(keys[i] for i in indexes)
        links = tuple(sorted(groups.links[root])) if len(indexes) > 1 else ()
        built.append((base, [unique[i] for i in indexes], links))
    taken: dict[str, int] = {}
    for base, _, _ in built:
        taken[base] = taken.get(base, 0) + 1
    products = []
    for base, group, links in built:
        # Two products would share a key (an ambiguous name group): each takes its first
        # member's identity as a suffix, so keys stay unique and still derive from content.
        key = base if taken[base] == 1 else f"{base}@{min(r.key for r in group)}"
        products.append(make_product(key, group, links))
    return sorted(products, key=lambda p: p.key)


def make_product(key: str, members: Sequence[Linkable], links: tuple[str, ...] = ()
                 ) -> Product:
    """A product of ``members``: name and vendor from the preferred format (VST3 first)."""
    ordered = sorted(members, key=_preference)
    vendor = next((v for v in (clean_vendor(r.vendor) for r in ordered) if v), "")
    return Product(key=key, name=ordered[0].name, vendor=vendor,
                   formats=tuple(sorted({r.format for r in members})),
                   members=tuple(sorted(r.key for r in members)), links=links)


def product_index(products: Iterable[Product]) -> dict[str, Product]:
    """``{plugin key: its product}``."""
    return {member: product for product in products for member in product.members}


def products_by_member(catalogue: Catalogue) -> dict[str, Product]:
    """``{plugin key: product}`` as stored by the last scan; computed afresh (not stored) when
    some plugin has none, e.g. a catalogue migrated, or written, since its last scan."""
    index = product_index(catalogue.products())
    if len(index) != catalogue.info().plugins:
        index = product_index(link_products(catalogue.summaries()))
    return index
