use std::fmt::Write;

use model::{BlockKind, ConflictKind, Evidence, OutletSource, RenderingLabel, StoryReport};

/// Escapes text for Markdown: characters that could start markup are backslash-escaped, HTML
/// is neutralised, and line breaks become spaces, so article text stays text.
pub fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn quote(e: &Evidence) -> String {
    format!(
        "«{}» ({} {}–{})",
        escape_md(&e.text),
        escape_md(&e.doc),
        e.span.start,
        e.span.end
    )
}

/// The report for people.
pub fn render_markdown(r: &StoryReport) -> String {
    let mut o = String::new();
    let outlets = |doc: &str| {
        r.articles
            .iter()
            .find(|a| a.document.id == doc)
            .map(|a| a.document.outlet.name.clone())
            .unwrap_or_else(|| doc.to_string())
    };
    let _ = writeln!(o, "# corroborate report\n");
    let _ = writeln!(
        o,
        "{} articles. Spans are byte offsets into each article's text. Report schema {}.\n",
        r.articles.len(),
        escape_md(&r.schema_version)
    );

    let _ = writeln!(o, "## Articles\n");
    let _ = writeln!(
        o,
        "| id | outlet (from) | headline | sentences | furniture lines removed |"
    );
    let _ = writeln!(o, "|---|---|---|---|---|");
    for a in &r.articles {
        let d = &a.document;
        let removed = d
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Boilerplate)
            .count();
        let _ = writeln!(
            o,
            "| {} | {} ({}) | {} | {} | {} |",
            escape_md(&d.id),
            escape_md(&d.outlet.name),
            outlet_source(d.outlet.source),
            escape_md(d.title.as_deref().unwrap_or("—")),
            a.analysis.sentences.len(),
            removed
        );
    }
    o.push('\n');

    let f = &r.findings;
    section(&mut o, "Summary", f.summary.is_empty());
    for s in &f.summary {
        let docs: Vec<String> = s.docs.iter().map(|d| escape_md(&outlets(d))).collect();
        let _ = writeln!(o, "- {} — {}", escape_md(&s.evidence.text), docs.join(", "));
    }

    section(&mut o, "Corroborated", f.facts.is_empty());
    for fact in &f.facts {
        let _ = writeln!(
            o,
            "### {} — {} independent source(s), {} outlet(s)\n",
            escape_md(&fact.id),
            fact.independent_sources,
            fact.support.len()
        );
        for e in &fact.support {
            let _ = writeln!(o, "- {}: {}", escape_md(&outlets(&e.doc)), quote(e));
        }
        for d in &fact.dependence {
            let _ = writeln!(o, "- not independent: {}", escape_md(d));
        }
        o.push('\n');
    }

    section(&mut o, "Contested", f.conflicts.is_empty());
    for c in &f.conflicts {
        let kind = match c.kind {
            ConflictKind::Value => "value",
            ConflictKind::Certainty => "certainty",
            ConflictKind::Scope => "scope",
            ConflictKind::Inverted => "inverted",
            ConflictKind::Internal => "internal",
        };
        let _ = writeln!(
            o,
            "- **{kind}** ({:.0}%): {}",
            c.confidence * 100.0,
            escape_md(&c.explanation)
        );
        let _ = writeln!(o, "  - {}: {}", escape_md(&outlets(&c.a.doc)), quote(&c.a));
        let _ = writeln!(o, "  - {}: {}", escape_md(&outlets(&c.b.doc)), quote(&c.b));
    }

    section(&mut o, "Who said what", f.statements.is_empty());
    for s in &f.statements {
        let speaker = s.speaker.as_deref().unwrap_or("unknown speaker");
        let _ = writeln!(o, "### {}: «{}»\n", escape_md(speaker), escape_md(&s.text));
        for rd in &s.renderings {
            let label = match rd.label {
                RenderingLabel::Verbatim => "verbatim",
                RenderingLabel::Partial => "partial",
                RenderingLabel::Altered => "altered",
                RenderingLabel::Paraphrase => "paraphrase",
                RenderingLabel::Inverted => "INVERTED",
            };
            let _ = writeln!(
                o,
                "- {} — {label}: {}",
                escape_md(&outlets(&rd.evidence.doc)),
                quote(&rd.evidence)
            );
            if !rd.diff.is_empty() {
                let mut diff = String::new();
                for op in &rd.diff {
                    match op {
                        model::DiffOp::Same(t) => diff.push_str(&escape_md(t)),
                        model::DiffOp::Added(t) => {
                            let _ = write!(diff, "{{+{}+}}", escape_md(t));
                        }
                        model::DiffOp::Dropped(t) => {
                            let _ = write!(diff, "{{-{}-}}", escape_md(t));
                        }
                    }
                    diff.push(' ');
                }
                let _ = writeln!(o, "  - diff: {}", diff.trim_end());
            }
        }
        o.push('\n');
    }

    section(&mut o, "Entities", f.entities.is_empty());
    if !f.entities.is_empty() {
        let _ = writeln!(o, "| entity | kind | forms (outlet) | warning |");
        let _ = writeln!(o, "|---|---|---|---|");
        for e in &f.entities {
            let forms: Vec<String> = e
                .forms
                .iter()
                .map(|x| format!("{} ({})", escape_md(&x.form), escape_md(&x.doc)))
                .collect();
            let flags: Vec<String> = e
                .flags
                .iter()
                .map(|x| {
                    format!(
                        "{} writes {} — {}",
                        escape_md(&x.doc),
                        escape_md(&x.form),
                        escape_md(&x.reason)
                    )
                })
                .collect();
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                escape_md(&e.canonical),
                format!("{:?}", e.kind).to_lowercase(),
                forms.join(", "),
                flags.join("; ")
            );
        }
        o.push('\n');
    }

    section(
        &mut o,
        "Who cites whom",
        f.attributions.is_empty() && f.first_reported_by.is_none(),
    );
    if let Some(first) = &f.first_reported_by {
        let by: Vec<String> = first
            .said_by
            .iter()
            .map(|e| escape_md(&outlets(&e.doc)))
            .collect();
        let _ = writeln!(
            o,
            "First reported by **{}**, according to {}.\n",
            escape_md(&first.outlet),
            by.join(", ")
        );
    }
    for a in &f.attributions {
        let _ = writeln!(
            o,
            "- {} → {} ({}): {}",
            escape_md(&a.outlet),
            escape_md(&a.source),
            format!("{:?}", a.kind).to_lowercase(),
            quote(&a.evidence)
        );
    }

    section(&mut o, "Framing", f.framing.is_empty());
    for x in &f.framing {
        let _ = writeln!(
            o,
            "- {}: {} — {}",
            escape_md(&outlets(&x.evidence.doc)),
            quote(&x.evidence),
            escape_md(&x.reason)
        );
    }

    section(&mut o, "Only in one outlet", f.unique.is_empty());
    for u in &f.unique {
        let _ = match &u.detail {
            Some(d) => writeln!(
                o,
                "- only {} names {}: {}",
                escape_md(&outlets(&u.evidence.doc)),
                escape_md(d),
                quote(&u.evidence)
            ),
            None => writeln!(
                o,
                "- only {}: {}",
                escape_md(&outlets(&u.evidence.doc)),
                quote(&u.evidence)
            ),
        };
    }

    section(&mut o, "Missing from", f.omissions.is_empty());
    for m in &f.omissions {
        let _ = writeln!(
            o,
            "- {} lacks {}",
            escape_md(&outlets(&m.doc)),
            escape_md(&m.fact)
        );
    }

    section(&mut o, "Diagnostics", r.diagnostics.is_empty());
    for d in &r.diagnostics {
        let sev = d.severity.name();
        let _ = writeln!(
            o,
            "- {sev}: {}: {}",
            escape_md(&d.source),
            escape_md(&d.message)
        );
    }
    o
}

fn outlet_source(s: OutletSource) -> &'static str {
    match s {
        OutletSource::Jsonl => "JSON Lines record",
        OutletSource::SiteName => "og:site_name",
        OutletSource::JsonLd => "JSON-LD publisher",
        OutletSource::CanonicalHost => "canonical host",
        OutletSource::SelfReference => "named in its own text",
        OutletSource::FileName => "file name",
    }
}

fn section(o: &mut String, title: &str, empty: bool) {
    let _ = writeln!(o, "\n## {title}\n");
    if empty {
        let _ = writeln!(o, "None found.");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_does_not_pass_through() {
        let e = escape_md("<script>alert(1)</script> *bold* [link](x) | pipe\nnext");
        assert!(!e.contains('<') && !e.contains('\n'));
        assert!(e.contains("\\*bold\\*") && e.contains("\\[link\\]") && e.contains("\\|"));
    }
}
