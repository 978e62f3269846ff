//! Languages, Zola's way. site.toml names the default language (`language`) and the others
//! (`[languages.fr]`). A content file's language is the code before `.md` in its name
//! (`about.fr.md`, `_index.fr.md`, `guide/index.fr.md`); a file without one is in the default
//! language. A page in another language has its URL under the code (`/fr/about/`), and files
//! whose names differ only in the code are translations of each other.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::config::Config;

/// The site's languages: the default first.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Languages {
    codes: Vec<Arc<str>>,
    /// The site title on each language's home page, where the site has no `_index.fr.md`.
    titles: Vec<String>,
}

impl Default for Languages {
    fn default() -> Languages {
        Languages {
            codes: vec![Arc::from("en")],
            titles: vec![String::new()],
        }
    }
}

impl Languages {
    pub(crate) fn of(config: &Config) -> Languages {
        let mut codes = vec![Arc::from(config.language.as_str())];
        let mut titles = vec![config.title.clone()];
        for (code, language) in &config.languages {
            codes.push(Arc::from(code.as_str()));
            titles.push(
                language
                    .title
                    .clone()
                    .unwrap_or_else(|| config.title.clone()),
            );
        }
        Languages { codes, titles }
    }

    /// The default language's code.
    pub(crate) fn default_code(&self) -> &Arc<str> {
        &self.codes[0]
    }

    /// Whether the site has languages besides the default.
    pub(crate) fn many(&self) -> bool {
        self.codes.len() > 1
    }

    /// The languages besides the default, each with its home page's title.
    pub(crate) fn others(&self) -> impl Iterator<Item = (&Arc<str>, &str)> {
        self.codes
            .iter()
            .zip(&self.titles)
            .skip(1)
            .map(|(c, t)| (c, t.as_str()))
    }

    /// What a URL path in `lang` starts with: `/fr` for French, nothing for the default.
    pub(crate) fn prefix(&self, lang: &str) -> String {
        prefix(&self.codes[0], lang)
    }

    /// A content file's language and its name without the code (`blog/x.fr.md` is French,
    /// `blog/x.md`), or why the code in its name is no language of the site.
    pub(crate) fn read<'a>(&self, rel: &'a str) -> Result<(Arc<str>, Cow<'a, str>), Unknown> {
        let default = (Arc::clone(&self.codes[0]), Cow::Borrowed(rel));
        if !self.many() {
            return Ok(default);
        }
        let Some(code) = code_in(rel) else {
            return Ok(default);
        };
        match self.codes.iter().find(|c| ***c == *code) {
            Some(lang) => Ok((Arc::clone(lang), Cow::Owned(without_code(rel, code)))),
            None if looks_like_code(code) => Err(Unknown {
                code: code.to_string(),
                close: crate::error::did_you_mean(code, self.codes.iter().map(|c| &**c))
                    .map(str::to_string),
                known: self.codes.iter().map(|c| c.to_string()).collect(),
            }),
            // `v1.2.md`: a dot in a name, not a language.
            None => Ok(default),
        }
    }
}

/// What a URL path in `lang` starts with, in a site whose default language is `default`.
pub(crate) fn prefix(default: &str, lang: &str) -> String {
    match lang == default {
        true => String::new(),
        false => format!("/{lang}"),
    }
}

/// A language code in a file name that site.toml does not declare.
#[derive(Debug)]
pub(crate) struct Unknown {
    pub(crate) code: String,
    pub(crate) close: Option<String>,
    pub(crate) known: Vec<String>,
}

/// The name the translations of a file share: `blog/x.fr.md` in French is `blog/x.md`.
pub(crate) fn canonical<'a>(rel: &'a str, lang: &str) -> Cow<'a, str> {
    match code_in(rel) == Some(lang) {
        true => Cow::Owned(without_code(rel, lang)),
        false => Cow::Borrowed(rel),
    }
}

/// The code before `.md` in a content file's name, if its name has one: `x.fr.md` -> `fr`.
fn code_in(rel: &str) -> Option<&str> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let stem = name.strip_suffix(".md")?;
    let (before, code) = stem.rsplit_once('.')?;
    (!before.is_empty()).then_some(code)
}

fn without_code(rel: &str, code: &str) -> String {
    let cut = rel.len() - ".md".len() - code.len() - 1;
    format!("{}.md", &rel[..cut])
}

/// Whether `code` has the shape of a language tag: `fr`, `pt-BR`, `zh-Hans`.
pub(crate) fn looks_like_code(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or("");
    let primary_ok =
        (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    primary_ok
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Template strings by language, for `trans(key=..., lang=...)`.
#[derive(Debug, Default)]
pub(crate) struct Strings {
    default: String,
    by_lang: BTreeMap<String, BTreeMap<String, String>>,
}

impl Strings {
    pub(crate) fn of(config: &Config) -> Strings {
        let mut by_lang = BTreeMap::new();
        by_lang.insert(config.language.clone(), config.translations.clone());
        for (code, language) in &config.languages {
            by_lang.insert(code.clone(), language.translations.clone());
        }
        Strings {
            default: config.language.clone(),
            by_lang,
        }
    }

    pub(crate) fn default_lang(&self) -> &str {
        &self.default
    }

    /// A language asked for by a template, as a URL prefix needs it: `None` for the default
    /// language or none given; an error for a language the site does not have.
    pub(crate) fn other_lang<'a>(
        &self,
        lang: Option<&'a str>,
    ) -> Result<Option<&'a str>, tera::Error> {
        match lang {
            None => Ok(None),
            Some(lang) if lang == self.default => Ok(None),
            Some(lang) if self.by_lang.contains_key(lang) => Ok(Some(lang)),
            Some(lang) => Err(tera::Error::message(format!(
                "`{lang}` is no language of this site (it has {})",
                self.known()
            ))),
        }
    }

    fn known(&self) -> String {
        self.by_lang
            .keys()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The string `key` in `lang` (the default language when `None`), or why there is none.
    pub(crate) fn get(&self, key: &str, lang: Option<&str>) -> Result<&str, String> {
        let lang = lang.unwrap_or(&self.default);
        let Some(strings) = self.by_lang.get(lang) else {
            return Err(format!(
                "trans: `{lang}` is no language of this site (it has {})",
                self.known()
            ));
        };
        strings.get(key).map(String::as_str).ok_or_else(|| {
            let table = match lang == self.default {
                true => "[translations]".to_string(),
                false => format!("[languages.{lang}.translations]"),
            };
            let hint = crate::error::did_you_mean(key, strings.keys().map(String::as_str))
                .map(|close| format!("; did you mean `{close}`?"))
                .unwrap_or_default();
            format!("trans: no string `{key}` in site.toml's {table}{hint}")
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn languages(others: &[&str]) -> Languages {
        let mut text = "title = \"T\"\nbase_url = \"https://x.org\"\n".to_string();
        for code in others {
            text.push_str(&format!("[languages.{code}]\n"));
        }
        Languages::of(&Config::parse(&text).unwrap())
    }

    #[test]
    fn a_file_names_its_language_before_md() {
        let l = languages(&["fr", "pt-BR"]);
        let read = |rel| {
            let (lang, name) = l.read(rel).unwrap();
            (lang.to_string(), name.into_owned())
        };
        assert_eq!(read("blog/x.fr.md"), ("fr".into(), "blog/x.md".into()));
        assert_eq!(
            read("_index.pt-BR.md"),
            ("pt-BR".into(), "_index.md".into())
        );
        assert_eq!(read("a/index.fr.md"), ("fr".into(), "a/index.md".into()));
        assert_eq!(read("blog/x.md"), ("en".into(), "blog/x.md".into()));
        assert_eq!(read("blog/x.en.md"), ("en".into(), "blog/x.md".into()));
        // A dot that is no language code is part of the name.
        assert_eq!(read("v1.2.md"), ("en".into(), "v1.2.md".into()));
        assert_eq!(read(".fr.md"), ("en".into(), ".fr.md".into()));
    }

    #[test]
    fn an_undeclared_code_is_refused_with_a_suggestion() {
        let l = languages(&["fr"]);
        let unknown = l.read("blog/x.fe.md").unwrap_err();
        assert_eq!(unknown.code, "fe");
        assert_eq!(unknown.close.as_deref(), Some("fr"));
        // Without other languages, names are not read for codes at all, as in Zola.
        let (lang, name) = languages(&[]).read("x.fr.md").unwrap();
        assert_eq!((&*lang, &*name), ("en", "x.fr.md"));
    }

    #[test]
    fn translations_share_a_name() {
        assert_eq!(canonical("blog/x.fr.md", "fr"), "blog/x.md");
        assert_eq!(canonical("blog/x.md", "en"), "blog/x.md");
        assert_eq!(canonical("blog/x.de.md", "fr"), "blog/x.de.md");
        let l = languages(&["fr"]);
        assert_eq!(l.prefix("fr"), "/fr");
        assert_eq!(l.prefix("en"), "");
    }

    #[test]
    fn codes_have_the_shape_of_language_tags() {
        for good in ["fr", "fil", "pt-BR", "zh-Hans", "es-419"] {
            assert!(looks_like_code(good), "{good}");
        }
        for bad in ["", "f", "FR", "french", "2", "fr-", "fr_CA"] {
            assert!(!looks_like_code(bad), "{bad}");
        }
    }

    #[test]
    fn strings_come_from_the_language_asked_for() {
        let text = "title = \"T\"\nbase_url = \"https://x.org\"\n[translations]\nmore = \"Read more\"\n[languages.fr.translations]\nmore = \"Lire la suite\"\n";
        let strings = Strings::of(&Config::parse(text).unwrap());
        assert_eq!(strings.get("more", None), Ok("Read more"));
        assert_eq!(strings.get("more", Some("fr")), Ok("Lire la suite"));
        let missing = strings.get("mroe", Some("fr")).unwrap_err();
        assert!(missing.contains("[languages.fr.translations]"), "{missing}");
        assert!(missing.contains("did you mean `more`"), "{missing}");
        assert!(strings.get("more", Some("de")).is_err());
    }
}
