//! Footnotes gathered at the end of a body, as GitHub and Zola's `bottom_footnotes` write them:
//! each reference a number in order of first use, linked to `#fn-NAME` and back from it, and the
//! notes in one `<section class="footnotes">` list, in that order. A note nobody refers to is
//! left out. The ids are Zola's, so links into a moved site keep working.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::{Anchors, html_escape};

/// A note being read or read: its name and the events of its body.
type Note<'a> = (CowStr<'a>, Vec<Event<'a>>);

/// `events` with every footnote reference numbered and every definition moved to the end; the
/// ids it writes are added to `anchors`.
pub(super) fn to_bottom<'a>(events: Vec<Event<'a>>, anchors: &mut Anchors) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    // Notes can hold notes: the innermost open one is last.
    let mut open: Vec<Note<'a>> = Vec::new();
    let mut notes: Vec<Note<'a>> = Vec::new();
    // Each name referred to, in order of first use, with how many times.
    let mut used: Vec<(CowStr<'a>, usize)> = Vec::new();
    for event in events {
        let event = match event {
            Event::Start(Tag::FootnoteDefinition(name)) => {
                open.push((name, Vec::new()));
                continue;
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                notes.extend(open.pop());
                continue;
            }
            Event::FootnoteReference(name) => reference(name, &mut used, anchors),
            other => other,
        };
        match open.last_mut() {
            Some((_, body)) => body.push(event),
            None => out.push(event),
        }
    }
    // A note left open (never, from the parser) is still written.
    notes.extend(open.into_iter().rev());
    write_notes(&mut out, notes, &used, anchors);
    out
}

/// The HTML of one reference to `name`: its number, and an id of its own to come back to.
fn reference<'a>(
    name: CowStr<'a>,
    used: &mut Vec<(CowStr<'a>, usize)>,
    anchors: &mut Anchors,
) -> Event<'a> {
    let number = match used.iter().position(|(n, _)| *n == name) {
        Some(i) => i,
        None => {
            used.push((name.clone(), 0));
            used.len() - 1
        }
    };
    used[number].1 += 1;
    let id = html_escape(&name);
    let back = format!("fr-{id}-{}", used[number].1);
    anchors.insert(back.clone());
    Event::Html(
        format!(
            "<sup class=\"footnote-reference\" id=\"{back}\"><a href=\"#fn-{id}\">{}</a></sup>",
            number + 1
        )
        .into(),
    )
}

/// The list of notes that were referred to, in the order of their numbers, each with a link
/// back to every reference: inside its last paragraph, or after its body when that ends in
/// something else (a list, a table).
fn write_notes<'a>(
    out: &mut Vec<Event<'a>>,
    mut notes: Vec<Note<'a>>,
    used: &[(CowStr<'a>, usize)],
    anchors: &mut Anchors,
) {
    let number = |name: &CowStr| used.iter().position(|(n, _)| n == name);
    notes.retain(|(name, _)| number(name).is_some());
    if notes.is_empty() {
        return;
    }
    // The first note of a name wins, as its references point at one id.
    notes.sort_by_key(|(name, _)| number(name));
    notes.dedup_by(|a, b| a.0 == b.0);
    out.push(Event::Html(
        "<section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n".into(),
    ));
    for (name, mut body) in notes {
        let id = html_escape(&name);
        anchors.insert(format!("fn-{id}"));
        let count = used[number(&name).unwrap_or_default()].1;
        let mut backs = String::new();
        for k in 1..=count {
            let label = if k == 1 { String::new() } else { k.to_string() };
            backs.push_str(&format!(" <a href=\"#fr-{id}-{k}\">↩{label}</a>"));
        }
        out.push(Event::Html(format!("<li id=\"fn-{id}\">").into()));
        let in_paragraph = matches!(body.last(), Some(Event::End(TagEnd::Paragraph)));
        let last = in_paragraph.then(|| body.pop()).flatten();
        out.extend(body);
        out.push(Event::Html(backs.into()));
        out.extend(last);
        out.push(Event::Html("</li>\n".into()));
    }
    out.push(Event::Html("</ol>\n</section>\n".into()));
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulldown_cmark::{Options, Parser, html};

    fn bottom(markdown: &str) -> (String, Vec<String>) {
        let events = Parser::new_ext(markdown, Options::ENABLE_FOOTNOTES).collect();
        let mut anchors = Anchors::default();
        let mut out = String::new();
        html::push_html(&mut out, to_bottom(events, &mut anchors).into_iter());
        anchors.close();
        (out, anchors.iter().map(str::to_string).collect())
    }

    #[test]
    fn notes_are_numbered_by_first_use_and_gathered_at_the_end() {
        let (html, anchors) = bottom(
            "[^b]: Bee.\n\nOne[^a], two[^b], one again[^a].\n\n[^a]: Ay.\n\n[^unused]: No.\n",
        );
        assert_eq!(
            html,
            "<p>One<sup class=\"footnote-reference\" id=\"fr-a-1\"><a href=\"#fn-a\">1</a></sup>, \
             two<sup class=\"footnote-reference\" id=\"fr-b-1\"><a href=\"#fn-b\">2</a></sup>, \
             one again<sup class=\"footnote-reference\" id=\"fr-a-2\"><a href=\"#fn-a\">1</a></sup>.</p>\n\
             <section class=\"footnotes\">\n<ol class=\"footnotes-list\">\n\
             <li id=\"fn-a\">\n<p>Ay. <a href=\"#fr-a-1\">↩</a> <a href=\"#fr-a-2\">↩2</a></p>\n</li>\n\
             <li id=\"fn-b\">\n<p>Bee. <a href=\"#fr-b-1\">↩</a></p>\n</li>\n\
             </ol>\n</section>\n"
        );
        let mut anchors = anchors;
        anchors.sort();
        assert_eq!(anchors, ["fn-a", "fn-b", "fr-a-1", "fr-a-2", "fr-b-1"]);
    }

    #[test]
    fn a_note_ending_in_a_list_gets_its_links_after_it() {
        let (html, _) = bottom("See[^n].\n\n[^n]: Items:\n\n    - one\n    - two\n");
        assert!(
            html.contains("</ul>\n <a href=\"#fr-n-1\">↩</a></li>"),
            "{html}"
        );
    }

    #[test]
    fn a_body_without_references_gets_no_list() {
        let (html, anchors) = bottom("Plain.\n\n[^x]: Never used.\n");
        assert_eq!(html, "<p>Plain.</p>\n");
        assert!(anchors.is_empty());
    }
}
