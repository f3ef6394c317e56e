"""A memo of ``verifier check``: the same inputs give the same bytes, so they are kept.

``check`` is a deterministic function of its options, the policy files, a baseline file,
the verifier's own source and the versions of z3 and lark. ``memoised`` hashes all of
those; when an entry with that key exists it prints the stored output and returns the
stored exit code without parsing or analysing anything, otherwise it runs the command
with stdout captured and stores what it printed (only for exit codes 0 and 1, and only
when nothing went to stderr). Entries live in ``$VERIFIER_CACHE_DIR``, else
``$XDG_CACHE_HOME/verifier``, else ``~/.cache/verifier`` (the 64 newest are kept); set
``VERIFIER_NO_CACHE=1`` or pass ``--no-cache`` to bypass it. A cache that cannot be read
or written is ignored.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import sys
import tempfile
from pathlib import Path

KEEP = 64
_PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path:
    if os.environ.get("VERIFIER_CACHE_DIR"):
        return Path(os.environ["VERIFIER_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "verifier"


def _versions() -> str:
    """The installed z3-solver, lark and grandalf, by their dist-info folder names
    (importlib.metadata alone costs ~0.1 s to import)."""
    wanted = ("z3_solver-", "lark-", "grandalf-")
    found = []
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found += [n for n in names if n.startswith(wanted) and n.endswith(".dist-info")]
    return ";".join(sorted(found))


def key(command: str, options: dict, files) -> str:
    """A hash of everything the command's output depends on."""
    h = hashlib.sha256()
    h.update(json.dumps([command, options, _versions()], sort_keys=True,
                        ensure_ascii=False, default=str).encode("utf-8"))
    for p in sorted(_PACKAGE.rglob("*")):
        if p.suffix in (".py", ".lark") and p.is_file():
            h.update(p.relative_to(_PACKAGE).as_posix().encode() + b"\0" + p.read_bytes())
    for p in [*_policy_files(files["policies"]), *(Path(x) for x in files.get("extra", ()) if x)]:
        h.update(str(p).encode("utf-8") + b"\0" + p.read_bytes())
    return h.hexdigest()


def _policy_files(paths) -> list[Path]:
    """Folders expanded to their *.policy files, as verifier.load does (without importing
    the parser); a missing path raises OSError (then the command runs uncached)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(x for x in p.rglob("*.policy") if x.is_file())
        elif p.is_file():
            out.append(p)
        else:
            raise OSError(f"no such file or folder: {p}")
    return out


def memoised(command: str, options: dict, files: dict, run) -> int:
    """``run()`` (prints to stdout, returns an exit code), memoised as described above."""
    if os.environ.get("VERIFIER_NO_CACHE") or options.get("no_cache") or sys.stdout.isatty():
        return run()                           # (a terminal gets colours: not memoised)
    try:
        k = key(command, options, files)
        entry = cache_dir() / f"{k}.json"
        if entry.is_file():
            stored = json.loads(entry.read_text(encoding="utf-8"))
            sys.stdout.write(stored["stdout"])
            return int(stored["code"])
    except (OSError, ValueError, KeyError):
        return run()
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = run()
    sys.stdout.write(out.getvalue())
    sys.stderr.write(err.getvalue())
    if code in (0, 1) and not err.getvalue():
        _store(entry, {"stdout": out.getvalue(), "code": code})
    return code


def _store(entry: Path, data: dict) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
        os.replace(tmp, entry)
        old = sorted(entry.parent.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)[KEEP:]
        for p in old:
            p.unlink(missing_ok=True)
    except OSError:
        pass
