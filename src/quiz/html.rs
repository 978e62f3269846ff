//! A quiz as HTML that works without JavaScript: each question is a fieldset a reader can
//! answer, with the answer and its explanation behind `<details>`. `static/js/quiz.js`, when it
//! runs, adds a "Check" button per question, scores the quiz and keeps the reader's progress in
//! localStorage; it reads the answers from the `data-` attributes written here.

use std::fmt::Write as _;

use super::{Answer, Checked, Kind, Ready};
use crate::markdown::html_escape as esc;

/// Writes `quiz` into `out`; `sources` gives each cited source's title and address.
pub(super) fn write(out: &mut String, quiz: &Ready, sources: Option<&toml::Table>) {
    let id = esc(&quiz.id);
    let _ = write!(
        out,
        "<section class=\"quiz\" id=\"quiz-{id}\" data-quiz=\"{id}\" aria-labelledby=\"quiz-{id}-title\">\
         <h2 id=\"quiz-{id}-title\">{}</h2>",
        esc(&quiz.title)
    );
    if !quiz.objectives.is_empty() {
        out.push_str("<p class=\"quiz-lead\">This quiz checks that you can:</p><ul class=\"quiz-objectives\">");
        for (_, objective) in &quiz.objectives {
            let _ = write!(out, "<li>{}</li>", esc(objective));
        }
        out.push_str("</ul>");
    }
    let _ = write!(
        out,
        "<p class=\"quiz-lead quiz-how\">{} questions. Answer each, then open its answer to check yourself.</p><ol class=\"quiz-questions\">",
        quiz.questions.len()
    );
    for question in &quiz.questions {
        write_question(out, question, sources);
    }
    out.push_str("</ol><p class=\"quiz-score\" aria-live=\"polite\"></p></section>");
}

fn write_question(out: &mut String, q: &Checked, sources: Option<&toml::Table>) {
    let id = esc(&q.id);
    let (kind, answer) = match &q.answer {
        Answer::Options(picked) => {
            let list: Vec<String> = picked.iter().map(usize::to_string).collect();
            (
                if q.kind == Kind::Multiple {
                    "multiple"
                } else {
                    "single"
                },
                list.join(" "),
            )
        }
        Answer::Bool(b) => ("true-false", b.to_string()),
        Answer::Number { value, tolerance } => ("numeric", format!("{value} {tolerance}")),
    };
    let objective = q
        .objective
        .as_deref()
        .map(|o| format!(" data-objective=\"{}\"", esc(o)))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<li class=\"quiz-q\" id=\"q-{id}\" data-kind=\"{kind}\" data-answer=\"{answer}\"{objective}>\
         <fieldset><legend>{}</legend>",
        esc(&q.prompt)
    );
    write_inputs(out, q, &id);
    out.push_str("</fieldset><p class=\"quiz-result\" aria-live=\"polite\"></p>");
    let _ = write!(
        out,
        "<details class=\"quiz-answer\"><summary>Show the answer</summary><p><strong>{}</strong></p><p>{}</p>",
        esc(&answer_text(q)),
        esc(&q.explanation)
    );
    write_sources(out, &q.sources, sources);
    out.push_str("</details></li>");
}

/// The controls of a question: a radio or checkbox per option, True and False, or a text box.
fn write_inputs(out: &mut String, q: &Checked, id: &str) {
    match &q.answer {
        Answer::Options(_) => {
            let input = if q.kind == Kind::Multiple {
                "checkbox"
            } else {
                "radio"
            };
            out.push_str("<ul class=\"quiz-options\">");
            for (i, option) in q.options.iter().enumerate() {
                let _ = write!(
                    out,
                    "<li><label><input type=\"{input}\" name=\"q-{id}\" value=\"{i}\"> {}</label></li>",
                    esc(option)
                );
            }
            out.push_str("</ul>");
        }
        Answer::Bool(_) => {
            out.push_str("<ul class=\"quiz-options\">");
            for value in ["true", "false"] {
                let label = if value == "true" { "True" } else { "False" };
                let _ = write!(
                    out,
                    "<li><label><input type=\"radio\" name=\"q-{id}\" value=\"{value}\"> {label}</label></li>"
                );
            }
            out.push_str("</ul>");
        }
        Answer::Number { .. } => {
            let unit = q.unit.as_deref().map(esc).unwrap_or_default();
            let _ = write!(
                out,
                "<p class=\"quiz-number\"><label for=\"q-{id}-input\">Your answer</label> \
                 <input id=\"q-{id}-input\" name=\"q-{id}\" type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" size=\"10\">{}</p>",
                if unit.is_empty() {
                    String::new()
                } else {
                    format!(" <span class=\"quiz-unit\">{unit}</span>")
                }
            );
        }
    }
}

/// The right answer in words: the options, true or false, or the number with its unit.
fn answer_text(q: &Checked) -> String {
    match &q.answer {
        Answer::Options(picked) => {
            let names: Vec<&str> = picked.iter().map(|&i| q.options[i].as_str()).collect();
            format!("Answer: {}.", names.join("; "))
        }
        Answer::Bool(b) => format!("Answer: {}.", if *b { "true" } else { "false" }),
        Answer::Number { value, tolerance } => {
            // "29%", but "94,500 dollars".
            let unit = match q.unit.as_deref() {
                Some(u) if u.chars().all(|c| !c.is_alphanumeric()) => u.to_string(),
                Some(u) => format!(" {u}"),
                None => String::new(),
            };
            let within = match *tolerance > 0.0 {
                true => format!(" (within {})", number(*tolerance)),
                false => String::new(),
            };
            format!("Answer: {}{unit}{within}.", number(*value))
        }
    }
}

/// A number as a reader writes it: whole numbers with thousands separators (94,500).
fn number(value: f64) -> String {
    if value.fract() != 0.0 || value.abs() >= 1e15 {
        return value.to_string();
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match value < 0.0 {
        true => format!("-{out}"),
        false => out,
    }
}

fn write_sources(out: &mut String, keys: &[String], sources: Option<&toml::Table>) {
    if keys.is_empty() {
        return;
    }
    out.push_str("<p class=\"quiz-source\">Source: ");
    for (i, key) in keys.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        let entry = sources.and_then(|s| s.get(key)).and_then(|e| e.as_table());
        let field = |name: &str| entry.and_then(|e| e.get(name)).and_then(|v| v.as_str());
        let title = esc(field("title").unwrap_or(key));
        match field("url") {
            Some(url) => {
                let _ = write!(out, "<a href=\"{}\">{title}</a>", esc(url));
            }
            None => out.push_str(&title),
        }
        if let Some(publisher) = field("publisher") {
            let _ = write!(out, " ({})", esc(publisher));
        }
    }
    out.push_str("</p>");
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_written_with_thousands_separators() {
        let shown: Vec<String> = [94500.0, 29.0, 1234567.0, 0.5, -1200.0]
            .iter()
            .map(|&n| super::number(n))
            .collect();
        assert_eq!(shown, ["94,500", "29", "1,234,567", "0.5", "-1,200"]);
    }
}
