//! The matching rules of the stories README: evidence text, source names and speakers.

use std::collections::HashSet;

use model::{EntityKind, Speaker};

/// Word tokens of `text`: split on white space, dashes and slashes, every character that is not
/// a letter or digit dropped, lower-cased. "e.g." gives `eg` and "well-known" gives `wellknown`, the
/// same on both sides of a comparison.
pub fn word_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, '–' | '—' | '/'))
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        })
        .filter(|w: &String| !w.is_empty())
        .collect()
}

/// True when `needle` occurs as a contiguous run of `hay` (both non-empty).
fn contains_run(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// The README's rule for a predicted sentence or span against a gold evidence string of the same
/// document: one contains the other, or they share at least half of the shorter one's word
/// tokens.
///
/// Decisions where the README is silent: containment is tested on the token sequences (so that
/// case, spacing, punctuation and quotation marks do not matter and a word never matches inside
/// another), "shorter" means fewer distinct tokens, and tokens are counted distinct (a repeated
/// "the" counts once). Texts without tokens match nothing.
pub fn text_matches(a: &str, b: &str) -> bool {
    let (ta, tb) = (word_tokens(a), word_tokens(b));
    if ta.is_empty() || tb.is_empty() {
        return false;
    }
    if contains_run(&ta, &tb) || contains_run(&tb, &ta) {
        return true;
    }
    let (sa, sb): (HashSet<&str>, HashSet<&str>) = (
        ta.iter().map(String::as_str).collect(),
        tb.iter().map(String::as_str).collect(),
    );
    let (short, long) = if sa.len() <= sb.len() {
        (&sa, &sb)
    } else {
        (&sb, &sa)
    };
    let shared = short.iter().filter(|w| long.contains(*w)).count();
    shared * 2 >= short.len()
}

/// Short names of outlets that readers use; the engine has its own registry, this is only what
/// the README asks an evaluator to resolve.
const ALIASES: &[(&str, &[&str])] = &[
    ("nyt", &["new", "york", "times"]),
    ("wapo", &["washington", "post"]),
];

const ARTICLES: &[&str] = &["a", "an", "the"];

/// A source or outlet name as tokens: articles dropped, aliases expanded.
pub fn name_tokens(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in word_tokens(name) {
        if ARTICLES.contains(&w.as_str()) {
            continue;
        }
        match ALIASES.iter().find(|(short, _)| *short == w) {
            Some((_, long)) => out.extend(long.iter().map(|s| s.to_string())),
            None => out.push(w),
        }
    }
    out
}

/// True when one name contains the other after [`name_tokens`] (word-aligned, either way):
/// an alias names its outlet, "AP" names "AP News".
pub fn names_match(a: &str, b: &str) -> bool {
    let (ta, tb) = (name_tokens(a), name_tokens(b));
    contains_run(&ta, &tb) || contains_run(&tb, &ta)
}

/// Honorifics and titles that stand before a person's name without being part of it.
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "dr",
    "president",
    "sen",
    "senator",
    "rep",
    "representative",
    "gov",
    "governor",
    "mayor",
    "secretary",
    "gen",
    "general",
    "judge",
    "justice",
    "speaker",
];

/// [`names_match`], or the same after the gold source's leading titles are dropped: a person
/// credited as "Mr. Lovelace" or "President Lovelace" is named by "Ada Lovelace".
pub fn source_names_match(reported: &str, gold: &str) -> bool {
    if names_match(reported, gold) {
        return true;
    }
    let words = name_tokens(gold);
    let bare: Vec<String> = words
        .iter()
        .skip_while(|w| TITLES.contains(&w.as_str()))
        .cloned()
        .collect();
    bare.len() < words.len() && !bare.is_empty() && contains_run(&name_tokens(reported), &bare)
}

/// Lower-cased text with runs of white space made one space: the key of an entity form.
pub fn form_key(form: &str) -> String {
    form.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The British spelling of a word token made American, so that both compare equal
/// ("defence" and "defense", "organisation" and "organization", "colour" and "color").
/// Applied to both sides, so that a rule that also rewrites an unrelated word does no harm.
pub fn american(word: &str) -> String {
    const SUFFIXES: &[(&str, &str)] = &[
        ("isation", "ization"),
        ("isations", "izations"),
        ("ised", "ized"),
        ("ising", "izing"),
        ("ise", "ize"),
        ("ises", "izes"),
        ("yse", "yze"),
        ("ence", "ense"),
        ("our", "or"),
        ("ours", "ors"),
        ("tre", "ter"),
        ("tres", "ters"),
        ("ogue", "og"),
        ("lled", "led"),
        ("lling", "ling"),
    ];
    for (gb, us) in SUFFIXES {
        if let Some(stem) = word.strip_suffix(gb) {
            if stem.len() >= 2 {
                return format!("{stem}{us}");
            }
        }
    }
    word.to_string()
}

const PRONOUNS: &[&str] = &[
    "he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "his", "hers",
    "their", "theirs", "its", "our", "one",
];

/// True when `name` is nothing but a pronoun ("he", "They").
pub fn is_pronoun(name: &str) -> bool {
    let t = word_tokens(name);
    t.len() == 1 && PRONOUNS.contains(&t[0].as_str())
}

/// True when a gold speaker is a descriptor of an unnamed source rather than a name: it starts
/// with an article or a lower-case letter ("a port official", "officials").
pub fn is_descriptor(speaker: &str) -> bool {
    let t = speaker.trim_start();
    t.chars().next().is_some_and(char::is_lowercase)
        || word_tokens(t)
            .first()
            .is_some_and(|w| ARTICLES.contains(&w.as_str()))
}

/// The surname of a person's name: its last word, generational suffixes skipped; a place or
/// body after "of" or in brackets is not part of the name ("Sen. Ada Lovelace of Ockham",
/// "Ada Lovelace (D-Surrey)").
fn surname(name: &str) -> Option<String> {
    const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];
    let name = before_place(name);
    let name = name.split(" (").next().unwrap_or(name);
    word_tokens(name)
        .into_iter()
        .rev()
        .find(|w| !SUFFIXES.contains(&w.as_str()))
}

/// `name` up to a place or body after "of" ("Sen. Ada Lovelace of Ockham"); an "of" right
/// after a title belongs to the title ("Secretary of State Ada Lovelace", "Speaker of the
/// House Ada Lovelace"), whose surname is the name's last word all the same.
fn before_place(name: &str) -> &str {
    let mut from = 0;
    while let Some(i) = name.get(from..).and_then(|r| r.find(" of ")) {
        let at = from + i;
        let title = word_tokens(&name[..at])
            .last()
            .is_some_and(|w| TITLES.contains(&w.as_str()));
        if !title {
            return &name[..at];
        }
        from = at + " of ".len();
    }
    name
}

/// True when a speaker given with an article or a description ends in a name ("The Courier's
/// Ada Lovelace", "a tired Lovelace"): a named person all the same.
fn ends_in_name(speaker: &str) -> bool {
    let name = before_place(speaker);
    let words: Vec<&str> = name.split_whitespace().collect();
    let lower = |w: &&str| w.chars().next().is_some_and(char::is_lowercase);
    // A capitalised last word after a lower-case or possessive one is a name ("pollster Ada
    // Lovelace", "the Courier's Ada Lovelace"); "the harbour master" is not.
    let Some((last, before)) = words.split_last() else {
        return false;
    };
    !lower(last)
        && before
            .iter()
            .any(|w| lower(w) || w.ends_with("’s") || w.ends_with("'s"))
}

/// The README's speaker rule. `gold_kind` is the gold entity kind of a named speaker, when the
/// gold lists it; without it a named speaker is taken to be a person.
///
/// Right when the resolved name equals the gold one ignoring case; or, for a named gold
/// speaker, when the reported speaker is named too and the surnames agree (not for a gold
/// entity that is not a person); or, for a gold descriptor, when every word of it but the
/// articles appears in the reported name, British and American spellings equal. No speaker,
/// an empty name or a bare pronoun is wrong.
pub fn speaker_right(
    gold: &str,
    gold_kind: Option<EntityKind>,
    reported: Option<&Speaker>,
) -> bool {
    let Some(got) = reported else { return false };
    if word_tokens(&got.name).is_empty() || is_pronoun(&got.name) {
        return false;
    }
    if form_key(gold) == form_key(&got.name) {
        return true;
    }
    if is_descriptor(gold) {
        let have: HashSet<String> = word_tokens(&got.name).iter().map(|w| american(w)).collect();
        let want: Vec<String> = word_tokens(gold)
            .into_iter()
            .filter(|w| !ARTICLES.contains(&w.as_str()))
            .map(|w| american(&w))
            .collect();
        let described = !want.is_empty() && want.iter().all(|w| have.contains(w));
        if described || !ends_in_name(gold) || got.anonymous {
            return described;
        }
    }
    if got.anonymous || gold_kind.is_some_and(|k| k != EntityKind::Person) {
        return false;
    }
    surname(gold).is_some() && surname(gold) == surname(&got.name)
}

/// True when two person names share a surname.
pub fn same_surname(a: &str, b: &str) -> bool {
    surname(a).is_some() && surname(a) == surname(b)
}

/// The first `max` characters of `text` on one line, with an ellipsis when cut: for reports.
pub fn clip(text: &str, max: usize) -> String {
    let one: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() <= max {
        return one;
    }
    let mut s: String = one.chars().take(max).collect();
    s.push('…');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speaker(name: &str, anonymous: bool) -> Speaker {
        Speaker {
            name: name.into(),
            anonymous,
            entity: None,
            span: None,
        }
    }

    #[test]
    fn tokens_drop_punctuation_and_case() {
        assert_eq!(
            word_tokens("E.G. well-known — “Ace”, don’t"),
            ["eg", "wellknown", "ace", "dont"]
        );
        assert!(word_tokens(" ,.— ").is_empty());
    }

    #[test]
    fn containment_either_way_ignoring_case_and_marks() {
        let sentence = "The ship sailed at dawn, the captain said on Monday.";
        assert!(text_matches(sentence, "the captain said"));
        assert!(text_matches("“The ship sailed at dawn”", sentence));
        // A word never matches inside another word.
        assert!(!text_matches("captaincy rules apply here today", "captain"));
    }

    #[test]
    fn half_of_the_shorter_ones_tokens() {
        // 2 of the 4 distinct tokens of the shorter one are shared: exactly half.
        assert!(text_matches(
            "red boats leave early",
            "the red boats were late to the harbour"
        ));
        // 1 of 4: not enough.
        assert!(!text_matches(
            "red cars leave early",
            "the red boats were late"
        ));
        // Repeated words count once: "the" twice is one shared token of 3.
        assert!(!text_matches("the the pier halt", "the ship came"));
        assert!(!text_matches("", "anything"));
        assert!(!text_matches("...", "..."));
    }

    #[test]
    fn names_resolve_aliases_and_articles() {
        assert!(names_match("NYT", "The New York Times"));
        assert!(names_match("the Washington Post", "WaPo"));
        assert!(names_match("AP", "AP News"));
        assert!(names_match("The Ledger", "ledger"));
        assert!(source_names_match("Ada Lovelace", "Mr. Lovelace"));
        assert!(source_names_match("Ada Lovelace", "President Ada Lovelace"));
        assert!(!source_names_match("Ada Lovelace", "Mr. Byron"));
        assert!(!names_match("Ada Lovelace", "Mr. Lovelace"));
        assert!(!names_match("AP", "Apple"));
        assert!(!names_match("the", "The"));
    }

    #[test]
    fn speaker_named_equal_or_same_surname() {
        let g = "Ada K. Lovelace";
        assert!(speaker_right(
            g,
            None,
            Some(&speaker("ada k. lovelace", false))
        ));
        assert!(speaker_right(
            g,
            Some(EntityKind::Person),
            Some(&speaker("Lovelace", false))
        ));
        assert!(speaker_right(
            g,
            None,
            Some(&speaker("Countess Ada Lovelace", false))
        ));
        assert!(!speaker_right(g, None, Some(&speaker("Ada Byron", false))));
        assert!(!speaker_right(g, None, None));
        // Not a person: no surname rule.
        assert!(!speaker_right(
            "Acme Shipping Lines",
            Some(EntityKind::Organization),
            Some(&speaker("Lines", false))
        ));
    }

    #[test]
    fn speaker_with_of_inside_a_title() {
        for gold in [
            "Former Secretary of State Ada Lovelace",
            "Speaker of the House Rep. Ada Lovelace",
            "former secretary of state Ada Lovelace",
            "Secretary of State Ada Lovelace of Ockham",
        ] {
            assert!(
                speaker_right(gold, None, Some(&speaker("Ada Lovelace", false))),
                "{gold}"
            );
        }
        assert!(!speaker_right(
            "Secretary of State Ada Lovelace",
            None,
            Some(&speaker("Ada Byron", false))
        ));
    }

    #[test]
    fn speaker_named_after_a_description_or_with_a_place() {
        assert!(speaker_right(
            "The Courier's Ada Lovelace",
            None,
            Some(&speaker("Ada Lovelace", false))
        ));
        assert!(speaker_right(
            "Sen. Ada Lovelace of Ockham",
            None,
            Some(&speaker("Ada Lovelace", false))
        ));
        assert!(!speaker_right(
            "the harbour master",
            None,
            Some(&speaker("Ada Lovelace", false))
        ));
        assert!(!speaker_right(
            "The Courier's Ada Lovelace",
            None,
            Some(&speaker("The Courier", true))
        ));
    }

    #[test]
    fn speaker_pronoun_is_wrong() {
        assert!(!speaker_right(
            "Ada Lovelace",
            None,
            Some(&speaker("she", false))
        ));
        assert!(!speaker_right(
            "a port official",
            None,
            Some(&speaker("They", true))
        ));
        assert!(!speaker_right(
            "a port official",
            None,
            Some(&speaker("", true))
        ));
    }

    #[test]
    fn speaker_descriptor_words_and_spellings() {
        let g = "a senior harbour official";
        assert!(speaker_right(
            g,
            None,
            Some(&speaker("a senior harbor department official", true))
        ));
        assert!(speaker_right(
            g,
            None,
            Some(&speaker("Senior Harbor Official", true))
        ));
        assert!(!speaker_right(
            g,
            None,
            Some(&speaker("a harbor official", true))
        ));
        assert!(speaker_right(
            "the organisation's spokesman",
            None,
            Some(&speaker("an organization's spokesman", true))
        ));
        assert!(is_descriptor("an official cited by a broadcaster"));
        assert!(is_descriptor("officials"));
        assert!(!is_descriptor("Ada Lovelace"));
    }

    #[test]
    fn american_spellings() {
        for (gb, us) in [
            ("defence", "defense"),
            ("organisation", "organization"),
            ("colour", "color"),
            ("criticised", "criticized"),
            ("centre", "center"),
        ] {
            assert_eq!(american(gb), american(us), "{gb}");
        }
    }
}
