//! Word lists the analysis reads, shipped as data files under `data/`.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use model::EntityKind;

fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

fn set(
    cell: &'static OnceLock<HashSet<&'static str>>,
    text: &'static str,
) -> &'static HashSet<&'static str> {
    cell.get_or_init(|| lines(text).collect())
}

/// Title and role words, lower case ("secretary", "sen.").
pub(crate) fn is_title(lower: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, include_str!("../../data/titles.txt")).contains(lower)
}

/// Verbs that introduce or credit a statement.
pub(crate) fn is_speech_verb(lower: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, include_str!("../../data/speech_verbs.txt")).contains(lower)
}

/// A person's likely gender, from a given name, an honorific or a gendered title; for "he" and
/// "she".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Gender {
    /// Resolves "he".
    Male,
    /// Resolves "she".
    Female,
}

/// The usual gender of a given name (`data/first_names.txt`), matched as written.
pub(crate) fn first_name_gender(name: &str) -> Option<Gender> {
    static M: OnceLock<HashMap<&'static str, Gender>> = OnceLock::new();
    M.get_or_init(|| {
        lines(include_str!("../../data/first_names.txt"))
            .filter_map(|l| {
                let (n, g) = l.split_once('\t')?;
                let g = match g.trim() {
                    "m" => Gender::Male,
                    "f" => Gender::Female,
                    _ => return None,
                };
                Some((n.trim(), g))
            })
            .collect()
    })
    .get(name)
    .copied()
}

/// The gender an honorific or a title word tells ("Mr.", "congresswoman"), lower case.
pub(crate) fn title_gender(lower: &str) -> Option<Gender> {
    match lower {
        "mr." | "mr" | "sir" | "lord" | "king" | "prince" | "congressman" | "chairman"
        | "spokesman" | "councilman" | "assemblyman" | "businessman" => Some(Gender::Male),
        "mrs." | "mrs" | "ms." | "ms" | "miss" | "madam" | "dame" | "lady" | "queen"
        | "princess" | "congresswoman" | "chairwoman" | "spokeswoman" | "councilwoman"
        | "assemblywoman" | "businesswoman" => Some(Gender::Female),
        _ => None,
    }
}

/// The gender of a subject pronoun.
pub(crate) fn pronoun_gender(lower: &str) -> Option<Gender> {
    match lower {
        "he" => Some(Gender::Male),
        "she" => Some(Gender::Female),
        _ => None,
    }
}

/// Names of weekdays and parts of the day: capitalised or not, never a name or a speaker.
pub(crate) fn is_time_word(lower: &str) -> bool {
    matches!(
        lower,
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "today"
            | "yesterday"
            | "tonight"
            | "morning"
            | "afternoon"
            | "evening"
            | "night"
            | "week"
            | "weekend"
    )
}

/// Verbs that credit information to a source: the speech verbs and those of reporting, finding
/// and believing (`data/attribution_cues.txt`).
pub(crate) fn is_attribution_cue(lower: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    is_speech_verb(lower)
        || set(&S, include_str!("../../data/attribution_cues.txt")).contains(lower)
}

/// Nouns that make a description a credited source when it is the subject of an attribution
/// verb ("the campaign said", "a new poll found"), though not a speaker's description.
pub(crate) fn is_source_noun(lower: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, include_str!("../../data/source_nouns.txt")).contains(lower)
}

/// Nouns heading a description of an unnamed source.
pub(crate) fn is_descriptor_head(lower: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, include_str!("../../data/descriptor_heads.txt")).contains(lower)
}

/// Place names that look like person names.
pub(crate) fn is_known_place(name: &str) -> bool {
    static S: OnceLock<HashSet<&'static str>> = OnceLock::new();
    set(&S, include_str!("../../data/places.txt")).contains(name)
}

/// What the last word of a name tells about it, and whether "of" may follow it inside a name.
pub(crate) fn org_word(lower: &str) -> Option<(EntityKind, bool)> {
    static M: OnceLock<HashMap<&'static str, (EntityKind, bool)>> = OnceLock::new();
    M.get_or_init(|| {
        lines(include_str!("../../data/org_words.txt"))
            .filter_map(|l| {
                let (w, k) = l.split_once('\t')?;
                let kind = match k.trim() {
                    "org" => EntityKind::Organization,
                    "outlet" => EntityKind::Outlet,
                    "place" => EntityKind::Place,
                    _ => EntityKind::Other,
                };
                let joins = w.ends_with('+');
                Some((w.trim_end_matches('+'), (kind, joins)))
            })
            .collect()
    })
    .get(lower)
    .copied()
}

/// Function words: never a name on their own, and never a descriptor's modifier.
pub(crate) fn is_function_word(lower: &str) -> bool {
    const W: &[&str] = &[
        "a",
        "an",
        "the",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "but",
        "nor",
        "so",
        "yet",
        "if",
        "then",
        "than",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "onto",
        "to",
        "with",
        "without",
        "about",
        "after",
        "before",
        "since",
        "until",
        "while",
        "when",
        "where",
        "who",
        "whom",
        "whose",
        "which",
        "what",
        "why",
        "how",
        "he",
        "she",
        "it",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "its",
        "their",
        "our",
        "your",
        "my",
        "him",
        "them",
        "us",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "not",
        "no",
        "also",
        "however",
        "meanwhile",
        "moreover",
        "nevertheless",
        "although",
        "though",
        "despite",
        "because",
        "according",
        "there",
        "here",
        "all",
        "both",
        "each",
        "every",
        "any",
        "some",
        "many",
        "most",
        "more",
        "such",
        "only",
        "even",
        "still",
        "just",
        "over",
        "under",
        "between",
        "against",
        "during",
        "through",
        "around",
        "among",
        "via",
        "last",
        "next",
        "similarly",
        "additionally",
        "consequently",
        "likewise",
        "instead",
        "later",
        "earlier",
    ];
    W.contains(&lower)
}

/// Prepositions: a name right after one is not the subject of a clause.
pub(crate) fn is_preposition(lower: &str) -> bool {
    const W: &[&str] = &[
        "of", "to", "about", "against", "at", "for", "from", "on", "upon", "over", "toward",
        "towards", "between", "than", "into", "like", "please", "give", "giving",
    ];
    W.contains(&lower)
}

/// Subject pronouns that stand for a person.
#[allow(dead_code)]
pub(crate) fn is_person_pronoun(lower: &str) -> bool {
    matches!(lower, "he" | "she")
}

/// Determiners and counts that open a description ("a", "two", "several").
pub(crate) fn determiner_count(lower: &str) -> Option<Option<u32>> {
    let n = match lower {
        "a" | "an" | "the" | "another" | "some" | "several" | "multiple" | "many" | "unnamed"
        | "anonymous" => None,
        "one" => Some(1),
        "two" => Some(2),
        "three" => Some(3),
        "four" => Some(4),
        "five" => Some(5),
        "six" => Some(6),
        "seven" => Some(7),
        "eight" => Some(8),
        "nine" => Some(9),
        "ten" => Some(10),
        _ => return None,
    };
    Some(n)
}

/// Words that keep a verb going between a subject and its speech verb ("has also said").
pub(crate) fn is_auxiliary(lower: &str) -> bool {
    matches!(
        lower,
        "has"
            | "have"
            | "had"
            | "was"
            | "were"
            | "is"
            | "are"
            | "did"
            | "does"
            | "do"
            | "also"
            | "then"
            | "later"
            | "again"
            | "would"
            | "will"
            | "previously"
            | "separately"
            | "further"
            | "publicly"
            | "once"
    )
}
