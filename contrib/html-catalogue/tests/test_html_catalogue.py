"""The example exporter through the CLI on the real zam-plugins VST3 set, read back with an
independent HTML parser."""

from __future__ import annotations

from html.parser import HTMLParser

ZAMCOMP_VST3 = "vst3:2046504473616C63504D435A00000000"


class Rows(HTMLParser):
    """Each table row's cells, and the section headings."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell: list[str] | None = None
        self._in_h2 = False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag == "h2":
            self._in_h2 = True

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join(self._cell))
            self._cell = None
        elif tag == "h2":
            self._in_h2 = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        elif self._in_h2:
            self.headings.append(data)


def test_the_page_lists_plugins_by_category_with_tags_and_collections(run_cli, tmp_path):
    assert run_cli("scan", "/usr/lib/vst3", "--json").exit_code == 0
    assert run_cli("tag", "add", "glue", ZAMCOMP_VST3).exit_code == 0
    assert run_cli("collection", "create", "Mixing").exit_code == 0
    assert run_cli("collection", "add", "Mixing", ZAMCOMP_VST3).exit_code == 0
    listed = run_cli("export", "--help")
    assert "html" in listed.stdout
    page = tmp_path / "plugins.html"
    result = run_cli("export", "html", str(page))
    assert result.exit_code == 0, result.stderr
    parser = Rows()
    parser.feed(page.read_text(encoding="utf-8"))
    rows = [r for r in parser.rows if r]
    assert len(rows) == 17
    comp = next(r for r in rows if r[0] == "ZamComp")
    assert comp[1:3] == ["Damien Zammit", "vst3"] and "glue" in comp[3] and "Mixing" in comp[3]
    assert any("Dynamics" in h for h in parser.headings)
    dry = run_cli("export", "html", str(page), "--collection", "Mixing", "--dry-run")
    assert dry.exit_code == 0 and "-<tr" in dry.stdout
    assert len([r for r in Rows_of(page) if r]) == 17, "a dry run writes nothing"
    titled = run_cli("export", "html", str(page), "--option", "title=Studio <B> plugins")
    assert titled.exit_code == 0, titled.stderr
    assert "<title>Studio &lt;B&gt; plugins</title>" in page.read_text(encoding="utf-8")


def Rows_of(path):
    parser = Rows()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.rows
