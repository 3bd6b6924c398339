"""One category tree across plugin formats, derived from what each format declares.

Records keep their raw categories (VST3 subcategories, LV2 classes, CLAP features, AU tags); the
tree category (``"Effect/Dynamics/Compressor"``, ``""``: Uncategorised) is derived from them and
stored for search. The tree and the mappings are data, ``category-map.toml`` in this package,
added to by extensions through ``register_category_maps`` (``docs/categories.md``). Steps:

1. the plugin's raw categories, looked up in its format's ``map`` (the deepest node wins, ties
   by the plugin's order; ``order = "declared"``: the first that maps) and, only when none maps,
   its ``fallback`` (generic words such as ``Fx``). A raw category that is a tree path counts too;
2. else its role (``instrument`` -> Instrument, ``analyzer``, ``midi-effect``);
3. from 1 or 2, name keywords may refine to a node *below* that one: a guess;
4. else name keywords anywhere in the tree, else the audio ports: a guess.

Declared results are not guessed, except for a format marked ``guess`` (LADSPA declares nothing,
so all of it is a guess). Maps registered later are consulted first: an extension can remap raw
categories and add nodes and keywords, but cannot remove a node.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Literal

import msgspec

from .errors import UsageError

if TYPE_CHECKING:
    import pluggy

UNCATEGORISED = "Uncategorised"
ARROW = "\u203a"  # between levels in labels
_SEPARATORS = re.compile(r"\s*[/\u203a>]\s*")
_KEYWORD = re.compile(r"(?:[^\W_]|[*?])+(?: (?:[^\W_]|[*?])+)*")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_PortKey = Literal["no_audio_inputs", "no_audio_outputs"]


class CategoryMapError(ValueError):
    """A category map that is malformed; the message names its source."""


class _Format(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    order: Literal["deepest", "declared"] | None = None
    split: str | None = None
    guess: bool | None = None
    extra: tuple[str, ...] = ()
    prefixes: dict[str, str] = {}
    map: dict[str, list[str]] = {}
    fallback: dict[str, list[str]] = {}


class _Layer(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One map file as written (the TOML shape)."""

    tree: dict[str, str] = {}
    format: dict[str, _Format] = {}
    roles: dict[str, str] = {}
    keywords: dict[str, list[str]] = {}
    ports: dict[_PortKey, str] = {}
    source: str = ""


@dataclass(frozen=True, slots=True)
class Derived:
    """A plugin's tree category (``""``: Uncategorised) and whether it was guessed."""

    path: str
    guessed: bool = False


@dataclass
class _Rules:
    """One format's lookups, every layer folded in (a later layer's entry replaces)."""

    order: str = "deepest"
    split: str = ""
    guess: bool = False
    extra: tuple[str, ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)
    map: dict[str, str] = field(default_factory=dict)
    fallback: dict[str, str] = field(default_factory=dict)

    def fold(self, fmt: _Format) -> None:
        self.order = fmt.order or self.order
        self.split = self.split if fmt.split is None else fmt.split
        self.guess = self.guess if fmt.guess is None else fmt.guess
        self.extra = fmt.extra or self.extra
        self.prefixes.update({_key(ns): _key(p) for ns, p in fmt.prefixes.items()})
        for table, other, entries in ((self.map, self.fallback, fmt.map),
                                      (self.fallback, self.map, fmt.fallback)):
            for path, raws in entries.items():
                for raw in raws:
                    other.pop(self.normal(raw), None)
                    table[self.normal(raw)] = path

    def normal(self, raw: str) -> str:
        """Case and spacing folded, a known namespace shortened to its prefix."""
        key = _key(raw)
        for namespace, prefix in self.prefixes.items():
            if key.startswith(namespace):
                return prefix + key[len(namespace):]
        return key


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _keyword_regex(words: Iterable[str]) -> re.Pattern[str]:
    """One regex over the name's words joined by spaces: a keyword is whole words in a row."""
    parts = [r"\ ".join(re.escape(w).replace(r"\*", "[^ ]*").replace(r"\?", "[^ ]")
                        for w in word.casefold().split()) for word in words]
    return re.compile(r"(?:^| )(?:" + "|".join(parts) + r")(?= |$)")


def _words(name: str) -> tuple[str, str]:
    """The name as plain words and as camelCase-split words, each joined by spaces."""
    plain = re.findall(r"[^\W_]+", name)
    return (" ".join(plain).casefold(),
            " ".join(w for p in plain for w in _CAMEL.findall(p) or [p]).casefold())


class CategoryMap:
    """The tree and the mappings of the built-in map and every extension's, in layers."""

    def __init__(self, layers: Sequence[_Layer]) -> None:
        self._layers = tuple(layers)
        self.source = " + ".join(layer.source for layer in self._layers)
        declared: list[str] = []
        for layer in self._layers:
            declared += [p for p in layer.tree if p not in declared]
        index = {p: i for i, p in enumerate(declared)}
        self._nodes = tuple(sorted(declared, key=lambda p: [
            index.get("/".join(p.split("/")[:n]), -1) for n in range(1, p.count("/") + 2)]))
        self._by_key = {p.casefold(): p for p in self._nodes}
        self._formats: dict[str, _Rules] = {}
        self._roles: dict[str, str] = {}
        self._ports: dict[_PortKey, str] = {}
        keywords: list[tuple[str, re.Pattern[str]]] = []
        for layer in self._layers:
            for name, fmt in layer.format.items():
                self._formats.setdefault(name.casefold(), _Rules()).fold(fmt)
            self._roles.update({_key(r): p for r, p in layer.roles.items()})
            self._ports.update(layer.ports)
            keywords[:0] = [(p, _keyword_regex(w)) for p, w in layer.keywords.items() if w]
        self._keywords = tuple(keywords)

    @classmethod
    def from_toml(cls, text: str | bytes, *, source: str) -> CategoryMap:
        """A map from TOML text in the shape of ``category-map.toml``; :class:`CategoryMapError`
        naming ``source`` when it is malformed. Its references are checked on merging."""
        try:
            raw = tomllib.loads(text.decode() if isinstance(text, bytes) else text)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise CategoryMapError(f"{source}: not valid TOML: {exc}") from exc
        return cls.from_dict(raw, source=source)

    @classmethod
    def from_dict(cls, data: Mapping[str, object], *, source: str) -> CategoryMap:
        """A map from data in the TOML shape (tables ``tree``, ``format``, ``roles``, ...)."""
        try:
            layer = msgspec.convert(dict(data), _Layer)
        except msgspec.ValidationError as exc:
            raise CategoryMapError(f"{source}: {exc}") from exc
        bad = [f"node {p!r} is not a path such as 'Effect/Reverb'" for p in layer.tree
               if p != "/".join(s.strip() for s in _SEPARATORS.split(p)) or "" in p.split("/")]
        bad += [f"keyword {w!r} is not words, '*' and '?'" for ws in layer.keywords.values()
                for w in ws if not _KEYWORD.fullmatch(w)]
        if bad:
            raise CategoryMapError(f"{source}: {bad[0]}")
        return cls([msgspec.structs.replace(layer, source=source)])

    @classmethod
    def builtin(cls) -> CategoryMap:
        """The map shipped with Pluginary (``category-map.toml``)."""
        return _builtin()

    def merged(self, other: CategoryMap) -> CategoryMap:
        """This map with ``other`` added on top (consulted first); :class:`CategoryMapError`
        naming ``other``'s source when it names a node that neither map has."""
        result = CategoryMap(self._layers + other._layers)
        result.check(other)
        return result

    def check(self, part: CategoryMap | None = None) -> None:
        """Raise :class:`CategoryMapError` for a node without its parent, or a mapping to a
        node not in the tree, among the layers of ``part`` (default: all of this map)."""
        nodes = set(self._nodes)
        for layer in (part or self)._layers:
            targets = [(f"node '{p}' is under", p.rsplit("/", 1)[0]) for p in layer.tree
                       if "/" in p] + [(f"format.{f} maps to", p) for f, fmt in
                                       layer.format.items() for p in (*fmt.map, *fmt.fallback)]
            targets += [("roles map to", p) for p in layer.roles.values()] + [
                ("keywords map to", p) for p in layer.keywords] + [
                ("ports map to", p) for p in layer.ports.values()]
            for what, path in targets:
                if path not in nodes:
                    raise CategoryMapError(f"{layer.source}: {what} '{path}', which is not a "
                                           "node of the category tree")

    def nodes(self) -> tuple[str, ...]:
        """Every node's path, parents before children, siblings in the order declared."""
        return self._nodes

    @staticmethod
    def label(path: str) -> str:
        """The path for people: levels joined by :data:`ARROW`; ``"Uncategorised"`` for ``""``."""
        return f" {ARROW} ".join(path.split("/")) if path else UNCATEGORISED

    def resolve(self, value: str) -> tuple[str, ...]:
        """The nodes a ``category:`` value names, case-insensitive: a path (``/``, :data:`ARROW`
        or ``>`` between levels), else every node whose last level is ``value``; ``("",)`` for
        uncategorised. :class:`UsageError` with a did-you-mean hint for anything else."""
        wanted = "/".join(_SEPARATORS.split(_key(value))).strip("/")
        if wanted in {"uncategorised", "uncategorized"}:
            return ("",)
        if wanted in self._by_key:
            return (self._by_key[wanted],)
        found = tuple(p for p in self._nodes if p.rsplit("/", 1)[-1].casefold() == wanted)
        if found:
            return found
        names = {p.rsplit("/", 1)[-1].casefold(): p.rsplit("/", 1)[-1] for p in self._nodes}
        close = difflib.get_close_matches(wanted, [*names, *self._by_key], n=1)
        hint = (f"did you mean '{names.get(close[0]) or self._by_key[close[0]]}'?" if close
                else "see pluginary categories")
        raise UsageError(f"unknown category '{value}'", hint=hint)

    def derive(self, *, format: str, name: str, categories: Sequence[str], role: str,
               audio_inputs: int | None, audio_outputs: int | None,
               extra: Mapping[str, str] | None = None) -> Derived:
        """The tree category of one plugin (see the module docs for the steps)."""
        rules = self._formats.get(format.casefold()) or _Rules()
        raws = [part for item in categories
                for part in (item.split(rules.split) if rules.split else [item])]
        raws += [word for key in rules.extra for word in (extra or {}).get(key, "").split()]
        base = self._declared(rules, raws) or self._roles.get(_key(role), "")
        if base:
            refined = self._guess(name, under=base)
            return Derived(refined, True) if refined else Derived(base, rules.guess)
        guess = self._guess(name) or self._by_ports(audio_inputs, audio_outputs)
        return Derived(guess, bool(guess))

    def _declared(self, rules: _Rules, raws: Sequence[str]) -> str:
        hits: list[str] = []
        fallback = ""
        for raw in raws:
            key = rules.normal(raw)
            path = rules.map.get(key) or self._by_key.get("/".join(_SEPARATORS.split(key)))
            if path and rules.order == "declared":
                return path
            if path:
                hits.append(path)
            elif not fallback:
                fallback = rules.fallback.get(key, "")
        return max(hits, key=lambda p: p.count("/")) if hits else fallback

    def _guess(self, name: str, *, under: str = "") -> str:
        """The first node (in keyword order) with a keyword in ``name``, only strictly below
        ``under`` when given."""
        words = _words(name)
        for path, regex in self._keywords:
            if under and not path.startswith(under + "/"):
                continue
            if regex.search(words[0]) or regex.search(words[1]):
                return path
        return ""

    def _by_ports(self, ins: int | None, outs: int | None) -> str:
        key: _PortKey = "no_audio_inputs" if ins == 0 else "no_audio_outputs"
        return self._ports.get(key, "") if (ins == 0 and outs) or (ins and outs == 0) else ""


@functools.cache
def _builtin() -> CategoryMap:
    data = resources.files("pluginary").joinpath("category-map.toml").read_bytes()
    tree = CategoryMap.from_toml(data, source="pluginary's built-in category map")
    tree.check()
    return tree


def category_map(pm: pluggy.PluginManager) -> CategoryMap:
    """The built-in map with every extension's on top: the one whose hook pluggy calls first
    (the last registered) is consulted first. A map that does not fit the built-in one is its
    extension's fault, reported by :func:`pluginary.registry.collect_category_maps`."""
    from .registry import collect_category_maps

    tree = CategoryMap.builtin()
    for entry in reversed(collect_category_maps(pm).values()):
        tree = tree.merged(entry.item)
    return tree
