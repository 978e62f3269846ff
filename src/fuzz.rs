//! A fuzz harness on stable Rust for the stages that read what authors write: front matter and
//! the site model (`content`), TOML data (`data`), site.toml (`config`), and Markdown with its
//! shortcodes, maths and code (`markdown`). It mutates a corpus (the bundled site, the test
//! fixtures and `tests/fuzz/`) and checks that no input panics and that every error points
//! inside its file.
//!
//! `cargo test` runs it for a moment; run it for longer with
//!
//! ```sh
//! DOCENT_FUZZ_SECONDS=300 cargo test --release fuzz -- --nocapture
//! ```
//!
//! `DOCENT_FUZZ_SEED` replays a run. A failing input is written to `target/fuzz-failure.txt`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use crate::discover::SourceFile;
use crate::error::Diagnostic;

/// Pieces of the syntax the stages read, for mutations to insert.
const TOKENS: [&str; 40] = [
    "+++",
    "+++\n",
    "---\n",
    "\n",
    "\n\n",
    "=",
    "\"",
    "'",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "{{",
    "}}",
    "{%",
    "%}",
    "{% end %}",
    "$",
    "$$",
    "\\",
    "`",
    "```",
    "```python\n",
    "#",
    "## ",
    "> [!NOTE]\n",
    "@/",
    "[@",
    "[^1]",
    "<!-- more -->",
    "é",
    "\u{0}",
    "\u{1b}",
    "title = ",
    "date = ",
    "slug = ",
    "aliases = [",
    "figure(src=\"a\", alt=\"b\")",
];

/// A small, fixed pseudo-random sequence (xorshift).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every seed input: Markdown and TOML files under the corpus folders.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = Vec::new();
    for dir in ["tests/fuzz", "content", "tests/fixtures"] {
        for entry in walkdir::WalkDir::new(root.join(dir)).into_iter().flatten() {
            let name = entry.file_name().to_string_lossy();
            if entry.file_type().is_file() && (name.ends_with(".md") || name.ends_with(".toml")) {
                if let Ok(text) = std::fs::read_to_string(entry.path()) {
                    inputs.push(text);
                }
            }
        }
    }
    inputs
}

/// One mutation of `input`: a token inserted, a span deleted or repeated, bytes flipped, or a
/// piece of another input spliced in. The result is cut back to valid UTF-8.
fn mutate(input: &str, other: &str, rng: &mut Rng) -> String {
    let mut bytes = input.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(5) {
            0 => {
                let token = TOKENS[rng.below(TOKENS.len())].as_bytes();
                bytes.splice(at..at, token.iter().copied());
            }
            1 => {
                let end = (at + rng.below(32)).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let end = (at + rng.below(64)).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                bytes.splice(at..at, piece);
            }
            3 if at < bytes.len() => bytes[at] ^= 1 << rng.below(8),
            _ => {
                let from = rng.below(other.len() + 1);
                let end = (from + rng.below(200)).min(other.len());
                bytes.splice(at..at, other.as_bytes()[from..end].iter().copied());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs every stage on `text`; a located error must point inside it.
fn stages(text: &str, templates: &crate::templates::Templates) -> Result<(), String> {
    let file = |rel: &str| SourceFile {
        shown: format!("content/{rel}").into(),
        rel: rel.to_string(),
        text: text.into(),
    };
    let inside = |d: &Diagnostic| match &d.location {
        Some(at) if at.line > text.lines().count().max(1) + 1 => Err(format!(
            "error at line {} of a {}-line file: {d}",
            at.line,
            text.lines().count()
        )),
        _ => Ok(()),
    };
    for rel in ["x.md", "_index.md", "a/b/index.md"] {
        if let Err(d) = crate::content::parse(file(rel), &Default::default()) {
            inside(&d)?;
        }
    }
    if let Err(found) = crate::content::index(
        vec![file("x.md"), file("_index.md")],
        &[],
        &crate::publish::Publish::now(false, false),
        "S",
        &Default::default(),
    ) {
        found.0.iter().try_for_each(inside)?;
    }
    if let Err(found) = crate::data::load(&[file("data/x.toml")]) {
        found.0.iter().try_for_each(inside)?;
    }
    if let Err(d) = crate::config::Config::parse(text) {
        inside(&d)?;
    }
    let rendered = crate::markdown::render_page(text, templates, &Default::default());
    match rendered
        .problems
        .iter()
        .find(|p| text.get(p.span.clone()).is_none())
    {
        Some(p) => Err(format!("a problem's span {:?} is not in the text", p.span)),
        None => Ok(()),
    }
}

/// Mutates the corpus for `budget`, from `seed`; the first failing input, if any.
fn run(budget: Duration, seed: u64) -> Option<(String, String)> {
    let templates = crate::templates::load(Vec::new()).expect("docent's own templates load");
    let inputs = corpus();
    assert!(!inputs.is_empty(), "the corpus is empty");
    let mut rng = Rng(seed | 1);
    let started = Instant::now();
    let mut tried = 0u64;
    while started.elapsed() < budget {
        let input = &inputs[rng.below(inputs.len())];
        let other = &inputs[rng.below(inputs.len())];
        let text = mutate(input, other, &mut rng);
        let outcome = catch_unwind(AssertUnwindSafe(|| stages(&text, &templates)));
        tried += 1;
        let why = match outcome {
            Ok(Ok(())) => continue,
            Ok(Err(why)) => why,
            Err(panic) => format!(
                "panicked: {:?}",
                panic
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or(panic.downcast_ref::<&str>().copied())
            ),
        };
        return Some((text, why));
    }
    eprintln!(
        "fuzz: {tried} inputs in {:?}, seed {seed}, no failure",
        started.elapsed()
    );
    None
}

#[test]
fn fuzz_the_stages_authors_feed() {
    let seconds: f64 = std::env::var("DOCENT_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1.5);
    let seed = std::env::var("DOCENT_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x9E37_79B9_7F4A_7C15);
    if let Some((input, why)) = run(Duration::from_secs_f64(seconds), seed) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-failure.txt");
        let _ = std::fs::write(&path, &input);
        panic!("{why}\nthe input is in {}:\n{input:?}", path.display());
    }
}
