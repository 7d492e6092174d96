//! `vaultc lsp`: a language server on stdio, one more front-end on the [`Session`].
//!
//! Built on `lsp-server`, rust-analyzer's synchronous scaffold: one loop reads messages,
//! answers requests in order and, once the editor pauses for [`Options::debounce`], applies
//! the buffers that changed to the session (`Session::apply`, which resolves only the
//! edited notes again) and publishes the findings of the notes the change can affect. No
//! async runtime: every request is a few lookups in the vault kept in memory.
//!
//! ```text
//! stdin ─► reader thread ─► loop: requests ─► navigate, complete, rename, actions
//!                                 changes ──► pending ──(pause)──► apply ─► diagnostics ─► stdout
//! ```
//!
//! Typing inside a link only changes which unresolved names the note links to; the rules
//! do not read those, so the session leaves the graph behind
//! ([`crate::session::Session::defer_graph`]) and the server builds it again after a longer
//! pause, or before the next request.
//!
//! Nothing the client sends can stop the loop: a file that is not in the vault gets empty
//! answers, and a handler that panics answers with an error and leaves the vault reloaded.

mod actions;
mod complete;
mod diagnostics;
mod handlers;
mod navigate;
mod rename;
mod server;
mod text;

use std::time::Duration;

use lsp_server::{Connection, Message, Response};
use lsp_types::{InitializeParams, PositionEncodingKind, Url};

use crate::session::Target;
use text::Encoding;

pub use server::Server;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The date "today" is for date rules (`None`: the system date, read at each check).
    pub today: Option<jiff::civil::Date>,
    /// How long the editor must pause before changed buffers are checked.
    pub debounce: Duration,
    /// The vault as the command line named it; `None`: the client's workspace folder.
    pub target: Option<Target>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            today: None,
            debounce: Duration::from_millis(10),
            target: None,
        }
    }
}

/// Why the server stopped other than by the client's `exit`.
#[derive(Debug, thiserror::Error)]
pub enum LspError {
    #[error("language server protocol: {0}")]
    Protocol(String),
    #[error("language server i/o: {0}")]
    Io(#[from] std::io::Error),
}

impl From<lsp_server::ProtocolError> for LspError {
    fn from(e: lsp_server::ProtocolError) -> Self {
        LspError::Protocol(e.to_string())
    }
}

/// Serves the language server protocol on standard input and output until the client
/// says `exit`.
pub fn run(options: Options) -> Result<(), LspError> {
    let (conn, io) = Connection::stdio();
    serve(&conn, options)?;
    drop(conn);
    match io.join() {
        // The client closed its end once it had what it wanted: not a failure.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Serves one client over `conn`: the handshake, then the loop.
pub fn serve(conn: &Connection, options: Options) -> Result<(), LspError> {
    let (id, params) = conn.initialize_start()?;
    let init: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = encoding(&init);
    let debounce = init
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("debounce_ms"))
        .and_then(serde_json::Value::as_u64)
        .map_or(options.debounce, Duration::from_millis);
    let result = serde_json::json!({
        "capabilities": server::capabilities(encoding),
        "serverInfo": {"name": "vaultc", "version": env!("CARGO_PKG_VERSION")},
    });
    conn.initialize_finish(id, result)?;
    let target = options
        .target
        .clone()
        .or_else(|| workspace(&init).map(|p| Target::vault(&p)))
        .unwrap_or_default();
    let mut server = Server::start(conn.sender.clone(), &target, &init, encoding, &options);
    main_loop(conn, &mut server, debounce)
}

/// How long the editor must pause before a graph left behind by typing is built again.
const SETTLE: Duration = Duration::from_millis(300);

/// Reads messages until `exit` (or until the client goes away); checks what changed
/// whenever the client pauses. After `shutdown` every request but another `shutdown` is
/// refused, as the protocol says, and the loop still waits for `exit`: some clients (Neovim
/// 0.7 among them) send `shutdown` twice.
fn main_loop(conn: &Connection, server: &mut Server, debounce: Duration) -> Result<(), LspError> {
    let mut shut_down = false;
    loop {
        let msg = if server.has_pending() && !shut_down {
            match conn.receiver.recv_timeout(debounce) {
                Ok(msg) => msg,
                Err(e) if e.is_timeout() => {
                    server.publish_changes();
                    continue;
                }
                Err(_) => return Ok(()),
            }
        } else if server.graph_behind() && !shut_down {
            match conn.receiver.recv_timeout(SETTLE) {
                Ok(msg) => msg,
                Err(e) if e.is_timeout() => {
                    server.settle();
                    continue;
                }
                Err(_) => return Ok(()),
            }
        } else {
            match conn.receiver.recv() {
                Ok(msg) => msg,
                Err(_) => return Ok(()),
            }
        };
        match msg {
            Message::Request(req) if req.method == "shutdown" => {
                shut_down = true;
                server.send(Response::new_ok(req.id, ()));
            }
            Message::Request(req) if shut_down => server.send(Response::new_err(
                req.id,
                lsp_server::ErrorCode::InvalidRequest as i32,
                "vaultc lsp is shutting down".to_owned(),
            )),
            Message::Request(req) => server.request(req),
            Message::Notification(n) if n.method == "exit" => return Ok(()),
            Message::Notification(n) => server.notify(n),
            Message::Response(_) => {}
        }
    }
}

/// UTF-8 positions when the client offers them, else the protocol's UTF-16.
fn encoding(init: &InitializeParams) -> Encoding {
    let offered = init
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_deref())
        .unwrap_or(&[]);
    if offered.contains(&PositionEncodingKind::UTF8) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The folder the client opened.
#[allow(
    deprecated,
    reason = "root_uri and root_path are what older clients send"
)]
fn workspace(init: &InitializeParams) -> Option<std::path::PathBuf> {
    let uri: Option<&Url> = init
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| &f.uri)
        .or(init.root_uri.as_ref());
    uri.and_then(|u| u.to_file_path().ok())
        .or_else(|| init.root_path.as_ref().map(std::path::PathBuf::from))
}
