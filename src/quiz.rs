//! Quizzes as checked data. `content/data/quizzes.toml` holds one table per quiz:
//!
//! ```toml
//! [key-differences]
//! title = "Check your understanding"
//! objectives = { focus = "Tell what each field works on" }
//!
//! [[key-differences.questions]]
//! id = "kd-focus"
//! kind = "single"            # single, multiple, true-false or numeric
//! prompt = "Which field works on the systems themselves?"
//! options = ["Health informatics", "Health information management"]
//! answer = "Health informatics"
//! explanation = "..."
//! sources = ["uc-online"]    # keys of sources.toml
//! objective = "focus"
//! ```
//!
//! A page embeds one with `{{ quiz(id="key-differences") }}`. Every mistake a quiz can hold is
//! an error at its TOML line: an answer that is not among the options, a duplicate question
//! id, an unknown objective or source, an objective no question tests. The shortcode writes a
//! marker and the views stage puts the quiz in its place ([`html`]), as it does glossary terms.

mod html;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::discover::SourceFile;
use crate::error::{Diagnostic, Diagnostics, did_you_mean};
use crate::site::{Site, Texts};

/// The data file quizzes are read from, under content/data/.
pub(crate) const FILE: &str = "quizzes.toml";

/// What the `quiz` shortcode leaves in the HTML, before the quiz's id.
pub(crate) const MARK: &str = "<div class=\"quiz-slot\" data-docent-quiz=\"";

/// One quiz as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Quiz {
    #[serde(default = "default_title")]
    title: String,
    /// In the author's order: `name = "what the reader can do"`.
    #[serde(default)]
    objectives: toml::Table,
    questions: Vec<Spanned<Question>>,
}

fn default_title() -> String {
    "Check your understanding".into()
}

/// One question as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Question {
    id: Spanned<String>,
    kind: Spanned<Kind>,
    prompt: String,
    #[serde(default)]
    options: Option<Spanned<Vec<String>>>,
    answer: Spanned<toml::Value>,
    #[serde(default)]
    tolerance: Option<f64>,
    #[serde(default)]
    unit: Option<String>,
    explanation: String,
    #[serde(default)]
    sources: Vec<Spanned<String>>,
    objective: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
enum Kind {
    Single,
    Multiple,
    TrueFalse,
    Numeric,
}

/// What a question's answer is, once checked.
#[derive(Debug, Clone, PartialEq)]
enum Answer {
    /// Indexes into the options: one for `single`, one or more for `multiple`.
    Options(Vec<usize>),
    Bool(bool),
    Number {
        value: f64,
        tolerance: f64,
    },
}

/// A checked question.
#[derive(Debug, Clone)]
struct Checked {
    id: String,
    kind: Kind,
    prompt: String,
    options: Vec<String>,
    answer: Answer,
    unit: Option<String>,
    explanation: String,
    sources: Vec<String>,
    objective: Option<String>,
}

/// A checked quiz.
#[derive(Debug, Clone)]
struct Ready {
    id: String,
    title: String,
    objectives: Vec<(String, String)>,
    questions: Vec<Checked>,
}

/// The site's quizzes, checked, by id.
#[derive(Debug, Default)]
pub(crate) struct Quizzes {
    quizzes: HashMap<String, Ready>,
    names: Vec<String>,
    /// A hash of the file's text: what a view with a quiz depends on.
    pub(crate) fingerprint: u64,
}

/// Reads and checks `content/data/quizzes.toml`, if the site has one; `sources` are the keys
/// a question may cite.
pub(crate) fn load(
    files: &[SourceFile],
    sources: Option<&toml::Table>,
) -> Result<Quizzes, Diagnostics> {
    let Some(file) = files.iter().find(|f| f.rel == FILE) else {
        return Ok(Quizzes::default());
    };
    let parsed: BTreeMap<String, Spanned<Quiz>> =
        crate::tomlfile::parse(&file.shown, &file.text, 0, &file.text)
            .map_err(Diagnostics::from)?;
    let mut problems = Vec::new();
    let at = |span: Range<usize>, message: String| {
        Diagnostic::at(&file.shown, &file.text, span, message)
    };
    let mut seen: HashMap<String, Range<usize>> = HashMap::new();
    let mut quizzes = Quizzes::default();
    for (id, quiz) in &parsed {
        let span = quiz.span();
        let quiz = quiz.get_ref();
        let mut tested = HashSet::new();
        let mut questions = Vec::new();
        for question in &quiz.questions {
            let q = question.get_ref();
            if let Some(first) = seen.insert(q.id.get_ref().clone(), q.id.span()) {
                let line = crate::error::Location::of(&file.text, first).line;
                problems.push(
                    at(q.id.span(), format!("question id `{}` is used twice", q.id.get_ref()))
                        .with_help(format!("its first use is on line {line}; ids are unique across the file, so progress is kept per question")),
                );
            }
            if let Some(objective) = &q.objective {
                tested.insert(objective.get_ref().clone());
            }
            match check_question(q, quiz, sources) {
                Ok(checked) => questions.push(checked),
                Err((span, message, help)) => problems.push(at(span, message).with_help(help)),
            }
        }
        let mut objectives = Vec::new();
        for (name, text) in &quiz.objectives {
            match text.as_str() {
                Some(text) => objectives.push((name.clone(), text.to_string())),
                None => problems.push(
                    at(
                        span.clone(),
                        format!("objective `{name}` of quiz `{id}` is not a string"),
                    )
                    .with_help("write it as `name = \"what the reader can do\"`"),
                ),
            }
        }
        for name in quiz.objectives.keys().filter(|o| !tested.contains(*o)) {
            problems.push(
                at(
                    span.clone(),
                    format!("objective `{name}` of quiz `{id}` is tested by no question"),
                )
                .with_help(
                    "give a question `objective = \"...\"` with it, or remove the objective",
                ),
            );
        }
        quizzes.names.push(id.clone());
        quizzes.quizzes.insert(
            id.clone(),
            Ready {
                id: id.clone(),
                title: quiz.title.clone(),
                objectives,
                questions,
            },
        );
    }
    if !problems.is_empty() {
        return Err(Diagnostics(problems));
    }
    let mut h = crate::hashing::hasher();
    file.text.hash(&mut h);
    quizzes.fingerprint = h.finish();
    Ok(quizzes)
}

/// A problem in a question: its span, message and help.
type Mistake = (Range<usize>, String, String);

/// A question with its answer checked against its kind and options.
fn check_question(
    q: &Question,
    quiz: &Quiz,
    sources: Option<&toml::Table>,
) -> Result<Checked, Mistake> {
    let id = q.id.get_ref();
    if let Some(objective) = &q.objective {
        if !quiz.objectives.contains_key(objective.get_ref()) {
            let names = quiz.objectives.keys().map(String::as_str);
            let help = match did_you_mean(objective.get_ref(), names) {
                Some(close) => format!("did you mean `{close}`?"),
                None => {
                    "declare it in the quiz's `objectives`, as `name = \"what the reader can do\"`"
                        .into()
                }
            };
            return Err((
                objective.span(),
                format!(
                    "question `{id}` tests objective `{}`, which its quiz does not declare",
                    objective.get_ref()
                ),
                help,
            ));
        }
    }
    for source in &q.sources {
        let known = sources.is_some_and(|s| s.contains_key(source.get_ref()));
        if !known {
            let names = sources
                .into_iter()
                .flat_map(|s| s.keys().map(String::as_str));
            let help = match did_you_mean(source.get_ref(), names) {
                Some(close) => format!("did you mean `{close}`?"),
                None => "add it to content/data/sources.toml".into(),
            };
            return Err((
                source.span(),
                format!("unknown source `{}` in question `{id}`", source.get_ref()),
                help,
            ));
        }
    }
    let answer = answer_of(q)?;
    Ok(Checked {
        id: id.clone(),
        kind: *q.kind.get_ref(),
        prompt: q.prompt.clone(),
        options: q
            .options
            .as_ref()
            .map(|o| o.get_ref().clone())
            .unwrap_or_default(),
        answer,
        unit: q.unit.clone(),
        explanation: q.explanation.clone(),
        sources: q.sources.iter().map(|s| s.get_ref().clone()).collect(),
        objective: q.objective.as_ref().map(|o| o.get_ref().clone()),
    })
}

/// The answer, as its kind needs it.
fn answer_of(q: &Question) -> Result<Answer, Mistake> {
    let id = q.id.get_ref();
    let span = q.answer.span();
    let kind = *q.kind.get_ref();
    let options = q.options.as_ref();
    let wrong = |message: String, help: &str| Err((span.clone(), message, help.to_string()));
    match (kind, options) {
        (Kind::TrueFalse | Kind::Numeric, Some(options)) => {
            return Err((
                options.span(),
                format!(
                    "question `{id}` is a {} question and takes no `options`",
                    kind.name()
                ),
                "remove `options`".into(),
            ));
        }
        (Kind::Single | Kind::Multiple, None) => {
            return Err((
                q.kind.span(),
                format!(
                    "question `{id}` is a {} question but has no `options`",
                    kind.name()
                ),
                "list the choices as `options = [\"...\", \"...\"]`".into(),
            ));
        }
        _ => {}
    }
    let find = |text: &str| options.and_then(|o| o.get_ref().iter().position(|x| x == text));
    let listed = || {
        options
            .map(|o| {
                o.get_ref()
                    .iter()
                    .map(|x| format!("\"{x}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    match (kind, q.answer.get_ref()) {
        (Kind::Single, toml::Value::String(text)) => match find(text) {
            Some(i) => Ok(Answer::Options(vec![i])),
            None => wrong(
                format!("the answer \"{text}\" of question `{id}` is not among its options"),
                &format!("write one of the options exactly: {}", listed()),
            ),
        },
        (Kind::Multiple, toml::Value::Array(items)) if !items.is_empty() => {
            let mut picked = Vec::new();
            for item in items {
                let text = item.as_str().unwrap_or_default();
                match find(text) {
                    Some(i) if !picked.contains(&i) => picked.push(i),
                    Some(_) => {
                        return wrong(
                            format!("the answer \"{text}\" of question `{id}` is listed twice"),
                            "list each right option once",
                        );
                    }
                    None => {
                        return wrong(
                            format!(
                                "the answer \"{text}\" of question `{id}` is not among its options"
                            ),
                            &format!("write options exactly as listed: {}", listed()),
                        );
                    }
                }
            }
            picked.sort_unstable();
            Ok(Answer::Options(picked))
        }
        (Kind::TrueFalse, toml::Value::Boolean(b)) => Ok(Answer::Bool(*b)),
        (Kind::Numeric, toml::Value::Integer(n)) => number(*n as f64, q),
        (Kind::Numeric, toml::Value::Float(n)) => number(*n, q),
        (_, other) => wrong(
            format!(
                "the answer of question `{id}` is {} {}, which a {} question cannot take",
                if other.type_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
                    "an"
                } else {
                    "a"
                },
                other.type_str(),
                kind.name()
            ),
            kind.answer_help(),
        ),
    }
}

fn number(value: f64, q: &Question) -> Result<Answer, Mistake> {
    let tolerance = q.tolerance.unwrap_or(0.0);
    if !value.is_finite() || !tolerance.is_finite() || tolerance < 0.0 {
        let message = format!(
            "question `{}` needs a finite answer and a tolerance of 0 or more",
            q.id.get_ref()
        );
        return Err((
            q.answer.span(),
            message,
            "write plain numbers, like `answer = 29` and `tolerance = 0.5`".into(),
        ));
    }
    Ok(Answer::Number { value, tolerance })
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Single => "single-choice",
            Kind::Multiple => "multiple-choice",
            Kind::TrueFalse => "true-false",
            Kind::Numeric => "numeric",
        }
    }

    fn answer_help(self) -> &'static str {
        match self {
            Kind::Single => "write `answer = \"...\"`, one of the options exactly",
            Kind::Multiple => "write `answer = [\"...\", \"...\"]`, options exactly as listed",
            Kind::TrueFalse => "write `answer = true` or `answer = false`",
            Kind::Numeric => "write a number, like `answer = 29`",
        }
    }
}

impl Quizzes {
    /// Every `{{ quiz(id=...) }}` that names no quiz: an error at its Markdown line.
    pub(crate) fn check_uses(&self, site: &Site, texts: &Texts) -> Result<(), Diagnostics> {
        let mut problems = Vec::new();
        for (id, doc) in site.docs() {
            let body = texts.body(site, id);
            if !body.contains("quiz") {
                continue;
            }
            for found in crate::shortcodes::parse::scan(body) {
                let crate::shortcodes::parse::Found::Call(call) = found else {
                    continue;
                };
                if call.name != "quiz" {
                    continue;
                }
                let Some((_, serde_json::Value::String(name), span)) =
                    call.args.iter().find(|(k, ..)| k == "id")
                else {
                    continue;
                };
                if self.quizzes.contains_key(name) {
                    continue;
                }
                let help = match did_you_mean(name, self.names.iter().map(String::as_str)) {
                    Some(close) => format!("did you mean `{close}`?"),
                    None if self.names.is_empty() => format!(
                        "quizzes are tables in content/data/{FILE}, which this site does not have"
                    ),
                    None => format!(
                        "the quizzes in content/data/{FILE} are: {}",
                        self.names.join(", ")
                    ),
                };
                problems.push(
                    doc.at(texts.full(id), span, format!("unknown quiz `{name}`"))
                        .with_help(help),
                );
            }
        }
        match problems.is_empty() {
            true => Ok(()),
            false => Err(Diagnostics(problems)),
        }
    }

    /// `html` with each quiz marker replaced by its quiz. Uses were checked already.
    pub(crate) fn resolve<'a>(
        &self,
        html: &'a str,
        sources: Option<&toml::Table>,
    ) -> std::borrow::Cow<'a, str> {
        if !html.contains(MARK) {
            return std::borrow::Cow::Borrowed(html);
        }
        let mut out = String::with_capacity(html.len() + 4096);
        let mut rest = html;
        while let Some(i) = rest.find(MARK) {
            out.push_str(&rest[..i]);
            rest = &rest[i + MARK.len()..];
            let end = rest.find('"').unwrap_or(rest.len());
            let name = &rest[..end];
            let close = rest
                .find("</div>")
                .map_or(rest.len(), |c| c + "</div>".len());
            rest = &rest[close..];
            if let Some(quiz) = self.quizzes.get(name) {
                html::write(&mut out, quiz, sources);
            }
        }
        out.push_str(rest);
        std::borrow::Cow::Owned(out)
    }
}

#[cfg(test)]
mod tests;
