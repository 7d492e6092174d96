//! One method per request: find the note and offset, ask the feature module, answer. A
//! request about a file that is not a note of the vault gets an empty answer.

use lsp_types::{self as lsp};

use super::server::{Answer, Server};
use super::{actions, complete, navigate, rename};

impl Server {
    pub(super) fn definition(
        &mut self,
        p: lsp::GotoDefinitionParams,
    ) -> Answer<Option<lsp::GotoDefinitionResponse>> {
        let at = p.text_document_position_params;
        let Some(here) = self.here(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        Ok(navigate::definition(&here).map(lsp::GotoDefinitionResponse::Scalar))
    }

    pub(super) fn references(
        &mut self,
        p: lsp::ReferenceParams,
    ) -> Answer<Option<Vec<lsp::Location>>> {
        let at = p.text_document_position;
        let Some(here) = self.here(&at.text_document.uri, at.position) else {
            return Ok(None);
        };
        let thing = navigate::thing_at(&here).unwrap_or(navigate::Thing::Note(here.id));
        let found = navigate::references_of(here.a, &thing, p.context.include_declaration);
        Ok(Some(
            found
                .into_iter()
                .filter_map(|(id, span)| navigate::location(here.a, here.root, here.enc, id, span))
                .collect(),
        ))
    }

    pub(super) fn hover(&mut self, p: lsp::HoverParams) -> Answer<Option<lsp::Hover>> {
        let at = p.text_document_position_params;
        Ok(self
            .here(&at.text_document.uri, at.position)
            .and_then(|here| navigate::hover(&here)))
    }

    pub(super) fn completion(
        &mut self,
        p: lsp::CompletionParams,
    ) -> Answer<Option<lsp::CompletionResponse>> {
        let at = p.text_document_position;
        Ok(self
            .here(&at.text_document.uri, at.position)
            .and_then(|here| complete::completion(&here)))
    }

    pub(super) fn prepare_rename(
        &mut self,
        p: lsp::TextDocumentPositionParams,
    ) -> Answer<Option<lsp::PrepareRenameResponse>> {
        Ok(self
            .here(&p.text_document.uri, p.position)
            .and_then(|here| rename::prepare(&here)))
    }

    pub(super) fn rename(&mut self, p: lsp::RenameParams) -> Answer<Option<lsp::WorkspaceEdit>> {
        let at = p.text_document_position;
        let versions = self.versions();
        let file_ops = self.file_ops;
        let Some(here) = self.here(&at.text_document.uri, at.position) else {
            return Err("not a note of the vault".into());
        };
        rename::rename(
            &here,
            &p.new_name,
            &|path| versions.get(path).copied(),
            file_ops,
        )
        .map(Some)
    }

    pub(super) fn will_rename_files(
        &mut self,
        p: lsp::RenameFilesParams,
    ) -> Answer<Option<lsp::WorkspaceEdit>> {
        let versions = self.versions();
        let (enc, file_ops) = (self.enc, self.file_ops);
        self.analysis();
        let Some(vault) = self.vault.as_ref() else {
            return Ok(None);
        };
        let Some(a) = vault.session.resident_analysis() else {
            return Ok(None);
        };
        let versions = |path: &str| versions.get(path).copied();
        Ok(rename::will_rename(
            a,
            &vault.root,
            enc,
            &p.files,
            &versions,
            file_ops,
        ))
    }

    pub(super) fn code_actions(
        &mut self,
        p: lsp::CodeActionParams,
    ) -> Answer<Option<lsp::CodeActionResponse>> {
        let versions = self.versions();
        let (today, file_ops) = (self.today(), self.file_ops);
        let Some(here) = self.here(&p.text_document.uri, p.range.start) else {
            return Ok(None);
        };
        let range = actions::byte_range(here.note(), here.enc, p.range);
        let versions = |path: &str| versions.get(path).copied();
        let ask = actions::Ask {
            a: here.a,
            root: here.root,
            enc: here.enc,
            today,
            versions: &versions,
            file_ops,
        };
        Ok(Some(actions::code_actions(&ask, here.id, range)))
    }

    pub(super) fn document_symbols(
        &mut self,
        p: lsp::DocumentSymbolParams,
    ) -> Answer<Option<lsp::DocumentSymbolResponse>> {
        let Some(here) = self.here(&p.text_document.uri, lsp::Position::default()) else {
            return Ok(None);
        };
        let symbols = navigate::document_symbols(here.note(), here.enc);
        Ok(Some(lsp::DocumentSymbolResponse::Nested(symbols)))
    }

    pub(super) fn workspace_symbols(
        &mut self,
        p: lsp::WorkspaceSymbolParams,
    ) -> Answer<Option<lsp::WorkspaceSymbolResponse>> {
        let enc = self.enc;
        self.analysis();
        let Some(vault) = self.vault.as_ref() else {
            return Ok(None);
        };
        let Some(a) = vault.session.resident_analysis() else {
            return Ok(None);
        };
        let found = navigate::workspace_symbols(a, &vault.root, enc, &p.query);
        Ok(Some(lsp::WorkspaceSymbolResponse::Flat(found)))
    }

    /// The open buffers' versions by vault path.
    fn versions(&self) -> std::collections::HashMap<String, i32> {
        self.docs
            .iter()
            .map(|(path, doc)| (path.clone(), doc.version))
            .collect()
    }
}
