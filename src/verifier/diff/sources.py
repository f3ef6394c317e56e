"""The two sides of a diff: a file, a folder, or a git revision of the working repository.

A revision (``REV`` or ``REV:PATH``) is extracted with ``git archive`` into a temporary
folder; ``Side.show`` maps the temporary paths back to ``REV:PATH`` for output.
"""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

DEFAULT_POLICY_DIR = "policy"
MAIN_BRANCHES = ("main", "origin/main", "master", "origin/master")


class SideError(Exception):
    """A side could not be resolved (no such path, not a revision, git failed)."""


@dataclass
class Side:
    """One side of a diff: the paths to load, a label, and how to show its paths."""

    label: str
    paths: list[str]
    tmpdir: Optional[str] = None
    prefix: str = ""                       # shown in place of tmpdir
    _cleanup: list = field(default_factory=list, repr=False)

    def show(self, path: str) -> str:
        if self.tmpdir and path.startswith(self.tmpdir):
            return self.prefix + os.path.relpath(path, self.tmpdir).replace(os.sep, "/")
        return path

    def close(self) -> None:
        if self.tmpdir:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


def _git(args: list[str], cwd: str = ".", binary: bool = False):
    try:
        r = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except OSError as exc:
        raise SideError(f"cannot run git: {exc}") from exc
    if r.returncode != 0:
        msg = r.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SideError(msg[-1] if msg else f"git {' '.join(args)} failed")
    return r.stdout if binary else r.stdout.decode("utf-8", "replace").strip()


def repo_root(cwd: str = ".") -> str:
    return _git(["rev-parse", "--show-toplevel"], cwd)


def is_revision(spec: str, cwd: str = ".") -> bool:
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd)
        return True
    except SideError:
        return False


def merge_base(cwd: str = ".") -> str:
    """The merge base of HEAD with main (or origin/main, master, origin/master)."""
    for branch in MAIN_BRANCHES:
        if is_revision(branch, cwd):
            return _git(["merge-base", "HEAD", branch], cwd)
    raise SideError("no main branch to take the merge base with; give --base REV")


def extract(rev: str, path: str, cwd: str = ".") -> Side:
    """Extract ``path`` (relative to cwd) at revision ``rev`` into a temporary folder."""
    root = Path(repo_root(cwd))
    rel = os.path.relpath(Path(cwd, path).resolve(), root).replace(os.sep, "/")
    if rel.startswith(".."):
        raise SideError(f"{path} is outside the git repository {root}")
    try:
        data = _git(["archive", "--format=tar", rev, "--", rel], str(root), binary=True)
    except SideError as exc:
        raise SideError(f"cannot take {rel} at revision {rev}: {exc}") from exc
    tmp = tempfile.mkdtemp(prefix="verifier-diff-")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(tmp, filter="data")
    if not any(Path(tmp, rel).rglob("*.policy")) and not Path(tmp, rel).is_file():
        shutil.rmtree(tmp, ignore_errors=True)
        raise SideError(f"{rev}:{rel} holds no .policy files")
    short = _git(["rev-parse", "--short", rev], str(root))
    label = f"{rev}:{rel}" if rev == short else f"{rev} ({short}):{rel}"
    return Side(label, [str(Path(tmp, rel))], tmp, f"{rev}:")


def resolve_side(spec: Optional[str], *, policy_dir: str = DEFAULT_POLICY_DIR,
                 cwd: str = ".") -> Side:
    """A path that exists; else ``REV:PATH``; else a revision (its ``policy_dir``)."""
    if spec is None:
        return Side(policy_dir, [policy_dir])
    if Path(cwd, spec).exists():
        return Side(spec, [spec])
    if ":" in spec:
        rev, _, path = spec.partition(":")
        if is_revision(rev, cwd):
            return extract(rev, path or policy_dir, cwd)
    if is_revision(spec, cwd):
        return extract(spec, policy_dir, cwd)
    raise SideError(f"{spec} is neither a file, a folder, nor a git revision")
