"""``verifier lsp``: a language server for .policy files (pygls, over stdio).

Diagnostics as you type (the checker's), hover, go to definition, references,
completion, formatting (``verifier fmt``), quick fixes for "did you mean" hints, and the
analysis findings of saved files computed in a background worker. A document is always
read with the other ``.policy`` files of its folder. See docs/editor.md.
"""
