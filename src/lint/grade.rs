//! Reading grade: the Flesch–Kincaid grade level of a page's prose,
//!
//! ```text
//! grade = 0.39 × (words / sentences) + 11.8 × (syllables / words) − 15.59
//! ```
//!
//! the US school grade whose readers would follow the text. Only prose counts: paragraphs,
//! list items, quotes and definitions, not headings, tables or code. A sentence ends at `.`,
//! `!` or `?` before a space (not after `e.g.`, `i.e.` and the like), and at the end of a
//! paragraph or list item. Syllables are counted as groups of vowels, less a silent final `e`;
//! a number is one word of one syllable. Like every readability formula it measures only
//! sentence and word length, so it is a prompt to look, not a verdict.

/// Words, sentences and syllables of some prose.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Counts {
    pub(crate) words: usize,
    pub(crate) sentences: usize,
    pub(crate) syllables: usize,
}

impl Counts {
    /// The counts of one block of prose: a paragraph or list item ends its last sentence.
    pub(crate) fn of(block: &str) -> Counts {
        let mut counts = Counts::default();
        let mut open = false;
        for token in block.split_whitespace() {
            let word = token.trim_matches(|c: char| !c.is_alphanumeric());
            // `[@key]` cites a source: nobody reads it as a word, but it may end a sentence.
            if !word.is_empty() && !token.contains('@') {
                counts.words += 1;
                counts.syllables += syllables(word);
                open = true;
            }
            if open && ends_sentence(token) {
                counts.sentences += 1;
                open = false;
            }
        }
        counts.sentences += usize::from(open);
        counts
    }

    pub(crate) fn add(&mut self, other: Counts) {
        self.words += other.words;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
    }

    /// The Flesch–Kincaid grade, or `None` for text with no words.
    pub(crate) fn grade(&self) -> Option<f64> {
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let (w, s, y) = (
            self.words as f64,
            self.sentences as f64,
            self.syllables as f64,
        );
        Some(0.39 * (w / s) + 11.8 * (y / w) - 15.59)
    }
}

/// Abbreviations whose full stop ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g.", "i.e.", "etc.", "vs.", "cf.", "dr.", "mr.", "mrs.", "ms.",
];

/// Whether a whitespace-separated token closes its sentence.
fn ends_sentence(token: &str) -> bool {
    let core = token.trim_end_matches(['"', '\'', ')', ']', '’', '”', '*', '_']);
    if !core.ends_with(['.', '!', '?']) {
        return false;
    }
    let lower = core
        .trim_start_matches(['(', '"', '\'', '‘', '“'])
        .to_lowercase();
    // `U.S.`: single letters with stops are initials.
    let initials = lower.len() >= 4
        && lower
            .split('.')
            .filter(|p| !p.is_empty())
            .all(|p| p.chars().count() == 1);
    !(ABBREVIATIONS.contains(&lower.as_str()) || initials)
}

/// The syllables of a word: its groups of vowels, less a silent final `e`; at least one.
pub(crate) fn syllables(word: &str) -> usize {
    let letters: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.is_empty() {
        return 1;
    }
    let vowel = |i: usize| {
        let c = letters[i];
        matches!(c, 'a' | 'e' | 'i' | 'o' | 'u') || (c == 'y' && i > 0)
    };
    let mut groups = 0;
    for i in 0..letters.len() {
        if vowel(i) && (i == 0 || !vowel(i - 1)) {
            groups += 1;
        }
    }
    let n = letters.len();
    let silent_e = n > 2 && letters[n - 1] == 'e' && !vowel(n - 2) && letters[n - 2] != 'l';
    if silent_e && groups > 1 {
        groups -= 1;
    }
    groups.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_are_vowel_groups_less_a_silent_e() {
        let counted: Vec<_> = [
            "cat",
            "table",
            "make",
            "informatics",
            "data",
            "the",
            "RHIA",
            "2024",
        ]
        .iter()
        .map(|w| syllables(w))
        .collect();
        assert_eq!(counted, [1, 2, 1, 4, 2, 1, 1, 1]);
    }

    #[test]
    fn sentences_end_at_stops_and_at_the_end_of_a_block() {
        let c = Counts::of(
            "The cat sat on the mat [@a]. It was, e.g., warm in the U.S. today! A list item",
        );
        assert_eq!(c.sentences, 3);
        assert_eq!(c.words, 17);
    }

    #[test]
    fn the_grade_is_flesch_kincaid() {
        // 6 words, 6 syllables, 1 sentence: 0.39 × 6 + 11.8 × 1 − 15.59.
        let g = Counts::of("The cat sat on the mat.").grade().unwrap();
        assert!((g - -1.45).abs() < 1e-9, "{g}");
        let hard = Counts::of(
            "Interoperability considerations necessitate comprehensive organizational coordination.",
        );
        assert!(hard.grade().unwrap() > 20.0);
        assert_eq!(Counts::default().grade(), None);
    }
}
