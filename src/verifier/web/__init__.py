"""``verifier serve``: the ruling page for officials (docs/web.md).

``create_app(policy)`` builds the Starlette app; the solver work is in ``service`` and the
HTML in ``page``. Needs the ``web`` extra (starlette, uvicorn).
"""
from __future__ import annotations


def create_app(*args, **kwargs):
    from .app import create_app as make

    return make(*args, **kwargs)
