//! The site docent ships with: it builds, and everything it points at exists.

mod common;

use std::collections::BTreeSet;

use common::{Site, attrs, files_under, texts};

fn data(site: &Site, name: &str) -> toml::Table {
    let text = std::fs::read_to_string(site.root.join("content/data").join(name)).unwrap();
    toml::from_str(&text).unwrap()
}

fn html_files(site: &Site) -> Vec<String> {
    files_under(&site.root.join("public"))
        .into_iter()
        .filter(|f| f.ends_with(".html"))
        .collect()
}

#[test]
fn every_internal_link_and_citation_resolves() {
    let site = Site::bundled();
    site.build_ok();
    let files: BTreeSet<String> = files_under(&site.root.join("public")).into_iter().collect();
    let mut checked = 0;
    for file in html_files(&site) {
        let html = site.html(&file);
        let ids: BTreeSet<String> = attrs(&html, "[id]", "id").into_iter().collect();
        for href in attrs(&html, "a[href], link[href]", "href") {
            if href.starts_with("http") || href.starts_with("mailto:") {
                continue;
            }
            let (path, anchor) = href
                .split_once('#')
                .map_or((href.as_str(), None), |(p, a)| (p, Some(a)));
            if path.is_empty() {
                let anchor = anchor.unwrap_or_default();
                assert!(ids.contains(anchor), "{file}: #{anchor} has no target");
                continue;
            }
            assert!(path.starts_with('/'), "{file}: relative link {href}");
            let target = path.trim_start_matches('/');
            let target = if target.is_empty() || target.ends_with('/') {
                format!("{target}index.html")
            } else {
                target.to_string()
            };
            assert!(files.contains(&target), "{file}: {href} points at nothing");
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                let ids = attrs(&site.html(&target), "[id]", "id");
                assert!(
                    ids.iter().any(|id| id == anchor),
                    "{file}: {href} has no #{anchor}"
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 100, "only {checked} links checked");
}

#[test]
fn every_career_page_has_its_facts() {
    let site = Site::bundled();
    site.build_ok();
    // Every career is a row of the careers data file, and each has its page.
    let data = std::fs::read_to_string(site.root.join("content/data/careers.toml")).unwrap();
    let data: toml::Table = toml::from_str(&data).unwrap();
    let careers: Vec<String> = data["careers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["slug"].as_str().unwrap().to_string())
        .collect();
    assert!(careers.len() > 20, "{careers:?}");
    let listing = site.html("careers/index.html");
    let listed = texts(&listing, ".cards a");
    // The pay chart draws each BLS occupation once, however many careers share it.
    let bars = texts(&listing, ".pay-chart .bar-title");
    assert!(!bars.is_empty(), "the careers listing has no pay chart");
    let unique: BTreeSet<&String> = bars.iter().collect();
    assert_eq!(
        unique.len(),
        bars.len(),
        "an occupation is drawn twice: {bars:?}"
    );
    for slug in careers {
        let html = site.html(&format!("careers/{slug}/index.html"));
        let title = texts(&html, "h1").remove(0);
        assert!(
            listed.contains(&title),
            "{title} missing from the careers listing"
        );
        let facts = texts(&html, ".quick-facts dt");
        for label in [
            "Field",
            "Typical entry",
            "Pay for this title",
            "Nearest BLS occupation",
            "BLS median pay",
            "Outlook",
        ] {
            assert!(
                facts.contains(&label.to_string()),
                "{slug}: no {label} fact"
            );
        }
        // Every career shows a BLS median with its period, or says why it shows none.
        let dds = texts(&html, ".quick-facts dd");
        let median = &dds[facts.iter().position(|f| f == "BLS median pay").unwrap()];
        assert!(
            (median.contains('$') && median.contains("20"))
                || median.contains("No BLS figure shown"),
            "{slug}: BLS pay is neither a dated figure nor explained: {median}"
        );
        // A broader or nearest occupation's median is never presented as the title's own pay.
        let own = &dds[facts
            .iter()
            .position(|f| f == "Pay for this title")
            .unwrap()];
        let occupation = &dds[facts
            .iter()
            .position(|f| f == "Nearest BLS occupation")
            .unwrap()];
        if !occupation.contains("The BLS occupation for this job") && median.contains('$') {
            let figure = median.split_whitespace().next().unwrap();
            assert!(
                !own.contains(figure),
                "{slug}: the broader occupation's {figure} is shown as this title's pay"
            );
            // Nor does structured data state it as the title's salary.
            let digits: String = figure.chars().filter(char::is_ascii_digit).collect();
            for ld in texts(&html, r#"script[type="application/ld+json"]"#) {
                if ld.contains("\"Occupation\"") {
                    assert!(
                        !ld.contains(&format!(":{digits}")),
                        "{slug}: JSON-LD states the broader occupation's {figure} as this title's salary"
                    );
                }
            }
        }
        assert!(
            !texts(&html, "#bls-figures").is_empty(),
            "{slug}: no BLS figures section"
        );
        let headings = texts(&html, ".prose h2");
        for h in [
            "What they do",
            "Skills",
            "How to become one",
            "Pay and outlook",
        ] {
            assert!(
                headings.iter().any(|x| x.starts_with(h)),
                "{slug}: no '{h}' section in {headings:?}"
            );
        }
        assert!(
            !texts(&html, ".references li").is_empty(),
            "{slug}: no sources listed"
        );
    }
}

#[test]
fn every_faq_comparison_and_glossary_entry_is_shown() {
    let site = Site::bundled();
    site.build_ok();
    let faq = data(&site, "faq.toml");
    let faq_html = site.html("faq/index.html");
    let ids = attrs(&faq_html, "details", "id");
    for group in faq["groups"].as_array().unwrap() {
        for q in group["questions"].as_array().unwrap() {
            let id = q["id"].as_str().unwrap();
            assert!(ids.iter().any(|i| i == id), "FAQ {id} not rendered");
        }
    }
    let comparison = data(&site, "comparison.toml");
    let rows = texts(&site.html("compare/index.html"), "table.compare tbody th");
    let expected: Vec<String> = comparison["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["dimension"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(rows, expected);
    let glossary = data(&site, "glossary.toml");
    let term_ids: BTreeSet<String> =
        attrs(&site.html("glossary/index.html"), ".glossary [id]", "id")
            .into_iter()
            .collect();
    for term in glossary["terms"].as_array().unwrap() {
        assert!(
            term_ids.contains(term["id"].as_str().unwrap()),
            "glossary term {} missing",
            term["id"]
        );
    }
}

#[test]
fn every_source_named_by_data_exists() {
    let site = Site::bundled();
    let sources = data(&site, "sources.toml");
    for file in [
        "faq.toml",
        "comparison.toml",
        "glossary.toml",
        "assessment.toml",
    ] {
        let text = std::fs::read_to_string(site.root.join("content/data").join(file)).unwrap();
        let table: toml::Value = toml::from_str(&text).unwrap();
        let mut keys = Vec::new();
        collect_sources(&table, &mut keys);
        for key in keys {
            assert!(
                sources.contains_key(&key),
                "{file} cites unknown source `{key}`"
            );
        }
    }
}

fn collect_sources(value: &toml::Value, keys: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                if k == "sources" || k == "source" {
                    match v {
                        toml::Value::Array(a) => {
                            keys.extend(a.iter().filter_map(|s| s.as_str().map(str::to_string)))
                        }
                        toml::Value::String(s) => keys.push(s.clone()),
                        _ => {}
                    }
                } else {
                    collect_sources(v, keys);
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| collect_sources(v, keys)),
        _ => {}
    }
}

#[test]
fn the_search_index_is_the_same_bytes_on_every_build() {
    let site = Site::bundled();
    let first = site.root.join("first");
    let second = site.root.join("second");
    for out in [&first, &second] {
        let status = site.build(&["--output-dir", out.to_str().unwrap()]).status;
        assert!(status.success());
    }
    let files = files_under(&first.join("pagefind"));
    assert!(!files.is_empty(), "the bundled site builds a search index");
    assert_eq!(files, files_under(&second.join("pagefind")));
    for file in files {
        let a = std::fs::read(first.join("pagefind").join(&file)).unwrap();
        assert_eq!(
            a,
            std::fs::read(second.join("pagefind").join(&file)).unwrap(),
            "{file}"
        );
    }
}

#[test]
fn the_bundled_site_passes_check_and_its_teaching_lint() {
    let site = Site::bundled();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_docent"))
        .args(["check", "--format", "json", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings: Vec<String> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}:{} {}", f["code"], f["file"], f["line"], f["message"]))
        .collect();
    assert_eq!(json["errors"], 0, "{findings:#?}");
    let lint = [
        "image-alt",
        "link-text",
        "table-header",
        "heading-skip",
        "term-first-use",
        "reading-grade",
    ];
    let teaching: Vec<_> = findings
        .iter()
        .filter(|f| {
            lint.iter()
                .any(|code| f.starts_with(&format!("\"{code}\"")))
        })
        .collect();
    assert!(teaching.is_empty(), "{teaching:#?}");
}

#[test]
fn every_cited_page_says_when_its_figures_were_checked() {
    let site = Site::bundled();
    site.build_ok();
    let sources = data(&site, "sources.toml");
    for file in html_files(&site) {
        let html = site.html(&file);
        let cited = attrs(&html, ".references li[id^=ref-]", "id");
        if cited.is_empty() {
            continue;
        }
        let dates: Vec<String> = cited
            .iter()
            .filter_map(|id| sources[id.trim_start_matches("ref-")].get("checked"))
            .map(|d| d.to_string())
            .collect();
        let shown = attrs(&html, ".checked-note time", "datetime");
        let (first, last) = (dates.iter().min(), dates.iter().max());
        assert_eq!(shown.first(), first, "{file}");
        assert!(first == last || shown.last() == last, "{file}: {shown:?}");
    }
}

#[test]
fn every_quiz_is_on_a_page_with_all_its_questions_and_answers() {
    let site = Site::bundled();
    site.build_ok();
    let quizzes = data(&site, "quizzes.toml");
    let mut shown = BTreeSet::new();
    for file in html_files(&site) {
        let html = site.html(&file);
        for id in attrs(&html, ".quiz[data-quiz]", "data-quiz") {
            let questions = quizzes[&id]["questions"].as_array().unwrap();
            let selector = format!("#quiz-{id} .quiz-q");
            let ids = attrs(&html, &selector, "id");
            let expected: Vec<String> = questions
                .iter()
                .map(|q| format!("q-{}", q["id"].as_str().unwrap()))
                .collect();
            assert_eq!(ids, expected, "{file}");
            let answers = texts(&html, &format!("#quiz-{id} details.quiz-answer strong"));
            assert_eq!(
                answers.len(),
                questions.len(),
                "{file}: an answer is missing"
            );
            assert!(shown.insert(id.clone()), "quiz {id} is on two pages");
        }
    }
    let all: BTreeSet<String> = quizzes.keys().cloned().collect();
    assert_eq!(shown, all, "every quiz is embedded once");
}

#[test]
fn guide_articles_show_their_place_on_the_learning_path() {
    let site = Site::bundled();
    site.build_ok();
    let html = site.html("guide/which-path-fits/index.html");
    assert_eq!(
        texts(&html, "[aria-labelledby=before-title] a"),
        ["Key differences between HI and HIM", "Career ladders"]
    );
    assert_eq!(
        texts(&html, "[aria-labelledby=next-title] a"),
        ["Where to go next"]
    );
    let key = site.html("guide/key-differences/index.html");
    let next = texts(&key, "[aria-labelledby=next-title] a");
    assert!(
        next.len() >= 3 && next.contains(&"Where HI and HIM meet".to_string()),
        "{next:?}"
    );
    // The guide's path: one numbered box per article, one arrow per prerequisite.
    let guide = site.html("guide/index.html");
    let articles = texts(&guide, "ol.cards > li > a").len();
    assert_eq!(texts(&guide, ".path-diagram .path-number").len(), articles);
    let arrows = std::fs::read_dir(site.root.join("content/guide"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .map(|t| {
            t.lines()
                .find(|l| l.starts_with("prerequisites"))
                .map_or(0, |l| l.matches("@/").count())
        })
        .sum::<usize>();
    assert_eq!(attrs(&guide, ".path-diagram .path-edge", "d").len(), arrows);
}
