"""The user's organisation in SQLite: tags, collections and saved searches.

Rows are keyed by what the user sees (a tag and its ``format:uid`` or ``product:<key>``
target, a collection's name, a saved search's name), never by a plugin row id, so they survive
every rescan, a plugin that disappears and returns, and a rebuild of the plugin rows.
Each function runs inside a transaction the catalogue opened.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence

from pluginary.errors import NotFoundError, UsageError
from pluginary.organisation import Collection, Organisation, SavedSearch, Tagging


def read(conn: sqlite3.Connection) -> Organisation:
    """Everything, in a stable order (tags by tag and target, collections by name)."""
    tags = tuple(Tagging(tag=tag, target=target) for tag, target in conn.execute(
        "SELECT tag, target FROM tags ORDER BY tag, target"))
    members: dict[str, list[str]] = {}
    for name, member in conn.execute(
            "SELECT collection, member FROM collection_members ORDER BY collection, position"):
        members.setdefault(name.casefold(), []).append(member)
    collections = tuple(
        Collection(name=name, members=tuple(members.get(name.casefold(), ())), saved=saved)
        for name, saved in conn.execute(
            "SELECT name, saved FROM collections ORDER BY name COLLATE NOCASE"))
    saved = tuple(SavedSearch(name=name, query=query) for name, query in conn.execute(
        "SELECT name, query FROM saved_searches ORDER BY name COLLATE NOCASE"))
    return Organisation(tags=tags, collections=collections, saved=saved)


def add_tags(conn: sqlite3.Connection, taggings: Sequence[Tagging]) -> int:
    """Add taggings that are not there yet; returns how many were new."""
    now = time.time()
    before = conn.total_changes
    conn.executemany("INSERT OR IGNORE INTO tags (tag, target, added_at) VALUES (?, ?, ?)",
                     [(t.tag, t.target, now) for t in taggings])
    return conn.total_changes - before


def remove_tags(conn: sqlite3.Connection, taggings: Sequence[Tagging]) -> int:
    before = conn.total_changes
    conn.executemany("DELETE FROM tags WHERE tag = ? AND target = ?",
                     [(t.tag, t.target) for t in taggings])
    return conn.total_changes - before


def put_collection(conn: sqlite3.Connection, collection: Collection) -> None:
    """Create the collection or replace its members and definition (keeping its age)."""
    conn.execute("INSERT INTO collections (name, saved, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET saved = excluded.saved",
                 (collection.name, collection.saved, time.time()))
    conn.execute("DELETE FROM collection_members WHERE collection = ?", (collection.name,))
    conn.executemany(
        "INSERT OR IGNORE INTO collection_members (collection, position, member) "
        "VALUES (?, ?, ?)",
        [(collection.name, i, member) for i, member in enumerate(collection.members)])


def delete_collection(conn: sqlite3.Connection, name: str) -> int:
    """Delete the collection and the ones nested in it; returns how many went."""
    cursor = conn.execute("DELETE FROM collections WHERE name = ? OR name LIKE ? ESCAPE '\\'",
                          (name, _children(name)))
    return cursor.rowcount


def rename_collection(conn: sqlite3.Connection, old: str, new: str) -> None:
    """Rename a collection (its nested ones follow: ``Mix/Bus`` becomes ``New/Bus``)."""
    names = [n for (n,) in conn.execute(
        "SELECT name FROM collections WHERE name = ? OR name LIKE ? ESCAPE '\\'",
        (old, _children(old)))]
    if not names:
        raise NotFoundError(f"no collection '{old}'", hint="see pluginary collection list")
    if "/" in new and len(names) > 1:
        raise UsageError(f"'{old}' has nested collections, so it cannot become '{new}' "
                         "(one level of nesting at most)", hint="choose a name without '/'")
    parent = new.split("/")[0] if "/" in new else ""
    if parent.casefold() == old.casefold():
        raise UsageError(f"'{old}' cannot be nested in itself", hint="choose another parent")
    if parent and not conn.execute("SELECT 1 FROM collections WHERE name = ?",
                                   (parent,)).fetchone():
        conn.execute("INSERT INTO collections (name, saved, created_at) VALUES (?, '', ?)",
                     (parent, time.time()))
    for name in names:
        renamed = new + name[len(old):]
        if renamed.casefold() != name.casefold() and conn.execute(
                "SELECT 1 FROM collections WHERE name = ?", (renamed,)).fetchone():
            raise UsageError(f"a collection '{renamed}' exists already",
                             hint="choose another name, or delete that one first")
        conn.execute("UPDATE collections SET name = ? WHERE name = ?", (renamed, name))


def put_saved(conn: sqlite3.Connection, saved: SavedSearch) -> None:
    conn.execute("INSERT INTO saved_searches (name, query, created_at) VALUES (?, ?, ?) "
                 "ON CONFLICT (name) DO UPDATE SET query = excluded.query",
                 (saved.name, saved.query, time.time()))


def delete_saved(conn: sqlite3.Connection, name: str) -> int:
    return conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,)).rowcount


def merge(conn: sqlite3.Connection, organisation: Organisation) -> int:
    """Add what ``organisation`` has and this catalogue lacks; never drop or change what is
    here (a saved search or smart collection of the same name keeps its definition; a static
    collection gains the missing members at its end). Returns how many things were added."""
    added = add_tags(conn, organisation.tags)
    here = {c.name.casefold(): c for c in read(conn).collections}
    for collection in organisation.collections:
        mine = here.get(collection.name.casefold())
        if mine is None:
            put_collection(conn, collection)
            here[collection.name.casefold()] = collection
            added += 1 + len(collection.members)
        elif not mine.saved:
            extra = [m for m in collection.members if m not in mine.members]
            if extra:
                merged = Collection(name=mine.name, members=(*mine.members, *extra))
                put_collection(conn, merged)
                here[mine.name.casefold()] = merged
                added += len(extra)
    for saved in organisation.saved:
        before = conn.total_changes
        conn.execute("INSERT OR IGNORE INTO saved_searches (name, query, created_at) "
                     "VALUES (?, ?, ?)", (saved.name, saved.query, time.time()))
        added += conn.total_changes - before
    return added


def set_categories(conn: sqlite3.Connection, categories: dict[str, tuple[str, bool]]) -> int:
    """Store derived tree categories by plugin key; only changed rows are written."""
    before = conn.total_changes
    conn.executemany(
        "UPDATE plugins SET category = ?, category_guessed = ? WHERE format = ? AND uid = ? "
        "AND (category != ? OR category_guessed != ?)",
        [(path, int(guessed), *key.split(":", 1), path, int(guessed))
         for key, (path, guessed) in categories.items()])
    return conn.total_changes - before


def _children(name: str) -> str:
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "/%"
