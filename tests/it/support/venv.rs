//! A python3 virtual environment under the tests' target folder with one package from PyPI,
//! made on first use and reused while its marker says the same package is installed.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The venv at `dir` with `package` (a pip requirement, e.g. `pytest-lsp==1.0.1`) installed;
/// or why it cannot be made: no venv module, no pip, no network.
pub fn with_package(dir: &Path, package: &str) -> Result<PathBuf, String> {
    let ready = dir.join("installed");
    if std::fs::read_to_string(&ready).is_ok_and(|v| v == package) {
        return Ok(dir.to_owned());
    }
    let run = |cmd: &mut Command| match cmd.output() {
        Ok(o) if o.status.success() => Ok(()),
        Ok(o) => Err(String::from_utf8_lossy(&o.stderr)
            .lines()
            .last()
            .unwrap_or("")
            .trim()
            .to_owned()),
        Err(e) => Err(e.to_string()),
    };
    run(Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(dir))
    .map_err(|e| format!("python3 -m venv failed: {e}"))?;
    run(Command::new(dir.join("bin/python")).args([
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        // Offline, fail in seconds rather than after pip's five retries.
        "--retries",
        "1",
        "--timeout",
        "15",
        package,
    ]))
    .map_err(|e| {
        // A half-made venv would be taken for a working one next time.
        let _ = std::fs::remove_dir_all(dir);
        format!("pip install {package} failed: {e}")
    })?;
    std::fs::write(&ready, package).map_err(|e| e.to_string())?;
    Ok(dir.to_owned())
}
