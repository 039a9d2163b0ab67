//! The HTML report: one self-contained page that people look at.
//!
//! Key decisions:
//! - Nothing leaves the page: the CSS and our small script are inline, and a
//!   Content-Security-Policy meta element, first in `<head>`, allows only those two by their
//!   sha256 hashes. A script or style smuggled in through an article cannot run even if
//!   escaping failed.
//! - Every text from an article goes through [`escape_html`]: markup is escaped, bidi control
//!   characters are shown as `[U+202E]` instead of reordering the page, other control
//!   characters are dropped. URLs are shown as text, never as links.
//! - The page reads without JavaScript: every finding links to its place in the article with a
//!   fragment (`#ev-…`), and every highlighted place links back. The script only adds arrow-key
//!   moves in the matrix.
//! - Evidence anchors are named by article index and byte span (`ev-2-120-188`), never by text
//!   from the input.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use model::{
    ConflictKind, DiffOp, EntityKind, Evidence, RenderingLabel, SourceKind, Span, StoryReport,
};
use sha2::{Digest, Sha256};

const STYLE: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");

/// Longest label drawn in the attribution graph, in characters.
const GRAPH_LABEL_CHARS: usize = 34;
/// Longest fact text shown in a matrix row, in characters.
const ROW_LABEL_CHARS: usize = 160;
/// Most back-links shown at one place of an article.
const MAX_BACK_LINKS: usize = 4;

/// Escapes text for HTML element content and quoted attribute values. Bidi controls become a
/// visible `[U+XXXX]`; other control characters except line breaks and tabs are dropped.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if is_bidi_control(c) => {
                let _ = write!(out, "[U+{:04X}]", c as u32);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The Content-Security-Policy of the page: nothing but our own style and script.
pub fn content_security_policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; img-src 'none'; base-uri 'none'; form-action 'none'",
        csp_hash(STYLE),
        csp_hash(SCRIPT)
    )
}

/// A Content-Security-Policy source for one inline style or script: `sha256-…` of its text.
pub fn csp_hash(s: &str) -> String {
    format!("sha256-{}", base64(&Sha256::digest(s.as_bytes())))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// What kind of finding points at a place; the strongest colours the highlight.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Other,
    Fact,
    Quote,
    Conflict,
}

impl Kind {
    fn class(self) -> &'static str {
        match self {
            Kind::Other => "k-other",
            Kind::Fact => "k-fact",
            Kind::Quote => "k-quote",
            Kind::Conflict => "k-conflict",
        }
    }
}

/// A finding that points at a place of an article: its element id and a short label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Referrer {
    kind: Kind,
    target: String,
    label: String,
}

/// The places findings point at, per article index and span, with who points at them.
struct Places<'r> {
    report: &'r StoryReport,
    doc_index: BTreeMap<&'r str, usize>,
    refs: BTreeMap<(usize, Span), BTreeSet<Referrer>>,
}

impl<'r> Places<'r> {
    fn new(report: &'r StoryReport) -> Self {
        let doc_index = report
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| (a.document.id.as_str(), i))
            .collect();
        Self {
            report,
            doc_index,
            refs: BTreeMap::new(),
        }
    }

    fn outlet(&self, doc: &str) -> String {
        self.doc_index
            .get(doc)
            .map(|&i| self.report.articles[i].document.outlet.name.clone())
            .unwrap_or_else(|| doc.to_string())
    }

    /// The anchor id of evidence, when it points into a known article within its text.
    fn anchor(&self, e: &Evidence) -> Option<String> {
        let i = *self.doc_index.get(e.doc.as_str())?;
        let text = &self.report.articles[i].document.text;
        e.span.get(text)?;
        Some(format!("ev-{i}-{}-{}", e.span.start, e.span.end))
    }

    /// Records that the finding `target` points at `e`, and returns a link to the place.
    fn link(&mut self, e: &Evidence, kind: Kind, target: &str, label: &str) -> String {
        let Some(anchor) = self.anchor(e) else {
            return String::new();
        };
        let i = self.doc_index[e.doc.as_str()];
        self.refs.entry((i, e.span)).or_default().insert(Referrer {
            kind,
            target: target.to_string(),
            label: label.to_string(),
        });
        format!(
            "<a class=\"loc\" href=\"#{anchor}\" title=\"bytes {}–{} of {}\">{}&nbsp;{}–{}</a>",
            e.span.start,
            e.span.end,
            escape_html(&e.doc),
            escape_html(&e.doc),
            e.span.start,
            e.span.end
        )
    }

    /// A quotation with its outlet and a link to its place.
    fn quote(&mut self, e: &Evidence, kind: Kind, target: &str, label: &str) -> String {
        let link = self.link(e, kind, target, label);
        format!(
            "<span class=\"outlet\">{}</span> <q class=\"qt\">{}</q> {link}",
            escape_html(&self.outlet(&e.doc)),
            escape_html(&e.text)
        )
    }
}

/// The report as one self-contained HTML page.
pub fn render_html(r: &StoryReport) -> String {
    let mut p = Places::new(r);
    // Findings first, so that the articles know every place pointed at.
    let summary = summary(&mut p);
    let matrix = matrix(&mut p);
    let facts = facts(&mut p);
    let conflicts = conflicts(&mut p);
    let quotes = quotes(&mut p);
    let graph = graph(&mut p);
    let entities = entities(&p);
    let others = others(&mut p);
    let articles = articles(&p);
    let diagnostics = diagnostics(r);

    let mut o = String::with_capacity(
        r.articles
            .iter()
            .map(|a| a.document.text.len())
            .sum::<usize>()
            * 2
            + 64 * 1024,
    );
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n<title>corroborate report: {} articles</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        content_security_policy(),
        r.articles.len()
    );
    let outlets: BTreeSet<&str> = r
        .articles
        .iter()
        .map(|a| a.document.outlet.name.as_str())
        .collect();
    let _ = write!(
        o,
        "<header><h1>corroborate report</h1><p class=\"meta\">{} articles from {} outlets · {} facts · {} conflicts · {} quoted statements · {} · report schema {}</p>\n<nav><a href=\"#summary\">Summary</a> <a href=\"#matrix\">Matrix</a> <a href=\"#facts\">Facts</a> <a href=\"#conflicts\">Conflicts</a> <a href=\"#quotes\">Who said what</a> <a href=\"#graph\">Who cites whom</a> <a href=\"#entities\">Entities</a> <a href=\"#more\">Framing, unique, missing</a> <a href=\"#articles\">Articles</a> <a href=\"#diagnostics\">Diagnostics ({})</a></nav></header>\n<main>\n",
        r.articles.len(),
        outlets.len(),
        r.findings.facts.len(),
        r.findings.conflicts.len(),
        r.findings.statements.len(),
        escape_html(&r.generator),
        escape_html(&r.schema_version),
        r.diagnostics.len()
    );
    for part in [
        summary,
        matrix,
        facts,
        conflicts,
        quotes,
        graph,
        entities,
        others,
        articles,
        diagnostics,
    ] {
        o.push_str(&part);
    }
    let _ = write!(o, "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n");
    o
}

fn section(o: &mut String, id: &str, title: &str, note: &str) {
    let _ = write!(o, "<section id=\"{id}\"><h2>{title}</h2>");
    if !note.is_empty() {
        let _ = write!(o, "<p class=\"note\">{note}</p>");
    }
}

fn none_found(o: &mut String, empty: bool) {
    if empty {
        o.push_str("<p class=\"none\">None found.</p>");
    }
}

fn summary(p: &mut Places) -> String {
    let mut o = String::new();
    let lines = &p.report.findings.summary;
    section(
        &mut o,
        "summary",
        "Summary",
        "The most independently corroborated facts, one sentence each, verbatim from an article, with the outlets that carry them.",
    );
    none_found(&mut o, lines.is_empty());
    o.push_str("<ol class=\"summary\">");
    for (n, s) in lines.iter().enumerate() {
        let id = format!("sum-{n}");
        let mut outlets: Vec<String> = Vec::new();
        for d in &s.docs {
            let name = p.outlet(d);
            if !outlets.contains(&name) {
                outlets.push(name);
            }
        }
        let link = p.link(&s.evidence, Kind::Other, &id, "summary");
        let _ = write!(
            o,
            "<li id=\"{id}\"><q class=\"qt\">{}</q> <span class=\"outlets\">{}</span> <a href=\"#fact-{}\">{}</a> {link}</li>",
            escape_html(&s.evidence.text),
            outlets
                .iter()
                .map(|n| format!("<span class=\"outlet\">{}</span>", escape_html(n)))
                .collect::<Vec<_>>()
                .join(" "),
            escape_html(&s.fact),
            escape_html(&s.fact)
        );
    }
    o.push_str("</ol></section>\n");
    o
}

/// What one article does with one fact: states it (its place, and a conflict when it also
/// says the opposite elsewhere), contradicts it (the conflict), or omits it.
enum Cell {
    States(Option<String>, Option<usize>),
    Contradicts(usize),
    Omits,
}

fn matrix(p: &mut Places) -> String {
    let r = p.report;
    let mut o = String::new();
    section(
        &mut o,
        "matrix",
        "Story matrix",
        "Facts down, articles across. Each cell says whether the article <b class=\"st\">states</b>, <b class=\"om\">omits</b> or <b class=\"ct\">contradicts</b> the fact, and links to the place. Move with the arrow keys; Enter follows the link.",
    );
    none_found(&mut o, r.findings.facts.is_empty());
    if r.findings.facts.is_empty() {
        o.push_str("</section>\n");
        return o;
    }
    o.push_str("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th scope=\"col\">Fact</th><th scope=\"col\" title=\"independent sources\">Indep.</th>");
    for a in &r.articles {
        let _ = write!(
            o,
            "<th scope=\"col\" class=\"art\"><span class=\"outlet\">{}</span><br><small>{}</small></th>",
            escape_html(&a.document.outlet.name),
            escape_html(&a.document.id)
        );
    }
    o.push_str("</tr></thead><tbody>");
    for fact in &r.findings.facts {
        let mut cells: Vec<Cell> = (0..r.articles.len()).map(|_| Cell::Omits).collect();
        for e in &fact.support {
            if let Some(&i) = p.doc_index.get(e.doc.as_str()) {
                let label = format!("fact {}", fact.id);
                p.link(e, Kind::Fact, &format!("fact-{}", fact.id), &label);
                cells[i] = Cell::States(p.anchor(e), None);
            }
        }
        // A conflict one of whose sides is part of this fact: the other side contradicts it.
        for (n, c) in r.findings.conflicts.iter().enumerate() {
            for (side, other) in [(&c.a, &c.b), (&c.b, &c.a)] {
                let supports = fact
                    .support
                    .iter()
                    .any(|e| e.doc == side.doc && e.span.overlaps(side.span));
                if !supports || other.doc == side.doc {
                    continue;
                }
                if let Some(&i) = p.doc_index.get(other.doc.as_str()) {
                    let states_it = fact
                        .support
                        .iter()
                        .any(|e| e.doc == other.doc && e.span.overlaps(other.span));
                    match &mut cells[i] {
                        Cell::States(_, also) if !states_it => *also = also.or(Some(n)),
                        Cell::States(..) => {}
                        cell => *cell = Cell::Contradicts(n),
                    }
                }
            }
        }
        let title = if fact.dependence.is_empty() {
            String::new()
        } else {
            format!(
                " title=\"not independent: {}\"",
                escape_html(&fact.dependence.join("; "))
            )
        };
        let _ = write!(
            o,
            "<tr><th scope=\"row\" id=\"row-{0}\"><a href=\"#fact-{0}\">{0}</a> {1}</th><td class=\"num\"{title}>{2}</td>",
            escape_html(&fact.id),
            escape_html(&truncate(&fact.text, ROW_LABEL_CHARS)),
            fact.independent_sources
        );
        for (i, cell) in cells.iter().enumerate() {
            let col = escape_html(&r.articles[i].document.outlet.name);
            match cell {
                Cell::States(anchor, also) => {
                    // Evidence outside its article's text (never expected) links to the fact.
                    let href = anchor
                        .clone()
                        .unwrap_or_else(|| format!("fact-{}", fact.id));
                    let also = also.map_or(String::new(), |n| {
                        format!(" <a class=\"also\" href=\"#c-{n}\" title=\"and says the opposite elsewhere\">✗ also contradicts</a>")
                    });
                    let _ = write!(
                        o,
                        "<td class=\"cell st\"><a href=\"#{}\" aria-label=\"{col} states {}\">✓ states</a>{also}</td>",
                        escape_html(&href),
                        escape_html(&fact.id)
                    );
                }
                Cell::Contradicts(n) => {
                    let _ = write!(
                        o,
                        "<td class=\"cell ct\"><a href=\"#c-{n}\" aria-label=\"{col} contradicts {}\">✗ contradicts</a></td>",
                        escape_html(&fact.id)
                    );
                }
                Cell::Omits => {
                    let _ = write!(
                        o,
                        "<td class=\"cell om\"><span aria-label=\"{col} omits {}\">– omits</span></td>",
                        escape_html(&fact.id)
                    );
                }
            }
        }
        o.push_str("</tr>");
    }
    o.push_str("</tbody></table></div></section>\n");
    o
}

fn facts(p: &mut Places) -> String {
    let r = p.report;
    let mut o = String::new();
    section(
        &mut o,
        "facts",
        "Corroborated",
        "Each fact with every article's sentence. Outlets that copy each other or credit the same upstream source count once.",
    );
    none_found(&mut o, r.findings.facts.is_empty());
    for fact in &r.findings.facts {
        let id = format!("fact-{}", fact.id);
        let _ = write!(
            o,
            "<article class=\"finding\" id=\"{id}\"><h3>{} — {} independent source{}, {} article{}</h3><ul>",
            escape_html(&fact.id),
            fact.independent_sources,
            if fact.independent_sources == 1 { "" } else { "s" },
            fact.support.len(),
            if fact.support.len() == 1 { "" } else { "s" }
        );
        let label = format!("fact {}", fact.id);
        for e in &fact.support {
            let _ = write!(o, "<li>{}</li>", p.quote(e, Kind::Fact, &id, &label));
        }
        o.push_str("</ul>");
        for d in &fact.dependence {
            let _ = write!(
                o,
                "<p class=\"dep\">not independent: {}</p>",
                escape_html(d)
            );
        }
        o.push_str("</article>");
    }
    o.push_str("</section>\n");
    o
}

fn conflict_kind(k: ConflictKind) -> &'static str {
    match k {
        ConflictKind::Value => "value",
        ConflictKind::Certainty => "certainty",
        ConflictKind::Scope => "scope",
        ConflictKind::Inverted => "inverted",
        ConflictKind::Internal => "internal",
    }
}

fn conflicts(p: &mut Places) -> String {
    let r = p.report;
    let mut o = String::new();
    section(
        &mut o,
        "conflicts",
        "Contested",
        "Statements that cannot both hold, both sides quoted.",
    );
    none_found(&mut o, r.findings.conflicts.is_empty());
    for (n, c) in r.findings.conflicts.iter().enumerate() {
        let id = format!("c-{n}");
        let kind = conflict_kind(c.kind);
        let label = format!("{kind} conflict");
        let a = p.quote(&c.a, Kind::Conflict, &id, &label);
        let b = p.quote(&c.b, Kind::Conflict, &id, &label);
        let _ = write!(
            o,
            "<article class=\"finding conflict\" id=\"{id}\"><h3><span class=\"badge ct\">{kind}</span> confidence {:.0}%</h3><p>{}</p><div class=\"sides\"><blockquote>{a}</blockquote><blockquote>{b}</blockquote></div></article>",
            c.confidence * 100.0,
            escape_html(&c.explanation)
        );
    }
    o.push_str("</section>\n");
    o
}

fn rendering_label(l: RenderingLabel) -> &'static str {
    match l {
        RenderingLabel::Verbatim => "verbatim",
        RenderingLabel::Partial => "partial",
        RenderingLabel::Altered => "altered",
        RenderingLabel::Paraphrase => "paraphrase",
        RenderingLabel::Inverted => "inverted",
    }
}

fn quotes(p: &mut Places) -> String {
    let r = p.report;
    let mut o = String::new();
    section(
        &mut o,
        "quotes",
        "Who said what",
        "Each quoted statement with each article's rendering; altered and inverted ones with a word diff against the fullest verbatim wording (<ins>added</ins>, <del>dropped</del>).",
    );
    none_found(&mut o, r.findings.statements.is_empty());
    for (n, s) in r.findings.statements.iter().enumerate() {
        let id = format!("q-{n}");
        let _ = write!(
            o,
            "<article class=\"finding\" id=\"{id}\"><h3>{}: <q class=\"qt\">{}</q></h3><table class=\"renderings\"><tbody>",
            escape_html(s.speaker.as_deref().unwrap_or("unknown speaker")),
            escape_html(&s.text)
        );
        for rd in &s.renderings {
            let label = rendering_label(rd.label);
            let quote = p.quote(&rd.evidence, Kind::Quote, &id, "quotation");
            let _ = write!(
                o,
                "<tr><td><span class=\"badge r-{label}\">{label}</span></td><td>{quote}"
            );
            if !rd.diff.is_empty() {
                o.push_str("<div class=\"diff\">");
                let words: Vec<String> = rd
                    .diff
                    .iter()
                    .map(|op| match op {
                        DiffOp::Same(t) => escape_html(t),
                        DiffOp::Added(t) => format!("<ins>{}</ins>", escape_html(t)),
                        DiffOp::Dropped(t) => format!("<del>{}</del>", escape_html(t)),
                    })
                    .collect();
                o.push_str(&words.join(" "));
                o.push_str("</div>");
            }
            o.push_str("</td></tr>");
        }
        o.push_str("</tbody></table></article>");
    }
    o.push_str("</section>\n");
    o
}

fn source_kind(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Outlet => "outlet",
        SourceKind::Official => "official",
        SourceKind::Platform => "platform",
        SourceKind::Document => "document",
        SourceKind::Organization => "organisation",
    }
}

/// The attribution graph as SVG: crediting outlets on the left, credited sources on the right,
/// one arrow per distinct pair, its width by the number of credits.
fn graph(p: &mut Places) -> String {
    let r = p.report;
    let f = &r.findings;
    let mut o = String::new();
    section(
        &mut o,
        "graph",
        "Who cites whom",
        "Each article's outlet (left) and the sources it credits (right). The source named as the first to report is marked ★.",
    );
    if let Some(first) = &f.first_reported_by {
        let by: Vec<String> = first
            .said_by
            .iter()
            .map(|e| {
                let link = p.link(e, Kind::Other, "graph", "first reporter");
                format!(
                    "<span class=\"outlet\">{}</span> {link}",
                    escape_html(&p.outlet(&e.doc))
                )
            })
            .collect();
        let _ = write!(
            o,
            "<p class=\"first\">★ First reported by <b>{}</b>, according to {}.</p>",
            escape_html(&first.outlet),
            by.join(", ")
        );
    }
    none_found(&mut o, f.attributions.is_empty());
    if f.attributions.is_empty() {
        o.push_str("</section>\n");
        return o;
    }
    let mut left: Vec<&str> = Vec::new();
    let mut right: Vec<&str> = Vec::new();
    let mut edges: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for a in &f.attributions {
        let l = position(&mut left, &a.outlet);
        let rt = position(&mut right, &a.source);
        *edges.entry((l, rt)).or_default() += 1;
    }
    let first = f
        .first_reported_by
        .as_ref()
        .map(|x| x.outlet.to_lowercase());
    let row = 30;
    let (lx, rx, w, node_w) = (8, 452, 720, 260);
    let h = row * left.len().max(right.len()) + 16;
    let y = |i: usize| 8 + i * row + row / 2;
    let _ = write!(
        o,
        "<div class=\"scroll\"><svg class=\"graph\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"attribution graph: {} crediting outlets, {} sources\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0 0L10 5L0 10z\" fill=\"#555\"/></marker></defs>",
        left.len(),
        right.len()
    );
    for (&(l, rt), &n) in &edges {
        let (y1, y2) = (y(l), y(rt));
        let (x1, x2) = (lx + node_w, rx - 2);
        let mid = (x1 + x2) / 2;
        let _ = write!(
            o,
            "<path class=\"edge\" d=\"M{x1} {y1}C{mid} {y1} {mid} {y2} {x2} {y2}\" stroke-width=\"{}\" marker-end=\"url(#arrow)\"><title>{} credits {} ({n}×)</title></path>",
            1 + n.min(4),
            escape_html(left[l]),
            escape_html(right[rt])
        );
    }
    for (i, name) in left.iter().enumerate() {
        node(&mut o, lx, y(i), node_w, name, false);
    }
    for (i, name) in right.iter().enumerate() {
        let is_first = first.as_deref() == Some(name.to_lowercase().as_str());
        node(&mut o, rx, y(i), node_w, name, is_first);
    }
    o.push_str("</svg></div><ul class=\"edges\">");
    for (n, a) in f.attributions.iter().enumerate() {
        let id = format!("g-{n}");
        let link = p.link(&a.evidence, Kind::Other, &id, "credit");
        let _ = write!(
            o,
            "<li id=\"{id}\"><span class=\"outlet\">{}</span> → <b>{}</b> <small>({})</small>: <q class=\"qt\">{}</q> {link}</li>",
            escape_html(&a.outlet),
            escape_html(&a.source),
            source_kind(a.kind),
            escape_html(&a.evidence.text)
        );
    }
    o.push_str("</ul></section>\n");
    o
}

fn position<'a>(list: &mut Vec<&'a str>, name: &'a str) -> usize {
    match list.iter().position(|n| *n == name) {
        Some(i) => i,
        None => {
            list.push(name);
            list.len() - 1
        }
    }
}

fn node(o: &mut String, x: usize, y: usize, w: usize, name: &str, first: bool) {
    let class = if first { "node first" } else { "node" };
    let star = if first { "★ " } else { "" };
    let _ = write!(
        o,
        "<g class=\"{class}\"><rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"24\" rx=\"5\"/><text x=\"{}\" y=\"{}\">{star}{}</text><title>{}</title></g>",
        y - 12,
        x + 8,
        y + 5,
        escape_html(&truncate(name, GRAPH_LABEL_CHARS)),
        escape_html(name)
    );
}

fn entity_kind(k: EntityKind) -> &'static str {
    match k {
        EntityKind::Person => "person",
        EntityKind::Organization => "organisation",
        EntityKind::Outlet => "outlet",
        EntityKind::Place => "place",
        EntityKind::Other => "other",
    }
}

fn entities(p: &Places) -> String {
    let f = &p.report.findings;
    let mut o = String::new();
    section(
        &mut o,
        "entities",
        "Entities",
        "People and organisations with the forms each article uses; warnings where a form gives another name, title or role.",
    );
    none_found(&mut o, f.entities.is_empty());
    if !f.entities.is_empty() {
        o.push_str("<div class=\"scroll\"><table class=\"entities\"><thead><tr><th>Entity</th><th>Kind</th><th>Forms (article)</th><th>Warning</th></tr></thead><tbody>");
        for e in &f.entities {
            // Each form once, with the articles that use it.
            let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
            for x in &e.forms {
                match grouped.iter_mut().find(|(f, _)| *f == x.form) {
                    Some((_, docs)) => docs.push(&x.doc),
                    None => grouped.push((&x.form, vec![&x.doc])),
                }
            }
            let forms: Vec<String> = grouped
                .iter()
                .map(|(form, docs)| {
                    let docs: Vec<String> = docs.iter().map(|d| escape_html(d)).collect();
                    format!("{} <small>({})</small>", escape_html(form), docs.join(", "))
                })
                .collect();
            let flags: Vec<String> = e
                .flags
                .iter()
                .map(|x| {
                    format!(
                        "<span class=\"warn\">{} writes {} — {}</span>",
                        escape_html(&p.outlet(&x.doc)),
                        escape_html(&x.form),
                        escape_html(&x.reason)
                    )
                })
                .collect();
            let _ = write!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape_html(&e.canonical),
                entity_kind(e.kind),
                forms.join(", "),
                flags.join("<br>")
            );
        }
        o.push_str("</tbody></table></div>");
    }
    o.push_str("</section>\n");
    o
}

/// Framing, unique facts and omissions: per-outlet findings.
fn others(p: &mut Places) -> String {
    let r = p.report;
    let f = &r.findings;
    let mut o = String::new();
    section(
        &mut o,
        "more",
        "Framing, only in one outlet, missing from",
        "",
    );
    o.push_str("<h3>Framing</h3>");
    none_found(&mut o, f.framing.is_empty());
    o.push_str("<ul>");
    for (n, x) in f.framing.iter().enumerate() {
        let id = format!("fr-{n}");
        let q = p.quote(&x.evidence, Kind::Other, &id, "framing");
        let _ = write!(o, "<li id=\"{id}\">{q} — {}</li>", escape_html(&x.reason));
    }
    o.push_str("</ul><h3>Only in one outlet</h3>");
    none_found(&mut o, f.unique.is_empty());
    o.push_str("<ul>");
    for (n, u) in f.unique.iter().enumerate() {
        let id = format!("u-{n}");
        let q = p.quote(&u.evidence, Kind::Other, &id, "only here");
        match &u.detail {
            Some(d) => {
                let _ = write!(
                    o,
                    "<li id=\"{id}\">only this outlet names <b>{}</b>: {q}</li>",
                    escape_html(d)
                );
            }
            None => {
                let _ = write!(o, "<li id=\"{id}\">{q}</li>");
            }
        }
    }
    o.push_str("</ul><h3>Missing from</h3>");
    none_found(&mut o, f.omissions.is_empty());
    o.push_str("<ul>");
    for m in &f.omissions {
        let _ = write!(
            o,
            "<li><span class=\"outlet\">{}</span> lacks <a href=\"#fact-{}\">{}</a></li>",
            escape_html(&p.outlet(&m.doc)),
            escape_html(&m.fact),
            escape_html(&m.fact)
        );
    }
    o.push_str("</ul></section>\n");
    o
}

fn articles(p: &Places) -> String {
    let r = p.report;
    let mut o = String::new();
    section(
        &mut o,
        "articles",
        "Articles",
        "Side by side, every place a finding rests on highlighted; the small links after a place lead back to its findings.",
    );
    none_found(&mut o, r.articles.is_empty());
    o.push_str("<div class=\"cols\">");
    for (i, a) in r.articles.iter().enumerate() {
        let d = &a.document;
        let _ = write!(
            o,
            "<article class=\"doc\" id=\"doc-{i}\"><header><h3><span class=\"outlet\">{}</span> <small>{}</small></h3>",
            escape_html(&d.outlet.name),
            escape_html(&d.id)
        );
        if let Some(t) = &d.title {
            let _ = write!(o, "<p class=\"title\">{}</p>", escape_html(t));
        }
        let mut meta = vec![escape_html(&d.source)];
        meta.extend(d.published.as_deref().map(escape_html));
        meta.extend(d.byline.as_deref().map(escape_html));
        // Shown as text, never as a link: a page must not carry a `javascript:` URL into ours.
        meta.extend(d.url.as_deref().map(escape_html));
        let _ = write!(
            o,
            "<p class=\"meta\">{} · {} sentences</p></header><div class=\"text\" tabindex=\"0\">",
            meta.join(" · "),
            a.analysis.sentences.len()
        );
        article_text(&mut o, p, i, &d.text);
        o.push_str("</div></article>");
    }
    o.push_str("</div></section>\n");
    o
}

/// The article's text with every place a finding points at highlighted. Places may overlap
/// (a clause inside a sentence): the text is cut at every boundary, and each piece is marked
/// with the strongest kind covering it. At each place's start, an anchor with links back.
fn article_text(o: &mut String, p: &Places, i: usize, text: &str) {
    let places: Vec<(&Span, &BTreeSet<Referrer>)> = p
        .refs
        .range((i, Span::new(0, 0))..=(i, Span::new(usize::MAX, usize::MAX)))
        .map(|((_, s), refs)| (s, refs))
        .collect();
    let mut cuts: BTreeSet<usize> = BTreeSet::from([0, text.len()]);
    for (s, _) in &places {
        cuts.insert(s.start);
        cuts.insert(s.end);
    }
    let cuts: Vec<usize> = cuts.into_iter().collect();
    // Places are sorted by start: a sweep adds those starting at each cut and drops the ended.
    let mut next = 0;
    let mut open: Vec<(usize, Kind)> = Vec::new();
    for w in cuts.windows(2) {
        let (from, to) = (w[0], w[1]);
        open.retain(|&(end, _)| end > from);
        while next < places.len() && places[next].0.start == from {
            let (span, refs) = places[next];
            let kind = refs.iter().map(|r| r.kind).max().unwrap_or(Kind::Other);
            back_links(o, i, span, refs);
            if span.end > from {
                open.push((span.end, kind));
            }
            next += 1;
        }
        let piece = escape_html(text.get(from..to).unwrap_or(""));
        match open.iter().map(|&(_, k)| k).max() {
            Some(k) => {
                let _ = write!(o, "<mark class=\"{}\">{piece}</mark>", k.class());
            }
            None => o.push_str(&piece),
        }
    }
}

fn back_links(o: &mut String, i: usize, span: &Span, refs: &BTreeSet<Referrer>) {
    let _ = write!(
        o,
        "<span class=\"anc\" id=\"ev-{i}-{}-{}\">",
        span.start, span.end
    );
    // Strongest first, so that a conflict's link is never the one left out.
    let mut sorted: Vec<&Referrer> = refs.iter().collect();
    sorted.sort_by(|a, b| b.kind.cmp(&a.kind).then_with(|| a.target.cmp(&b.target)));
    for r in sorted.iter().take(MAX_BACK_LINKS) {
        let _ = write!(
            o,
            "<a class=\"back\" href=\"#{}\" title=\"back to the {}\">{}</a>",
            r.target,
            escape_html(&r.label),
            escape_html(short_label(&r.target))
        );
    }
    if sorted.len() > MAX_BACK_LINKS {
        let _ = write!(o, "<small>+{}</small>", sorted.len() - MAX_BACK_LINKS);
    }
    o.push_str("</span>");
}

fn short_label(target: &str) -> &str {
    target.strip_prefix("fact-").unwrap_or(target)
}

fn diagnostics(r: &StoryReport) -> String {
    let mut o = String::new();
    section(
        &mut o,
        "diagnostics",
        "Diagnostics",
        "Problems met with the inputs.",
    );
    none_found(&mut o, r.diagnostics.is_empty());
    o.push_str("<ul class=\"diags\">");
    for d in &r.diagnostics {
        let sev = d.severity.name();
        let _ = write!(
            o,
            "<li class=\"{sev}\"><b>{sev}</b> <code>{}</code>: {}</li>",
            escape_html(&d.source),
            escape_html(&d.message)
        );
    }
    o.push_str("</ul></section>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_bidi_are_neutralised() {
        let e = escape_html("</script><img src=x onerror=\"alert(1)\">\u{202E}evil\u{7}");
        assert!(!e.contains('<') && !e.contains('"') && !e.contains('\u{202E}'));
        assert!(e.contains("[U+202E]evil") && !e.contains('\u{7}'));
    }

    #[test]
    fn base64_matches_the_standard() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("ééé", 2), "éé…");
        assert_eq!(truncate("ab", 2), "ab");
    }
}
