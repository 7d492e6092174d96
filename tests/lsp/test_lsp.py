"""What an editor sees: the findings `vaultc check` reports, definitions, references,
completion, rename and code actions, all from the real server over stdio."""
import json

from lsprotocol import types as t

from conftest import (TODAY, apply_edit, change_doc, check_json, open_doc, position_of, rel_of,
                      uri, vaultc, wait_for)


def char_col(text, line, character):
    """1-based column in characters of an LSP (UTF-16) position, as `vaultc check` counts."""
    line_text = text.split("\n")[line]
    return len(line_text.encode("utf-16-le")[: 2 * character].decode("utf-16-le")) + 1


def published(client, vault):
    """Every published finding as (path, line, column, rule, message)."""
    out = set()
    for u, diags in client.diagnostics.items():
        rel = rel_of(vault, u)
        text = (vault / "vault" / rel).read_text()
        for d in diags:
            line, col = d.range.start.line, d.range.start.character
            out.add((rel, line + 1, char_col(text, line, col), d.code, d.message.split("\n")[0]))
    return out


def from_check(vault):
    return {
        (d["path"].removeprefix("vault/"), d["location"]["line"], d["location"]["column"], d["rule"],
         d["message"])
        for d in check_json(vault)
    }


async def test_the_whole_vault_gets_the_findings_vaultc_check_reports(client):
    vault = client.vault
    want = from_check(vault)
    assert want, "the sample vault has findings"
    await wait_for(lambda: published(client, vault) == want, what="the same findings as check")
    # An open note keeps them.
    open_doc(client, vault, "Actors/Microsoft.md")
    got = await wait_for(lambda: published(client, vault) == want and published(client, vault))
    assert {f[3] for f in got} >= {"broken-link", "broken-heading", "table-unescaped-pipe"}


async def test_renaming_a_heading_breaks_the_links_to_it_in_another_note(client):
    vault = client.vault
    await wait_for(lambda: client.diagnostics, what="first diagnostics")
    u, text = open_doc(client, vault, "ETFs/XMAG.md")
    change_doc(client, u, text.replace("## Fund flows", "## Flows"))
    other = uri(vault, "Concepts/Sector rotation.md")

    def broken():
        return [d for d in client.diagnostics.get(other, [])
                if d.code == "broken-heading" and "Fund flows" in d.message]
    found = await wait_for(broken, what="broken-heading in Sector rotation")
    assert found[0].range.start.line == 46
    # Back as it was: the finding goes.
    change_doc(client, u, text)
    await wait_for(lambda: not broken(), what="the finding to go")


async def test_definition_of_a_note_a_heading_and_a_block(client):
    vault = client.vault
    u, text = open_doc(client, vault, "Concepts/Sector rotation.md")
    for needle, target, line in [
        ("[[XMAG#Fund flows]]", "ETFs/XMAG.md", 9),
        ("[[Michael Burry#^burry-short]]", "Actors/Michael Burry.md", 9),
        ("[[Breadth divergence]]", "Concepts/Breadth divergence.md", 0),
    ]:
        loc = await client.text_document_definition_async(t.DefinitionParams(
            text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, needle, 3)))
        assert rel_of(vault, loc.uri) == target, needle
        assert loc.range.start.line == line, needle
    # A Markdown link too.
    u2, text2 = open_doc(client, vault, "Home.md", "See [the thesis](Theses/Long%20NVIDIA.md).\n")
    loc = await client.text_document_definition_async(t.DefinitionParams(
        text_document=t.TextDocumentIdentifier(uri=u2), position=position_of(text2, "the thesis")))
    assert rel_of(vault, loc.uri) == "Theses/Long NVIDIA.md"


async def test_references_are_the_ones_vaultc_refs_lists(client):
    vault = client.vault
    u, text = open_doc(client, vault, "Theses/Long NVIDIA.md")
    locs = await client.text_document_references_async(t.ReferenceParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, "[[NVIDIA]]", 3),
        context=t.ReferenceContext(include_declaration=True)))
    got = {(rel_of(vault, l.uri), l.range.start.line + 1) for l in locs}
    refs = json.loads(vaultc(vault, "refs", "NVIDIA", "--json"))
    want = {(n["path"], r["line"]) for n in refs["notes"] for r in n["references"]}
    assert got == want and len(locs) == refs["count"]
    # A tag: its uses and those of the tags nested in it.
    u2, text2 = open_doc(client, vault, "Actors/Michael Burry.md")
    locs = await client.text_document_references_async(t.ReferenceParams(
        text_document=t.TextDocumentIdentifier(uri=u2), position=position_of(text2, "person/investor", 1),
        context=t.ReferenceContext(include_declaration=True)))
    assert rel_of(vault, locs[0].uri) == "Actors/Michael Burry.md"


async def complete(client, u, text, where):
    """The completion labels at the end of `where` in `text`."""
    pos = position_of(text, where, len(where))
    result = await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=pos))
    return result.items


async def test_completion_of_notes_aliases_headings_and_nested_tags(client):
    vault = client.vault
    text = "Long [[Mic\n\nSee [[XMAG#Fu\n\nand [[Burr\n\n#sec\n"
    u, _ = open_doc(client, vault, "Draft.md", text)
    items = await complete(client, u, text, "[[Mic")
    assert items[0].label == "Michael Burry"
    assert items[0].text_edit.new_text == "Michael Burry]]"
    items = await complete(client, u, text, "[[XMAG#Fu")
    assert items[0].label == "Fund flows"
    items = await complete(client, u, text, "[[Burr")
    alias = [i for i in items if i.label == "Burry"]
    assert alias and alias[0].text_edit.new_text == "Michael Burry|Burry]]"
    items = await complete(client, u, text, "#sec")
    assert "sector/defense" in [i.label for i in items]
    # Frontmatter tags: without `#`.
    fm = "---\ntags: [mar\n---\n"
    u2, _ = open_doc(client, vault, "Draft2.md", fm)
    items = await complete(client, u2, fm, "[mar")
    assert "markets" in [i.label for i in items]


async def test_renaming_a_note_rewrites_every_link_and_check_finds_nothing_new(client):
    vault = client.vault
    before = check_json(vault)
    u, text = open_doc(client, vault, "Concepts/Sector rotation.md")
    pos = position_of(text, "[[Michael Burry#^burry-short]]", 3)
    prep = await client.text_document_prepare_rename_async(t.PrepareRenameParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=pos))
    assert prep.placeholder == "Michael Burry"
    edit = await client.text_document_rename_async(t.RenameParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=pos, new_name="Mike Burry"))
    apply_edit(edit)
    after = (vault / "vault" / "Concepts/Sector rotation.md").read_text()
    assert "[[Mike Burry\\|Burry]]" in after, "the table's escaped pipe and alias stay"
    assert "[[Mike Burry#^burry-short]]" in after
    assert (vault / "vault" / "Actors/Mike Burry.md").exists()
    renamed = lambda ds: sorted((d["rule"], d["message"]) for d in ds)
    assert renamed(check_json(vault)) == renamed(before)


async def test_each_code_action_fixes_its_finding(client):
    vault = client.vault
    text = (
        "---\ntag: markets\nup: [[Home]]\n---\n# Fixes\n\n"
        "[[home]] is the start.\n\n[[GOOGL]] is an alias.\n\n"
        "[[Nowhere to be found]] is missing.\n\n[[Another missing one]] too.\n\n"
        "| a | b |\n|---|---|\n| [[Microsoft|MSFT]] | x |\n"
    )
    path = vault / "vault" / "Fixes.md"
    path.write_text(text)
    u, _ = open_doc(client, vault, "Fixes.md", text)
    steps = [
        ("deprecated-property", None), ("frontmatter-unquoted-link", None), ("case-mismatch", None),
        ("alias-link", None), ("table-unescaped-pipe", None), ("broken-link", "create note"),
        ("broken-link", "suppress"),
    ]
    for rule, kind in steps:
        diags = await wait_for(lambda: [d for d in client.diagnostics.get(u, []) if d.code == rule],
                               what=rule)
        d = diags[0]
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=u), range=d.range,
            context=t.CodeActionContext(diagnostics=[d])))
        if kind is None:
            action = next(a for a in actions if a.is_preferred)
        else:
            action = next(a for a in actions if a.title.startswith(kind))
        count = len(diags)
        apply_edit(action.edit)
        change_doc(client, u, path.read_text())
        if kind == "create note":
            client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(changes=[
                t.FileEvent(uri=uri(vault, "Nowhere to be found.md"), type=t.FileChangeType.Created)]))
        await wait_for(lambda: len([x for x in client.diagnostics.get(u, []) if x.code == rule]) < count,
                       what=f"{rule} fixed by {action.title}")
    assert not [d for d in check_json(vault) if d["path"] == "vault/Fixes.md"]


async def test_symbols_and_hover(client):
    vault = client.vault
    u, text = open_doc(client, vault, "Concepts/Sector rotation.md")
    symbols = await client.text_document_document_symbol_async(t.DocumentSymbolParams(
        text_document=t.TextDocumentIdentifier(uri=u)))
    assert symbols[0].name == "Sector rotation" and symbols[0].children
    found = await client.workspace_symbol_async(t.WorkspaceSymbolParams(query="burry"))
    assert {s.name for s in found} >= {"Michael Burry", "Burry"}
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, "[[XMAG#Fund flows]]", 3)))
    assert "## Fund flows" in hover.contents.value
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, "[[Palantir]]", 3)))
    assert "has no note" in hover.contents.value and "Michael Burry.md" in hover.contents.value


async def test_typing_inside_a_broken_link_then_asking_about_it(client):
    """Typing inside `[[...]]` leaves the graph behind for speed; a request right after
    still sees the names as typed."""
    vault = client.vault
    draft = "Compare [[Palantirs"
    u2, _ = open_doc(client, vault, "Draft.md", draft)
    u, text = open_doc(client, vault, "Actors/Michael Burry.md")
    await wait_for(lambda: client.diagnostics.get(u), what="findings of the note")
    for typed in ["Palantirs", "Palantirs Inc"]:
        text = text.replace("[[Palantir", "[[" + typed, 1)
        text = text.replace("[[" + typed + "s", "[[" + typed, 1)
        change_doc(client, u, text)
        items = await complete(client, u2, draft, "[[Palantirs")
        assert typed in [i.label for i in items], typed
        hover = await client.text_document_hover_async(t.HoverParams(
            text_document=t.TextDocumentIdentifier(uri=u), position=position_of(text, "[[" + typed, 3)))
        assert "has no note" in hover.contents.value and "Michael Burry.md" in hover.contents.value
    await wait_for(lambda: [d for d in client.diagnostics.get(u, []) if "`Palantirs Inc`" in d.message],
                   what="the finding for the name as typed")
