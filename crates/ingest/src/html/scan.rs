//! A small, linear, non-recursive HTML tag scanner: enough to read `<head>` metadata and to
//! prune boilerplate before the tree builder runs, without building a tree.

use std::borrow::Cow;

/// One token of the scan.
#[derive(Debug)]
pub(crate) enum Token<'a> {
    /// A start tag (name lower-cased), its raw attribute text, whether it ends in `/>`, and
    /// where it lies in the input.
    Start {
        name: Cow<'a, str>,
        attrs: &'a str,
        start: usize,
        end: usize,
    },
    /// An end tag (name lower-cased) and where it lies.
    End {
        name: Cow<'a, str>,
        start: usize,
        end: usize,
    },
    /// The content of a raw-text element (`script`, `style`, `title`, `textarea`), given right
    /// after its start tag; the following end tag is reported as [`Token::End`].
    Raw { text: &'a str },
    /// A comment, doctype or processing instruction, skipped whole.
    Other { start: usize, end: usize },
}

/// Elements whose content is not markup.
fn is_raw_text(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "title" | "textarea" | "xmp" | "iframe" | "noembed" | "noframes"
    )
}

fn lower(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// Finds `needle` (ASCII, lower-case) in `hay` from `from`, ignoring ASCII case.
fn find_ci(hay: &str, from: usize, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    let first = *n.first()?;
    let mut i = from;
    while i + n.len() <= h.len() {
        let rest = h.get(i..)?;
        let off = rest.iter().position(|&b| b.to_ascii_lowercase() == first)?;
        i += off;
        let cand = h.get(i..i + n.len())?;
        if cand.eq_ignore_ascii_case(n) {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Iterates over the tags of an HTML string. Text between tags is not reported (callers that
/// need it use the byte positions).
pub(crate) struct Scanner<'a> {
    src: &'a str,
    pos: usize,
    /// A raw-text element was just opened: its name, so the next call returns its content.
    pending_raw: Option<Cow<'a, str>>,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(src: &'a str) -> Self {
        Scanner {
            src,
            pos: 0,
            pending_raw: None,
        }
    }
}

impl<'a> Iterator for Scanner<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let src = self.src;
        let bytes = src.as_bytes();
        if let Some(name) = self.pending_raw.take() {
            let close = format!("</{name}");
            let stop = find_ci(src, self.pos, &close).unwrap_or(src.len());
            let text = src.get(self.pos..stop).unwrap_or("");
            self.pos = stop;
            return Some(Token::Raw { text });
        }
        loop {
            let rel = bytes.get(self.pos..)?.iter().position(|&b| b == b'<')?;
            let start = self.pos + rel;
            let after = bytes.get(start + 1).copied();
            match after {
                Some(b'!') | Some(b'?') => {
                    let end = if src.get(start..start + 4) == Some("<!--") {
                        src.get(start + 4..)
                            .and_then(|r| r.find("-->"))
                            .map_or(src.len(), |i| start + 4 + i + 3)
                    } else {
                        src.get(start..)
                            .and_then(|r| r.find('>'))
                            .map_or(src.len(), |i| start + i + 1)
                    };
                    self.pos = end;
                    return Some(Token::Other { start, end });
                }
                Some(b'/') => {
                    let name_start = start + 2;
                    let name_len = bytes
                        .get(name_start..)?
                        .iter()
                        .position(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b':')
                        .unwrap_or(bytes.len() - name_start);
                    if name_len == 0 {
                        self.pos = start + 1;
                        continue;
                    }
                    let end = src
                        .get(name_start..)
                        .and_then(|r| r.find('>'))
                        .map_or(src.len(), |i| name_start + i + 1);
                    let name = lower(src.get(name_start..name_start + name_len).unwrap_or(""));
                    self.pos = end;
                    return Some(Token::End { name, start, end });
                }
                Some(b) if b.is_ascii_alphabetic() => {
                    let name_start = start + 1;
                    let name_len = bytes
                        .get(name_start..)?
                        .iter()
                        .position(|b| !b.is_ascii_alphanumeric() && *b != b'-' && *b != b':')
                        .unwrap_or(bytes.len() - name_start);
                    let name = lower(src.get(name_start..name_start + name_len).unwrap_or(""));
                    let attr_start = name_start + name_len;
                    let end = tag_end(bytes, attr_start);
                    let attrs = src.get(attr_start..end.saturating_sub(1)).unwrap_or("");
                    self.pos = end;
                    if is_raw_text(&name) {
                        self.pending_raw = Some(name.clone());
                    }
                    return Some(Token::Start {
                        name,
                        attrs,
                        start,
                        end,
                    });
                }
                _ => {
                    self.pos = start + 1;
                }
            }
        }
    }
}

/// The end of a start tag that begins before `from`: just past its `>`, skipping quoted
/// attribute values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    let mut quote: Option<u8> = None;
    while let Some(&b) = bytes.get(i) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => {
                // A quote only opens a value right after `=` (possibly with spaces).
                let prev = bytes
                    .get(from..i)
                    .and_then(|s| s.iter().rev().find(|c| !c.is_ascii_whitespace()));
                if prev == Some(&b'=') {
                    quote = Some(b);
                }
            }
            None if b == b'>' => return i + 1,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The attributes of a tag's raw attribute text, in order: each name and its whole raw
/// text (`name="value"` as written), for callers that copy attributes through unchanged.
pub(crate) struct Attrs<'a> {
    src: &'a str,
    i: usize,
}

/// One attribute: its name as written, its raw value (quotes removed, entities not
/// decoded) and its whole raw text.
pub(crate) struct RawAttr<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a str,
    pub(crate) raw: &'a str,
}

pub(crate) fn attrs(src: &str) -> Attrs<'_> {
    Attrs { src, i: 0 }
}

impl<'a> Iterator for Attrs<'a> {
    type Item = RawAttr<'a>;

    fn next(&mut self) -> Option<RawAttr<'a>> {
        let attrs = self.src;
        let b = attrs.as_bytes();
        let mut i = self.i;
        while i < b.len() {
            while b
                .get(i)
                .is_some_and(|c| c.is_ascii_whitespace() || *c == b'/')
            {
                i += 1;
            }
            let ns = i;
            while b
                .get(i)
                .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'=' && *c != b'/' && *c != b'>')
            {
                i += 1;
            }
            let name = attrs.get(ns..i).unwrap_or("");
            while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                i += 1;
            }
            let mut value = "";
            if b.get(i) == Some(&b'=') {
                i += 1;
                while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q) if q == b'"' || q == b'\'' => {
                        let vs = i + 1;
                        let ve = b
                            .get(vs..)
                            .and_then(|r| r.iter().position(|&c| c == q))
                            .map_or(b.len(), |p| vs + p);
                        value = attrs.get(vs..ve).unwrap_or("");
                        i = (ve + 1).min(b.len());
                    }
                    _ => {
                        let vs = i;
                        while b
                            .get(i)
                            .is_some_and(|c| !c.is_ascii_whitespace() && *c != b'>')
                        {
                            i += 1;
                        }
                        value = attrs.get(vs..i).unwrap_or("");
                    }
                }
            }
            if name.is_empty() {
                i += 1;
                continue;
            }
            self.i = i;
            return Some(RawAttr {
                name,
                value,
                raw: attrs.get(ns..i).unwrap_or(""),
            });
        }
        self.i = b.len();
        None
    }
}

/// The value of attribute `want` (lower-case) in a tag's raw attribute text, entities decoded.
pub(crate) fn attr<'a>(attrs_text: &'a str, want: &str) -> Option<Cow<'a, str>> {
    attrs(attrs_text)
        .find(|a| a.name.eq_ignore_ascii_case(want))
        .map(|a| decode_entities(a.value))
}

/// Decodes the common character references; unknown named ones are kept as written.
pub(crate) fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(rest.get(..amp).unwrap_or(""));
        let tail = rest.get(amp..).unwrap_or("");
        let semi = tail.get(..tail.len().min(12)).and_then(|t| t.find(';'));
        let decoded = semi.and_then(|semi| {
            let ent = tail.get(1..semi)?;
            let ch = if let Some(num) = ent.strip_prefix('#') {
                let code = if let Some(hex) = num.strip_prefix(['x', 'X']) {
                    u32::from_str_radix(hex, 16).ok()?
                } else {
                    num.parse::<u32>().ok()?
                };
                char::from_u32(code).unwrap_or('\u{FFFD}')
            } else {
                match ent {
                    "amp" => '&',
                    "lt" => '<',
                    "gt" => '>',
                    "quot" => '"',
                    "apos" => '\'',
                    "nbsp" => ' ',
                    "ndash" => '–',
                    "mdash" => '—',
                    "lsquo" => '‘',
                    "rsquo" => '’',
                    "ldquo" => '“',
                    "rdquo" => '”',
                    "hellip" => '…',
                    "copy" => '©',
                    _ => return None,
                }
            };
            Some((ch, semi + 1))
        });
        match decoded {
            Some((ch, len)) => {
                out.push(ch);
                rest = tail.get(len..).unwrap_or("");
            }
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Collapses runs of white space to single spaces and trims.
pub(crate) fn collapse_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scans_tags_attrs_and_raw_text() {
        let html = r#"<!doctype html><HTML Lang="en"><head><title>A &amp; B</title>
            <meta property='og:site_name' content="The Paper"><script type="application/ld+json">{"a":"</div>"}</script>
            <!-- <meta name="x"> --><link rel=canonical href=https://x.test/a?b=1&amp;c=2></head>"#;
        let toks: Vec<Token<'_>> = Scanner::new(html).collect();
        let starts: Vec<&str> = toks
            .iter()
            .filter_map(|t| match t {
                Token::Start { name, .. } => Some(name.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(starts, ["html", "head", "title", "meta", "script", "link"]);
        let raws: Vec<&str> = toks
            .iter()
            .filter_map(|t| match t {
                Token::Raw { text } => Some(*text),
                _ => None,
            })
            .collect();
        assert_eq!(raws, ["A &amp; B", r#"{"a":"</div>"}"#]);
        let link = toks.iter().find_map(|t| match t {
            Token::Start { name, attrs, .. } if name == "link" => Some(*attrs),
            _ => None,
        });
        assert_eq!(
            link.and_then(|a| attr(a, "href")).as_deref(),
            Some("https://x.test/a?b=1&c=2")
        );
        assert_eq!(attr(r#" Lang="en""#, "lang").as_deref(), Some("en"));
    }

    #[test]
    fn unterminated_input_does_not_panic() {
        for s in [
            "<",
            "<a",
            "<a href='x",
            "</",
            "</a",
            "<!--",
            "<!",
            "<script>",
            "<ø",
            "<a é='ü",
        ] {
            let _ = Scanner::new(s).count();
            let _ = attr(s, "href");
        }
        assert_eq!(
            decode_entities("&#x1F600;&#99999999;&bogus;&amp"),
            "😀\u{FFFD}&bogus;&amp"
        );
    }
}
