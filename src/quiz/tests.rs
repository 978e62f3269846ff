use super::*;

const GOOD: &str = r#"[q]
objectives = { focus = "Tell the fields apart", figures = "Read a BLS figure" }

[[q.questions]]
id = "one"
kind = "single"
prompt = "Which?"
options = ["HI", "HIM"]
answer = "HI"
explanation = "Because."
sources = ["uc"]
objective = "focus"

[[q.questions]]
id = "two"
kind = "multiple"
prompt = "Which two?"
options = ["a", "b", "c"]
answer = ["c", "a"]
explanation = "Both."
objective = "focus"

[[q.questions]]
id = "three"
kind = "true-false"
prompt = "True?"
answer = false
explanation = "No."
objective = "figures"

[[q.questions]]
id = "four"
kind = "numeric"
prompt = "How much?"
answer = 29
tolerance = 0.5
unit = "%"
explanation = "29%."
objective = "figures"
"#;

fn file(text: &str) -> Vec<SourceFile> {
    vec![SourceFile {
        shown: "content/data/quizzes.toml".into(),
        rel: FILE.into(),
        text: text.into(),
    }]
}

fn sources() -> toml::Table {
    toml::from_str("[uc]\ntitle = \"UC\"\nurl = \"https://uc.example\"\n").unwrap()
}

/// The first problem in `text`: its message and line.
fn problem(text: &str) -> (String, usize) {
    let problems = load(&file(text), Some(&sources())).expect_err("a problem");
    let d = &problems.0[0];
    (d.message.clone(), d.location.as_ref().map_or(0, |l| l.line))
}

#[test]
fn answers_are_checked_against_their_kind_and_options() {
    let quizzes = load(&file(GOOD), Some(&sources())).unwrap();
    let q = &quizzes.quizzes["q"];
    let answers: Vec<_> = q.questions.iter().map(|q| q.answer.clone()).collect();
    assert_eq!(
        answers,
        [
            Answer::Options(vec![0]),
            Answer::Options(vec![0, 2]),
            Answer::Bool(false),
            Answer::Number {
                value: 29.0,
                tolerance: 0.5
            },
        ]
    );
    assert_eq!(
        q.objectives[0].0, "focus",
        "objectives keep the author's order"
    );
}

#[test]
fn each_mistake_is_an_error_at_its_line() {
    let cases = [
        (
            ("answer = \"HI\"", "answer = \"Hi\""),
            "the answer \"Hi\" of question `one` is not among its options",
            9,
        ),
        (
            ("answer = [\"c\", \"a\"]", "answer = [\"c\", \"d\"]"),
            "the answer \"d\" of question `two` is not among its options",
            19,
        ),
        (
            ("id = \"two\"", "id = \"one\""),
            "question id `one` is used twice",
            15,
        ),
        (
            (
                "objective = \"figures\"\n\n[[q.questions]]\nid = \"four\"",
                "objective = \"figure\"\n\n[[q.questions]]\nid = \"four\"",
            ),
            "question `three` tests objective `figure`, which its quiz does not declare",
            29,
        ),
        (
            ("sources = [\"uc\"]", "sources = [\"ucc\"]"),
            "unknown source `ucc` in question `one`",
            11,
        ),
        (
            ("answer = false", "answer = \"no\""),
            "the answer of question `three` is a string, which a true-false question cannot take",
            27,
        ),
        (
            ("answer = false", "answer = false\noptions = [\"yes\"]"),
            "question `three` is a true-false question and takes no `options`",
            28,
        ),
    ];
    for ((from, to), message, line) in cases {
        assert!(GOOD.contains(from), "{from}");
        let found = problem(&GOOD.replacen(from, to, 1));
        assert_eq!(found, (message.to_string(), line), "{to}");
    }
}

#[test]
fn an_objective_no_question_tests_is_an_error() {
    let text = GOOD.replace(
        "figures = \"Read a BLS figure\"",
        "figures = \"Read a BLS figure\", spare = \"Unused\"",
    );
    let (message, line) = problem(&text);
    assert_eq!(
        message,
        "objective `spare` of quiz `q` is tested by no question"
    );
    assert_eq!(line, 1);
}

#[test]
fn a_quiz_marker_becomes_the_quiz_with_answers_behind_details() {
    let quizzes = load(&file(GOOD), Some(&sources())).unwrap();
    let html = format!("<p>Before</p>{MARK}q\"></div><p>After</p>");
    let out = quizzes.resolve(&html, Some(&sources()));
    assert!(
        out.starts_with("<p>Before</p><section class=\"quiz\" id=\"quiz-q\""),
        "{out}"
    );
    assert!(out.ends_with("</section><p>After</p>"), "{out}");
    assert_eq!(out.matches("<details class=\"quiz-answer\">").count(), 4);
    assert!(
        out.contains("data-kind=\"multiple\" data-answer=\"0 2\""),
        "{out}"
    );
    assert!(
        out.contains("<strong>Answer: 29% (within 0.5).</strong>"),
        "{out}"
    );
    assert!(
        out.contains("<a href=\"https://uc.example\">UC</a>"),
        "{out}"
    );
}
