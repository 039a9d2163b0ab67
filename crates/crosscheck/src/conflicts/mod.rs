//! Conflicts between statements: two statements about one slot (the same event or state, the
//! same subject and predicate, the same time frame) whose values cannot both hold.
//!
//! Each rule is a [`Rule`] in its own file under `rules/`, with its fixtures and tests; a
//! rule proposes [`Candidate`]s and abstains unless the two statements are aligned on
//! everything but the clashing value, because a false alarm costs a user more than a miss.
//! What a source claims and another denies is a dispute both outlets report, not a conflict
//! between the outlets, so rules leave quotations of different speakers alone.
//!
//! Then, in [`conflicts`]: nested clauses are dropped (their whole statements are compared),
//! one conflict is kept per pair of statements and per statement and other article (the most
//! confident), and a judge, when the pipeline provides one, vetoes the pairs it finds
//! entailed. Two sides in one article make an internal conflict.

pub mod judge;
pub mod lexicon;
pub mod rules;
pub mod values;

use std::collections::HashSet;

use model::{ArticleReport, Conflict, ConflictKind, Judge, Modality};

pub use judge::RuleJudge;

use crate::align::{features::key_of, Alignment, Stmt};
use crate::text::{is_stopword, words};
use crate::tuning::{Tuning, TUNING};
use crate::Services;
use lexicon::has;
use values::Value;

/// What the rules need of a statement, computed once.
#[derive(Debug)]
pub struct Info {
    /// Lower-cased words, in order.
    pub lower: Vec<String>,
    /// Key terms of its content words.
    pub keys: HashSet<String>,
    /// Key terms of its lower-case content words (names left out).
    pub lower_keys: HashSet<String>,
    /// Affirmative (an even number of negations).
    pub affirmative: bool,
    /// Under a condition, or hedged.
    pub conditional: bool,
    /// Told as hearsay ("reportedly").
    pub hearsay: bool,
    /// Says something is unclear or unknown.
    pub uncertain: bool,
    /// Typed values.
    pub values: Vec<Value>,
}

impl Info {
    /// True when the statement asserts what it says, without condition, hearsay or doubt.
    pub fn firm(&self) -> bool {
        !self.conditional && !self.hearsay && !self.uncertain
    }
}

/// What every rule sees: the statements, what is known of each, their neighbours and the
/// tuned numbers.
pub struct Context<'a> {
    /// Statements, grouping and neighbours.
    pub al: &'a Alignment,
    /// One per statement.
    pub infos: &'a [Info],
    /// The tuned numbers.
    pub tuning: &'a Tuning,
}

impl Context<'_> {
    /// Pairs (i < j) of neighbouring whole statements at least `min` alike, in index order.
    pub fn near_pairs(&self, min: f32) -> Vec<(usize, usize, f32)> {
        let mut out: Vec<(usize, usize, f32)> = Vec::new();
        for (i, row) in self.al.neighbours.iter().enumerate() {
            for &(j, sim) in row {
                if sim >= min && i < j {
                    out.push((i, j, sim));
                } else if sim >= min && j < i && !self.al.neighbours[j].iter().any(|p| p.0 == i) {
                    out.push((j, i, sim));
                }
            }
        }
        out.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        out.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        out
    }

    /// True when the two statements quote different named speakers: what one source says and
    /// another denies is their dispute, not the outlets'.
    pub fn different_speakers(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.al.stmts[i], &self.al.stmts[j]);
        (a.quoted || b.quoted)
            && !a.speaker_keys.is_empty()
            && !b.speaker_keys.is_empty()
            && a.speaker_keys.iter().all(|k| !b.speaker_keys.contains(k))
    }
}

/// A conflict a rule proposes between two statements (indices into [`Alignment::stmts`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    /// Side `a`.
    pub a: usize,
    /// Side `b`.
    pub b: usize,
    /// Its kind (made internal later when both sides are in one article).
    pub kind: ConflictKind,
    /// One line for a person.
    pub explanation: String,
    /// 0 to 1: the share of such candidates that are real, as measured on basil-dev.
    pub confidence: f32,
}

/// One conflict rule.
pub trait Rule {
    /// Its name, for reports and tests.
    fn name(&self) -> &'static str;
    /// Pushes the candidates it finds.
    fn find(&self, cx: &Context<'_>, out: &mut Vec<Candidate>);
}

/// A conflict and the two statements (indices into [`Alignment::stmts`]) it sets against
/// each other.
#[derive(Clone, Debug)]
pub struct Opposed {
    /// Side `a`.
    pub a: usize,
    /// Side `b`.
    pub b: usize,
    /// The finding.
    pub conflict: Conflict,
}

/// What the rules know of each statement of `al`.
pub fn infos(al: &Alignment) -> Vec<Info> {
    al.stmts.iter().map(info).collect()
}

fn info(s: &Stmt) -> Info {
    let ws = words(&s.text);
    let lower: Vec<String> = ws.iter().map(|w| w.lower.clone()).collect();
    let lower_keys: HashSet<String> = ws
        .iter()
        .filter(|w| {
            !is_stopword(&w.lower)
                && w.span
                    .text(&s.text)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
        })
        .map(|w| key_of(&w.lower))
        .collect();
    Info {
        affirmative: lexicon::affirmative(&lower),
        conditional: has(&lower, "conditional") || s.modality == Modality::Hedged,
        hearsay: has(&lower, "hearsay"),
        uncertain: has(&lower, "uncertain"),
        values: values::values(&s.text),
        keys: s.keys.iter().cloned().collect(),
        lower_keys,
        lower,
    }
}

/// Statements that cannot both hold.
pub fn conflicts(
    articles: &[ArticleReport],
    al: &Alignment,
    services: Services<'_>,
) -> Vec<Opposed> {
    let infos = infos(al);
    let cx = Context {
        al,
        infos: &infos,
        tuning: &TUNING,
    };
    let mut found: Vec<Candidate> = Vec::new();
    for rule in rules::all() {
        rule.find(&cx, &mut found);
    }
    let found = settle(al, found);
    let found = match services.judge {
        Some(judge) => veto(judge, al, found, TUNING.judge_veto),
        None => found,
    };
    found
        .into_iter()
        .map(|c| {
            let (sa, sb) = (&al.stmts[c.a], &al.stmts[c.b]);
            let kind = if sa.doc == sb.doc {
                ConflictKind::Internal
            } else {
                c.kind
            };
            Opposed {
                a: c.a,
                b: c.b,
                conflict: Conflict {
                    kind,
                    a: crate::align::features::evidence(articles, sa),
                    b: crate::align::features::evidence(articles, sb),
                    explanation: c.explanation,
                    confidence: c.confidence,
                },
            }
        })
        .collect()
}

/// Keeps one candidate per pair of statements and per statement and other article (two
/// sentences of one article against the same claim are one disagreement), the most confident;
/// nested clauses only serve to corroborate and are dropped.
fn settle(al: &Alignment, mut found: Vec<Candidate>) -> Vec<Candidate> {
    found.retain(|c| al.stmts[c.a].part_of.is_none() && al.stmts[c.b].part_of.is_none());
    found.sort_by(|x, y| {
        y.confidence
            .total_cmp(&x.confidence)
            .then(x.a.cmp(&y.a))
            .then(x.b.cmp(&y.b))
    });
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    found.retain(|c| seen.insert((c.a.min(c.b), c.a.max(c.b))));
    let mut against: HashSet<(usize, usize)> = HashSet::new();
    found.retain(|c| {
        let (da, db) = (al.stmts[c.a].doc, al.stmts[c.b].doc);
        if da == db {
            return true;
        }
        if against.contains(&(c.a, db)) || against.contains(&(c.b, da)) {
            return false;
        }
        against.insert((c.a, db));
        against.insert((c.b, da));
        true
    });
    found
}

/// Drops the candidates a model judge finds entailed.
fn veto(judge: &dyn Judge, al: &Alignment, found: Vec<Candidate>, limit: f32) -> Vec<Candidate> {
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|c| (al.stmts[c.a].text.as_str(), al.stmts[c.b].text.as_str()))
        .collect();
    match judge.judge(&pairs) {
        Ok(verdicts) if verdicts.len() == found.len() => found
            .into_iter()
            .zip(verdicts)
            .filter(|(_, v)| v.entails < limit)
            .map(|(c, _)| c)
            .collect(),
        _ => found,
    }
}
