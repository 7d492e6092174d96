"""Settings come from book.toml as for the CLI, and a change to it applies at once."""
from lsprotocol import types as t

from test_lsp import from_check, published
from conftest import wait_for


async def test_book_toml_sets_rules_and_levels_and_its_changes_apply(client):
    vault = client.vault
    await wait_for(lambda: published(client, vault) == from_check(vault), what="check's findings")
    # book.toml turns orphan-note off and plans `Credit markets`: neither is published.
    assert not [f for f in published(client, vault) if f[3] == "orphan-note"]
    assert not [f for f in published(client, vault) if "Credit markets" in f[4]]
    config = vault / "book.toml"
    config.write_text(config.read_text().replace(
        'orphan-note = "off"', 'orphan-note = "off"\nbroken-link = "off"\nstale-note = "error"'))
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        changes=[t.FileEvent(uri=config.as_uri(), type=t.FileChangeType.Changed)]))
    await wait_for(lambda: not [f for f in published(client, vault) if f[3] == "broken-link"],
                   what="broken-link turned off")
    await wait_for(lambda: published(client, vault) == from_check(vault), what="check's findings again")
    stale = [d for ds in client.diagnostics.values() for d in ds if d.code == "stale-note"]
    assert stale and all(d.severity == t.DiagnosticSeverity.Error for d in stale)
