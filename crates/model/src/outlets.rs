//! A registry of news outlets, agencies and platforms with their aliases, shipped as data
//! (`data/outlets.tsv`), so that every stage names "NYT" and "The New York Times" alike.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What a registry entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegistryKind {
    /// A publication or broadcaster.
    Outlet,
    /// A news agency.
    Agency,
    /// A social network or video site.
    Platform,
}

/// One outlet, agency or platform.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryEntry {
    /// The canonical name.
    pub canonical: &'static str,
    /// What it is.
    pub kind: RegistryKind,
    /// Other names it goes by (the canonical name not included).
    pub aliases: Vec<&'static str>,
}

impl RegistryEntry {
    /// The canonical name and every alias.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.canonical).chain(self.aliases.iter().copied())
    }
}

/// Every entry of the registry, in file order.
pub fn registry() -> &'static [RegistryEntry] {
    static REG: OnceLock<Vec<RegistryEntry>> = OnceLock::new();
    REG.get_or_init(|| {
        include_str!("../data/outlets.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut cols = l.split('\t');
                let canonical = cols.next()?.trim();
                let kind = match cols.next()?.trim() {
                    "agency" => RegistryKind::Agency,
                    "platform" => RegistryKind::Platform,
                    _ => RegistryKind::Outlet,
                };
                let aliases = cols
                    .next()
                    .unwrap_or("")
                    .split('|')
                    .map(str::trim)
                    .filter(|a| !a.is_empty())
                    .collect();
                Some(RegistryEntry {
                    canonical,
                    kind,
                    aliases,
                })
            })
            .collect()
    })
}

/// A name as the registry compares it: lower case, a leading "the" and a possessive dropped,
/// white space collapsed.
pub fn name_key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let lower = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("’s"))
        .unwrap_or(&lower);
    let words: Vec<&str> = lower.split_whitespace().collect();
    let words = match words.first() {
        Some(&"the") if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

/// The entry a name denotes, by canonical name or alias, ignoring case, a leading "the" and a
/// possessive. All-capital aliases of three letters or fewer ("AP", "X") match only as written,
/// so that a common word is not taken for one.
pub fn lookup(name: &str) -> Option<&'static RegistryEntry> {
    let key = name_key(name);
    if key.is_empty() {
        return None;
    }
    let bare = name.trim().trim_end_matches("'s").trim_end_matches("’s");
    let (by_key, by_caps) = index();
    // The first entry in registry order that has the name either way, as a scan would find.
    let i = match (by_key.get(&key), by_caps.get(bare)) {
        (Some(&a), Some(&b)) => a.min(b),
        (Some(&a), None) | (None, Some(&a)) => a,
        (None, None) => return None,
    };
    registry().get(i)
}

/// Registry positions by name key, and by short all-capital alias as written.
type Index = (BTreeMap<String, usize>, BTreeMap<&'static str, usize>);

/// The registry's [`Index`], built once, as every article looks names up many times.
fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let (mut by_key, mut by_caps) = (BTreeMap::new(), BTreeMap::new());
        for (i, e) in registry().iter().enumerate() {
            for n in e.names() {
                let short_caps = n.chars().count() <= 3
                    && n.chars().all(|c| c.is_uppercase() || !c.is_alphabetic());
                if short_caps {
                    by_caps.entry(n).or_insert(i);
                } else {
                    by_key.entry(name_key(n)).or_insert(i);
                }
            }
        }
        (by_key, by_caps)
    })
}

/// The canonical name of an outlet, agency or platform, or the name itself when the registry
/// does not know it.
pub fn canonical(name: &str) -> String {
    lookup(name).map_or_else(|| name.trim().to_string(), |e| e.canonical.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_resolve() {
        assert_eq!(canonical("NYT"), "New York Times");
        assert_eq!(canonical("the New York Times"), "New York Times");
        assert_eq!(canonical("CBS"), "CBS News");
        assert_eq!(canonical("Reuters's"), "Reuters");
        assert_eq!(
            lookup("Truth Social").map(|e| e.kind),
            Some(RegistryKind::Platform)
        );
        assert!(lookup("ap").is_none());
        assert!(lookup("Harbour Gazette").is_none());
    }
}
