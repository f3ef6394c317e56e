"""Diagnostics as values: a code from the registry, a location, arguments and a hint."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model.nodes import NO_SPAN, Span
from .codes import ERROR, Coded, lookup


@dataclass(frozen=True)
class Diagnostic(Coded):
    code: str
    span: Span = NO_SPAN
    args: tuple[tuple[str, str], ...] = ()
    hint: str | None = None
    related: tuple[Span, ...] = field(default=())

    def message(self, lang: str = "en") -> str:
        """The registry message in ``lang`` (``en`` / ``zh``), its arguments in the same
        language (verifier.diagnostics.hints)."""
        from .hints import localise_args
        template = getattr(lookup(self.code), lang)
        return template.format(**localise_args(self.code, dict(self.args), lang))

    def hint_in(self, lang: str = "both") -> str:
        """The hint in ``lang`` (``en`` / ``zh`` / ``both``), "" when there is none."""
        from .hints import hint_text
        return hint_text(self, lang)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def sort_key(self) -> tuple:
        return (self.span.file, self.span.line, self.span.column, self.code, self.args)


def diag(code: str, span: Span = NO_SPAN, hint: str | None = None, **args: object) -> Diagnostic:
    """Build a diagnostic; every argument is rendered with ``str``."""
    return Diagnostic(code, span, tuple((k, str(v)) for k, v in args.items()), hint)


def has_errors(diagnostics) -> bool:
    return any(d.is_error for d in diagnostics)
