"""``verifier diff OLD NEW --cases PATH --records FILE``: the per-case records kept as the
batch of ``verifier case -o`` keeps its results — resumable after an interruption (a killed
process, a torn last line) with the same bytes as an uninterrupted run; any other file
refused and left untouched; the progress bar only on a terminal."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verifier.cli import main

from test_diff_cases import NEW, OLD

N = 3000


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Both versions, a corpus of N cases (every kind of change, two unreadable lines), and
    the records and JSON report of one uninterrupted run."""
    d = tmp_path_factory.mktemp("records")
    (d / "old.policy").write_text(OLD, encoding="utf-8")
    (d / "new.policy").write_text(NEW, encoding="utf-8")
    rng = random.Random(3)
    lines = []
    for i in range(N):
        facts = {n: rng.random() < 0.5 for n in ("失误", "私利", "不可抗力") if rng.random() < 0.7}
        if rng.random() < 0.6:
            facts["排名"] = rng.randint(1, 10)
        lines.append(json.dumps({"id": f"c{i}", "facts": facts}, ensure_ascii=False))
    lines[7] = '{"id": "torn", "facts": '
    lines[11] = '{"facts": {"未知": true}}'
    (d / "cases.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code = main(argv(d, d / "full.jsonl", "--jobs", "2", "-o", d / "full.json"))
    assert code == 1
    return d


def argv(d: Path, records: Path, *more) -> list[str]:
    return ["diff", str(d / "old.policy"), str(d / "new.policy"), "--cases", str(d / "cases.jsonl"),
            "--records", str(records), "--no-findings", "--format", "json", *map(str, more)]


def test_an_uninterrupted_run_keeps_one_record_per_case_in_input_order(corpus, tmp_path, capsys):
    lines = (corpus / "full.jsonl").read_bytes().splitlines()
    records = [json.loads(x) for x in lines]
    assert [r["key"] for r in records] == [f"cases.jsonl:{i}" for i in range(1, N + 1)]
    assert len({r["versions"] for r in records}) == 1
    assert {r["status"] for r in records} == {"changed", "same", "error"}
    # the report is the one made without --records
    assert main(["diff", str(corpus / "old.policy"), str(corpus / "new.policy"), "--cases",
                 str(corpus / "cases.jsonl"), "--no-findings", "--format", "json", "-o",
                 str(tmp_path / "plain.json")]) == 1
    assert (tmp_path / "plain.json").read_bytes() == (corpus / "full.json").read_bytes()
    # run again on the finished file: nothing is ruled again, same report, file unchanged
    capsys.readouterr()
    again = tmp_path / "again.jsonl"
    again.write_bytes((corpus / "full.jsonl").read_bytes())
    assert main(argv(corpus, again, "-o", tmp_path / "again.json")) == 1
    assert f"0 written, {N} already present" in capsys.readouterr().err
    assert again.read_bytes() == (corpus / "full.jsonl").read_bytes()
    assert (tmp_path / "again.json").read_bytes() == (corpus / "full.json").read_bytes()


@pytest.mark.parametrize("cut", [0.3, 0.77])
def test_a_torn_records_file_resumes_to_the_same_bytes(corpus, tmp_path, capsys, cut):
    full = (corpus / "full.jsonl").read_bytes()
    at = full.index(b"\n", int(len(full) * cut)) + 1 + 37          # whole lines, then a torn one
    records = tmp_path / "records.jsonl"
    records.write_bytes(full[:at])
    capsys.readouterr()
    assert main(argv(corpus, records, "--jobs", "1", "-o", tmp_path / "report.json")) == 1
    whole = full[:at].count(b"\n")
    assert f"{N - whole} written, {whole} already present" in capsys.readouterr().err
    assert records.read_bytes() == full
    assert (tmp_path / "report.json").read_bytes() == (corpus / "full.json").read_bytes()


def test_a_killed_run_resumes_where_it_stopped(corpus, tmp_path, capsys):
    records = tmp_path / "records.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent.parent / "src"),
                                                        os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "verifier", *argv(corpus, records, "--jobs", "2")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if records.exists() and records.read_bytes().count(b"\n") >= 200:
                break
            time.sleep(0.005)
        os.killpg(proc.pid, signal.SIGKILL)              # the command and its pool workers
    finally:
        proc.wait(30)
    at_kill = records.read_bytes().count(b"\n")
    assert proc.returncode == -signal.SIGKILL and 200 <= at_kill < N, "the run was not killed mid-way"
    capsys.readouterr()
    assert main(argv(corpus, records, "--jobs", "2", "-o", tmp_path / "report.json")) == 1
    err = capsys.readouterr().err
    skipped = int(err.split(" already present")[0].rsplit(", ", 1)[1])
    assert skipped >= at_kill
    keys = [json.loads(x)["key"] for x in records.read_bytes().splitlines()]
    assert len(keys) == len(set(keys)) == N                 # none lost, none twice
    assert records.read_bytes() == (corpus / "full.jsonl").read_bytes()
    assert (tmp_path / "report.json").read_bytes() == (corpus / "full.json").read_bytes()


def test_any_other_file_is_refused_and_left_untouched(corpus, tmp_path, capsys):
    def refused(path: Path, *more) -> str:
        before = path.read_bytes()
        capsys.readouterr()
        assert main(argv(corpus, path, "--jobs", "1", *more)) == 2
        assert path.read_bytes() == before
        return capsys.readouterr().err

    # user data: a policy, a case file
    err = refused(corpus / "old.policy")
    assert "V104" in err and "not a results file of `verifier diff --cases`" in err
    case = tmp_path / "case.json"
    case.write_text('{"facts": {"失误": true}}\n', encoding="utf-8")
    assert "not a results file" in refused(case)
    # the results of `verifier case`
    results = tmp_path / "results.jsonl"
    assert main(["case", str(corpus / "old.policy"), "--facts", str(corpus / "cases.jsonl"), "-o", str(results),
                 "--jobs", "1"]) == 2                                      # (two unreadable cases)
    assert "a `verifier case` result" in refused(results)
    # the records of another run: other versions, other --ask
    other = tmp_path / "other.jsonl"
    other.write_bytes((corpus / "full.jsonl").read_bytes()[:5000])
    assert "another `verifier diff --cases` run" in refused(other, "--ask", "可以 容错")
    capsys.readouterr()
    assert main(["diff", str(corpus / "old.policy"), str(corpus / "old.policy"), "--cases",
                 str(corpus / "cases.jsonl"), "--records", str(other), "--no-findings"]) == 2
    assert "another `verifier diff --cases` run" in capsys.readouterr().err
    # ... and `verifier case -o` refuses a records file of the diff
    capsys.readouterr()
    assert main(["case", str(corpus / "old.policy"), "--facts", str(corpus / "cases.jsonl"), "-o", str(other)]) == 2
    assert "records of `verifier diff --cases`, not of `verifier case`" in capsys.readouterr().err
    assert other.read_bytes() == (corpus / "full.jsonl").read_bytes()[:5000]
    # a folder; the report and the records in one file; --records without --cases
    assert "它是文件夹" in refused_folder(corpus, tmp_path, capsys)       # (the run's language: Chinese)
    assert main(argv(corpus, tmp_path / "same.jsonl", "-o", tmp_path / "same.jsonl")) == 2
    assert "name the same file" in capsys.readouterr().err
    assert main(["diff", str(corpus / "old.policy"), str(corpus / "new.policy"), "--records",
                 str(tmp_path / "r.jsonl")]) == 2
    assert "go with --cases" in capsys.readouterr().err
    assert not (tmp_path / "same.jsonl").exists() and not (tmp_path / "r.jsonl").exists()


def refused_folder(corpus, tmp_path, capsys) -> str:
    capsys.readouterr()
    assert main(argv(corpus, tmp_path, "--jobs", "1")) == 2
    return capsys.readouterr().err


def test_the_progress_bar_only_on_a_terminal(corpus, tmp_path, capsys, monkeypatch):
    assert main(argv(corpus, tmp_path / "quiet.jsonl", "--jobs", "1")) == 1
    assert "cases/s" not in capsys.readouterr().err                  # stderr is not a terminal here
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(argv(corpus, tmp_path / "bar.jsonl", "--jobs", "1")) == 1
    out, err = capsys.readouterr()
    assert f"] {N}/{N} " in err and "cases/s" in err and "cases/s" not in out
    assert (tmp_path / "bar.jsonl").read_bytes() == (corpus / "full.jsonl").read_bytes()
