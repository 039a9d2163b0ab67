//! HTML → main text and metadata.
//!
//! Key decision: the article text comes from `rs-trafilatura` (chosen by measurement on the
//! article-extraction benchmark, see `eval::extraction`), run on a copy of the page that our
//! own linear pre-pass ([`prune`]) has stripped of scripts, styles and SVG and whose nesting
//! it has capped and whose attributes it has cut to those read, so the library parses less and
//! cannot recurse deeply. Metadata is read by our own tag scanner ([`meta`]), which also keeps
//! JSON-LD publisher names the library drops.
//!
//! After the library: a near-empty result is replaced by the page's long blocks
//! ([`baseline`]); then words found only in named furniture are removed ([`furniture`]),
//! paragraphs made mostly of link text and their labels are dropped ([`links`]), and short
//! edges are trimmed.

mod baseline;
mod furniture;
mod links;
mod meta;
mod prune;
mod scan;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::Limits;

/// The role of a paragraph of extracted text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParagraphKind {
    /// A heading inside the article.
    Heading,
    /// Running text (also list items, block quotes).
    Text,
    /// A figure caption.
    Caption,
}

/// One paragraph of a page's main text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Its role.
    pub kind: ParagraphKind,
    /// Its text, white space collapsed, no markup.
    pub text: String,
}

/// What [`extract`] finds in a page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtractedPage {
    /// The article's title.
    pub title: Option<String>,
    /// The byline (authors).
    pub byline: Option<String>,
    /// Publication date, ISO 8601 where the page has it.
    pub published: Option<String>,
    /// `<link rel=canonical>` or `og:url`.
    pub canonical_url: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// JSON-LD `publisher.name`.
    pub publisher: Option<String>,
    /// `<html lang>` or `og:locale`, as given.
    pub language: Option<String>,
    /// The main text, in order.
    pub paragraphs: Vec<Paragraph>,
}

impl ExtractedPage {
    /// The main text: paragraphs joined by blank lines.
    pub fn main_text(&self) -> String {
        let parts: Vec<&str> = self.paragraphs.iter().map(|p| p.text.as_str()).collect();
        parts.join("\n\n")
    }
}

/// Largest page read, in bytes; the rest is cut (at a character boundary).
pub const MAX_HTML_BYTES: usize = 8 * 1024 * 1024;

/// Extracts the main text and metadata of an HTML page. Never fails: a page with no
/// recognisable article gives an empty `paragraphs`.
pub fn extract(html: &str) -> ExtractedPage {
    let html = truncate(html, MAX_HTML_BYTES);
    let m = meta::scan(html);
    let pruned = prune::prune(html);
    let options = rs_trafilatura::Options {
        // The classifier costs a third of the time and the input is news: take it as such.
        page_type: Some(rs_trafilatura::page_type::PageType::Article),
        ..rs_trafilatura::Options::default()
    };
    // A library panic on a hostile page must cost that page only.
    let result =
        std::panic::catch_unwind(|| rs_trafilatura::extract_with_options(&pruned, &options))
            .ok()
            .and_then(Result::ok);
    let (mut paragraphs, lib_meta) = match result {
        Some(r) => (
            paragraphs(&r.content_text, r.content_html.as_deref()),
            Some(r.metadata),
        ),
        None => (Vec::new(), None),
    };
    fallback(&pruned, &mut paragraphs);
    if !paragraphs.is_empty() {
        furniture::Furniture::of(&pruned).filter(&mut paragraphs);
        drop_link_lines(&links::LinkText::of(&pruned), &mut paragraphs);
        trim_edges(&mut paragraphs);
    }
    let lib = lib_meta.unwrap_or_default();
    let nonempty = |s: Option<String>| s.map(|s| scan::collapse_ws(&s)).filter(|s| !s.is_empty());
    let byline = if m.ld_authors.is_empty() {
        m.meta_author
            .clone()
            .or_else(|| nonempty(lib.author.clone()))
    } else {
        Some(m.ld_authors.join(", "))
    };
    ExtractedPage {
        title: m
            .og_title
            .clone()
            .or_else(|| m.ld_headline.clone())
            .or_else(|| nonempty(lib.title.clone()))
            .or_else(|| m.title_tag.clone()),
        byline,
        published: m
            .meta_date
            .clone()
            .or_else(|| m.ld_date.clone())
            .or_else(|| lib.date.map(|d| d.to_rfc3339())),
        canonical_url: m.canonical.clone().or_else(|| m.og_url.clone()),
        site_name: m.site_name.clone(),
        publisher: m.ld_publisher.clone(),
        language: m.lang.clone().or_else(|| m.og_locale.clone()),
        paragraphs,
    }
}

/// Below this many characters of main text, the extractor is taken to have missed the
/// article and [`baseline::blocks`] is tried. Measured on both sets: 0 → 300 → 600 → 1000
/// gives snippet F1 0.9084, 0.9106, 0.9113, 0.9102 and leaves the article benchmark at
/// 0.9641; 2000 lowers it to 0.957.
const FALLBACK_BELOW: usize = 600;

/// Replaces a near-empty extraction by the page's long blocks when these hold at least twice
/// as much text.
fn fallback(pruned: &str, paragraphs: &mut Vec<Paragraph>) {
    let chars = |ps: &[Paragraph]| ps.iter().map(|p| p.text.chars().count()).sum::<usize>();
    let have = chars(paragraphs);
    if have >= FALLBACK_BELOW {
        return;
    }
    let mut total = 0usize;
    let blocks: Vec<Paragraph> = baseline::blocks(pruned)
        .into_iter()
        .map(|text| Paragraph {
            kind: ParagraphKind::Text,
            text,
        })
        .take_while(|p| {
            total += p.text.len() + 2;
            total <= crate::MAX_TEXT_BYTES
        })
        .collect();
    if chars(&blocks) > 2 * have {
        *paragraphs = blocks;
    }
}

/// A paragraph whose words are at least this share link text is a teaser or a "read also"
/// line, not running text. Measured on both sets (article benchmark F1 / snippet F1): none
/// 0.9585 / 0.8986; 0.3: 0.9617 / 0.9033; 0.5: 0.9636 / 0.9068; 0.7: 0.9635 / 0.9028 (0.3
/// and 0.7 before anchors without `href` stopped counting as links).
const MAX_LINK_SHARE: f64 = 0.5;

/// A paragraph shorter than this (in characters) right before a dropped link line is that
/// list's label ("Read also", "More on this:"). 25 and 40 give the same F1 on both sets
/// (0.9640 / 0.9080 against 0.9636 / 0.9068 without); 60 starts to take text.
const MAX_LABEL_CHARS: usize = 30;

/// Drops the paragraphs made mostly of link text (see [`MAX_LINK_SHARE`]) and their labels,
/// keeping at least one paragraph.
fn drop_link_lines(links: &links::LinkText, paragraphs: &mut Vec<Paragraph>) {
    let mut keep: Vec<bool> = paragraphs
        .iter()
        .map(|p| links.share(&p.text) < MAX_LINK_SHARE)
        .collect();
    // The label of a list of links ("Read also", "More on this") goes with it.
    let labels: Vec<bool> = paragraphs
        .iter()
        .zip(keep.iter().skip(1))
        .map(|(p, next_kept)| !next_kept && p.text.chars().count() < MAX_LABEL_CHARS)
        .collect();
    for (k, label) in keep.iter_mut().zip(labels) {
        *k &= !label;
    }
    if keep.iter().any(|&k| k) {
        let mut it = keep.iter();
        paragraphs.retain(|_| it.next().copied().unwrap_or(true));
    }
}

/// A leading paragraph shorter than this (in characters) is page furniture: a date line,
/// a section name, a breadcrumb.
const MIN_LEADING_CHARS: usize = 20;

/// A trailing paragraph shorter than this is page furniture: "Tags:", a source line, a
/// "read more" heading, a share prompt.
const MIN_TRAILING_CHARS: usize = 50;

/// Drops short paragraphs at the start, then short ones and headings at the end, keeping at
/// least one. Measured on both benchmarks (eval/reports/extraction.md): on trafilatura's 500
/// pages it drops 45 of 218 kept boilerplate snippets for 9 of 1,361 kept text snippets, and
/// it raises the article benchmark's F1; the thresholds sit on a plateau (±5 characters moves
/// either F1 by less than 0.002).
fn trim_edges(paragraphs: &mut Vec<Paragraph>) {
    let short = |p: &Paragraph, min: usize| p.text.chars().count() < min;
    let lead = paragraphs
        .iter()
        .take(paragraphs.len().saturating_sub(1))
        .take_while(|p| short(p, MIN_LEADING_CHARS))
        .count();
    paragraphs.drain(..lead);
    while paragraphs.len() > 1
        && paragraphs
            .last()
            .is_some_and(|p| p.kind == ParagraphKind::Heading || short(p, MIN_TRAILING_CHARS))
    {
        paragraphs.pop();
    }
}

/// Extracts every HTML page of `paths` (files, folders walked for `.html`, `.htm`, `.xhtml`
/// and their `.gz`, or `-` for stdin) in order, calling `each` with the page's name and its
/// extraction, or why it could not be read. A file named on its own is read as HTML whatever
/// its extension. Only one page is in memory at a time.
pub fn extract_paths(
    paths: &[PathBuf],
    limits: &Limits,
    mut each: impl FnMut(&str, Result<ExtractedPage, String>),
) {
    for p in paths {
        if p.is_dir() {
            let mut files = Vec::new();
            let mut diags = Vec::new();
            crate::walk(p, limits, &mut files, &mut diags);
            for d in diags
                .iter()
                .filter(|d| !matches!(d.severity, model::Severity::Info))
            {
                each(&d.source, Err(d.message.clone()));
            }
            for f in files.iter().filter(|f| is_html_name(f)) {
                each(&f.display().to_string(), read_page(f, limits));
            }
        } else {
            each(&p.display().to_string(), read_page(p, limits));
        }
    }
}

fn is_html_name(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_lowercase();
    let name = lower.trim_end_matches(".gz");
    [".html", ".htm", ".xhtml"]
        .iter()
        .any(|e| name.ends_with(e))
}

/// Reads one page (`-` is stdin; `.gz` is gunzipped), capped as `limits` say, and extracts it.
fn read_page(path: &Path, limits: &Limits) -> Result<ExtractedPage, String> {
    let name = path.display().to_string();
    let bytes = if name == "-" {
        crate::read_capped(std::io::stdin().lock(), limits.max_input_bytes, &name)?
    } else {
        let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
        crate::read_capped(file, limits.max_input_bytes, &name)?
    };
    let bytes = if name.to_lowercase().ends_with(".gz") {
        crate::gunzip(&bytes, limits.max_decompressed_bytes)?
    } else {
        bytes
    };
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err("binary file (NUL bytes): not HTML".into());
    }
    Ok(extract(&String::from_utf8_lossy(&bytes)))
}

/// `s` cut to at most `max` bytes at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Splits the library's text into paragraphs (one per line) and gives each the role its
/// element had in the library's HTML: `h1`–`h6` are headings, `figcaption` captions.
fn paragraphs(text: &str, html: Option<&str>) -> Vec<Paragraph> {
    let roles = html.map(roles).unwrap_or_default();
    let mut total = 0usize;
    text.lines()
        .map(scan::collapse_ws)
        // A line with no letter or digit is markup debris, not text.
        .filter(|t| t.chars().any(char::is_alphanumeric))
        .map(|t| Paragraph {
            kind: roles.get(&t).copied().unwrap_or(ParagraphKind::Text),
            text: t,
        })
        // The same bound as for plain text: paragraphs past it are left out.
        .take_while(|p| {
            total += p.text.len() + 2;
            total <= crate::MAX_TEXT_BYTES
        })
        .collect()
}

/// The texts of the heading and caption elements of an HTML fragment.
fn roles(html: &str) -> HashMap<String, ParagraphKind> {
    let mut out = HashMap::new();
    let mut open: Option<(String, ParagraphKind, usize)> = None;
    for tok in scan::Scanner::new(html) {
        match tok {
            scan::Token::Start { name, end, .. } if open.is_none() => {
                let kind = match name.as_ref() {
                    "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => ParagraphKind::Heading,
                    "figcaption" => ParagraphKind::Caption,
                    _ => continue,
                };
                open = Some((name.into_owned(), kind, end));
            }
            scan::Token::End { name, start, .. } => {
                if let Some((n, kind, from)) = &open {
                    if *n == name {
                        let inner = html.get(*from..start).unwrap_or("");
                        let text = scan::collapse_ws(&scan::decode_entities(&strip_tags(inner)));
                        if !text.is_empty() {
                            out.insert(text, *kind);
                        }
                        open = None;
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The text of an HTML fragment, tags removed (each replaced by nothing, as inline markup).
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(rest.get(..lt).unwrap_or(""));
        match rest.get(lt..).and_then(|r| r.find('>')) {
            Some(gt) => rest = rest.get(lt + gt + 1..).unwrap_or(""),
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = r##"<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Harbour tender delayed | The Harbour Post</title>
<meta property="og:site_name" content="The Harbour Post">
<meta property="og:title" content="Harbour tender delayed by three months">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2024-05-01T09:30:00+02:00">
<link rel="canonical" href="https://harbourpost.example/news/tender?id=1&amp;x=2">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
  {"@type":"NewsArticle","headline":"Harbour tender delayed","publisher":{"@id":"#org"},
   "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","name":"Max Roe"}]},
  {"@type":"NewsMediaOrganization","@id":"#org","name":"Harbour Post Media"}]}</script>
<script>var junk = "<p>not text</p>";</script>
<style>p { color: red }</style>
</head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
<article>
<h1>Harbour tender delayed by three months</h1>
<p>The harbour authority postponed the tender for the new container terminal by three months on Tuesday, citing objections from two bidders about the published criteria.</p>
<p>Officials said the revised schedule would still allow construction to start before the end of next year, although the budget will be reviewed again in the autumn.</p>
<figure><img src="a.jpg" alt=""><figcaption>The container terminal site seen from the north pier on Monday morning.</figcaption></figure>
<h2>Objections from the bidders</h2>
<p>Both bidders argued that the weighting of environmental criteria had been changed after the deadline, a claim the authority denies in a statement published on its website.</p>
<p>A spokesperson for the authority said the process had been fair and that the delay was meant to give every bidder time to respond to the clarified criteria in full.</p>
</article>
<footer><p>Copyright 2024 The Harbour Post. All rights reserved.</p></footer>
</body></html>"##;

    #[test]
    fn reads_metadata() {
        let p = extract(ARTICLE);
        assert_eq!(p.site_name.as_deref(), Some("The Harbour Post"));
        assert_eq!(p.publisher.as_deref(), Some("Harbour Post Media"));
        assert_eq!(
            p.canonical_url.as_deref(),
            Some("https://harbourpost.example/news/tender?id=1&x=2")
        );
        assert_eq!(p.language.as_deref(), Some("en-GB"));
        assert_eq!(
            p.title.as_deref(),
            Some("Harbour tender delayed by three months")
        );
        assert_eq!(p.byline.as_deref(), Some("Jane Doe, Max Roe"));
        assert_eq!(p.published.as_deref(), Some("2024-05-01T09:30:00+02:00"));
    }

    #[test]
    fn article_text_with_heading_and_caption() {
        let p = extract(ARTICLE);
        let text = p.main_text();
        assert!(text.contains("postponed the tender"), "{text}");
        assert!(text.contains("process had been fair"), "{text}");
        assert!(
            !text.contains("not text") && !text.contains("color: red"),
            "{text}"
        );
        assert!(!text.contains("All rights reserved"), "{text}");
        assert!(
            p.paragraphs.iter().any(
                |q| q.kind == ParagraphKind::Heading && q.text == "Objections from the bidders"
            ),
            "{:?}",
            p.paragraphs
        );
        // Captions may be left out; when kept they are marked as such.
        for q in &p.paragraphs {
            if q.text.contains("north pier") {
                assert_eq!(q.kind, ParagraphKind::Caption, "{q:?}");
            }
        }
    }

    #[test]
    fn json_ld_publisher_forms() {
        let page = |ld: &str| {
            format!(
                r#"<html><head><script type="application/ld+json">{ld}</script></head><body></body></html>"#
            )
        };
        let cases = [
            (
                r#"{"@type":"NewsArticle","publisher":{"@type":"Organization","name":"Plain Org"}}"#,
                "Plain Org",
            ),
            (
                r#"[{"@type":"WebSite"},{"@type":"Article","publisher":[{"name":"First"},{"name":"Second"}]}]"#,
                "First",
            ),
            (
                r#"{"@graph":[{"@type":"Article","publisher":"String Pub"}]}"#,
                "String Pub",
            ),
            (
                r#"{"@graph":[{"@type":"Article","publisher":{"@id":"x"}},{"@id":"x","name":"By Ref"}]}"#,
                "By Ref",
            ),
        ];
        for (ld, want) in cases {
            assert_eq!(extract(&page(ld)).publisher.as_deref(), Some(want), "{ld}");
        }
        // Broken JSON-LD is ignored.
        assert_eq!(extract(&page("{not json")).publisher, None);
    }

    #[test]
    fn title_and_language_fallbacks() {
        let p = extract(
            r#"<html xml:lang="de"><head><title> Nur &amp; Titel </title><meta property="og:url" content="https://a.example/x"></head><body></body></html>"#,
        );
        assert_eq!(p.title.as_deref(), Some("Nur & Titel"));
        assert_eq!(p.language.as_deref(), Some("de"));
        assert_eq!(p.canonical_url.as_deref(), Some("https://a.example/x"));
        let p = extract(r#"<html><head><meta property="og:locale" content="fr_FR"></head></html>"#);
        assert_eq!(p.language.as_deref(), Some("fr_FR"));
    }

    #[test]
    fn garbage_and_empty_input() {
        for s in [
            "",
            "   ",
            "<",
            "<<<>>>",
            "<html><body></body></html>",
            "\u{0}\u{1}binary\u{FFFD}",
            "<script>unterminated",
            "<!-- open comment",
            "<a href='x",
            "plain text without any markup at all",
        ] {
            let p = extract(s);
            assert!(p.paragraphs.iter().all(|q| !q.text.is_empty()), "{s:?}");
        }
        for s in [
            "",
            "   ",
            "<",
            "<<<>>>",
            "<html><body></body></html>",
            "<!-- x",
        ] {
            assert!(extract(s).paragraphs.is_empty(), "{s:?}");
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Run on a small stack, as test threads and worker threads have.
        let n = 100_000;
        let html = format!(
            "<html><body>{}<p>deep text</p>{}{}</body></html>",
            "<div>".repeat(n),
            "</div>".repeat(n),
            "<span><b>".repeat(n)
        );
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || extract(&html).paragraphs.len());
        let joined = handle.map(|h| h.join());
        assert!(
            matches!(joined, Ok(Ok(_))),
            "extract failed on deep nesting"
        );
    }

    #[test]
    fn short_edges_are_trimmed() {
        let para = |kind, text: &str| Paragraph {
            kind,
            text: text.to_string(),
        };
        let long = "A paragraph long enough to be running text of the article itself.";
        let mut ps = vec![
            para(ParagraphKind::Text, "Home"),
            para(ParagraphKind::Text, long),
            para(ParagraphKind::Text, "Short middle line"),
            para(ParagraphKind::Text, long),
            para(
                ParagraphKind::Heading,
                "A heading of more than fifty characters at the very end",
            ),
            para(ParagraphKind::Text, "Tags:"),
        ];
        trim_edges(&mut ps);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, [long, "Short middle line", long]);
        // One paragraph is always kept.
        let mut one = vec![
            para(ParagraphKind::Text, "Tiny"),
            para(ParagraphKind::Text, "x"),
        ];
        trim_edges(&mut one);
        assert_eq!(one.len(), 1);
        let mut none: Vec<Paragraph> = Vec::new();
        trim_edges(&mut none);
        assert!(none.is_empty());
    }

    #[test]
    fn read_also_lines_and_their_label_are_dropped() {
        let html = r#"<article><p>The council met on Tuesday and agreed the plan for the harbour after a long debate.</p>
            <p>More on this</p>
            <p><b>Read also:</b> <a href="/x">Ferry timetable changes again for the winter season</a></p>
            <p>It said <a href="/y">the report</a> would follow in the spring of next year, once the survey is done.</p></article>"#;
        let mut ps: Vec<Paragraph> = [
            "The council met on Tuesday and agreed the plan for the harbour after a long debate.",
            "More on this",
            "Read also: Ferry timetable changes again for the winter season",
            "It said the report would follow in the spring of next year, once the survey is done.",
        ]
        .iter()
        .map(|t| Paragraph {
            kind: ParagraphKind::Text,
            text: t.to_string(),
        })
        .collect();
        drop_link_lines(&links::LinkText::of(html), &mut ps);
        let texts: Vec<&str> = ps.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts
            .iter()
            .all(|t| !t.contains("Ferry") && *t != "More on this"));
    }

    #[test]
    fn near_empty_extraction_falls_back_to_long_blocks() {
        let long = "The harbour authority postponed the tender for the new container terminal by three months.";
        let html = format!("<body><div><p>{long}</p><p>{long} Again.</p></div></body>");
        let mut ps = vec![Paragraph {
            kind: ParagraphKind::Text,
            text: "Log in".into(),
        }];
        fallback(&html, &mut ps);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps.first().map(|p| p.text.as_str()), Some(long));
        // A long enough extraction is kept as it is.
        let mut ps = vec![Paragraph {
            kind: ParagraphKind::Text,
            text: long.repeat(8),
        }];
        fallback(&html, &mut ps);
        assert_eq!(ps.len(), 1);
    }

    #[test]
    fn truncation_keeps_char_boundaries() {
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
