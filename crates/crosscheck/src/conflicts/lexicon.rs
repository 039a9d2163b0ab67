//! The cue and antonym lists of `data/`, and the word-level tests built on them: polarity,
//! antonym classes, numbers with their units.

use std::sync::OnceLock;

/// One class of an antonym slot: "duration/bounded: temporary, temporarily, …".
#[derive(Debug)]
pub struct AntonymClass {
    /// The slot ("duration").
    pub slot: String,
    /// The class within the slot ("bounded").
    pub class: String,
    /// Its words.
    pub words: Vec<String>,
}

/// The parsed lists.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Antonym classes.
    pub antonyms: Vec<AntonymClass>,
    sections: Vec<(String, Vec<String>)>,
}

impl Lexicon {
    /// The entries of a section of `cues.txt`, each split into words.
    pub fn section<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [String]> + 'a {
        self.sections
            .iter()
            .filter(move |(s, _)| s == name)
            .map(|(_, e)| e.as_slice())
    }
}

/// The lists, parsed once.
pub fn lexicon() -> &'static Lexicon {
    static LEX: OnceLock<Lexicon> = OnceLock::new();
    LEX.get_or_init(|| {
        parse(
            include_str!("../../data/cues.txt"),
            include_str!("../../data/antonyms.tsv"),
        )
    })
}

fn parse(cues: &str, antonyms: &str) -> Lexicon {
    let mut lex = Lexicon::default();
    let mut current = String::new();
    for line in cues.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
        } else {
            lex.sections.push((current.clone(), split_cue(line)));
        }
    }
    for line in antonyms.lines() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split('\t');
        if let (Some(slot), Some(class), Some(words)) = (parts.next(), parts.next(), parts.next()) {
            lex.antonyms.push(AntonymClass {
                slot: slot.trim().to_string(),
                class: class.trim().to_string(),
                words: words.split_whitespace().map(str::to_lowercase).collect(),
            });
        }
    }
    lex
}

/// A cue's words as [`crate::text::words`] would cut them: "n't" stays one piece.
fn split_cue(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_lowercase).collect()
}

/// Positions where `phrase` starts in `words`.
pub fn find_all(words: &[String], phrase: &[String]) -> Vec<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return Vec::new();
    }
    (0..=words.len() - phrase.len())
        .filter(|&i| {
            phrase
                .iter()
                .enumerate()
                .all(|(k, p)| cue_eq(&words[i + k], p))
        })
        .collect()
}

/// A word equals a cue word; the cue "n't" matches any contraction ending in it.
fn cue_eq(word: &str, cue: &str) -> bool {
    if cue == "n't" {
        return word.ends_with("n't") || word.ends_with("n’t");
    }
    word == cue || (cue.contains('\'') && word.replace('’', "'") == cue)
}

/// True when any entry of `section` occurs in `words`.
pub fn has(words: &[String], section: &str) -> bool {
    lexicon()
        .section(section)
        .any(|p| !find_all(words, p).is_empty())
}

/// Where the polarity-turning cues of `words` stand (index of the cue's last word), with
/// comparatives ("no greater … than"), "not only" and "nor" left out.
pub fn negations(words: &[String]) -> Vec<usize> {
    let lex = lexicon();
    let comparatives: Vec<&[String]> = lex.section("comparatives").collect();
    let mut hits: Vec<(usize, usize)> = Vec::new();
    for cue in lex.section("negators") {
        for i in find_all(words, cue) {
            let end = i + cue.len() - 1;
            let single = cue.len() == 1 && matches!(cue[0].as_str(), "no" | "not");
            if single {
                let next = words.get(i + 1).map(String::as_str).unwrap_or("");
                if next == "only" || next == "doubt" {
                    continue;
                }
                // "no greater priority to X than Y": a superlative, not a denial.
                if comparatives
                    .iter()
                    .any(|c| c.first().is_some_and(|c| c == next))
                    && words.iter().skip(i + 2).take(8).any(|w| w == "than")
                {
                    continue;
                }
            }
            hits.push((i, end));
        }
    }
    // A longer cue covering a shorter one counts once ("no one" over "no").
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    let mut out: Vec<usize> = Vec::new();
    let mut covered_to: Option<usize> = None;
    for (s, e) in hits {
        if covered_to.is_some_and(|c| s <= c) {
            continue;
        }
        covered_to = Some(e);
        out.push(e);
    }
    out
}

/// Polarity: true when the statement is affirmative (an even number of negations: "refused
/// to deny" affirms).
pub fn affirmative(words: &[String]) -> bool {
    negations(words).len() & 1 == 0
}

/// The antonym classes whose words occur in `words`, as indices into the lexicon's list.
pub fn classes(words: &[String]) -> Vec<usize> {
    let lex = lexicon();
    let mut out: Vec<usize> = lex
        .antonyms
        .iter()
        .enumerate()
        .filter(|(_, c)| words.iter().any(|w| c.words.contains(w)))
        .map(|(i, _)| i)
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(t: &str) -> Vec<String> {
        crate::text::words(t).into_iter().map(|w| w.lower).collect()
    }

    #[test]
    fn lists_parse_and_are_consistent() {
        let lex = lexicon();
        assert!(lex.antonyms.len() >= 10);
        for c in &lex.antonyms {
            assert!(!c.words.is_empty(), "{}/{} has no words", c.slot, c.class);
            // Every slot has at least two classes, or nothing can conflict.
            assert!(
                lex.antonyms.iter().filter(|o| o.slot == c.slot).count() >= 2,
                "slot {}",
                c.slot
            );
        }
        // A word belongs to one class of a slot only.
        for (i, a) in lex.antonyms.iter().enumerate() {
            for b in lex.antonyms.iter().skip(i + 1).filter(|b| b.slot == a.slot) {
                assert!(
                    a.words.iter().all(|x| !b.words.contains(x)),
                    "{} in two classes of {}",
                    a.class,
                    a.slot
                );
            }
        }
        for s in [
            "negators",
            "uncertain",
            "duration_slot",
            "conditional",
            "comment",
            "spoke",
            "exclusion",
            "only",
            "all",
            "approx",
        ] {
            assert!(lex.section(s).next().is_some(), "section {s} empty");
        }
        let classes_of = |word: &str| {
            lex.antonyms
                .iter()
                .filter(|c| c.words.iter().any(|x| x == word))
                .count()
        };
        assert_eq!(classes_of("temporary"), 1);
        assert_eq!(classes_of("indefinite"), 1);
        assert_eq!(classes_of("rose"), 1);
        assert_eq!(classes_of("halted"), 1);
    }

    #[test]
    fn polarity() {
        assert!(affirmative(&w(
            "The mayor has no higher aim than the safety of the children in every school."
        )));
        assert!(!affirmative(&w(
            "The mayor does not put the safety of the children first."
        )));
        assert!(affirmative(&w("The minister refused to deny the report.")));
        assert!(!affirmative(&w("The company fails to meet the standard.")));
        assert!(!affirmative(&w("No one on the board wants a delay.")));
        assert!(affirmative(&w("It is not only cheap but fast.")));
        assert!(!affirmative(&w("We do not comment nor discuss plans.")));
        assert!(!affirmative(&w("The mill didn't close.")));
        assert!(affirmative(&w("The mill closed.")));
    }

    #[test]
    fn antonym_classes() {
        let lex = lexicon();
        let names = |t: &str| -> Vec<String> {
            classes(&w(t))
                .into_iter()
                .map(|i| format!("{}/{}", lex.antonyms[i].slot, lex.antonyms[i].class))
                .collect()
        };
        assert_eq!(names("The closure is temporary."), vec!["duration/bounded"]);
        assert_eq!(names("It was indefinite."), vec!["duration/open"]);
        assert_eq!(names("Sales rose."), vec!["direction/up"]);
    }
}
