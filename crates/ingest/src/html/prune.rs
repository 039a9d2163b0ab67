//! A linear pre-pass over the raw HTML before the tree builder: drops what can never be
//! article text (scripts other than JSON-LD, styles, SVG, comments) so the library parses
//! less, and caps element nesting so no later tree walk can run out of stack.

use super::scan::{attr, attrs, Scanner, Token};

/// Deepest element nesting kept; start tags beyond it are dropped (their text is kept).
pub(crate) const MAX_DEPTH: usize = 256;

/// Elements that never have content, or whose end tag is optional and that close
/// themselves when a sibling starts: they do not deepen the tree the way the scan counts.
pub(crate) fn is_flat(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "source"
            | "track"
            | "wbr"
            | "param"
            | "keygen"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "option"
            | "optgroup"
            | "thead"
            | "tbody"
            | "tfoot"
            | "colgroup"
            | "rb"
            | "rt"
            | "rp"
    )
}

/// Elements dropped whole, with their content.
fn is_dropped(name: &str) -> bool {
    matches!(name, "style" | "svg" | "noscript" | "template" | "iframe")
}

/// Attributes that the extractor, the furniture filter or the metadata reader look at. All
/// others (`src`, `srcset`, `data-*`, event handlers, inline JSON) are dropped from the copy
/// the tree builder parses: on the article benchmark they are a fifth of the pruned bytes,
/// and every byte of them is tokenised, stored, serialised and parsed again by the library.
fn is_read(name: &str) -> bool {
    const READ: &[&str] = &[
        "class",
        "id",
        "role",
        "href",
        "itemprop",
        "itemtype",
        "itemscope",
        "content",
        "type",
        "rel",
        "property",
        "name",
        "lang",
        "xml:lang",
        "alt",
        "title",
        "aria-label",
        "aria-hidden",
        "hidden",
        "style",
        "datetime",
        "http-equiv",
        "charset",
        "rowspan",
        "colspan",
        "align",
        "data-role",
        "data-test",
        "data-testid",
        "data-component",
        "data-section",
        "data-controller",
        "data-preloaded",
        "data-lp-replacement-content",
    ];
    READ.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// True when a start tag has an attribute [`is_read`] rejects.
fn has_unread(attrs_text: &str) -> bool {
    attrs(attrs_text).any(|a| !is_read(a.name))
}

/// Writes a start tag with only the attributes [`is_read`] keeps, each as written.
fn write_tag(out: &mut String, name: &str, attrs_text: &str) {
    out.push('<');
    out.push_str(name);
    for a in attrs(attrs_text).filter(|a| is_read(a.name)) {
        out.push(' ');
        out.push_str(a.raw);
    }
    if attrs_text.trim_end().ends_with('/') {
        out.push('/');
    }
    out.push('>');
}

/// Returns the page without scripts (JSON-LD kept), styles, SVG, comments, and with nesting
/// capped at [`MAX_DEPTH`].
pub(crate) fn prune(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut copied = 0usize;
    // Appends the input up to `upto` and skips it to `resume`.
    let mut cut = |out: &mut String, upto: usize, resume: usize| {
        if upto > copied {
            out.push_str(html.get(copied..upto).unwrap_or(""));
        }
        copied = copied.max(resume);
    };
    let mut depth = 0usize;
    let mut excess = 0usize;
    // While dropping an element whole: its name, where it started, and its nesting.
    let mut dropping: Option<(String, usize, usize)> = None;
    for tok in Scanner::new(html) {
        if let Some((dname, dstart, dnest)) = dropping.as_mut() {
            match tok {
                Token::Start {
                    ref name, attrs, ..
                } if name.as_ref() == dname.as_str() && !attrs.trim_end().ends_with('/') => {
                    *dnest += 1;
                }
                Token::End { ref name, end, .. } if name.as_ref() == dname.as_str() => {
                    if *dnest <= 1 {
                        let s = *dstart;
                        cut(&mut out, s, end);
                        dropping = None;
                    } else {
                        *dnest -= 1;
                    }
                }
                _ => {}
            }
            continue;
        }
        match tok {
            Token::Other { start, end } => cut(&mut out, start, end),
            Token::Start {
                name,
                attrs,
                start,
                end,
            } => {
                let n = name.as_ref();
                if n == "script" {
                    let keep = attr(attrs, "type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if !keep {
                        dropping = Some((n.to_string(), start, 1));
                    }
                    continue;
                }
                if is_dropped(n) {
                    if !attrs.trim_end().ends_with('/') {
                        dropping = Some((n.to_string(), start, 1));
                    } else {
                        cut(&mut out, start, end);
                    }
                    continue;
                }
                if !is_flat(n) && !attrs.trim_end().ends_with('/') {
                    if depth >= MAX_DEPTH {
                        excess += 1;
                        cut(&mut out, start, end);
                        continue;
                    }
                    depth += 1;
                }
                if has_unread(attrs) {
                    cut(&mut out, start, end);
                    write_tag(&mut out, n, attrs);
                }
            }
            Token::End {
                name, start, end, ..
            } => {
                if is_flat(&name) {
                    continue;
                }
                if excess > 0 {
                    excess -= 1;
                    cut(&mut out, start, end);
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
            Token::Raw { .. } => {}
        }
    }
    // An element left open at the end (`<script>` without `</script>`) is dropped to the end.
    let tail_end = match dropping {
        Some((_, s, _)) => s,
        None => html.len(),
    };
    cut(&mut out, tail_end, html.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_styles_svg_comments_keeps_json_ld() {
        let html = r#"<p>a</p><script>var x="<p>no</p>";</script><style>p{}</style><!-- c --><svg><svg></svg><text>no</text></svg><script type="application/ld+json">{"x":1}</script><p>b</p>"#;
        assert_eq!(
            prune(html),
            r#"<p>a</p><script type="application/ld+json">{"x":1}</script><p>b</p>"#
        );
    }

    #[test]
    fn keeps_only_read_attributes() {
        let html = r#"<div class="a b" data-x='{"y":1}' onclick="f()" id=main><img src="x.jpg" alt="A photo" srcset="x 1x"/><p>t</p></div>"#;
        assert_eq!(
            prune(html),
            r#"<div class="a b" id=main><img alt="A photo"/><p>t</p></div>"#
        );
        // A tag whose attributes are all read is copied as written.
        let html = r#"<A HREF="/x" Class='c'>link</A>"#;
        assert_eq!(prune(html), html);
    }

    #[test]
    fn caps_depth() {
        let n = MAX_DEPTH + 50;
        let html = format!("{}x{}", "<div>".repeat(n), "</div>".repeat(n));
        let out = prune(&html);
        assert_eq!(out.matches("<div>").count(), MAX_DEPTH);
        assert_eq!(out.matches("</div>").count(), MAX_DEPTH);
        assert!(out.contains('x'));
    }

    #[test]
    fn unclosed_script_is_dropped_to_end() {
        assert_eq!(prune("<p>a</p><script>if (a<b) {"), "<p>a</p>");
    }
}
