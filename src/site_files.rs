//! The files every site gets besides its pages: sitemap.xml, robots.txt, atom.xml, 404.html and
//! a redirect page for each alias. All are deterministic: no build time leaks in.

use crate::config::Config;
use crate::markdown::html_escape;
use crate::site::{Doc, DocId, Site};
use crate::views::Urls;

/// Every file besides pages and assets, by output path: sitemap, robots.txt, feed, 404 page
/// (the theme's `not_found`, or a plain one) and a redirect for each alias.
pub(crate) fn all(
    site: &Site,
    config: &Config,
    urls: &Urls,
    (not_found, listed): (Option<String>, &[String]),
) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![sitemap_file(site, urls, listed)];
    files.extend(all_but_sitemap(site, config, urls, not_found));
    files
}

/// sitemap.xml, which depends only on each doc's URL and dates, and the paths of the pages
/// docent makes beyond them (`listed`: taxonomy pages, later pages of paginated lists).
pub(crate) fn sitemap_file(site: &Site, urls: &Urls, listed: &[String]) -> (String, Vec<u8>) {
    let xml = crate::render::scrub(sitemap(site, urls, listed));
    ("sitemap.xml".to_string(), xml.into_bytes())
}

/// Every file of [`all`] but the sitemap.
pub(crate) fn all_but_sitemap(
    site: &Site,
    config: &Config,
    urls: &Urls,
    not_found: Option<String>,
) -> Vec<(String, Vec<u8>)> {
    let not_found = not_found.unwrap_or_else(|| default_404(config, urls));
    let mut files = vec![
        ("robots.txt".to_string(), robots(urls)),
        ("404.html".to_string(), not_found),
    ];
    files.extend(atoms(site, config, urls));
    for (_, doc) in site.docs().filter(|(_, doc)| !doc.aliases.is_empty()) {
        let to = redirect(&urls.path(&doc.path));
        files.extend(doc.aliases.iter().map(|alias| (alias.clone(), to.clone())));
    }
    files
        .into_iter()
        .map(|(file, text)| (file, crate::render::scrub(text).into_bytes()))
        .collect()
}

/// The files [`all`] writes besides aliases: no page or asset may take their place.
pub(crate) const RESERVED: [&str; 4] = ["sitemap.xml", "robots.txt", "atom.xml", "404.html"];

/// One URL of the sitemap: its path, its date, and the doc it is of, if any, for its
/// translations.
type SitemapEntry<'a> = (&'a str, Option<&'a String>, Option<DocId>);

/// sitemap.xml: every page, each with its translations as `hreflang` alternates.
pub(crate) fn sitemap(site: &Site, urls: &Urls, listed: &[String]) -> String {
    let mut metas: Vec<SitemapEntry> = site
        .docs()
        .filter(|(_, doc)| doc.rendered())
        .map(|(id, doc)| {
            (
                &*doc.path,
                doc.updated.as_ref().or(doc.date.as_ref()),
                Some(id),
            )
        })
        .chain(listed.iter().map(|path| (path.as_str(), None, None)))
        .collect();
    metas.sort_by(|a, b| a.0.cmp(b.0));
    let translated = site.ids().any(|id| !site.translations(id).is_empty());
    let xhtml = match translated {
        true => " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"",
        false => "",
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"{xhtml}>\n",
    );
    for (path, date, id) in metas {
        xml.push_str("  <url>\n    <loc>");
        xml.push_str(&html_escape(&urls.permalink(path)));
        xml.push_str("</loc>\n");
        if let Some(date) = date {
            xml.push_str(&format!(
                "    <lastmod>{}</lastmod>\n",
                html_escape(&date[..10])
            ));
        }
        let translations = id.map_or(&[][..], |id| site.translations(id));
        for &t in translations.iter().filter(|&&t| site[t].rendered()) {
            xml.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                html_escape(&site[t].lang),
                html_escape(&urls.permalink(&site[t].path))
            ));
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

pub(crate) fn robots(urls: &Urls) -> String {
    format!(
        "User-agent: *\nAllow: /\nSitemap: {}\n",
        urls.permalink("/sitemap.xml")
    )
}

/// A checked date or datetime as Atom writes it: RFC 3339 with an offset. A date is midnight
/// UTC, and a datetime without an offset is taken as UTC.
fn rfc3339(date: &str) -> String {
    match crate::publish::instant(date) {
        Some(at) => at.to_string(),
        None => format!("{}T00:00:00Z", date.get(..10).unwrap_or(date)),
    }
}

/// An Atom feed of the dated pages of each language, newest first: `atom.xml` for the default
/// language's, `fr/atom.xml` for French, unless `[languages.fr]` turns it off.
pub(crate) fn atoms(site: &Site, config: &Config, urls: &Urls) -> Vec<(String, String)> {
    feeds(config)
        .map(|(lang, title, home)| {
            let path = format!("{home}atom.xml");
            let pages: Vec<&Doc> = site
                .pages()
                .filter(|(_, doc, _)| *doc.lang == *lang)
                .map(|(_, doc, _)| doc)
                .collect();
            let feed = Feed {
                title,
                lang,
                path: &path,
                home: &home,
            };
            let xml = atom_of(pages, &feed, config, urls);
            (path.trim_start_matches('/').to_string(), xml)
        })
        .collect()
}

/// The feed files docent writes, which no page or asset may take the place of.
pub(crate) fn feed_files(config: &Config) -> Vec<String> {
    let files = feeds(config).map(|(_, _, home)| format!("{home}atom.xml"));
    files
        .map(|path| path.trim_start_matches('/').to_string())
        .collect()
}

/// Each language that has a feed: its code, its title, and the path of its home page.
fn feeds(config: &Config) -> impl Iterator<Item = (&str, &str, String)> {
    let others = config.languages.iter().filter(|(_, l)| l.feed);
    let others = others.map(|(code, l)| (code.as_str(), l.title.as_deref()));
    let all = std::iter::once((config.language.as_str(), None)).chain(others);
    all.map(|(lang, title)| {
        let home = format!("{}/", crate::lang::prefix(&config.language, lang));
        (lang, title.unwrap_or(&config.title), home)
    })
}

/// What an Atom feed is called and where it and the pages it follows live.
pub(crate) struct Feed<'a> {
    pub(crate) title: &'a str,
    /// The language of its pages.
    pub(crate) lang: &'a str,
    /// The feed's own URL path, and the page it is the feed of.
    pub(crate) path: &'a str,
    pub(crate) home: &'a str,
}

/// An Atom feed of the dated ones of `pages`, newest first.
pub(crate) fn atom_of(pages: Vec<&Doc>, feed: &Feed, config: &Config, urls: &Urls) -> String {
    let mut dated: Vec<&Doc> = pages.into_iter().filter(|m| m.date.is_some()).collect();
    dated.sort_by(|a, b| b.date.cmp(&a.date).then(a.path.cmp(&b.path)));
    let stamp = rfc3339;
    let updated = dated
        .iter()
        .filter_map(|m| m.updated.as_ref().or(m.date.as_ref()))
        .max()
        .map_or("1970-01-01T00:00:00Z".to_string(), |d| stamp(d));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{}</title>\n  <link rel=\"self\" href=\"{}\"/>\n  <link href=\"{}\"/>\n  <id>{}</id>\n  <updated>{updated}</updated>\n",
        html_escape(feed.lang),
        html_escape(feed.title),
        html_escape(&urls.permalink(feed.path)),
        html_escape(&urls.permalink(feed.home)),
        html_escape(&urls.permalink(feed.home)),
    );
    if let Some(author) = &config.author {
        xml.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            html_escape(author)
        ));
    }
    for meta in dated.into_iter().take(50) {
        let link = html_escape(&urls.permalink(&meta.path));
        let date = meta.date.as_deref().map(stamp).unwrap_or_default();
        let updated = meta
            .updated
            .as_deref()
            .map(stamp)
            .unwrap_or_else(|| date.clone());
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{link}\"/>\n    <id>{link}</id>\n    <published>{date}</published>\n    <updated>{updated}</updated>\n",
            html_escape(&meta.title)
        ));
        if let Some(description) = &meta.description {
            xml.push_str(&format!(
                "    <summary>{}</summary>\n",
                html_escape(description)
            ));
        }
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Used when the theme has no 404.html.
pub(crate) fn default_404(config: &Config, urls: &Urls) -> String {
    format!(
        "<!doctype html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Page not found – {}</title></head>\n<body><main><h1>Page not found</h1><p><a href=\"{}\">Go to the home page</a></p></main></body>\n</html>\n",
        html_escape(&config.language),
        html_escape(&config.title),
        html_escape(&urls.path("/"))
    )
}

/// A page that sends visitors of an old URL to the new one.
pub(crate) fn redirect(to: &str) -> String {
    let to = html_escape(to);
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Redirecting…</title><link rel=\"canonical\" href=\"{to}\"><meta name=\"robots\" content=\"noindex\"><meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\n<body><p>This page has moved to <a href=\"{to}\">{to}</a>.</p></body>\n</html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_times_are_rfc_3339_with_an_offset() {
        assert_eq!(rfc3339("2024-05-01"), "2024-05-01T00:00:00Z");
        assert_eq!(rfc3339("2024-05-01T10:30:00"), "2024-05-01T10:30:00Z");
        assert_eq!(rfc3339("2024-05-01 10:30:00"), "2024-05-01T10:30:00Z");
        assert_eq!(rfc3339("2024-05-01T10:30:00+02:00"), "2024-05-01T08:30:00Z");
    }
}
