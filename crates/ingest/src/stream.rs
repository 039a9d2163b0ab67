//! Corpus-mode ingest: many articles, streamed one at a time rather than read whole, from
//! JSON Lines (plain or gzipped), WARC and WARC.gz ([`crate::warc`]), RSS and Atom
//! ([`crate::feed`]), folders of text and HTML files, and stdin.
//!
//! Memory stays proportional to one record, not to the input: a JSON Lines file or WARC is
//! read record by record, each capped at [`StreamLimits::max_record_bytes`], and a compressed
//! input stops at [`StreamLimits::max_decompressed_bytes`] decompressed. Each item carries
//! its position ([`Item::at`]) so a caller can say which record a problem concerns.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use model::{Diagnostic, Document};

use crate::{ingest_bytes, jsonl_record, walk, Limits};

/// Bounds on a streamed ingest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StreamLimits {
    /// Largest record (a JSON line, a WARC record, a feed file, a text or HTML file).
    pub max_record_bytes: u64,
    /// Most bytes read from one compressed input, decompressed.
    pub max_decompressed_bytes: u64,
    /// Files taken from folders and folder depth, as in a story run.
    pub files: Limits,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self {
            max_record_bytes: 16 << 20,
            max_decompressed_bytes: 64 << 30,
            files: Limits::default(),
        }
    }
}

/// One thing a stream yields.
#[derive(Debug)]
pub enum Item {
    /// An article.
    Document(Box<Document>),
    /// A problem with one record or input; the stream goes on.
    Diagnostic(Diagnostic),
}

/// The input kinds a stream tells apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Jsonl,
    Warc,
    Feed,
    /// One article per file: text or HTML.
    Single,
}

fn kind_of_name(lower: &str) -> Option<Kind> {
    let name = lower.trim_end_matches(".gz");
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") {
        Some(Kind::Jsonl)
    } else if name.ends_with(".warc") {
        Some(Kind::Warc)
    } else if name.ends_with(".rss") || name.ends_with(".atom") || name.ends_with(".xml") {
        Some(Kind::Feed)
    } else if name == "-" {
        None
    } else {
        Some(Kind::Single)
    }
}

fn kind_of_bytes(head: &[u8]) -> Kind {
    let head = String::from_utf8_lossy(&head[..head.len().min(512)]).to_lowercase();
    let t = head.trim_start();
    if t.starts_with("warc/") {
        Kind::Warc
    } else if t.starts_with('{') {
        Kind::Jsonl
    } else if t.starts_with("<?xml") || t.starts_with("<rss") || t.starts_with("<feed") {
        if t.contains("<html") {
            Kind::Single
        } else {
            Kind::Feed
        }
    } else {
        Kind::Single
    }
}

/// Reads every path (a file, a folder, or `-` for stdin) and hands each article or problem
/// to `sink`, which may stop the stream with [`ControlFlow::Break`].
pub fn stream_paths(
    paths: &[PathBuf],
    limits: &StreamLimits,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) {
    stream_paths_counting(paths, limits, &AtomicU64::new(0), sink);
}

/// [`stream_paths`], adding to `read` the bytes read from the files (before decompression),
/// so that a caller can show progress against the files' sizes.
pub fn stream_paths_counting(
    paths: &[PathBuf],
    limits: &StreamLimits,
    read: &AtomicU64,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        if p.as_os_str() != "-" && p.is_dir() {
            walk(p, &limits.files, &mut files, &mut diags);
        } else {
            files.push(p.clone());
        }
    }
    for d in diags {
        if sink(Item::Diagnostic(d)).is_break() {
            return;
        }
    }
    for f in files {
        if stream_file_counting(&f, limits, read, sink).is_break() {
            return;
        }
    }
}

/// A reader that adds what it reads to a shared count.
struct Counting<'a, R> {
    inner: R,
    read: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Streams one file, or stdin for `-`.
pub fn stream_file(
    path: &Path,
    limits: &StreamLimits,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    stream_file_counting(path, limits, &AtomicU64::new(0), sink)
}

fn stream_file_counting(
    path: &Path,
    limits: &StreamLimits,
    read: &AtomicU64,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let name = path.display().to_string();
    let raw: Box<dyn Read + '_> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(path) {
            Ok(f) => Box::new(Counting { inner: f, read }),
            Err(e) => {
                return sink(Item::Diagnostic(Diagnostic::error(
                    &name,
                    format!("cannot open: {e}"),
                )))
            }
        }
    };
    let mut raw = BufReader::with_capacity(1 << 16, raw);
    let head = match raw.fill_buf() {
        Ok(h) => h.to_vec(),
        Err(e) => {
            return sink(Item::Diagnostic(Diagnostic::error(
                &name,
                format!("cannot read: {e}"),
            )))
        }
    };
    let gz = head.starts_with(&[0x1f, 0x8b]);
    // A gzip stream may hold several members (WARC.gz is one member per record): read them all.
    let mut reader: Box<dyn BufRead> = if gz {
        Box::new(BufReader::with_capacity(
            1 << 16,
            Capped::new(
                flate2::bufread::MultiGzDecoder::new(raw),
                limits.max_decompressed_bytes,
            ),
        ))
    } else {
        Box::new(raw)
    };
    let kind = match kind_of_name(&name.to_lowercase()) {
        Some(k) => k,
        None => match reader.fill_buf() {
            Ok(h) => kind_of_bytes(h),
            Err(e) => {
                return sink(Item::Diagnostic(Diagnostic::error(
                    &name,
                    format!("cannot read: {e}"),
                )))
            }
        },
    };
    match kind {
        Kind::Jsonl => stream_jsonl(&name, &mut reader, limits, sink),
        Kind::Warc => crate::warc::stream(&name, &mut reader, limits, sink),
        Kind::Feed | Kind::Single => {
            let bytes = match read_all_capped(&mut reader, limits.max_record_bytes) {
                Ok(b) => b,
                Err(msg) => return sink(Item::Diagnostic(Diagnostic::error(&name, msg))),
            };
            if kind == Kind::Feed {
                crate::feed::documents(&name, &bytes, sink)
            } else {
                // Already decompressed: name it without `.gz` so it is not gunzipped twice.
                let plain = if gz {
                    PathBuf::from(name.trim_end_matches(".gz").trim_end_matches(".GZ"))
                } else {
                    path.to_path_buf()
                };
                let (docs, diags) = ingest_bytes(&plain, &bytes, &limits.files);
                for d in diags {
                    sink(Item::Diagnostic(d))?;
                }
                for d in docs {
                    sink(Item::Document(Box::new(d)))?;
                }
                ControlFlow::Continue(())
            }
        }
    }
}

fn stream_jsonl(
    name: &str,
    reader: &mut dyn BufRead,
    limits: &StreamLimits,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        n += 1;
        match read_line_capped(reader, &mut line, limits.max_record_bytes) {
            Ok(Line::End) => return ControlFlow::Continue(()),
            Ok(Line::TooLong) => sink(Item::Diagnostic(Diagnostic::error(
                format!("{name}:{n}"),
                format!(
                    "record longer than the {} MiB limit: skipped",
                    limits.max_record_bytes >> 20
                ),
            )))?,
            Ok(Line::Read) => {
                let text = String::from_utf8_lossy(&line);
                if text.trim().is_empty() {
                    continue;
                }
                let mut warnings = Vec::new();
                let record = jsonl_record(name, n, &text, &mut warnings);
                for w in warnings {
                    sink(Item::Diagnostic(w))?;
                }
                match record {
                    Ok(d) => sink(Item::Document(Box::new(d)))?,
                    Err(d) => sink(Item::Diagnostic(d))?,
                }
            }
            Err(e) => {
                return sink(Item::Diagnostic(Diagnostic::error(
                    format!("{name}:{n}"),
                    format!("cannot read: {e}"),
                )))
            }
        }
    }
}

/// What [`read_line_capped`] found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Line {
    Read,
    TooLong,
    End,
}

/// Reads one line (without its `\n`) into `buf`; a line longer than `cap` is consumed and
/// reported, never held.
pub(crate) fn read_line_capped(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    cap: u64,
) -> io::Result<Line> {
    buf.clear();
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = r.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if !any {
                Line::End
            } else if too_long {
                Line::TooLong
            } else {
                Line::Read
            });
        }
        any = true;
        let (part, done) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        if !too_long {
            if (buf.len() + part.len()) as u64 > cap {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(part);
            }
        }
        let used = done.unwrap_or(chunk.len());
        r.consume(used);
        if done.is_some() {
            return Ok(if too_long { Line::TooLong } else { Line::Read });
        }
    }
}

/// Reads to the end, refusing more than `cap` bytes.
pub(crate) fn read_all_capped(r: &mut dyn Read, cap: u64) -> Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    r.take(cap + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("cannot read: {e}"))?;
    if buf.len() as u64 > cap {
        return Err(format!(
            "input larger than the {} MiB limit: skipped",
            cap >> 20
        ));
    }
    Ok(buf)
}

/// A reader that fails once more than `cap` bytes have come through: the decompression cap,
/// counted on the decompressed side.
struct Capped<R> {
    inner: R,
    left: u64,
}

impl<R> Capped<R> {
    fn new(inner: R, cap: u64) -> Self {
        Self { inner, left: cap }
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::other(
                "decompressed size over the limit: the rest is skipped",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(path: &Path, limits: &StreamLimits) -> (Vec<Document>, Vec<Diagnostic>) {
        let (mut docs, mut diags) = (Vec::new(), Vec::new());
        let _ = stream_file(path, limits, &mut |i| {
            match i {
                Item::Document(d) => docs.push(*d),
                Item::Diagnostic(d) => diags.push(d),
            }
            ControlFlow::Continue(())
        });
        (docs, diags)
    }

    #[test]
    fn jsonl_streams_with_aliases_and_caps_records() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("feed.jsonl.gz");
        let big = "x".repeat(300);
        let text = format!(
            "{}\n{}\n{}\n",
            r#"{"ID":"7","source":"Tollund Courier","date":"2020-05-01","title":"Budget","content":"The council approved the budget on Monday after a long debate."}"#,
            format_args!(r#"{{"id":"big","text":"{big}"}}"#),
            r#"{"id":"b","body":"Teachers welcomed the budget.","published":"2020-05-02"}"#,
        );
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        let limits = StreamLimits {
            max_record_bytes: 200,
            ..StreamLimits::default()
        };
        let (docs, diags) = collect(&path, &limits);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].id, "7");
        assert_eq!(docs[0].outlet.name, "Tollund Courier");
        assert_eq!(docs[0].published.as_deref(), Some("2020-05-01"));
        assert_eq!(docs[1].published.as_deref(), Some("2020-05-02"));
        assert!(diags[0].source.ends_with(":2") && diags[0].message.contains("limit"));

        // The bytes read are those of the file as stored (compressed), for progress.
        let read = AtomicU64::new(0);
        let mut n = 0;
        stream_paths_counting(std::slice::from_ref(&path), &limits, &read, &mut |_| {
            n += 1;
            ControlFlow::Continue(())
        });
        assert_eq!(n, 3);
        assert_eq!(
            read.load(Ordering::Relaxed),
            std::fs::metadata(&path).unwrap().len()
        );
    }

    #[test]
    fn decompression_cap_stops_the_input_with_a_diagnostic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bomb.jsonl.gz");
        let line = r#"{"id":"a","text":"Some words of an article body here."}"#;
        let text = format!("{line}\n").repeat(10_000);
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, text.as_bytes()).unwrap();
        std::fs::write(&path, enc.finish().unwrap()).unwrap();
        let limits = StreamLimits {
            max_decompressed_bytes: 100_000,
            ..StreamLimits::default()
        };
        let (docs, diags) = collect(&path, &limits);
        assert!(docs.len() < 10_000);
        assert!(diags.iter().any(|d| d.message.contains("over the limit")));
    }

    #[test]
    fn kinds_from_names_and_bytes() {
        assert_eq!(kind_of_name("a.warc.gz"), Some(Kind::Warc));
        assert_eq!(kind_of_name("a.rss"), Some(Kind::Feed));
        assert_eq!(kind_of_name("-"), None);
        assert_eq!(kind_of_bytes(b"WARC/1.0\r\n"), Kind::Warc);
        assert_eq!(kind_of_bytes(b"<?xml version=\"1.0\"?><rss>"), Kind::Feed);
        assert_eq!(kind_of_bytes(b"{\"id\":1}"), Kind::Jsonl);
        assert_eq!(kind_of_bytes(b"Plain text."), Kind::Single);
    }
}
