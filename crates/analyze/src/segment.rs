//! Sentences with byte spans.
//!
//! A sentence ends at `.`, `!`, `?` or `…`, together with any closing quotation marks or
//! brackets right after it, when white space and then a capital, a digit or an opening
//! quotation mark follow. A full stop after a known abbreviation (`data/abbreviations.txt`), a
//! single capital (an initial, "James A. Lewis") or a dotted acronym ("U.S.") ends nothing.
//! Blocks are segmented one by one, so a heading without a full stop is a sentence of its own.

use std::collections::HashSet;
use std::sync::OnceLock;

use model::{Block, BlockKind, Sentence, Span};

fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("../data/abbreviations.txt")
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect()
    })
}

const CLOSERS: &[char] = &['"', '”', '’', '\'', '»', ')', ']'];
const OPENERS: &[char] = &['"', '“', '‘', '\'', '«', '(', '['];

/// Sentences of every block that is not boilerplate, in order.
pub fn sentences(text: &str, blocks: &[Block]) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (i, b) in blocks.iter().enumerate() {
        if b.kind == BlockKind::Boilerplate {
            continue;
        }
        for span in split(text, b.span) {
            out.push(Sentence {
                span,
                block: i,
                kind: b.kind,
            });
        }
    }
    out
}

/// Splits the text of `span` into sentence spans, trimmed, covering all its non-space text.
pub fn split(text: &str, span: Span) -> Vec<Span> {
    let Some(s) = span.get(text) else {
        return vec![];
    };
    let mut out = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if matches!(c, '.' | '!' | '?' | '…') {
            // Take repeated terminators and closing marks with the sentence.
            let mut j = i + 1;
            while j < chars.len()
                && (matches!(chars[j].1, '.' | '!' | '?' | '…') || CLOSERS.contains(&chars[j].1))
            {
                j += 1;
            }
            let end = chars.get(j).map_or(s.len(), |&(p, _)| p);
            let mut k = j;
            while k < chars.len() && chars[k].1.is_whitespace() {
                k += 1;
            }
            let followed_by_space = k > j;
            let next = chars.get(k).map(|&(_, c)| c);
            let starts_sentence = next
                .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit() || OPENERS.contains(&n));
            if followed_by_space
                && starts_sentence
                && !(c == '.' && j == i + 1 && is_abbreviation(&s[..pos]))
            {
                push(&mut out, span.start, s, start, end);
                start = chars.get(k).map_or(s.len(), |&(p, _)| p);
            }
            i = j;
            continue;
        }
        i += 1;
    }
    push(&mut out, span.start, s, start, s.len());
    out
}

fn push(out: &mut Vec<Span>, base: usize, s: &str, start: usize, end: usize) {
    let local = Span::new(start, end).trim(s);
    if !local.is_empty() {
        out.push(Span::new(base + local.start, base + local.end));
    }
}

/// True when the word ending right before a full stop is one after which sentences go on.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || OPENERS.contains(&c))
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    // An initial: "A" in "James A. Lewis".
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return c.is_uppercase();
    }
    // A dotted acronym: "U.S", "a.m", "e.g".
    if word.contains('.')
        && word
            .split('.')
            .all(|p| p.chars().count() <= 2 && !p.is_empty())
    {
        return true;
    }
    abbreviations().contains(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(t: &str) -> Vec<&str> {
        split(t, Span::new(0, t.len()))
            .into_iter()
            .map(|s| s.text(t))
            .collect()
    }

    #[test]
    fn abbreviations_initials_and_acronyms() {
        assert_eq!(
            split_all("Retired Lt. Gen. Ana Ruiz met Sen. Ode Banks in Jan. 2024 in the U.S. Capitol. Then they left."),
            vec!["Retired Lt. Gen. Ana Ruiz met Sen. Ode Banks in Jan. 2024 in the U.S. Capitol.", "Then they left."]
        );
        assert_eq!(
            split_all("Economist Mara J. Olsen disagreed. She said so."),
            vec!["Economist Mara J. Olsen disagreed.", "She said so."]
        );
    }

    #[test]
    fn quotations() {
        assert_eq!(
            split_all("\u{201c}We will wait,\u{201d} she said. \u{201c}Then we act.\u{201d} The board agreed."),
            vec!["\u{201c}We will wait,\u{201d} she said.", "\u{201c}Then we act.\u{201d}", "The board agreed."]
        );
        assert_eq!(
            split_all("\"It is over.\" He left. \"Really?\" asked a clerk."),
            vec!["\"It is over.\"", "He left.", "\"Really?\" asked a clerk."]
        );
    }

    #[test]
    fn no_split_before_lower_case_or_inside_numbers() {
        assert_eq!(
            split_all("Prices rose 3.5 percent... and then fell."),
            vec!["Prices rose 3.5 percent... and then fell."]
        );
        assert_eq!(
            split_all("A heading without stop"),
            vec!["A heading without stop"]
        );
        assert!(split_all("   ").is_empty());
    }

    #[test]
    fn spans_point_into_the_text() {
        let t = "  First one.  Second one!\n";
        let spans = split(t, Span::new(0, t.len()));
        assert_eq!(spans, vec![Span::new(2, 12), Span::new(14, 25)]);
    }
}
