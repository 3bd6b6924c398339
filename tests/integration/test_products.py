"""Products on the real zam-plugins set: ZamComp as VST3, LADSPA (and LV2) is one product.

Debian's zam-plugins must be installed (``apt-get install zam-plugins``): a missing set fails
these tests, it never skips them. The LV2 part runs when the pluginary-lv2 extension is
installed; without it the test says so in its output and checks VST3 and LADSPA.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import msgspec

from pluginary.manager import make_plugin_manager
from pluginary.models import PluginRecord, Product
from pluginary.registry import collect_formats

from .conftest import fill

VST3 = Path("/usr/lib/vst3")
LADSPA = sorted(Path("/usr/lib/ladspa").glob("Za[mM]*-ladspa.so"))
LV2 = sorted(Path("/usr/lib/lv2").glob("Za[mM]*.lv2"))
#: zam-plugins 4.1 in bookworm ships CLAP builds too, though Debian has no other CLAP plugin.
CLAP = sorted(Path("/usr/lib/clap").glob("Za[mM]*.clap"))
ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"  # DPF: {'DPF ', 'clas', 'ZCMP', 0}
ZAMCOMP_LADSPA = "ladspa:1514360144"  # 'ZCMP' as a number
ZAMCOMP_LV2 = "lv2:urn:zamaudio:ZamComp"


def scan_zam(run_cli) -> set[str]:
    """Scan the zam set into the test's catalogue; return the formats scanned."""
    zam_vst3 = sorted(VST3.glob("Za[mM]*.vst3"))
    assert len(zam_vst3) >= 17 and len(LADSPA) >= 13 and len(LV2) >= 17 and len(CLAP) >= 17, (
        "apt-get install zam-plugins")
    # tox installs every format extension here: one missing is a packaging fault, not a skip.
    formats = {"vst3", "ladspa", "lv2", "clap"}
    assert formats <= set(collect_formats(make_plugin_manager()))
    steps = [("scan", str(VST3), "--format", "vst3", "--quick", "--json"),
             ("scan", *map(str, LADSPA), "--format", "ladspa", "--json"),
             ("scan", *map(str, LV2), "--format", "lv2", "--json"),
             ("scan", *map(str, CLAP), "--format", "clap", "--quick", "--json")]
    for argv in steps:
        result = run_cli(*argv)
        assert result.exit_code == 0, result.stderr
    return formats


def grouped(run_cli, *argv: str) -> list[tuple[Product, list[PluginRecord]]]:
    result = run_cli("list", "--group-by", "product", *argv, "--json")
    assert result.exit_code == 0, result.stderr
    return [(msgspec.convert(g["product"], Product),
             msgspec.convert(g["plugins"], list[PluginRecord])) for g in result.json()]


def test_zam_plugins_link_across_formats(run_cli, pluginary_env):
    formats = scan_zam(run_cli)
    groups = grouped(run_cli)
    products = {p.key: p for p, _ in groups}
    records = [r for _, members in groups for r in members]
    zam = [r for r in records if r.name.startswith(("Zam", "ZaM"))]
    assert len(zam) == len(records), "only the zam set was scanned"

    comp = products["damienzammit/zamcomp"]
    assert set(comp.formats) == formats
    assert {ZAMCOMP_VST3, ZAMCOMP_LADSPA, ZAMCOMP_LV2} <= set(comp.members)
    assert "dpf-id" in comp.links and "name" in comp.links
    x2 = products["damienzammit/zamcompx2"]
    assert x2.key != comp.key and not set(x2.members) & set(comp.members)
    assert set(x2.formats) == formats

    # Every record is in exactly one product, none with two records of one format.
    assert sorted(m for p in products.values() for m in p.members) == sorted(r.key for r in zam)
    assert all(len(p.formats) == len(p.members) for p in products.values())
    # What linked and what did not: every zam plugin the VST3 set has is one product, each
    # with every format Debian ships it in.
    by_format = {f: {r.name for r in zam if r.format == f} for f in formats}
    assert len(products) == len(by_format["vst3"]) == 17
    for product in products.values():
        expected = {f for f in formats if product.name in by_format[f]}
        assert set(product.formats) == expected, product
    multi = [p for p in products.values() if len(p.formats) > 1]
    counts = ", ".join(f"{len(by_format[f])} {f}" for f in sorted(formats))
    print(f"zam set: {len(zam)} records ({counts}) "
          f"-> {len(products)} products, {len(multi)} in several formats, "
          f"{len(products) - len(multi)} in one: "
          + ", ".join(sorted(p.name for p in products.values() if len(p.formats) == 1)))
    # ZamHeadX2, ZamPhono, ZaMultiComp and ZamVerb have no LADSPA build in Debian.
    assert {p.name for p in products.values() if "ladspa" not in p.formats} == {
        "ZamHeadX2", "ZamPhono", "ZaMultiComp", "ZamVerb"}


def test_show_lists_the_formats_of_the_product(run_cli, pluginary_env):
    formats = scan_zam(run_cli)
    shown = run_cli("show", ZAMCOMP_LADSPA, "--json")
    assert shown.exit_code == 0, shown.stderr
    data = shown.json()
    assert data["name"] == "ZamComp" and data["format"] == "ladspa"
    assert set(data["product"]["formats"]) == formats
    assert data["product"]["key"] == "damienzammit/zamcomp"
    text = run_cli("show", ZAMCOMP_VST3)
    assert text.exit_code == 0, text.stderr
    lines = dict(line.split(None, 1) for line in text.stdout.splitlines()
                 if line.startswith(("Product ", "Formats ")))
    assert lines["Formats"].strip() == ", ".join(sorted(formats))
    assert lines["Product"].strip() == "ZamComp (damienzammit/zamcomp)"
    assert ZAMCOMP_LADSPA in text.stdout


def test_products_survive_a_rescan(run_cli, pluginary_env):
    scan_zam(run_cli)
    before = {p.key: p for p, _ in grouped(run_cli)}
    conn = sqlite3.connect(pluginary_env)
    try:
        stored_before = conn.execute("SELECT format, uid, product FROM plugins ORDER BY 1, 2"
                                     ).fetchall()
    finally:
        conn.close()
    again = run_cli("scan", str(VST3), "--format", "vst3", "--quick", "--json")
    assert again.exit_code == 0, again.stderr
    assert again.json()["products"] == len(before)
    assert {p.key: p for p, _ in grouped(run_cli)} == before
    conn = sqlite3.connect(pluginary_env)
    try:
        assert conn.execute("SELECT format, uid, product FROM plugins ORDER BY 1, 2"
                            ).fetchall() == stored_before
        assert all(product for _, _, product in stored_before), "every plugin stored linked"
    finally:
        conn.close()


def test_an_unchanged_rescan_links_a_catalogue_that_has_no_products_yet(run_cli, pluginary_env):
    # The state a v3 catalogue is in right after its migration to v4: plugins, no products.
    scan_zam(run_cli)
    expected = {p.key: p for p, _ in grouped(run_cli)}
    conn = sqlite3.connect(pluginary_env)
    try:
        with conn:
            conn.execute("UPDATE plugins SET product = NULL")
            conn.execute("DELETE FROM products")
    finally:
        conn.close()
    again = run_cli("scan", str(VST3), "--format", "vst3", "--quick", "--json").json()
    assert again["loaded"] == 0 and again["products"] == len(expected)
    assert {p.key: p for p, _ in grouped(run_cli)} == expected


def test_group_by_filters_and_limits(run_cli, pluginary_env):
    formats = scan_zam(run_cli)
    ladspa_only = grouped(run_cli, "--format", "ladspa")
    assert len(ladspa_only) == 13
    # the product still names every format it exists in; only LADSPA plugins are listed
    assert all(set(p.formats) == formats for p, _ in ladspa_only)
    assert all([r.format for r in members] == ["ladspa"] for _, members in ladspa_only)
    assert len(grouped(run_cli, "--limit", "3")) == 3
    text = run_cli("list", "--group-by", "product")
    assert text.exit_code == 0, text.stderr
    header, *rows = text.stdout.splitlines()
    assert header.split("\t") == ["Product", "Name", "Vendor", "Formats", "Plugins"]
    assert len(rows) == 17
    comp = next(line for line in text.stdout.splitlines()
                if line.startswith("damienzammit/zamcomp\t"))
    assert comp.split("\t")[3] == ", ".join(sorted(formats))


def test_bad_group_by_is_one_line(run_cli, pluginary_env):
    fill(pluginary_env, [])
    result = run_cli("list", "--group-by", "foo")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: cannot group by 'foo' (hint: choose one of product)"
    both = run_cli("list", "--group-by", "product", "--duplicates")
    assert both.exit_code == 2 and len(both.stderr.strip().splitlines()) == 1


def test_a_catalogue_written_outside_a_scan_is_linked_on_the_fly(run_cli, pluginary_env):
    # Records written by upsert only (as an importer, or a catalogue migrated from v3, would
    # have them) have no stored product: show and list compute the same links.
    records = [
        PluginRecord(format="vst3", uid=ZAMCOMP_VST3.split(":", 1)[1], name="ZamComp",
                     vendor="Damien Zammit"),
        PluginRecord(format="ladspa", uid="1514360144", name="ZamComp",
                     vendor="Damien Zammit <damien@zamaudio.com>"),
    ]
    fill(pluginary_env, records)
    (group,) = grouped(run_cli)
    assert group[0].members == (ZAMCOMP_LADSPA, ZAMCOMP_VST3)
    shown = run_cli("show", ZAMCOMP_VST3, "--json").json()
    assert shown["product"]["formats"] == ["ladspa", "vst3"]
    info = run_cli("db", "info", "--json").json()
    assert info["details"]["products"] == 0, "reading commands never write"
