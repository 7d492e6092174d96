"""Bad input never stops the server: each case is sent, then the server must still answer
a definition request and still publish findings."""
import pytest
from lsprotocol import types as t
from pygls.exceptions import JsonRpcException

from conftest import change_doc, open_doc, position_of, rel_of, uri, wait_for


async def still_alive(client, vault):
    """The server answers a definition and publishes findings for a fresh edit."""
    u, text = open_doc(client, vault, "Alive.md", "[[NVIDIA]] and [[Nowhere at all]]\n")
    loc = await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, "NVIDIA")))
    assert rel_of(vault, loc.uri) == "Actors/NVIDIA.md"
    await wait_for(lambda: [d for d in client.diagnostics.get(u, []) if d.code == "broken-link"],
                   what="findings after the bad input")
    change_doc(client, u, "[[NVIDIA]]\n")
    await wait_for(lambda: not client.diagnostics.get(u), what="the finding to go")


def codes(client, u):
    return {d.code for d in client.diagnostics.get(u, [])}


async def test_invalid_utf8_on_disk(client):
    vault = client.vault
    path = vault / "vault" / "Bad bytes.md"
    path.write_bytes(b"# Bad\n\nok \xff\xfe here, [[Nowhere]]\n")
    u = uri(vault, "Bad bytes.md")
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=u, type=t.FileChangeType.Created)]))
    await wait_for(lambda: {"invalid-utf8", "broken-link"} <= codes(client, u),
                   what="invalid-utf8 and broken-link in the file")
    await still_alive(client, vault)


async def test_a_ten_megabyte_line(client):
    vault = client.vault
    line = "word " * (2 * 1024 * 1024) + "[[Nowhere]]\n"
    u, text = open_doc(client, vault, "Huge.md", "# Huge\n\n" + line)
    await wait_for(lambda: "broken-link" in codes(client, u), timeout=60,
                   what="the broken link at the end of a 10 MB line")
    diag = [d for d in client.diagnostics[u] if d.code == "broken-link"][0]
    assert diag.range.start.line == 2 and diag.range.start.character == len(line) - len("[[Nowhere]]\n")
    # On disk too.
    (vault / "vault" / "Huge on disk.md").write_text("# Huge\n\n" + line)
    u2 = uri(vault, "Huge on disk.md")
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=u2, type=t.FileChangeType.Created)]))
    await wait_for(lambda: "broken-link" in codes(client, u2), timeout=60, what="the file's finding")
    await still_alive(client, vault)


async def test_a_buffer_edited_into_invalid_yaml(client):
    vault = client.vault
    u, text = open_doc(client, vault, "Actors/NVIDIA.md")
    assert text.startswith("---\n")
    change_doc(client, u, text.replace("---\n", "---\ntags: [unclosed\n", 1))
    await wait_for(lambda: "invalid-frontmatter" in codes(client, u), what="invalid-frontmatter")
    # Completion, hover and symbols still answer in the broken buffer.
    await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=t.Position(line=1, character=12)))
    await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        text_document=t.TextDocumentIdentifier(uri=u)))
    change_doc(client, u, text)
    await wait_for(lambda: "invalid-frontmatter" not in codes(client, u), what="the finding to go")
    await still_alive(client, vault)


async def test_a_rename_onto_an_existing_name_is_refused_with_a_message(client):
    vault = client.vault
    u, text = open_doc(client, vault, "Concepts/Sector rotation.md")
    pos = position_of(text, "[[Michael Burry#^burry-short]]", 3)
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(t.RenameParams(
            text_document=t.TextDocumentIdentifier(uri=u), position=pos, new_name="NVIDIA"))
    assert "a note named `NVIDIA` already exists" in str(refused.value)
    # A heading onto one the note already has.
    u2, text2 = open_doc(client, vault, "ETFs/XMAG.md")
    with pytest.raises(JsonRpcException) as refused:
        await client.text_document_rename_async(t.RenameParams(
            text_document=t.TextDocumentIdentifier(uri=u2), position=position_of(text2, "## Fund flows", 4),
            new_name="XMAG"))
    assert "already" in str(refused.value)
    assert (vault / "vault" / "Actors/Michael Burry.md").exists()
    await still_alive(client, vault)


async def test_requests_for_unknown_files(client):
    vault = client.vault
    pos = t.Position(line=0, character=3)
    for u in ["file:///nowhere/at/all.md", uri(vault, "Not there.md"), "untitled:Untitled-1",
              (vault / "book.toml").as_uri(), uri(vault, "attachments")]:
        doc = t.TextDocumentIdentifier(uri=u)
        assert not await client.text_document_definition_async(t.DefinitionParams(
            text_document=doc, position=pos))
        assert not await client.text_document_references_async(t.ReferenceParams(
            text_document=doc, position=pos, context=t.ReferenceContext(include_declaration=True)))
        assert not await client.text_document_hover_async(t.HoverParams(text_document=doc, position=pos))
        await client.text_document_completion_async(t.CompletionParams(text_document=doc, position=pos))
        assert not await client.text_document_document_symbol_async(
            t.DocumentSymbolParams(text_document=doc))
        assert not await client.text_document_code_action_async(t.CodeActionParams(
            text_document=doc, range=t.Range(start=pos, end=pos),
            context=t.CodeActionContext(diagnostics=[])))
        with pytest.raises(JsonRpcException):
            await client.text_document_rename_async(t.RenameParams(
                text_document=doc, position=pos, new_name="Anything"))
        # Changes and closes of documents never opened.
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=u, version=7),
            content_changes=[t.TextDocumentContentChangePartial(
                range=t.Range(start=t.Position(line=40, character=2), end=t.Position(line=41, character=0)),
                text="x")]))
        client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=doc))
    # Positions past the end of an open buffer, and a change range past it.
    u, _ = open_doc(client, vault, "Short.md", "[[NVIDIA]]\n")
    far = t.Position(line=99, character=99)
    await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=far))
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=u, version=2),
        content_changes=[t.TextDocumentContentChangePartial(
            range=t.Range(start=far, end=t.Position(line=100, character=0)), text="é")]))
    await still_alive(client, vault)
