//! Direct quotations and their speakers.
//!
//! Quotation marks are paired per paragraph (curly marks by direction, straight marks by the
//! space before them); a quotation still open at the end of a paragraph runs to its end, as
//! multi-paragraph quotations do. Nicknames (Ana “Gull” Ruiz), one-word scare quotes, titles and
//! "so-called" terms are left out. The speaker is found, in order: right after the quotation
//! ("…,” said Ruiz", "…,” a port official said"), before it in its sentence (the nearest name,
//! description or pronoun followed by a speech verb), or, for a quotation that only continues
//! the previous one, the previous speaker. Pronouns and definite descriptions ("the same
//! official") resolve to the nearest suitable antecedent.

use model::{BlockKind, Document, Entity, EntityKind, Quote, Sentence, Span, Speaker};

use crate::entities::lexicon::{
    determiner_count, is_auxiliary, is_descriptor_head, is_function_word, is_person_pronoun,
    is_preposition, is_speech_verb,
};
use crate::entities::tokens::{tokens, Tok};

/// A description of an unnamed source: "a senior port official", "two officials familiar with
/// the matter".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Descriptor {
    /// Where.
    pub span: Span,
    /// Its head noun, lower case.
    pub head: String,
    /// True for "the official", "the same official".
    pub definite: bool,
    /// The count given ("one current and one former official" → 2).
    pub count: Option<u32>,
    /// True when a "familiar with …" or "cited by …" follows the head.
    pub qualified: bool,
}

/// Descriptions of unnamed sources in `toks`.
pub(crate) fn descriptors(toks: &[Tok<'_>]) -> Vec<Descriptor> {
    let mut out = Vec::new();
    for (h, t) in toks.iter().enumerate() {
        if !t.word || t.is_cap() || !is_descriptor_head(&t.lower()) {
            continue;
        }
        let mut start = h;
        let mut k = h;
        let mut det: Option<String> = None;
        let mut count = 0;
        let mut counted = false;
        while k > 0 && h - k < 8 {
            let p = &toks[k - 1];
            if !p.word || p.possessive {
                break;
            }
            let l = p.lower();
            if let Some(c) = determiner_count(&l) {
                start = k - 1;
                det = Some(l.clone());
                if let Some(n) = c {
                    count += n;
                    counted = true;
                }
                // "one current and one former official": go on over "and" before a count.
                let before_and = k
                    .checked_sub(2)
                    .and_then(|i| toks.get(i))
                    .is_some_and(|a| a.word && a.lower() == "and");
                if before_and && c.is_some() && k >= 3 {
                    k -= 2;
                    continue;
                }
                break;
            }
            if is_function_word(&l) || is_speech_verb(&l) || is_preposition(&l) || is_auxiliary(&l)
            {
                break;
            }
            start = k - 1;
            k -= 1;
        }
        // Post-modifiers that identify the source further.
        let mut end = h;
        let mut qualified = false;
        let word = |i: usize| toks.get(i).filter(|x| x.word).map(|x| x.lower());
        if word(h + 1).as_deref() == Some("familiar") && word(h + 2).as_deref() == Some("with") {
            let mut e = h + 3;
            if word(e).as_deref() == Some("the") {
                e += 1;
            }
            if word(e).is_some() {
                end = e;
                qualified = true;
            }
        } else if word(h + 1).as_deref() == Some("cited") && word(h + 2).as_deref() == Some("by") {
            let mut e = h + 3;
            if word(e).as_deref() == Some("the") {
                e += 1;
            }
            while toks.get(e + 1).is_some_and(|x| x.is_cap())
                && toks.get(e).is_some_and(|x| !x.possessive)
            {
                e += 1;
            }
            if toks.get(e).is_some_and(|x| x.is_cap()) {
                end = e;
                qualified = true;
            }
        }
        let definite = matches!(det.as_deref(), Some("the"));
        out.push(Descriptor {
            span: Span::new(toks[start].span.start, toks[end].span.end),
            head: t.lower(),
            definite,
            count: counted.then_some(count),
            qualified,
        });
    }
    out
}

/// A raw quotation: the content span and the positions of its marks.
#[derive(Clone, Copy, Debug)]
struct Raw {
    open: usize,
    close: Option<usize>,
    content: Span,
    block: usize,
}

fn raw_quotes(doc: &Document) -> Vec<Raw> {
    let text = doc.text.as_str();
    let mut out = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        if !matches!(b.kind, BlockKind::Body | BlockKind::Standfirst) {
            continue;
        }
        let Some(s) = b.span.get(text) else { continue };
        let mut open: Option<usize> = None;
        let mut prev: Option<char> = None;
        for (i, c) in s.char_indices() {
            let at = b.span.start + i;
            match c {
                '“' if open.is_none() => open = Some(at),
                '”' => {
                    if let Some(o) = open.take() {
                        out.push(Raw {
                            open: o,
                            close: Some(at),
                            content: Span::new(o + '“'.len_utf8(), at),
                            block: bi,
                        });
                    }
                }
                '"' => match open {
                    Some(o) => {
                        out.push(Raw {
                            open: o,
                            close: Some(at),
                            content: Span::new(o + 1, at),
                            block: bi,
                        });
                        open = None;
                    }
                    None if prev.is_none_or(|p| p.is_whitespace() || "([—–-:".contains(p)) => {
                        open = Some(at)
                    }
                    None => {}
                },
                _ => {}
            }
            prev = Some(c);
        }
        if let Some(o) = open {
            let len = if text.get(o..).is_some_and(|r| r.starts_with('“')) {
                '“'.len_utf8()
            } else {
                1
            };
            out.push(Raw {
                open: o,
                close: None,
                content: Span::new(o + len, b.span.end),
                block: bi,
            });
        }
    }
    out
}

/// True when a quotation is not a quotation: a nickname, a one-word scare quote, a title or a
/// "so-called" term.
fn not_a_quote(text: &str, r: &Raw) -> bool {
    let content = r.content.trim(text);
    let words: Vec<&str> = content.text(text).split_whitespace().collect();
    if words.is_empty() {
        return true;
    }
    let before = text.get(..r.open).unwrap_or("");
    let prev_word = before.split_whitespace().last().unwrap_or("");
    let after = r.close.and_then(|c| text.get(c..)).unwrap_or("");
    let next_word = after.chars().skip(1).collect::<String>();
    let next_word = next_word.split_whitespace().next().unwrap_or("");
    let cap = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    if words.len() <= 2 && cap(prev_word) && cap(next_word) && before.ends_with(' ') {
        return true;
    }
    if words.len() == 1 {
        return true;
    }
    let lower_prev = prev_word.to_lowercase();
    if matches!(
        lower_prev.as_str(),
        "so-called" | "dubbed" | "nicknamed" | "titled" | "entitled"
    ) || before.trim_end().to_lowercase().ends_with("known as")
    {
        return true;
    }
    let long: Vec<&&str> = words.iter().filter(|w| w.chars().count() > 3).collect();
    let ends_sentence = content.text(text).ends_with(['.', '!', '?', ',']);
    // A title: every longer word capitalised.
    long.len() >= 2 && words.len() <= 8 && !ends_sentence && long.iter().all(|w| cap(w))
}

/// A possible speaker: a person mention, a description of an unnamed source, or a pronoun.
#[derive(Clone, Debug)]
enum Cand {
    Person(usize, Span),
    Descr(Descriptor),
    Pronoun(Span),
}

impl Cand {
    fn span(&self) -> Span {
        match self {
            Cand::Person(_, s) | Cand::Pronoun(s) => *s,
            Cand::Descr(d) => d.span,
        }
    }
}

/// The candidates of a stretch of tokens, in order.
fn candidates(toks: &[Tok<'_>], entities: &[Entity]) -> Vec<(usize, usize, Cand)> {
    let mut out = Vec::new();
    for (i, e) in entities
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntityKind::Person)
    {
        for m in &e.mentions {
            let first = toks.iter().position(|t| t.span.start == m.span.start);
            let last = toks.iter().position(|t| t.span.end == m.span.end);
            if let (Some(a), Some(b)) = (first, last) {
                out.push((a, b, Cand::Person(i, m.span)));
            }
        }
    }
    for d in descriptors(toks) {
        let a = toks.iter().position(|t| t.span.start == d.span.start);
        let b = toks.iter().position(|t| t.span.end == d.span.end);
        if let (Some(a), Some(b)) = (a, b) {
            // An appositive ("Ana Ruiz, a senior official,") describes the name before it.
            let appositive = a >= 2
                && toks[a - 1].is(",")
                && out
                    .iter()
                    .any(|(_, e, c)| *e == a - 2 && matches!(c, Cand::Person(..)));
            if !appositive {
                out.push((a, b, Cand::Descr(d)));
            }
        }
    }
    for (k, t) in toks.iter().enumerate() {
        if t.word && is_person_pronoun(&t.lower()) {
            out.push((k, k, Cand::Pronoun(t.span)));
        }
    }
    out.sort_by_key(|(a, _, _)| *a);
    out
}

/// True when a speech verb follows token `end`, over auxiliaries, adverbs and an appositive.
fn speech_verb_after(toks: &[Tok<'_>], end: usize) -> bool {
    let mut k = end + 1;
    if toks.get(k).is_some_and(|t| t.is(",")) {
        // An appositive: skip to its closing comma.
        let close = toks
            .iter()
            .enumerate()
            .skip(k + 1)
            .take(14)
            .find(|(_, t)| t.is(","))
            .map(|(i, _)| i);
        match close {
            Some(c) => k = c + 1,
            None => return false,
        }
    }
    while let Some(t) = toks.get(k) {
        let l = t.lower();
        if t.word && (is_auxiliary(&l) || l.ends_with("ly") || l == "not") {
            k += 1;
            continue;
        }
        return t.word && is_speech_verb(&l);
    }
    false
}

/// The quotations of one article.
pub fn quotes(doc: &Document, sentences: &[Sentence], entities: &[Entity]) -> Vec<Quote> {
    let text = doc.text.as_str();
    let raws: Vec<Raw> = raw_quotes(doc)
        .into_iter()
        .filter(|r| !not_a_quote(text, r))
        .collect();
    let mark_end = |c: usize| {
        c + text
            .get(c..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8)
    };
    let quote_spans: Vec<Span> = raws
        .iter()
        .map(|r| Span::new(r.open, r.close.map_or(r.content.end, mark_end)))
        .collect();
    let inside_quote = |s: Span| quote_spans.iter().any(|q| q.contains(s));
    // Antecedents for pronouns, in text order: person mentions and indefinite descriptions.
    let mut antecedents: Vec<(Span, Speaker)> = Vec::new();
    for s in sentences
        .iter()
        .filter(|s| s.kind != BlockKind::Boilerplate)
    {
        let toks = tokens(text, s.span);
        for (_, _, c) in candidates(&toks, entities) {
            if inside_quote(c.span()) {
                continue;
            }
            if let Some(sp) = speaker_of(text, &c, entities, &antecedents) {
                antecedents.push((c.span(), sp));
            }
        }
    }
    antecedents.sort_by_key(|(s, _)| s.start);
    let mut out: Vec<Quote> = Vec::new();
    let mut prev: Option<(usize, Option<Speaker>)> = None;
    for (r, qspan) in raws.iter().zip(&quote_spans) {
        let content = r.content.trim(text);
        let sent_open = sentences
            .iter()
            .find(|s| s.span.contains(Span::new(r.open, r.open + 1)) || s.span.overlaps(content));
        let sent_close = r.close.and_then(|c| {
            sentences
                .iter()
                .find(|s| s.span.contains(Span::new(c, c + 1)))
        });
        let before_span = sent_open.map_or(Span::new(r.open, r.open), |s| {
            Span::new(s.span.start, r.open)
        });
        let before_text = before_span.text(text).trim_end();
        let partial = !before_text.is_empty() && !before_text.ends_with([':', ',']);
        let mut speaker = None;
        // 1. Right after the quotation, in its closing sentence.
        if let (Some(c), Some(sc)) = (r.close, sent_close) {
            let after = tokens(text, Span::new(mark_end(c), sc.span.end));
            let window: Vec<Tok<'_>> = after.into_iter().take(12).collect();
            if let Some(v) = window
                .iter()
                .position(|t| t.word && is_speech_verb(&t.lower()))
            {
                if window.iter().take(v).filter(|t| t.word).count() <= 6 {
                    let cands = candidates(&window, entities);
                    // The speaker stands right after the quotation or right after the verb.
                    let leads = |a: usize| window.iter().take(a).all(|t| !t.word);
                    let pick = cands
                        .iter()
                        .filter(|(a, e, _)| *e < v && leads(*a))
                        .max_by_key(|(_, e, _)| *e)
                        .or_else(|| {
                            if leads(v) {
                                cands.iter().find(|(a, _, _)| *a == v + 1)
                            } else {
                                None
                            }
                        });
                    speaker =
                        pick.and_then(|(_, _, c)| speaker_of(text, c, entities, &antecedents));
                }
            }
        }
        // 2. Before it, in its opening sentence.
        if speaker.is_none() {
            let toks = tokens(text, before_span);
            let cands: Vec<(usize, usize, Cand)> = candidates(&toks, entities)
                .into_iter()
                .filter(|(a, _, _)| {
                    *a == 0
                        || !toks
                            .get(a - 1)
                            .is_some_and(|p| p.word && is_preposition(&p.lower()))
                })
                .collect();
            let voiced = cands
                .iter()
                .rev()
                .find(|(_, e, _)| speech_verb_after(&toks, *e));
            let any_verb = toks.iter().any(|t| t.word && is_speech_verb(&t.lower()));
            let pick = voiced.or_else(|| {
                if any_verb {
                    cands
                        .iter()
                        .rev()
                        .find(|(_, _, c)| !matches!(c, Cand::Pronoun(_)))
                } else {
                    None
                }
            });
            speaker = pick.and_then(|(_, _, c)| speaker_of(text, c, entities, &antecedents));
        }
        // 3. A quotation that only continues the previous one.
        if speaker.is_none() && before_text.is_empty() {
            if let Some((pb, ps)) = &prev {
                if r.block == *pb || r.block == pb + 1 {
                    speaker.clone_from(ps);
                }
            }
        }
        prev = Some((r.block, speaker.clone()));
        let _ = qspan;
        out.push(Quote {
            span: content,
            speaker,
            partial,
        });
    }
    out
}

/// The speaker a candidate stands for; `None` for a pronoun without antecedent.
fn speaker_of(
    text: &str,
    c: &Cand,
    entities: &[Entity],
    antecedents: &[(Span, Speaker)],
) -> Option<Speaker> {
    match c {
        Cand::Person(i, span) => Some(Speaker {
            name: entities.get(*i)?.name.clone(),
            anonymous: false,
            entity: Some(*i),
            span: Some(*span),
        }),
        Cand::Descr(d) if d.definite => {
            // "the same official": the last description with that head before it.
            let found = antecedents
                .iter()
                .rev()
                .filter(|(s, _)| s.start < d.span.start)
                .find(|(_, sp)| {
                    sp.anonymous
                        && sp
                            .name
                            .to_lowercase()
                            .split_whitespace()
                            .any(|w| w == d.head)
                })
                .map(|(_, sp)| sp.clone());
            Some(found.unwrap_or(Speaker {
                name: d.span.text(text).to_string(),
                anonymous: true,
                entity: None,
                span: Some(d.span),
            }))
        }
        Cand::Descr(d) => Some(Speaker {
            name: d.span.text(text).to_string(),
            anonymous: true,
            entity: None,
            span: Some(d.span),
        }),
        Cand::Pronoun(span) => antecedents
            .iter()
            .rev()
            .find(|(s, _)| s.end <= span.start)
            .map(|(_, sp)| sp.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::tests::doc;

    fn run(text: &str) -> (String, Vec<Quote>) {
        let d = doc(text);
        let s = crate::segment::sentences(&d.text, &d.blocks);
        let e = crate::entities::entities(&d, &s);
        let q = quotes(&d, &s, &e);
        (d.text, q)
    }

    fn shown(text: &str, q: &[Quote]) -> Vec<(String, String, bool)> {
        q.iter()
            .map(|q| {
                (
                    q.span.text(text).to_string(),
                    q.speaker.as_ref().map_or(String::new(), |s| s.name.clone()),
                    q.partial,
                )
            })
            .collect()
    }

    #[test]
    fn speakers_named_described_and_by_pronoun() {
        let (t, q) = run(
            "Ilse Varga, the harbourmaster, spoke first. “We cannot wait,” she said. “The tide will not wait either.”\n\
             A senior customs official disagreed. \"Nothing is decided,\" the official told the Tidewater Gazette.\n\
             Mayor Jon Okafor called the plan \"a costly detour\", and Varga replied: \"It is the only route.\"\n\
             Dockworkers call him Jon \"Anchor\" Okafor, and the so-called \"blue route\" is closed. It was \"final\".",
        );
        let got = shown(&t, &q);
        assert_eq!(
            got,
            vec![
                (
                    "We cannot wait,".to_string(),
                    "Ilse Varga".to_string(),
                    false
                ),
                (
                    "The tide will not wait either.".to_string(),
                    "Ilse Varga".to_string(),
                    false
                ),
                (
                    "Nothing is decided,".to_string(),
                    "A senior customs official".to_string(),
                    false
                ),
                (
                    "a costly detour".to_string(),
                    "Jon Okafor".to_string(),
                    true
                ),
                (
                    "It is the only route.".to_string(),
                    "Ilse Varga".to_string(),
                    false
                ),
            ]
        );
    }

    #[test]
    fn descriptors_with_counts() {
        let t = "According to reports, one current and one former official confirmed it, as did two aides familiar with the talks.";
        let toks = tokens(t, Span::new(0, t.len()));
        let d = descriptors(&toks);
        let texts: Vec<(&str, Option<u32>)> = d.iter().map(|d| (d.span.text(t), d.count)).collect();
        assert_eq!(
            texts,
            vec![
                ("one current and one former official", Some(2)),
                ("two aides familiar with the talks", Some(2))
            ]
        );
    }
}
