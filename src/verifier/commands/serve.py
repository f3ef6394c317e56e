"""``verifier serve [POLICY...]``: the ruling page (docs/web.md), on 127.0.0.1 by default."""
from __future__ import annotations

import argparse
import sys

from ..exitcodes import INPUT_ERROR, OK
from .common import load_or_report

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def register(sub) -> None:
    p = sub.add_parser("serve", help="the ruling page: fill in a case in a browser, see the verdict and the proof")
    p.add_argument("paths", nargs="*", metavar="POLICY", help="policy files or folders (default: policy/)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_port, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                   help="longest a request waits for the solver before answering 'still working' (default 30)")
    p.add_argument("--max-body", type=int, default=256 * 1024, metavar="BYTES",
                   help="largest request body accepted (default 262144)")
    p.set_defaults(run=run)


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r}: give a port number 0..65535")
    return n


def _seconds(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        n = 0
    if not n > 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds, more than 0")
    return n


def _free_port(host: str) -> int:
    """A port free now on ``host`` (for --port 0, so the address printed is the real one)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def run(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from ..web.app import create_app
    except ModuleNotFoundError as exc:
        print(f"error: verifier serve needs {exc.name}: install the web extra "
              "(python -m pip install 'verifier[web]')", file=sys.stderr)
        return INPUT_ERROR
    loaded = load_or_report(args.paths)
    if loaded is None:
        return INPUT_ERROR
    label = " ".join(args.paths) or "policy/"
    hosts = None
    if args.host in LOOPBACK:        # refuse other Host headers (DNS rebinding)
        hosts = ["127.0.0.1", "localhost", "[::1]", "::1"]
    print("compiling the policy…", file=sys.stderr, flush=True)
    app = create_app(loaded.policy, label=label, timeout=args.timeout, max_body=args.max_body,
                     allowed_hosts=hosts)
    port = args.port or _free_port(args.host)
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"verifier serve: http://{shown}:{port}/  (Ctrl-C stops)", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=port, log_level="warning",
                limit_concurrency=64, timeout_keep_alive=5, h11_max_incomplete_event_size=64 * 1024)
    return OK
