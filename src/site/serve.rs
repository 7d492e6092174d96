//! A small HTTP server for `vaultc serve`: the built site from a folder on 127.0.0.1, with a
//! reload script added to every HTML page it sends.
//!
//! The script polls `/__vaultc/version`; after each rebuild the version goes up and open
//! pages reload. The built files carry no such script: the same build serves and publishes.
//! One thread per connection, `Connection: close`, GET and HEAD only — a preview server, not
//! a production one.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// The path pages poll; its body is the build number.
pub const VERSION_PATH: &str = "/__vaultc/version";

/// Added before `</body>`: reload when the build number changes.
const RELOAD_SCRIPT: &str = r#"<script>
(function () {
  var seen = null;
  function poll() {
    fetch("/__vaultc/version", { cache: "no-store" })
      .then(function (r) { return r.text(); })
      .then(function (v) { if (seen !== null && v !== seen) location.reload(); seen = v; })
      .catch(function () {})
      .then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
</script>
"#;

/// The build number open pages compare against.
#[derive(Debug, Clone, Default)]
pub struct Version(Arc<AtomicU64>);

impl Version {
    pub fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Serves `root` on `listener` from a background thread, for as long as the process runs.
pub fn spawn(listener: TcpListener, root: PathBuf, version: Version) {
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            let version = version.clone();
            std::thread::spawn(move || {
                // A client that goes away mid-request is not our problem.
                let _ = handle(stream, &root, &version);
            });
        }
    });
}

fn handle(mut stream: TcpStream, root: &Path, version: &Version) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Headers are read and ignored (up to a sane size).
    let mut header = String::new();
    let mut total = 0;
    while reader.read_line(&mut header)? > 2 && total < 64 * 1024 {
        total += header.len();
        header.clear();
    }
    let mut parts = request_line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or("/"));
    if method != "GET" && method != "HEAD" {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"method not allowed",
            method,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    if path == VERSION_PATH {
        let body = version.get().to_string();
        return respond(&mut stream, 200, "text/plain", body.as_bytes(), method);
    }
    match resolve(root, path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            let kind = content_type(&file);
            if kind.starts_with("text/html") {
                let body = inject_reload(&body);
                respond(&mut stream, 200, kind, &body, method)
            } else {
                respond(&mut stream, 200, kind, &body, method)
            }
        }
        None => {
            let body = std::fs::read(root.join("404.html"))
                .map(|b| inject_reload(&b))
                .unwrap_or_else(|_| b"not found".to_vec());
            respond(&mut stream, 404, "text/html; charset=utf-8", &body, method)
        }
    }
}

/// The file a URL path names inside `root`: percent-decoded, no `..`, folders → `index.html`.
fn resolve(root: &Path, url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let rel = Path::new(decoded.trim_start_matches('/'));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut file = root.join(rel);
    if file.is_dir() {
        file.push("index.html");
    }
    // No way out through a symbolic link either.
    let real = file.canonicalize().ok()?;
    let real_root = root.canonicalize().ok()?;
    (real.starts_with(&real_root) && real.is_file()).then_some(real)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn inject_reload(html: &[u8]) -> Vec<u8> {
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + RELOAD_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(RELOAD_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    kind: &str,
    body: &[u8],
    method: &str,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_map_to_files_inside_the_root_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("a b")).unwrap();
        std::fs::write(dir.path().join("a b/x.html"), "x").unwrap();
        std::fs::write(dir.path().join("index.html"), "i").unwrap();
        assert!(resolve(dir.path(), "/a%20b/x.html").is_some());
        assert!(resolve(dir.path(), "/").is_some_and(|p| p.ends_with("index.html")));
        assert!(resolve(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve(dir.path(), "/%2e%2e/x").is_none());
        assert!(resolve(dir.path(), "/missing.html").is_none());
    }

    #[test]
    fn the_reload_script_goes_before_the_body_end() {
        let html = inject_reload(b"<html><body>x</body></html>");
        let s = String::from_utf8(html).unwrap();
        assert!(s.contains("__vaultc/version"));
        assert!(s.ends_with("</script>\n</body></html>"));
    }
}
