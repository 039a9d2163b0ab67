//! The app's own small pages: the upload form, the story list, errors. No script; one inline
//! style allowed by its hash.

use std::fmt::Write;

use report::escape_html;

use crate::StoryEntry;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:50rem;margin:1rem auto;padding:0 1rem;line-height:1.45}textarea{width:100%;min-height:14rem;font:inherit}fieldset{margin:1rem 0}button{font-size:1rem;padding:.3rem 1rem}code{background:#f3f3f3;padding:0 .2rem}.err{color:#b3261e}";

/// The Content-Security-Policy of the app's own pages: our style, forms posting here only.
/// Without `frame-ancestors`, which a meta element cannot carry (the header adds it).
pub(crate) fn csp() -> String {
    format!(
        "default-src 'none'; style-src '{}'; form-action 'self'; base-uri 'none'",
        report::csp_hash(STYLE)
    )
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta http-equiv=\"Content-Security-Policy\" content=\"{}\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        csp(),
        escape_html(title)
    )
}

pub(crate) fn index(has_store: bool, max_body_bytes: usize) -> String {
    let stories = if has_store {
        "<p><a href=\"/stories\">Browse the stories of the corpus store</a></p>"
    } else {
        ""
    };
    page(
        "corroborate",
        &format!(
            "<h1>corroborate</h1><p>Paste an article, or upload the articles of one story (plain text, HTML, JSON Lines), and read what the outlets agree on, where they clash, and who quoted whom.</p>{stories}\
<form method=\"post\" action=\"/analyze\" enctype=\"multipart/form-data\">\
<fieldset><legend>Upload files</legend><input type=\"file\" name=\"files\" multiple accept=\".txt,.html,.htm,.jsonl,.ndjson,.gz\"></fieldset>\
<fieldset><legend>Or paste articles</legend><p><label>Article 1<br><textarea name=\"text\"></textarea></label></p><p><label>Article 2<br><textarea name=\"text\"></textarea></label></p></fieldset>\
<button type=\"submit\">Analyse</button> <small>up to {} MB in all</small></form>\
<h2>API</h2><p><code>POST /api/v1/analyze?name=a.html</code> with the article as the body, or a JSON body <code>{{\"articles\":[{{\"name\":\"a.txt\",\"content\":\"…\"}}]}}</code>, returns the JSON report; <code>GET /api/v1/reports/ID</code> reads it again; <code>/api/v1/stories</code> lists the store's stories.</p>",
            max_body_bytes >> 20
        ),
    )
}

pub(crate) fn stories(list: &[StoryEntry]) -> String {
    let mut body = String::from("<h1>Stories</h1><p><a href=\"/\">New analysis</a></p><ul>");
    for s in list {
        let _ = write!(
            body,
            "<li><a href=\"/stories/{}\">{}</a> <small>{} articles</small></li>",
            percent_encode(&s.id),
            escape_html(&s.title),
            s.articles
        );
    }
    body.push_str("</ul>");
    page("corroborate: stories", &body)
}

pub(crate) fn error(message: &str) -> String {
    page(
        "corroborate: error",
        &format!(
            "<h1>corroborate</h1><p class=\"err\">{}</p><p><a href=\"/\">Back</a></p>",
            escape_html(message)
        ),
    )
}

/// A path segment: everything but unreserved characters percent-encoded.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn story_ids_cannot_leave_the_path() {
        assert_eq!(percent_encode("a/../\"x"), "a%2F..%2F%22x");
    }
}
