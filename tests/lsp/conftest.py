"""The real `vaultc lsp` driven over stdio by pytest-lsp, on copies of the sample vault.

Run by `cargo test --test it lsp` (tests/it/lsp.rs), which builds vaultc, makes a virtualenv
with pytest-lsp and passes the binary in VAULTC_BIN. By hand:

    VAULTC_BIN=target/debug/vaultc python -m pytest tests/lsp
"""
import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("VAULTC_BIN", str(REPO / "target" / "debug" / "vaultc"))
TODAY = "2026-11-24"


@pytest.fixture
def vault(tmp_path):
    """A copy of the sample vault (book.toml and vault/) to edit."""
    shutil.copy(REPO / "book.toml", tmp_path / "book.toml")
    shutil.copytree(REPO / "vault", tmp_path / "vault")
    return tmp_path


def capabilities():
    return t.ClientCapabilities(
        general=t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf16]),
        workspace=t.WorkspaceClientCapabilities(
            workspace_edit=t.WorkspaceEditClientCapabilities(
                document_changes=True,
                resource_operations=[t.ResourceOperationKind.Create, t.ResourceOperationKind.Rename,
                                     t.ResourceOperationKind.Delete],
            ),
            did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=False),
        ),
        text_document=t.TextDocumentClientCapabilities(
            publish_diagnostics=t.PublishDiagnosticsClientCapabilities(version_support=True),
            rename=t.RenameClientCapabilities(prepare_support=True),
            completion=t.CompletionClientCapabilities(
                completion_item=t.ClientCompletionItemOptions(snippet_support=False)),
            hover=t.HoverClientCapabilities(content_format=[t.MarkupKind.Markdown]),
            document_symbol=t.DocumentSymbolClientCapabilities(hierarchical_document_symbol_support=True),
        ),
    )


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BIN, "lsp", "--today", TODAY]),
)
async def client(lsp_client: LanguageClient, vault):
    lsp_client.vault = vault
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=capabilities(),
        root_uri=vault.as_uri(),
        workspace_folders=[t.WorkspaceFolder(uri=vault.as_uri(), name="vault")],
    ))
    yield
    await lsp_client.shutdown_session()


def uri(vault, rel):
    return (vault / "vault" / rel).as_uri()


def path_of(u):
    return Path(unquote(urlparse(u).path))


def rel_of(vault, u):
    return path_of(u).relative_to((vault / "vault").resolve()).as_posix()


async def wait_for(predicate, timeout=20.0, what="a condition"):
    """Polls `predicate` until it holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


def open_doc(client, vault, rel, text=None):
    """didOpen of a note with its text on disk (or `text`); returns (uri, text)."""
    u = uri(vault, rel)
    if text is None:
        text = (vault / "vault" / rel).read_bytes().decode("utf-8", "replace")
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=u, language_id="markdown", version=1, text=text)))
    client.versions = getattr(client, "versions", {})
    client.versions[u] = 1
    return u, text


def change_doc(client, u, text):
    """didChange replacing the whole text."""
    client.versions[u] = client.versions.get(u, 1) + 1
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=u, version=client.versions[u]),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


def position_of(text, needle, offset=0):
    """The LSP position (UTF-16) of `needle` in `text`, plus `offset` characters."""
    at = text.index(needle) + offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return t.Position(line=line, character=len(text[start:at].encode("utf-16-le")) // 2)


def vaultc(vault, *args):
    out = subprocess.run([BIN, *args], cwd=vault, capture_output=True, text=True,
                         env={**os.environ, "NO_COLOR": "1", "VAULTC_CACHE_DIR": str(vault / ".cache")})
    assert out.returncode in (0, 1), out.stderr
    return out.stdout


def check_json(vault):
    return json.loads(vaultc(vault, "check", "--today", TODAY, "--format", "json"))


def offset_of(text, pos):
    """The index in `text` of an LSP position (UTF-16)."""
    lines = text.split("\n")
    start = sum(len(line) + 1 for line in lines[:pos.line])
    line = lines[pos.line] if pos.line < len(lines) else ""
    units, i = 0, 0
    while i < len(line) and units < pos.character:
        units += len(line[i].encode("utf-16-le")) // 2
        i += 1
    return start + i


def apply_text_edits(text, edits):
    for e in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        a, b = offset_of(text, e.range.start), offset_of(text, e.range.end)
        text = text[:a] + e.new_text + text[b:]
    return text


def apply_edit(edit):
    """Applies a workspace edit to the files on disk, as an editor would; returns the
    touched paths."""
    touched = []
    for change in edit.document_changes or []:
        if isinstance(change, t.TextDocumentEdit):
            p = path_of(change.text_document.uri)
            p.write_text(apply_text_edits(p.read_text(), change.edits))
            touched.append(p)
        elif isinstance(change, t.CreateFile):
            p = path_of(change.uri)
            if not p.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
                p.write_text("")
            touched.append(p)
        elif isinstance(change, t.RenameFile):
            old, new = path_of(change.old_uri), path_of(change.new_uri)
            new.parent.mkdir(parents=True, exist_ok=True)
            old.rename(new)
            touched += [old, new]
    for u, edits in (edit.changes or {}).items():
        p = path_of(u)
        p.write_text(apply_text_edits(p.read_text(), edits))
        touched.append(p)
    return touched
