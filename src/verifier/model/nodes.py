"""The typed policy model: frozen dataclasses shared by every stage after parsing.

Every node carries a source ``Span`` that is ignored by equality, so two models parsed
from differently formatted (or keyword-translated) texts compare equal.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union


@dataclass(frozen=True)
class Span:
    """A location in a policy file (1-based line and column, in characters)."""

    file: str
    line: int
    column: int
    end_line: int = 0
    end_column: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


NO_SPAN = Span("<none>", 0, 0)


def _span() -> Span:
    return field(default=NO_SPAN, compare=False, repr=False)


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class BoolLit:
    value: bool
    span: Span = _span()


@dataclass(frozen=True)
class IntLit:
    value: int
    span: Span = _span()


@dataclass(frozen=True)
class Ref:
    """A name: a fact, term, interpretation (boolean), or an integer fact."""

    name: str
    span: Span = _span()


@dataclass(frozen=True)
class Not:
    operand: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class And:
    operands: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Or:
    operands: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Implies:
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Compare:
    """Integer comparison; op is one of < <= > >= = !=.

    The parser also produces ``Compare('=', Ref(a), Ref(b))`` for ``a = b``; the checker
    rewrites it to ``Is`` when ``a`` is an enumeration fact or a decision.
    """

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Arith:
    """Integer arithmetic; op is one of + - * (``*`` needs a literal on one side)."""

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@dataclass(frozen=True)
class Is:
    """``subject`` (an enumeration fact or a decision) takes one of ``labels``.

    For a decision, ``D = x`` holds when x is the decision's outcome (see semantics).
    ``negated`` is set for ``!=``.
    """

    subject: str
    labels: tuple[str, ...]
    negated: bool = False
    span: Span = _span()


@dataclass(frozen=True)
class AtLeast:
    """At least ``k`` of ``operands`` hold."""

    k: int
    operands: tuple["Expr", ...]
    span: Span = _span()


@dataclass(frozen=True)
class Deontic:
    """The deontic status of an action, as an atom: modality is must / may / must_not."""

    modality: str
    action: str
    span: Span = _span()


Expr = Union[BoolLit, IntLit, Ref, Not, And, Or, Implies, Compare, Arith, Is, AtLeast, Deontic]


def walk(e):
    """Every node of an expression, depth first, left to right (pre-order); nothing for
    None. Iterative, so deep nesting is safe."""
    stack = [e] if e is not None else []
    while stack:
        x = stack.pop()
        yield x
        if isinstance(x, Not):
            stack.append(x.operand)
        elif isinstance(x, (And, Or, AtLeast)):
            stack.extend(reversed(x.operands))
        elif isinstance(x, (Implies, Compare, Arith)):
            stack += [x.right, x.left]


def leaves(e):
    """The name-bearing leaves of an expression (``Ref``, ``Is``, ``Deontic``), depth
    first, left to right; nothing for None."""
    return (x for x in walk(e) if isinstance(x, (Ref, Is, Deontic)))

MUST, MAY, MUST_NOT = "must", "may", "must_not"
MODALITIES = (MUST, MAY, MUST_NOT)

# ---------------------------------------------------------------- types

@dataclass(frozen=True)
class BoolType:
    pass


@dataclass(frozen=True)
class EnumType:
    labels: tuple[str, ...]


@dataclass(frozen=True)
class IntType:
    lo: int
    hi: int


Type = Union[BoolType, EnumType, IntType]

# ---------------------------------------------------------------- declarations

@dataclass(frozen=True)
class Meta:
    """Attributes any declaration may carry (each optional)."""

    label: Optional[str] = None      # 标签 / label: human label (Chinese)
    phrase: Optional[str] = None     # 原文 / phrase: the source phrase it stands for
    gloss: Optional[str] = None      # 英文 / gloss: English gloss
    note: Optional[str] = None       # 说明 / note: free description, the encoder's reasons
    cites: tuple[str, ...] = ()      # 依据 / cites: clause IDs
    cite_spans: tuple[Span, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Clause:
    """A clause of the source text; status is normative / non_normative / partial."""

    id: str
    text: str
    status: str = "normative"
    reason: Optional[str] = None     # why non-normative, or what is lost (partial)
    span: Span = _span()


NORMATIVE, NON_NORMATIVE, PARTIAL = "normative", "non_normative", "partial"


@dataclass(frozen=True)
class Fact:
    name: str
    type: Type
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Term:
    """A derived boolean term: ``definition`` (iff) or, if None, concluded by rules only."""

    name: str
    definition: Optional[Expr] = None
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Action:
    """An action that rules oblige, permit or prohibit."""

    name: str
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Decision:
    """A question the text must answer inside ``scope``; ordered = take the highest."""

    name: str
    alternatives: tuple[str, ...]
    ordered: bool = False
    scope: Optional[Expr] = None     # None: the text need not answer it anywhere
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Interpretation:
    """A boolean switch between two readings of an ambiguous passage."""

    name: str
    if_true: str
    if_false: str
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Assumption:
    name: str
    expr: Expr
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Conclusion:
    """kind: must / may / must_not (target = action), term (target = term),
    decide (target = decision, value = alternative)."""

    kind: str
    target: str
    value: Optional[str] = None
    span: Span = _span()


TERM, DECIDE = "term", "decide"


@dataclass(frozen=True)
class Rule:
    id: str
    condition: Expr
    conclusion: Conclusion
    unless: Optional[Expr] = None
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Group:
    name: str
    members: tuple[str, ...]
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Priority:
    """Every rule named by ``higher`` (a rule id or group) prevails over ``lower``."""

    higher: str
    lower: str
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Discretion:
    """The text deliberately leaves ``target`` (a decision or action) to ``maker``."""

    id: str
    target: str
    maker: str
    condition: Optional[Expr] = None
    meta: Meta = Meta()
    span: Span = _span()


@dataclass(frozen=True)
class Property:
    """A statement the rules ought to guarantee under the assumptions."""

    name: str
    expr: Expr
    meta: Meta = Meta()
    span: Span = _span()


Declaration = Union[Clause, Fact, Term, Action, Decision, Interpretation, Assumption,
                    Rule, Group, Priority, Discretion, Property]


@dataclass(frozen=True)
class Document:
    id: str
    title: Optional[str] = None
    source: Optional[str] = None
    uses: tuple[str, ...] = ()
    items: tuple[Declaration, ...] = ()
    meta: Meta = Meta()
    span: Span = _span()

    def of(self, kind: type) -> tuple:
        """The declarations of one kind, in source order."""
        return tuple(d for d in self.items if isinstance(d, kind))
