//! Bad input: every case must exit 1 with a located, readable error, and never panic.
//! The messages are snapshots, so any change in wording shows up as a diff.

mod common;

use common::Site;

/// Applies `edits` (path, new text; `None` deletes) to the basic fixture and snapshots the error.
fn error_for(name: &str, edits: &[(&str, Option<&str>)]) {
    let site = Site::fixture("basic");
    for (path, text) in edits {
        match text {
            Some(text) => site.write(path, text),
            None => site.remove(path),
        };
    }
    let stderr = site.build_err();
    assert!(!stderr.contains("panicked"), "{stderr}");
    insta::assert_snapshot!(name, stderr);
}

fn page(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}\n")
}

#[test]
fn front_matter_errors() {
    error_for(
        "front_matter_invalid_toml",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"Unclosed", "Body")),
        )],
    );
    error_for(
        "front_matter_missing",
        &[("content/notes/x.md", Some("# Just a heading\n"))],
    );
    error_for(
        "front_matter_unterminated",
        &[("content/notes/x.md", Some("+++\ntitle = \"X\"\n\nBody\n"))],
    );
    error_for(
        "front_matter_yaml",
        &[("content/notes/x.md", Some("---\ntitle: X\n---\nBody\n"))],
    );
    error_for(
        "front_matter_wrong_type",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\nweight = \"first\"", "Body")),
        )],
    );
    error_for(
        "front_matter_unknown_key",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\ndescripion = \"typo\"", "Body")),
        )],
    );
    error_for(
        "front_matter_missing_title",
        &[("content/notes/x.md", Some(&page("weight = 3", "Body")))],
    );
    error_for(
        "front_matter_section_key_on_page",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\nsort_by = \"date\"", "Body")),
        )],
    );
    error_for(
        "front_matter_bad_sort_by",
        &[(
            "content/notes/_index.md",
            Some(&page("title = \"Notes\"\nsort_by = \"dat\"", "")),
        )],
    );
    error_for(
        "front_matter_bad_date",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\ndate = \"last tuesday\"", "Body")),
        )],
    );
}

#[test]
fn slug_and_url_errors() {
    // Slugs as written: Zola's default strategy would make `a/b` into `a-b`.
    let as_written = format!("{}\n[slugify]\npaths = \"off\"\n", with_taxonomies("[]"));
    error_for(
        "slug_with_slash",
        &[
            ("site.toml", Some(&as_written)),
            (
                "content/notes/x.md",
                Some(&page("title = \"X\"\nslug = \"a/b\"", "")),
            ),
        ],
    );
    error_for(
        "slug_with_dots",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\nslug = \"..\"", "")),
        )],
    );
    error_for(
        "slug_with_backslash",
        &[
            ("site.toml", Some(&as_written)),
            (
                "content/notes/x.md",
                Some(&page("title = \"X\"\nslug = \"a\\\\b\"", "")),
            ),
        ],
    );
    error_for(
        "duplicate_url",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\nslug = \"two\"", "")),
        )],
    );
    error_for(
        "alias_outside_site",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\naliases = [\"../../etc/passwd\"]", "")),
        )],
    );
}

#[test]
fn config_errors() {
    error_for(
        "config_invalid_toml",
        &[(
            "site.toml",
            Some("title = \"Basic\nbase_url = \"https://example.org\"\n"),
        )],
    );
    error_for(
        "config_unknown_key",
        &[(
            "site.toml",
            Some("title = \"Basic\"\nbase_url = \"https://example.org\"\nbaseurl = \"x\"\n"),
        )],
    );
    error_for(
        "config_missing_key",
        &[("site.toml", Some("title = \"Basic\"\n"))],
    );
    error_for(
        "config_relative_base_url",
        &[(
            "site.toml",
            Some("title = \"Basic\"\nbase_url = \"example.org\"\n"),
        )],
    );
    error_for(
        "config_bad_nav_link",
        &[(
            "site.toml",
            Some(
                "title = \"B\"\nbase_url = \"https://e.org\"\n[[nav]]\nname = \"N\"\nurl = \"@/note/_index.md\"\n",
            ),
        )],
    );
    error_for("config_missing", &[("site.toml", None)]);
}

#[test]
fn data_errors() {
    error_for(
        "data_invalid_toml",
        &[(
            "content/data/facts.toml",
            Some("headline = \"Numbers\"\n[[items]\nname = 1\n"),
        )],
    );
    error_for(
        "data_two_bad_files",
        &[
            ("content/data/facts.toml", Some("headline = \n")),
            ("content/data/more.toml", Some("a = [1, 2\n")),
        ],
    );
}

/// A section of the basic fixture whose pages are the rows of content/data/rows.toml.
const ROWS_SECTION: &str = "+++\ntitle = \"Rows\"\npage_template = \"note.html\"\nschema = \"note\"\n\n[pages_from]\ndata = \"rows\"\n+++\n";

/// Row pages whose data file is `rows`.
fn rows_error(name: &str, rows: &str) {
    error_for(
        name,
        &[
            ("content/rows/_index.md", Some(ROWS_SECTION)),
            ("content/data/rows.toml", Some(rows)),
        ],
    );
}

#[test]
fn data_row_errors() {
    rows_error(
        "rows_unknown_key",
        "[[rows]]\ntitle = \"A\"\ndat = 2024-01-01\n",
    );
    rows_error(
        "rows_bad_date",
        "[[rows]]\ntitle = \"A\"\n\n[[rows]]\ntitle = \"B\"\ndate = \"soon\"\n",
    );
    rows_error("rows_body_not_text", "[[rows]]\ntitle = \"A\"\nbody = 3\n");
    rows_error(
        "rows_same_page_twice",
        "[[rows]]\ntitle = \"A page\"\n\n[[rows]]\ntitle = \"Other\"\nslug = \"a-page\"\n",
    );
    rows_error(
        "rows_broken_link_in_body",
        "[[rows]]\ntitle = \"A\"\nbody = \'\'\'\nFine.\n\nSee [x](@/notes/frist.md).\n\'\'\'\n",
    );
    rows_error(
        "rows_broken_link_in_one_line_body",
        "[[rows]]\ntitle = \"A\"\nbody = \"See [x](@/nope.md).\"\n",
    );
    rows_error(
        "rows_schema",
        "[[rows]]\ntitle = \"A\"\n[rows.extra]\nlevel = \"expert\"\n",
    );
    rows_error("rows_not_tables", "rows = [1, 2]\n");
    rows_error(
        "rows_two_arrays",
        "[[a]]\ntitle = \"A\"\n[[b]]\ntitle = \"B\"\n",
    );
    error_for(
        "rows_no_data_file",
        &[("content/rows/_index.md", Some(ROWS_SECTION))],
    );
    error_for(
        "rows_and_a_file_make_one_page",
        &[
            ("content/rows/_index.md", Some(ROWS_SECTION)),
            ("content/data/rows.toml", Some("[[rows]]\ntitle = \"A\"\n")),
            ("content/rows/a.md", Some(&page("title = \"A\"", "Body"))),
        ],
    );
}

/// The basic fixture's site.toml with `taxonomies` declared.
fn with_taxonomies(taxonomies: &str) -> String {
    let config = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/site.toml"),
    )
    .unwrap();
    config.replacen(
        "\n[[nav]]",
        &format!("taxonomies = {taxonomies}\n\n[[nav]]"),
        1,
    )
}

#[test]
fn taxonomy_and_pagination_errors() {
    let tagged = page(
        "title = \"Tagged\"\n[taxonomies]\ntag = [\"coding\"]",
        "Body",
    );
    error_for(
        "taxonomy_not_declared",
        &[
            (
                "site.toml",
                Some(&with_taxonomies("[{ name = \"tags\", render = false }]")),
            ),
            ("content/notes/tagged.md", Some(&tagged)),
        ],
    );
    let tagged = page(
        "title = \"Tagged\"\n[taxonomies]\ntags = [\"coding\"]",
        "Body",
    );
    error_for(
        "taxonomy_without_templates",
        &[
            ("site.toml", Some(&with_taxonomies("[{ name = \"tags\" }]"))),
            ("content/notes/tagged.md", Some(&tagged)),
        ],
    );
    error_for(
        "taxonomy_on_a_page",
        &[
            (
                "site.toml",
                Some(&with_taxonomies("[{ name = \"notes\", render = true }]")),
            ),
            ("templates/notes/list.html", Some("list")),
            ("templates/notes/single.html", Some("single")),
        ],
    );
    error_for(
        "taxonomy_unknown_in_a_template",
        &[
            (
                "site.toml",
                Some(&with_taxonomies("[{ name = \"tags\", render = false }]")),
            ),
            (
                "templates/index.html",
                Some("{{ get_taxonomy(kind=\"tag\") }}"),
            ),
        ],
    );
    error_for(
        "pagination_by_zero",
        &[(
            "content/notes/_index.md",
            Some(&page("title = \"Notes\"\npaginate_by = 0", "All notes.")),
        )],
    );
    error_for(
        "pagination_path_with_a_slash",
        &[(
            "content/notes/_index.md",
            Some(&page(
                "title = \"Notes\"\npaginate_by = 2\npaginate_path = \"a/b\"",
                "All notes.",
            )),
        )],
    );
}

/// The basic fixture's site.toml with `more` added at its end.
fn config_with(more: &str) -> String {
    let config = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic/site.toml"),
    )
    .unwrap();
    format!("{config}\n{more}")
}

#[test]
fn language_errors() {
    let french = config_with("[languages.fr]\ntitle = \"Base\"\n");
    error_for(
        "language_unknown_in_a_file_name",
        &[
            ("site.toml", Some(&french)),
            (
                "content/notes/first.fe.md",
                Some(&page("title = \"Premier\"", "Corps")),
            ),
        ],
    );
    error_for(
        "language_default_declared_twice",
        &[(
            "site.toml",
            Some(&config_with("[languages.en]\ntitle = \"Basic\"\n")),
        )],
    );
    error_for(
        "language_code_malformed",
        &[("site.toml", Some(&config_with("[languages.French]\n")))],
    );
    error_for(
        "language_trans_unknown_key",
        &[
            (
                "site.toml",
                Some(&config_with("[translations]\nwelcome = \"Welcome\"\n")),
            ),
            (
                "templates/index.html",
                Some("<p>{{ trans(key=\"welcom\") }}</p>\n"),
            ),
        ],
    );
    let tagged = page(
        "title = \"Étiqueté\"\n[taxonomies]\ntags = [\"codage\"]",
        "Corps",
    );
    let config = with_taxonomies("[{ name = \"tags\", render = false }]");
    error_for(
        "language_taxonomy_not_declared",
        &[
            ("site.toml", Some(&format!("{config}\n[languages.fr]\n"))),
            ("content/notes/tagged.fr.md", Some(&tagged)),
        ],
    );
}

#[test]
fn template_errors() {
    error_for(
        "template_missing",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"\ntemplate = \"nots.html\"", "")),
        )],
    );
    error_for(
        "template_default_missing",
        &[("templates/section.html", None)],
    );
    error_for(
        "template_syntax",
        &[(
            "templates/section.html",
            Some(
                "{% extends \"base.html\" %}\n{% block main %}\n{% for p in section.pages %}\n{% endblock main %}\n",
            ),
        )],
    );
    error_for(
        "template_unknown_filter",
        &[(
            "templates/section.html",
            Some(
                "{% extends \"base.html\" %}\n{% block main %}{{ section.title | shout }}{% endblock main %}\n",
            ),
        )],
    );
    error_for(
        "template_render_error",
        &[(
            "templates/note.html",
            Some(
                "{% extends \"base.html\" %}\n{% block main %}\n<h1>{{ page.titel }}</h1>\n{% endblock main %}\n",
            ),
        )],
    );
    error_for(
        "template_missing_parent",
        &[(
            "templates/section.html",
            Some("{% extends \"layout.html\" %}\n{% block main %}{% endblock main %}\n"),
        )],
    );
}

#[test]
fn link_and_citation_errors() {
    error_for(
        "link_broken",
        &[(
            "content/notes/x.md",
            Some(&page("title = \"X\"", "See [it](@/notes/frist.md).")),
        )],
    );
    error_for(
        "link_broken_anchor",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "See [pay](@/notes/first.md#pay-and-outlok).",
            )),
        )],
    );
    error_for(
        "citation_unknown",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "A fact [@bls-2024].\n\nTwo [@uc; @nobody].",
            )),
        )],
    );
    error_for(
        "citation_without_sources_file",
        &[("content/data/sources.toml", None)],
    );
}

#[test]
fn teaching_markdown_errors() {
    error_for(
        "math_bad_latex",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "Prices stay text: $80,000-$110,000.\n\nThe mean is $\\bar{x} = \\frax{1}{n}$.",
            )),
        )],
    );
    error_for(
        "glossary_term_unknown",
        &[
            (
                "content/data/glossary.toml",
                Some("[[terms]]\nid = \"rhia\"\nterm = \"RHIA\"\ndefinition = \"A credential.\"\n"),
            ),
            (
                "site.toml",
                Some(
                    "title = \"Basic\"\nbase_url = \"https://example.org\"\n\n[glossary]\ndata = \"glossary\"\npage = \"@/_index.md\"\n",
                ),
            ),
            (
                "content/notes/x.md",
                Some(&page("title = \"X\"", "Start with the [[RHAI]].")),
            ),
        ],
    );
    error_for(
        "shortcode_unknown",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "Intro.\n\n{{ figur(src=\"a.png\", alt=\"A\") }}",
            )),
        )],
    );
    error_for(
        "shortcode_bad_argument",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "{{ figure(src=\"a.png\", alt=\"A\", width=\"wide\") }}\n\n{{ figure(src=\"a.png\", capton=\"x\") }}\n\n{{ video(title=\"T\", youtube=abc) }}",
            )),
        )],
    );
    error_for(
        "shortcode_quote_inside_a_string",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "{{ figure(src=\"a.png\", alt='The nurse's chart') }}\n\n{{ figure(src=\"a.png\", alt='It\\'s late') }}\n",
            )),
        )],
    );
    error_for(
        "shortcode_unclosed_body",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "{% details(summary=\"More\") %}\nNever closed.\n",
            )),
        )],
    );
    error_for(
        "shortcode_template_fails",
        &[
            (
                "templates/shortcodes/pay.html",
                Some("<b>{{ amount | money }}</b>\n"),
            ),
            (
                "content/notes/x.md",
                Some(&page("title = \"X\"", "Pay: {{ pay(amount=\"lots\") }}.")),
            ),
        ],
    );
    error_for(
        "control_character_in_body",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"",
                "Text with a \u{0} NUL and an \u{1b}[31m escape.",
            )),
        )],
    );
    error_for(
        "glossary_page_missing",
        &[
            (
                "content/data/glossary.toml",
                Some("[[terms]]\nid = \"rhia\"\nterm = \"RHIA\"\ndefinition = \"A credential.\"\n"),
            ),
            (
                "site.toml",
                Some(
                    "title = \"Basic\"\nbase_url = \"https://example.org\"\n\n[glossary]\ndata = \"glossary\"\npage = \"@/glosary.md\"\n",
                ),
            ),
        ],
    );
}

#[test]
fn file_and_folder_errors() {
    let site = Site::fixture("basic");
    site.write(
        "content/notes/latin1.md",
        b"+++\ntitle = \"caf\xe9\"\n+++\n",
    );
    insta::assert_snapshot!("not_utf8_bytes", site.build_err());
    let site = Site::fixture("basic");
    site.remove("content");
    insta::assert_snapshot!("content_missing", site.build_err());
    std::fs::create_dir(site.root.join("content")).unwrap();
    insta::assert_snapshot!("content_empty", site.build_err());
}

/// A quiz file for the basic fixture, with `from` replaced by `to`.
fn quiz(from: &str, to: &str) -> String {
    let text = "[check]\nobjectives = { pay = \"Read a BLS pay figure\" }\n\n[[check.questions]]\nid = \"pay-1\"\nkind = \"single\"\nprompt = \"Which is the 2023 median?\"\noptions = [\"$110,680\", \"$58,250\"]\nanswer = \"$110,680\"\nexplanation = \"The BLS gives $110,680 for May 2023.\"\nsources = [\"bls-2023\"]\nobjective = \"pay\"\n\n[[check.questions]]\nid = \"pay-2\"\nkind = \"true-false\"\nprompt = \"The figure is for 2023.\"\nanswer = true\nexplanation = \"It is for May 2023.\"\nobjective = \"pay\"\n";
    assert!(text.contains(from), "{from}");
    text.replacen(from, to, 1)
}

#[test]
fn quiz_errors() {
    let quizzes = "content/data/quizzes.toml";
    error_for(
        "quiz_answer_not_among_options",
        &[(
            quizzes,
            Some(&quiz("answer = \"$110,680\"", "answer = \"$110,860\"")),
        )],
    );
    error_for(
        "quiz_duplicate_id",
        &[(quizzes, Some(&quiz("id = \"pay-2\"", "id = \"pay-1\"")))],
    );
    error_for(
        "quiz_unknown_objective",
        &[(
            quizzes,
            Some(&quiz("objective = \"pay\"\n\n", "objective = \"pays\"\n\n")),
        )],
    );
    error_for(
        "quiz_unknown_kind",
        &[(
            quizzes,
            Some(&quiz("kind = \"true-false\"", "kind = \"yes-no\"")),
        )],
    );
    error_for(
        "quiz_unknown_in_a_page",
        &[
            (quizzes, Some(&quiz("", ""))),
            (
                "content/notes/x.md",
                Some(&page("title = \"X\"", "Try it:\n\n{{ quiz(id=\"chek\") }}")),
            ),
        ],
    );
}

#[test]
fn prerequisite_errors() {
    error_for(
        "prerequisite_missing",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"\nprerequisites = [\"@/notes/frist.md\"]",
                "Body",
            )),
        )],
    );
    error_for(
        "prerequisite_not_a_link",
        &[(
            "content/notes/x.md",
            Some(&page(
                "title = \"X\"\nprerequisites = [\"notes/first.md\"]",
                "Body",
            )),
        )],
    );
    error_for(
        "prerequisite_circle",
        &[
            (
                "content/notes/x.md",
                Some(&page(
                    "title = \"X\"\nprerequisites = [\"@/notes/y.md\"]",
                    "Body",
                )),
            ),
            (
                "content/notes/y.md",
                Some(&page(
                    "title = \"Y\"\nprerequisites = [\"@/notes/x.md\"]",
                    "Body",
                )),
            ),
        ],
    );
}
