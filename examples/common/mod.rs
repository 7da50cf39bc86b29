//! What the examples share: the bundled corpus and its cached index, the index a user
//! names, and the error type of a command line.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use depeche::index::{NewsIndex, Progress};
use depeche::Lang;

/// The bundled corpus.
pub(crate) const BUNDLED: &[u8] = include_bytes!("../../data/fr_news.jsonl");
const STAMP: &str = "depeche-example.stamp";

/// An error with its exit status.
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) message: String,
    pub(crate) status: i32,
}

/// An error of exit status 1.
pub(crate) fn failure(message: impl Into<String>) -> CliError {
    CliError { message: message.into(), status: 1 }
}

/// The default index directory.
pub(crate) fn default_index_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("depeche-example-index")
}

/// Fingerprint of the corpus and of the analyzers' behaviour: an index built with another
/// corpus or another analyzer is stale.
fn fingerprint(corpus: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(corpus);
    feed(env!("CARGO_PKG_VERSION").as_bytes());
    let probe =
        "L’Élysée a annoncé aujourd'hui la transformation numérique des COVID-19 élections; \
                 The governments announced reforms.";
    for mut a in [
        depeche::analyzer(Lang::French),
        depeche::analyzer(Lang::English),
        depeche::analysis::exact_analyzer(),
    ] {
        let mut stream = a.token_stream(probe);
        while let Some(t) = stream.next() {
            feed(t.text.as_bytes());
            feed(&t.position.to_le_bytes());
        }
    }
    format!("{h:016x}")
}

/// Opens the index of `corpus` in `dir`, building it first when it is missing, stale or
/// broken. Returns the index and whether it was (re)built.
pub(crate) fn ensure_corpus_index(
    dir: &Path,
    corpus: &[u8],
) -> Result<(NewsIndex, bool), CliError> {
    let stamp = fingerprint(corpus);
    let fresh = std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s.trim() == stamp);
    if fresh {
        match NewsIndex::open_verified(dir) {
            Ok(index) => return Ok((index, false)),
            Err(e) => eprintln!("{e}; rebuilding it"),
        }
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)
        .map_err(|e| failure(format!("cannot create {}: {e}", parent.display())))?;
    let name = dir.file_name().map_or_else(|| "index".into(), |n| n.to_string_lossy().into_owned());
    let tmp = parent.join(format!(".{name}.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let build = || -> depeche::Result<()> {
        let index = NewsIndex::open_or_create(&tmp)?;
        let report = index.import_jsonl(corpus, Some(corpus.len() as u64), Progress::Auto)?;
        if !report.refused.is_empty() {
            eprintln!("bundled corpus: {report}");
        }
        std::fs::write(tmp.join(STAMP), &stamp)?;
        Ok(())
    };
    if std::io::stderr().is_terminal() {
        eprintln!("indexing the bundled corpus into {} (first run)…", dir.display());
    }
    build().map_err(|e| {
        let _ = std::fs::remove_dir_all(&tmp);
        failure(format!("cannot build the index in {}: {e}", dir.display()))
    })?;
    if let Err(e) = std::fs::remove_dir_all(dir) {
        if dir.exists() {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(failure(format!("cannot replace the stale index {}: {e}", dir.display())));
        }
    }
    if let Err(e) = std::fs::rename(&tmp, dir) {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another run may have just put a fresh index in place.
        let fresh = std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s.trim() == stamp);
        if !fresh {
            return Err(failure(format!("cannot move the index to {}: {e}", dir.display())));
        }
    }
    let index = NewsIndex::open(dir).map_err(|e| failure(format!("{e}")))?;
    Ok((index, true))
}
