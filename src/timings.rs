//! Phase timings on stderr when `VAULTC_TIMINGS` is set: where a run's time goes, for the
//! benchmark and for profiling, without a profiler. The one place besides `main.rs` and
//! `report/` that writes to a stream, and only when asked to.

/// A stopwatch that prints each phase's time (and resident memory) when timings are on.
pub struct Timings {
    last: Option<std::time::Instant>,
}

impl Timings {
    pub fn start() -> Self {
        let on = std::env::var_os("VAULTC_TIMINGS").is_some();
        Self {
            last: on.then(std::time::Instant::now),
        }
    }

    /// A line of its own among the timings (a count, say), when timings are on.
    pub fn note(&self, line: &str) {
        if self.last.is_some() {
            eprintln!("vaultc: {line}");
        }
    }

    pub fn lap(&mut self, phase: &str) {
        if let Some(last) = self.last {
            let now = std::time::Instant::now();
            eprintln!(
                "vaultc: {phase:<14} {:>8.1} ms  rss {:>6} MB",
                (now - last).as_secs_f64() * 1e3,
                resident_mb()
            );
            self.last = Some(now);
        }
    }
}

/// Resident memory now, in MB (Linux; 0 elsewhere), for the timings above.
fn resident_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |pages| pages * 4096 / 1_000_000)
}
