//! Hashing for docent's own maps and memo keys. foldhash is several times faster than the
//! standard library's SipHash on the short strings and paths docent keys by, and docent's maps
//! hold the site's own files, never input from the network, so SipHash's defence against
//! crafted collisions buys nothing here.

use std::hash::{BuildHasher, Hash};

/// A hash map keyed the fast way.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;

/// A hash set keyed the fast way.
pub(crate) type Set<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// A memo key: equal keys mean "made from the same inputs", so this uses foldhash's
/// full-quality variant, whose 64 bits are all well mixed.
pub(crate) fn key(value: &impl Hash) -> u64 {
    foldhash::quality::FixedState::default().hash_one(value)
}

/// A hasher for keys built up piece by piece, matching [`key`].
pub(crate) fn hasher() -> impl std::hash::Hasher + Clone {
    foldhash::quality::FixedState::default().build_hasher()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::Hasher;

    #[test]
    fn keys_tell_inputs_apart_and_agree_with_the_hasher() {
        assert_ne!(key(&"a"), key(&"b"));
        assert_ne!(key(&("ab", "c")), key(&("a", "bc")));
        assert_eq!(key(&"page"), key(&"page"));
        let mut h = hasher();
        "page".hash(&mut h);
        assert_eq!(h.finish(), key(&"page"));
    }
}
