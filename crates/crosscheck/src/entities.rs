//! Entities across outlets.
//!
//! People are grouped by surname, spelling and transliteration folded (Koval, Kovall and
//! Kowal are one); within a surname, names whose given names agree (or one is the other's
//! initial) are one person. A given name that only one outlet uses, where the rest agree on
//! another that starts alike, is a wrong name: it is merged and flagged with both forms. Two
//! given names in one article are two people. Organisations, outlets and places are grouped by
//! their name with spelling folded, a country prefix dropped, "Department of X" read as "X
//! Department", registry and metonym aliases applied (`data/org_aliases.tsv`), and acronyms
//! matched to the initials of a name.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use model::{ArticleReport, EntityFlag, EntityForm, EntityKind, StoryEntity};

use crate::text::fold_spelling;

fn org_aliases() -> &'static [(&'static str, &'static str)] {
    static A: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    A.get_or_init(|| {
        include_str!("../data/org_aliases.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| l.split_once('\t'))
            .map(|(a, b)| (a.trim(), b.trim()))
            .collect()
    })
}

/// One article entity, as the story sees it.
#[derive(Clone, Debug)]
struct Item {
    doc: usize,
    doc_id: String,
    name: String,
    kind: EntityKind,
    role: Option<String>,
    forms: Vec<String>,
}

/// A surname folded for spelling and transliteration.
fn surname_key(s: &str) -> String {
    let mut w = fold_spelling(&s.to_lowercase());
    for (from, to) in [
        ("yy", "y"),
        ("iy", "y"),
        ("ij", "y"),
        ("ii", "y"),
        ("yi", "y"),
    ] {
        if w.ends_with(from) {
            w = format!("{}{to}", &w[..w.len() - from.len()]);
        }
    }
    w
}

/// An organisation's name as a grouping key.
fn org_key(name: &str) -> String {
    let resolved = org_aliases()
        .iter()
        .find(|(a, _)| a.eq_ignore_ascii_case(name.trim()))
        .map_or(name, |(_, b)| b);
    let reg = model::outlets::lookup(resolved)
        .map_or_else(|| resolved.to_string(), |e| e.canonical.to_string());
    let mut words: Vec<String> = reg
        .split_whitespace()
        .map(|w| {
            fold_spelling(
                &w.trim_matches(|c: char| !c.is_alphanumeric())
                    .to_lowercase(),
            )
        })
        .filter(|w| !w.is_empty())
        .collect();
    while words.first().is_some_and(|w| {
        matches!(
            w.as_str(),
            "the" | "us" | "u.s" | "uk" | "u.k" | "american" | "british"
        )
    }) && words.len() > 1
    {
        words.remove(0);
    }
    // "department of defense" → "defense department"
    if words.len() == 3 && words.get(1).is_some_and(|w| w == "of") {
        let (a, c) = (words[0].clone(), words[2].clone());
        words = vec![c, a];
    }
    words.join(" ")
}

fn given(name: &str) -> Option<String> {
    let ws: Vec<&str> = name.split_whitespace().collect();
    (ws.len() >= 2)
        .then(|| ws.first().map(|w| w.trim_end_matches('.').to_lowercase()))
        .flatten()
}

fn givens_agree(a: &str, b: &str) -> bool {
    a == b || (a.len() == 1 && b.starts_with(a)) || (b.len() == 1 && a.starts_with(b))
}

/// Canonical entities of the story, with their forms per document and wrong-name flags.
pub fn resolve(articles: &[ArticleReport]) -> Vec<StoryEntity> {
    let mut items = Vec::new();
    for (d, a) in articles.iter().enumerate() {
        for e in &a.analysis.entities {
            let mut forms: Vec<String> = Vec::new();
            for m in &e.mentions {
                for f in std::iter::once(&m.form).chain(m.titled.as_ref()) {
                    if !forms.contains(f) {
                        forms.push(f.clone());
                    }
                }
            }
            items.push(Item {
                doc: d,
                doc_id: a.document.id.clone(),
                name: e.name.clone(),
                kind: e.kind,
                role: e.role.clone(),
                forms,
            });
        }
    }
    let mut out = Vec::new();
    // People, by surname.
    let mut surnames: Vec<String> = items
        .iter()
        .filter(|i| i.kind == EntityKind::Person)
        .filter_map(|i| i.name.split_whitespace().last().map(surname_key))
        .collect();
    surnames.sort();
    surnames.dedup();
    for sk in surnames {
        let group: Vec<&Item> = items
            .iter()
            .filter(|i| {
                i.kind == EntityKind::Person
                    && i.name.split_whitespace().last().map(surname_key).as_deref()
                        == Some(sk.as_str())
            })
            .collect();
        // Clusters of agreeing given names.
        let mut clusters: Vec<Vec<&Item>> = Vec::new();
        for it in group {
            let g = given(&it.name).unwrap_or_default();
            match clusters.iter_mut().find(|c| {
                c.iter()
                    .any(|o| givens_agree(&given(&o.name).unwrap_or_default(), &g))
            }) {
                Some(c) => c.push(it),
                None => clusters.push(vec![it]),
            }
        }
        let docs = |c: &[&Item]| c.iter().map(|i| i.doc).collect::<BTreeSet<_>>();
        clusters.sort_by_key(|c| {
            (
                std::cmp::Reverse(docs(c).len()),
                c.iter().map(|i| i.doc).min(),
            )
        });
        let mut main: Vec<Vec<&Item>> = Vec::new();
        let mut flagged: Vec<(usize, Vec<&Item>)> = Vec::new();
        for c in clusters {
            // A lone variant: one outlet, given name starting like the main one, never both in one
            // article.
            let attach = main.iter().position(|m: &Vec<&Item>| {
                let (md, cd) = (docs(m), docs(&c));
                let mg = m.first().and_then(|i| given(&i.name)).unwrap_or_default();
                let cg = c.first().and_then(|i| given(&i.name)).unwrap_or_default();
                md.len() >= 2
                    && cd.len() == 1
                    && md.is_disjoint(&cd)
                    && !mg.is_empty()
                    && mg.chars().next() == cg.chars().next()
            });
            match attach {
                Some(m) => flagged.push((m, c)),
                None => main.push(c),
            }
        }
        for (mi, m) in main.iter().enumerate() {
            let canonical = most_common(m.iter().map(|i| (i.name.as_str(), i.doc)));
            let mut forms = Vec::new();
            let mut flags = Vec::new();
            for it in m {
                push_forms(&mut forms, it);
            }
            for (_, c) in flagged.iter().filter(|(t, _)| *t == mi) {
                for it in c {
                    push_forms(&mut forms, it);
                    flags.push(EntityFlag {
                        doc: it.doc_id.clone(),
                        form: it.name.clone(),
                        expected: canonical.clone(),
                        reason: format!(
                            "given name differs: {} writes «{}», the other outlets «{}»{}",
                            it.doc_id,
                            it.name,
                            canonical,
                            it.role
                                .as_ref()
                                .map_or(String::new(), |r| format!(" (role here: {r})"))
                        ),
                    });
                }
            }
            out.push(StoryEntity {
                canonical,
                kind: EntityKind::Person,
                forms,
                flags,
            });
        }
    }
    // Everything else, by name key.
    let others: Vec<&Item> = items
        .iter()
        .filter(|i| i.kind != EntityKind::Person)
        .collect();
    let mut groups: Vec<(String, Vec<&Item>)> = Vec::new();
    for it in &others {
        let key = org_key(&it.name);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push(it),
            None => groups.push((key, vec![it])),
        }
    }
    // Acronyms to the one group whose initials they are.
    let initials = |g: &[&Item]| -> Vec<String> {
        g.iter()
            .map(|i| {
                i.name
                    .split_whitespace()
                    .filter_map(|w| w.chars().next())
                    .filter(|c| c.is_uppercase())
                    .collect::<String>()
            })
            .filter(|s| s.len() >= 2)
            .collect()
    };
    let mut merged: Vec<(String, Vec<&Item>)> = Vec::new();
    let mut acronyms: Vec<(String, Vec<&Item>)> = Vec::new();
    for (k, g) in groups {
        let is_acr = g.iter().all(|i| {
            i.name.len() >= 2 && i.name.len() <= 6 && i.name.chars().all(char::is_uppercase)
        }) && model::outlets::lookup(&g[0].name).is_none();
        if is_acr {
            acronyms.push((k, g));
        } else {
            merged.push((k, g));
        }
    }
    for (k, g) in acronyms {
        let name = g.first().map(|i| i.name.clone()).unwrap_or_default();
        let hits: Vec<usize> = merged
            .iter()
            .enumerate()
            .filter(|(_, (_, m))| initials(m).contains(&name))
            .map(|(i, _)| i)
            .collect();
        match hits.as_slice() {
            [one] => {
                if let Some((_, m)) = merged.get_mut(*one) {
                    m.extend(g);
                }
            }
            _ => merged.push((k, g)),
        }
    }
    for (_, g) in merged {
        let kind = g
            .iter()
            .map(|i| i.kind)
            .find(|k| *k != EntityKind::Other)
            .unwrap_or(EntityKind::Other);
        let alias_target = g.iter().find_map(|i| {
            org_aliases()
                .iter()
                .find(|(a, _)| a.eq_ignore_ascii_case(&i.name))
                .map(|(_, b)| b.to_string())
        });
        // A full name before an acronym or a metonym.
        let has_full = g.iter().any(|i| i.name.split_whitespace().count() >= 2);
        let capitalised = g.iter().filter(|i| {
            i.name.chars().next().is_some_and(char::is_uppercase)
                && !org_aliases()
                    .iter()
                    .any(|(a, _)| a.eq_ignore_ascii_case(&i.name))
                && !(has_full && i.name.split_whitespace().count() == 1)
        });
        let canonical = alias_target.unwrap_or_else(|| {
            let named: Vec<(&str, usize)> = capitalised.map(|i| (i.name.as_str(), i.doc)).collect();
            if named.is_empty() {
                most_common(g.iter().map(|i| (i.name.as_str(), i.doc)))
            } else {
                most_common(named.into_iter())
            }
        });
        let canonical = if kind == EntityKind::Outlet {
            model::outlets::canonical(&canonical)
        } else {
            canonical
        };
        let mut forms = Vec::new();
        for it in &g {
            push_forms(&mut forms, it);
        }
        out.push(StoryEntity {
            canonical,
            kind,
            forms,
            flags: Vec::new(),
        });
    }
    // Most widely covered first.
    out.sort_by_key(|e| {
        std::cmp::Reverse(
            e.forms
                .iter()
                .map(|f| f.doc.as_str())
                .collect::<BTreeSet<_>>()
                .len(),
        )
    });
    out
}

fn push_forms(forms: &mut Vec<EntityForm>, it: &Item) {
    for f in &it.forms {
        if !forms.iter().any(|x| x.doc == it.doc_id && x.form == *f) {
            forms.push(EntityForm {
                doc: it.doc_id.clone(),
                form: f.clone(),
            });
        }
    }
}

/// The name most documents use; ties go to the earliest document.
fn most_common<'a>(names: impl Iterator<Item = (&'a str, usize)>) -> String {
    let mut counts: Vec<(&str, BTreeSet<usize>)> = Vec::new();
    for (n, d) in names {
        match counts.iter_mut().find(|(x, _)| *x == n) {
            Some((_, s)) => {
                s.insert(d);
            }
            None => counts.push((n, BTreeSet::from([d]))),
        }
    }
    counts
        .iter()
        .max_by_key(|(_, s)| {
            (
                s.len(),
                std::cmp::Reverse(s.first().copied().unwrap_or(usize::MAX)),
            )
        })
        .map_or(String::new(), |(n, _)| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_spelling_prefixes_and_order() {
        assert_eq!(
            org_key("Department of Defence"),
            org_key("U.S. Defense Department")
        );
        assert_eq!(org_key("Pentagon"), org_key("Defense Department"));
        assert_eq!(surname_key("Tereshchenkiy"), surname_key("Tereshchenky"));
        assert!(givens_agree("j", "jon") && !givens_agree("jon", "jan"));
    }
}
