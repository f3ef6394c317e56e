"""Analysis by independent components (verifier.analysis.components): a policy cut into
batches of components gets exactly the findings of the whole policy — same readings, same
complete witnesses — and a policy of many independent rules stays in small batches."""
from hypothesis import given, settings

from policygen import policies
from verifier.analysis import analyse, components
from helpers import check_ok

TEXT = """document T

fact a : bool
fact b : bool
fact n : int [0..9]
fact c : bool
fact k : enum {x, y, z}
interpretation wide
  true "wide"
  false "narrow"
interpretation other
  true "t"
  false "f"
action p
action q
decision d : {yes, no}
  scope c
assume A1 : n >= 3
assume A2 : k in {y} implies other
rule R-1 if a then must p
rule R-2 if a and wide then must not p
rule R-3 if b or n > 5 then may p
priority R-2 over R-1
property P-1 : a implies must p
rule R-4 if c and k in {y} then d = yes
rule R-5 if c and not other then d = no
rule R-6 if c then must q
rule R-7 if c and k in {z} then must q
property P-2 : c implies must q
"""


def _whole_and_batched(policy, monkeypatch, chosen=None):
    whole = analyse(policy, chosen)
    monkeypatch.setattr(components, "BATCH_DECLARATIONS", 1)
    batched = analyse(policy, chosen)
    monkeypatch.undo()
    return whole, batched


def test_components_split_what_shares_nothing():
    policy = check_ok(TEXT)
    comps = components.components(policy)
    assert len(comps) == 2
    assert len(components.batches(policy, 1)) == 2
    assert components.batches(policy) == [policy]          # small: analysed whole


def test_batched_analysis_is_the_whole_analysis(monkeypatch):
    policy = check_ok(TEXT)
    whole, batched = _whole_and_batched(policy, monkeypatch)
    assert batched.findings == whole.findings
    assert [f.witness for f in batched.findings] == [f.witness for f in whole.findings]
    assert [f.witness_reading for f in batched.findings] == [f.witness_reading for f in whole.findings]
    for chosen in ({"wide": True}, {"other": False, "wide": False}):
        whole, batched = _whole_and_batched(policy, monkeypatch, chosen)
        assert batched.findings == whole.findings


@settings(max_examples=40, deadline=None)
@given(policies())
def test_batched_analysis_agrees_on_random_policies(p):
    whole = analyse(p)
    saved = components.BATCH_DECLARATIONS
    components.BATCH_DECLARATIONS = 1
    try:
        batched = analyse(p)
    finally:
        components.BATCH_DECLARATIONS = saved
    assert batched.findings == whole.findings
    assert [(f.witness, f.witness_reading) for f in batched.findings] == \
        [(f.witness, f.witness_reading) for f in whole.findings]


def test_independent_rules_are_batched():
    lines = ["document IND", ""]
    for i in range(50):
        lines += [f"fact f{i} : bool", f"action x{i}", f"rule R-{i} if f{i} then must x{i}"]
    policy = check_ok("\n".join(lines) + "\n")
    parts = components.batches(policy, 30)
    assert len(parts) == 5 and sum(len(p.rules) for p in parts) == 50


@settings(max_examples=40, deadline=None)
@given(policies())
def test_sliced_questions_agree_on_random_policies(p):
    """Each question asked of its own slice (analysis.slices, lazily built solvers) gives
    the findings and witnesses of the one shared solver."""
    from verifier.analysis import queries
    whole = analyse(p)
    saved = queries.SLICE_RULES
    queries.SLICE_RULES = 0
    try:
        sliced = analyse(p)
    finally:
        queries.SLICE_RULES = saved
    assert sliced.findings == whole.findings
    assert [(f.witness, f.witness_reading) for f in sliced.findings] == \
        [(f.witness, f.witness_reading) for f in whole.findings]


def test_background_work_gives_its_result_or_is_redone():
    """analysis.background: a forked child's result, or the work redone in the caller
    when the child fails (or when no child can be had, e.g. on a busy machine)."""
    import os
    from verifier.analysis.background import Background
    assert Background(lambda: [1, 2, 3]).result() == [1, 2, 3]
    parent = os.getpid()

    def work():
        if os.getpid() != parent:
            raise RuntimeError("fails in the child")
        return "done here"
    assert Background(work).result() == "done here"


def test_sliced_synthetic_policy_is_the_whole_analysis(monkeypatch):
    """A synthetic policy shaped like the 办法 (bench/synthetic.py: topics, priorities,
    enum and integer facts, decisions with scopes): slices give the same findings and
    witnesses as the shared solver."""
    import sys
    from pathlib import Path
    from verifier.analysis import queries
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from synthetic import synthetic
    policy = synthetic(300)
    whole = analyse(policy)
    monkeypatch.setattr(queries, "SLICE_RULES", 0)
    sliced = analyse(policy)
    assert sliced.findings == whole.findings
    assert [(f.witness, f.witness_reading, f.cone) for f in sliced.findings] == \
        [(f.witness, f.witness_reading, f.cone) for f in whole.findings]
