"""Issue 14: a bounded fuzz suite over everything a user hands the CLI — policy text, case
files (YAML and JSON), batch inputs and output paths. Each property: no traceback; exit 2
comes with a located diagnostic (``file:line:column: error[CODE]``); nothing is written
or destroyed that should not be. Runs in-process (``verifier.cli.main``); example counts
keep the whole file to a few seconds per property.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verifier.cli import main

POLICY = """document T
fact n : int [0..9]
fact a : bool
fact k : enum {甲, 乙}
action x
action y
assume A1 : not (a and n > 8)
rule R-1 if a then must x
rule R-2 if n >= 3 and k = 乙 then must not x
rule R-3 if a and not must not x then may y
priority R-2 over R-1
"""

LOCATED = re.compile(r"^\S.*?:\d+:\d+: error\[[A-Z]\d{3}\]", re.M)
# VERIFIER_FUZZ_SCALE=20 runs twenty times the examples, with fresh random draws
SCALE = int(os.environ.get("VERIFIER_FUZZ_SCALE", "1"))
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), derandomize=SCALE == 1)


def n(examples: int) -> int:
    return examples * SCALE


def _run(argv, capsys) -> tuple[int, str, str]:
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:           # argparse usage errors
        code = exc.code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code in (0, 1, 2), (code, err[-2000:])
    if code == 2:
        # a located diagnostic, a usage error, or a batch's summary (its records hold the
        # located diagnostics of the cases that could not be ruled)
        assert LOCATED.search(out + err) or err.startswith(("usage:", "error:")) \
            or "could not be ruled" in err, err[-2000:]
    return code, out, err


def _digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


# ---------------------------------------------------------------- policy text

_NOISE = st.sampled_from(["\x00", "\x01", "「", "」", '"', "#", "(", ")", "[", "]", "..", "-",
                          "9" * 30, "9" * 5000, "\n", "\t", "\u3000", "如果", "那么", "rule",
                          "must", "priority", "over", "R-1", "fact", ":", "int", "enum {", "}",
                          "and", "or", "not", "\ud7ff", "é", "\ufeff", "\r\n"])


@st.composite
def mutated_policy(draw):
    text = POLICY
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(_NOISE) if draw(st.booleans()) else draw(st.text(max_size=8))
        if action == "insert":
            text = text[:pos] + piece + text[pos:]
        elif action == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 20)):]
        else:
            text = text[:pos] + piece + text[pos + len(piece):]
    return text


@settings(max_examples=n(100), **SETTINGS)
@given(text=mutated_policy(), as_bytes=st.booleans())
def test_fuzz_policy_text(capsys, text, as_bytes):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "t.policy"
        data = text.encode("utf-8", "surrogatepass")
        if as_bytes:                                   # a stray invalid byte somewhere
            data = data[: len(data) // 2] + b"\xff" + data[len(data) // 2:]
        p.write_bytes(data)
        _run(["check", "--no-analysis", p], capsys)
        code, _, _ = _run(["fmt", "--check", p], capsys)
        assert p.read_bytes() == data                  # --check never writes
        if code == 2:
            _run(["fmt", p], capsys)
            assert p.read_bytes() == data              # a file that does not parse is left alone


# ---------------------------------------------------------------- case files

_SCALAR = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                    st.integers(10**40, 10**60), st.sampled_from(["甲", "乙", "丙", "true", "1", ""]),
                    st.text(max_size=5), st.floats(allow_nan=True))
_VALUE = st.recursive(_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=4), inner, max_size=3)),
                      max_leaves=8)
_FACT_NAMES = st.sampled_from(["n", "a", "k", "x", "R-1", "A1", "nn", "事实"])
_CASE = st.fixed_dictionaries({}, optional={
    "id": _VALUE, "description": _VALUE,
    "facts": st.one_of(st.dictionaries(_FACT_NAMES, _VALUE, max_size=4), _VALUE),
    "readings": _VALUE, "extra": _VALUE})

_YAML_NOISE = st.sampled_from(["facts:", "\n  ", "a: ", "n: ", "k: ", "&x ", "*x", "!!int ", "!!binary ",
                               "!!set ", "!!timestamp ", "2001-01-01", "[", "]", "{", "}", "- ", "? ",
                               "<<: *x", "'", '"', "\x01", "\t", "9" * 5000, "true", "乙", "---\n", "...\n",
                               "%YAML 1.1\n", "!!python/object:os.system ", "~", ": ", ","])


@settings(max_examples=n(60), **SETTINGS)
@given(case=_CASE, fmt=st.sampled_from(["yaml", "json"]))
def test_fuzz_structured_case_files(capsys, case, fmt):
    import yaml
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "t.policy").write_text(POLICY, encoding="utf-8")
        path = Path(d) / f"c.{fmt}"
        try:
            text = json.dumps(case, ensure_ascii=False) if fmt == "json" else \
                yaml.safe_dump(case, allow_unicode=True)
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
        except (ValueError, yaml.YAMLError, UnicodeEncodeError):
            return
        before = _digest(Path(d))
        _run(["case", Path(d) / "t.policy", "--facts", path, "--format", "json"], capsys)
        assert _digest(Path(d)) == before


@settings(max_examples=n(100), **SETTINGS)
@given(pieces=st.lists(st.one_of(_YAML_NOISE, st.text(max_size=6)), max_size=25),
       fmt=st.sampled_from(["yaml", "yml", "json"]))
def test_fuzz_raw_case_text(capsys, pieces, fmt):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "t.policy").write_text(POLICY, encoding="utf-8")
        path = Path(d) / f"c.{fmt}"
        path.write_bytes("".join(pieces).encode("utf-8", "surrogatepass"))
        code, out, err = _run(["case", Path(d) / "t.policy", "--facts", path], capsys)
        if code == 2:
            assert str(path) in err or "C506" in err


# ---------------------------------------------------------------- batch inputs

_LINE = st.one_of(
    st.builds(lambda c: json.dumps(c, ensure_ascii=False).encode("utf-8", "surrogatepass"), _CASE),
    st.binary(max_size=40),
    st.sampled_from([b"", b"   ", b"{}", b'{"facts": {}}', b'{"facts": {"a": \xff}}', b'{"id": "\\ud800", "facts": {}}',
                     b'{"facts": {"n": ' + b"9" * 5000 + b"}}", b"[" * 3000, b'{"facts": {"a": true}}']))


@settings(max_examples=n(25), **SETTINGS)
@given(lines=st.lists(_LINE, min_size=1, max_size=8), resume=st.booleans())
def test_fuzz_batch_inputs(capsys, lines, resume):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "t.policy").write_text(POLICY, encoding="utf-8")
        lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
        (folder / "in.jsonl").write_bytes(b"\n".join(lines) + b"\n")
        out = folder / "out.jsonl"
        argv = ["case", folder / "t.policy", "--facts", folder / "in.jsonl", "-o", out, "--jobs", "1"]
        code, _, err = _run(argv, capsys)
        expected = [f"in.jsonl:{i}" for i, line in enumerate(lines, 1) if line.strip()]
        records = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()] if out.exists() else []
        assert [r["key"] for r in records] == expected      # one record per case, in order
        failed = sum(r["status"] != "ok" for r in records)
        assert code == (2 if failed else 0), err
        if resume and records:                               # tear the last line, resume
            data = out.read_bytes()
            out.write_bytes(data[: len(data) - max(2, len(data.splitlines()[-1]) // 2)])
            _run(argv, capsys)
            again = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
            assert sorted(r["key"] for r in again) == sorted(expected)


# ---------------------------------------------------------------- output paths

_TARGETS = st.sampled_from(["new.jsonl", "sub/new.jsonl", "t.policy", "t.policy/x.jsonl", ".", "dir",
                            "dir/", "results.jsonl", "other.txt", "empty.jsonl", "link.jsonl",
                            "dangling.jsonl", "ro/x.jsonl"])


@settings(max_examples=n(40), **SETTINGS)
@given(target=_TARGETS, certificates=st.sampled_from([None, "certs", "t.policy", "dir", "t.policy/c"]),
       single=st.booleans())
def test_fuzz_output_paths(capsys, target, certificates, single):
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        (folder / "t.policy").write_text(POLICY, encoding="utf-8")
        (folder / "in.jsonl").write_text('{"facts": {"a": true}}\n{"facts": {"n": 3}}\n', encoding="utf-8")
        (folder / "c.yaml").write_text("facts:\n  a: true\n", encoding="utf-8")
        (folder / "dir").mkdir()
        (folder / "results.jsonl").write_text('{"key": "in.jsonl:1", "status": "ok", "verdicts": {}}\n',
                                              encoding="utf-8")
        (folder / "other.txt").write_text("my notes\n", encoding="utf-8")
        (folder / "empty.jsonl").write_bytes(b"")
        (folder / "link.jsonl").symlink_to(folder / "other.txt")
        (folder / "dangling.jsonl").symlink_to(folder / "nowhere" / "x")
        protected = {"t.policy", "in.jsonl", "c.yaml", "other.txt"}
        before = _digest(folder)
        argv = ["case", folder / "t.policy", "--facts", folder / ("c.yaml" if single else "in.jsonl")]
        if not single or target != "new.jsonl":
            argv += ["-o", folder / target]
        if certificates:
            argv += ["--certificates", folder / certificates]
        code, _, err = _run(argv, capsys)
        after = _digest(folder)
        for name in protected:                                # never truncated or overwritten
            assert after.get(name) == before[name], (name, err)
        if code == 2 and "[V104]" in err:                     # refused before any work
            assert after == before


def test_a_record_with_a_unicode_line_separator_stays_one_line():
    """U+0085 / U+2028 / U+2029 in a name (found by test_fuzz_batch_inputs): the record is
    written escaped, so ``str.splitlines`` readers see one line, and it reads back equal."""
    from verifier.rulings.batch import dump_record

    record = {"key": "a\x85b\u2028c\u2029d", "status": "error"}
    line = dump_record(record)
    assert len(line.splitlines()) == 1 and json.loads(line) == record
