"""Query text to the typed tree of :mod:`pluginary.query.tree`, and back.

The grammar (EBNF; terminals in quotes, ``AND``/``OR``/``NOT`` only in upper case)::

    query    = [ or_expr ] EOF ;                    (* nothing, or only blanks: Everything *)
    or_expr  = and_expr { "OR" and_expr } ;
    and_expr = unary { [ "AND" ] unary } ;          (* juxtaposition is AND *)
    unary    = ( "NOT" | "-" ) unary | atom ;       (* "-" only where a term starts *)
    atom     = "(" or_expr ")" | field | phrase | word ;
    field    = NAME OP value ;                      (* no blanks in between: params>=2 *)
    NAME     = letter { letter | "-" } ;            (* a key of FIELDS or ALIASES, any case *)
    OP       = ">=" | "<=" | ":" | "=" | ">" | "<" ; (* longest first *)
    value    = quoted | bare_value ;  phrase = quoted ;
    quoted   = '"' { char - '"' | '\\"' | '\\\\' } '"' ;
    bare_value = char - ( blank | ")" | '"' ) { char - ( blank | ")" | '"' ) } ;
    word     = char - ( blank | "(" | ")" | '"' | "-" ) { char - ( blank | "(" | ")" | '"' ) } ;

Blanks are whitespace and control characters (a NUL is a blank, not an end). A word whose
letters-and-hyphens prefix is followed by an operator (``vnedor:zam``, ``paramz>2``) is a field
attempt, so a typo is an error rather than a search that silently finds nothing; a quoted
``"a:b"`` is the way to search for such text. ``\\"`` and ``\\\\`` are the only escapes inside
quotes, so Windows paths (``"C:\\Program Files"``) need none.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from ..errors import UsageError
from .fields import ALIASES, FIELDS, LEVELS, OPERATORS, TEXT_OPERATORS, Kind
from .tree import And, Category, Everything, Field, Node, Not, Or, Text

__all__ = ["QueryError", "parse", "unparse"]

KEYWORDS = ("AND", "OR", "NOT")
# Letters (any script) and hyphens, then an operator; the alternation keeps OPERATORS' order,
# longest first, so ``>=`` is never read as ``>`` followed by a value ``=2``.
_FIELD_RE = re.compile(
    r"([^\W\d_](?:[^\W\d_]|-)*)(" + "|".join(re.escape(op) for op in OPERATORS) + ")")
# A word stops at "(" so that ``a(b OR c)`` is juxtaposition; a bare value runs on (``name:a(b``,
# a field never opens a group). Both stop at '"' so a stray quote is reported, not swallowed.
_WORD_STOPS = '()"'
_VALUE_STOPS = ')"'
_NUMBER_FIELDS = ", ".join(name for name, spec in FIELDS.items() if spec.kind is Kind.NUMBER)


class QueryError(UsageError):
    """A query that cannot be parsed, located as ``line:column`` (1-based) in the message.

    ``pos`` is the 0-based offset of the offending token, ``line``/``column`` the same place for
    people, and ``suggestion`` the did-you-mean (a field name or choice) when there is one."""

    def __init__(self, problem: str, text: str, pos: int, *, after: str = "",
                 suggestion: str | None = None, hint: str | None = None) -> None:
        self.problem, self.pos, self.suggestion = problem, pos, suggestion
        self.line = text.count("\n", 0, pos) + 1
        self.column = pos - (text.rfind("\n", 0, pos) + 1) + 1
        did = f", did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"{problem} at {self.line}:{self.column}{after}{did}", hint=hint)


@dataclass(frozen=True)
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "TERM" or "EOF"
    pos: int
    text: str  # as typed ("-" or "NOT"), for messages
    node: Text | Field | None = None


def _is_blank(char: str) -> bool:
    return char.isspace() or unicodedata.category(char) == "Cc"


def _run_end(text: str, i: int, stops: str) -> int:
    while i < len(text) and not _is_blank(text[i]) and text[i] not in stops:
        i += 1
    return i


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _quoted(text: str, clean: str, start: int) -> tuple[str, int]:
    """The string that opens with the quote at ``start``, and the offset after its close."""
    out: list[str] = []
    i = start + 1
    while i < len(clean):
        char = clean[i]
        if char == '"':
            return "".join(out), i + 1
        # Only \" and \\ escape, so any other backslash (a Windows path) stays as typed.
        escaped = char == "\\" and clean[i + 1:i + 2] in ('"', "\\")
        out.append(clean[i + 1] if escaped else char)
        i += 2 if escaped else 1
    raise QueryError("unbalanced quote", text, start,
                     hint='close it with ", or write \\" for a quote inside it')


def _field(text: str, clean: str, start: int, match: re.Match[str]) -> tuple[Field, int]:
    typed, op = match.group(1), match.group(2)
    name = ALIASES.get(typed.lower(), typed.lower())
    spec = FIELDS.get(name)
    if spec is None:
        close = difflib.get_close_matches(typed.lower(), [*FIELDS, *ALIASES], n=1)
        whole = clean[start:_run_end(clean, start, _WORD_STOPS)]
        raise QueryError(f"unknown field '{typed}'", text, start,
                         suggestion=close[0] if close else None,
                         hint=f"the fields are {', '.join(FIELDS)}; to search for the text "
                              f"itself, quote it: {_quote(whole)}")
    i = match.end()
    if clean[i:i + 1] == '"':
        value, i = _quoted(text, clean, i)
    else:
        end = _run_end(clean, i, _VALUE_STOPS)
        value, i = clean[i:end], end
    # The operator first: 'vendor>' is better told "':' only" than "needs a value".
    if spec.kind is not Kind.NUMBER and op not in TEXT_OPERATORS:
        raise QueryError(f"'{typed}' takes ':' only", text, start,
                         hint=f"write {name}:VALUE; only {_NUMBER_FIELDS} compare with "
                              "=, >, >=, <, <=")
    if not value.strip():
        raise QueryError(f"'{typed}' needs a value", text, start, hint=spec.help)
    if spec.kind is Kind.NUMBER:
        # ASCII digits only: str.isdigit() would take '²', which int() then refuses.
        if not re.fullmatch(r"[0-9]+", value):
            raise QueryError(f"'{typed}' needs a whole number", text, start,
                             after=f", got '{value}'", hint=spec.help)
        # ':' and '=' mean the same; storing one spelling keeps the tree canonical.
        value, op = str(int(value)), (":" if op == "=" else op)
    elif spec.kind is Kind.LEVEL:
        # Exactly one of the levels: '03' or '9' would silently mean another level or none.
        if value not in {str(level) for level in LEVELS}:
            raise QueryError(f"'{typed}' needs a level from {LEVELS[0]} to {LEVELS[-1]}", text,
                             start, after=f", got '{value}'", hint=spec.help)
    elif spec.kind is Kind.CHOICE:
        value = value.lower()
        if spec.choices and value not in spec.choices:
            close = difflib.get_close_matches(value, spec.choices, n=1)
            raise QueryError(f"unknown {name} '{value}'", text, start,
                             suggestion=close[0] if close else None,
                             hint=f"{name} is one of {', '.join(spec.choices)}")
    return Field(name=name, op=op, value=value, pos=start), i


def _lex(text: str) -> list[_Token]:
    # Control characters become spaces one for one, so offsets into ``clean`` are offsets
    # into ``text`` (which keeps its newlines for line:column).
    clean = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    tokens: list[_Token] = []
    i = 0
    while i < len(clean):
        char = clean[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(_Token(char, i, char))
            i += 1
        elif char == "-":
            # Only reached where a term starts: inside a word ('mid-side') the run takes it.
            tokens.append(_Token("NOT", i, "-"))
            i += 1
        elif char == '"':
            value, end = _quoted(text, clean, i)
            if not value.strip():
                raise QueryError("empty phrase", text, i,
                                 hint="put words between the quotes, or remove them")
            tokens.append(_Token("TERM", i, value, Text(value=value, phrase=True, pos=i)))
            i = end
        elif match := _FIELD_RE.match(clean, i):
            node, end = _field(text, clean, i, match)
            tokens.append(_Token("TERM", i, clean[i:end], node))
            i = end
        else:
            end = _run_end(clean, i, _WORD_STOPS)
            word = clean[i:end]
            if word in KEYWORDS:
                tokens.append(_Token(word, i, word))
            else:
                tokens.append(_Token("TERM", i, word, Text(value=word, pos=i)))
            i = end
    tokens.append(_Token("EOF", len(clean), ""))
    return tokens


class _Parser:
    """Recursive descent, one method per grammar rule; ``tokens`` always ends with EOF."""

    def __init__(self, text: str, tokens: list[_Token]) -> None:
        self.text, self.tokens, self.i = text, tokens, 0

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        self.i += 1
        return self.tokens[self.i - 1]

    def operand_after(self, operator: _Token) -> None:
        # Checked before descending so the error names the operator, not what follows it.
        if self.peek().kind not in ("TERM", "(", "NOT"):
            raise QueryError(f"'{operator.text}' needs something after it", self.text,
                             operator.pos, hint=f"add a term after '{operator.text}'")

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while self.peek().kind == "OR":
            self.operand_after(self.take())
            items.append(self.and_expr())
        return _joined(Or, items)

    def and_expr(self) -> Node:
        items = [self.unary()]
        while self.peek().kind in ("AND", "TERM", "(", "NOT"):
            if self.peek().kind == "AND":
                self.operand_after(self.take())
            items.append(self.unary())
        return _joined(And, items)

    def unary(self) -> Node:
        if self.peek().kind == "NOT":
            operator = self.take()
            self.operand_after(operator)
            return Not(item=self.unary())
        return self.atom()

    def atom(self) -> Node:
        token = self.take()
        if token.kind == "TERM":
            assert token.node is not None  # the lexer gives every TERM its node
            return token.node
        if token.kind == "(":
            if self.peek().kind == ")":
                raise QueryError("empty parentheses", self.text, token.pos,
                                 hint="put a query between them, or remove them")
            inner = self.or_expr()
            if self.peek().kind != ")":
                raise QueryError("unbalanced parenthesis", self.text, token.pos,
                                 hint="close it with ')'")
            self.take()
            return inner
        if token.kind in ("AND", "OR"):
            raise QueryError(f"'{token.text}' needs something before it", self.text,
                             token.pos, hint=f"add a term before '{token.text}'")
        # Only ')' can be here: EOF is never reached, every caller checks for an operand.
        raise QueryError("unbalanced parenthesis", self.text, token.pos,
                         hint="remove it, or open it with '(' earlier")


def _joined(kind: type[And] | type[Or], items: list[Node]) -> Node:
    """``kind`` of ``items``, nested ones of the same kind flattened; one item is itself."""
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if isinstance(item, kind) else (item,))
    return flat[0] if len(flat) == 1 else kind(items=tuple(flat))


def parse(text: str) -> Node:
    """The tree for ``text``; :class:`QueryError` (exit code 2) says where it is wrong."""
    parser = _Parser(text, _lex(text))
    if parser.peek().kind == "EOF":
        return Everything()
    node = parser.or_expr()
    if parser.peek().kind != "EOF":  # or_expr stops only at ')' or EOF
        parser.atom()  # raises: an unbalanced ')'
    return node


def unparse(node: Node) -> str:
    """Query text that :func:`parse` turns into ``node`` again (``pos`` aside), for trees that
    :func:`parse` can produce. ``ValueError`` for what query text cannot say (a resolved
    :class:`Category`, ``Everything`` inside a tree, a word that would not read as one)."""
    return "" if isinstance(node, Everything) else _render(node, 0)


def _render(node: Node, level: int) -> str:
    # Precedence: OR 0 < AND 1 < NOT and atoms 2; a node below ``level`` is parenthesised.
    # And items are rendered at 2, so a nested And keeps its parentheses too.
    if isinstance(node, Or):
        text = " OR ".join(_render(item, 1) for item in node.items)
        return f"({text})" if level > 0 else text
    if isinstance(node, And):
        text = " ".join(_render(item, 2) for item in node.items)
        return f"({text})" if level > 1 else text
    if isinstance(node, Not):
        return "-" + _render(node.item, 2)
    if isinstance(node, Field):
        value = node.value
        if not value or any(_is_blank(c) or c in '()"\\' for c in value):
            value = _quote(value)
        return f"{node.name}{node.op}{value}"
    if isinstance(node, Text):
        value = node.value
        if node.phrase:
            return _quote(value)
        if (not value or value in KEYWORDS or value.startswith("-") or _FIELD_RE.match(value)
                or _run_end(value, 0, _WORD_STOPS) != len(value)):
            raise ValueError(f"{value!r} cannot be written as a word; use a phrase")
        return value
    kind = "a resolved Category" if isinstance(node, Category) else "Everything inside a tree"
    raise ValueError(f"{kind} has no query text")
