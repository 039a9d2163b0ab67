//! Per-outlet findings: unique facts, omissions, framing, and the consensus summary.

use std::collections::HashSet;
use std::sync::OnceLock;

use model::{
    ArticleReport, Claimant, Conflict, EntityKind, Evidence, Framing, Omission, StoryEntity,
    SummaryLine, Unique,
};

use crate::align::features::{evidence, key_of};
use crate::align::Alignment;
use crate::conflicts::Opposed;
use crate::text::{is_stopword, words};

/// A statement this similar to one of another outlet is not unique to its outlet.
const UNIQUE_MAX_SIM: f32 = 0.3;
/// … and carries at least this share of its (squared TF-IDF) weight.
const UNIQUE_COVERED: f32 = 0.4;
/// A unique statement has at least this many content words.
const UNIQUE_MIN_KEYS: usize = 4;
/// Lines of the consensus summary, at most.
const SUMMARY_LINES: usize = 8;

/// What [`per_outlet`] finds.
#[derive(Debug, Default)]
pub struct PerOutlet {
    /// Statements only one outlet makes.
    pub unique: Vec<Unique>,
    /// Facts most outlets carry and one lacks.
    pub omissions: Vec<Omission>,
    /// The consensus summary.
    pub summary: Vec<SummaryLine>,
    /// Loaded or evaluative language in an outlet's own voice.
    pub framing: Vec<Framing>,
}

/// Unique facts, omissions, summary and framing.
pub fn per_outlet(
    articles: &[ArticleReport],
    al: &Alignment,
    found: &[Opposed],
    entities: &[StoryEntity],
) -> PerOutlet {
    let conflicts: Vec<Conflict> = found.iter().map(|f| f.conflict.clone()).collect();
    let conflicts = conflicts.as_slice();
    // A statement's opponent does not support it.
    let opposed: HashSet<(usize, usize)> = found
        .iter()
        .flat_map(|f| [(f.a, f.b), (f.b, f.a)])
        .collect();
    PerOutlet {
        unique: unique(articles, al, &opposed, entities),
        omissions: omissions(articles, al),
        summary: summary(articles, al, conflicts),
        framing: framing(articles, al),
    }
}

fn unique(
    articles: &[ArticleReport],
    al: &Alignment,
    opposed: &HashSet<(usize, usize)>,
    entities: &[StoryEntity],
) -> Vec<Unique> {
    let near = &al.neighbours;
    let mut out = Vec::new();
    for (i, s) in al.stmts.iter().enumerate() {
        if al.group_of.get(i).copied().flatten().is_some() || s.part_of.is_some() {
            continue;
        }
        let distinct: HashSet<&String> = s.keys.iter().collect();
        if distinct.len() < UNIQUE_MIN_KEYS {
            continue;
        }
        // Word overlap decides here: embeddings find every statement of one story somewhat
        // alike, and grouping has already used them. A nested clause is too short to judge
        // by its words; its whole statement speaks for it.
        let supported = near.get(i).is_some_and(|row| {
            row.iter().any(|&(j, _)| {
                al.stmts[j].doc != s.doc
                    && al.stmts[j].part_of.is_none()
                    && !opposed.contains(&(i, j))
                    && supports(&s.vector, &al.stmts[j].vector)
            })
        });
        if !supported {
            out.push(Unique {
                evidence: evidence(articles, s),
                detail: None,
            });
        }
    }
    out.extend(details(articles, al, entities));
    out
}

/// Whether a statement (its TF-IDF vector `a`) is supported by another (`b`): alike, and
/// the other carries most of its weight; "the tender, launched in October, covers …" does
/// not support "the tender's launch had slipped once, from June to October".
fn supports(a: &[(u32, f32)], b: &[(u32, f32)]) -> bool {
    use crate::align::features::{cosine, covered};
    cosine(a, b) >= UNIQUE_MAX_SIM && covered(a, b) >= UNIQUE_COVERED
}

/// Corroborated statements that name a person or organisation no other outlet names: the
/// claim is shared, the detail is this outlet's own. Only full proper names count ("Senator
/// Ada Quist", not "the board"), and only when no other article has the name at all: for a
/// person, not the surname nor a word starting like it, as spelling variants must not pass
/// for new names.
fn details(articles: &[ArticleReport], al: &Alignment, entities: &[StoryEntity]) -> Vec<Unique> {
    let lowered: Vec<String> = articles
        .iter()
        .map(|a| a.document.text.to_lowercase())
        .collect();
    let proper = |name: &str| {
        let ws: Vec<&str> = name.split_whitespace().collect();
        ws.len() >= 2
            && ws
                .iter()
                .filter(|w| w.chars().count() > 3)
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
    };
    let mut out = Vec::new();
    let mut done: HashSet<usize> = HashSet::new();
    for e in entities {
        let docs: HashSet<&str> = e.forms.iter().map(|f| f.doc.as_str()).collect();
        if docs.len() != 1
            || !matches!(e.kind, EntityKind::Person | EntityKind::Organization)
            || !proper(&e.canonical)
        {
            continue;
        }
        let Some(d) = articles
            .iter()
            .position(|a| docs.contains(a.document.id.as_str()))
        else {
            continue;
        };
        let name = e.canonical.to_lowercase();
        let last = name.split_whitespace().last().unwrap_or("");
        let stem: String = last.chars().take(5).collect();
        let elsewhere = lowered.iter().enumerate().any(|(o, t)| {
            o != d
                && match e.kind {
                    EntityKind::Person => contains_word(t, last) || contains_prefix(t, &stem),
                    // An organisation's last word is often generic ("Agency", "Council").
                    _ => contains_word(t, &name),
                }
        });
        if elsewhere {
            continue;
        }
        let forms: HashSet<&str> = e.forms.iter().map(|f| f.form.as_str()).collect();
        let mentions = articles[d]
            .analysis
            .entities
            .iter()
            .flat_map(|x| &x.mentions)
            .filter(|m| forms.contains(m.form.as_str()) && proper(&m.form));
        for m in mentions {
            let Some(i) = al.stmts.iter().position(|s| {
                s.doc == d && s.span.start <= m.span.start && m.span.end <= s.span.end
            }) else {
                continue;
            };
            if al.group_of.get(i).copied().flatten().is_some() && done.insert(i) {
                out.push(Unique {
                    evidence: evidence(articles, &al.stmts[i]),
                    detail: Some(e.canonical.clone()),
                });
            }
        }
    }
    out
}

/// Whether some word of `text` starts with `prefix` (both lower-cased).
fn contains_prefix(text: &str, prefix: &str) -> bool {
    !prefix.is_empty()
        && text.match_indices(prefix).any(|(at, _)| {
            !text[..at]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
}

/// Whether `word` occurs in `text` as a whole word (both lower-cased).
fn contains_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn omissions(articles: &[ArticleReport], al: &Alignment) -> Vec<Omission> {
    let docs = articles.len();
    let mut out = Vec::new();
    for (fact, g) in al.facts.iter().zip(&al.groups) {
        // "Most outlets": more than half, and at least two.
        if docs < 3 || g.len() * 2 <= docs || g.len() < 2 {
            continue;
        }
        let have: HashSet<usize> = g.iter().map(|&i| al.stmts[i].doc).collect();
        for (d, a) in articles.iter().enumerate() {
            if !have.contains(&d) {
                out.push(Omission {
                    doc: a.document.id.clone(),
                    fact: fact.id.clone(),
                });
            }
        }
    }
    out
}

fn summary(articles: &[ArticleReport], al: &Alignment, conflicts: &[Conflict]) -> Vec<SummaryLine> {
    let contested = |e: &Evidence| {
        conflicts.iter().any(|c| {
            (c.a.doc == e.doc && c.a.span == e.span) || (c.b.doc == e.doc && c.b.span == e.span)
        })
    };
    let mut ranked: Vec<usize> = (0..al.facts.len()).collect();
    ranked.sort_by(|&x, &y| {
        let (fx, fy) = (&al.facts[x], &al.facts[y]);
        fy.independent_sources
            .cmp(&fx.independent_sources)
            .then(fy.support.len().cmp(&fx.support.len()))
            .then(x.cmp(&y))
    });
    let mut chosen: Vec<(f32, SummaryLine)> = Vec::new();
    let mut used_sentences: HashSet<(usize, usize)> = HashSet::new();
    for fi in ranked {
        if chosen.len() >= SUMMARY_LINES {
            break;
        }
        let (fact, g) = (&al.facts[fi], &al.groups[fi]);
        if fact.independent_sources < 2 {
            continue;
        }
        // The representative statement, shown as its whole sentence; never a contested one,
        // nor a nested clause when a whole statement says it (its sentence says more).
        let Some(&rep) = g
            .iter()
            .filter(|&&i| !contested(&evidence(articles, &al.stmts[i])))
            .max_by(|&&x, &&y| {
                let whole = |i: usize| al.stmts[i].part_of.is_none();
                let c = |i: usize| {
                    g.iter()
                        .filter(|&&j| j != i)
                        .map(|&j| al.sim(i, j))
                        .sum::<f32>()
                };
                whole(x).cmp(&whole(y)).then(c(x).total_cmp(&c(y)))
            })
        else {
            continue;
        };
        let s = &al.stmts[rep];
        if !used_sentences.insert((s.doc, s.sentence.start)) {
            continue;
        }
        let Some(a) = articles.get(s.doc) else {
            continue;
        };
        let pos = g.iter().map(|&i| al.stmts[i].position).sum::<f32>() / g.len().max(1) as f32;
        chosen.push((
            pos,
            SummaryLine {
                evidence: Evidence::new(&a.document.id, &a.document.text, s.sentence),
                fact: fact.id.clone(),
                docs: fact.support.iter().map(|e| e.doc.clone()).collect(),
            },
        ));
    }
    // In the order the articles tell the story.
    chosen.sort_by(|a, b| a.0.total_cmp(&b.0));
    chosen.into_iter().map(|(_, l)| l).collect()
}

fn lexicon() -> &'static Vec<Vec<String>> {
    static LEX: OnceLock<Vec<Vec<String>>> = OnceLock::new();
    LEX.get_or_init(|| {
        include_str!("../data/evaluative.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| l.split_whitespace().map(str::to_lowercase).collect())
            .collect()
    })
}

/// Entries that distance the writer from a label ("so-called experts") but merely introduce
/// a term when the term follows in quotation marks ("the so-called “island clause”").
const TERM_INTRODUCERS: [&str; 1] = ["so-called"];

/// Evaluative words of the lexicon found outside quotation marks in `text`.
fn evaluative_words(text: &str) -> Vec<String> {
    let ws = words(text);
    // Which words lie inside quotation marks.
    let mut inside = false;
    let mut prev = 0;
    let mut quoted = Vec::with_capacity(ws.len());
    for w in &ws {
        for ch in text.get(prev..w.span.start).unwrap_or("").chars() {
            match ch {
                '“' => inside = true,
                '”' => inside = false,
                '"' => inside = !inside,
                _ => {}
            }
        }
        quoted.push(inside);
        prev = w.span.end;
    }
    let lower: Vec<String> = ws.iter().map(|w| w.lower.clone()).collect();
    let mut out = Vec::new();
    for entry in lexicon() {
        // "blow-up" is two words to the tokenizer.
        let parts: Vec<String> = entry
            .iter()
            .flat_map(|e| e.split('-').map(str::to_string))
            .collect();
        if parts.is_empty() || parts.len() > lower.len() {
            continue;
        }
        let hit = (0..=lower.len() - parts.len()).any(|i| {
            let end = ws[i + parts.len() - 1].span.end;
            !quoted[i]
                && parts.iter().enumerate().all(|(k, p)| lower[i + k] == *p)
                && !(TERM_INTRODUCERS.contains(&entry.join(" ").as_str())
                    && text[end..].trim_start().starts_with(['"', '“', '‘', '\'']))
        });
        if hit {
            out.push(entry.join(" "));
        }
    }
    out
}

fn framing(articles: &[ArticleReport], al: &Alignment) -> Vec<Framing> {
    let mut out = Vec::new();
    for s in &al.stmts {
        if s.claimant != Claimant::Outlet || s.quoted || s.part_of.is_some() {
            continue;
        }
        let found = evaluative_words(&s.text);
        if found.is_empty() {
            continue;
        }
        out.push(Framing {
            evidence: evidence(articles, s),
            reason: format!(
                "evaluative words in the outlet's own voice: {}",
                found.join(", ")
            ),
        });
    }
    out
}

/// Content key terms of a text; used by tests and callers comparing summaries.
pub fn content_keys(text: &str) -> HashSet<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stopword(&w.lower))
        .map(|w| key_of(&w.lower))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn support_needs_most_of_the_weight() {
        let a = [(1, 0.6), (2, 0.6), (3, 0.529)];
        // Alike on one heavy term, but most of `a` is elsewhere.
        assert!(!supports(&a, &[(1, 1.0)]));
        assert!(supports(&a, &[(1, 0.7), (2, 0.7)]));
    }

    #[test]
    fn evaluative_lexicon_parses_and_skips_quotes() {
        assert!(lexicon().len() > 20);
        assert_eq!(
            evaluative_words("The council made a disastrous choice."),
            vec!["disastrous"]
        );
        assert!(evaluative_words("She called it \u{201c}a disastrous choice\u{201d}.").is_empty());
        assert_eq!(
            evaluative_words("After the blow-up at the meeting"),
            vec!["blow-up"]
        );
        assert_eq!(
            evaluative_words("The so-called experts were wrong."),
            vec!["so-called"]
        );
        assert!(
            evaluative_words("Under the so-called \u{201c}night rule\u{201d} it stays.").is_empty()
        );
    }
}
