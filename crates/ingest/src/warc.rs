//! WARC and WARC.gz (ISO 28500; Common Crawl News): the `response` records of HTML pages,
//! each with its target URI and capture date. Other records (request, metadata, warcinfo,
//! non-HTML responses) are passed over without a diagnostic: a crawl is full of them.

use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;

use model::{Diagnostic, OutletSource};

use crate::stream::{read_line_capped, Item, Line, StreamLimits};
use crate::{host_of, html_document};

/// Longest header line read; WARC and HTTP header lines are short.
const MAX_HEADER_LINE: u64 = 64 << 10;
/// Most header lines in one WARC or HTTP header block.
const MAX_HEADER_LINES: usize = 256;

/// Streams the HTML pages of one WARC input.
pub(crate) fn stream(
    name: &str,
    r: &mut dyn BufRead,
    limits: &StreamLimits,
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut n = 0usize;
    let mut line = Vec::new();
    loop {
        // Skip the blank lines between records, up to the next version line.
        let version = loop {
            match read_line_capped(r, &mut line, MAX_HEADER_LINE) {
                Ok(Line::End) => return ControlFlow::Continue(()),
                Ok(Line::Read) if trim(&line).is_empty() => continue,
                Ok(Line::Read) => break String::from_utf8_lossy(trim(&line)).into_owned(),
                Ok(Line::TooLong) => {
                    return sink(diag(
                        name,
                        n + 1,
                        "header line too long: the rest is skipped",
                    ))
                }
                Err(e) => return sink(diag(name, n + 1, &format!("cannot read: {e}"))),
            }
        };
        n += 1;
        if !version.starts_with("WARC/") {
            return sink(diag(
                name,
                n,
                "not a WARC record (no WARC/ version line): the rest is skipped",
            ));
        }
        let headers = match read_headers(r) {
            Ok(h) => h,
            Err(e) => return sink(diag(name, n, &e)),
        };
        let get = |k: &str| {
            headers
                .iter()
                .find(|(h, _)| h.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
        };
        let Some(len) = get("Content-Length").and_then(|v| v.trim().parse::<u64>().ok()) else {
            return sink(diag(name, n, "no Content-Length: the rest is skipped"));
        };
        let wanted = get("WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("response"));
        if !wanted || len > limits.max_record_bytes {
            if wanted {
                sink(diag(
                    name,
                    n,
                    &format!(
                        "record larger than the {} MiB limit: skipped",
                        limits.max_record_bytes >> 20
                    ),
                ))?;
            }
            if let Err(e) = io::copy(&mut r.take(len), &mut io::sink()) {
                return sink(diag(name, n, &format!("cannot read: {e}")));
            }
            continue;
        }
        let mut block = Vec::with_capacity(len as usize);
        match r.take(len).read_to_end(&mut block) {
            Ok(got) if got as u64 == len => {}
            Ok(_) => return sink(diag(name, n, "record cut short: input ends inside it")),
            Err(e) => return sink(diag(name, n, &format!("cannot read: {e}"))),
        }
        let uri = get("WARC-Target-URI").map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let date = get("WARC-Date").map(str::trim).map(str::to_string);
        match page(&block) {
            Ok(Some(html)) => {
                let id = uri.clone().unwrap_or_else(|| format!("record-{n}"));
                let mut d = html_document(&id, &format!("{name}#{n}"), &html, None);
                if d.url.is_none() {
                    d.url = uri.clone();
                }
                if d.published.is_none() {
                    d.published = date;
                }
                let weak = matches!(
                    d.outlet.source,
                    OutletSource::FileName | OutletSource::SelfReference
                );
                if let (true, Some(host)) = (weak, uri.as_deref().and_then(host_of)) {
                    d.outlet = model::Outlet {
                        name: host,
                        source: OutletSource::CanonicalHost,
                    };
                }
                sink(Item::Document(Box::new(d)))?;
            }
            Ok(None) => {}
            Err(e) => sink(diag(name, n, &e))?,
        }
    }
}

fn diag(name: &str, n: usize, msg: &str) -> Item {
    Item::Diagnostic(Diagnostic::error(
        format!("{name}#{n}"),
        format!("WARC record {n}: {msg}"),
    ))
}

fn trim(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\r").unwrap_or(b);
    b.trim_ascii()
}

/// Header lines up to the blank line, as (name, value).
fn read_headers(r: &mut dyn BufRead) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut line = Vec::new();
    loop {
        match read_line_capped(r, &mut line, MAX_HEADER_LINE) {
            Ok(Line::Read) => {}
            Ok(Line::End) => return Err("input ends inside a header".into()),
            Ok(Line::TooLong) => return Err("header line too long".into()),
            Err(e) => return Err(format!("cannot read: {e}")),
        }
        let l = trim(&line);
        if l.is_empty() {
            return Ok(out);
        }
        if out.len() >= MAX_HEADER_LINES {
            return Err("too many header lines".into());
        }
        let l = String::from_utf8_lossy(l);
        if let Some((k, v)) = l.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
}

/// The HTML of an HTTP response block, none when it is not a successful HTML page.
fn page(block: &[u8]) -> Result<Option<String>, String> {
    let Some(end) = block.windows(4).position(|w| w == b"\r\n\r\n") else {
        return Err("HTTP response without a header end".into());
    };
    let head = String::from_utf8_lossy(&block[..end]);
    let body = &block[end + 4..];
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    if status.split_whitespace().nth(1) != Some("200") {
        return Ok(None);
    }
    let header = |k: &str| {
        head.lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .find(|(h, _)| h.trim().eq_ignore_ascii_case(k))
            .map(|(_, v)| v.trim().to_lowercase())
    };
    if header("Content-Type").is_some_and(|t| !t.contains("html")) {
        return Ok(None);
    }
    let body = if header("Transfer-Encoding").is_some_and(|t| t.contains("chunked")) {
        dechunk(body).ok_or("bad chunked encoding")?
    } else {
        body.to_vec()
    };
    let body = match header("Content-Encoding").as_deref() {
        Some("gzip") | Some("x-gzip") => {
            let mut out = Vec::new();
            // The decompressed page may not be much larger than a record may be.
            flate2::read::GzDecoder::new(&body[..])
                .take((block.len() as u64).saturating_mul(20))
                .read_to_end(&mut out)
                .map_err(|e| format!("bad gzip content: {e}"))?;
            out
        }
        Some("identity") | None => body,
        Some(other) => return Err(format!("content encoding {other} not supported")),
    };
    Ok(Some(String::from_utf8_lossy(&body).into_owned()))
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = b.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&b[..nl]).ok()?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(..size)?);
        b = b.get(size + 2..)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, uri: &str, payload: &str) -> String {
        format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2021-03-04T05:06:07Z\r\nContent-Length: {}\r\n\r\n{payload}\r\n\r\n",
            payload.len()
        )
    }

    #[test]
    fn response_records_of_html_pages_become_articles() {
        let html = "<html><head><title>Ferry aground</title></head><body><article><p>The ferry ran aground near the harbour on Monday morning, and the coastguard took all forty passengers ashore within two hours of the first call.</p><p>Investigators will examine the hull this week.</p></article></body></html>";
        let http =
            format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}");
        let input = [
            record("warcinfo", "", "software: test"),
            record(
                "request",
                "https://news.example.org/a",
                "GET /a HTTP/1.1\r\n\r\n",
            ),
            record("response", "https://www.news.example.org/a", &http),
            "WARC/1.0\r\nWARC-Type: response\r\n\r\n".to_string(),
        ]
        .concat();
        let mut docs = Vec::new();
        let mut diags = Vec::new();
        let _ = stream(
            "crawl.warc",
            &mut input.as_bytes(),
            &StreamLimits::default(),
            &mut |i| {
                match i {
                    Item::Document(d) => docs.push(*d),
                    Item::Diagnostic(d) => diags.push(d),
                }
                ControlFlow::Continue(())
            },
        );
        assert_eq!(docs.len(), 1);
        assert_eq!(
            docs[0].url.as_deref(),
            Some("https://www.news.example.org/a")
        );
        assert_eq!(docs[0].published.as_deref(), Some("2021-03-04T05:06:07Z"));
        assert_eq!(docs[0].source, "crawl.warc#3");
        assert!(docs[0].text.contains("forty passengers"));
        assert_eq!(diags.len(), 1);
        assert!(diags[0].source == "crawl.warc#4" && diags[0].message.contains("Content-Length"));
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n").as_deref(),
            Some(&b"abcde"[..])
        );
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
