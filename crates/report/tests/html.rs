//! The HTML report without a browser: the policy comes first, nothing of a hostile input
//! survives as markup, every link to a place has its anchor. (The browser test in `web` runs
//! the same pages in Chromium.)

use std::collections::BTreeSet;

fn hostile_report() -> String {
    let payload = "</script><script>alert(1)</script><img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">x</a> \u{202E}fdp.exe <style>*{display:none}</style>";
    let a = format!("Budget approved\n\nThe city council approved the harbour budget of 40 million on Tuesday, the mayor said. {payload}\n\nThe vote was 7 to 2, officials said.\n");
    let b = format!("Harbour budget\n\nThe city council approved the harbour budget of 45 million on Tuesday, the mayor said.\n\nThe vote was 7 to 2, officials said. {payload}\n");
    let c = serde_json::json!({"id": "<b>c</b>", "outlet": "\"><script>alert(4)</script>", "url": "javascript:alert(5)", "title": payload, "text": "The city council approved the harbour budget of 40 million on Tuesday, the mayor said."});
    let report = pipeline::Options {
        model: pipeline::ModelUse::Off,
        ..pipeline::Options::default()
    }
    .build()
    .expect("lexical pipeline")
    .run_inputs(&[
        ("a.txt".into(), a.into_bytes()),
        ("b.txt".into(), b.into_bytes()),
        ("c.jsonl".into(), format!("{c}\n").into_bytes()),
    ]);
    assert_eq!(report.articles.len(), 3);
    report::render_html(&report)
}

/// The elements the report is made of.
const OUR_TAGS: &[&str] = &[
    "!DOCTYPE",
    "a",
    "article",
    "b",
    "blockquote",
    "body",
    "br",
    "code",
    "defs",
    "del",
    "div",
    "g",
    "h1",
    "h2",
    "h3",
    "head",
    "header",
    "html",
    "ins",
    "li",
    "main",
    "mark",
    "marker",
    "meta",
    "nav",
    "ol",
    "p",
    "path",
    "q",
    "rect",
    "script",
    "section",
    "small",
    "span",
    "style",
    "svg",
    "table",
    "tbody",
    "td",
    "text",
    "th",
    "thead",
    "title",
    "tr",
    "ul",
];

/// Every start tag with its attributes. The report quotes every attribute value with `"` and
/// escapes `"` inside, so reading up to the next `"` is exact; text never holds a raw `<`.
fn tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out = Vec::new();
    // The inline script and style hold no tags; skip their bodies.
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        rest = &rest[i + 1..];
        if rest.starts_with('/') {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..end].to_string();
        rest = &rest[end..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.starts_with('>') || rest.is_empty() {
                break;
            }
            let k_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let key = rest[..k_end].to_lowercase();
            rest = &rest[k_end..];
            let mut value = String::new();
            if let Some(r) = rest.strip_prefix("=\"") {
                let v_end = r.find('"').expect("a closed attribute value");
                value = r[..v_end].to_string();
                rest = &r[v_end + 1..];
            }
            attrs.push((key, value));
        }
        if name == "script" || name == "style" {
            let close = format!("</{name}>");
            rest = &rest[rest.find(&close).expect("closed")..];
        }
        out.push((name, attrs));
    }
    out
}

#[test]
fn hostile_input_stays_text() {
    let html = hostile_report();
    let head = html.split("<head>").nth(1).expect("a head");
    assert!(
        head.trim_start()
            .starts_with("<meta http-equiv=\"Content-Security-Policy\""),
        "the policy comes first in <head>"
    );
    assert_eq!(html.matches("<script").count(), 1, "only our script");
    assert_eq!(html.matches("<style").count(), 1, "only our style");
    for bad in ["<img", "href=\"javascript:", "\u{202E}", "<b>c</b>"] {
        assert!(!html.contains(bad), "{bad:?} passed through");
    }
    // Every tag is one of ours, and none carries a handler or a `javascript:` URL.
    for (name, attrs) in tags(&html) {
        assert!(OUR_TAGS.contains(&name.as_str()), "<{name}> passed through");
        for (k, v) in attrs {
            assert!(!k.starts_with("on"), "<{name} {k}=…> passed through");
            assert!(
                !v.trim_start().to_lowercase().starts_with("javascript:"),
                "<{name} {k}=\"{v}\"> passed through"
            );
        }
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("[U+202E]"));
}

#[test]
fn every_place_link_has_its_anchor() {
    let html = hostile_report();
    let ids: BTreeSet<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    let links: Vec<&str> = html
        .split("href=\"#")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(
        links.iter().any(|l| l.starts_with("ev-")),
        "findings link to places"
    );
    for l in links {
        assert!(ids.contains(l), "#{l} has no element");
    }
}
