"""The query parser: text to tree, located errors, and unparse back to text."""

from __future__ import annotations

import msgspec
import pytest

from pluginary.errors import UsageError
from pluginary.query.parser import QueryError, parse, unparse
from pluginary.query.tree import And, Category, Everything, Field, Not, Or, Text


def nopos(node):
    """The tree as plain data without ``pos``, so trees compare by meaning only."""

    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "pos"}
        if isinstance(value, (list, tuple)):
            return [strip(item) for item in value]
        return value

    return strip(msgspec.to_builtins(node))


def same(query, expected):
    assert nopos(parse(query)) == nopos(expected)


def w(value):
    return Text(value=value)


def error(query) -> QueryError:
    with pytest.raises(QueryError) as caught:
        parse(query)
    return caught.value


# --- what the brief and the docs promise ------------------------------------------------------


def test_the_tree_module_example():
    same("comp vendor:zam -side",
         And(items=(w("comp"), Field(name="vendor", value="zam"), Not(item=w("side")))))


@pytest.mark.parametrize(("query", "expected"), [
    ("vendor:zam", Field(name="vendor", op=":", value="zam")),
    ("params>20", Field(name="params", op=">", value="20")),
    ("outputs>=2", Field(name="outputs", op=">=", value="2")),
    ("inputs:2", Field(name="inputs", op=":", value="2")),
    ('vendor:"Robin Gareus"', Field(name="vendor", op=":", value="Robin Gareus")),
    ("path:/usr/lib/lv2/*", Field(name="path", value="/usr/lib/lv2/*")),
    ("name:a(b", Field(name="name", value="a(b")),
    ("validated:3", Field(name="validated", value="3")),
    ("Failed-Level:5", Field(name="failed-level", value="5")),
])
def test_fields(query, expected):
    same(query, expected)


def test_empty_query_is_everything():
    for query in ("", "   ", "\t\n", "\x00", " \x01\x7f "):
        assert parse(query) == Everything()


# --- precedence, grouping, negation -----------------------------------------------------------


def test_and_binds_tighter_than_or():
    same("a b OR c", Or(items=(And(items=(w("a"), w("b"))), w("c"))))
    same("a OR b c", Or(items=(w("a"), And(items=(w("b"), w("c"))))))
    same("a AND b OR c AND d",
         Or(items=(And(items=(w("a"), w("b"))), And(items=(w("c"), w("d"))))))


def test_explicit_and_is_juxtaposition():
    assert nopos(parse("a AND b")) == nopos(parse("a b"))


def test_parentheses_group_and_flatten():
    same("a (b OR c)", And(items=(w("a"), Or(items=(w("b"), w("c"))))))
    same("(a OR b) c", And(items=(Or(items=(w("a"), w("b"))), w("c"))))
    same("a(b OR c)", And(items=(w("a"), Or(items=(w("b"), w("c"))))))
    same("(a b) c", And(items=(w("a"), w("b"), w("c"))))
    same("a OR (b OR c)", Or(items=(w("a"), w("b"), w("c"))))
    same("((a))", w("a"))
    same("(vendor:zam OR vendor:x)",
         Or(items=(Field(name="vendor", value="zam"), Field(name="vendor", value="x"))))


def test_minus_negates_only_at_the_start_of_a_term():
    same("-side", Not(item=w("side")))
    same("mid-side", w("mid-side"))
    same("comp -mid-side", And(items=(w("comp"), Not(item=w("mid-side")))))
    same("-vendor:x", Not(item=Field(name="vendor", value="x")))
    same("-(a OR b)", Not(item=Or(items=(w("a"), w("b")))))
    same('-"mid side"', Not(item=Text(value="mid side", phrase=True)))
    same("a AND -b", And(items=(w("a"), Not(item=w("b")))))


def test_not():
    same("NOT side", Not(item=w("side")))
    same("comp NOT side", And(items=(w("comp"), Not(item=w("side")))))
    same("NOT (a OR b)", Not(item=Or(items=(w("a"), w("b")))))
    same("NOT a OR b", Or(items=(Not(item=w("a")), w("b"))))
    same("NOT NOT x", Not(item=Not(item=w("x"))))
    same("--x", Not(item=Not(item=w("x"))))


def test_lower_case_keywords_are_words():
    same("reverb and delay or not",
         And(items=tuple(w(v) for v in ("reverb", "and", "delay", "or", "not"))))
    same("Not And", And(items=(w("Not"), w("And"))))


# --- phrases and values -----------------------------------------------------------------------


def test_phrases():
    same('"mid side"', Text(value="mid side", phrase=True))
    same('comp "mid side" eq',
         And(items=(w("comp"), Text(value="mid side", phrase=True), w("eq"))))
    same('"AND"', Text(value="AND", phrase=True))
    same('"vnedor:zam"', Text(value="vnedor:zam", phrase=True))


def test_escapes_inside_quotes():
    same(r'"say \"hi\""', Text(value='say "hi"', phrase=True))
    same(r'"back\\slash"', Text(value="back\\slash", phrase=True))
    # Any other backslash is literal, so Windows paths need no doubling.
    same(r'path:"C:\Program Files\x"', Field(name="path", value=r"C:\Program Files\x"))
    same(r"path:C:\plugins", Field(name="path", value=r"C:\plugins"))


def test_field_names_are_case_insensitive_and_aliases_are_canonical():
    same("Vendor:Zam", Field(name="vendor", value="Zam"))
    same("PARAMETERS>3", Field(name="params", op=">", value="3"))
    same("cat:dynamics", Field(name="category", value="dynamics"))
    same("tags:favourite", Field(name="tag", value="favourite"))


@pytest.mark.parametrize("op", [">=", "<=", ":", ">", "<"])
def test_number_operators(op):
    same(f"params{op}20", Field(name="params", op=op, value="20"))


def test_number_equals_is_stored_as_colon_and_number_is_canonical():
    same("params=20", Field(name="params", op=":", value="20"))
    same("inputs:02", Field(name="inputs", value="2"))
    same('outputs:"2"', Field(name="outputs", value="2"))


def test_choice_values_are_lower_cased():
    same("status:OK", Field(name="status", value="ok"))
    same("role:Midi-Effect", Field(name="role", value="midi-effect"))
    same("format:LV2", Field(name="format", value="lv2"))
    same("format:whatever", Field(name="format", value="whatever"))


def test_words_with_colons_that_are_not_field_attempts():
    same("12:30", w("12:30"))
    same("a_b:c", w("a_b:c"))


def test_control_characters_are_blanks():
    same("comp\x00side", And(items=(w("comp"), w("side"))))
    same("vendor:zam\x1bx", And(items=(Field(name="vendor", value="zam"), w("x"))))


def test_positions():
    tree = parse('comp  vendor:zam -side "a b"')
    assert isinstance(tree, And)
    assert [getattr(item, "pos", None) for item in tree.items] == [0, 6, None, 23]
    negated = tree.items[2]
    assert isinstance(negated, Not)
    assert isinstance(negated.item, Text)
    assert negated.item.pos == 18


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "message"), [
    ("vnedor:zam", "unknown field 'vnedor' at 1:1, did you mean 'vendor'?"),
    ("comp vnedor:zam", "unknown field 'vnedor' at 1:6, did you mean 'vendor'?"),
    ("paramz>2", "unknown field 'paramz' at 1:1, did you mean 'params'?"),
    ("xyz:1", "unknown field 'xyz' at 1:1"),
    ('"abc', "unbalanced quote at 1:1"),
    ('vendor:"Robin', "unbalanced quote at 1:8"),
    ('a "b\\"', "unbalanced quote at 1:3"),
    ("comp)", "unbalanced parenthesis at 1:5"),
    ("(comp", "unbalanced parenthesis at 1:1"),
    ("a (b (c) d", "unbalanced parenthesis at 1:3"),
    (")", "unbalanced parenthesis at 1:1"),
    ("()", "empty parentheses at 1:1"),
    ("reverb AND", "'AND' needs something after it at 1:8"),
    ("reverb OR", "'OR' needs something after it at 1:8"),
    ("reverb NOT", "'NOT' needs something after it at 1:8"),
    ("reverb -", "'-' needs something after it at 1:8"),
    ("a OR AND b", "'OR' needs something after it at 1:3"),
    ("(a OR)", "'OR' needs something after it at 1:4"),
    ("AND reverb", "'AND' needs something before it at 1:1"),
    ("a (OR b)", "'OR' needs something before it at 1:4"),
    ("params>x", "'params' needs a whole number at 1:1, got 'x'"),
    ("reverb params>x", "'params' needs a whole number at 1:8, got 'x'"),
    ("inputs:-1", "'inputs' needs a whole number at 1:1, got '-1'"),
    ("outputs>=2.5", "'outputs' needs a whole number at 1:1, got '2.5'"),
    ("vendor>x", "'vendor' takes ':' only at 1:1"),
    ("status=ok", "'status' takes ':' only at 1:1"),
    ("vendor:", "'vendor' needs a value at 1:1"),
    ('vendor:""', "'vendor' needs a value at 1:1"),
    ("(vendor:)", "'vendor' needs a value at 1:2"),
    ("status:crashd", "unknown status 'crashd' at 1:1, did you mean 'crashed'?"),
    ("role:zzz", "unknown role 'zzz' at 1:1"),
    ('""', "empty phrase at 1:1"),
    ("validated:x", "'validated' needs a level from 1 to 5 at 1:1, got 'x'"),
    ("comp validated:9", "'validated' needs a level from 1 to 5 at 1:6, got '9'"),
    ("failed-level:0", "'failed-level' needs a level from 1 to 5 at 1:1, got '0'"),
    ("failed-level:03", "'failed-level' needs a level from 1 to 5 at 1:1, got '03'"),
    ("validated>=3", "'validated' takes ':' only at 1:1"),
    ("failed-level:", "'failed-level' needs a value at 1:1"),
    ("faild-level:2", "unknown field 'faild-level' at 1:1, did you mean 'failed-level'?"),
])
def test_error_messages(query, message):
    assert str(error(query)) == message


def test_errors_are_usage_errors_with_a_position():
    caught = error("reverb AND")
    assert isinstance(caught, UsageError)
    assert caught.exit_code == 2
    assert (caught.pos, caught.line, caught.column) == (7, 1, 8)


def test_positions_count_lines():
    caught = error("comp\nside vnedor:x")
    assert str(caught) == "unknown field 'vnedor' at 2:6, did you mean 'vendor'?"
    assert caught.pos == 10
    assert str(error("a\nb\n  (c")) == "unbalanced parenthesis at 3:3"


def test_unknown_field_did_you_mean_and_hint():
    caught = error("vnedor:zam")
    assert caught.suggestion == "vendor"
    assert "vendor, name, format" in caught.hint
    assert '"vnedor:zam"' in caught.hint  # how to search for the text itself
    assert error("tgas:x").suggestion in ("tag", "tags")
    no_match = error("xyz:1")
    assert no_match.suggestion is None
    assert "outputs" in no_match.hint


def test_unknown_choice_lists_the_choices():
    caught = error("status:crashd")
    assert caught.suggestion == "crashed"
    assert caught.hint.startswith("status is one of ok, failed, timeout, crashed")


def test_hints():
    assert 'close it with "' in error('"abc').hint
    assert "close it with ')'" in error("(a").hint
    assert "params>20" in error("params>x").hint
    assert "params, inputs, outputs" in error("vendor>x").hint


# --- unparse ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [
    "comp vendor:zam -side",
    "a b OR c",
    "a (b OR c) d",
    "(a OR b) (c OR d)",
    "-(a OR b) NOT c",
    "NOT NOT x",
    "NOT (a b)",
    'vendor:"Robin Gareus" params>=20 outputs<2 inputs=2',
    r'"say \"hi\"" path:"C:\Program Files\\"',
    'name:"a(b" name:"x)y" tag:"back\\\\slash"',
    "status:OK role:EFFECT format:LV2",
    "mid-side reverb and delay or not 12:30",
    "cat:dynamics OR tags:fav OR parameters<3",
    "a OR (b OR (c d))",
    "validated:3 -failed-level:1",
    "",
])
def test_round_trip(query):
    tree = parse(query)
    text = unparse(tree)
    assert nopos(parse(text)) == nopos(tree)
    assert unparse(parse(text)) == text  # and the text is a fixed point


def test_unparse_text():
    assert unparse(parse("a b OR c")) == "a b OR c"
    assert unparse(parse("(a OR b) c")) == "(a OR b) c"
    assert unparse(parse("NOT (a OR b)")) == "-(a OR b)"
    assert unparse(parse("Parameters=3 vendor:'x'")) == "params:3 vendor:'x'"
    assert unparse(parse('vendor:"Robin Gareus"')) == 'vendor:"Robin Gareus"'
    assert unparse(Everything()) == ""


def test_unparse_refuses_what_query_text_cannot_say():
    with pytest.raises(ValueError):
        unparse(Category(paths=("Effect/Reverb",)))
    with pytest.raises(ValueError):
        unparse(And(items=(w("a"), Everything())))
    for word in ("two words", "AND", "-x", "vendor:x", "", 'a"b'):
        with pytest.raises(ValueError):
            unparse(w(word))
