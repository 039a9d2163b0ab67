//! Plain text → lines with roles: headline, standfirst, subheading, caption, body, boilerplate.
//!
//! Text from feeds, APIs and copy-paste carries page furniture with it: donation appeals,
//! newsletter boxes, link lists, share bars, photo credits, footers. We judge each line from
//! general signals only:
//!   - *shape*: length in words, whether it ends like a sentence, a `label:` start, pipes and ©;
//!   - *cues*: short lists of furniture words in several languages (`data/boilerplate.txt`);
//!   - *voice*: news copy speaks of third parties; an unquoted "we"/"our"/"you" addresses the
//!     reader, as appeals do;
//!   - *repetition*: link lists print each title twice (image alt text, then the link);
//!   - *position*: furniture gathers before the first and after the last sentence of the body.
//!
//! The per-line judgement gives strong marks; the position pass then widens them into the head
//! and tail zones, which is what removes appeal paragraphs that are well-formed sentences.

use std::sync::OnceLock;

use model::{Block, BlockKind, Span};

/// A furniture cue from `data/boilerplate.txt`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CueKind {
    Label,
    Start,
    Promo,
    Social,
    Credit,
}

struct Cues {
    /// The cues of each kind, in file order, indexed by [`CueKind`]: filtering one list of
    /// all kinds for every line cost more than the matching.
    by_kind: [Vec<String>; 5],
}

impl Cues {
    fn of(&self, kind: CueKind) -> impl Iterator<Item = &str> {
        self.by_kind[kind as usize].iter().map(String::as_str)
    }
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let raw = include_str!("../data/boilerplate.txt");
        let entries = raw
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let (kind, cue) = l.split_once('\t')?;
                let kind = match kind {
                    "label" => CueKind::Label,
                    "start" => CueKind::Start,
                    "promo" => CueKind::Promo,
                    "social" => CueKind::Social,
                    "credit" => CueKind::Credit,
                    _ => return None,
                };
                Some((kind, cue.trim().to_lowercase()))
            });
        let mut by_kind: [Vec<String>; 5] = Default::default();
        for (kind, cue) in entries {
            by_kind[kind as usize].push(cue);
        }
        Cues { by_kind }
    })
}

/// What one line looks like on its own.
#[derive(Debug)]
struct Line {
    span: Span,
    words: usize,
    /// Ends like a sentence: `.`, `!`, `?`, `…`, possibly followed by closing quotes.
    terminal: bool,
    /// Speaks to the reader or for the publication outside quotation marks.
    reader_voice: bool,
    /// Marked as furniture by a cue or by shape, with the reason.
    furniture: Option<&'static str>,
    caption: bool,
}

impl Line {
    /// A line of running text: a sentence of some length that is not furniture.
    fn is_body_sentence(&self) -> bool {
        self.furniture.is_none() && !self.caption && self.terminal && self.words >= 6
    }
}

/// Splits `text` into non-empty lines and gives each a role.
pub fn classify(text: &str) -> Vec<Block> {
    let lines = lines_of(text);
    let mut kinds: Vec<(BlockKind, &'static str)> = vec![(BlockKind::Body, ""); lines.len()];
    let is_dup = duplicates(text, &lines);

    for (i, line) in lines.iter().enumerate() {
        if is_dup[i] {
            kinds[i] = (BlockKind::Boilerplate, "repeated line (link list)");
        } else if let Some(why) = line.furniture {
            kinds[i] = (BlockKind::Boilerplate, why);
        } else if line.caption {
            kinds[i] = (BlockKind::Caption, "photo credit");
        }
    }

    let first_body = lines
        .iter()
        .enumerate()
        .position(|(i, l)| !is_dup[i] && l.is_body_sentence());
    let last_body = lines
        .iter()
        .enumerate()
        .rposition(|(i, l)| !is_dup[i] && l.is_body_sentence());
    let (Some(first_body), Some(last_body)) = (first_body, last_body) else {
        // No running text at all: nothing to anchor zones on; keep the per-line judgement.
        return to_blocks(&lines, &kinds);
    };

    head_zone(text, &lines, &mut kinds, first_body);
    tail_zone(&lines, &mut kinds, last_body);
    middle(&lines, &mut kinds, first_body, last_body);
    to_blocks(&lines, &kinds)
}

fn to_blocks(lines: &[Line], kinds: &[(BlockKind, &'static str)]) -> Vec<Block> {
    lines
        .iter()
        .zip(kinds)
        .map(|(l, (kind, why))| Block {
            kind: *kind,
            span: l.span,
            reason: why.to_string(),
        })
        .collect()
}

/// Lines before the first body sentence: headline, standfirst, captions, furniture.
fn head_zone(
    text: &str,
    lines: &[Line],
    kinds: &mut [(BlockKind, &'static str)],
    first_body: usize,
) {
    let mut headline_seen = false;
    for i in 0..first_body {
        if kinds[i].0 != BlockKind::Body {
            continue;
        }
        let l = &lines[i];
        let s = l.span.text(text);
        let ends_with_stop = s.ends_with('.');
        if !headline_seen && !ends_with_stop && looks_like_headline(s, l.words) {
            kinds[i] = (BlockKind::Headline, "first short line without a full stop");
            headline_seen = true;
        } else if !ends_with_stop && (6..=60).contains(&l.words) {
            kinds[i] = (BlockKind::Standfirst, "summary line before the body");
            headline_seen = true;
        } else if l.words <= 5 {
            kinds[i] = (BlockKind::Boilerplate, "short fragment before the body");
        } else {
            kinds[i] = (BlockKind::Standfirst, "text before the body");
        }
    }
}

/// Headlines are short; longer ones are set in title case. A longer sentence-case line without
/// a full stop is a standfirst.
fn looks_like_headline(s: &str, words: usize) -> bool {
    let capitalised = s
        .split_whitespace()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    (2..=12).contains(&words) || (words <= 18 && capitalised * 10 >= words * 6)
}

/// Lines after the last body sentence. Where the tail holds furniture, the whole tail is
/// furniture (appeals are well-formed sentences that follow a "Dear readers" or a newsletter
/// box); where it holds none, only its fragments are.
fn tail_zone(lines: &[Line], kinds: &mut [(BlockKind, &'static str)], last_body: usize) {
    let is_bp = |k: &[(BlockKind, &'static str)], i: usize| k[i].0 == BlockKind::Boilerplate;
    // Walk back from the end over lines that can be furniture.
    let mut start = lines.len();
    while start > last_body + 1 {
        let l = &lines[start - 1];
        if !(is_bp(kinds, start - 1) || !l.terminal || l.words <= 6 || l.reader_voice) {
            break;
        }
        start -= 1;
    }
    // An appeal is made of well-formed sentences in the reader's voice ("We are facing…",
    // "Your support…"), so it can pass for the body's end. Walk on back over reader-voiced lines
    // and furniture, but keep the run only from its first furniture line on: reader-voiced lines
    // that no furniture precedes are the article's own (an op-ed's "we").
    let mut run = start;
    while run > 0 && (lines[run - 1].reader_voice || is_bp(kinds, run - 1)) {
        run -= 1;
    }
    while run < start && !is_bp(kinds, run) {
        run += 1;
    }
    let tail = run.min(start)..lines.len();
    let has_furniture = tail.clone().any(|i| is_bp(kinds, i));
    for i in tail {
        if kinds[i].0 != BlockKind::Body {
            continue;
        }
        if has_furniture {
            kinds[i] = (
                BlockKind::Boilerplate,
                "after the article, among page furniture",
            );
        } else if !lines[i].terminal {
            kinds[i] = (BlockKind::Boilerplate, "fragment after the article");
        }
    }
}

/// Lines inside the body: short lines without a full stop that lead into body text are
/// subheadings.
fn middle(
    lines: &[Line],
    kinds: &mut [(BlockKind, &'static str)],
    first_body: usize,
    last_body: usize,
) {
    for i in first_body..=last_body {
        if kinds[i].0 != BlockKind::Body {
            continue;
        }
        let l = &lines[i];
        if l.terminal || l.words > 12 {
            continue;
        }
        let next_body = (i + 1..=last_body).find(|&j| kinds[j].0 != BlockKind::Boilerplate);
        if next_body.is_some_and(|j| lines[j].is_body_sentence()) {
            kinds[i] = (
                BlockKind::Subheading,
                "short line without a full stop before body text",
            );
        }
    }
}

fn lines_of(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let span = Span::new(pos, pos + raw.len()).trim(text);
        pos += raw.len();
        if span.is_empty() {
            continue;
        }
        out.push(describe(span, span.text(text)));
    }
    out
}

fn describe(span: Span, s: &str) -> Line {
    let words = s
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count();
    let reader_voice = reader_voice_outside_quotes(s);
    let lower = s.to_lowercase();
    let terminal = ends_like_sentence(s);
    let furniture = furniture(s, &lower, words, terminal, reader_voice);
    let caption = furniture.is_none() && is_caption(&lower, words);
    Line {
        span,
        words,
        terminal,
        reader_voice,
        furniture,
        caption,
    }
}

fn ends_like_sentence(s: &str) -> bool {
    let t = s.trim_end_matches(['"', '”', '’', '\'', ')', ']', '»']);
    t.ends_with(['.', '!', '?', '…'])
}

/// The line with everything inside quotation marks removed, so that the voice of quoted speakers
/// is not taken for the publication's.
#[cfg(test)]
fn strip_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_curly = false;
    let mut in_straight = false;
    for c in s.chars() {
        match c {
            '“' | '«' => in_curly = true,
            '”' | '»' => in_curly = false,
            '"' => in_straight = !in_straight,
            _ if !in_curly && !in_straight => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
fn has_reader_voice(unquoted: &str) -> bool {
    unquoted
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .any(is_reader_form)
}

fn is_reader_form(w: &str) -> bool {
    // Case matters: "US" is a country, "us" a pronoun.
    const FORMS: &[&str] = &[
        "we", "We", "our", "Our", "us", "you", "You", "your", "Your", "you're", "You're", "you’re",
        "You’re",
    ];
    FORMS.contains(&w)
}

/// [`has_reader_voice`] of [`strip_quoted`] of `s`, in one pass without building the
/// stripped line: the words are those of the characters outside quotation marks.
fn reader_voice_outside_quotes(s: &str) -> bool {
    let mut in_curly = false;
    let mut in_straight = false;
    // The current word, when it is short enough to be a form; longer words are skipped.
    let mut word = [0u8; 12];
    let mut len = 0usize;
    let mut long = false;
    let mut found = false;
    let mut end_word = |word: &[u8; 12], len: &mut usize, long: &mut bool| {
        if !*long && *len > 0 && std::str::from_utf8(&word[..*len]).is_ok_and(is_reader_form) {
            found = true;
        }
        *len = 0;
        *long = false;
    };
    for c in s.chars() {
        match c {
            '“' | '«' => in_curly = true,
            '”' | '»' => in_curly = false,
            '"' => in_straight = !in_straight,
            _ if !in_curly && !in_straight => {
                if c.is_alphanumeric() || c == '\'' || c == '’' {
                    let mut b = [0u8; 4];
                    let enc = c.encode_utf8(&mut b).as_bytes();
                    if len + enc.len() <= word.len() {
                        word[len..len + enc.len()].copy_from_slice(enc);
                        len += enc.len();
                    } else {
                        long = true;
                    }
                } else {
                    end_word(&word, &mut len, &mut long);
                }
            }
            _ => {}
        }
    }
    end_word(&word, &mut len, &mut long);
    found
}

fn words_of(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect()
}

fn starts_with_words(lower: &str, cue: &str) -> bool {
    lower
        .strip_prefix(cue)
        .is_some_and(|rest| rest.chars().next().is_none_or(|c| !c.is_alphanumeric()))
}

fn furniture(
    s: &str,
    lower: &str,
    words: usize,
    terminal: bool,
    reader_voice: bool,
) -> Option<&'static str> {
    let c = cues();
    // "Also read: …", "Related", "May be interested in:…"
    for cue in c.of(CueKind::Label) {
        if let Some(rest) = lower.strip_prefix(cue) {
            let rest = rest.trim_start();
            if rest.is_empty()
                || rest.starts_with(':')
                || rest.starts_with('|')
                || (words <= 4 && !terminal)
            {
                return Some("link-list label");
            }
        }
    }
    let short = words <= 8;
    if (short || !terminal || s.ends_with('!'))
        && c.of(CueKind::Start)
            .any(|cue| starts_with_words(lower, cue))
    {
        return Some("appeal or subscription line");
    }
    if words <= 12 && !terminal {
        let tokens = words_of(lower);
        let social: Vec<&str> = tokens
            .iter()
            .copied()
            .filter(|t| c.of(CueKind::Social).any(|cue| cue == *t))
            .collect();
        let mut distinct = social.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() >= 2 && social.len() * 10 >= tokens.len() * 6 {
            return Some("share bar");
        }
    }
    if s.contains('©') || (s.contains('|') && s.matches(" | ").count() >= 2) {
        return Some("footer");
    }
    // The cheap test first: most lines are long sentences, and scanning them for every cue
    // is most of the cost of a plain-text ingest.
    if (reader_voice || !terminal || words <= 6)
        && c.of(CueKind::Promo).any(|cue| contains_words(lower, cue))
    {
        return Some("self-promotion");
    }
    None
}

fn contains_words(lower: &str, cue: &str) -> bool {
    lower.match_indices(cue).any(|(i, _)| {
        let before = lower[..i].chars().next_back();
        let after = lower[i + cue.len()..].chars().next();
        before.is_none_or(|c| !c.is_alphanumeric()) && after.is_none_or(|c| !c.is_alphanumeric())
    })
}

/// A photo caption: a short line with a credit ("… EPA / TASS", "Photo: …").
fn is_caption(lower: &str, words: usize) -> bool {
    if words > 30 {
        return false;
    }
    let c = cues();
    if [
        "photo:",
        "image:",
        "credit:",
        "foto:",
        "фото:",
        "photograph:",
    ]
    .iter()
    .any(|p| lower.contains(p))
    {
        return true;
    }
    // The part after the last sentence break must be credit words joined by slashes.
    let tail = lower
        .rsplit(['.', '—', '–', '(', '|'])
        .next()
        .unwrap_or(lower)
        .trim()
        .trim_end_matches(')');
    if !tail.contains('/') {
        return false;
    }
    tail.split('/')
        .map(str::trim)
        .all(|p| !p.is_empty() && c.of(CueKind::Credit).any(|cue| cue == p))
}

/// Marks lines equal to an adjacent line: link lists print each title twice.
fn duplicates(text: &str, lines: &[Line]) -> Vec<bool> {
    let mut dup = vec![false; lines.len()];
    for i in 1..lines.len() {
        let a = lines[i - 1].span.text(text);
        let b = lines[i].span.text(text);
        if a == b && lines[i].words >= 2 {
            dup[i - 1] = true;
            dup[i] = true;
        }
    }
    dup
}

/// A publication's own name in its furniture: "Support X!", "A message from X:", "journalists
/// of X", "© 2025 | X". Returns the name given most often.
pub fn self_reference(text: &str, blocks: &[Block]) -> Option<String> {
    const BEFORE: &[&str] = &[
        "support ",
        "message from ",
        "journalists of ",
        "supporting ",
        "more from ",
        "subscribe to ",
        "from ",
    ];
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut add = |name: String| {
        if let Some(e) = counts.iter_mut().find(|(n, _)| *n == name) {
            e.1 += 1;
        } else {
            counts.push((name, 1));
        }
    };
    for b in blocks.iter().filter(|b| b.kind == BlockKind::Boilerplate) {
        let s = b.span.text(text);
        let lower = s.to_lowercase();
        for cue in BEFORE {
            for (i, _) in lower.match_indices(cue) {
                if let Some(name) = s.get(i + cue.len()..).and_then(capitalised_run) {
                    add(name);
                }
            }
        }
        for (i, _) in lower.match_indices(" newsletter") {
            if let Some(name) = s.get(..i).and_then(trailing_capitalised_run) {
                add(name);
            }
        }
        let footer = s.contains('©') || s.contains(" | ");
        if let Some(last) = s
            .rsplit('|')
            .next()
            .filter(|_| footer)
            .and_then(|p| capitalised_run(p.trim()))
        {
            add(last);
        }
    }
    counts.into_iter().max_by_key(|(_, n)| *n).map(|(n, _)| n)
}

/// The run of capitalised words at the start of `s` ("The Valley Ledger!" → "The Valley Ledger").
fn capitalised_run(s: &str) -> Option<String> {
    // "to the Valley Ledger": a lower-case article before the name is not part of it.
    let s = s.strip_prefix("the ").unwrap_or(s);
    let mut out: Vec<&str> = Vec::new();
    for w in s.split_whitespace() {
        let core = if w == "&" {
            w
        } else {
            w.trim_end_matches(|c: char| !c.is_alphanumeric())
        };
        if core.is_empty() || !(starts_upper(core) || (is_joiner(core) && !out.is_empty())) {
            break;
        }
        out.push(core);
        if core.len() != w.len() {
            break; // punctuation ends the name
        }
    }
    name_of(out)
}

/// The run of capitalised words at the end of `s` ("Read the Harbour Herald" → "Harbour
/// Herald"), for names that come before a cue ("… Herald newsletter").
fn trailing_capitalised_run(s: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for w in s.split_whitespace().rev() {
        if w.len()
            != w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&')
                .len()
        {
            break; // punctuation before the name ends it
        }
        if !(starts_upper(w) || (is_joiner(w) && !out.is_empty())) {
            break;
        }
        out.push(w);
    }
    out.reverse();
    name_of(out)
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn is_joiner(w: &str) -> bool {
    matches!(w, "of" | "and" | "&")
}

fn name_of(mut words: Vec<&str>) -> Option<String> {
    while words.last().is_some_and(|w| is_joiner(w)) {
        words.pop();
    }
    while words.first().is_some_and(|w| is_joiner(w)) {
        words.remove(0);
    }
    // A lone "The" or a single short word is no name.
    let name = words.join(" ");
    let informative = words.iter().filter(|w| **w != "The").count();
    (informative >= 1 && name.len() >= 4 && words.len() <= 6).then_some(name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn reader_voice_in_one_pass_is_that_of_the_stripped_line() {
        for line in [
            "Support our journalism today",
            "The minister said \"we will act\" on Monday.",
            "He said “you must go” and left.",
            "US officials met in the capital.",
            "Thank you.",
            "Do you’re-reading it",
            "ab\"x\"we cd",
            "a verylongwordthatisnotaform we",
            "«Nous» et vous",
            "",
        ] {
            assert_eq!(
                reader_voice_outside_quotes(line),
                has_reader_voice(&strip_quoted(line)),
                "{line}"
            );
        }
    }

    use super::*;

    fn roles(text: &str) -> Vec<(BlockKind, String)> {
        classify(text)
            .into_iter()
            .map(|b| (b.kind, b.span.text(text).to_string()))
            .collect()
    }

    const ARTICLE: &str = "Subscribe to the Valley Ledger!\n\n\
Harbour authority delays the ferry tender\n\n\
The harbour master at the pier. Photo: Lena Ortiz / Reuters\n\n\
The harbour authority postponed the ferry tender by three months, its chair said on Tuesday.\n\n\
Read also: Bridge tolls rise again\n\n\
\"We need more time to review the bids,\" chair Maren Holt told reporters.\n\n\
Next steps\n\n\
A new deadline will be set in March, according to the authority's filing.\n\n\
share Share facebook whatsapp print\n\n\
Sign up for our morning newsletter\n\n\
Dear readers,\n\n\
We rely on you. Your support keeps our reporting free for everyone.\n\n\
Monthly\n\nAnnual\n\n\
Related headline one\nRelated headline one\n";

    #[test]
    fn classifies_furniture_and_layout() {
        let r = roles(ARTICLE);
        let kind_of = |prefix: &str| {
            r.iter()
                .find(|(_, t)| t.starts_with(prefix))
                .map(|(k, _)| *k)
                .unwrap_or(BlockKind::Body)
        };
        assert_eq!(kind_of("Subscribe to"), BlockKind::Boilerplate);
        assert_eq!(kind_of("Harbour authority delays"), BlockKind::Headline);
        assert_eq!(kind_of("The harbour master at"), BlockKind::Caption);
        assert_eq!(kind_of("The harbour authority postponed"), BlockKind::Body);
        assert_eq!(kind_of("Read also"), BlockKind::Boilerplate);
        assert_eq!(
            kind_of("\"We need more time"),
            BlockKind::Body,
            "quoted 'we' is not the outlet's voice"
        );
        assert_eq!(kind_of("Next steps"), BlockKind::Subheading);
        assert_eq!(kind_of("A new deadline"), BlockKind::Body);
        for furniture in [
            "share Share",
            "Sign up",
            "Dear readers",
            "We rely on you",
            "Monthly",
            "Annual",
            "Related headline",
        ] {
            assert_eq!(kind_of(furniture), BlockKind::Boilerplate, "{furniture}");
        }
    }

    #[test]
    fn finds_self_reference() {
        let blocks = classify(ARTICLE);
        assert_eq!(
            self_reference(ARTICLE, &blocks).as_deref(),
            Some("Valley Ledger")
        );
        let t = "The library opened a new reading room on Monday, the city said.\n\nSubscribe to Farm & Field Weekly for 2 crowns a week\n";
        assert_eq!(
            self_reference(t, &classify(t)).as_deref(),
            Some("Farm & Field Weekly")
        );
        let t = "The library opened a new reading room on Monday, the city said.\n\nThe Valley Herald newsletter: news every Thursday. Sign up here\n";
        assert_eq!(
            self_reference(t, &classify(t)).as_deref(),
            Some("The Valley Herald")
        );
        let footer = "Body sentence that is long enough to count as text.\n\nNews Roundup: Top Stories | © 2024 | Coastal Courier\n";
        let blocks = classify(footer);
        assert_eq!(
            self_reference(footer, &blocks).as_deref(),
            Some("Coastal Courier")
        );
    }

    #[test]
    fn op_ed_voice_without_furniture_stays_body() {
        let t = "The council voted on Monday to close the library branch.\n\nWe should ask whether this is wise for our town.\n";
        let r = roles(t);
        assert!(r.iter().all(|(k, _)| *k == BlockKind::Body), "{r:?}");
    }

    #[test]
    fn plain_sentence_mentioning_newsletter_is_body() {
        let t = "The company sent a newsletter to investors on Friday.\n\nShares fell by four percent after the announcement.\n";
        assert!(roles(t).iter().all(|(k, _)| *k == BlockKind::Body));
    }

    #[test]
    fn empty_and_odd_input() {
        assert!(classify("").is_empty());
        assert_eq!(classify("\n\n \n").len(), 0);
        assert_eq!(classify("no full stop here").len(), 1);
    }
}
