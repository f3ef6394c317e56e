"""What a proof rests on, sorted for a reader: the rules that decide, the priorities that
make them win, the rules they outrank, and the rules that simply did not apply.

A minimal core names every rule whose semantics the proof needs — for a refused
permission that is every route to it, applicable or not. The three-valued evaluation of
the case (``verifier.evaluate.partial``) under the verdict's reading sorts them: a rule
whose condition is TRUE (or, when none is, UNKNOWN: it turns on an open reading the proof
covers either way) and that is not outranked decides; one that holds but is outranked is
defeated (by the priority declarations named); the others did not apply. Nothing here changes what is proven — it only orders the premises of a checked proof.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..evaluate.partial import TRUE, UNKNOWN
from ..model import Priority


@dataclass(frozen=True)
class Reasons:
    deciding: tuple[str, ...]                 # rules that apply and are not outranked
    defeated: tuple[tuple[str, str], ...]     # (rule, the rule that outranks it)
    priorities: tuple[Priority, ...]          # the declarations behind the defeats
    inapplicable: tuple[str, ...]             # rules in the proof whose condition fails

    def clauses(self, policy) -> tuple[str, ...]:
        """The clauses a reader needs: the deciding rules' and the priorities'."""
        out = [c for r in self.deciding for c in policy.rules[r].meta.cites]
        out += [c for p in self.priorities for c in p.meta.cites]
        return tuple(dict.fromkeys(out))


def sort_premises(engine, case, reading, premises) -> Reasons:
    """Classify the rules among ``premises`` for the case under ``reading``."""
    policy = engine.policy
    query = engine.query
    values = query.partial.run(dict(case.facts), dict(reading))
    position = query._position
    rules = [i for k, i in premises if k == "rule"]

    def value(rid: str):
        return UNKNOWN if values is None else values[position[("applicable", rid, None)]]

    # rules whose condition holds; when none does, those whose condition is UNKNOWN in
    # three-valued logic (it turns on an open reading, and the proof covers every case)
    live = [r for r in rules if value(r) == TRUE] or [r for r in rules if value(r) == UNKNOWN]
    defeated, used = [], []
    for r in live:
        winners = [h for h in live if (h, r) in policy.prevails]
        if winners:
            defeated.append((r, winners[0]))
            used += [p for p in policy.priorities if _declares(policy, p, winners[0], r)]
    beaten = {r for r, _ in defeated}
    deciding = tuple(r for r in live if r not in beaten)
    return Reasons(deciding, tuple(defeated), tuple(dict.fromkeys(used)),
                   tuple(r for r in rules if r not in live))


def _declares(policy, p: Priority, high: str, low: str) -> bool:
    return high in policy.members(p.higher) and low in policy.members(p.lower)
