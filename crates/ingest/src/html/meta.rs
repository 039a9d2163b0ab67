//! Page metadata from `<html lang>`, `<title>`, `<meta>`, `<link rel=canonical>` and JSON-LD,
//! read with the tag scanner (no tree).

use serde_json::Value;

use super::scan::{attr, collapse_ws, decode_entities, Scanner, Token};

/// Largest JSON-LD block parsed; bigger ones are skipped (they are page state, not metadata).
const MAX_JSON_LD: usize = 1024 * 1024;
/// Most JSON-LD nodes visited per page.
const MAX_JSON_NODES: usize = 10_000;

/// What the scan finds; first found wins within each source.
#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub(crate) lang: Option<String>,
    pub(crate) title_tag: Option<String>,
    pub(crate) og_title: Option<String>,
    pub(crate) og_url: Option<String>,
    pub(crate) og_locale: Option<String>,
    pub(crate) site_name: Option<String>,
    pub(crate) canonical: Option<String>,
    pub(crate) meta_author: Option<String>,
    pub(crate) meta_date: Option<String>,
    pub(crate) ld_headline: Option<String>,
    pub(crate) ld_date: Option<String>,
    pub(crate) ld_authors: Vec<String>,
    pub(crate) ld_publisher: Option<String>,
}

fn set(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        let v = collapse_ws(value);
        if !v.is_empty() {
            *slot = Some(v);
        }
    }
}

/// Meta names (or properties) that carry the publication date, best first.
const DATE_KEYS: &[&str] = &[
    "article:published_time",
    "datepublished",
    "og:published_time",
    "parsely-pub-date",
    "sailthru.date",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.created",
    "article.published",
];

/// Scans the page for metadata.
pub(crate) fn scan(html: &str) -> Meta {
    let mut m = Meta::default();
    let mut date_rank = usize::MAX;
    let mut in_svg = 0usize;
    let mut in_title = false;
    let mut in_ld = false;
    for tok in Scanner::new(html) {
        match tok {
            Token::Start { name, attrs, .. } => match name.as_ref() {
                "html" => {
                    if let Some(l) = attr(attrs, "lang").or_else(|| attr(attrs, "xml:lang")) {
                        set(&mut m.lang, &l);
                    }
                }
                "svg" => in_svg += 1,
                "title" => in_title = in_svg == 0,
                "script" => {
                    in_ld = attr(attrs, "type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                }
                "link" => {
                    let canonical = attr(attrs, "rel").is_some_and(|r| {
                        r.split_ascii_whitespace()
                            .any(|w| w.eq_ignore_ascii_case("canonical"))
                    });
                    if canonical {
                        if let Some(h) = attr(attrs, "href") {
                            set(&mut m.canonical, &h);
                        }
                    }
                }
                "meta" => {
                    let key = attr(attrs, "property")
                        .or_else(|| attr(attrs, "name"))
                        .or_else(|| attr(attrs, "itemprop"));
                    let (Some(key), Some(content)) = (key, attr(attrs, "content")) else {
                        continue;
                    };
                    let key = key.trim().to_ascii_lowercase();
                    match key.as_str() {
                        "og:site_name" => set(&mut m.site_name, &content),
                        "og:title" => set(&mut m.og_title, &content),
                        "og:url" => set(&mut m.og_url, &content),
                        "og:locale" => set(&mut m.og_locale, &content),
                        "author" | "byl" | "byline" | "dc.creator" | "parsely-author"
                        | "sailthru.author" => set(&mut m.meta_author, &content),
                        // Often a profile URL rather than a name.
                        "article:author" if !content.starts_with("http") => {
                            set(&mut m.meta_author, &content)
                        }
                        k => {
                            if let Some(rank) = DATE_KEYS.iter().position(|d| *d == k) {
                                let v = collapse_ws(&content);
                                if rank < date_rank && !v.is_empty() {
                                    date_rank = rank;
                                    m.meta_date = Some(v);
                                }
                            }
                        }
                    }
                }
                _ => {}
            },
            Token::End { name, .. } => match name.as_ref() {
                "svg" => in_svg = in_svg.saturating_sub(1),
                "title" => in_title = false,
                "script" => in_ld = false,
                _ => {}
            },
            Token::Raw { text } => {
                if in_title {
                    set(&mut m.title_tag, &decode_entities(text));
                    in_title = false;
                } else if in_ld && text.len() <= MAX_JSON_LD {
                    if let Ok(v) = serde_json::from_str::<Value>(text.trim()) {
                        json_ld(&v, &mut m);
                    }
                    in_ld = false;
                }
            }
            Token::Other { .. } => {}
        }
    }
    m
}

fn str_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The name of an author or publisher value: a string, an object with `name`, or a list of
/// those (first usable).
fn names(v: &Value, by_id: &[(&str, &Value)], out: &mut Vec<String>) {
    let one = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Value::Object(o) => str_of(o.get("name")).map(str::to_string).or_else(|| {
                // A reference into `@graph`.
                let id = str_of(o.get("@id"))?;
                let target = by_id.iter().find(|(i, _)| *i == id)?.1;
                str_of(target.get("name")).map(str::to_string)
            }),
            _ => None,
        }
    };
    match v {
        Value::Array(items) => out.extend(items.iter().filter_map(one)),
        other => out.extend(one(other)),
    }
}

fn is_article_type(node: &Value) -> bool {
    let is = |t: &str| {
        t.ends_with("Article")
            || matches!(t, "BlogPosting" | "Report" | "LiveBlogPosting" | "WebPage")
    };
    match node.get("@type") {
        Some(Value::String(t)) => is(t),
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).any(is),
        _ => false,
    }
}

/// Reads headline, date, authors and publisher from a JSON-LD value: an object, a list, or
/// an `@graph`, walked without recursion.
fn json_ld(root: &Value, m: &mut Meta) {
    let mut nodes: Vec<&Value> = Vec::new();
    let mut stack = vec![root];
    while let Some(v) = stack.pop() {
        if nodes.len() >= MAX_JSON_NODES {
            break;
        }
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(o) => {
                nodes.push(v);
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                // `mainEntity` of a WebPage is often the article itself.
                if let Some(e @ Value::Object(_)) = o.get("mainEntity") {
                    stack.push(e);
                }
            }
            _ => {}
        }
    }
    let by_id: Vec<(&str, &Value)> = nodes
        .iter()
        .filter_map(|n| str_of(n.get("@id")).map(|id| (id, *n)))
        .collect();
    // Article-like nodes first, then anything that names a publisher.
    let mut ordered: Vec<&Value> = nodes
        .iter()
        .copied()
        .filter(|n| is_article_type(n))
        .collect();
    ordered.extend(nodes.iter().copied().filter(|n| !is_article_type(n)));
    for n in ordered {
        if let Some(p) = n.get("publisher") {
            if m.ld_publisher.is_none() {
                let mut found = Vec::new();
                names(p, &by_id, &mut found);
                if let Some(first) = found.into_iter().next() {
                    set(&mut m.ld_publisher, &first);
                }
            }
        }
        if !is_article_type(n) {
            continue;
        }
        if let Some(h) = str_of(n.get("headline")) {
            set(&mut m.ld_headline, &decode_entities(h));
        }
        if let Some(d) = str_of(n.get("datePublished")) {
            set(&mut m.ld_date, d);
        }
        if m.ld_authors.is_empty() {
            if let Some(a) = n.get("author") {
                let mut found = Vec::new();
                names(a, &by_id, &mut found);
                for f in found {
                    let f = collapse_ws(&decode_entities(&f));
                    if !f.is_empty() && !m.ld_authors.contains(&f) {
                        m.ld_authors.push(f);
                    }
                }
            }
        }
    }
}
