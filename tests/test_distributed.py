"""Batch rulings on a Dask cluster (``--scheduler``): a LocalCluster of 2 worker processes,
output byte for byte the local batch's, resumable, nothing lost or written twice when a
worker is killed mid-run."""
from __future__ import annotations

import json
import os
import random
import signal
import threading
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason='Dask is not installed: pip install -e ".[dask]"')

from verifier.cli import main  # noqa: E402
from verifier.diff.precedents import iter_corpus, rule_corpus  # noqa: E402
from verifier.load import load_policy  # noqa: E402
from verifier.rulings.batch import iter_inputs, run_batch  # noqa: E402
from verifier.rulings.distributed import policy_texts, rule_precedents, run_distributed  # noqa: E402

POLICY = """document T
  title "t"
  source "tests"

clause C-1 "一"
clause C-2 "二"

fact 失误 : bool
fact 私利 : bool
fact 程序 : bool
fact 排名 : int [1..10]

interpretation 严格 cites C-1
  true "须经程序"
  false "不问程序"

action 容错

rule R-1 cites C-1 if 失误 and not 私利 and (程序 or not 严格) then must 容错
rule R-2 cites C-2 if 私利 or 排名 > 8 then must not 容错
"""


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as c:
        with distributed.Client(c, set_as_default=False) as client:
            yield c, client


@pytest.fixture()
def setup(tmp_path):
    path = tmp_path / "t.policy"
    path.write_text(POLICY, encoding="utf-8")
    loaded = load_policy([str(path)])
    rng = random.Random(7)
    names = ["失误", "私利", "程序"]
    lines = []
    for i in range(400):
        facts = {n: rng.random() < 0.5 for n in names if rng.random() < 0.7}
        if rng.random() < 0.5:
            facts["排名"] = rng.randint(1, 10)
        lines.append(json.dumps({"facts": facts}, ensure_ascii=False))
    lines[5] = '{"facts": '                              # an unreadable case: an error record
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(lines) + "\n", encoding="utf-8")
    local = tmp_path / "local.jsonl"
    run_batch(loaded.policy, iter_inputs([cases]), local, jobs=1, progress=False)
    return loaded, cases, local, path


def test_output_is_byte_for_byte_the_local_batch(cluster, setup, tmp_path):
    c, client = cluster
    loaded, cases, local, _ = setup
    out = tmp_path / "dask.jsonl"
    written, skipped, statuses = run_distributed(c.scheduler_address, policy_texts(loaded.sources),
                                                 iter_inputs([cases]), out, progress=False, chunk=16,
                                                 client=client)
    assert (written, skipped) == (400, 0) and statuses == {"ok": 399, "error": 1}
    assert out.read_bytes() == local.read_bytes()
    # resumed after a crash mid-write: the torn last line is cut, the rest is not redone
    data = out.read_bytes()
    cut = data.index(b"\n", len(data) // 2) + 20
    out.write_bytes(data[:cut])
    written, skipped, _ = run_distributed(c.scheduler_address, policy_texts(loaded.sources),
                                          iter_inputs([cases]), out, progress=False, client=client)
    assert skipped == data[:cut].count(b"\n") and written == 400 - skipped
    assert out.read_bytes() == local.read_bytes()


def test_cli_scheduler(cluster, setup, tmp_path, capsys):
    c, _ = cluster
    _, cases, local, policy = setup
    out = tmp_path / "cli.jsonl"
    code = main(["case", str(policy), "--facts", str(cases), "-o", str(out), "--scheduler", c.scheduler_address])
    assert code == 2 and "1 error, 399 ok" in capsys.readouterr().err      # the unreadable case: exit 2
    assert out.read_bytes() == local.read_bytes()
    code = main(["case", str(policy), "--facts", str(cases), "-o", str(tmp_path / "x.jsonl"),
                 "--scheduler", "tcp://127.0.0.1:1"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach the Dask scheduler" in err and "Traceback" not in err


def test_a_worker_killed_mid_run_loses_and_repeats_nothing(cluster, setup, tmp_path):
    c, client = cluster
    loaded, cases, local, _ = setup
    inputs = iter_inputs([cases]) * 1
    out = tmp_path / "killed.jsonl"
    pids = list(client.run(os.getpid).values())
    done = {}

    def go():
        done["result"] = run_distributed(c.scheduler_address, policy_texts(loaded.sources), inputs, out,
                                         progress=False, chunk=4, client=client)
    t = threading.Thread(target=go)
    t.start()
    deadline = time.monotonic() + 30
    while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(pids[0], signal.SIGKILL)                         # mid-run: some lines are written
    at_kill = out.read_bytes().count(b"\n")
    t.join(60)
    assert not t.is_alive() and "result" in done
    lines = out.read_bytes().splitlines()
    keys = [json.loads(x)["key"] for x in lines]
    assert 0 < at_kill < 400 and len(keys) == len(set(keys)) == 400
    assert out.read_bytes() == local.read_bytes()
    client.wait_for_workers(2, timeout=30)                   # the nanny restarts the killed worker


def test_precedents_on_the_cluster_match_the_local_pool(cluster, setup, tmp_path):
    c, client = cluster
    loaded, cases, _, path = setup
    new_path = tmp_path / "new.policy"
    new_path.write_text(POLICY.replace("排名 > 8", "排名 > 5"), encoding="utf-8")
    new = load_policy([str(new_path)])
    items = iter_corpus([cases])
    here = rule_corpus(loaded.policy, new.policy, items, jobs=1)
    there = rule_precedents(c.scheduler_address, policy_texts(loaded.sources), policy_texts(new.sources),
                            items, progress=False, chunk=32, client=client)
    assert there == here and any(r["status"] == "changed" for r in here)


def test_precedent_records_on_the_cluster_are_the_local_ones_and_resume(cluster, setup, tmp_path, capsys):
    """``diff --cases --records FILE --scheduler``: the same bytes as the local pool's records,
    and a torn file resumed on the cluster ends with them too."""
    from verifier.diff.precedents import run_id

    c, client = cluster
    loaded, cases, _, path = setup
    new_path = tmp_path / "new.policy"
    new_path.write_text(POLICY.replace("排名 > 8", "排名 > 5"), encoding="utf-8")
    new = load_policy([str(new_path)])
    items = iter_corpus([cases])
    run = run_id(loaded.sources, new.sources)
    local = tmp_path / "local-records.jsonl"
    here = rule_corpus(loaded.policy, new.policy, items, jobs=1, progress=False, records=local, run=run)
    assert here == rule_corpus(loaded.policy, new.policy, items, jobs=1)          # as without a file
    texts = (policy_texts(loaded.sources), policy_texts(new.sources))
    there = tmp_path / "dask-records.jsonl"
    assert rule_corpus(None, None, items, progress=False, scheduler=c.scheduler_address, texts=texts,
                       records=there, run=run) == here
    assert there.read_bytes() == local.read_bytes()
    data = there.read_bytes()
    there.write_bytes(data[:data.index(b"\n", len(data) // 3) + 25])             # interrupted mid-write
    assert rule_corpus(None, None, items, progress=False, scheduler=c.scheduler_address, texts=texts,
                       records=there, run=run) == here
    assert there.read_bytes() == local.read_bytes()
    # the command: --scheduler with --records resumes too, and the report is the local one
    argv = ["diff", str(path), str(new_path), "--cases", str(cases), "--no-findings", "--format", "json"]
    assert main([*argv, "--jobs", "1", "-o", str(tmp_path / "local.json")]) == 1
    there.write_bytes(data[:len(data) // 2])
    assert main([*argv, "--records", str(there), "--scheduler", c.scheduler_address,
                 "-o", str(tmp_path / "dask.json")]) == 1
    assert "already present" in capsys.readouterr().err
    assert there.read_bytes() == local.read_bytes()
    assert (tmp_path / "dask.json").read_bytes() == (tmp_path / "local.json").read_bytes()
