"""Products in SQLite: the ``products`` table and ``plugins.product`` (schema version 4).

The links themselves are computed by the core (:mod:`pluginary.products`); this module only
stores and reads them. Writing compares with what is stored and touches only the rows that
differ, so the end-of-scan refresh of an unchanged catalogue writes next to nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import msgspec

from pluginary.models import Product

_links_decoder = msgspec.json.Decoder(tuple[str, ...])


def _links_text(links: tuple[str, ...]) -> str:
    return msgspec.json.encode(list(links)).decode()


def replace(conn: sqlite3.Connection, products: Sequence[Product]) -> int:
    """Store ``products`` as the whole set; return how many plugins changed product."""
    wanted = {p.key: (p.name, p.vendor, _links_text(p.links)) for p in products}
    owner = {member: p.key for p in products for member in p.members}
    stored = {key: (name, vendor, links) for key, name, vendor, links in
              conn.execute("SELECT key, name, vendor, links FROM products")}
    upserts = [(key, *row) for key, row in wanted.items() if stored.get(key) != row]
    if upserts:
        conn.executemany(
            "INSERT INTO products (key, name, vendor, links) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (key) DO UPDATE SET name = excluded.name, vendor = excluded.vendor, "
            "links = excluded.links", upserts)
    changes = [(owner.get(key), rowid) for rowid, key, product in
               conn.execute("SELECT id, format || ':' || uid, product FROM plugins")
               if owner.get(key) != product]
    if changes:
        conn.executemany("UPDATE plugins SET product = ? WHERE id = ?", changes)
    stale = [(key,) for key in stored if key not in wanted]
    if stale:
        conn.executemany("DELETE FROM products WHERE key = ?", stale)
    return len(changes)


def read(conn: sqlite3.Connection, member: str | None) -> list[Product]:
    """The stored products (those with at least one plugin), or the one holding ``member``."""
    sql = ("SELECT pr.key, pr.name, pr.vendor, pr.links, p.format, p.uid FROM products pr "
           "JOIN plugins p ON p.product = pr.key")
    args: tuple[str, ...] = ()
    if member is not None:
        fmt, _, uid = member.partition(":")
        sql += " WHERE pr.key = (SELECT product FROM plugins WHERE format = ? AND uid = ?)"
        args = (fmt, uid)
    sql += " ORDER BY pr.key"
    grouped: dict[str, tuple[str, str, str, list[tuple[str, str]]]] = {}
    for key, name, vendor, links, fmt, uid in conn.execute(sql, args):
        grouped.setdefault(key, (name, vendor, links, []))[3].append((fmt, uid))
    return [
        Product(key=key, name=name, vendor=vendor,
                formats=tuple(sorted({fmt for fmt, _ in members})),
                members=tuple(sorted(f"{fmt}:{uid}" for fmt, uid in members)),
                links=_links_decoder.decode(links))
        for key, (name, vendor, links, members) in grouped.items()
    ]
