//! A section's learning path as an SVG drawn at build time: its pages top to bottom in
//! reading order, numbered, with each prerequisite an arrow in the left margin from the page
//! to read first. One column keeps it legible on a phone; the colours are the theme's CSS
//! variables, so it follows light and dark mode. It is an image with a text alternative that
//! lists the order; the page's own list of links stays the way to navigate.

use std::fmt::Write as _;

use crate::markdown::html_escape as esc;

/// Layout, in SVG units.
const WIDTH: usize = 360;
const BOX_X: usize = 84;
const LINE: usize = 18;
const PAD: usize = 12;
const GAP: usize = 14;
/// Characters per line of a title in its box.
const WRAP: usize = 30;

/// One step of the path: its title, and the earlier steps (by index) it needs.
pub(crate) struct Step<'a> {
    pub(crate) title: &'a str,
    pub(crate) needs: Vec<usize>,
}

/// The diagram of `steps`, in reading order; `label` names the section for the alternative.
pub(crate) fn draw(steps: &[Step<'_>], label: &str) -> String {
    let lines: Vec<Vec<String>> = steps.iter().map(|s| wrap(s.title, WRAP)).collect();
    let heights: Vec<usize> = lines.iter().map(|l| l.len() * LINE + 2 * PAD).collect();
    let mut tops = Vec::with_capacity(steps.len());
    let mut y = GAP;
    for h in &heights {
        tops.push(y);
        y += h + GAP;
    }
    let middle = |i: usize| tops[i] + heights[i] / 2;
    let order: Vec<String> = steps
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{}. {}", i + 1, s.title))
        .collect();
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<svg class=\"path-diagram\" viewBox=\"0 0 {WIDTH} {y}\" width=\"{WIDTH}\" height=\"{y}\" role=\"img\" aria-labelledby=\"path-title\">\
         <title id=\"path-title\">{}</title>\
         <defs><marker id=\"path-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" class=\"path-head\"/></marker></defs>",
        esc(&format!(
            "Reading order for {label}: {}. Arrows run from each page to the pages that build on it.",
            order.join("; ")
        ))
    );
    write_edges(&mut out, steps, &middle);
    for (i, text) in lines.iter().enumerate() {
        let top = tops[i];
        let _ = write!(
            out,
            "<g class=\"path-step\"><rect x=\"{BOX_X}\" y=\"{top}\" width=\"{}\" height=\"{}\" rx=\"8\"/>\
             <text class=\"path-number\" x=\"{}\" y=\"{}\">{}</text>",
            WIDTH - BOX_X - 4,
            heights[i],
            BOX_X + 14,
            top + PAD + LINE - 4,
            i + 1
        );
        for (n, line) in text.iter().enumerate() {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\">{}</text>",
                BOX_X + 38,
                top + PAD + LINE * (n + 1) - 4,
                esc(line)
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

/// One arrow in the left margin for each prerequisite, from the step it needs to the step.
fn write_edges(out: &mut String, steps: &[Step<'_>], middle: &dyn Fn(usize) -> usize) {
    for (j, step) in steps.iter().enumerate() {
        for &i in &step.needs {
            // Longer jumps bulge further left, so arrows that span several steps stay apart.
            let bulge = 14 + 10 * (j - i).min(6);
            let x = BOX_X - 2;
            let (y1, y2) = (middle(i), middle(j));
            let _ = write!(
                out,
                "<path class=\"path-edge\" d=\"M{x} {y1}C{c} {y1} {c} {y2} {x} {y2}\" marker-end=\"url(#path-arrow)\"/>",
                c = x.saturating_sub(bulge)
            );
        }
    }
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_wrap_at_spaces() {
        assert_eq!(
            wrap("What is health information management?", 30),
            ["What is health information", "management?"]
        );
        assert_eq!(wrap("", 30), [""]);
    }

    #[test]
    fn each_step_is_a_numbered_box_and_each_prerequisite_an_arrow() {
        let steps = [
            Step {
                title: "Start",
                needs: vec![],
            },
            Step {
                title: "Middle & more",
                needs: vec![0],
            },
            Step {
                title: "End",
                needs: vec![0, 1],
            },
        ];
        let svg = draw(&steps, "Guide");
        assert_eq!(svg.matches("<rect ").count(), 3);
        assert_eq!(svg.matches("class=\"path-edge\"").count(), 3);
        assert!(svg.contains("Middle &amp; more"), "{svg}");
        assert!(
            svg.contains("<title id=\"path-title\">Reading order for Guide: 1. Start; 2. Middle &amp; more; 3. End."),
            "{svg}"
        );
    }
}
