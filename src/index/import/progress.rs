//! What an import shows while it runs: a progress bar on a terminal, lines in a log when
//! asked, nothing otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{HumanBytes, HumanDuration, ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether an import shows its progress, on standard error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Progress {
    /// A progress bar when standard error is a terminal, nothing otherwise (a pipe, a file).
    #[default]
    Auto,
    /// A progress bar on a terminal; elsewhere a line every [`LOG_EVERY`] seconds, for logs.
    Always,
    /// Never.
    Hidden,
}

/// How often [`Progress::Always`] writes a line when standard error is not a terminal.
pub const LOG_EVERY: Duration = Duration::from_secs(10);

/// How often the figures of the bar are refreshed.
const REFRESH: Duration = Duration::from_millis(200);

/// The progress of one import.
pub(super) struct Shown {
    bar: Option<ProgressBar>,
    log: bool,
    total: Option<u64>,
    started: Instant,
    last: Instant,
}

/// The figures shown.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Figures {
    /// Input bytes done.
    pub bytes: u64,
    /// Articles added.
    pub articles: u64,
    /// Lines refused.
    pub refused: u64,
}

impl Shown {
    /// Progress of an input of `total` bytes (when known).
    pub fn new(progress: Progress, total: Option<u64>) -> Shown {
        let terminal = std::io::stderr().is_terminal();
        let now = Instant::now();
        let mut shown = Shown { bar: None, log: false, total, started: now, last: now };
        match (progress, terminal) {
            (Progress::Hidden, _) | (Progress::Auto, false) => {}
            (Progress::Always, false) => shown.log = true,
            (_, true) => {
                let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr());
                let template = if total.is_some() {
                    "{bar:30} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}"
                } else {
                    "{spinner} {bytes} {bytes_per_sec} {msg}"
                };
                if let Ok(style) = ProgressStyle::with_template(template) {
                    bar.set_style(style);
                }
                shown.bar = Some(bar);
            }
        }
        shown
    }

    /// Shows `f`, at most every [`REFRESH`] (a bar) or [`LOG_EVERY`] (a log).
    pub fn update(&mut self, f: Figures) {
        if self.bar.is_none() && !self.log {
            return;
        }
        let now = Instant::now();
        let every = if self.log { LOG_EVERY } else { REFRESH };
        if now.duration_since(self.last) < every {
            return;
        }
        self.last = now;
        let secs = now.duration_since(self.started).as_secs_f64().max(1e-3);
        let rate = f.articles as f64 / secs;
        let text = format!("{} articles ({rate:.0}/s), {} refused", f.articles, f.refused);
        if let Some(bar) = &self.bar {
            bar.set_position(f.bytes);
            bar.set_message(text);
        } else {
            let mb_s = f.bytes as f64 / 1e6 / secs;
            let eta = self
                .total
                .filter(|_| f.bytes > 0)
                .map(|t| {
                    let left = t.saturating_sub(f.bytes) as f64 * secs / f.bytes as f64;
                    format!(", eta {}", HumanDuration(Duration::from_secs_f64(left)))
                })
                .unwrap_or_default();
            let of = self.total.map(|t| format!(" of {}", HumanBytes(t))).unwrap_or_default();
            eprintln!("import: {}{of} ({mb_s:.1} MB/s{eta}), {text}", HumanBytes(f.bytes));
        }
    }

    /// Shows what happens after the lines are read (the final commit, merging).
    pub fn stage(&self, what: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(what.to_string());
        } else if self.log {
            eprintln!("import: {what}");
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
