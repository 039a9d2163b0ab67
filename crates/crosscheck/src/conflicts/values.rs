//! Typed values in a statement: amounts of money, counts of a noun, percentages, years and
//! weekdays, each with the range it allows and the words around it.
//!
//! A value conflict needs two statements that fill one slot with values that cannot both
//! hold, so a value carries what a rule needs to judge that: its kind and unit (a count of
//! "pages" is not a count of "years"), its range (a written "$139 million" allows what rounds
//! to it; "about", "more than" widen it), and the key terms of its neighbourhood (what it is
//! the value of).

use crate::align::features::key_of;
use crate::text::is_stopword;

use super::lexicon::lexicon;

/// Words before a value, within its clause, where its subject's name may stand.
const WINDOW: usize = 5;
/// Words either side of a value that make its neighbourhood.
const CONTEXT: usize = 8;

/// What a value measures. Two values conflict only when their kinds are equal.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// An amount of money in one currency sign ("$").
    Money(char),
    /// A share, in percent.
    Percent,
    /// A count of a noun ("pages", "years", "arrests"), the noun folded to its key.
    Count(String),
    /// A calendar year after a preposition ("since 2002", "in 2019").
    Year,
    /// A day of the week.
    Weekday,
}

/// One value of a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What it measures.
    pub kind: Kind,
    /// The lowest figure it allows.
    pub low: f64,
    /// The highest figure it allows.
    pub high: f64,
    /// The index of its first token among the statement's raw tokens.
    pub at: usize,
    /// Key terms of the content words within [`WINDOW`] tokens of it, other values left out.
    pub context: Vec<String>,
    /// Key terms of the names before it in its neighbourhood: the last word of each run of
    /// capitalised words ("former President Bill Clinton" → "clinton"), so that a surname
    /// meets its plural or possessive in another statement.
    pub names: Vec<String>,
    /// True when a conditional or guessing word ("may", "could", "would", "if") stands in
    /// its neighbourhood: a guess and a fact fill no slot against each other.
    pub hedged: bool,
}

impl Value {
    /// True when some figure fits both values.
    pub fn compatible(&self, other: &Value) -> bool {
        self.kind == other.kind && self.low <= other.high && other.low <= self.high
    }
}

/// A whitespace token of a statement: its surface form and its lower-cased, punctuation-
/// trimmed core ("$5.6”" → "$5.6").
struct Token<'a> {
    raw: &'a str,
    core: String,
}

fn tokens(text: &str) -> Vec<Token<'_>> {
    text.split_whitespace()
        .map(|raw| Token {
            raw,
            core: raw
                .trim_matches(|c: char| {
                    !(c.is_alphanumeric() || matches!(c, '$' | '£' | '€' | '%'))
                })
                .to_lowercase(),
        })
        .filter(|t| !t.core.is_empty())
        .collect()
}

/// A written number: its value and the step of its last written digit ("139" → 1,
/// "5.6" → 0.1), so that a rounded figure allows what rounds to it.
fn number(s: &str) -> Option<(f64, f64)> {
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.'))
    {
        return None;
    }
    if !s.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let plain: String = s.chars().filter(|c| *c != ',').collect();
    let v: f64 = plain.parse().ok()?;
    let step = match plain.split_once('.') {
        Some((_, frac)) => 10f64.powi(-(frac.len() as i32)),
        None => 1.0,
    };
    Some((v, step))
}

/// Number words read as counts ("seven years").
fn number_word(w: &str) -> Option<f64> {
    const WORDS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    WORDS.iter().position(|x| *x == w).map(|i| i as f64)
}

/// The multiplier of a scale word.
fn scale(w: &str) -> Option<f64> {
    match w {
        "thousand" => Some(1e3),
        "million" | "mln" => Some(1e6),
        "billion" | "bn" => Some(1e9),
        "trillion" => Some(1e12),
        _ => None,
    }
}

fn in_section(section: &str, words: &[&str]) -> bool {
    lexicon().section(section).any(|cue| {
        cue.len() <= words.len()
            && words[words.len() - cue.len()..]
                .iter()
                .zip(cue)
                .all(|(a, b)| a == b)
    })
}

/// Widens `(v, step)` by the hedge before token `i` ("about", "more than", "up to").
fn range(toks: &[Token<'_>], i: usize, v: f64, step: f64) -> (f64, f64) {
    let before: Vec<&str> = toks[i.saturating_sub(3)..i]
        .iter()
        .map(|t| t.core.as_str())
        .collect();
    // A rounded figure allows what rounds to it; two figures written to one precision that
    // differ in the last digit do not meet.
    let (low, high) = (v - 0.49 * step, v + 0.49 * step);
    if in_section("lower_bound", &before) {
        (low, f64::INFINITY)
    } else if in_section("upper_bound", &before) {
        (f64::NEG_INFINITY, high)
    } else if in_section("approx", &before) {
        (low.min(v * 0.9), high.max(v * 1.1))
    } else {
        (low, high)
    }
}

/// True for a month's name or its usual abbreviation.
/// True for four digits that may be a year (1800–2100), whatever stands around them.
pub(crate) fn year_like(w: &str) -> bool {
    w.len() == 4 && w.parse::<u16>().is_ok_and(|y| (1800..=2100).contains(&y))
}

fn month(w: &str) -> bool {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = w.trim_end_matches('.');
    w.len() >= 3 && MONTHS.iter().any(|m| m.starts_with(w) && (w.len() >= 3))
}

/// True for a weekday name.
fn weekday(w: &str) -> Option<f64> {
    lexicon()
        .section("weekdays")
        .position(|d| d.first().is_some_and(|d| d == w))
        .map(|i| i as f64)
}

/// The values of `text`, in order.
pub fn values(text: &str) -> Vec<Value> {
    let toks = tokens(text);
    let mut out: Vec<Value> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i].core;
        let next = toks.get(i + 1).map(|t| t.core.as_str()).unwrap_or("");
        let mut used = 1;
        let found: Option<(Kind, f64, f64)> = if let Some(d) = weekday(t) {
            Some((Kind::Weekday, d, d))
        } else if let Some(rest) = t.strip_prefix(['$', '£', '€']) {
            let sign = t.chars().next().unwrap_or('$');
            number(rest).map(|(v, step)| {
                let m = scale(next).unwrap_or(1.0);
                if m > 1.0 {
                    used = 2;
                }
                let (lo, hi) = range(&toks, i, v * m, step * m);
                (Kind::Money(sign), lo, hi)
            })
        } else if let Some((v, step)) = number(t.trim_end_matches('%')).or_else(|| {
            // "48-page", "three-month": a number and its noun in one token.
            t.split_once('-')
                .and_then(|(n, _)| number(n).or_else(|| number_word(n).map(|v| (v, 1.0))))
        }) {
            classify(&toks, i, v, step, &mut used)
        } else if let Some(v) = number_word(t) {
            classify(&toks, i, v, 1.0, &mut used)
        } else {
            None
        };
        if let Some((kind, low, high)) = found {
            out.push(Value {
                kind,
                low,
                high,
                at: i,
                context: Vec::new(),
                names: Vec::new(),
                hedged: false,
            });
        }
        i += used;
    }
    let taken: Vec<bool> = (0..toks.len())
        .map(|k| out.iter().any(|v| v.at == k))
        .collect();
    for v in &mut out {
        // Names count within the value's clause: what follows a comma is often another
        // subject ("…since 2003, and that is what Ryan argued"). The context reaches further,
        // across the clause's edges: "…the construction budget, to the tune of $3.5 billion".
        let ends_clause = |t: &Token<'_>| t.raw.ends_with([',', ';', ':', '.', '?', '!']);
        let mut clause = v.at;
        while clause > 0
            && v.at - clause < WINDOW
            && !ends_clause(&toks[clause - 1])
            && toks[clause - 1].core != "—"
        {
            clause -= 1;
        }
        let lo = v.at.saturating_sub(CONTEXT);
        let hi = (v.at + CONTEXT).min(toks.len() - 1);
        let near = v.at.saturating_sub(WINDOW)..=(v.at + WINDOW).min(toks.len() - 1);
        let around: Vec<String> = toks[near].iter().map(|t| t.core.clone()).collect();
        v.hedged = lexicon()
            .section("conditional")
            .any(|cue| !super::lexicon::find_all(&around, cue).is_empty());
        let capital = |t: &Token<'_>| {
            t.raw
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .starts_with(char::is_uppercase)
        };
        for (k, t) in toks.iter().enumerate().take(hi + 1).skip(lo) {
            if taken[k] || k == v.at {
                continue;
            }
            let word = t.core.trim_matches(|c: char| !c.is_alphanumeric());
            if word.is_empty() || is_stopword(word) || scale(word).is_some() {
                continue;
            }
            // A capitalised word opening the statement counts too: a subject often stands
            // there, and taking a common word for a name only makes the rules abstain.
            let run_ends = toks.get(k + 1).is_none_or(|n| !capital(n)) || t.raw.ends_with(',');
            // Names before the value: its subject stands there ("Lee won 21 percent"); a name
            // after it ("60 jobs at Grey Gull") qualifies it.
            if capital(t) && run_ends && k < v.at && k >= clause {
                v.names.push(key_of(word));
            }
            v.context.push(key_of(word));
        }
        v.context.sort();
        v.context.dedup();
        v.names.sort();
        v.names.dedup();
    }
    out
}

/// The kind of a bare number at token `i`: a percentage, a year after a preposition, or a
/// count of the noun after it (a scale word between is read as a multiplier).
fn classify(
    toks: &[Token<'_>],
    i: usize,
    v: f64,
    step: f64,
    used: &mut usize,
) -> Option<(Kind, f64, f64)> {
    let t = &toks[i].core;
    let next = toks.get(i + 1).map(|t| t.core.as_str()).unwrap_or("");
    // A day of a month ("Sept. 11", "March 3") is a date, not a count of what follows.
    let prev = i
        .checked_sub(1)
        .map(|p| toks[p].core.as_str())
        .unwrap_or("");
    if month(prev) {
        return None;
    }
    if t.ends_with('%') || matches!(next, "percent" | "per" | "pct") {
        let (lo, hi) = range(toks, i, v, step);
        return Some((Kind::Percent, lo, hi));
    }
    if year_like(t) {
        // A year is a slot's value after a preposition of time; "the 1996 act" names a thing.
        return matches!(
            prev,
            "in" | "since" | "until" | "by" | "from" | "through" | "after" | "before" | "for"
        )
        .then_some((Kind::Year, v, v));
    }
    // "48-page": the noun is the rest of the token.
    if let Some((_, noun)) = t.split_once('-') {
        let noun = noun.trim_matches(|c: char| !c.is_alphabetic());
        if noun.len() >= 3 && !is_stopword(noun) {
            let (lo, hi) = range(toks, i, v, step);
            return Some((Kind::Count(key_of(noun)), lo, hi));
        }
        return None;
    }
    let (m, noun_at) = match scale(next) {
        Some(m) => (m, i + 2),
        None => (1.0, i + 1),
    };
    let noun = toks
        .get(noun_at)?
        .core
        .trim_matches(|c: char| !c.is_alphabetic());
    // The counted noun follows directly; "of" after a number ("one of the") is no count. A
    // capitalised noun is a name ("19 Sept"), unless the number is capitalised too, as in a
    // headline ("Seven Years").
    let headline = toks[i].raw.starts_with(char::is_uppercase);
    if noun.len() < 3
        || is_stopword(noun)
        || (!headline && !toks[noun_at].raw.starts_with(char::is_lowercase))
    {
        return None;
    }
    *used = noun_at - i;
    let (lo, hi) = range(toks, i, v * m, step * m);
    Some((Kind::Count(key_of(noun)), lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(Kind, f64, f64)> {
        values(text)
            .into_iter()
            .map(|v| (v.kind, v.low, v.high))
            .collect()
    }

    #[test]
    fn money_with_scale_and_rounding() {
        let v = values("The council asked for $5.6 billion for the ferry terminal.");
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].kind, Kind::Money('$'));
        // Written to a tenth of a billion: what rounds to 5.6 billion, not 5.5 or 5.7.
        assert!(v[0].low > 5.55e9 && v[0].low < 5.6e9);
        assert!(v[0].high < 5.65e9 && v[0].high > 5.6e9);
        assert!(v[0].context.contains(&key_of("council")));
        assert!(v[0].context.contains(&key_of("ferry")));
        let exact = values("They earned $140,937,785 over the period.");
        let rounded = values("They earned $139 million over the period.");
        assert!(!exact[0].compatible(&rounded[0]));
        let about = values("They earned about $139 million over the period.");
        assert!(exact[0].compatible(&about[0]));
    }

    #[test]
    fn counts_years_weekdays_percent() {
        assert_eq!(kinds("a 48-page report")[0].0, Kind::Count(key_of("page")));
        assert_eq!(
            kinds("earnings in seven years")[0].0,
            Kind::Count(key_of("years"))
        );
        assert_eq!(kinds("She has led the party since 2002.")[0].0, Kind::Year);
        assert!(kinds("the 1996 act").is_empty());
        assert_eq!(kinds("It passed on Tuesday.")[0].0, Kind::Weekday);
        assert_eq!(kinds("turnout of 61 percent")[0].0, Kind::Percent);
        assert!(kinds("one of the reasons").is_empty());
        let more = values("more than 400 jobs");
        assert_eq!(more[0].high, f64::INFINITY);
    }

    #[test]
    fn names_near_a_value() {
        let v = values("Former Mayor Ada Okafor won 52 percent of the vote.");
        assert_eq!(v[0].names, vec![key_of("okafor")]);
    }
}
