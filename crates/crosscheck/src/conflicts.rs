//! Conflicts between statements.
//!
//! Rules, each narrow, each abstaining unless its conditions hold (false alarms are what make
//! such tools unusable):
//!   - duration: one statement bounds the event ("temporary", "by three months"), another
//!     leaves it open or makes it permanent;
//!   - certainty: a statement says a slot ("how long") or a proposition ("whether …") is
//!     unclear, another asserts it firmly;
//!   - comment: a body "declined to comment" / "has not commented", and the same body (by its
//!     head word) is said to have clarified or confirmed something on that topic;
//!   - scope: "does not apply to Y" against "X and Y"; "all N" against "only … N"; "all (of) N"
//!     against "ADJ N" in the same fact;
//!   - inverted: near-identical statements of opposite polarity ("no greater … than" affirms,
//!     "refused to deny" affirms);
//!   - values: different amounts of one unit, different weekdays, or words of different classes
//!     of one antonym slot, in statements of one fact.
//!
//! Two sides in one article make an internal conflict. The lists live in `data/cues.txt` and
//! `data/antonyms.tsv`.

pub mod judge;
pub mod lexicon;

use std::collections::{HashMap, HashSet};

use model::{ArticleReport, Conflict, ConflictKind, Fact, Judge, Modality};

pub use judge::RuleJudge;

use crate::align::{features::key_of, Alignment, Stmt};
use crate::text::{is_stopword, words};
use crate::Services;
use lexicon::{find_all, has, lexicon};

/// Candidate partners per statement for the similarity-based rules.
const NEIGHBOURS: usize = 12;
/// Statements at least this similar may be inverted copies of each other.
const INVERTED_SIM: f32 = 0.38;
/// Statements at least this similar (outside a shared fact) may disagree on a value.
const VALUE_SIM: f32 = 0.5;
/// Cap on the statements a cue-based rule pairs up, so that large inputs stay fast.
const MAX_CUED: usize = 400;
/// A judge verdict of entailment above this drops a candidate conflict.
const JUDGE_VETO: f32 = 0.8;

/// What the rules need of a statement, computed once.
struct Info {
    lower: Vec<String>,
    raw: Vec<String>,
    keys: HashSet<String>,
    lower_keys: HashSet<String>,
    affirmative: bool,
    conditional: bool,
    hearsay: bool,
    uncertain: bool,
    duration: Option<&'static str>,
    on_topic: bool,
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

/// Statements that cannot both hold.
pub fn conflicts(
    articles: &[ArticleReport],
    al: &Alignment,
    services: Services<'_>,
) -> Vec<Opposed> {
    let topic = topic_keys(al, articles.len());
    let infos: Vec<Info> = al.stmts.iter().map(|s| info(s, &topic)).collect();
    let mut found: Vec<(usize, usize, ConflictKind, String, f32)> = Vec::new();
    duration_rule(al, &infos, &mut found);
    certainty_rule(al, &infos, &topic, &mut found);
    comment_rule(al, &infos, &topic, &mut found);
    scope_rules(al, &infos, &mut found);
    let neighbours = neighbours(al);
    inverted_rule(al, &infos, &neighbours, &mut found);
    value_rules(al, &infos, &neighbours, &mut found);

    // Nested clauses only serve to corroborate; their whole statements are compared here.
    found.retain(|&(a, b, ..)| al.stmts[a].part_of.is_none() && al.stmts[b].part_of.is_none());
    // One conflict per pair of statements: the first rule that fired. And one per statement
    // and other article: two sentences of one article against the same claim are one
    // disagreement, reported once, by its most confident pair.
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    found.retain(|&(a, b, ..)| seen.insert((a.min(b), a.max(b))));
    found.sort_by(|x, y| y.4.total_cmp(&x.4));
    let mut against: HashSet<(usize, usize)> = HashSet::new();
    found.retain(|&(a, b, ..)| {
        let (da, db) = (al.stmts[a].doc, al.stmts[b].doc);
        if da == db || against.contains(&(a, db)) || against.contains(&(b, da)) {
            return da == db;
        }
        against.insert((a, db));
        against.insert((b, da));
        true
    });
    if let Some(judge) = services.judge {
        found = veto(judge, al, found);
    }
    found
        .into_iter()
        .map(|(a, b, kind, explanation, confidence)| {
            let (sa, sb) = (&al.stmts[a], &al.stmts[b]);
            let kind = if sa.doc == sb.doc {
                ConflictKind::Internal
            } else {
                kind
            };
            Opposed {
                a,
                b,
                conflict: Conflict {
                    kind,
                    a: crate::align::features::evidence(articles, sa),
                    b: crate::align::features::evidence(articles, sb),
                    explanation,
                    confidence,
                },
            }
        })
        .collect()
}

/// Drops the candidates a model judge finds entailed.
fn veto(
    judge: &dyn Judge,
    al: &Alignment,
    found: Vec<(usize, usize, ConflictKind, String, f32)>,
) -> Vec<(usize, usize, ConflictKind, String, f32)> {
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|&(a, b, ..)| (al.stmts[a].text.as_str(), al.stmts[b].text.as_str()))
        .collect();
    match judge.judge(&pairs) {
        Ok(verdicts) if verdicts.len() == found.len() => found
            .into_iter()
            .zip(verdicts)
            .filter(|(_, v)| v.entails < JUDGE_VETO)
            .map(|((a, b, k, e, c), v)| (a, b, k, e, c.max(v.contradicts).min(0.95)))
            .collect(),
        _ => found,
    }
}

/// Key terms of the story's event: those in the opening statements of at least half the
/// articles (and of two).
fn topic_keys(al: &Alignment, docs: usize) -> HashSet<String> {
    let mut per_doc: HashMap<usize, HashSet<&String>> = HashMap::new();
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for s in al.stmts.iter().filter(|s| s.part_of.is_none()) {
        let n = seen.entry(s.doc).or_insert(0);
        *n += 1;
        if *n <= 3 {
            per_doc.entry(s.doc).or_default().extend(s.keys.iter());
        }
    }
    let mut count: HashMap<&String, usize> = HashMap::new();
    for keys in per_doc.values() {
        for k in keys {
            *count.entry(*k).or_insert(0) += 1;
        }
    }
    let need = docs.div_ceil(2).max(2);
    count
        .into_iter()
        .filter(|&(_, c)| c >= need)
        .map(|(k, _)| k.clone())
        .collect()
}

fn info(s: &Stmt, topic: &HashSet<String>) -> Info {
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
    let raw = lexicon::raw_words(&s.text);
    let keys: HashSet<String> = s.keys.iter().cloned().collect();
    let referent = lexicon()
        .section("referents")
        .any(|r| !find_all(&lower, r).is_empty());
    Info {
        affirmative: lexicon::affirmative(&lower),
        conditional: has(&lower, "conditional") || s.modality == Modality::Hedged,
        hearsay: has(&lower, "hearsay"),
        uncertain: has(&lower, "uncertain"),
        duration: duration_class(&lower, &raw),
        on_topic: referent || keys.iter().any(|k| topic.contains(k)),
        lower,
        raw,
        keys,
        lower_keys,
    }
}

/// The duration class a statement gives its event: an antonym class of the `duration` slot,
/// or "bounded" for an explicit span ("by three months", "a six-week pause").
fn duration_class(lower: &[String], raw: &[String]) -> Option<&'static str> {
    let lex = lexicon();
    for c in lex.antonyms.iter().filter(|c| c.slot == "duration") {
        if lower.iter().any(|w| c.words.contains(w)) {
            return Some(match c.class.as_str() {
                "bounded" => "bounded",
                "open" => "open",
                _ => "permanent",
            });
        }
    }
    // An explicit span bounds the event only in a statement about a delay or a pause: "for
    // four days" of an outage is no duration of the story's event.
    let delay_keys: HashSet<String> = lex
        .section("delay_nouns")
        .filter_map(|d| d.first())
        .map(|d| key_of(d))
        .collect();
    if !lower.iter().any(|w| delay_keys.contains(&key_of(w))) {
        return None;
    }
    let unit = |w: &str| {
        lex.section("duration_units")
            .any(|u| u.first().is_some_and(|u| u == w))
    };
    let delay = |w: &str| {
        lex.section("delay_nouns")
            .any(|u| u.first().is_some_and(|u| u == w))
    };
    for (i, w) in raw.iter().enumerate() {
        // "by three months", "for six weeks"
        if (w == "by" || w == "for")
            && raw.get(i + 2).is_some_and(|u| unit(u))
            && raw.get(i + 1).is_some_and(|n| is_number(n))
        {
            return Some("bounded");
        }
        // "a three-month delay"
        if let Some((n, u)) = w.split_once('-') {
            if is_number(n)
                && (unit(u) || unit(&format!("{u}s")))
                && raw.get(i + 1).is_some_and(|d| delay(d))
            {
                return Some("bounded");
            }
        }
    }
    None
}

fn is_number(w: &str) -> bool {
    const WORDS: [&str; 12] = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    w.chars().all(|c| c.is_ascii_digit()) && !w.is_empty() || WORDS.contains(&w)
}

/// For each statement, its most similar statements (any article), strongest first.
pub(crate) fn neighbours_of(al: &Alignment) -> Vec<Vec<(usize, f32)>> {
    neighbours(al)
}

fn neighbours(al: &Alignment) -> Vec<Vec<(usize, f32)>> {
    let mut postings: HashMap<u32, Vec<usize>> = HashMap::new();
    for (i, s) in al.stmts.iter().enumerate() {
        for &(id, _) in &s.vector {
            postings.entry(id).or_default().push(i);
        }
    }
    let max_df = (al.stmts.len() / 4).max(8);
    al.stmts
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let mut cand: HashSet<usize> = HashSet::new();
            for &(id, _) in &s.vector {
                if let Some(list) = postings.get(&id).filter(|l| l.len() <= max_df) {
                    cand.extend(list.iter().copied().filter(|&j| j != i));
                }
            }
            let mut row: Vec<(usize, f32)> = cand
                .into_iter()
                .map(|j| (j, al.lexical(i, j)))
                .filter(|p| p.1 >= 0.2)
                .collect();
            row.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            row.truncate(NEIGHBOURS);
            row
        })
        .collect()
}

type Found = Vec<(usize, usize, ConflictKind, String, f32)>;

fn duration_rule(al: &Alignment, infos: &[Info], out: &mut Found) {
    let cued: Vec<usize> = (0..infos.len())
        .filter(|&i| {
            infos[i].duration.is_some()
                && !infos[i].conditional
                && !infos[i].uncertain
                && infos[i].on_topic
        })
        .take(MAX_CUED)
        .collect();
    for (x, &i) in cued.iter().enumerate() {
        for &j in &cued[x + 1..] {
            let (Some(a), Some(b)) = (infos[i].duration, infos[j].duration) else {
                continue;
            };
            if a != b {
                out.push((
                    i,
                    j,
                    ConflictKind::Value,
                    format!("one account calls its duration {a}, the other {b}"),
                    0.7,
                ));
            }
        }
    }
    let _ = al;
}

fn certainty_rule(al: &Alignment, infos: &[Info], topic: &HashSet<String>, out: &mut Found) {
    let lex = lexicon();
    let firm = |j: usize| !infos[j].conditional && !infos[j].hearsay && !infos[j].uncertain;
    let unsure: Vec<usize> = (0..infos.len())
        .filter(|&i| infos[i].uncertain)
        .take(MAX_CUED)
        .collect();
    for &u in &unsure {
        let iu = &infos[u];
        // "It is unclear how long …" against a firm duration.
        if lex
            .section("duration_slot")
            .any(|p| !find_all(&iu.lower, p).is_empty())
            && iu.on_topic
        {
            for (j, inf_j) in infos.iter().enumerate() {
                if al.stmts[j].doc != al.stmts[u].doc
                    && inf_j.duration.is_some()
                    && firm(j)
                    && inf_j.on_topic
                {
                    out.push((
                        j,
                        u,
                        ConflictKind::Certainty,
                        "one account states how long it lasts; the other says that is unclear"
                            .into(),
                        0.6,
                    ));
                }
            }
        }
        // "It is unclear whether P" against P stated firmly.
        let Some(w) = iu.lower.iter().position(|w| w == "whether") else {
            continue;
        };
        let ws = words(&al.stmts[u].text);
        let p: HashSet<String> = ws
            .iter()
            .skip(w + 1)
            .filter(|x| !is_stopword(&x.lower))
            .map(|x| key_of(&x.lower))
            .collect();
        let p_lower: HashSet<String> = ws
            .iter()
            .skip(w + 1)
            .filter(|x| {
                !is_stopword(&x.lower)
                    && x.span
                        .text(&al.stmts[u].text)
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase)
            })
            .map(|x| key_of(&x.lower))
            .collect();
        if p.len() < 3 {
            continue;
        }
        for (j, inf_j) in infos.iter().enumerate() {
            if al.stmts[j].doc == al.stmts[u].doc || !firm(j) {
                continue;
            }
            let shared = p.intersection(&inf_j.keys).count();
            let shared_lower = p_lower
                .intersection(&inf_j.lower_keys)
                .filter(|k| !topic.contains(*k))
                .count();
            if shared as f32 / p.len() as f32 >= 0.4 && shared_lower >= 2 {
                out.push((
                    j,
                    u,
                    ConflictKind::Certainty,
                    "one account states it firmly; the other says whether it holds is unclear"
                        .into(),
                    0.6,
                ));
            }
        }
    }
}

/// The head of the subject before word `at`: the last content word between the previous
/// comma-delimited break and `at`, from the statement's text.
fn subject_before(s: &Stmt, at: usize) -> (Vec<String>, Option<String>) {
    let ws = words(&s.text);
    let mut start = at.min(ws.len());
    while start > 0 && at - start < 6 {
        let gap = s
            .text
            .get(ws[start - 1].span.end..ws[start].span.start.max(ws[start - 1].span.end))
            .unwrap_or("");
        if start < ws.len() && gap.contains([',', ';', ':', '“', '"']) {
            break;
        }
        start -= 1;
    }
    let subj: Vec<String> = ws[start..at.min(ws.len())]
        .iter()
        .map(|w| w.lower.clone())
        .collect();
    let head = subj.iter().rev().find(|w| !is_stopword(w)).cloned();
    (subj, head)
}

fn comment_rule(al: &Alignment, infos: &[Info], topic: &HashSet<String>, out: &mut Found) {
    let lex = lexicon();
    let is_comment = |w: &str| {
        lex.section("comment")
            .any(|c| c.first().is_some_and(|c| c == w))
    };
    let is_spoke = |w: &str| {
        lex.section("spoke")
            .any(|c| c.first().is_some_and(|c| c == w))
    };
    let is_person = |w: &str| {
        lex.section("person_heads")
            .any(|c| c.first().is_some_and(|c| c == w))
    };
    // Silent bodies: (statement, head word, specific topic keys, all topic keys).
    let mut silent: Vec<(usize, String, HashSet<String>, HashSet<String>)> = Vec::new();
    for (i, inf) in infos.iter().enumerate() {
        for neg in lexicon::negations(&inf.lower) {
            let Some(c) =
                (neg + 1..(neg + 4).min(inf.lower.len())).find(|&k| is_comment(&inf.lower[k]))
            else {
                continue;
            };
            // The subject ends where the negation cue starts.
            let cue_start = (0..=neg)
                .rev()
                .take(3)
                .find(|&k| {
                    matches!(
                        inf.lower[k].as_str(),
                        "declined" | "declines" | "refused" | "not" | "never" | "failed"
                    )
                })
                .unwrap_or(neg);
            let aux_start = (0..cue_start)
                .rev()
                .take_while(|&k| {
                    matches!(
                        inf.lower[k].as_str(),
                        "has"
                            | "have"
                            | "had"
                            | "did"
                            | "does"
                            | "do"
                            | "was"
                            | "is"
                            | "so"
                            | "far"
                    )
                })
                .last()
                .unwrap_or(cue_start);
            let (_, head) = subject_before(&al.stmts[i], aux_start);
            let Some(head) = head else { continue };
            if is_person(&head) {
                continue;
            }
            let mut about: HashSet<String> = HashSet::new();
            if inf
                .lower
                .get(c + 1)
                .is_some_and(|w| w == "on" || w == "about")
            {
                about = inf
                    .lower
                    .iter()
                    .skip(c + 2)
                    .filter(|w| !is_stopword(w))
                    .map(|w| key_of(w))
                    .collect();
            }
            let specific: HashSet<String> = about
                .iter()
                .filter(|k| !topic.contains(*k))
                .cloned()
                .collect();
            silent.push((i, key_of(&head), specific, about));
            break;
        }
        if silent.len() >= MAX_CUED {
            break;
        }
    }
    if silent.is_empty() {
        return;
    }
    let silent_ids: HashSet<usize> = silent.iter().map(|s| s.0).collect();
    for (j, inf) in infos.iter().enumerate() {
        if silent_ids.contains(&j) || !inf.affirmative {
            continue;
        }
        let Some(v) = inf.lower.iter().position(|w| is_spoke(w)) else {
            continue;
        };
        let (subj, _) = subject_before(&al.stmts[j], v);
        let subj_keys: HashSet<String> = subj.iter().map(|w| key_of(w)).collect();
        for (i, head, specific, about) in &silent {
            if !subj_keys.contains(head) {
                continue;
            }
            let on_it = if !specific.is_empty() {
                specific.iter().any(|k| inf.keys.contains(k))
            } else if !about.is_empty() {
                about.iter().any(|k| inf.keys.contains(k))
            } else {
                true
            };
            if on_it {
                out.push((
                    j,
                    *i,
                    ConflictKind::Value,
                    "one account has the body speaking; the other says it gave no comment".into(),
                    0.65,
                ));
            }
        }
    }
}

fn scope_rules(al: &Alignment, infos: &[Info], out: &mut Found) {
    let lex = lexicon();
    // "does not apply to Y" against "X and Y".
    for (i, inf) in infos.iter().enumerate() {
        for cue in lex.section("exclusion") {
            let Some(&at) = find_all(&inf.lower, cue).first() else {
                continue;
            };
            let excluded: HashSet<String> = inf
                .lower
                .iter()
                .skip(at + cue.len())
                .take(6)
                .filter(|w| !is_stopword(w))
                .map(|w| key_of(w))
                .collect();
            for (j, other) in infos.iter().enumerate() {
                if excluded.is_disjoint(&other.keys)
                    || al.stmts[j].doc == al.stmts[i].doc
                    || other.conditional
                    || !other.on_topic
                    || !inf.on_topic
                {
                    continue;
                }
                let coordinated = other.lower.iter().enumerate().any(|(k, w)| {
                    w == "and"
                        && other
                            .lower
                            .get(k + 1)
                            .is_some_and(|n| !is_stopword(n) && excluded.contains(&key_of(n)))
                        && other
                            .lower
                            .get(k.saturating_sub(1))
                            .is_some_and(|p| !is_stopword(p))
                });
                if coordinated && lexicon::negations(&other.lower).is_empty() {
                    out.push((
                        j,
                        i,
                        ConflictKind::Scope,
                        "one account includes what the other says is excluded".into(),
                        0.6,
                    ));
                }
            }
            break;
        }
    }
    // "all N" against "only … N", and "all (of) … N" against "ADJ N" in one fact.
    for (i, inf) in infos.iter().enumerate() {
        let Some(at) = lex
            .section("all")
            .flat_map(|c| find_all(&inf.lower, c))
            .min()
        else {
            continue;
        };
        let ws = words(&al.stmts[i].text);
        // The phrase after "all", to the next comma: its content words.
        let mut phrase: Vec<String> = Vec::new();
        for k in at + 1..ws.len() {
            let gap = al.stmts[i]
                .text
                .get(ws[k - 1].span.end..ws[k].span.start)
                .unwrap_or("");
            if gap.contains([',', ';', '.', '(']) || phrase.len() >= 3 {
                break;
            }
            let w = &ws[k].lower;
            let possessive = al.stmts[i]
                .text
                .get(ws[k].span.end..)
                .is_some_and(|r| r.starts_with("'s") || r.starts_with("’s"));
            if !is_stopword(w) && !possessive && !is_number(w) {
                phrase.push(w.clone());
            } else if !phrase.is_empty() && !possessive {
                // The noun phrase ends at the first function word after it.
                break;
            }
        }
        let Some(last) = phrase.last().map(|w| key_of(w)) else {
            continue;
        };
        let phrase_keys: Vec<String> = phrase.iter().map(|w| key_of(w)).collect();
        for (j, other) in infos.iter().enumerate() {
            // Cheap test first: the other statement must name the noun at all.
            if !other.keys.contains(&last)
                || al.stmts[j].doc == al.stmts[i].doc
                || other.conditional
            {
                continue;
            }
            let has_all = lex
                .section("all")
                .any(|c| !find_all(&other.lower, c).is_empty());
            // "only … N"
            let only = lex
                .section("only")
                .flat_map(|c| find_all(&other.lower, c))
                .any(|o| {
                    other
                        .lower
                        .iter()
                        .skip(o + 1)
                        .take(5)
                        .any(|w| key_of(w) == last)
                });
            if only
                && !has_all
                && !inf.lower.iter().any(|w| w == "only")
                && inf.on_topic
                && other.on_topic
            {
                out.push((
                    i,
                    j,
                    ConflictKind::Scope,
                    "one account covers all; the other only a part".into(),
                    0.6,
                ));
                continue;
            }
            // "ADJ N": a modifier restricts what the other says of all.
            let same_fact = al.group_of.get(i).copied().flatten().is_some()
                && al.group_of.get(i) == al.group_of.get(j);
            if has_all || !(same_fact || al.lexical(i, j) >= VALUE_SIM) || phrase_keys.len() < 2 {
                continue;
            }
            let ows = words(&al.stmts[j].text);
            let n = phrase_keys.len();
            let restricted = (1..ows.len().saturating_sub(n - 1)).any(|k| {
                let tail_matches = (0..n).all(|m| {
                    ows.get(k + m)
                        .is_some_and(|w| key_of(&w.lower) == phrase_keys[m])
                });
                let modifier = &ows[k - 1];
                tail_matches
                    && !is_stopword(&modifier.lower)
                    && !is_number(&modifier.lower)
                    && modifier
                        .span
                        .text(&al.stmts[j].text)
                        .chars()
                        .next()
                        .is_some_and(char::is_lowercase)
                    && !phrase_keys.contains(&key_of(&modifier.lower))
            });
            if restricted {
                out.push((
                    i,
                    j,
                    ConflictKind::Scope,
                    "one account says all; the other names only one kind".into(),
                    0.5,
                ));
            }
        }
    }
}

fn inverted_rule(
    al: &Alignment,
    infos: &[Info],
    neighbours: &[Vec<(usize, f32)>],
    out: &mut Found,
) {
    for (i, row) in neighbours.iter().enumerate() {
        for &(j, sim) in row {
            if j <= i || sim < INVERTED_SIM || al.stmts[i].doc == al.stmts[j].doc {
                continue;
            }
            let (a, b) = (&infos[i], &infos[j]);
            if a.affirmative == b.affirmative
                || a.conditional
                || b.conditional
                || a.uncertain
                || b.uncertain
            {
                continue;
            }
            // The negation must bear on what both say: a shared key right after it.
            let (neg, pos) = if a.affirmative { (b, a) } else { (a, b) };
            // At least two of the content words right after the negation are shared ("not taken
            // this decision lightly" / "took this decision lightly"), so that a paraphrase
            // sharing one word is no inversion. Names do not count: they say who, not what.
            let bears = lexicon::negations(&neg.lower).into_iter().any(|n| {
                neg.lower
                    .iter()
                    .skip(n + 1)
                    .filter(|w| !is_stopword(w))
                    .take(6)
                    .filter(|w| pos.lower_keys.contains(&key_of(w)))
                    .count()
                    >= 2
            });
            if bears {
                out.push((
                    i,
                    j,
                    ConflictKind::Inverted,
                    "the same statement, with its polarity reversed".into(),
                    0.55 + 0.3 * sim.min(1.0),
                ));
            }
        }
    }
}

fn value_rules(al: &Alignment, infos: &[Info], neighbours: &[Vec<(usize, f32)>], out: &mut Found) {
    let lex = lexicon();
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for g in &al.groups {
        for (x, &i) in g.iter().enumerate() {
            for &j in g[x + 1..]
                .iter()
                .filter(|&&j| al.stmts[j].doc != al.stmts[i].doc)
            {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    for (i, row) in neighbours.iter().enumerate() {
        for &(j, sim) in row {
            if sim >= VALUE_SIM && al.stmts[i].doc != al.stmts[j].doc {
                pairs.insert((i.min(j), i.max(j)));
            }
        }
    }
    let mut pairs: Vec<(usize, usize)> = pairs.into_iter().collect();
    pairs.sort_unstable();
    let weekdays = |inf: &Info| -> HashSet<String> {
        inf.lower
            .iter()
            .filter(|w| {
                lex.section("weekdays")
                    .any(|d| d.first().is_some_and(|d| d == *w))
            })
            .cloned()
            .collect()
    };
    for (i, j) in pairs {
        let (a, b) = (&infos[i], &infos[j]);
        if a.conditional || b.conditional || a.uncertain || b.uncertain {
            continue;
        }
        // Amounts of one unit that cannot both hold.
        let (xa, xb) = (lexicon::amounts(&a.raw), lexicon::amounts(&b.raw));
        // Spans of time are the duration rule's business, not amounts.
        let is_time = |u: &str| {
            lex.section("duration_units")
                .any(|d| d.first().is_some_and(|d| d == u))
        };
        let clash = xa
            .iter()
            .map(|m| m.unit.as_str())
            .filter(|u| !is_time(u))
            .collect::<HashSet<_>>()
            .into_iter()
            .find(|u| {
                let ua: Vec<_> = xa.iter().filter(|m| m.unit == *u).collect();
                let ub: Vec<_> = xb.iter().filter(|m| m.unit == *u).collect();
                !ub.is_empty()
                    && ua
                        .iter()
                        .all(|p| ub.iter().all(|q| p.high < q.low || q.high < p.low))
            });
        if let Some(u) = clash {
            out.push((
                i,
                j,
                ConflictKind::Value,
                format!("different amounts of {u}"),
                0.7,
            ));
            continue;
        }
        let same_fact = al.group_of.get(i).copied().flatten().is_some()
            && al.group_of.get(i) == al.group_of.get(j);
        if !same_fact {
            continue;
        }
        let (da, db) = (weekdays(a), weekdays(b));
        if !da.is_empty() && !db.is_empty() && da.is_disjoint(&db) {
            out.push((
                i,
                j,
                ConflictKind::Value,
                "different days for the same event".into(),
                0.55,
            ));
            continue;
        }
        // Words of different classes of one slot, each near a key both share.
        let (ca, cb) = (lexicon::classes(&a.lower), lexicon::classes(&b.lower));
        for &x in &ca {
            for &y in &cb {
                let (cx, cy) = (&lex.antonyms[x], &lex.antonyms[y]);
                if cx.slot != cy.slot
                    || cx.class == cy.class
                    || cx.slot == "duration"
                    || ca.contains(&y)
                    || cb.contains(&x)
                {
                    continue;
                }
                let window = |inf: &Info, words: &[String]| -> HashSet<String> {
                    let mut out = HashSet::new();
                    for (k, w) in inf.lower.iter().enumerate() {
                        if words.contains(w) {
                            for n in inf.lower.iter().skip(k.saturating_sub(3)).take(7) {
                                if !is_stopword(n) && !words.contains(n) {
                                    out.insert(key_of(n));
                                }
                            }
                        }
                    }
                    out
                };
                if !window(a, &cx.words).is_disjoint(&window(b, &cy.words)) {
                    out.push((
                        i,
                        j,
                        ConflictKind::Value,
                        format!("{} against {}", cx.class, cy.class),
                        0.55,
                    ));
                }
            }
        }
    }
}

/// The facts a conflict's sides belong to; kept for callers that group conflicts by fact.
pub fn facts_of<'a>(facts: &'a [Fact], c: &Conflict) -> Vec<&'a Fact> {
    facts
        .iter()
        .filter(|f| {
            f.support.iter().any(|e| {
                (e.doc == c.a.doc && e.span == c.a.span) || (e.doc == c.b.doc && e.span == c.b.span)
            })
        })
        .collect()
}
