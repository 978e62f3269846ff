//! `docent check` and `docent new`: schemas, every finding at once, and scaffolding.

mod common;

use assert_cmd::Command;
use common::Site;

fn docent(site: &Site, args: &[&str]) -> (bool, String, String) {
    let out = Command::cargo_bin("docent")
        .unwrap()
        .current_dir(&site.root)
        .args(args)
        .output()
        .unwrap();
    let text =
        |b: &[u8]| String::from_utf8_lossy(b).replace(&site.root.display().to_string(), "[ROOT]");
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

fn edit(site: &Site, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(site.root.join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    site.write(rel, text.replacen(from, to, 1));
}

#[test]
fn schema_errors_point_at_toml_lines() {
    let site = Site::fixture("basic");
    edit(
        &site,
        "content/data/facts.toml",
        "value = 110680",
        "value = \"110,680\"\nunti = \"USD\"",
    );
    edit(
        &site,
        "content/notes/first.md",
        "pay = 110680",
        "pay = 110680\nlevel = \"Intro\"",
    );
    insta::assert_snapshot!("schema_errors", site.build_err());
}

#[test]
fn a_clean_site_checks_clean() {
    let site = Site::fixture("basic");
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "{stderr}");
    assert_eq!(stderr, "checked: 0 errors, 0 warnings\n");
    assert!(!site.public("index.html").exists(), "check writes nothing");
    let sources = std::fs::read_to_string(site.root.join("content/data/sources.toml")).unwrap();
    site.write(
        "content/data/sources.toml",
        format!("{sources}\n[unused-one]\ntitle = \"U\"\npublisher = \"P\"\ndate = \"2020\"\n"),
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "warnings alone pass: {stderr}");
    assert!(stderr.contains("warning[unused-source]: source `unused-one` is never cited\n  --> content/data/sources.toml:11:1"), "{stderr}");
}

#[test]
fn check_reports_every_stage_at_once() {
    let site = Site::fixture("basic");
    edit(
        &site,
        "content/data/facts.toml",
        "value = 110680",
        "value = \"lots\"",
    );
    edit(
        &site,
        "content/notes/second.md",
        "(@/notes/first.md#details)",
        "(@/notes/first.md#detail)",
    );
    site.write(
        "content/notes/third.md",
        "+++\ntitle = \"Third\"\n+++\n![Chart](missing.png)\n\n<script>alert(1)</script>\n",
    );
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}{% block main %}{{ section.title | nope }}{% endblock main %}",
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(!ok);
    insta::assert_snapshot!("check_every_stage", stderr);
}

#[test]
fn check_json_is_stable_for_ci() {
    let site = Site::fixture("basic");
    site.write(
        "content/notes/third.md",
        "+++\ntitle = \"Third\"\n+++\n![Chart](missing.png)\n",
    );
    let (ok, stdout, _) = docent(&site, &["check", "--format", "json"]);
    assert!(!ok, "a missing image is an error");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["errors"], 1);
    let finding = &json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["severity"] == "error")
        .unwrap();
    assert_eq!(finding["code"], "missing-file");
    assert_eq!(finding["file"], "content/notes/third.md");
    assert_eq!(
        (finding["line"].as_u64(), finding["column"].as_u64()),
        (Some(4), Some(10))
    );
}

#[test]
fn new_scaffolds_flags_and_never_overwrites() {
    let site = Site::fixture("basic");
    let (ok, stdout, stderr) = docent(
        &site,
        &["new", "article", "Reading job ads", "--section", "notes"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(stdout, "created content/notes/reading-job-ads.md\n");
    let text = std::fs::read_to_string(site.root.join("content/notes/reading-job-ads.md")).unwrap();
    assert!(
        text.starts_with("+++\ntitle = \"Reading job ads\"\n"),
        "{text}"
    );
    assert!(
        text.contains("TODO: write about Reading job ads."),
        "the archetype body is used: {text}"
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(!ok, "placeholders fail the check");
    assert!(stderr.contains("error[placeholder]: placeholder text is still here\n --> content/notes/reading-job-ads.md:3:"), "{stderr}");
    let (ok, _, stderr) = docent(
        &site,
        &["new", "article", "Reading job ads", "--section", "notes"],
    );
    assert!(!ok);
    assert_eq!(
        stderr,
        "error: content/notes/reading-job-ads.md already exists; docent new never overwrites a file\n"
    );
}

#[test]
fn new_career_fills_the_bundled_schema() {
    let site = Site::bundled();
    let (ok, stdout, stderr) = docent(
        &site,
        &["new", "career", "Clinical Documentation Specialist"],
    );
    assert!(ok, "{stderr}");
    assert_eq!(
        stdout,
        "added /careers/clinical-documentation-specialist/ as a row of content/data/careers.toml\n"
    );
    let text = std::fs::read_to_string(site.root.join("content/data/careers.toml")).unwrap();
    let row = &text[text.rfind("[[careers]]").unwrap()..];
    for key in [
        "slug = \"clinical-documentation-specialist\"\ntitle = \"Clinical Documentation Specialist\"",
        "body = '''\n## What they do",
        "[careers.extra]\nfield = \"TODO: one of HI, HIM, both\"",
        "duties = [\"TODO: duties\"]",
        "## How to become one",
    ] {
        assert!(row.contains(key), "missing {key} in {row}");
    }
    let (ok, _, stderr) = docent(
        &site,
        &["new", "career", "Clinical Documentation Specialist"],
    );
    assert!(
        !ok && stderr
            .contains("already has a row with the slug \"clinical-documentation-specialist\""),
        "{stderr}"
    );
    let (ok, stdout, _) = docent(&site, &["check", "--format", "json"]);
    assert!(!ok);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let codes: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"placeholder") && codes.contains(&"schema"),
        "{codes:?}"
    );
    let (ok, stdout, _) = docent(&site, &["new", "faq", "Is coding a good first job?"]);
    assert!(ok);
    assert_eq!(stdout, "added a question to content/data/faq.toml\n");
    let (ok, _, stderr) = docent(&site, &["new", "faq", "Is coding a good first job?"]);
    assert!(
        !ok && stderr.contains("already has a question with id \"is-coding-a-good-first-job\""),
        "{stderr}"
    );
}

#[test]
fn without_a_glossary_terms_are_read_as_zola_reads_them_and_check_says_so() {
    let site = Site::fixture("basic");
    site.write(
        "content/notes/x.md",
        "+++\ntitle = \"X\"\n+++\nStart with the [[RHIA]], then [[_TOC_]].\n",
    );
    site.build_ok();
    // As plain Markdown, the way Zola (which has no `[[…]]` links) writes them.
    let html = site.read("notes/x/index.html");
    assert!(
        html.contains("Start with the [[RHIA]], then [[<em>TOC</em>]]."),
        "{html}"
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "a warning, not an error: {stderr}");
    assert!(
        stderr.contains("warning[glossary]: `[[RHIA]]` is shown as written: site.toml has no [glossary]\n --> content/notes/x.md:4:16"),
        "{stderr}"
    );
}

#[test]
fn a_section_without_a_title_is_a_warning() {
    let site = Site::fixture("basic");
    site.write("content/more/_index.md", "+++\nsort_by = \"title\"\n+++\n");
    site.write(
        "content/gone/_index.md",
        "+++\nredirect_to = \"notes/\"\n+++\n",
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "{stderr}");
    assert!(
        stderr.contains("warning[title]: this section has no title\n  --> content/more/_index.md"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("content/gone/_index.md"),
        "a redirect needs none: {stderr}"
    );
}

#[test]
fn check_lists_pages_left_out_for_their_dates() {
    let site = Site::fixture("basic");
    site.write_unpublished_notes();
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "left-out pages are warnings: {stderr}");
    assert!(stderr.contains("warning[unpublished]: dated 2099-01-01, later than now, so it is not published yet\n  --> content/notes/later.md"), "{stderr}");
    assert!(
        stderr.contains("warning[unpublished]: expired on 2001-01-01"),
        "{stderr}"
    );
    let (_, _, stderr) = docent(&site, &["check", "--future", "--drafts"]);
    assert!(!stderr.contains("unpublished"), "{stderr}");
}

/// A lesson with one slip of each kind the teaching lint looks for, each on a line of its own.
const SLIPS: &str = "+++\ntitle = \"Slips\"\n+++\nThe EHR comes first here, and [[EHR]] after.\n\n![](https://example.org/chart.png)\n\nSee [click here](@/glossary.md) for more.\n\n## Part\n\n#### Too deep\n\n| | |\n|---|---|\n| 1 | 2 |\n\n<img src=\"https://example.org/x.png\">\n";

/// Whether `docent check --format json` passed on `site`, and its findings.
fn check_json(site: &Site) -> (bool, Vec<serde_json::Value>) {
    let (ok, stdout, _) = docent(site, &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    (ok, json["findings"].as_array().unwrap().clone())
}

/// The messages of the findings with `code`.
fn messages(site: &Site, code: &str) -> Vec<String> {
    check_json(site)
        .1
        .iter()
        .filter(|f| f["code"] == code)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

/// The findings of `docent check` on `site`, as (code, line).
fn lint_findings(site: &Site) -> Vec<(String, u64)> {
    check_json(site)
        .1
        .iter()
        .filter(|f| f["file"] == "content/lessons/slips.md")
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_teaching_lint_finds_each_slip_at_its_line() {
    let site = Site::fixture("teaching");
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(ok, "the fixture is clean: {stderr}");
    site.write("content/lessons/slips.md", SLIPS);
    let found = lint_findings(&site);
    let expected = [
        ("term-first-use", 4),
        ("image-alt", 6),
        ("link-text", 8),
        ("heading-skip", 12),
        ("table-header", 14),
        ("image-alt", 18),
    ];
    let mut expected: Vec<_> = expected.iter().map(|(c, l)| (c.to_string(), *l)).collect();
    expected.sort_by_key(|(_, line)| *line);
    assert_eq!(found, expected);
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(!ok, "alt text, link text and table headers are errors");
    let slips = stderr
        .split("\n\n")
        .filter(|f| f.contains("slips.md"))
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!("teaching_lint", slips);
}

#[test]
fn lint_codes_are_turned_off_by_site_or_by_page() {
    let site = Site::fixture("teaching");
    site.write("content/lessons/slips.md", SLIPS);
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[lint]\nallow = [\"image-alt\", \"table-header\"]\n"),
    );
    let codes: Vec<String> = lint_findings(&site).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["term-first-use", "link-text", "heading-skip"]);
    site.write(
        "content/lessons/slips.md",
        format!("{SLIPS}\n<!-- lint-allow: link-text heading-skip -->\n"),
    );
    let codes: Vec<String> = lint_findings(&site).into_iter().map(|(c, _)| c).collect();
    assert_eq!(codes, ["term-first-use"]);
}

#[test]
fn reading_grades_have_a_site_target_and_section_targets() {
    let site = Site::fixture("teaching");
    let sentence = "Relational databases organize information into normalized tables. ";
    site.write(
        "content/lessons/dense.md",
        format!("+++\ntitle = \"Dense\"\n+++\n{}\n", sentence.repeat(20)),
    );
    let grade = |site: &Site| messages(site, "reading-grade");
    let found = grade(&site);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("above its target of 12 (140 words in 20 sentences)"),
        "{found:?}"
    );
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[lint]\nreading_grade = 8\n[lint.sections]\nlessons = 30\n"),
    );
    assert_eq!(
        grade(&site),
        Vec::<String>::new(),
        "the section's own target wins"
    );
    site.write(
        "site.toml",
        format!("{config}\n[lint.sections]\nlesons = 30\n"),
    );
    let (_, _, stderr) = docent(&site, &["check"]);
    assert!(
        stderr.contains("`[lint.sections]` names `lesons`, which is not a section"),
        "{stderr}"
    );
}

#[test]
fn sources_past_their_review_date_are_listed_page_by_page_with_their_figures() {
    let site = Site::fixture("basic");
    let sources = std::fs::read_to_string(site.root.join("content/data/sources.toml")).unwrap();
    let dated = sources
        .replace(
            "date = \"2023\"",
            "date = \"2023\"\nchecked = 2020-01-01\nreview_after = 2021-01-01\nurl = \"https://bls.example/ooh\"",
        )
        .replace("date = \"undated\"", "date = \"undated\"\nchecked = 2020-01-01");
    site.write("content/data/sources.toml", &dated);
    edit(
        &site,
        "content/notes/first.md",
        "Intro with a fact [@bls-2023]",
        "Intro with a fact: pay rose 16% to $58,250 [@bls-2023]",
    );
    let (ok, findings) = check_json(&site);
    assert!(ok, "stale sources are warnings: {findings:#?}");
    let stale: Vec<_> = findings
        .iter()
        .filter(|f| f["code"] == "stale-source")
        .collect();
    assert_eq!(stale.len(), 1, "one page cites it: {stale:#?}");
    assert_eq!(stale[0]["file"], "content/notes/first.md");
    assert_eq!(stale[0]["line"], 11);
    assert_eq!(
        stale[0]["message"],
        "cites `bls-2023`, due for review since 2021-01-01 (last checked 2020-01-01)"
    );
    let help = stale[0]["help"].as_str().unwrap();
    assert!(
        help.contains("(16%, $58,250)") && help.contains("https://bls.example/ooh"),
        "{help}"
    );

    // With a site-wide maximum age, a source checked long ago is due too.
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        format!("{config}\n[lint]\nmax_source_age = 365\n"),
    );
    let messages = messages(&site, "stale-source");
    assert!(
        messages.contains(
            &"cites `uc`, due for review since 2020-12-31 (last checked 2020-01-01)".to_string()
        ),
        "{messages:#?}"
    );
}

#[test]
fn a_source_date_that_is_not_a_date_is_an_error_at_its_line() {
    let site = Site::fixture("basic");
    let sources = std::fs::read_to_string(site.root.join("content/data/sources.toml")).unwrap();
    site.write(
        "content/data/sources.toml",
        sources.replace(
            "date = \"undated\"",
            "date = \"undated\"\nchecked = \"last spring\"",
        ),
    );
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(!ok, "{stderr}");
    let finding = stderr
        .split("\n\n")
        .filter(|f| f.contains("source-date") || f.contains("unchecked-source"))
        .collect::<Vec<_>>()
        .join("\n\n");
    insta::assert_snapshot!("source_date_not_a_date", finding);
}

#[test]
fn a_template_can_declare_the_ids_it_draws_and_check_holds_it_to_them() {
    let site = Site::fixture("basic");
    site.write(
        "templates/drawn.html",
        "{% extends \"base.html\" %}\n{# anchors: chart, table #}\n{% block main %}<figure id=\"chart\"></figure>{{ page.content }}{% endblock main %}\n",
    );
    site.write(
        "content/notes/drawn.md",
        "+++\ntitle = \"Drawn\"\ntemplate = \"drawn.html\"\n+++\nA page a template draws on.\n",
    );
    site.write(
        "content/notes/third.md",
        "+++\ntitle = \"Third\"\n+++\nSee [the chart](@/notes/drawn.md#chart) and [the table](@/notes/drawn.md#table).\n",
    );
    site.build_ok();
    let (ok, _, stderr) = docent(&site, &["check"]);
    assert!(!ok, "{stderr}");
    let anchors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error[missing-anchor]"))
        .collect();
    assert_eq!(
        anchors,
        [
            "error[missing-anchor]: `/docs/notes/drawn/#table` points at an id its page does not have"
        ],
        "{stderr}"
    );
    assert!(
        stderr.contains("--> content/notes/third.md:4:73"),
        "{stderr}"
    );
    // An id no template declares is still a broken anchor at the link.
    edit(&site, "content/notes/third.md", "#table", "#tabel");
    let stderr = site.build_err();
    assert!(
        stderr.contains("has no heading with id `tabel`"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean `#table`?"), "{stderr}");
}
