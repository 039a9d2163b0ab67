//! Values: two statements that fill one slot with values that cannot both hold — a
//! different amount, count, share, year or weekday ("apologized on Saturday" / "on Friday",
//! "$5.6 billion" / "$5.7 billion", "a 48-page indictment" / "47-page").
//!
//! It abstains unless the two are aligned on everything but the value:
//! - the statements are alike (lexical similarity at least `value_sim`), neither in doubt
//!   nor hearsay, the two values alike in being stated or guessed ("may", "would" beside
//!   them), and the statements not the quotations of two different speakers;
//! - exactly one kind of value clashes: when two kinds differ ("5 % in 2019" / "7 % in
//!   2020") the statements speak of different time frames or events, and so they may when
//!   only one of them names a year;
//! - the clashing values' neighbourhoods share at least `value_context` of their key terms
//!   (they are the values of the same thing);
//! - within one article, the two also share a value of another kind or are at least
//!   `internal_sim` alike: an article gives many figures of one kind for many things;
//! - no name stands beside either value, in its clause, that the other statement lacks
//!   ("Lee won 21 percent" / "Park won 6 percent" are two subjects).

use model::ConflictKind;

use crate::conflicts::values::{year_like, Kind, Value};
use crate::conflicts::{Candidate, Context, Info, Rule};

/// The value rule.
#[derive(Debug, Clone, Copy)]
pub struct Values;

impl Rule for Values {
    fn name(&self) -> &'static str {
        "values"
    }

    fn find(&self, cx: &Context<'_>, out: &mut Vec<Candidate>) {
        let t = cx.tuning;
        for (i, j, sim) in cx.near_pairs(t.value_sim) {
            let (a, b) = (&cx.infos[i], &cx.infos[j]);
            // Doubt or hearsay anywhere unsettles the statement; a condition only where it
            // stands by the value (below).
            let unsettled = |x: &Info| x.uncertain || x.hearsay;
            if a.values.is_empty() || b.values.is_empty() || unsettled(a) || unsettled(b) {
                continue;
            }
            if cx.different_speakers(i, j) {
                continue;
            }
            let Some(Clash {
                a: va,
                b: vb,
                overlap,
                anchored,
            }) = clash(a, b)
            else {
                continue;
            };
            // Days are the weakest slot: outlets tell of many events in a week.
            let need = if va.kind == Kind::Weekday {
                t.value_context.max(0.5)
            } else {
                t.value_context
            };
            if overlap < need || va.hedged != vb.hedged || other_subjects(va, vb, a, b) {
                continue;
            }
            // One article gives many figures of one kind, for many things: two of them
            // clash only when the statements also share a value or are near copies.
            let internal = cx.al.stmts[i].doc == cx.al.stmts[j].doc;
            if internal && !anchored && sim < t.internal_sim {
                continue;
            }
            out.push(Candidate {
                a: i,
                b: j,
                kind: ConflictKind::Value,
                explanation: format!(
                    "{} against {} for the same {}",
                    show(va),
                    show(vb),
                    slot(va)
                ),
                confidence: confidence(sim, overlap),
            });
        }
    }
}

/// The one kind of value the two statements disagree on, with the two values whose
/// neighbourhoods agree best; none when no kind clashes, more than one does, or a kind
/// agrees in part.
fn clash<'a>(a: &'a Info, b: &'a Info) -> Option<Clash<'a>> {
    let mut kinds: Vec<&Kind> = a.values.iter().map(|v| &v.kind).collect();
    kinds.sort();
    kinds.dedup();
    let mut clashing = None;
    let mut anchored = false;
    for kind in kinds {
        let xs: Vec<&Value> = a.values.iter().filter(|v| &v.kind == kind).collect();
        let ys: Vec<&Value> = b.values.iter().filter(|v| &v.kind == kind).collect();
        if ys.is_empty() {
            continue;
        }
        let matched = |xs: &[&Value], ys: &[&Value]| {
            xs.iter()
                .filter(|x| ys.iter().any(|y| x.compatible(y)))
                .count()
        };
        let (mx, my) = (matched(&xs, &ys), matched(&ys, &xs));
        if mx == xs.len() && my == ys.len() {
            // The same values on both sides: the statements share an anchor.
            anchored = true;
            continue;
        }
        // Some values agree and some do not ("2007 through 2014" / "for 2014"): another
        // time frame or another part, not a clash.
        if mx > 0 || my > 0 || clashing.is_some() {
            return None;
        }
        let mut best: Option<(&Value, &Value, f32)> = None;
        for x in &xs {
            for y in &ys {
                let o = context_overlap(x, y);
                if best.is_none_or(|b| o > b.2) {
                    best = Some((x, y, o));
                }
            }
        }
        clashing = best;
    }
    // A year on one side only ("45.8 percent" / "31.55 percent from 2007 through 2014",
    // "between 2011 and 2014"): the figures may be of two time frames, as when the years
    // differ (above).
    let dated = |x: &Info| {
        x.lower
            .iter()
            .any(|w| year_like(w.trim_matches(|c: char| !c.is_ascii_digit())))
    };
    if clashing.is_some_and(|(x, _, _)| x.kind != Kind::Year) && dated(a) != dated(b) {
        return None;
    }
    clashing.map(|(a, b, overlap)| Clash {
        a,
        b,
        overlap,
        anchored,
    })
}

/// The clashing values of two statements.
struct Clash<'a> {
    a: &'a Value,
    b: &'a Value,
    /// Shared neighbourhood key terms over the smaller neighbourhood.
    overlap: f32,
    /// True when the statements also share a value of another kind.
    anchored: bool,
}

fn context_overlap(x: &Value, y: &Value) -> f32 {
    let smaller = x.context.len().min(y.context.len());
    if smaller == 0 {
        return 0.0;
    }
    let shared = x.context.iter().filter(|k| y.context.contains(k)).count();
    shared as f32 / smaller as f32
}

/// True when either value has a name beside it, in its clause, that the other statement does
/// not carry: the values may be of two subjects.
fn other_subjects(va: &Value, vb: &Value, a: &Info, b: &Info) -> bool {
    let missing = |v: &Value, other: &Info| v.names.iter().any(|n| !other.keys.contains(n));
    missing(va, b) || missing(vb, a)
}

/// A share of real conflicts among the candidates of this rule, rising with how alike the
/// statements and the values' neighbourhoods are; see `eval/reports/basil-dev.md`.
fn confidence(sim: f32, overlap: f32) -> f32 {
    (0.4 + 0.3 * overlap + 0.5 * (sim - 0.3).max(0.0)).min(0.95)
}

fn show(v: &Value) -> String {
    let fig = |x: f64| {
        let (x, scale) = if x.abs() >= 1e9 {
            (x / 1e9, " billion")
        } else if x.abs() >= 1e6 {
            (x / 1e6, " million")
        } else {
            (x, "")
        };
        let r = (x * 1000.0).round() / 1000.0;
        format!("{r}{scale}")
    };
    let sign = match v.kind {
        Kind::Money(c) => c.to_string(),
        _ => String::new(),
    };
    let pct = if v.kind == Kind::Percent { "%" } else { "" };
    let fig = |x: f64| format!("{sign}{}{pct}", fig(x));
    match &v.kind {
        Kind::Weekday => weekday_name(v.low),
        Kind::Year => format!("{}", v.low),
        _ if v.low.is_finite() && v.high.is_finite() => fig((v.low + v.high) / 2.0),
        _ if v.low.is_finite() => format!("more than {}", fig(v.low)),
        _ => format!("up to {}", fig(v.high)),
    }
}

fn weekday_name(i: f64) -> String {
    crate::conflicts::lexicon::lexicon()
        .section("weekdays")
        .nth(i as usize)
        .and_then(|d| d.first().cloned())
        .unwrap_or_default()
}

fn slot(v: &Value) -> String {
    match &v.kind {
        Kind::Money(c) => format!("amount ({c})"),
        Kind::Percent => "share".into(),
        Kind::Count(noun) => format!("count ({noun}…)"),
        Kind::Year => "year".into(),
        Kind::Weekday => "day".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conflicts::rules::run_rule;

    #[test]
    fn fixtures() {
        // Each case: the articles, then what the rule reports (a snapshot per case).
        let cases: [(&str, &[&str]); 8] = [
            (
                "different_year_same_slot",
                &[
                    "Okafor has led the harbour board since 2002.\n\nThe board met on Monday.",
                    "Okafor has led the harbour board since 2003, and critics say that is too long.",
                ],
            ),
            (
                "different_amount_same_slot",
                &[
                    "The council will divert $3.5 billion from the ferry construction budget to the bridge.",
                    "The council plans to divert $3.6 billion from ferry construction projects to the bridge.",
                ],
            ),
            (
                "rounded_figure_agrees",
                &[
                    "The couple earned $140,937,785 over the eight years, mostly from lectures.",
                    "The couple earned roughly $141 million over the eight years, mostly from lectures.",
                ],
            ),
            (
                "two_subjects_are_no_clash",
                &[
                    "In the poll, Lindqvist leads the field with 21 percent of voters.",
                    "In the poll, Haldane follows the field with 6 percent of voters.",
                ],
            ),
            (
                "two_kinds_differ_is_another_time_frame",
                &[
                    "Exports of timber rose 5 percent in 2019, the ministry said.",
                    "Exports of timber rose 7 percent in 2020, the ministry said.",
                ],
            ),
            (
                "a_share_without_years_clashes",
                &[
                    "The harbour's effective fee rate for tankers was 12.5 percent, the audit found.",
                    "The harbour's effective fee rate for tankers was 9.8 percent, the port audit found.",
                ],
            ),
            (
                "a_year_on_one_side_is_another_time_frame",
                &[
                    "The harbour's effective fee rate for tankers was 12.5 percent, the audit found.",
                    "From 2015 through 2019 the harbour's effective fee rate for tankers was 9.8 percent, the audit found.",
                ],
            ),
            (
                "speakers_disputing_is_not_the_outlets",
                &[
                    "“We will spend $2 million on the school roof,” Mayor Okafor said.",
                    "“They will spend $9 million on the school roof,” the rival candidate Brandt said.",
                ],
            ),
        ];
        for (name, texts) in cases {
            insta::assert_debug_snapshot!(name, run_rule(&Values, texts));
        }
    }
}
