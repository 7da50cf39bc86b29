//! The `_analyze` tool: what depeche's analyzer makes of a text.
//!
//! ```text
//! cargo run --release --example analyze -- [--lang fr|en|auto] [--json] TEXT
//! cargo run --release --example analyze -- [--lang fr|en|auto] < words.txt
//! ```
//!
//! With TEXT, prints one line per token: term, byte offsets into TEXT, position (`--json`:
//! one JSON object per token). Without TEXT, reads standard input and prints exactly one line
//! per input line: that line's terms in order, separated by single spaces (an empty line when
//! there are none); terms sharing a position are all printed. `--lang` defaults to `fr`;
//! `auto` detects the language of each text (French when unsure).

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use depeche::{analyzer, detect_language, Lang};
use tantivy::tokenizer::TextAnalyzer;

const USAGE: &str = "usage: analyze [--lang fr|en|auto] [--json] [TEXT...]";

struct Args {
    lang: Option<Lang>,
    json: bool,
    text: Option<String>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args { lang: Some(Lang::French), json: false, text: None };
    let mut words = Vec::new();
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--lang" => {
                let value = it.next().ok_or("--lang needs a value: fr, en or auto")?;
                args.lang = match value.as_str() {
                    "auto" => None,
                    other => Some(other.parse().map_err(|e| format!("--lang: {e}"))?),
                };
            }
            "--json" => args.json = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            "--" => words.extend(it.by_ref()),
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}\n{USAGE}")),
            _ => words.push(arg),
        }
    }
    if !words.is_empty() {
        args.text = Some(words.join(" "));
    }
    Ok(args)
}

fn lang_of(choice: Option<Lang>, text: &str) -> Lang {
    choice.or_else(|| detect_language(text)).unwrap_or(Lang::French)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let mut analyzers = [analyzer(Lang::French), analyzer(Lang::English)];
    let pick = |lang: Lang| match lang {
        Lang::French => 0,
        Lang::English => 1,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = match &args.text {
        Some(text) => {
            let lang = lang_of(args.lang, text);
            let i = pick(lang);
            print_tokens(&mut analyzers[i], text, lang, args.json, &mut out)
        }
        None => {
            let stdin = io::stdin();
            let mut line = String::new();
            let mut input = stdin.lock();
            loop {
                line.clear();
                match input.read_line(&mut line) {
                    Ok(0) => break Ok(()),
                    Ok(_) => {}
                    Err(e) => break Err(e),
                }
                let text = line.strip_suffix('\n').unwrap_or(&line);
                let text = text.strip_suffix('\r').unwrap_or(text);
                let i = pick(lang_of(args.lang, text));
                if let Err(e) = print_terms(&mut analyzers[i], text, &mut out) {
                    break Err(e);
                }
            }
        }
    };
    match result.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("analyze: {e}");
            ExitCode::FAILURE
        }
    }
}

fn print_tokens(
    analyzer: &mut TextAnalyzer,
    text: &str,
    lang: Lang,
    json: bool,
    out: &mut impl Write,
) -> io::Result<()> {
    let mut stream = analyzer.token_stream(text);
    if !json {
        writeln!(out, "lang: {lang}")?;
        writeln!(out, "{:<24} {:>6} {:>6} {:>8}  original", "term", "from", "to", "position")?;
    }
    while let Some(t) = stream.next() {
        if json {
            let line = serde_json::json!({
                "term": t.text, "from": t.offset_from, "to": t.offset_to,
                "position": t.position, "original": &text[t.offset_from..t.offset_to],
                "lang": lang,
            });
            writeln!(out, "{line}")?;
        } else {
            let original = &text[t.offset_from..t.offset_to];
            writeln!(
                out,
                "{:<24} {:>6} {:>6} {:>8}  {original}",
                t.text, t.offset_from, t.offset_to, t.position
            )?;
        }
    }
    Ok(())
}

fn print_terms(analyzer: &mut TextAnalyzer, text: &str, out: &mut impl Write) -> io::Result<()> {
    let mut stream = analyzer.token_stream(text);
    let mut first = true;
    while let Some(t) = stream.next() {
        if !first {
            out.write_all(b" ")?;
        }
        first = false;
        out.write_all(t.text.as_bytes())?;
    }
    out.write_all(b"\n")
}
