//! docent's template filters: `markdown`, `money`, `date`, `json` and `slugify`.

use tera::{Error, Kwargs, State, TeraResult, Value};

use crate::markdown;

/// Renders a Markdown string. `inline=true` drops the wrapping `<p>` of a one-paragraph text.
/// This is the filter a template has before it is bound to a site, which cannot resolve `@/`
/// links or glossary terms; the bound one (`render::Renderer::bind`) does.
pub(crate) fn markdown(text: &str, kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    markdown_with(text, kwargs, &|rendered| {
        if rendered.href_targets.is_empty() && rendered.terms.is_empty() {
            Ok(rendered.html)
        } else {
            Err(Error::message(
                "`@/` links and `[[terms]]` need the site, which this template is not rendered with",
            ))
        }
    })
}

/// The `markdown` filter, with `resolve` making the rendered HTML's `@/` links and glossary
/// terms the site's.
pub(crate) fn markdown_with(
    text: &str,
    kwargs: Kwargs,
    resolve: &dyn Fn(markdown::Rendered) -> TeraResult<String>,
) -> TeraResult<Value> {
    let rendered = markdown::render(text);
    // What would stop a page body (bad LaTeX, a split glossary link) stops the template too.
    let error = |p: &&markdown::Problem| p.severity == crate::report::Severity::Error;
    if let Some(p) = rendered.problems.iter().find(error) {
        let near = text.get(p.span.clone()).unwrap_or_default();
        let help = p
            .help
            .as_deref()
            .map(|h| format!("; {h}"))
            .unwrap_or_default();
        return Err(Error::message(format!(
            "markdown: {} at `{near}`{help}",
            p.message
        )));
    }
    let mut html = resolve(rendered)?;
    if kwargs.get::<bool>("inline")?.unwrap_or(false) {
        let trimmed = html.trim_end();
        if let Some(inner) = trimmed
            .strip_prefix("<p>")
            .and_then(|t| t.strip_suffix("</p>"))
        {
            if !inner.contains("<p>") {
                html = inner.to_string();
            }
        }
    }
    Ok(Value::safe_string(&html))
}

/// Formats a number as money with thousands separators: `110680 | money` is `$110,680`.
/// `currency` sets the symbol; `decimals` the fraction digits (0 by default).
pub(crate) fn money(value: &Value, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let amount = value
        .as_f64()
        .ok_or_else(|| Error::message(format!("money expects a number, got {}", value.name())))?;
    let currency: String = kwargs.get("currency")?.unwrap_or_else(|| "$".to_string());
    let decimals = kwargs.get::<u64>("decimals")?.unwrap_or(0).min(4) as usize;
    let text = format!("{:.*}", decimals, amount.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    Ok(match fraction {
        Some(f) => format!("{sign}{currency}{grouped}.{f}"),
        None => format!("{sign}{currency}{grouped}"),
    })
}

/// Formats an ISO date (`2024-05-01`, or a datetime) with a strftime `format`,
/// `%-d %B %Y` by default: `1 May 2024`.
pub(crate) fn date(value: &str, kwargs: Kwargs, _: &State) -> TeraResult<String> {
    let format: String = kwargs
        .get("format")?
        .unwrap_or_else(|| "%-d %B %Y".to_string());
    let day = value.get(..10).unwrap_or(value);
    let parsed: jiff::civil::Date = day.parse().map_err(|e| {
        Error::message(format!(
            "date expects an ISO date like 2024-05-01, got \"{value}\": {e}"
        ))
    })?;
    jiff::fmt::strtime::format(format.as_str(), parsed)
        .map_err(|e| Error::message(format!("bad date format \"{format}\": {e}")))
}

/// Serializes any value as JSON, for JSON-LD and scripts. Marked safe: use it inside
/// `<script type="application/ld+json">`, where `</` is escaped so it cannot close the tag.
pub(crate) fn json(value: &Value, _: Kwargs, _: &State) -> TeraResult<Value> {
    let text = serde_json::to_string(value)
        .map_err(|e| Error::message(format!("cannot write JSON: {e}")))?;
    Ok(Value::safe_string(&text.replace("</", "<\\/")))
}

pub(crate) fn slugify(value: &str, _: Kwargs, _: &State) -> String {
    crate::slug::slugify(value)
}

#[cfg(test)]
mod tests {
    fn render(template: &str) -> String {
        let mut tera = tera::Tera::default();
        crate::templates::register_filters(&mut tera);
        tera.add_raw_template("t.html", template).unwrap();
        tera.render("t.html", &tera::Context::new()).unwrap()
    }

    #[test]
    fn what_stops_a_page_body_stops_the_filter() {
        let mut tera = tera::Tera::default();
        crate::templates::register_filters(&mut tera);
        tera.add_raw_template("t.html", "{{ \"$\\\\frax{1}{2}$\" | markdown }}")
            .unwrap();
        let err = tera.render("t.html", &tera::Context::new()).unwrap_err();
        let text = format!("{err:?}");
        assert!(text.contains("frax"), "{text}");
    }

    #[test]
    fn money_groups_thousands() {
        assert_eq!(render("{{ 110680 | money }}"), "$110,680");
        assert_eq!(render("{{ 999 | money }}"), "$999");
        assert_eq!(
            render("{{ 1234.5 | money(decimals=2, currency=\"€\") }}"),
            "€1,234.50"
        );
    }

    #[test]
    fn date_formats_iso_dates() {
        assert_eq!(render("{{ \"2025-07-10\" | date }}"), "10 July 2025");
        assert_eq!(
            render("{{ \"2014-01-29T16:16:00Z\" | date(format=\"%Y\") }}"),
            "2014"
        );
    }

    #[test]
    fn markdown_renders_and_inlines() {
        assert_eq!(
            render("{{ \"**b**\" | markdown }}"),
            "<p><strong>b</strong></p>\n"
        );
        assert_eq!(
            render("{{ \"**b**\" | markdown(inline=true) }}"),
            "<strong>b</strong>"
        );
    }

    #[test]
    fn json_is_script_safe() {
        assert_eq!(render("{{ \"</script>\" | json }}"), "\"<\\/script>\"");
    }
}
