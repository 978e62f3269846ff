//! The ids an `#anchor` may point at in one body: headings, footnotes and the ids shortcodes
//! write.

use std::collections::HashSet;

/// A set while its body is rendered, then a sorted list ([`Anchors::close`]): a build holds
/// every page's anchors until the link checks are done, and a list of a few ids is a third
/// of the size of a hash set of them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Anchors {
    Open(HashSet<String>),
    Sorted(Box<[Box<str>]>),
}

impl Default for Anchors {
    fn default() -> Anchors {
        Anchors::Open(HashSet::new())
    }
}

impl Anchors {
    /// Adds `id`; false when it was there already.
    pub(crate) fn insert(&mut self, id: String) -> bool {
        self.open().insert(id)
    }

    pub(crate) fn contains(&self, id: &str) -> bool {
        match self {
            Anchors::Open(set) => set.contains(id),
            Anchors::Sorted(list) => list.binary_search_by(|a| (**a).cmp(id)).is_ok(),
        }
    }

    /// Every id, in no set order while open.
    pub(crate) fn iter(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Anchors::Open(set) => Box::new(set.iter().map(String::as_str)),
            Anchors::Sorted(list) => Box::new(list.iter().map(|a| &**a)),
        }
    }

    /// The ids as a sorted list, which takes no more room than they need.
    pub(crate) fn close(&mut self) {
        if let Anchors::Open(set) = self {
            let mut list: Vec<Box<str>> = set.drain().map(String::into_boxed_str).collect();
            list.sort_unstable();
            *self = Anchors::Sorted(list.into_boxed_slice());
        }
    }

    fn open(&mut self) -> &mut HashSet<String> {
        if let Anchors::Sorted(list) = self {
            let set = list.iter().map(|a| a.to_string()).collect();
            *self = Anchors::Open(set);
        }
        match self {
            Anchors::Open(set) => set,
            Anchors::Sorted(_) => unreachable!("opened above"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_list_answers_as_the_set_did_and_opens_again_for_more() {
        let mut anchors = Anchors::default();
        for id in ["pay", "outlook", "fn-1", "a"] {
            assert!(anchors.insert(id.to_string()));
        }
        assert!(!anchors.insert("pay".to_string()));
        anchors.close();
        assert!(matches!(anchors, Anchors::Sorted(_)));
        let ids: Vec<&str> = anchors.iter().collect();
        assert_eq!(ids, ["a", "fn-1", "outlook", "pay"]);
        assert!(anchors.contains("outlook") && anchors.contains("a"));
        assert!(!anchors.contains("pa") && !anchors.contains("zz"));
        assert!(anchors.insert("b".to_string()));
        assert!(anchors.contains("b") && anchors.contains("pay"));
    }
}
