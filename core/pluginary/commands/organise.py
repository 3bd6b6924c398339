"""``pluginary tag``, ``collection``, ``saved`` and ``organise``: the user's organisation.

Wherever a plugin ID is expected, a query works too (``tag add favourite 'vendor:zam comp'``);
above :data:`CONFIRM_ABOVE` matches it asks first (``--yes`` skips that). Everything is keyed by
``format:uid`` (or ``product:<key>`` for a tag on every format of a product), never a row id.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import msgspec
import typer

from .. import hookimpl
from ..cli import Session
from ..errors import NotFoundError, UsageError
from ..organisation import (
    PRODUCT_PREFIX,
    SCHEMA,
    VERSION,
    Collection,
    Organisation,
    SavedSearch,
    Tagging,
    collection_name,
    saved_name,
    tag_name,
)
from ..output import emit_json, emit_table
from ..presets.model import PRESET_PREFIX
from ..query.parser import parse
from ..query.resolve import Context, resolve
from ..query.tree import Field, Sort, walk
from ..registry import CommandRegister
from ..search import find, known_formats, prepare
from .common import (
    RECORD_COLUMNS,
    JsonFlag,
    read_export,
    record_row,
    session,
    wants_json,
    write_new_json,
)

#: A query that matches more plugins than this asks before tagging or adding them.
CONFIRM_ABOVE = 20

tag_app = typer.Typer(no_args_is_help=True)
collection_app = typer.Typer(no_args_is_help=True)
saved_app = typer.Typer(no_args_is_help=True)
organise_app = typer.Typer(no_args_is_help=True)

Targets = Annotated[list[str], typer.Argument(
    metavar="ID_OR_QUERY...", help="Plugin IDs (format:uid), product:<key>, preset:<ID>, or a "
    "query.")]
YesFlag = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask when a query matches "
                                       f"more than {CONFIRM_ABOVE} plugins.")]


@hookimpl
def register_commands(register: CommandRegister) -> None:
    register("tag", tag_app, help="Tag plugins (favourite, hidden, anything): add, rm, list.")
    register("collection", collection_app, help="Named, ordered collections of plugins, "
             "static or smart: create, add, rm, show, list, delete, rename.")
    register("saved", saved_app, help="Saved searches: create, list, run, delete.")
    register("organise", organise_app, help="Back up or move tags, collections and saved "
             "searches: export, import.")


def targets(s: Session, words: list[str], *, yes: bool, doing: str,
            products: bool = True) -> list[str]:
    """The plugin keys (or product targets) that ``words`` name: IDs (``format:uid``,
    ``product:<key>``), each its own word, or else one query made of all the words."""
    catalogue = s.catalogue()
    text = " ".join(words).strip()
    if not text:
        raise UsageError("name at least one plugin", hint="an ID such as vst3:… or a query "
                         "such as 'vendor:zam comp'")
    formats = known_formats(s.pm, catalogue)
    shaped = [w for w in words if w.startswith((PRODUCT_PREFIX, PRESET_PREFIX)) or (
        ":" in w and w.split(":", 1)[0] in formats and " " not in w)]
    if shaped and len(shaped) == len(words):
        return [_identity(s, word, products=products) for word in words]
    hits = find(s.pm, catalogue, text, sort=Sort.NAME, limit=None, hidden=True).hits
    if not hits:
        raise NotFoundError(f"no plugin matches '{text}'",
                            hint="check it with pluginary search")
    if len(hits) > CONFIRM_ABOVE and not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"'{text}' matches {len(hits)} plugins; {doing} all of them?",
                             hint="add --yes to confirm (input that is not a terminal cannot "
                                  "answer), or narrow the query")
        typer.confirm(f"'{text}' matches {len(hits)} plugins; {doing} all of them?", abort=True)
    return [h.record.key for h in hits]


def _identity(s: Session, word: str, *, products: bool) -> str:
    """One ID as stored: a plugin's exact key (or unique prefix), or ``product:<key>``."""
    catalogue = s.catalogue()
    if word.startswith(PRESET_PREFIX):
        # A preset (docs/presets.md): tagged and collected like a plugin, by its stable ID.
        info = catalogue.preset_store().get(word[len(PRESET_PREFIX):])
        if info is None:
            raise NotFoundError(f"no preset '{word}' in the catalogue",
                                hint="find its ID with pluginary preset list")
        return PRESET_PREFIX + info.key
    if word.startswith(PRODUCT_PREFIX):
        key = word[len(PRODUCT_PREFIX):]
        if not products:
            raise UsageError("a collection holds plugins, not products",
                             hint=f"add its plugins with the query 'product:\"{key}\"'")
        if key not in {p.key for p in catalogue.products()}:
            raise NotFoundError(f"no product '{key}' in the catalogue",
                                hint="see pluginary list --group-by product")
        return word
    record = catalogue.get(word)
    if record is None:
        raise NotFoundError(f"no plugin '{word}' in the catalogue",
                            hint="find its ID with pluginary search")
    return record.key


# -- tags ------------------------------------------------------------------------------------


@tag_app.command("add")
def tag_add(ctx: typer.Context, tag: Annotated[str, typer.Argument(help="The tag.")],
            target: Targets, yes: YesFlag = False) -> None:
    """Tag plugins; 'favourite' marks favourites, 'hidden' hides from listings and exports."""
    s, name = session(ctx), tag_name(tag)
    keys = targets(s, target, yes=yes, doing=f"tag '{name}'")
    added = s.catalogue().add_tags([Tagging(tag=name, target=k) for k in keys])
    sys.stdout.write(f"tagged {len(keys)} with '{name}' ({added} new)\n")


@tag_app.command("rm")
def tag_rm(ctx: typer.Context, tag: Annotated[str, typer.Argument(help="The tag.")],
           target: Targets, yes: YesFlag = False) -> None:
    """Remove a tag from plugins (or from a product)."""
    s, name = session(ctx), tag_name(tag)
    keys = targets(s, target, yes=yes, doing=f"untag '{name}'")
    removed = s.catalogue().remove_tags([Tagging(tag=name, target=k) for k in keys])
    sys.stdout.write(f"removed '{name}' from {removed} of {len(keys)}\n")


@tag_app.command("list")
def tag_list(ctx: typer.Context, tag: Annotated[str | None, typer.Argument(
        help="Show what carries this tag.")] = None, json: JsonFlag = False) -> None:
    """Every tag with how many targets carry it; with TAG, its targets."""
    tags = session(ctx).catalogue().organisation().tags
    if tag is not None:
        name = tag_name(tag)
        found = [t.target for t in tags if t.tag == name]
        if wants_json(ctx, json):
            emit_json(found)
        elif not found:
            sys.stderr.write(f"Nothing is tagged '{name}'.\n")
        else:
            emit_table(("Target",), [(t,) for t in found], title=f"tagged '{name}'")
        return
    counts: dict[str, int] = {}
    for t in tags:
        counts[t.tag] = counts.get(t.tag, 0) + 1
    if wants_json(ctx, json):
        emit_json(counts)
    elif not counts:
        sys.stderr.write("No tags yet: pluginary tag add favourite ID_OR_QUERY\n")
    else:
        emit_table(("Tag", "Targets"), sorted(counts.items()), title=f"{len(counts)} tags")


# -- collections -----------------------------------------------------------------------------


def collection_named(s: Session, name: str) -> Collection:
    """The collection called ``name`` (case-insensitively); NotFoundError otherwise."""
    wanted = collection_name(name).casefold()
    for c in s.catalogue().organisation().collections:
        if c.name.casefold() == wanted:
            return c
    raise NotFoundError(f"no collection '{name}'", hint="see pluginary collection list")


@collection_app.command("create")
def collection_create(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Name, or Parent/Child.")],
    saved: Annotated[str | None, typer.Option(
        "--saved", help="Make it smart: defined by this saved search.")] = None,
) -> None:
    """Create an empty collection, or a smart one defined by a saved search."""
    s, name = session(ctx), collection_name(name)
    catalogue = s.catalogue()
    existing = {c.name.casefold() for c in catalogue.organisation().collections}
    if name.casefold() in existing:
        raise UsageError(f"a collection '{name}' exists already", hint="choose another name")
    if "/" in name and name.split("/")[0].casefold() not in existing:
        catalogue.put_collection(Collection(name=name.split("/")[0]))
    if saved is not None:
        prepare(s.pm, catalogue, f"saved:{saved_name(saved)}")  # it exists and resolves
    catalogue.put_collection(Collection(name=name, saved=saved or ""))
    sys.stdout.write(f"created collection '{name}'" + (f" (smart: saved:{saved})" if saved
                                                        else "") + "\n")


@collection_app.command("add")
def collection_add(ctx: typer.Context, name: Annotated[str, typer.Argument()],
                   target: Targets, yes: YesFlag = False) -> None:
    """Add plugins at the end of a collection (those already in it stay where they are)."""
    s = session(ctx)
    collection = _smartless(collection_named(s, name))
    keys = targets(s, target, yes=yes, doing=f"add to '{collection.name}'", products=False)
    new = [k for k in dict.fromkeys(keys) if k not in collection.members]
    s.catalogue().put_collection(msgspec.structs.replace(
        collection, members=(*collection.members, *new)))
    sys.stdout.write(f"added {len(new)} to '{collection.name}' "
                     f"({len(collection.members) + len(new)} in all)\n")


@collection_app.command("rm")
def collection_rm(ctx: typer.Context, name: Annotated[str, typer.Argument()],
                  target: Targets, yes: YesFlag = False) -> None:
    """Remove plugins from a collection."""
    s = session(ctx)
    collection = _smartless(collection_named(s, name))
    gone = set(targets(s, target, yes=yes, doing=f"remove from '{collection.name}'",
                       products=False))
    kept = tuple(m for m in collection.members if m not in gone)
    s.catalogue().put_collection(msgspec.structs.replace(collection, members=kept))
    sys.stdout.write(f"removed {len(collection.members) - len(kept)} from "
                     f"'{collection.name}'\n")


def _smartless(collection: Collection) -> Collection:
    if collection.saved:
        raise UsageError(f"'{collection.name}' is smart (saved:{collection.saved}); its "
                         "plugins come from the saved search",
                         hint=f"change it with pluginary saved create {collection.saved} QUERY")
    return collection


@collection_app.command("show")
def collection_show(ctx: typer.Context, name: Annotated[str, typer.Argument()],
                    json: JsonFlag = False) -> None:
    """The plugins of a collection, in its order (a smart one evaluated now)."""
    s = session(ctx)
    collection = collection_named(s, name)
    result = find(s.pm, s.catalogue(), f'collection:"{collection.name}"', sort=Sort.NAME,
                  limit=None, hidden=True, parameters=wants_json(ctx, json))
    records = {h.record.key: h.record for h in result.hits}
    order = [k for k in collection.members if k in records] + sorted(
        set(records) - set(collection.members), key=lambda k: records[k].name.casefold())
    store = s.catalogue().preset_store()
    presets = [info for k in collection.members if k.startswith(PRESET_PREFIX)
               for info in [store.get(k[len(PRESET_PREFIX):])] if info is not None]
    found = {PRESET_PREFIX + p.key for p in presets}
    missing = [k for k in collection.members if k not in records and k not in found]
    if wants_json(ctx, json):
        emit_json({"collection": collection, "plugins": [records[k] for k in order],
                   "presets": presets, "missing": missing})
        return
    emit_table(RECORD_COLUMNS, [record_row(records[k]) for k in order],
               title=f"{collection.name}: {len(order)} plugins")
    if presets:
        emit_table(("Preset", "Name", "Plugin"), [[PRESET_PREFIX + p.key, p.name, p.plugin]
                                                  for p in presets],
                   title=f"{collection.name}: {len(presets)} presets")
    if missing:
        sys.stderr.write(f"{len(missing)} not in the catalogue now (kept): "
                         f"{', '.join(missing)}\n")


@collection_app.command("list")
def collection_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every collection: name, size, and the saved search of a smart one."""
    collections = session(ctx).catalogue().organisation().collections
    if wants_json(ctx, json):
        emit_json(collections)
    elif not collections:
        sys.stderr.write("No collections yet: pluginary collection create NAME\n")
    else:
        emit_table(("Collection", "Plugins", "Smart"), [
            (c.name, "" if c.saved else len(c.members), f"saved:{c.saved}" if c.saved else "")
            for c in collections], title=f"{len(collections)} collections")


@collection_app.command("delete")
def collection_delete(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Delete a collection (and those nested in it); the plugins stay in the catalogue."""
    s = session(ctx)
    collection = collection_named(s, name)
    gone = s.catalogue().delete_collection(collection.name)
    sys.stdout.write(f"deleted '{collection.name}'" + (f" and {gone - 1} nested" if gone > 1
                                                       else "") + "\n")


@collection_app.command("rename")
def collection_rename(ctx: typer.Context, old: Annotated[str, typer.Argument()],
                      new: Annotated[str, typer.Argument()]) -> None:
    """Rename a collection; the ones nested in it follow."""
    s = session(ctx)
    collection = collection_named(s, old)
    s.catalogue().rename_collection(collection.name, collection_name(new))
    sys.stdout.write(f"renamed '{collection.name}' to '{collection_name(new)}'\n")


# -- saved searches --------------------------------------------------------------------------


@saved_app.command("create")
def saved_create(ctx: typer.Context, name: Annotated[str, typer.Argument()],
                 query: Annotated[list[str], typer.Argument(metavar="QUERY")]) -> None:
    """Save a query by name (replacing one of that name); saved:NAME uses it in a query."""
    s, name = session(ctx), saved_name(name)
    text = " ".join(query)
    catalogue = s.catalogue()
    before = {x.name.casefold(): x for x in catalogue.organisation().saved}
    catalogue.put_saved_search(SavedSearch(name=name, query=text))
    try:  # checked as stored, so a cycle through other saved searches is found now
        prepare(s.pm, catalogue, f"saved:{name}")
    except UsageError:
        old = before.get(name.casefold())
        if old is None:
            catalogue.delete_saved_search(name)
        else:
            catalogue.put_saved_search(old)
        raise
    sys.stdout.write(f"saved '{name}': {text}\n")


@saved_app.command("list")
def saved_list(ctx: typer.Context, json: JsonFlag = False) -> None:
    """Every saved search and its query."""
    saved = session(ctx).catalogue().organisation().saved
    if wants_json(ctx, json):
        emit_json(saved)
    elif not saved:
        sys.stderr.write("No saved searches yet: pluginary saved create NAME QUERY\n")
    else:
        emit_table(("Name", "Query"), [(x.name, x.query) for x in saved],
                   title=f"{len(saved)} saved searches")


@saved_app.command("run")
def saved_run(ctx: typer.Context, name: Annotated[str, typer.Argument()],
              limit: Annotated[int | None, typer.Option("--limit", "-n", min=1)] = None,
              json: JsonFlag = False) -> None:
    """Evaluate a saved search now."""
    s = session(ctx)
    result = find(s.pm, s.catalogue(), f"saved:{saved_name(name)}", limit=limit,
                  parameters=wants_json(ctx, json))
    if wants_json(ctx, json):
        emit_json(result.hits)
    elif not result.hits:
        sys.stderr.write(f"No plugin matches saved:{name}.\n")
    else:
        emit_table(RECORD_COLUMNS, [record_row(h.record) for h in result.hits],
                   title=f"{len(result.hits)} of {result.total} for saved:{name}")


@saved_app.command("delete")
def saved_delete(ctx: typer.Context, name: Annotated[str, typer.Argument()]) -> None:
    """Delete a saved search (a smart collection using it is refused: delete that first)."""
    s = session(ctx)
    catalogue = s.catalogue()
    organisation = catalogue.organisation()
    users = [c.name for c in organisation.collections
             if c.saved.casefold() == name.casefold()]
    users += [f"saved:{x.name}" for x in organisation.saved
              if x.name.casefold() != name.casefold() and uses_saved(x.query, name)]
    if users:
        raise UsageError(f"saved search '{name}' is used by {', '.join(users)}",
                         hint="delete or change those first")
    if not catalogue.delete_saved_search(name):
        raise NotFoundError(f"no saved search '{name}'", hint="see pluginary saved list")
    sys.stdout.write(f"deleted saved search '{name}'\n")


def uses_saved(query: str, name: str) -> bool:
    """Whether the query text names ``saved:name`` (a query that does not parse names none)."""
    try:
        tree = parse(query)
    except UsageError:
        return False
    return any(isinstance(n, Field) and n.name == "saved" and n.value.casefold()
               == name.casefold() for n in walk(tree))


# -- backup ----------------------------------------------------------------------------------


@organise_app.command("export")
def organise_export(ctx: typer.Context, destination: Annotated[Path, typer.Argument(
        help="A new JSON file to write.")]) -> None:
    """Write every tag, collection and saved search to a versioned JSON file."""
    data = session(ctx).catalogue().organisation()
    write_new_json(destination, data)
    sys.stdout.write(f"exported {len(data.tags)} tags, {len(data.collections)} collections "
                     f"and {len(data.saved)} saved searches to {destination}\n")


@organise_app.command("import")
def organise_import(ctx: typer.Context, source: Annotated[Path, typer.Argument(
        help="A file 'pluginary organise export' wrote.")], json: JsonFlag = False) -> None:
    """Merge an export: adds what is missing, never drops or changes what is here."""
    data = read_export(source, Organisation, what="an organisation export",
                       command="pluginary organise export FILE")
    if (data.schema, data.version) != (SCHEMA, VERSION):
        raise UsageError(f"{source} is {data.schema} version {data.version}; this Pluginary "
                         f"reads {SCHEMA} version {VERSION}")
    try:  # names are checked as the commands check them, so an edited file cannot sneak in
        data = Organisation(
            tags=tuple(Tagging(tag=tag_name(t.tag), target=t.target) for t in data.tags),
            collections=tuple(msgspec.structs.replace(c, name=collection_name(c.name))
                              for c in data.collections),
            saved=tuple(SavedSearch(name=saved_name(x.name), query=x.query)
                        for x in data.saved))
    except UsageError as exc:
        raise UsageError(f"{source}: {exc.message}", hint=exc.hint) from None
    s = session(ctx)
    catalogue = s.catalogue(create=True)
    check_import(s, catalogue.organisation(), data, source)
    added = catalogue.merge_organisation(data)
    if wants_json(ctx, json):
        emit_json({"added": added})
        return
    sys.stdout.write(f"imported {source}: {added} added (nothing here was dropped)\n")


def check_import(s: Session, here: Organisation, data: Organisation, source: Path) -> None:
    """Refuse an import that would leave something broken: a saved search that does not parse
    or reaches itself, a smart collection whose saved search exists nowhere, or two entries
    whose names differ only in case. Checked against what the catalogue will hold after the
    merge (what is here wins a name)."""
    for kind, names in (("collection", [c.name for c in data.collections]),
                        ("saved search", [x.name for x in data.saved])):
        folded = [n.casefold() for n in names]
        twice = sorted({n for n in names if folded.count(n.casefold()) > 1})
        if twice:
            raise UsageError(f"{source}: the {kind} names {', '.join(twice)} differ only in "
                             "case", hint="keep one of them")
    saved = {x.name.casefold(): x.query for x in data.saved}
    saved.update({x.name.casefold(): x.query for x in here.saved})
    collections = {c.name.casefold(): c for c in (*data.collections, *here.collections)}
    context = Context(saved=lambda: saved, collections=lambda: collections,
                      categories=lambda: lambda value: ("",), formats=lambda: _Anything())
    for x in data.saved:
        text = f"saved:{x.name}"
        try:
            resolve(parse(text), text, context, parse)
        except UsageError as exc:
            raise UsageError(f"{source}: {exc.message}", hint=exc.hint) from None
    for c in data.collections:
        if c.saved and c.saved.casefold() not in saved:
            raise UsageError(f"{source}: collection '{c.name}' is defined by saved search "
                             f"'{c.saved}', which is neither in the file nor here",
                             hint="add the saved search to the file")


class _Anything(frozenset[str]):
    """Every format: an import is checked for its own consistency, not this machine's."""

    def __contains__(self, value: object) -> bool:
        return True
