"""`verifier lsp` end to end: pygls's own client drives the server over stdio.

One server process per module (started once, ~0.5 s); each test opens its own documents
in a fresh folder under tmp_path, so tests do not see each other's files.
"""
from __future__ import annotations

import asyncio
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsprotocol import types as t  # noqa: E402
from pygls import uris  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]

A_POLICY = textwrap.dedent("""\
    # 测试用的小办法
    文档 A
      标题 "测试办法"

    条款 A-1 "对于主观上没有谋取私利、获得市级以上表彰的失误,可以容错。"
    条款 A-2 "违纪且免除处理的,不予容错。"

    事实 谋取私利 : 布尔
      标签 "为自己谋取私利"
      原文 "谋取私利"
      英文 "sought private gain"
      依据 A-1

    事实 违纪 : 布尔
      标签 "违纪"
      依据 A-2

    事实 「市级以上表彰」 : 布尔
      标签 "获得市级以上表彰"

    事实 处理方式 : 枚举 {从轻, 减轻, 免除}

    动作 予以容错
      标签 "予以容错"

    规则 R-1 依据 A-1
      如果 并非 谋取私利 并且 「市级以上表彰」
      那么 可以 予以容错

    规则 R-2 依据 A-2
      如果 违纪 并且 处理方式 = 免除
      那么 不得 予以容错
    """)

B_POLICY = textwrap.dedent("""\
    document B
      uses A

    clause B-1 "no private gain makes a case tolerable"

    term 可容错 iff not 谋取私利 cites B-1
    """)


class Session:
    """A sync facade over an async pygls client running in its own thread."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.client = LanguageClient("test", "0")
        self.diagnostics: dict[str, list[t.Diagnostic]] = {}
        self.logs: list[str] = []
        self.versions: dict[str, int] = {}

        @self.client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: t.PublishDiagnosticsParams):
            self.diagnostics[params.uri] = params.diagnostics

        @self.client.feature(t.WINDOW_LOG_MESSAGE)
        def logged(params: t.LogMessageParams):
            self.logs.append(params.message)

        self.run(self.client.start_io(sys.executable, "-m", "verifier", "lsp", cwd=str(ROOT)))
        self.run(self.client.initialize_async(t.InitializeParams(
            capabilities=t.ClientCapabilities(),
            initialization_options={"verifier": {"lang": "en"}})))
        self.call(self.client.initialized, t.InitializedParams())

    def run(self, coro, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn, params):
        async def go():
            return fn(params)
        return self.run(go())

    def open(self, path: Path, text: str) -> str:
        path.write_text(text, encoding="utf-8")
        uri = uris.from_fs_path(str(path))
        self.versions[uri] = 1
        self.call(self.client.text_document_did_open, t.DidOpenTextDocumentParams(
            t.TextDocumentItem(uri=uri, language_id="policy", version=1, text=text)))
        return uri

    def type(self, uri: str, line: int, col: int, text: str, end: tuple[int, int] | None = None):
        """Replace [line:col, end) (an insertion by default) with ``text``."""
        self.versions[uri] += 1
        end_line, end_col = end or (line, col)
        change = t.TextDocumentContentChangePartial(
            range=t.Range(t.Position(line, col), t.Position(end_line, end_col)), text=text)
        self.call(self.client.text_document_did_change, t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(version=self.versions[uri], uri=uri),
            content_changes=[change]))

    def save(self, uri: str, text: str) -> None:
        Path(uris.to_fs_path(uri)).write_text(text, encoding="utf-8")
        self.call(self.client.text_document_did_save,
                  t.DidSaveTextDocumentParams(t.TextDocumentIdentifier(uri)))

    def wait(self, uri: str, predicate, timeout: float = 20) -> list[t.Diagnostic]:
        """Wait until the diagnostics published for ``uri`` satisfy ``predicate``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.diagnostics.get(uri)
            if found is not None and predicate(found):
                return found
            time.sleep(0.02)
        raise AssertionError(f"timed out; last diagnostics: {self.diagnostics.get(uri)}")

    def request(self, method: str, params):
        async def go():
            return await self.client.protocol.send_request_async(method, params)
        return self.run(go())

    def close(self) -> None:
        try:
            self.run(self.client.shutdown_async(None), timeout=10)
            self.call(self.client.exit, None)
            self.run(self.client.stop(), timeout=10)
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def lsp():
    session = Session()
    yield session
    session.close()


def doc(uri: str) -> t.TextDocumentIdentifier:
    return t.TextDocumentIdentifier(uri)


def at(text: str, needle: str, nth: int = 0, shift: int = 1) -> t.Position:
    """The position ``shift`` characters into the ``nth`` occurrence of ``needle``."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    offset += shift
    line = text.count("\n", 0, offset)
    return t.Position(line, offset - (text.rfind("\n", 0, offset) + 1))


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


# ---------------------------------------------------------------- diagnostics as you type

def test_typing_an_undeclared_name_gives_the_checker_diagnostic_and_a_quick_fix(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    lsp.wait(uri, lambda ds: not any(d.source == "verifier" for d in ds))
    pos = at(A_POLICY, "违纪 并且", shift=0)
    lsp.type(uri, pos.line, pos.character + 2, "x")           # 违纪 -> 违纪x
    found = lsp.wait(uri, lambda ds: "V200" in codes(ds))
    d = next(d for d in found if d.code == "V200")
    assert d.severity == t.DiagnosticSeverity.Error and d.source == "verifier"
    assert d.message.startswith("违纪x is not declared")
    assert "did you mean 「违纪」" in d.message
    assert d.range == t.Range(pos, t.Position(pos.line, pos.character + 3))

    actions = lsp.request("textDocument/codeAction", t.CodeActionParams(
        text_document=doc(uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
    assert actions and actions[0].kind == t.CodeActionKind.QuickFix and actions[0].is_preferred
    edit = actions[0].edit.changes[uri][0]
    assert edit.new_text == "违纪" and edit.range == d.range

    lsp.type(uri, pos.line, pos.character, "违纪", end=(pos.line, pos.character + 3))
    lsp.wait(uri, lambda ds: "V200" not in codes(ds))


def test_a_keyword_inside_a_name_is_a_syntax_error_fixed_by_quoting(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    pos = at(A_POLICY, "「市级以上表彰」\n", shift=0)
    lsp.type(uri, pos.line, pos.character, "市级以上表彰", end=(pos.line, pos.character + 8))
    found = lsp.wait(uri, lambda ds: "V111" in codes(ds))
    d = next(d for d in found if d.code == "V111")
    assert "「市级以上表彰」" in d.message
    actions = lsp.request("textDocument/codeAction", t.CodeActionParams(
        text_document=doc(uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
    edit = actions[0].edit.changes[uri][0]
    assert edit.new_text == "「市级以上表彰」"
    assert edit.range == t.Range(pos, t.Position(pos.line, pos.character + 6))


def test_an_unfinished_declaration_is_reported_and_the_server_keeps_answering(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    end = A_POLICY.count("\n")
    lsp.type(uri, end, 0, "规则 R-3 依据 A-1\n  如果 违纪 并且\n")
    found = lsp.wait(uri, lambda ds: "V112" in codes(ds) or "V111" in codes(ds))
    assert all(d.range.start.line >= end for d in found if d.code in ("V111", "V112"))
    for junk in ("\x00\x01", "「unclosed", "(" * 500, '"open string'):
        lsp.type(uri, end, 0, junk + "\n")
    lsp.wait(uri, lambda ds: any(d.code.startswith("V11") for d in ds))
    hover = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(A_POLICY, "谋取私利 : 布尔")))
    assert hover is not None and "sought private gain" in hover.contents.value


def test_messages_follow_the_language_setting(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY.replace("违纪 并且", "违纪y 并且"))
    lsp.wait(uri, lambda ds: any(d.message.startswith("违纪y is not declared") for d in ds))
    lsp.call(lsp.client.workspace_did_change_configuration,
             t.DidChangeConfigurationParams(settings={"verifier": {"lang": "zh"}}))
    lsp.wait(uri, lambda ds: any(d.message.startswith("违纪y 未声明") for d in ds))
    lsp.call(lsp.client.workspace_did_change_configuration,
             t.DidChangeConfigurationParams(settings={"verifier": {"lang": "en"}}))
    lsp.wait(uri, lambda ds: any(d.message.startswith("违纪y is not declared") for d in ds))


# ---------------------------------------------------------------- navigation

def test_hover_on_a_fact_shows_label_phrase_gloss_type_clauses_and_users(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    hover = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(A_POLICY, "并非 谋取私利", shift=4)))
    text = hover.contents.value
    assert text.startswith("**谋取私利** · fact · `bool`")
    for part in ("为自己谋取私利", "phrase: 谋取私利", "sought private gain",
                 "**A-1** 对于主观上没有谋取私利", "used in: R-1"):
        assert part in text
    assert hover.range.start == at(A_POLICY, "并非 谋取私利", shift=3)


def test_hover_on_a_clause_id_a_rule_and_a_label(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    clause = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(A_POLICY, "依据 A-2", shift=4)))
    assert "> 违纪且免除处理的,不予容错。" in clause.contents.value
    assert "cited by: 违纪, R-2" in clause.contents.value
    rule = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(A_POLICY, "R-2 依据")))
    assert "那么 不得 予以容错" in rule.contents.value
    label = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(A_POLICY, "= 免除", shift=3)))
    assert "label — 处理方式" in label.contents.value and "enum {从轻, 减轻, 免除}" in label.contents.value


def test_definition_and_references_across_the_files_of_a_folder(lsp, tmp_path):
    a = lsp.open(tmp_path / "a.policy", A_POLICY)
    b = lsp.open(tmp_path / "b.policy", B_POLICY)
    lsp.wait(b, lambda ds: not any(d.source == "verifier" for d in ds))
    where = lsp.request("textDocument/definition", t.DefinitionParams(doc(b), at(B_POLICY, "谋取私利")))
    assert where.uri == a and where.range.start == at(A_POLICY, "谋取私利 : 布尔", shift=0)
    refs = lsp.request("textDocument/references", t.ReferenceParams(
        text_document=doc(a), position=at(A_POLICY, "谋取私利 : 布尔"),
        context=t.ReferenceContext(include_declaration=True)))
    assert sorted((r.uri == b, r.range.start.line) for r in refs) == [
        (False, at(A_POLICY, "谋取私利 : 布尔").line), (False, at(A_POLICY, "并非 谋取私利").line),
        (True, at(B_POLICY, "谋取私利").line)]
    clause = lsp.request("textDocument/definition", t.DefinitionParams(doc(a), at(A_POLICY, "依据 A-1", shift=4)))
    assert clause.range.start == at(A_POLICY, "A-1 \"", shift=0)
    rule_refs = lsp.request("textDocument/references", t.ReferenceParams(
        text_document=doc(a), position=at(A_POLICY, "予以容错\n  标签"),
        context=t.ReferenceContext(include_declaration=False)))
    assert len(rule_refs) == 2                      # the two rules' conclusions
    # an edit in a.policy that breaks b.policy shows up in b.policy
    pos = at(A_POLICY, "事实 谋取私利", shift=3)
    lsp.type(a, pos.line, pos.character, "不", end=None)
    lsp.wait(b, lambda ds: "V200" in codes(ds))


# ---------------------------------------------------------------- editing help

def test_completion_offers_quoted_names_keywords_of_both_sets_and_clause_ids(lsp, tmp_path):
    text = A_POLICY + "\n规则 R-9 依据 A-1\n  如果 市级\n"
    uri = lsp.open(tmp_path / "a.policy", text)
    end = at(text, "如果 市级", shift=5)
    result = lsp.request("textDocument/completion", t.CompletionParams(doc(uri), end))
    items = {i.label: i for i in result.items}
    quoted = items["市级以上表彰"]
    assert quoted.text_edit.new_text == "「市级以上表彰」"
    assert quoted.text_edit.range == t.Range(at(text, "如果 市级", shift=3), end)
    assert items["谋取私利"].text_edit.new_text == "谋取私利"
    for word in ("并且", "and", "不得", "must not", "如果", "if"):
        assert word in items
    cites = lsp.request("textDocument/completion", t.CompletionParams(doc(uri), at(text, "R-9 依据 ", shift=7)))
    assert [i.label for i in cites.items] == ["A-1", "A-2"]
    labels = lsp.request("textDocument/completion", t.CompletionParams(doc(uri), at(A_POLICY, "= 免除", shift=2)))
    assert [i.label for i in labels.items] == ["从轻", "减轻", "免除"]


def test_formatting_is_verifier_fmt(lsp, tmp_path):
    from verifier.commands.fmt import format_text
    uri = lsp.open(tmp_path / "b.policy", B_POLICY)
    edits = lsp.request("textDocument/formatting", t.DocumentFormattingParams(
        doc(uri), t.FormattingOptions(tab_size=2, insert_spaces=True)))
    expected, _, _ = format_text(B_POLICY, str(tmp_path / "b.policy"), "en")
    assert len(edits) == 1 and edits[0].new_text == expected
    assert "term 可容错\n  iff not 谋取私利" in expected          # English keywords kept
    broken = lsp.open(tmp_path / "c.policy", "document C\nfact x : \n")
    assert not lsp.request("textDocument/formatting", t.DocumentFormattingParams(
        doc(broken), t.FormattingOptions(tab_size=2, insert_spaces=True)))


# ---------------------------------------------------------------- analysis in the background

def test_findings_of_the_saved_file_arrive_with_their_witness(lsp, tmp_path):
    uri = lsp.open(tmp_path / "a.policy", A_POLICY)
    found = lsp.wait(uri, lambda ds: "A401" in codes(ds), timeout=60)
    d = next(d for d in found if d.code == "A401")
    assert d.source == "verifier-analysis" and d.severity == t.DiagnosticSeverity.Error
    assert d.range.start.line == at(A_POLICY, "规则 R-1").line
    assert "rules R-1, R-2 can apply together" in d.message
    assert "witness:" in d.message and "处理方式 = 免除" in d.message
    assert {r.message for r in d.related_information} == {"rule R-1", "rule R-2"}
    # editing hides the findings of the old text; saving brings the new ones
    fixed = A_POLICY + "\n优先级 R-2 高于 R-1 依据 A-2\n"
    lsp.type(uri, A_POLICY.count("\n"), 0, "\n优先级 R-2 高于 R-1 依据 A-2\n")
    lsp.wait(uri, lambda ds: "A401" not in codes(ds))
    lsp.save(uri, fixed)
    lsp.wait(uri, lambda ds: "A402" in codes(ds), timeout=60)


def test_the_bundled_policy_folder(lsp):
    path = ROOT / "policy" / "rc.policy"
    text = path.read_text(encoding="utf-8")
    uri = uris.from_fs_path(str(path))
    lsp.versions[uri] = 1
    lsp.call(lsp.client.text_document_did_open, t.DidOpenTextDocumentParams(
        t.TextDocumentItem(uri=uri, language_id="policy", version=1, text=text)))
    lsp.wait(uri, lambda ds: True)          # the folder may be mid-edit: any answer will do
    hover = lsp.request("textDocument/hover", t.HoverParams(doc(uri), at(text, "依据 RC-C0", shift=4)))
    assert "**RC-C0** · clause" in hover.contents.value
    refs = lsp.request("textDocument/references", t.ReferenceParams(
        text_document=doc(uri), position=at(text, "依据 RC-C0", shift=4),
        context=t.ReferenceContext(include_declaration=False)))
    assert any(r.uri.endswith("jl.policy") for r in refs) or len(refs) > 3
    lsp.call(lsp.client.text_document_did_close,
             t.DidCloseTextDocumentParams(t.TextDocumentIdentifier(uri)))


# ---------------------------------------------------------------- pieces without a server

def test_the_lexer_splits_names_at_keywords_as_the_parser_does():
    from verifier.lsp.tokens import tokenize
    words = [(x.kind, x.text) for x in tokenize('如果 市级以上表彰 并且 「市级以上表彰」 or RC-C0 # 注释 并且\n"a 并且 b"')]
    assert words == [("keyword", "如果"), ("name", "市级"), ("keyword", "以上"), ("name", "表彰"),
                     ("keyword", "并且"), ("qname", "「市级以上表彰」"), ("keyword", "or"),
                     ("id", "RC-C0"), ("comment", "# 注释 并且"), ("string", '"a 并且 b"')]


def test_the_vscode_grammar_is_generated_and_covers_both_keyword_sets():
    import json
    from verifier.lsp.textmate import render
    from verifier.syntax.keywords import keywords
    path = ROOT / "editors" / "vscode" / "syntaxes" / "policy.tmLanguage.json"
    assert path.read_text(encoding="utf-8") == render(), \
        "regenerate: python -m verifier.lsp.textmate > editors/vscode/syntaxes/policy.tmLanguage.json"
    text = json.dumps(json.loads(render()), ensure_ascii=False)
    for pair in keywords().values():
        for word in (pair["zh"], pair["en"]):
            assert word.replace("-", "\\\\-") in text or word in text, word
    package = json.loads((ROOT / "editors" / "vscode" / "package.json").read_text(encoding="utf-8"))
    assert package["contributes"]["grammars"][0]["path"] == "./syntaxes/policy.tmLanguage.json"


def test_parsing_while_typing_gives_what_parse_text_gives():
    from verifier.lsp.incremental import parse_editing
    from verifier.syntax import parse_text
    text = A_POLICY
    parse_editing(text, "a.policy")
    for variant in (text.replace("违纪 并且", "违纪x 并且"), text.replace("如果 违纪", "如果\n违纪"),
                    "\n" + text, text.replace("那么 不得", "那么"), text.replace("「市级以上表彰」 :", "市级以上表彰 :")):
        want, got = parse_text(variant, "a.policy"), parse_editing(variant, "a.policy")
        assert got[0] == want[0] and got[1] == want[1]
        if want[0] is not None:
            assert [x.span for x in got[0].items] == [x.span for x in want[0].items]
