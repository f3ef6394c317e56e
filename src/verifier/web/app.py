"""The Starlette app behind ``verifier serve``.

Safety (docs/web.md): every body is read with a size cap (``max_body``; 413 past it), every
case goes through the case loader (422 with its C5xx diagnostics), the solver runs on one
worker thread and a request waits at most ``timeout`` seconds for it (504 "still working";
asking again picks up the same computation), at most ``max_pending`` computations queue (503
past that), no request names a file (the static files are read once at start-up from the
package), answers are JSON or escaped HTML, and no error shows a stack (it is logged).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import traceback
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from .page import error_page, render_page
from .service import Problem, Service

log = logging.getLogger("verifier.web")

MAX_BODY = 256 * 1024        # bytes of one request body
TIMEOUT = 30.0               # seconds a request waits for the solver
MAX_PENDING = 8              # solver computations queued at once
CACHE = 256                  # answers kept (same case, goal, language: same answer)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}
STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}


class Worker:
    """One solver thread (the compiled policy is not shared between threads), a queue cap,
    a time limit per request, and the answers of finished computations."""

    def __init__(self, timeout: float = TIMEOUT, max_pending: int = MAX_PENDING, cache: int = CACHE):
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="verifier-solver")
        self.timeout, self.max_pending, self.cache_size = timeout, max_pending, cache
        # reentrant: add_done_callback runs _done at once, in this thread, when the ruling
        # has already finished (a fast failure) — with a plain Lock that deadlocked
        self.lock = threading.RLock()
        self.inflight: dict = {}
        self.cache: OrderedDict = OrderedDict()

    async def run(self, key, fn):
        with self.lock:
            if key in self.cache:
                self.cache.move_to_end(key)
                return self.cache[key]
            fut = self.inflight.get(key)
            if fut is None:
                if len(self.inflight) >= self.max_pending:
                    raise Problem(503, "busy", "the server is busy with other rulings; try again in a moment "
                                               "(服务器正忙,请稍后再试)")
                fut = self.pool.submit(self._call, fn)
                self.inflight[key] = fut
                fut.add_done_callback(lambda f, key=key: self._done(key, f))
        try:
            ok, value = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), self.timeout)
        except asyncio.TimeoutError:
            raise Problem(504, "timeout", f"still working: the ruling took longer than {self.timeout:g} s; "
                                          "ask again to pick up the answer when it is ready "
                                          f"(仍在计算:超过 {self.timeout:g} 秒,请稍后重试)") from None
        if not ok:
            raise value
        return value

    @staticmethod
    def _call(fn):
        try:
            return True, fn()
        except Problem as p:
            return False, p
        except Exception as exc:          # logged with its stack; the answer names only the kind
            log.error("ruling failed:\n%s", traceback.format_exc())
            return False, Problem(500, "internal", f"the ruling failed ({type(exc).__name__}); "
                                                    "the server log has the details (内部错误)")

    def _done(self, key, fut) -> None:
        with self.lock:
            self.inflight.pop(key, None)
            try:
                ok, value = fut.result()
            except Exception:
                return
            if ok and self.cache_size:
                self.cache[key] = value
                while len(self.cache) > self.cache_size:
                    self.cache.popitem(last=False)

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)


def create_app(policy=None, service: Service | None = None, label: str = "policy/", *,
               max_body: int = MAX_BODY, timeout: float = TIMEOUT, max_pending: int = MAX_PENDING,
               cache: int = CACHE, allowed_hosts: list[str] | None = None) -> Starlette:
    """The app for a loaded policy set (or a ready ``Service``)."""
    service = service or Service(policy, label)
    worker = Worker(timeout, max_pending, cache)
    static = {name: resources.files("verifier.web").joinpath("static", name).read_bytes() for name in STATIC}

    def lang_of(request: Request) -> str:
        return "en" if request.query_params.get("lang") == "en" else "zh"

    async def body_text(request: Request) -> str:
        declared = request.headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                raise Problem(400, "length", "bad Content-Length")
            if int(declared) > max_body:
                raise Problem(413, "too_large", f"the request body is larger than {max_body} bytes "
                                                f"(请求过大,上限 {max_body} 字节)")
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_body:
                raise Problem(413, "too_large", f"the request body is larger than {max_body} bytes "
                                                f"(请求过大,上限 {max_body} 字节)")
            chunks.append(chunk)
        try:
            return b"".join(chunks).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise Problem(400, "encoding", f"the body is not UTF-8 (byte {exc.start})") from None

    async def read_request(request: Request, fmt: str = "json"):
        text = await body_text(request)
        goal_texts = request.query_params.getlist("goal")
        goal = service.parse_goal(goal_texts)
        case = await read_case(text, fmt)
        return case, goal, lang_of(request)

    async def read_case(text: str, fmt: str):
        """The case loader, off the event loop (no solver: any thread will do); a body of
        thousands of unknown names takes it seconds."""
        try:
            return await asyncio.wait_for(run_in_threadpool(service.read_case, text, fmt), timeout)
        except asyncio.TimeoutError:
            raise Problem(504, "timeout", f"reading the case took longer than {timeout:g} s") from None

    def key(kind, case, goal, lang):
        return (kind, case.facts, case.readings, case.key, case.description, tuple(goal), lang)

    async def page(request: Request):
        goal = request.query_params.getlist("goal")
        try:
            if goal:
                service.parse_goal(goal)
        except Problem as p:
            return HTMLResponse(error_page(p.status, p.message), p.status, headers=SECURITY_HEADERS)
        return HTMLResponse(render_page(service, lang_of(request), goal or None), headers=SECURITY_HEADERS)

    async def static_file(request: Request):
        name = request.path_params["name"]
        if name not in static:
            raise HTTPException(404)
        return Response(static[name], media_type=STATIC[name], headers=SECURITY_HEADERS)

    async def verdict(request: Request):
        case, goal, lang = await read_request(request)
        out = await worker.run(key("verdict", case, goal, lang), lambda: service.verdict(case, goal, lang))
        return JSONResponse(out, headers=SECURITY_HEADERS)

    async def explain(request: Request):
        case, goal, lang = await read_request(request)
        out = await worker.run(key("explain", case, goal, lang), lambda: service.explain(case, goal, lang))
        return JSONResponse(out, headers=SECURITY_HEADERS)

    async def next_question(request: Request):
        case, goal, lang = await read_request(request)
        out = await worker.run(key("next", case, goal, lang), lambda: service.next_question(case, goal, lang))
        return JSONResponse(out, headers=SECURITY_HEADERS)

    async def proof(request: Request):
        case, goal, lang = await read_request(request)
        out = await worker.run(key("proof", case, goal, lang), lambda: service.proof(case, goal, lang))
        return JSONResponse(out, headers=SECURITY_HEADERS)

    async def load(request: Request):
        """A case file's text (YAML or JSON) -> its facts and readings, checked by the loader."""
        fmt = request.query_params.get("fmt", "yaml")
        if fmt not in ("yaml", "json"):
            raise Problem(400, "format", "fmt is yaml or json")
        text = await body_text(request)
        case = await read_case(text, fmt)
        return JSONResponse({"ok": True, "id": case.key, "description": case.description,
                             "facts": dict(case.facts), "readings": dict(case.readings)}, headers=SECURITY_HEADERS)

    async def download(request: Request):
        what = request.path_params["what"]
        if what not in ("case.yaml", "ruling.md", "certificates.zip"):
            raise HTTPException(404)
        case, goal, lang = await read_request(request)
        if what == "case.yaml":
            body, media = service.case_yaml(case).encode("utf-8"), "application/yaml; charset=utf-8"
        elif what == "ruling.md":
            text = await worker.run(key("md", case, goal, lang), lambda: service.markdown(case, goal, lang))
            body, media = text.encode("utf-8"), "text/markdown; charset=utf-8"
        else:
            body = await worker.run(key("zip", case, goal, lang), lambda: service.certificates_zip(case, goal, lang))
            media = "application/zip"
        name = what.replace(".", f"-{case.key}.", 1) if case.key.isascii() and case.key.isidentifier() else what
        headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{name}"'}
        return Response(body, media_type=media, headers=headers)

    async def schema(request: Request):
        from ..cases.schema import case_schema
        return JSONResponse(case_schema(service.policy), headers=SECURITY_HEADERS)

    async def health(request: Request):
        return JSONResponse({"ok": True, "documents": [d.id for d in service.policy.documents]})

    async def on_problem(request: Request, exc: Problem):
        return JSONResponse(exc.as_json(), exc.status, headers=SECURITY_HEADERS)

    async def on_http(request: Request, exc: HTTPException):
        message = {404: "not found (没有这个页面)", 405: "method not allowed (不支持该方法)"}.get(
            exc.status_code, exc.detail or "error")
        if request.url.path.startswith(("/api/", "/download/")):
            return JSONResponse({"ok": False, "error": str(exc.status_code), "message": message, "diagnostics": []},
                                exc.status_code, headers=SECURITY_HEADERS)
        return HTMLResponse(error_page(exc.status_code, message), exc.status_code, headers=SECURITY_HEADERS)

    async def on_error(request: Request, exc: Exception):
        log.error("request failed:\n%s", "".join(traceback.format_exception(exc)))
        return JSONResponse({"ok": False, "error": "internal", "diagnostics": [],
                             "message": f"the request failed ({type(exc).__name__}); the server log has the details"},
                            500, headers=SECURITY_HEADERS)

    routes = [
        Route("/", page, methods=["GET"]),
        Route("/static/{name}", static_file, methods=["GET"]),
        Route("/api/verdict", verdict, methods=["POST"]),
        Route("/api/explain", explain, methods=["POST"]),
        Route("/api/next", next_question, methods=["POST"]),
        Route("/api/proof", proof, methods=["POST"]),
        Route("/api/load", load, methods=["POST"]),
        Route("/api/schema", schema, methods=["GET"]),
        Route("/download/{what}", download, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
        Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
    ]
    middleware = []
    if allowed_hosts:
        from starlette.middleware import Middleware
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        middleware.append(Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        worker.close()

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={Problem: on_problem, HTTPException: on_http, Exception: on_error})
    app.state.service = service
    app.state.worker = worker
    return app
