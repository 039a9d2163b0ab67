//! RSS 2.0 and Atom feeds: one article per item or entry, its text from `content:encoded`
//! (or Atom `content`) when the feed carries the full text, else from the summary
//! (`description`, `summary`). The channel or feed title names the outlet.
//!
//! XML is parsed with document type declarations refused, so that no entity can expand
//! (the "billion laughs"): a plain `<!DOCTYPE rss ...>` without an internal subset is cut
//! before parsing, one with an internal subset makes the feed a diagnostic.

use std::ops::ControlFlow;

use model::{Diagnostic, Outlet, OutletSource, SourceFormat};

use crate::stream::Item;
use crate::text_document;

/// Most XML nodes parsed in one feed.
const MAX_NODES: u32 = 2_000_000;

/// The articles of one feed file.
pub(crate) fn documents(
    name: &str,
    bytes: &[u8],
    sink: &mut dyn FnMut(Item) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let text = String::from_utf8_lossy(bytes);
    let xml = match strip_doctype(&text) {
        Ok(x) => x,
        Err(msg) => return sink(Item::Diagnostic(Diagnostic::error(name, msg))),
    };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
    };
    let doc = match roxmltree::Document::parse_with_options(&xml, opts) {
        Ok(d) => d,
        Err(e) => {
            return sink(Item::Diagnostic(Diagnostic::error(
                name,
                format!("not a readable RSS or Atom feed: {e}"),
            )))
        }
    };
    let root = doc.root_element();
    let atom = root.tag_name().name() == "feed";
    let channel = if atom {
        Some(root)
    } else {
        root.children().find(|c| c.has_tag_name("channel"))
    };
    let outlet = channel.and_then(|c| child_text(c, "title"));
    let items: Vec<roxmltree::Node> = if atom {
        root.children()
            .filter(|c| c.has_tag_name("entry"))
            .collect()
    } else {
        // RSS 2.0 keeps items in the channel; RSS 1.0 (RDF) beside it.
        root.descendants()
            .filter(|c| c.has_tag_name("item"))
            .collect()
    };
    if items.is_empty() {
        return sink(Item::Diagnostic(Diagnostic::warning(
            name,
            "feed has no items or entries",
        )));
    }
    for (i, item) in items.iter().enumerate() {
        let n = i + 1;
        let source = format!("{name}#{n}");
        let title = child_text(*item, "title");
        let link = if atom {
            item.children()
                .filter(|c| c.has_tag_name("link"))
                .find(|c| c.attribute("rel").is_none_or(|r| r == "alternate"))
                .and_then(|c| c.attribute("href"))
                .map(str::to_string)
        } else {
            child_text(*item, "link").or_else(|| child_text(*item, "guid"))
        };
        let date = ["published", "pubDate", "date", "updated"]
            .iter()
            .find_map(|t| child_text(*item, t))
            .map(|d| rfc822_to_iso(&d).unwrap_or(d));
        // Full text first: `content:encoded` (RSS) and Atom `content`; then summaries.
        let body = ["encoded", "content", "description", "summary"]
            .iter()
            .find_map(|t| child_text(*item, t).filter(|s| !s.trim().is_empty()))
            .map(|s| fragment_text(&s));
        let Some(body) = body.filter(|b| !b.trim().is_empty()) else {
            sink(Item::Diagnostic(Diagnostic::error(
                &source,
                format!("feed item {n} has no content or summary"),
            )))?;
            continue;
        };
        let id = link.clone().unwrap_or_else(|| source.clone());
        let mut d = text_document(&id, &source, body, SourceFormat::Text);
        d.title = title.or(d.title);
        d.url = link;
        d.published = date;
        if let Some(o) = outlet.clone() {
            d.outlet = Outlet {
                name: o,
                source: OutletSource::SiteName,
            };
        }
        sink(Item::Document(Box::new(d)))?;
    }
    ControlFlow::Continue(())
}

fn child_text(node: roxmltree::Node, local: &str) -> Option<String> {
    let c = node.children().find(|c| c.tag_name().name() == local)?;
    let text: String = c
        .descendants()
        .filter(|d| d.is_text())
        .filter_map(|d| d.text())
        .collect();
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

fn strip_doctype(xml: &str) -> Result<std::borrow::Cow<'_, str>, String> {
    let Some(start) = xml.find("<!DOCTYPE") else {
        return Ok(xml.into());
    };
    let rest = &xml[start..];
    let end = rest.find('>').ok_or("unterminated DOCTYPE")?;
    if rest[..end].contains('[') {
        return Err(
            "feed declares a DTD with an internal subset (entity expansion): refused".into(),
        );
    }
    Ok(format!("{}{}", &xml[..start], &rest[end + 1..]).into())
}

/// The text of an HTML fragment (a feed item's content): tags dropped, block ends as
/// paragraph breaks, the common character references decoded.
fn fragment_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&decode(&rest[..lt]));
        let Some(gt) = rest[lt..].find('>') else {
            rest = "";
            break;
        };
        let tag = rest[lt + 1..lt + gt]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if matches!(
            tag.as_str(),
            "p" | "br" | "div" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote"
        ) {
            out.push_str("\n\n");
        }
        rest = &rest[lt + gt + 1..];
    }
    out.push_str(&decode(rest));
    let paras: Vec<String> = out
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    paras.join("\n\n")
}

fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp..];
        let semi = after.find(';').filter(|&i| i <= 10);
        let decoded = semi.and_then(|i| {
            let ent = &after[1..i];
            let ch = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => ent
                    .strip_prefix("#x")
                    .or_else(|| ent.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            ch.map(|c| (c, i))
        });
        match decoded {
            Some((c, i)) => {
                out.push(c);
                rest = &after[i + 1..];
            }
            None => {
                out.push('&');
                rest = &after[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `Tue, 20 Sep 2016 10:00:00 GMT` → `2016-09-20T10:00:00Z` (RSS dates are RFC 822).
fn rfc822_to_iso(s: &str) -> Option<String> {
    let s = s.split_once(',').map_or(s, |(_, r)| r);
    let f: Vec<&str> = s.split_whitespace().collect();
    let [day, mon, year, time, zone @ ..] = &f[..] else {
        return None;
    };
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = months
        .iter()
        .position(|x| mon.to_ascii_lowercase().starts_with(x))?
        + 1;
    let day: u32 = day.parse().ok()?;
    let year: u32 = year.parse().ok()?;
    let zone = match zone.first().copied() {
        None | Some("GMT") | Some("UT") | Some("UTC") | Some("Z") | Some("+0000") => "Z".into(),
        Some(z) if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
            format!("{}:{}", &z[..3], &z[3..])
        }
        Some(_) => String::new(),
    };
    Some(format!("{year:04}-{m:02}-{day:02}T{time}{zone}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, xml: &str) -> (Vec<model::Document>, Vec<Diagnostic>) {
        let (mut docs, mut diags) = (Vec::new(), Vec::new());
        let _ = documents(name, xml.as_bytes(), &mut |i| {
            match i {
                Item::Document(d) => docs.push(*d),
                Item::Diagnostic(d) => diags.push(d),
            }
            ControlFlow::Continue(())
        });
        (docs, diags)
    }

    #[test]
    fn rss_full_text_and_summaries() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Tollund Courier</title>
<item><title>Budget passed</title><link>https://courier.example/budget</link><pubDate>Tue, 20 Sep 2016 10:00:00 GMT</pubDate>
<description>Short summary.</description>
<content:encoded><![CDATA[<p>The council approved the budget &amp; the plan.</p><p>Teachers welcomed it.</p>]]></content:encoded></item>
<item><title>Road works</title><description>Crews will resurface the quay road next week.</description></item>
<item><title>Empty</title></item>
</channel></rss>"#;
        let (docs, diags) = run("courier.rss", xml);
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].text,
            "The council approved the budget & the plan.\n\nTeachers welcomed it."
        );
        assert_eq!(docs[0].outlet.name, "Tollund Courier");
        assert_eq!(docs[0].published.as_deref(), Some("2016-09-20T10:00:00Z"));
        assert_eq!(docs[0].title.as_deref(), Some("Budget passed"));
        assert_eq!(
            docs[1].text,
            "Crews will resurface the quay road next week."
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].source, "courier.rss#3");
    }

    #[test]
    fn atom_entries() {
        let xml = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Post</title>
<entry><title>Ferry aground</title><link rel="alternate" href="https://post.example/ferry"/>
<published>2021-03-04T05:06:07Z</published><content type="html">&lt;p&gt;The ferry ran aground.&lt;/p&gt;</content></entry></feed>"#;
        let (docs, _) = run("post.atom", xml);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].url.as_deref(), Some("https://post.example/ferry"));
        assert_eq!(docs[0].text, "The ferry ran aground.");
        assert_eq!(docs[0].published.as_deref(), Some("2021-03-04T05:06:07Z"));
    }

    #[test]
    fn entity_declarations_are_refused() {
        let xml = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><rss><channel><item><description>&lol2;</description></item></channel></rss>"#;
        let (docs, diags) = run("bomb.rss", xml);
        assert!(docs.is_empty());
        assert!(diags[0].message.contains("entity expansion"));
    }
}
