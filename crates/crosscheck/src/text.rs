//! Word normalisation and lexical similarity shared by the crosscheck stages.
//!
//! Words are lower-cased runs of letters and digits; a light suffix-stripping stemmer folds
//! inflections ("halted", "halts" → "halt"); British and American spellings fold together
//! ("defence" → "defense"). Nothing here knows any story.

use std::collections::HashSet;
use std::sync::OnceLock;

use model::Span;

/// A word of a text, with its span and its normalised form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// Where it is in the text it came from (offsets relative to that text).
    pub span: Span,
    /// Lower-cased surface form.
    pub lower: String,
    /// Stem of the lower-cased, spelling-folded form.
    pub stem: String,
}

fn stopwords() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../data/stopwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// True for a function word.
pub fn is_stopword(lower: &str) -> bool {
    stopwords().contains(lower)
}

/// The words of `text`, in order. Apostrophes inside a word are kept ("don't"), and a
/// possessive `'s` is dropped.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let push = |out: &mut Vec<Word>, s: usize, e: usize| {
        let raw = &text[s..e];
        let raw = raw.trim_end_matches(['\'', '’']);
        let raw = raw
            .strip_suffix("'s")
            .or_else(|| raw.strip_suffix("’s"))
            .unwrap_or(raw);
        if raw.is_empty() {
            return;
        }
        let lower = raw.to_lowercase();
        let stem = stem(&fold_spelling(&lower));
        out.push(Word {
            span: Span::new(s, s + raw.len()),
            lower,
            stem,
        });
    };
    let bytes: Vec<(usize, char)> = text.char_indices().collect();
    for (i, &(pos, c)) in bytes.iter().enumerate() {
        let inner_apostrophe = (c == '\'' || c == '’')
            && start.is_some()
            && bytes.get(i + 1).is_some_and(|&(_, n)| n.is_alphabetic());
        if c.is_alphanumeric() || inner_apostrophe {
            if start.is_none() {
                start = Some(pos);
            }
        } else if let Some(s) = start.take() {
            push(&mut out, s, pos);
        }
    }
    if let Some(s) = start {
        push(&mut out, s, text.len());
    }
    out
}

/// British → American spelling for the common patterns, so that both count as one word.
pub fn fold_spelling(lower: &str) -> String {
    let mut w = lower.to_string();
    for (from, to) in [
        ("ence", "ense"),
        ("our", "or"),
        ("tre", "ter"),
        ("ise", "ize"),
        ("isation", "ization"),
        ("yse", "yze"),
    ] {
        if w.ends_with(from) && w.len() > from.len() + 2 {
            // Only the tail, and only where the result is a plausible word form.
            let keep = &w[..w.len() - from.len()];
            if from == "ence" && !matches!(keep, "def" | "off" | "lic" | "pret") {
                continue;
            }
            if from == "our"
                && matches!(
                    keep,
                    "y" | "f" | "h" | "t" | "p" | "s" | "to" | "dev" | "ten"
                )
            {
                continue;
            }
            w = format!("{keep}{to}");
            break;
        }
    }
    w
}

/// A light English stemmer: strips common inflectional suffixes. Deliberately conservative;
/// over-stemming merges words with different meanings, which costs more than it gains here.
pub fn stem(w: &str) -> String {
    if w.len() <= 3 || w.chars().any(|c| c.is_ascii_digit()) {
        return w.to_string();
    }
    for (suffix, repl) in [
        ("ational", "ate"),
        ("ization", "ize"),
        ("ations", "ate"),
        ("ation", "ate"),
        ("ments", "ment"),
        ("ities", "ity"),
        ("iness", "y"),
        ("ness", ""),
        ("ingly", ""),
        ("edly", ""),
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("ly", ""),
        ("s", ""),
    ] {
        if let Some(base) = w.strip_suffix(suffix) {
            if base.chars().count() >= 3
                && !(suffix == "s" && (base.ends_with('s') || base.ends_with('u')))
            {
                let mut b = format!("{base}{repl}");
                // "stopped" → "stopp" → "stop"
                let cs: Vec<char> = b.chars().collect();
                if matches!(suffix, "ing" | "ed")
                    && cs.len() >= 2
                    && cs[cs.len() - 1] == cs[cs.len() - 2]
                    && !matches!(cs[cs.len() - 1], 'l' | 's' | 'z')
                {
                    b.pop();
                }
                return b;
            }
        }
    }
    // A final "e" goes too, so that "pause" meets "paus(ed)". Only one: "agree" must meet
    // "agre(ed)".
    let t = w.strip_suffix('e').unwrap_or(w);
    if t.chars().count() >= 3 {
        t.to_string()
    } else {
        w.to_string()
    }
}

/// The stems of the content words of `text` (stopwords dropped).
pub fn content_stems(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| !is_stopword(&w.lower))
        .map(|w| w.stem)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_spans() {
        let t = "The mayor's office didn’t reply.";
        let w = words(t);
        let forms: Vec<&str> = w.iter().map(|w| w.span.text(t)).collect();
        assert_eq!(forms, vec!["The", "mayor", "office", "didn’t", "reply"]);
    }

    #[test]
    fn stems_fold_inflections_and_spelling() {
        assert_eq!(stem("halted"), stem("halts"));
        assert_eq!(stem("stopped"), stem("stop"));
        assert_eq!(stem(&fold_spelling("defence")), stem("defense"));
        assert_eq!(stem(&fold_spelling("harbour")), stem("harbor"));
        assert_eq!(stem(&fold_spelling("centre")), stem("center"));
        assert_eq!(stem("operations"), stem("operation"));
        assert_eq!(stem("paused"), stem("pause"));
    }
}
