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

/// The shortcode template a body that calls `quiz` used (`Rendered::shortcodes`).
const USED: &str = "shortcodes/quiz.html";

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
    let mut reader = Reader {
        file,
        sources,
        seen: HashMap::new(),
        problems: Vec::new(),
    };
    let mut quizzes = Quizzes::default();
    for (id, quiz) in &parsed {
        let ready = reader.quiz(id, quiz);
        quizzes.names.push(id.clone());
        quizzes.quizzes.insert(id.clone(), ready);
    }
    if !reader.problems.is_empty() {
        return Err(Diagnostics(reader.problems));
    }
    let mut h = crate::hashing::hasher();
    file.text.hash(&mut h);
    quizzes.fingerprint = h.finish();
    Ok(quizzes)
}

/// The state of reading the file: the question ids met so far and the problems found.
struct Reader<'f> {
    file: &'f SourceFile,
    sources: Option<&'f toml::Table>,
    seen: HashMap<String, Range<usize>>,
    problems: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn at(&self, span: Range<usize>, message: String) -> Diagnostic {
        Diagnostic::at(&self.file.shown, &self.file.text, span, message)
    }

    /// One quiz, checked; its problems join the reader's.
    fn quiz(&mut self, id: &str, quiz: &Spanned<Quiz>) -> Ready {
        let span = quiz.span();
        let quiz = quiz.get_ref();
        let mut tested = HashSet::new();
        let mut questions = Vec::new();
        for question in &quiz.questions {
            let q = question.get_ref();
            self.unique(q);
            if let Some(objective) = &q.objective {
                tested.insert(objective.get_ref().clone());
            }
            match check_question(q, quiz, self.sources) {
                Ok(checked) => questions.push(checked),
                Err((span, message, help)) => {
                    let d = self.at(span, message).with_help(help);
                    self.problems.push(d);
                }
            }
        }
        let mut objectives = Vec::new();
        for (name, text) in &quiz.objectives {
            let problem = match text.as_str() {
                Some(text) if tested.contains(name) => {
                    objectives.push((name.clone(), text.to_string()));
                    continue;
                }
                Some(_) => (
                    format!("objective `{name}` of quiz `{id}` is tested by no question"),
                    "give a question `objective = \"...\"` with it, or remove the objective",
                ),
                None => (
                    format!("objective `{name}` of quiz `{id}` is not a string"),
                    "write it as `name = \"what the reader can do\"`",
                ),
            };
            let d = self.at(span.clone(), problem.0).with_help(problem.1);
            self.problems.push(d);
        }
        Ready {
            id: id.to_string(),
            title: quiz.title.clone(),
            objectives,
            questions,
        }
    }

    /// A question id met before is an error: progress is kept by id.
    fn unique(&mut self, q: &Question) {
        let Some(first) = self.seen.insert(q.id.get_ref().clone(), q.id.span()) else {
            return;
        };
        let line = crate::error::Location::of(&self.file.text, first).line;
        let message = format!("question id `{}` is used twice", q.id.get_ref());
        let d = self.at(q.id.span(), message).with_help(format!(
            "its first use is on line {line}; ids are unique across the file, so progress is kept per question"
        ));
        self.problems.push(d);
    }
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
    options_fit(q)?;
    let kind = *q.kind.get_ref();
    let options = q
        .options
        .as_ref()
        .map_or(&[][..], |o| o.get_ref().as_slice());
    match (kind, q.answer.get_ref()) {
        (Kind::Single, toml::Value::String(text)) => {
            Ok(Answer::Options(vec![option(q, options, text)?]))
        }
        (Kind::Multiple, toml::Value::Array(items)) if !items.is_empty() => {
            let mut picked = Vec::new();
            for item in items {
                let i = option(q, options, item.as_str().unwrap_or_default())?;
                if picked.contains(&i) {
                    let message = format!(
                        "the answer \"{}\" of question `{}` is listed twice",
                        options[i],
                        q.id.get_ref()
                    );
                    return Err((
                        q.answer.span(),
                        message,
                        "list each right option once".into(),
                    ));
                }
                picked.push(i);
            }
            picked.sort_unstable();
            Ok(Answer::Options(picked))
        }
        (Kind::TrueFalse, toml::Value::Boolean(b)) => Ok(Answer::Bool(*b)),
        (Kind::Numeric, toml::Value::Integer(n)) => number(*n as f64, q),
        (Kind::Numeric, toml::Value::Float(n)) => number(*n, q),
        (_, other) => {
            let article = match other.type_str().starts_with(['a', 'e', 'i', 'o', 'u']) {
                true => "an",
                false => "a",
            };
            let message = format!(
                "the answer of question `{}` is {article} {}, which a {} question cannot take",
                q.id.get_ref(),
                other.type_str(),
                kind.name()
            );
            Err((q.answer.span(), message, kind.answer_help().into()))
        }
    }
}

/// Options where the kind takes them, and none where it does not.
fn options_fit(q: &Question) -> Result<(), Mistake> {
    let (id, kind) = (q.id.get_ref(), *q.kind.get_ref());
    match (kind, &q.options) {
        (Kind::TrueFalse | Kind::Numeric, Some(options)) => Err((
            options.span(),
            format!(
                "question `{id}` is a {} question and takes no `options`",
                kind.name()
            ),
            "remove `options`".into(),
        )),
        (Kind::Single | Kind::Multiple, None) => Err((
            q.kind.span(),
            format!(
                "question `{id}` is a {} question but has no `options`",
                kind.name()
            ),
            "list the choices as `options = [\"...\", \"...\"]`".into(),
        )),
        _ => Ok(()),
    }
}

/// The index of the option written `text`, or an error listing the options.
fn option(q: &Question, options: &[String], text: &str) -> Result<usize, Mistake> {
    options.iter().position(|o| o == text).ok_or_else(|| {
        let listed: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
        (
            q.answer.span(),
            format!(
                "the answer \"{text}\" of question `{}` is not among its options",
                q.id.get_ref()
            ),
            format!("write options exactly as listed: {}", listed.join(", ")),
        )
    })
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
    /// Every `{{ quiz(id=...) }}` that names no quiz: an error at its Markdown line. Only the
    /// bodies whose rendering called the quiz shortcode are read.
    pub(crate) fn check_uses(
        &self,
        site: &Site,
        texts: &Texts,
        renders: &crate::links::Renders,
    ) -> Result<(), Diagnostics> {
        let mut problems = Vec::new();
        for (id, doc) in site.docs() {
            if !renders[id].shortcodes.iter().any(|n| n == USED) {
                continue;
            }
            let body = texts.body(site, id);
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
