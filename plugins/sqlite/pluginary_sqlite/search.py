"""The query tree (:mod:`pluginary.query.tree`) translated into SQL, with parameters only.

Every node becomes a condition on one ``plugins p`` row; nothing the user typed is pasted into
the SQL text. Free text uses two indexes: the FTS5 word index (prefixes, ranked with bm25, a
name hit counting most) and, from 3 characters, the trigram index over names and vendors, so a
substring matches too ("verb" finds ZamVerb). Ranking: names holding every word first (the
shortest first), then bm25 from the word index, then by name.

A page is found first (ids and score), then only its records are read (their parameters only
when asked): counting and ordering 5000 rows must not unpack 5000 parameter blobs.
"""

from __future__ import annotations

import operator
import sqlite3
from collections.abc import Sequence
from typing import Any

from pluginary.errors import UsageError
from pluginary.models import PluginRecord, SearchHit, SearchQuery, SearchResult
from pluginary.organisation import HIDDEN
from pluginary.query.fields import FIELDS, Kind
from pluginary.query.tree import And, Category, Everything, Field, Node, Not, Or, Sort, Text
from pluginary.validation_store import FAILURES, SOURCE, this_machine

from . import codec
from .connection import FOLD

#: bm25 weights, in :data:`schema.FTS_COLUMNS` order: a name hit counts most.
SEARCH_WEIGHTS = (10.0, 4.0, 3.0, 1.0, 0.5, 3.0)
#: The shortest word the trigram index can find as a substring.
TRIGRAM = 3

_INT_LIMIT = 2**62
_PLUGINS = "plugins p"
#: The plugin a ``format:uid`` text (a tag's target, a collection member) names, through the
#: (format, uid) index: filters by identity are joins computed once, never a test per row.
_NAMED_BY = ("plugins q ON q.format = substr({0}, 1, instr({0}, ':') - 1) "
             "AND q.uid = substr({0}, instr({0}, ':') + 1)")
_NUMBERS = {"inputs": "p.audio_inputs", "outputs": "p.audio_outputs"}
_HOLDS = {":": operator.eq, "=": operator.eq, ">": operator.gt, ">=": operator.ge,
          "<": operator.lt, "<=": operator.le}
_TEXT_COLUMNS = {"vendor": "p.vendor", "name": "p.name"}
_COMPARE = {":": "=", "=": "=", ">": ">", ">=": ">=", "<": "<", "<=": "<="}
_ORDER = {
    Sort.NAME: "p.name COLLATE NOCASE, p.vendor COLLATE NOCASE, p.format, p.uid",
    Sort.VENDOR: "p.vendor COLLATE NOCASE, p.name COLLATE NOCASE, p.format, p.uid",
    Sort.FORMAT: "p.format, p.name COLLATE NOCASE, p.vendor COLLATE NOCASE, p.uid",
}


def _quoted(text: str) -> str:
    """One FTS5 string token: cannot be a syntax error whatever the user typed."""
    return '"' + text.replace("\x00", " ").replace('"', '""') + '"'


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _text_match(column: str, value: str, args: list[Any], *, case: bool = False) -> str:
    """A substring, or a glob over the whole value when it has ``*`` or ``?``; without
    ``case``, case-insensitive in every script (SQLite alone folds only A-Z, so a value with
    other letters goes through Python's casefold, per row)."""
    folded = column if case or value.isascii() else f"{FOLD}({column})"
    if "*" in value or "?" in value:
        # Only * and ? are wildcards in a query; a '[' is the character itself.
        value = value.replace("[", "[[]")
        args.append(value if case else value.casefold())
        return f"{column} GLOB ?" if case else f"lower({folded}) GLOB ?"
    args.append(_like(value if case or value.isascii() else value.casefold()))
    return f"{folded} LIKE ? ESCAPE '\\'"


def condition(node: Node, args: list[Any], *, browse: bool = True) -> str:
    """The SQL condition for ``node`` on ``plugins p``; its values appended to ``args``.

    ``browse``: the page is read in listing order, so ``format:`` and ``role:`` must not use
    the (format, uid) index ("+": the narrow browse index is scanned in order and a page
    stops early; measured 0.1 ms instead of 8 ms). A relevance search reads every hit
    anyway, and there the index finds the 17 VST3 plugins among 5000 at once."""
    if isinstance(node, Everything):
        return "1"
    if isinstance(node, And):
        return "(" + " AND ".join(condition(n, args, browse=browse) for n in node.items) + ")"
    if isinstance(node, Or):
        # The words of an OR are one set of ids (one MATCH per index): SQLite then looks the
        # plugins up by id instead of testing every row against each word's own set.
        words = [n for n in node.items if isinstance(n, Text) and n.value.split()]
        parts = [_free_text(words, args)] if words else []  # args in the order of the SQL
        parts += [condition(n, args, browse=browse) for n in node.items if n not in words]
        return "(" + " OR ".join(parts) + ")"
    if isinstance(node, Not):
        # coalesce: a condition on an empty (NULL) column is unknown, and NOT unknown would
        # drop the row; ``-inputs:5`` must keep a plugin whose inputs are not known.
        return f"NOT coalesce({condition(node.item, args, browse=browse)}, 0)"
    if isinstance(node, Text):
        return _free_text([node], args) if node.value.split() else "1"
    if isinstance(node, Category):
        parts = []
        for path in node.paths:
            if path:
                parts.append("(+p.category = ? OR p.category LIKE ? ESCAPE '\\')")
                args += [path, _like(path)[1:-1] + "/%"]
            else:
                parts.append("p.category = ''")
        return "(" + " OR ".join(parts or ["0"]) + ")"
    return _field(node, args, "+" if browse else "")


def _free_text(words: list[Text], args: list[Any]) -> str:
    """Plugins matching any of ``words`` (each a word or a phrase): through the word index,
    and from 3 characters through the trigram index as a substring of the name or vendor."""
    args.append(" OR ".join(_fts_terms(w) for w in words))
    found = "SELECT rowid FROM plugins_fts WHERE plugins_fts MATCH ?"
    substrings = [_quoted(w.value.strip()) for w in words
                  if len(w.value.strip()) >= TRIGRAM and (w.phrase or len(w.value.split()) == 1)]
    if substrings:
        args.append(" OR ".join(substrings))
        found += " UNION SELECT rowid FROM plugins_trigram WHERE plugins_trigram MATCH ?"
    return f"p.id IN ({found})"


def _field(node: Field, args: list[Any], unindexed: str) -> str:
    spec = FIELDS.get(node.name)
    value = node.value
    if spec is not None and spec.kind is Kind.NUMBER:
        number = max(-_INT_LIMIT, min(_INT_LIMIT, int(value)))  # SQLite's 64-bit range
        args.append(number)
        if node.name != "params":
            return f"{_NUMBERS[node.name]} {_COMPARE[node.op]} ?"
        # A plugin without a parameters row has 0: when 0 passes, exclude those that fail.
        if _HOLDS[node.op](0, number):
            return (f"p.id NOT IN (SELECT plugin_id FROM parameters WHERE NOT "
                    f"(count {_COMPARE[node.op]} ?))")
        return f"p.id IN (SELECT plugin_id FROM parameters WHERE count {_COMPARE[node.op]} ?)"
    if node.name in _TEXT_COLUMNS:
        return _text_match(_TEXT_COLUMNS[node.name], value, args)
    if node.name == "format":
        args.append(value.casefold())
        return f"{unindexed}p.format = ?"
    if node.name == "role":
        args.append(value)
        return f"{unindexed}p.role = ?"
    if node.name == "status":  # any installation with that status
        args.append(value)
        # Per row through the (plugin_id, status) index: most plugins share a status, so a
        # set of every matching id would cost more than the lookups.
        return ("EXISTS (SELECT 1 FROM installations j WHERE j.plugin_id = p.id "
                "AND j.status = ?)")
    if node.name == "path":
        inner = _text_match("j.path", value, args, case=True)
        return f"EXISTS (SELECT 1 FROM installations j WHERE j.plugin_id = p.id AND {inner})"
    if node.name == "product":
        key = _text_match("pr.key", value, args)
        name = _text_match("pr.name", value, args)
        return f"p.product IN (SELECT pr.key FROM products pr WHERE {key} OR {name})"
    if node.name == "tag":
        return _tagged(" ".join(value.split()).casefold(), args)  # as tags are stored
    if node.name == "collection":
        args += [value, _like(value)[1:-1] + "/%"]
        return ("p.id IN (SELECT q.id FROM collection_members m JOIN "
                + _NAMED_BY.format("m.member")
                + " WHERE m.collection = ? OR m.collection LIKE ? ESCAPE '\\')")
    if node.name in ("validated", "failed-level"):
        return _validated(node.name, int(value), args)
    # saved: and category: are resolved by the core before a query reaches storage.
    raise UsageError(f"the catalogue cannot filter on '{node.name}:' here",
                     hint="build queries with pluginary.search.prepare")


def _validated(name: str, level: int, args: list[Any]) -> str:
    """``validated:N`` (passed level N or above) and ``failed-level:N`` (failed at exactly N)
    from this machine's validation row of the plugin's stored version: one lookup of the
    whole ``compat`` primary key per plugin (EXPLAIN QUERY PLAN: ``SEARCH c USING PRIMARY
    KEY (format=? AND uid=? AND version=? AND os=? AND arch=? AND source=?)``). Other
    machines' rows (imported) and other versions' never count; ``ignored`` passes nothing."""
    args += [*this_machine(), SOURCE]
    failures = ", ".join(f"'{s.value}'" for s in FAILURES)  # constants, not user input
    if name == "validated":
        args += [level, level]
        test = f"((c.status = 'ok' AND c.tier >= ?) OR (c.status IN ({failures}) AND c.tier > ?))"
    else:
        args.append(level)
        test = f"c.status IN ({failures}) AND c.tier = ?"
    return ("EXISTS (SELECT 1 FROM compat c WHERE c.format = p.format AND c.uid = p.uid "
            f"AND c.version = p.version AND c.os = ? AND c.arch = ? AND c.source = ? AND {test})")


def _tagged(tag: str, args: list[Any]) -> str:
    """Plugins carrying ``tag`` themselves or through their product."""
    args += [tag, tag]
    return ("p.id IN (SELECT q.id FROM tags t JOIN " + _NAMED_BY.format("t.target")
            + " WHERE t.tag = ? UNION ALL SELECT q.id FROM tags t JOIN plugins q "
            "ON q.product = substr(t.target, 9) WHERE t.tag = ? AND t.target LIKE 'product:%')")


def _ranking_terms(node: Node, negated: bool = False) -> list[Text]:
    """The free text that can rank a hit: words and phrases not under a NOT."""
    if isinstance(node, (And, Or)):
        return [w for item in node.items for w in _ranking_terms(item, negated)]
    if isinstance(node, Not):
        return _ranking_terms(node.item, not negated)
    if isinstance(node, Text) and not negated and node.value.strip():
        return [node]
    return []


def _fts_terms(node: Text) -> str:
    """``node`` as an FTS5 expression: a phrase, or each word as a prefix (all of them)."""
    if node.phrase:
        return _quoted(node.value)
    return "(" + " AND ".join(_quoted(w) + "*" for w in node.value.split()) + ")"


def _named(node: Node, args: list[Any]) -> str | None:
    """The condition "the name alone satisfies the query's free text" (each word a substring
    of the name, with the query's AND and OR), or None when ``node`` holds no ranking text:
    ``reverb OR delay`` puts every plugin named after either first."""
    if isinstance(node, Text):
        if not node.value.strip():
            return None
        args.append(_like(node.value.strip()))
        return "p.name LIKE ? ESCAPE '\\'"
    if isinstance(node, (And, Or)):
        parts = [c for c in (_named(item, args) for item in node.items) if c is not None]
        joint = " AND " if isinstance(node, And) else " OR "
        return "(" + joint.join(parts) + ")" if parts else None
    return None  # a filter, or text under a NOT: no name can satisfy it


def _rank_match(node: Node) -> str | None:
    """The FTS5 expression whose matches need a bm25 score: the query's words with its AND
    and OR (bm25 sums per word, so a row scores the same under AND as under OR, and AND
    leaves fewer rows to score; under AND, a hit that holds one word only as a substring,
    through the trigram index, is not among the matches and scores 0). None when the
    structure cannot be kept: an OR with an alternative that holds no word
    (``reverb OR category:reverb``, ``a OR -b``)."""
    if isinstance(node, Text):
        return _fts_terms(node) if node.value.strip() else None
    if isinstance(node, And):
        parts = [m for m in (_rank_match(i) for i in node.items) if m is not None]
        return "(" + " AND ".join(parts) + ")" if parts else None
    if isinstance(node, Or):
        alternatives = [_rank_match(i) for i in node.items]
        if any(m is None for m in alternatives):
            return None
        return "(" + " OR ".join(m for m in alternatives if m is not None) + ")"
    return None


def _scores(root: Node, terms: list[Text], args: list[Any]) -> str:
    """The materialised CTE ``r`` of bm25 scores (a name hit counting most) of the rows that
    can need one."""
    weights = ", ".join(str(w) for w in SEARCH_WEIGHTS)
    every_word = [_quoted(t.value) if t.phrase else _quoted(w) + "*"
                  for t in terms for w in ([t.value] if t.phrase else t.value.split())]
    args.append(_rank_match(root) or " OR ".join(every_word))
    return (f"r AS MATERIALIZED (SELECT rowid AS id, bm25(plugins_fts, {weights}) AS score "
            "FROM plugins_fts WHERE plugins_fts MATCH ?)")


def _count(conn: sqlite3.Connection, where: str, args: list[Any]) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {_PLUGINS} WHERE {where}", args)
               .fetchone()[0])


def _ranked(conn: sqlite3.Connection, query: SearchQuery, where: tuple[str, list[Any]],
            named: tuple[str, list[Any]]) -> tuple[int, list[Any]]:
    """The total and the page by relevance, in one pass over the hits: they are materialised
    once (``h``, with ``tier`` the name length of a name hit) and both counted and ordered.
    bm25 is read per row from a materialised CTE (a LEFT JOIN makes SQLite's planner cost
    several times more), only for hits past the name hits and only when the page reaches
    them: SQLite computes ``r`` on its first use, so a page of name hits never does."""
    (condition_sql, args), (named_sql, named_args) = where, named
    page_args: list[Any] = []
    scores = _scores(query.root, _ranking_terms(query.root), page_args)
    page_args += named_args + args
    end = max(0, query.offset) + _limit(query) if query.limit is not None else 1 << 62
    rows = conn.execute(
        f"WITH {scores}, h AS MATERIALIZED (SELECT p.id, CASE WHEN {named_sql} THEN "
        f"length(p.name) END AS tier, p.name, p.vendor, p.format, p.uid FROM {_PLUGINS} "
        f"WHERE {condition_sql}) "
        "SELECT (SELECT count(*) FROM h), h.id, CASE WHEN h.tier IS NULL AND "
        "(SELECT count(tier) FROM h) < ? THEN coalesce((SELECT r.score FROM r WHERE "
        "r.id = h.id), 0.0) ELSE 0.0 END AS score FROM h ORDER BY coalesce(h.tier, "
        "1073741824), score, h.name COLLATE NOCASE, h.vendor COLLATE NOCASE, h.format, h.uid "
        "LIMIT ? OFFSET ?", [*page_args, end, _limit(query), max(0, query.offset)]).fetchall()
    if not rows:  # the total came with the rows: an empty page has to count on its own
        total = _count(conn, condition_sql, args) if query.offset or query.limit == 0 else 0
        return total, []
    return rows[0][0], [(row_id, s) for _, row_id, s in rows]


def _limit(query: SearchQuery) -> int:
    return -1 if query.limit is None else max(0, query.limit)


def search(conn: sqlite3.Connection, query: SearchQuery) -> SearchResult:
    """One page of ``query``'s hits, best first (or in its sort order), and the total. Only
    the page's ids come back to Python (fetching thousands of rows costs more than finding
    them), then only the page's records are read.

    Relevance: plugins whose name alone satisfies the query's words come first, the shortest
    name first, then by name (``comp`` puts ZamComp before ZamCompX2, and both before a
    compressor that only says so in its category); then the others by bm25, then by name.
    bm25 costs a few microseconds per matching row, so it is computed only when the page
    reaches past the name hits."""
    named_args: list[Any] = []
    named = _named(query.root, named_args) if query.sort is Sort.RELEVANCE else None
    args: list[Any] = []
    where = condition(query.root, args, browse=named is None)
    if not query.hidden:
        where += " AND NOT " + _tagged(HIDDEN, args)
    if named is not None:
        total, page = _ranked(conn, query, (where, args), (named, named_args))
    else:
        total = _count(conn, where, args)
        order = _ORDER.get(query.sort, _ORDER[Sort.NAME])
        page = conn.execute(f"SELECT p.id, 0.0 FROM {_PLUGINS} WHERE {where} ORDER BY {order} "
                            "LIMIT ? OFFSET ?", [*args, _limit(query), max(0, query.offset)]
                            ).fetchall()
    records = read_records(conn, [row_id for row_id, _ in page], parameters=query.parameters)
    hits = tuple(SearchHit(record=records[row_id], score=-float(s) or 0.0)
                 for row_id, s in page if row_id in records)
    return SearchResult(hits=hits, total=int(total))


def read_records(conn: sqlite3.Connection, ids: Sequence[int], *,
                 parameters: bool = True) -> dict[int, PluginRecord]:
    """The records of the plugins ``ids`` (from their best installations), by id; without
    their parameters unless asked (unpacking them costs more than the search)."""
    found: dict[int, PluginRecord] = {}
    columns = codec.RECORD_COLUMNS if parameters else codec.RECORD_COLUMNS.replace(
        "pa.data", "NULL")
    for start in range(0, len(ids), 500):  # under SQLite's bound-variable limit
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in conn.execute(f"SELECT p.id, {columns} FROM plugins p "
                                f"{codec.BEST_INSTALLATION} WHERE p.id IN ({marks})", chunk):
            found[row[0]] = codec.record_from_row(row[1:])
    return found
