//! The server's state — the session with the vault in memory, the open buffers, what waits
//! to be checked — and the dispatch of every message to its handler.

use std::collections::{BTreeSet, HashMap};
use std::panic::AssertUnwindSafe;

use crossbeam_channel::Sender;
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use lsp_types::{self as lsp, InitializeParams, Url};

use super::Options;
use super::text::{self, Encoding, Root};
use crate::model::{Note, NoteId};
use crate::parse::Detail;
use crate::pipeline::Analysis;
use crate::session::{Change, Session, Target};

/// An open buffer: the editor's text of a note, and its version.
pub(super) struct Doc {
    pub text: String,
    pub version: i32,
}

/// The vault being served.
pub(super) struct Vault {
    pub session: Session,
    pub root: Root,
    /// The book.toml that configures it: a change to it starts over.
    pub config: Option<std::path::PathBuf>,
}

pub struct Server {
    sender: Sender<Message>,
    pub(super) vault: Option<Vault>,
    target: Target,
    pub(super) enc: Encoding,
    today: Option<jiff::civil::Date>,
    pub(super) docs: HashMap<String, Doc>,
    /// Notes whose buffer or file changed since the last apply.
    pending: BTreeSet<String>,
    /// Notes whose findings may have changed since they were last published.
    pub(super) dirty: BTreeSet<String>,
    /// Per path, a digest of the findings last published (paths with none are left out).
    pub(super) published: HashMap<String, u64>,
    /// The client applies workspace edits that rename and create files.
    pub(super) file_ops: bool,
    next_id: i32,
}

/// Where a request points: a note of the vault and a byte offset in its text.
pub(super) struct Here<'a> {
    pub a: &'a Analysis,
    pub root: &'a Root,
    pub enc: Encoding,
    pub id: NoteId,
    pub offset: usize,
}

impl<'a> Here<'a> {
    pub fn note(&self) -> &'a Note {
        &self.a.vault.notes[self.id]
    }
}

/// A request's answer, or why it is refused (shown to the user).
pub(super) type Answer<T> = Result<T, String>;

/// What the server offers.
pub(super) fn capabilities(enc: Encoding) -> lsp::ServerCapabilities {
    use lsp::{OneOf, TextDocumentSyncKind};
    let md = lsp::FileOperationRegistrationOptions {
        filters: vec![lsp::FileOperationFilter {
            scheme: Some("file".into()),
            pattern: lsp::FileOperationPattern {
                glob: "**/*.md".into(),
                matches: None,
                options: None,
            },
        }],
    };
    lsp::ServerCapabilities {
        position_encoding: Some(match enc {
            Encoding::Utf8 => lsp::PositionEncodingKind::UTF8,
            Encoding::Utf16 => lsp::PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncKind::INCREMENTAL.into()),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec!["[".into(), "#".into(), "^".into(), "|".into()]),
            ..Default::default()
        }),
        rename_provider: Some(OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: Default::default(),
        })),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Simple(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        workspace_symbol_provider: Some(OneOf::Left(true)),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: None,
            file_operations: Some(lsp::WorkspaceFileOperationsServerCapabilities {
                will_rename: Some(md.clone()),
                did_rename: Some(md.clone()),
                did_create: Some(md.clone()),
                did_delete: Some(md),
                ..Default::default()
            }),
        }),
        ..Default::default()
    }
}

impl Server {
    /// Opens the vault, checks it whole and publishes what it finds.
    pub fn start(
        sender: Sender<Message>,
        target: &Target,
        init: &InitializeParams,
        enc: Encoding,
        options: &Options,
    ) -> Self {
        let edits = init
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.workspace_edit.as_ref());
        let file_ops = edits.is_some_and(|e| {
            e.document_changes == Some(true)
                && e.resource_operations.as_ref().is_some_and(|ops| {
                    ops.contains(&lsp::ResourceOperationKind::Rename)
                        && ops.contains(&lsp::ResourceOperationKind::Create)
                })
        });
        let mut server = Self {
            sender,
            vault: None,
            target: target.clone(),
            enc,
            today: options.today,
            docs: HashMap::new(),
            pending: BTreeSet::new(),
            dirty: BTreeSet::new(),
            published: HashMap::new(),
            file_ops,
            next_id: 0,
        };
        server.load();
        if watches(init) {
            server.register_watchers();
        }
        server
    }

    /// Opens (or opens again) the vault and publishes every note's findings.
    fn load(&mut self) {
        self.vault = None;
        match open(&self.target) {
            Ok(vault) => self.vault = Some(vault),
            Err(message) => self.show(lsp::MessageType::ERROR, &message),
        }
        // The open buffers go over what was read from disk.
        self.pending.extend(self.docs.keys().cloned());
        self.flush();
        self.publish_all();
    }

    /// The vault's analysis after applying what changed; the vault is loaded again if a
    /// panic left it without one.
    pub(super) fn analysis(&mut self) -> Option<&Analysis> {
        self.flush();
        let vault = self.vault.as_mut()?;
        if vault.session.resident_analysis().is_none() {
            vault.session.resident(Detail::Lean).ok()?;
        }
        vault.session.resident_analysis()
    }

    /// The note at `uri` and the byte offset of `pos` in it.
    pub(super) fn here(&mut self, uri: &Url, pos: lsp::Position) -> Option<Here<'_>> {
        let enc = self.enc;
        let path = self.vault.as_ref()?.root.path_of(uri)?;
        self.analysis()?;
        let vault = self.vault.as_ref()?;
        let a = vault.session.resident_analysis()?;
        let id = a
            .vault
            .notes
            .binary_search_by(|n| n.path.as_str().cmp(&path))
            .ok()?;
        let offset = text::note_offset(&a.vault.notes[id], enc, pos);
        Some(Here {
            a,
            root: &vault.root,
            enc,
            id,
            offset,
        })
    }

    /// The version of the open buffer at vault path `path`.
    pub(super) fn version(&self, path: &str) -> Option<i32> {
        self.docs.get(path).map(|d| d.version)
    }

    pub fn has_pending(&self) -> bool {
        !self.pending.is_empty() || !self.dirty.is_empty()
    }

    /// Is the graph behind the notes (only unresolved names moved since it was built)?
    pub fn graph_behind(&self) -> bool {
        self.vault
            .as_ref()
            .is_some_and(|v| v.session.graph_behind())
    }

    /// Builds the graph again if edits left it behind: when the editor pauses, and before a
    /// request, which may ask about unresolved names.
    pub fn settle(&mut self) {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.flush();
            if let Some(v) = self.vault.as_mut() {
                v.session.settle_graph();
            }
        }));
        if result.is_err() {
            self.recover();
        }
    }

    /// Applies the changed buffers and files to the session; the notes they affect are
    /// marked for publishing.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let Some(vault) = self.vault.as_mut() else {
            self.pending.clear();
            return;
        };
        let changes: Vec<Change> = std::mem::take(&mut self.pending)
            .into_iter()
            .map(|path| match self.docs.get(&path) {
                Some(doc) => Change::Buffer {
                    path,
                    text: doc.text.clone(),
                },
                None => Change::File(path),
            })
            .collect();
        if vault.session.resident_analysis().is_none()
            && vault.session.resident(Detail::Lean).is_err()
        {
            return;
        }
        let changed = vault.session.apply(&changes);
        self.dirty.extend(changed.affected);
        self.dirty.extend(changed.removed);
    }

    /// Applies what changed and publishes the findings of the notes it affects.
    pub fn publish_changes(&mut self) {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.flush();
            let dirty = std::mem::take(&mut self.dirty);
            self.publish(Some(&dirty));
        }));
        if result.is_err() {
            self.recover();
        }
    }

    fn publish_all(&mut self) {
        self.dirty.clear();
        self.publish(None);
    }

    /// After a handler panicked: the vault as it is on disk and in the buffers, checked again.
    fn recover(&mut self) {
        self.show(
            lsp::MessageType::WARNING,
            "vaultc lsp: an internal error; the vault is loaded again",
        );
        let _ = std::panic::catch_unwind(AssertUnwindSafe(|| self.load()));
    }

    pub(super) fn today(&self) -> jiff::civil::Date {
        self.today
            .unwrap_or_else(|| jiff::ZonedDateTime::now().date())
    }

    pub(super) fn send(&self, msg: impl Into<Message>) {
        let _ = self.sender.send(msg.into());
    }

    pub(super) fn notify_client<N: lsp::notification::Notification>(&self, params: N::Params) {
        self.send(Notification::new(N::METHOD.to_owned(), params));
    }

    fn show(&self, typ: lsp::MessageType, message: &str) {
        self.notify_client::<lsp::notification::ShowMessage>(lsp::ShowMessageParams {
            typ,
            message: message.to_owned(),
        });
    }

    /// Asks the client to tell about every file change in the workspace.
    fn register_watchers(&mut self) {
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![lsp::FileSystemWatcher {
                glob_pattern: lsp::GlobPattern::String("**/*".into()),
                kind: None,
            }],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "vaultc-watch".into(),
                method: lsp::notification::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        self.send(Request::new(
            RequestId::from(self.next_id),
            lsp::request::RegisterCapability::METHOD.into(),
            params,
        ));
    }

    /// Answers one request; a handler that panics answers with an error.
    pub fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| {
            self.flush();
            if let Some(v) = self.vault.as_mut() {
                v.session.settle_graph();
            }
            self.dispatch(&req)
        }));
        let response = result.unwrap_or_else(|_| {
            self.recover();
            Response::new_err(
                id,
                ErrorCode::InternalError as i32,
                format!("vaultc lsp: internal error in {}", req.method),
            )
        });
        self.send(response);
    }

    /// Handles one notification; one that panics leaves the vault loaded again.
    pub fn notify(&mut self, n: Notification) {
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| self.on_notification(n)));
        if result.is_err() {
            self.recover();
        }
    }

    fn dispatch(&mut self, req: &Request) -> Response {
        use lsp::request::*;
        match req.method.as_str() {
            GotoDefinition::METHOD => self.on::<GotoDefinition>(req, Self::definition),
            References::METHOD => self.on::<References>(req, Self::references),
            HoverRequest::METHOD => self.on::<HoverRequest>(req, Self::hover),
            Completion::METHOD => self.on::<Completion>(req, Self::completion),
            PrepareRenameRequest::METHOD => {
                self.on::<PrepareRenameRequest>(req, Self::prepare_rename)
            }
            Rename::METHOD => self.on::<Rename>(req, Self::rename),
            WillRenameFiles::METHOD => self.on::<WillRenameFiles>(req, Self::will_rename_files),
            CodeActionRequest::METHOD => self.on::<CodeActionRequest>(req, Self::code_actions),
            DocumentSymbolRequest::METHOD => {
                self.on::<DocumentSymbolRequest>(req, Self::document_symbols)
            }
            WorkspaceSymbolRequest::METHOD => {
                self.on::<WorkspaceSymbolRequest>(req, Self::workspace_symbols)
            }
            _ => Response::new_err(
                req.id.clone(),
                ErrorCode::MethodNotFound as i32,
                format!("vaultc lsp does not answer {}", req.method),
            ),
        }
    }

    /// Reads a request's parameters, runs `handler` and makes the response.
    fn on<R: lsp::request::Request>(
        &mut self,
        req: &Request,
        handler: fn(&mut Self, R::Params) -> Answer<R::Result>,
    ) -> Response {
        let params = match serde_json::from_value::<R::Params>(req.params.clone()) {
            Ok(params) => params,
            Err(e) => {
                return Response::new_err(
                    req.id.clone(),
                    ErrorCode::InvalidParams as i32,
                    format!("invalid {} parameters: {e}", req.method),
                );
            }
        };
        match handler(self, params) {
            Ok(result) => Response::new_ok(req.id.clone(), result),
            Err(message) => {
                Response::new_err(req.id.clone(), ErrorCode::RequestFailed as i32, message)
            }
        }
    }

    fn on_notification(&mut self, n: Notification) {
        use lsp::notification::*;
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                {
                    let d = p.text_document;
                    self.set_doc(&d.uri, d.version, d.text);
                }
            }
            DidChangeTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                {
                    self.change_doc(p);
                }
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    self.close_doc(&p.text_document.uri);
                }
            }
            DidChangeWatchedFiles::METHOD => {
                if let Ok(p) =
                    n.extract::<lsp::DidChangeWatchedFilesParams>(DidChangeWatchedFiles::METHOD)
                {
                    let uris: Vec<Url> = p.changes.into_iter().map(|c| c.uri).collect();
                    self.files_changed(&uris);
                }
            }
            DidRenameFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp::RenameFilesParams>(DidRenameFiles::METHOD) {
                    let uris = p.files.iter().flat_map(|f| [&f.old_uri, &f.new_uri]);
                    self.files_changed(&parsed(uris));
                }
            }
            DidCreateFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp::CreateFilesParams>(DidCreateFiles::METHOD) {
                    self.files_changed(&parsed(p.files.iter().map(|f| &f.uri)));
                }
            }
            DidDeleteFiles::METHOD => {
                if let Ok(p) = n.extract::<lsp::DeleteFilesParams>(DidDeleteFiles::METHOD) {
                    self.files_changed(&parsed(p.files.iter().map(|f| &f.uri)));
                }
            }
            _ => {}
        }
    }

    /// The vault path of `uri` when it is a note of the vault.
    fn note_path(&self, uri: &Url) -> Option<String> {
        let path = self.vault.as_ref()?.root.path_of(uri)?;
        text::is_note_path(&path).then_some(path)
    }

    fn set_doc(&mut self, uri: &Url, version: i32, text: String) {
        let Some(path) = self.note_path(uri) else {
            return;
        };
        self.docs.insert(path.clone(), Doc { text, version });
        self.pending.insert(path);
    }

    fn change_doc(&mut self, p: lsp::DidChangeTextDocumentParams) {
        let enc = self.enc;
        let Some(path) = self.note_path(&p.text_document.uri) else {
            return;
        };
        let Some(doc) = self.docs.get_mut(&path) else {
            return;
        };
        for change in p.content_changes {
            text::apply_change(&mut doc.text, enc, change.range, &change.text);
        }
        doc.version = p.text_document.version;
        self.pending.insert(path);
    }

    fn close_doc(&mut self, uri: &Url) {
        if let Some(path) = self.note_path(uri)
            && self.docs.remove(&path).is_some()
        {
            // Unsaved edits are gone: the file on disk counts again.
            self.pending.insert(path);
        }
    }

    /// Files changed on disk: notes are read again (an open buffer still wins); a change
    /// to book.toml starts over.
    fn files_changed(&mut self, uris: &[Url]) {
        let config = self.vault.as_ref().and_then(|v| v.config.clone());
        let touches_config = uris.iter().any(|u| {
            u.to_file_path().ok().is_some_and(|p| {
                config.as_ref().is_some_and(|c| same_file(&p, c))
                    || p.file_name().is_some_and(|n| n == "book.toml")
            })
        });
        if touches_config || self.vault.is_none() {
            self.load();
            return;
        }
        for uri in uris {
            if let Some(path) = self.vault.as_ref().and_then(|v| v.root.path_of(uri))
                && !self.docs.contains_key(&path)
            {
                self.pending.insert(path);
            }
        }
    }
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    a == b || std::fs::canonicalize(a).ok() == std::fs::canonicalize(b).ok()
}

/// Does the client take a registration for file-change notifications?
fn watches(init: &InitializeParams) -> bool {
    init.capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|d| d.dynamic_registration)
        .unwrap_or(false)
}

/// The vault `target` names, loaded; why not, as a message for the user.
fn open(target: &Target) -> Result<Vault, String> {
    let mut session = Session::open(target).map_err(|e| format!("vaultc lsp: {e}"))?;
    // Typing inside a link must not rebuild the graph on every keystroke (see `settle`).
    session.defer_graph(true);
    let root = Root::new(&session.settings().src);
    let config = session.settings().config_path.clone();
    session
        .resident(Detail::Lean)
        .map_err(|e| format!("vaultc lsp: {e}"))?;
    Ok(Vault {
        session,
        root,
        config,
    })
}

/// The URIs of file operations (sent as strings), those that parse.
fn parsed<'u>(uris: impl Iterator<Item = &'u String>) -> Vec<Url> {
    uris.filter_map(|u| Url::parse(u).ok()).collect()
}
