//! Ingest: files, folders, stdin, plain text, HTML and JSON Lines → [`model::Document`]s.
//!
//! What this stage owns: reading bounded input, deciding its format, extracting the article
//! from HTML ([`html`]), giving every line a role ([`layout`]), and naming the outlet.
//! Key decision: a problem with one input is a [`Diagnostic`] in the result, never an error
//! that stops the run, so one broken page cannot cost the analysis of the rest.

mod feed;
pub mod html;
pub mod layout;
pub mod stream;
mod warc;

use std::collections::HashSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use model::{Block, BlockKind, Diagnostic, Document, Outlet, OutletSource, SourceFormat};

/// Bounds on what one run reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file or stdin, in bytes, as stored (compressed for `.gz`).
    pub max_input_bytes: u64,
    /// Largest decompressed size of a `.gz` input.
    pub max_decompressed_bytes: u64,
    /// Most files taken from folders.
    pub max_files: usize,
    /// Deepest folder level walked.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_input_bytes: 16 << 20,
            max_decompressed_bytes: 32 << 20,
            max_files: 100_000,
            max_depth: 16,
        }
    }
}

/// Longest article text kept, in bytes (the longest news articles are a tenth of it); the rest
/// is cut at a line or character boundary, so that one huge input cannot cost the run more
/// than an article of this size.
pub const MAX_TEXT_BYTES: usize = 1 << 20;

/// `text` cut to [`MAX_TEXT_BYTES`], with a warning for `source` when it was cut.
fn capped_text(mut text: String, source: &str, diags: &mut Vec<Diagnostic>) -> String {
    if text.len() <= MAX_TEXT_BYTES {
        return text;
    }
    let mut end = MAX_TEXT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // Prefer the end of a line, when one is in the last quarter.
    if let Some(nl) = text.get(..end).and_then(|t| t.rfind('\n')) {
        if nl >= end / 4 * 3 {
            end = nl;
        }
    }
    text.truncate(end);
    diags.push(Diagnostic::warning(
        source,
        format!(
            "text longer than {} MiB: the rest is left out",
            MAX_TEXT_BYTES >> 20
        ),
    ));
    text
}

/// Documents and the problems met reading them.
#[derive(Clone, Debug, Default)]
pub struct Ingested {
    /// Articles, in input order (folders sorted by name).
    pub documents: Vec<Document>,
    /// Problems, one per input at most.
    pub diagnostics: Vec<Diagnostic>,
}

/// The format of an input, from its name or its first bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain text.
    Text,
    /// HTML.
    Html,
    /// JSON Lines, one article per line.
    Jsonl,
}

/// Reads every path (a file, a folder, or `-` for stdin) and returns the articles in them.
pub fn ingest_paths(paths: &[PathBuf], limits: &Limits) -> Ingested {
    let mut out = Ingested::default();
    let mut files = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            files.push(p.clone());
        } else if p.is_dir() {
            walk(p, limits, &mut files, &mut out.diagnostics);
        } else {
            files.push(p.clone());
        }
    }
    let mut ids = HashSet::new();
    for f in files {
        let name = f.display().to_string();
        let bytes = if name == "-" {
            read_capped(io::stdin().lock(), limits.max_input_bytes, &name)
        } else {
            fs::File::open(&f)
                .map_err(|e| format!("cannot open: {e}"))
                .and_then(|h| read_capped(h, limits.max_input_bytes, &name))
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(msg) => {
                out.diagnostics.push(Diagnostic::error(&name, msg));
                continue;
            }
        };
        let (docs, diags) = ingest_bytes(&f, &bytes, limits);
        out.diagnostics.extend(diags);
        for mut d in docs {
            d.id = unique_id(&d.id, &mut ids);
            out.documents.push(d);
        }
    }
    out
}

/// Ingests inputs already in memory (an upload): each is a name, whose extension decides the
/// format as for a file, and its bytes. Ids are made unique as for files.
pub fn ingest_inputs(inputs: &[(String, Vec<u8>)], limits: &Limits) -> Ingested {
    let mut out = Ingested::default();
    let mut ids = HashSet::new();
    for (name, bytes) in inputs {
        if bytes.len() as u64 > limits.max_input_bytes {
            out.diagnostics.push(Diagnostic::error(
                name,
                format!("too large: over {} bytes", limits.max_input_bytes),
            ));
            continue;
        }
        let (docs, diags) = ingest_bytes(Path::new(name), bytes, limits);
        out.diagnostics.extend(diags);
        for mut d in docs {
            d.id = unique_id(&d.id, &mut ids);
            out.documents.push(d);
        }
    }
    out
}

/// Ingests one input already in memory. `path` names it (`-` for stdin) and its extension
/// decides the format; without one, the bytes do.
pub fn ingest_bytes(
    path: &Path,
    bytes: &[u8],
    limits: &Limits,
) -> (Vec<Document>, Vec<Diagnostic>) {
    let name = path.display().to_string();
    let lower = name.to_lowercase();
    let mut diags = Vec::new();
    let owned;
    let bytes = if lower.ends_with(".gz") {
        match gunzip(bytes, limits.max_decompressed_bytes) {
            Ok(b) => {
                owned = b;
                &owned[..]
            }
            Err(msg) => return (vec![], vec![Diagnostic::error(&name, msg)]),
        }
    } else {
        bytes
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return (
            vec![],
            vec![Diagnostic::error(&name, "empty input: no text to analyse")],
        );
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return (
            vec![],
            vec![Diagnostic::error(
                &name,
                "binary file (NUL bytes): not text, HTML or JSON Lines",
            )],
        );
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            diags.push(Diagnostic::warning(
                &name,
                format!(
                    "invalid UTF-8 at byte {}: bad bytes replaced by U+FFFD",
                    e.valid_up_to()
                ),
            ));
            String::from_utf8_lossy(bytes).into_owned()
        }
    };
    let stem = file_stem(path);
    let format = format_of(&lower, &text);
    let docs = match format {
        Format::Text => {
            let text = capped_text(text, &name, &mut diags);
            vec![text_document(&stem, &name, text, SourceFormat::Text)]
        }
        Format::Html => vec![html_document(&stem, &name, &text, None)],
        Format::Jsonl => {
            let (docs, d) = jsonl_documents(&name, &text, limits);
            diags.extend(d);
            docs
        }
    };
    let mut kept = Vec::new();
    for d in docs {
        if d.body_blocks().next().is_none() {
            diags.push(Diagnostic::warning(&d.source, "no article body found"));
        }
        kept.push(d);
    }
    (kept, diags)
}

fn format_of(lower_name: &str, text: &str) -> Format {
    let name = lower_name.trim_end_matches(".gz");
    if name.ends_with(".html") || name.ends_with(".htm") || name.ends_with(".xhtml") {
        return Format::Html;
    }
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        return Format::Jsonl;
    }
    if name.ends_with(".txt") || name.ends_with(".text") || name.ends_with(".md") {
        return Format::Text;
    }
    // No telling extension (stdin, bare names): look at the content.
    let head: String = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_lowercase();
    if head.starts_with('{') {
        Format::Jsonl
    } else if head.starts_with("<!doctype html")
        || head.starts_with("<html")
        || head.contains("<body")
    {
        Format::Html
    } else {
        Format::Text
    }
}

/// True for a path a folder walk should take as an article.
fn is_article_file(path: &Path) -> bool {
    let lower = path.to_string_lossy().to_lowercase();
    let name = lower.trim_end_matches(".gz");
    [
        ".txt", ".text", ".md", ".html", ".htm", ".xhtml", ".jsonl", ".ndjson", ".warc", ".rss",
        ".atom", ".xml",
    ]
    .iter()
    .any(|e| name.ends_with(e))
}

/// Collects article files below `root`, sorted, without recursion (folders are input-shaped).
fn walk(root: &Path, limits: &Limits, files: &mut Vec<PathBuf>, diags: &mut Vec<Diagnostic>) {
    let mut stack = vec![(root.to_path_buf(), 0usize)];
    let mut found = Vec::new();
    while let Some((dir, depth)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::error(
                    dir.display().to_string(),
                    format!("cannot read folder: {e}"),
                ));
                continue;
            }
        };
        let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            let hidden = p
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with('.'));
            if hidden {
                continue;
            }
            if p.is_dir() {
                if depth + 1 > limits.max_depth {
                    diags.push(Diagnostic::warning(
                        p.display().to_string(),
                        "folder too deep: skipped",
                    ));
                } else {
                    stack.push((p, depth + 1));
                }
            } else if is_article_file(&p) {
                found.push(p);
            } else {
                diags.push(Diagnostic::info(
                    p.display().to_string(),
                    "skipped: not a text, HTML or JSON Lines file",
                ));
            }
        }
    }
    found.sort();
    if found.len() > limits.max_files {
        diags.push(Diagnostic::warning(
            root.display().to_string(),
            format!(
                "{} files found; only the first {} are read",
                found.len(),
                limits.max_files
            ),
        ));
        found.truncate(limits.max_files);
    }
    files.extend(found);
}

fn read_capped(reader: impl Read, cap: u64, name: &str) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    reader
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read {name}: {e}"))?;
    if buf.len() as u64 > cap {
        return Err(format!(
            "input larger than the {} MiB limit: skipped",
            cap >> 20
        ));
    }
    Ok(buf)
}

fn gunzip(bytes: &[u8], cap: u64) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("not valid gzip: {e}"))?;
    if buf.len() as u64 > cap {
        return Err(format!(
            "decompresses to more than the {} MiB limit: skipped",
            cap >> 20
        ));
    }
    Ok(buf)
}

fn file_stem(path: &Path) -> String {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("-");
    let mut stem = name;
    for ext in [
        ".gz", ".html", ".htm", ".xhtml", ".txt", ".text", ".md", ".jsonl", ".ndjson",
    ] {
        if let Some(s) = stem.strip_suffix(ext) {
            stem = s;
        }
    }
    if stem.is_empty() || stem == "-" {
        "stdin".to_string()
    } else {
        stem.to_string()
    }
}

fn unique_id(id: &str, seen: &mut HashSet<String>) -> String {
    let mut candidate = id.to_string();
    let mut n = 2;
    while !seen.insert(candidate.clone()) {
        candidate = format!("{id}-{n}");
        n += 1;
    }
    candidate
}

/// A plain-text article: the text as given, its lines classified.
fn text_document(id: &str, source: &str, text: String, format: SourceFormat) -> Document {
    let blocks = layout::classify(&text);
    let outlet = match layout::self_reference(&text, &blocks) {
        Some(name) => Outlet {
            name,
            source: OutletSource::SelfReference,
        },
        None => Outlet {
            name: id.to_string(),
            source: OutletSource::FileName,
        },
    };
    let title = blocks
        .iter()
        .find(|b| b.kind == BlockKind::Headline)
        .map(|b| b.span.text(&text).to_string());
    Document {
        id: id.to_string(),
        source: source.to_string(),
        format,
        outlet,
        url: None,
        published: None,
        title,
        byline: None,
        language: None,
        text,
        blocks,
    }
}

/// An HTML article: the extracted title and paragraphs become the text, one line each; the
/// extractor's roles (heading, caption) stand unless the line classifier calls the line furniture.
fn html_document(id: &str, source: &str, html_text: &str, jsonl: Option<&Record>) -> Document {
    let page = html::extract(html_text);
    let mut text = String::new();
    let mut roles: Vec<Option<BlockKind>> = Vec::new();
    let title = jsonl
        .and_then(|r| r.title.clone())
        .or_else(|| page.title.clone());
    if let Some(t) = title.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        text.push_str(&one_line(t));
        text.push_str("\n\n");
        roles.push(Some(BlockKind::Headline));
    }
    for p in &page.paragraphs {
        let line = one_line(&p.text);
        if line.is_empty() {
            continue;
        }
        text.push_str(&line);
        text.push_str("\n\n");
        roles.push(match p.kind {
            html::ParagraphKind::Heading => Some(BlockKind::Subheading),
            html::ParagraphKind::Caption => Some(BlockKind::Caption),
            html::ParagraphKind::Text => None,
        });
    }
    let mut blocks = layout::classify(&text);
    for (b, role) in blocks.iter_mut().zip(&roles) {
        match role {
            Some(BlockKind::Headline) => {
                *b = Block {
                    kind: BlockKind::Headline,
                    span: b.span,
                    reason: "page title".into(),
                }
            }
            Some(kind) if b.kind != BlockKind::Boilerplate => {
                *b = Block {
                    kind: *kind,
                    span: b.span,
                    reason: "marked up as such".into(),
                }
            }
            // The extractor kept it as text: trust that over the line classifier's layout
            // guesses, but not over its furniture cues.
            None if matches!(
                b.kind,
                BlockKind::Subheading | BlockKind::Standfirst | BlockKind::Caption
            ) =>
            {
                *b = Block {
                    kind: BlockKind::Body,
                    span: b.span,
                    reason: String::new(),
                }
            }
            _ => {}
        }
    }
    let outlet = if let Some(name) = jsonl.and_then(|r| r.outlet.clone()) {
        Outlet {
            name,
            source: OutletSource::Jsonl,
        }
    } else if let Some(name) = page.site_name.clone() {
        Outlet {
            name,
            source: OutletSource::SiteName,
        }
    } else if let Some(name) = page.publisher.clone() {
        Outlet {
            name,
            source: OutletSource::JsonLd,
        }
    } else if let Some(host) = page.canonical_url.as_deref().and_then(host_of) {
        Outlet {
            name: host,
            source: OutletSource::CanonicalHost,
        }
    } else if let Some(name) = layout::self_reference(&text, &blocks) {
        Outlet {
            name,
            source: OutletSource::SelfReference,
        }
    } else {
        Outlet {
            name: id.to_string(),
            source: OutletSource::FileName,
        }
    };
    Document {
        id: id.to_string(),
        source: source.to_string(),
        format: if jsonl.is_some() {
            SourceFormat::Jsonl
        } else {
            SourceFormat::Html
        },
        outlet,
        url: jsonl.and_then(|r| r.url.clone()).or(page.canonical_url),
        published: jsonl.and_then(|r| r.published.clone()).or(page.published),
        title,
        byline: page.byline,
        language: page.language,
        text,
        blocks,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `https://www.example.com/a/b` → `example.com`.
fn host_of(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#', ':']).next()?.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty()).then_some(host)
}

/// One JSON Lines record. Common exports name the fields otherwise; the first name found of
/// each list is taken.
#[derive(Debug, Default)]
struct Record {
    id: Option<String>,
    outlet: Option<String>,
    url: Option<String>,
    published: Option<String>,
    title: Option<String>,
    text: Option<String>,
    html: Option<String>,
}

impl Record {
    fn parse(line: &str) -> Result<Self, serde_json::Error> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(line)?;
        let field = |keys: &[&str]| {
            keys.iter().find_map(|k| match map.get(*k)? {
                serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
                serde_json::Value::Number(x) => Some(x.to_string()),
                // `"source": {"name": ...}` in news API exports.
                serde_json::Value::Object(o) => o.get("name")?.as_str().map(str::to_string),
                _ => None,
            })
        };
        Ok(Record {
            id: field(&["id", "ID", "_id"]),
            outlet: field(&["outlet", "source", "site_name", "publisher"]),
            url: field(&["url", "link"]),
            published: field(&["published", "date", "published_at", "pubDate"]),
            title: field(&["title", "headline"]),
            text: field(&["text", "content", "body", "content_original"]),
            html: field(&["html"]),
        })
    }
}

fn jsonl_documents(name: &str, text: &str, _limits: &Limits) -> (Vec<Document>, Vec<Diagnostic>) {
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match jsonl_record(name, n + 1, line, &mut diags) {
            Ok(d) => docs.push(d),
            Err(d) => diags.push(d),
        }
    }
    (docs, diags)
}

/// The article of line `n` (from 1) of a JSON Lines input, or the problem with it.
/// One JSON Lines record as a document; a warning (text cut at the cap) goes to `warnings`.
fn jsonl_record(
    name: &str,
    n: usize,
    line: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Result<Document, Diagnostic> {
    let source = format!("{name}:{n}");
    let rec = Record::parse(line)
        .map_err(|e| Diagnostic::error(&source, format!("not a JSON article record: {e}")))?;
    let id = rec
        .id
        .clone()
        .unwrap_or_else(|| format!("{}-{n}", file_stem(Path::new(name))));
    if let Some(body) = rec.text.as_deref() {
        let body = capped_text(body.to_string(), &source, warnings);
        let mut d = text_document(&id, &source, body, SourceFormat::Jsonl);
        if let Some(o) = rec.outlet.clone() {
            d.outlet = Outlet {
                name: o,
                source: OutletSource::Jsonl,
            };
        }
        d.url = rec.url.clone();
        d.published = rec.published.clone();
        if rec.title.is_some() {
            d.title = rec.title.clone();
        }
        Ok(d)
    } else if let Some(h) = rec.html.as_deref() {
        Ok(html_document(&id, &source, h, Some(&rec)))
    } else {
        Err(Diagnostic::error(
            &source,
            "record has neither \"text\" (or \"content\", \"body\") nor \"html\"",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(name: &str, bytes: &[u8]) -> (Vec<Document>, Vec<Diagnostic>) {
        ingest_bytes(Path::new(name), bytes, &Limits::default())
    }

    #[test]
    fn bad_inputs_become_diagnostics() {
        let (d, diag) = one("empty.txt", b"");
        assert!(d.is_empty() && diag[0].message.contains("empty"));
        let (d, diag) = one("bin.txt", b"abc\0def");
        assert!(d.is_empty() && diag[0].message.contains("binary"));
        let (d, diag) = one(
            "latin1.txt",
            b"Caf\xe9 owners met on Monday to discuss the new rules for the square.\n",
        );
        assert_eq!(d.len(), 1);
        assert!(diag[0].message.contains("invalid UTF-8 at byte 3"));
        let (d, diag) = one("x.html.gz", b"not gzip");
        assert!(d.is_empty() && diag[0].message.contains("gzip"));
    }

    #[test]
    fn oversized_input_is_refused() {
        let big = [b'a'; 200];
        let err = read_capped(&big[..], 100, "big.txt").unwrap_err();
        assert!(err.contains("limit"));
    }

    #[test]
    fn decompression_is_capped_on_the_decompressed_side() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all("a".repeat(1 << 20).as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        let err = gunzip(&gz, 1000).unwrap_err();
        assert!(err.contains("decompresses to more"));
    }

    #[test]
    fn jsonl_records() {
        let input = concat!(
            r#"{"id":"a1","outlet":"Harbour Post","published":"2024-05-01","title":"Tender delayed","text":"The harbour authority postponed the tender by three months on Tuesday."}"#,
            "\n",
            "not json\n",
            r#"{"id":"a2","html":"<html><body><p>x</p></body></html>"}"#,
            "\n",
            r#"{"id":"a3","title":"nothing"}"#,
            "\n"
        );
        let (docs, diags) = one("feed.jsonl", input.as_bytes());
        assert_eq!(docs[0].id, "a1");
        assert_eq!(
            docs[0].outlet,
            Outlet {
                name: "Harbour Post".into(),
                source: OutletSource::Jsonl
            }
        );
        assert_eq!(docs[0].title.as_deref(), Some("Tender delayed"));
        assert_eq!(docs[0].published.as_deref(), Some("2024-05-01"));
        assert!(diags.iter().any(|d| d.source == "feed.jsonl:2"));
        assert!(diags
            .iter()
            .any(|d| d.source == "feed.jsonl:4" && d.message.contains("neither")));
    }

    #[test]
    fn sniffs_format_without_extension() {
        assert_eq!(format_of("-", "  {\"id\":1}"), Format::Jsonl);
        assert_eq!(format_of("-", "<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(format_of("-", "Plain words."), Format::Text);
        assert_eq!(
            format_of("a.HTML.GZ".to_lowercase().as_str(), ""),
            Format::Html
        );
    }

    #[test]
    fn ids_are_unique_and_stems_clean() {
        let mut seen = HashSet::new();
        assert_eq!(unique_id("a", &mut seen), "a");
        assert_eq!(unique_id("a", &mut seen), "a-2");
        assert_eq!(file_stem(Path::new("/x/page.html.gz")), "page");
        assert_eq!(
            host_of("https://www.example.org/news/1"),
            Some("example.org".into())
        );
    }
}
