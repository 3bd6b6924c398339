"""Products stored and read back (schema version 4), on a real SQLite file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec
from records import make_records

from pluginary.models import PluginRecord, Product
from pluginary.products import link_products
from pluginary_sqlite import SQLiteCatalogue

ZAM = "Damien Zammit"


def zam() -> list[PluginRecord]:
    return [
        PluginRecord(format="vst3", uid="2046504473616C63504D435A00000000", name="ZamComp",
                     vendor=ZAM, bundle_path="/usr/lib/vst3/ZamComp.vst3"),
        PluginRecord(format="ladspa", uid="1514360144", name="ZamComp", vendor=ZAM,
                     file_path="/usr/lib/ladspa/ZamComp-ladspa.so"),
        PluginRecord(format="lv2", uid="urn:zamaudio:ZamComp", name="ZamComp", vendor=ZAM,
                     bundle_path="/usr/lib/lv2/ZamComp.lv2"),
        PluginRecord(format="vst3", uid="2046504473616C633250435A00000000", name="ZamCompX2",
                     vendor=ZAM, bundle_path="/usr/lib/vst3/ZamCompX2.vst3"),
    ]


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_products_round_trip(catalogue: SQLiteCatalogue) -> None:
    records = zam()
    catalogue.upsert(records)
    assert catalogue.products() == []
    products = link_products(records)
    assert catalogue.replace_products(products) == len(records)
    assert catalogue.products() == products
    comp = catalogue.products(member="ladspa:1514360144")
    assert [p.key for p in comp] == ["damienzammit/zamcomp"]
    assert comp[0].formats == ("ladspa", "lv2", "vst3")
    assert comp[0].links == ("dpf-id", "name")
    assert catalogue.products(member="lv2:urn:nothing") == []
    assert catalogue.info().details["products"] == 2
    assert catalogue.check() == []


def test_replacing_again_writes_only_what_changed(catalogue: SQLiteCatalogue,
                                                   db_path: Path) -> None:
    records = zam()
    catalogue.upsert(records)
    catalogue.replace_products(link_products(records))
    assert catalogue.replace_products(link_products(records)) == 0
    # The LV2 record is renamed upstream: it leaves ZamComp and becomes a product of its own.
    renamed = msgspec.structs.replace(records[2], name="ZamComp Classic")
    catalogue.upsert([renamed])
    products = link_products([*records[:2], renamed, records[3]])
    assert catalogue.replace_products(products) == 1
    assert {p.key: p.members for p in catalogue.products()} == {
        "damienzammit/zamcomp": ("ladspa:1514360144", "vst3:2046504473616C63504D435A00000000"),
        "damienzammit/zamcompclassic": ("lv2:urn:zamaudio:ZamComp",),
        "damienzammit/zamcompx2": ("vst3:2046504473616C633250435A00000000",),
    }
    # A product no longer given is removed; its plugins are unlinked.
    assert catalogue.replace_products([p for p in products
                                       if p.key != "damienzammit/zamcompx2"]) == 1
    assert "damienzammit/zamcompx2" not in {p.key for p in catalogue.products()}
    assert rows(db_path, "SELECT key FROM products WHERE key LIKE '%x2'") == []
    assert rows(db_path, "SELECT product FROM plugins WHERE name = 'ZamCompX2'") == [(None,)]
    assert catalogue.check() == []


def test_members_not_in_the_catalogue_are_ignored(catalogue: SQLiteCatalogue) -> None:
    catalogue.upsert(zam()[:1])
    ghost = Product(key="x/y", name="Y", formats=("clap", "vst3"),
                    members=("clap:org.ghost", "vst3:2046504473616C63504D435A00000000"))
    catalogue.replace_products([ghost])
    assert catalogue.products() == [msgspec.structs.replace(
        ghost, formats=("vst3",), members=("vst3:2046504473616C63504D435A00000000",))]


def test_linking_5000_records_round_trips(catalogue: SQLiteCatalogue) -> None:
    records = make_records(5000)
    catalogue.upsert(records)
    products = link_products(catalogue.list())
    assert sum(len(p.members) for p in products) == 5000
    catalogue.replace_products(products)
    assert catalogue.products() == products
