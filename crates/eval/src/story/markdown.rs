//! The Markdown report of a [`StoryScore`]: a table per category, then what was missed, wrong
//! or falsely reported, item by item.

use std::fmt::Write;

use super::{Outcome, StoryScore, Verdict};

/// Most outcomes of one verdict listed per category; the rest are counted.
const MAX_LISTED: usize = 60;

/// One row of a category table: a measure, its count and, when it is a share, the whole.
struct Row {
    measure: &'static str,
    got: usize,
    of: Option<usize>,
}

fn row(measure: &'static str, got: usize, of: Option<usize>) -> Row {
    Row { measure, got, of }
}

fn share(got: usize, of: usize) -> String {
    if of == 0 {
        "—".into()
    } else {
        format!("{:.0}%", 100.0 * got as f64 / of as f64)
    }
}

fn table(md: &mut String, rows: &[Row]) {
    md.push_str("| measure | count | of | share |\n|---|---:|---:|---:|\n");
    for r in rows {
        let (of, sh) = match r.of {
            Some(of) => (of.to_string(), share(r.got, of)),
            None => ("—".into(), "—".into()),
        };
        // Writing to a String cannot fail.
        let _ = writeln!(md, "| {} | {} | {of} | {sh} |", r.measure, r.got);
    }
    md.push('\n');
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Hit => "found",
        Verdict::Partial => "partly",
        Verdict::Missed => "missed",
        Verdict::Wrong => "wrong",
        Verdict::FalseAlarm => "false alarm",
        Verdict::Extra => "not in gold",
        Verdict::Note => "note",
    }
}

/// Lists every outcome but hits, grouped by verdict, worst first.
fn outcomes(md: &mut String, noun: &str, items: &[Outcome]) {
    for v in [
        Verdict::Missed,
        Verdict::Partial,
        Verdict::Wrong,
        Verdict::FalseAlarm,
        Verdict::Extra,
        Verdict::Note,
    ] {
        let these: Vec<&Outcome> = items.iter().filter(|o| o.verdict == v).collect();
        for o in these.iter().take(MAX_LISTED) {
            let _ = writeln!(md, "- {} {noun} {}: {}", verdict_word(v), o.item, o.message);
        }
        if these.len() > MAX_LISTED {
            let _ = writeln!(
                md,
                "- … and {} more {}",
                these.len() - MAX_LISTED,
                verdict_word(v)
            );
        }
    }
    if items.iter().any(|o| o.verdict != Verdict::Hit) {
        md.push('\n');
    }
}

/// A readable report of `score`: a table per category with counts and shares, then the missed
/// items, false alarms and wrong speakers, labels or outlets, each with its evidence.
pub fn render_markdown(score: &StoryScore) -> String {
    let d = &score.details;
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Story `{}` (gold format {})\n",
        score.story, score.gold_format
    );
    outcomes(&mut md, "document", &d.documents);
    if let Some(s) = &score.boilerplate {
        md.push_str("## Boilerplate\n\n");
        table(
            &mut md,
            &[
                row("boilerplate lines removed", s.removed, Some(s.lines)),
                row("body lines kept", s.body_kept, Some(s.body_lines)),
            ],
        );
        outcomes(&mut md, "in", &d.boilerplate);
        if !d.layout.is_empty() {
            let right = d
                .layout
                .iter()
                .filter(|o| o.verdict == Verdict::Hit)
                .count();
            let expected = d
                .layout
                .iter()
                .filter(|o| o.verdict != Verdict::FalseAlarm)
                .count();
            let _ = writeln!(
                md,
                "### Layout (not in the JSON)\n\n{right} of {expected} gold parts found.\n"
            );
            outcomes(&mut md, "in", &d.layout);
        }
    }
    if let Some(s) = &score.facts {
        md.push_str("## Facts\n\n");
        table(
            &mut md,
            &[
                row("facts found", s.found, Some(s.total)),
                row("supports grouped", s.supports_grouped, Some(s.supports)),
            ],
        );
        outcomes(&mut md, "fact", &d.facts);
    }
    if let Some(s) = &score.contradictions {
        md.push_str("## Contradictions\n\n");
        table(
            &mut md,
            &[
                row("contradictions found", s.found, Some(s.total)),
                row("false alarms", s.false_alarms, Some(s.reported)),
            ],
        );
        outcomes(&mut md, "contradiction", &d.contradictions);
    }
    if let Some(s) = &score.quotes {
        md.push_str("## Quotes\n\n");
        table(
            &mut md,
            &[
                row("quotes found", s.found, Some(s.total)),
                row("speaker right (of found)", s.speaker_right, Some(s.found)),
                row("quotes reported", s.reported, None),
                row(
                    "not-quotes reported as quotes",
                    s.not_quotes_reported,
                    Some(s.not_quotes),
                ),
            ],
        );
        outcomes(&mut md, "quote", &d.quotes);
    }
    if let Some(s) = &score.renderings {
        md.push_str("## Renderings\n\n");
        table(&mut md, &[row("labels right", s.right, Some(s.total))]);
        outcomes(&mut md, "rendering", &d.renderings);
    }
    if let Some(s) = &score.attributions {
        md.push_str("## Attributions\n\n");
        table(
            &mut md,
            &[
                row("sources found", s.found, Some(s.total)),
                row("sources reported", s.reported, None),
            ],
        );
        outcomes(&mut md, "attribution in", &d.attributions);
    }
    if let Some(s) = &score.first_reported_by {
        md.push_str("## First reported by\n\n");
        let _ = writeln!(md, "Right: **{}**\n", if s.right { "yes" } else { "no" });
        outcomes(&mut md, "first report by", &d.first_reported_by);
    }
    if let Some(s) = &score.entities {
        md.push_str("## Entities\n\n");
        table(
            &mut md,
            &[
                row("forms resolved", s.resolved, Some(s.forms)),
                row("flags found", s.flags_found, Some(s.flags)),
                row("false flags", s.false_flags, None),
            ],
        );
        outcomes(&mut md, "entity", &d.entities);
    }
    if let Some(s) = &score.framing {
        md.push_str("## Framing\n\n");
        table(
            &mut md,
            &[
                row("framing found", s.found, Some(s.total)),
                row("framing reported", s.reported, None),
            ],
        );
        outcomes(&mut md, "framing in", &d.framing);
    }
    if let Some(s) = &score.unique {
        md.push_str("## Unique\n\n");
        table(
            &mut md,
            &[row("unique facts found", s.found, Some(s.total))],
        );
        outcomes(&mut md, "unique in", &d.unique);
    }
    md
}
