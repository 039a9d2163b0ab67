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

pub(crate) mod speaker;

use model::{BlockKind, Document, Entity, Quote, Sentence, Span, Speaker};

use crate::entities::lexicon::{
    determiner_count, is_auxiliary, is_descriptor_head, is_function_word, is_preposition,
    is_speech_verb, is_title, pronoun_gender,
};
use crate::entities::tokens::{tokens, Tok};
use speaker::{np_after, np_before, Resolver};

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
        if let Some(e) = post_modifier(toks, h) {
            end = e;
            qualified = true;
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

/// The last token of a phrase after the head at `h` that says which source is meant: "familiar
/// with the talks", "close to the family", "involved in the planning", "with knowledge of the
/// case", "on the panel", "to Ana Ruiz", "cited by the Elsmere Courier".
pub(crate) fn post_modifier(toks: &[Tok<'_>], h: usize) -> Option<usize> {
    const LEADS: [&[&str]; 7] = [
        &["familiar", "with"],
        &["close", "to"],
        &["involved", "in"],
        &["with", "knowledge", "of"],
        &["cited", "by"],
        &["on", "the"],
        &["to"],
    ];
    let word = |i: usize| toks.get(i).filter(|x| x.word).map(|x| x.lower());
    let lead = LEADS.iter().find(|lead| {
        lead.iter()
            .enumerate()
            .all(|(i, w)| word(h + 1 + i).as_deref() == Some(*w))
    })?;
    let mut e = h + 1 + lead.len();
    if matches!(word(e).as_deref(), Some("the" | "both")) && lead.last() != Some(&"the") {
        e += 1;
    }
    let first = toks.get(e).filter(|t| t.word)?;
    // "to" takes only a name ("an adviser to Ana Ruiz", not "an adviser to speak").
    if lead == &&["to"][..] && !first.is_cap() {
        return None;
    }
    // A name runs over its capitalised words; anything else is one word.
    while first.is_cap()
        && toks.get(e + 1).is_some_and(Tok::is_cap)
        && toks.get(e).is_some_and(|x| !x.possessive)
    {
        e += 1;
    }
    Some(e)
}

/// A raw quotation: the content span and the positions of its marks.
#[derive(Clone, Copy, Debug)]
struct Raw {
    open: usize,
    close: Option<usize>,
    content: Span,
    block: usize,
}

/// Length in bytes of the quotation mark at `at`: two apostrophes ('') are one mark.
fn mark_len(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    if rest.starts_with("''") {
        2
    } else {
        rest.chars().next().map_or(1, char::len_utf8)
    }
}

fn raw_quotes(doc: &Document) -> Vec<Raw> {
    let text = doc.text.as_str();
    // Outlets mix the marks ("“…," she said): the content starts after whichever mark opened.
    let mark_len = |o: usize| mark_len(text, o);
    let mut out = Vec::new();
    for (bi, b) in doc.blocks.iter().enumerate() {
        if !matches!(b.kind, BlockKind::Body | BlockKind::Standfirst) {
            continue;
        }
        let Some(s) = b.span.get(text) else { continue };
        let mut open: Option<usize> = None;
        let mut prev: Option<char> = None;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            let at = b.span.start + i;
            let mut next = chars.peek().map(|&(_, n)| n);
            // Two apostrophes are one straight double mark (''…,'' in archive text).
            let c = if c == '\'' && next == Some('\'') {
                chars.next();
                next = chars.peek().map(|&(_, n)| n);
                '"'
            } else {
                c
            };
            // An opening mark while one is open ("“…, said Ana Ruiz. “…", or a straight mark
            // after a space and before a word): the first was never closed.
            let open_mark = open.map(|o| {
                if text[o..].starts_with("''") {
                    '"'
                } else {
                    text[o..].chars().next().unwrap_or('"')
                }
            });
            let reopens = c == '“' && open_mark == Some('“')
                || c == '"'
                    && open_mark == Some('"')
                    && prev.is_some_and(char::is_whitespace)
                    && next.is_some_and(char::is_alphanumeric);
            if let (true, Some(o)) = (reopens, open) {
                out.push(unclosed(text, o, at, bi));
                open = Some(at);
                prev = Some(c);
                continue;
            }
            match c {
                '“' if open.is_none() => open = Some(at),
                '”' => {
                    if let Some(o) = open.take() {
                        out.push(Raw {
                            open: o,
                            close: Some(at),
                            content: Span::new(o + mark_len(o), at),
                            block: bi,
                        });
                    }
                }
                '"' => match open {
                    Some(o) => {
                        out.push(Raw {
                            open: o,
                            close: Some(at),
                            content: Span::new(o + mark_len(o), at),
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
            out.push(unclosed(text, o, b.span.end, bi));
        }
    }
    out
}

/// A quotation opened at `open` and never closed before `end`. When its text holds its own
/// frame ("“We will see, said Ana Ruiz."), a mark was left out: the quotation ends at that
/// comma, which then stands for the closing mark. Otherwise it runs to `end` (a quotation that
/// goes on in the next paragraph).
fn unclosed(text: &str, open: usize, end: usize, block: usize) -> Raw {
    let start = open + mark_len(text, open);
    let inner = Span::new(start, end);
    let toks = tokens(text, inner);
    let frame = toks.iter().enumerate().find_map(|(k, t)| {
        if !t.is(",") || k + 2 >= toks.len() {
            return None;
        }
        let next = &toks[k + 1];
        // ", said Ana Ruiz", ", according to Ana Ruiz" or ", Ana Ruiz said" (a name of up to
        // four words), ending there.
        let verb_first = next.word
            && !next.is_cap()
            && matches!(next.lower().as_str(), "said" | "says")
            && toks[k + 2].is_cap();
        let according = next.is("according") && toks[k + 2].is("to");
        let name_first = || {
            let names = toks[k + 1..]
                .iter()
                .take_while(|t| t.is_cap())
                .take(5)
                .count();
            (1..=4).contains(&names)
                && toks
                    .get(k + 1 + names)
                    .is_some_and(|v| matches!(v.text, "said" | "says"))
                && toks
                    .get(k + 2 + names)
                    .is_none_or(|p| matches!(p.text, "." | ","))
        };
        (verb_first || according || name_first()).then_some(t.span.start)
    });
    match frame {
        Some(comma) => Raw {
            open,
            close: Some(comma),
            content: Span::new(start, comma),
            block,
        },
        None => Raw {
            open,
            close: None,
            content: Span::new(start, end),
            block,
        },
    }
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
    let after = r
        .close
        .and_then(|c| text.get(c + mark_len(text, c)..))
        .unwrap_or("");
    let next_word = after.split_whitespace().next().unwrap_or("");
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

/// How far after a quotation its speech verb may stand, in tokens: room for a name with an
/// appositive ("…,” Ana Ruiz, director of the port at Elsmere, said").
const MAX_TO_VERB: usize = 24;

/// True when token `k` is a speech verb, or "according" before "to".
pub(crate) fn is_cue(toks: &[Tok<'_>], k: usize) -> bool {
    // A capital makes a name of a verb ("Read", "Post") except at the start of a sentence.
    let Some(t) = toks.get(k).filter(|t| t.word && (k == 0 || !t.is_cap())) else {
        return false;
    };
    let l = t.lower();
    // "“…,” Read said": a capital before a speech verb is its subject, not a verb.
    let subject_of_next = t.is_cap()
        && toks
            .get(k + 1)
            .is_some_and(|n| n.word && !n.is_cap() && is_speech_verb(&n.lower()));
    !subject_of_next
        && (is_speech_verb(&l)
            || (l == "according" && toks.get(k + 1).is_some_and(|n| n.lower() == "to")))
}

/// True for a quotation mark token.
fn is_mark(t: &Tok<'_>) -> bool {
    matches!(t.text, "“" | "”" | "\"")
}

/// The speaker named right after a quotation, in its closing sentence: "…,” Ruiz said", "…,”
/// said Sen. Ana Ruiz of Elsmere", "…,” a port official told reporters", "…” ― Ana Ruiz".
fn frame_after(toks: &[Tok<'_>], resolver: &mut Resolver<'_>) -> Option<Speaker> {
    // Up to the next quotation of the sentence.
    let toks = &toks[..toks.iter().position(is_mark).unwrap_or(toks.len())];
    let w = toks.iter().position(|t| t.word)?;
    let lead = &toks[..w];
    if lead
        .iter()
        .any(|t| !matches!(t.text, "," | "—" | "–" | "―" | "-" | ":" | "…"))
    {
        return None;
    }
    // A capital right after a quotation is a name, not a verb ("…,” State spokesman Ana Ruiz
    // said"), but for "According to".
    let cue = |k: usize| {
        is_cue(toks, k) && (k > 0 || !toks[k].is_cap() || toks[k].lower() == "according")
    };
    let Some(v) = (w..toks.len().min(w + MAX_TO_VERB)).find(|&k| cue(k)) else {
        // A name on its own after a dash: the signature of a reader's or a poster's words.
        let dashed = lead.iter().any(|t| matches!(t.text, "—" | "―" | "–" | "-"));
        // A signature is a name, never a clause ("— the balloons fell on the crowd").
        let (a, b) = np_after(toks, w).filter(|&(a, _)| dashed && toks[a].is_cap())?;
        // "― Ana Ruiz." or "― Ana Ruiz, Elsmere": the name, then nothing or its affiliation.
        let rest = &toks[b + 1..];
        let rest_is_stop = rest.first().is_some_and(|t| t.is(",")) || rest.iter().all(|t| !t.word);
        return rest_is_stop.then(|| resolver.resolve(toks, a, b)).flatten();
    };
    let (a, b) = if v == w {
        let start = if toks[v].lower() == "according" {
            v + 2
        } else {
            v + 1
        };
        np_after(toks, start)?
    } else {
        subject_after(toks, w, v).or_else(|| {
            // "“…” if the vote fails, said Ana Ruiz": the quoted sentence goes on, then its
            // frame, inverted.
            let inverted = v > w + 1
                && !toks[w].is_cap()
                && toks[v - 1].is(",")
                && matches!(toks[v].text, "said" | "says" | "added" | "asked" | "wrote")
                && toks
                    .get(v + 1)
                    .is_some_and(|n| n.is_cap() || determiner_count(&n.lower()).is_some());
            inverted.then(|| np_after(toks, v + 1)).flatten()
        })?
    };
    resolver.resolve(toks, a, b)
}

/// The subject of the speech verb at `v` in the words after a quotation (which start at `w`).
fn subject_after(toks: &[Tok<'_>], w: usize, v: usize) -> Option<(usize, usize)> {
    // A subject longer than the phrase parser takes ("the Elsmere senator and presidential
    // candidate said") starts at the quotation all the same when only words lie between.
    let (a, b) = np_before(toks, v)?;
    let between = toks.get(w..a).unwrap_or_default();
    // "…", and Varga replied: a conjunction first opens another clause, not a subject.
    let joins = between.first().is_some_and(|t| {
        matches!(
            t.lower().as_str(),
            "and" | "but" | "or" | "while" | "as" | "then" | "so" | "yet"
        )
    });
    let no_verb = || {
        between
            .iter()
            .all(|t| !(t.word && is_speech_verb(&t.lower())))
    };
    // "“…” than the rival's, Ana Ruiz said": the quoted sentence goes on in lower case, then
    // its frame, set off by a comma (a capital there starts a name or a sentence of its own).
    if a > w && !toks[w].is_cap() && toks[a - 1].is(",") && no_verb() {
        Some((a, b))
    } else if a < w || joins || !between.iter().all(|t| t.word) || !no_verb() {
        None
    } else {
        Some((w, b))
    }
}

/// The speaker named before a quotation in its opening sentence: "Ruiz said: “…", "Ruiz told
/// the board that “…", "according to Ruiz, “…", "Ruiz, in a statement, added, “…".
fn frame_before(toks: &[Tok<'_>], resolver: &mut Resolver<'_>) -> Option<Speaker> {
    let Some(v) = (0..toks.len()).rev().find(|&k| is_cue(toks, k)) else {
        // "Ana Ruiz and Ode Banks: “…"
        let colon = toks.len().checked_sub(1).filter(|&c| toks[c].is(":"))?;
        return subject(toks, colon, true, resolver);
    };
    let verb = toks[v].lower();
    // "according to Ruiz, “…"; "Said Ruiz: “…"
    if verb == "according" || v == 0 {
        let start = if verb == "according" { v + 2 } else { v + 1 };
        let (a, b) = np_after(toks, start)?;
        return resolver.resolve(toks, a, b);
    }
    // A participle ("Ruiz met the board in Elsmere, saying “…") takes the subject of its
    // clause: the first person the sentence makes a subject, not the nearest name.
    // Unless another speech verb stands before it ("…, Ruiz said, adding “…"). So does a verb
    // joined to the clause's own ("Ruiz met Banks, and accused the other man of “…").
    let participle = verb.ends_with("ing") && v > 0 && toks[v - 1].is(",");
    let joined = v > 0 && matches!(toks[v - 1].text, "and" | "but" | "then");
    // A cue after a determiner is a noun ("in a tweet, saying"), not the clause's verb.
    let earlier = (0..v).rev().find(|&k| is_cue(toks, k)).filter(|&e| {
        e == 0 || determiner_count(&toks[e - 1].lower()).is_none() || toks[e - 1].is_cap()
    });
    if let Some(e) = earlier.filter(|_| joined || participle) {
        // "Ruiz called Banks a liar, and accused …", "Ruiz accused Banks of …, saying “…": the
        // subject of the verb it is joined to, not the nearest name.
        if let Some(s) = np_before(toks, e).and_then(|(a, b)| resolver.resolve(toks, a, b)) {
            return Some(s);
        }
    }
    if (participle || joined) && earlier.is_none() {
        if let Some(s) = resolver.clause_subject(&toks[..v]) {
            return Some(s);
        }
    }
    if !verb.ends_with("ing") {
        if let Some(s) = np_before(toks, v).and_then(|(a, b)| resolver.resolve(toks, a, b)) {
            return Some(s);
        }
    }
    subject(toks, v, false, resolver)
}

/// The nearest name, pronoun or description of a source before token `v` that is not the object
/// of a preposition (but for "from" when `objects_too`, in a heading "More from Ana Ruiz:"): the
/// subject of the clause that speaks.
fn subject(
    toks: &[Tok<'_>],
    v: usize,
    objects_too: bool,
    resolver: &mut Resolver<'_>,
) -> Option<Speaker> {
    for end in (0..v).rev() {
        let t = &toks[end];
        let l = t.lower();
        let head = (t.is_cap() && !is_function_word(&l))
            || pronoun_gender(&l).is_some()
            || is_descriptor_head(&l);
        let name_goes_on = end + 1 < v && toks[end + 1].is_cap() && t.is_cap();
        if !t.word || t.possessive || !head || name_goes_on || is_title(&l) {
            continue;
        }
        let Some((a, b)) = np_before(toks, end + 1) else {
            continue;
        };
        let after = a.checked_sub(1).and_then(|p| toks.get(p)).map(Tok::lower);
        let object = after.as_deref().is_some_and(is_preposition);
        if b != end || object && !(objects_too && after.as_deref() == Some("from")) {
            continue;
        }
        if let Some(s) = resolver.resolve(toks, a, b) {
            return Some(s);
        }
    }
    None
}

/// The quotations of one article.
pub fn quotes(doc: &Document, sentences: &[Sentence], entities: &[Entity]) -> Vec<Quote> {
    let text = doc.text.as_str();
    let raws: Vec<Raw> = raw_quotes(doc)
        .into_iter()
        .filter(|r| !not_a_quote(text, r))
        .collect();
    let mark_end = |c: usize| c + mark_len(text, c);
    let quote_spans: Vec<Span> = raws
        .iter()
        .map(|r| Span::new(r.open, r.close.map_or(r.content.end, mark_end)))
        .collect();
    let mut resolver = Resolver::new(text, entities, |s| {
        quote_spans.iter().any(|q| q.contains(s))
    });
    let mut out: Vec<Quote> = Vec::new();
    let mut prev: Option<(usize, Option<Speaker>)> = None;
    for r in &raws {
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
        // 1. Right after the quotation, in its closing sentence; 2. before it, in its opening
        // sentence.
        let mut speaker = r
            .close
            .zip(sent_close)
            .and_then(|(c, sc)| {
                let mut after = tokens(text, Span::new(mark_end(c), sc.span.end));
                // “…?” Ruiz asked: the sentence ended with the quotation, the frame follows.
                if after.iter().all(|t| !t.word) {
                    let next = sentences
                        .iter()
                        .find(|s| s.block == sc.block && s.span.start >= sc.span.end)
                        // A paragraph of quotation signed on the next line: "― Ana Ruiz".
                        .or_else(|| {
                            sentences.iter().find(|s| {
                                s.block == sc.block + 1
                                    && s.span.text(text).starts_with(['—', '―', '–', '-'])
                            })
                        });
                    after = next.map_or(after, |s| tokens(text, s.span));
                }
                frame_after(&after, &mut resolver)
            })
            .or_else(|| frame_before(&tokens(text, before_span), &mut resolver));
        if speaker.is_none() && before_text.is_empty() {
            // 3. A quotation that continues the previous one, in its paragraph or the next.
            if let Some((pb, ps)) = &prev {
                if r.block == *pb || r.block == pb + 1 {
                    speaker.clone_from(ps);
                }
            }
            // 4. A paragraph of quotation only, introduced by the one before ("Ruiz said:").
            if speaker.is_none() {
                speaker = introduced(text, sentences, r.block, &mut resolver);
            }
        }
        if speaker.is_none() && partial {
            // 5. Words quoted inside a sentence with no speech verb ("Ruiz called the plan a
            // “detour”", "He deemed it “a con”"): the person the sentence is about.
            speaker = sentence_subject(&tokens(text, before_span), &mut resolver);
        }
        prev = Some((r.block, speaker.clone()));
        out.push(Quote {
            span: content,
            speaker,
            partial,
        });
    }
    out
}

/// The named person or organisation that opens a sentence (after a leading phrase set off by
/// a comma, "In a letter, Ana Ruiz …"): its likely subject. Descriptions are left out, as they
/// rarely speak in a sentence without a speech verb.
fn sentence_subject(toks: &[Tok<'_>], resolver: &mut Resolver<'_>) -> Option<Speaker> {
    let first = toks.iter().position(|t| t.word)?;
    let mut start = if is_preposition(&toks[first].lower()) {
        first + toks[first..].iter().position(|t| t.is(","))? + 1
    } else {
        first
    };
    // "But he cited a “gap”": a conjunction opens the sentence, not its subject.
    if toks
        .get(start)
        .is_some_and(|t| matches!(t.lower().as_str(), "but" | "and" | "yet" | "so" | "still"))
    {
        start += 1;
    }
    let (a, b) = np_after(toks, start)?;
    // "Ana Ruiz apologized to the board and “…”": the phrase runs on over a verb the lexicon
    // does not know, but a person named where it opens is its subject.
    if let Some(s) = resolver.person_opening(toks, a, b) {
        return Some(s);
    }
    resolver.resolve(toks, a, b).filter(|s| !s.anonymous)
}

/// The speaker the paragraph before `block` introduces in its last sentence, when it ends in a
/// colon.
fn introduced(
    text: &str,
    sentences: &[Sentence],
    block: usize,
    resolver: &mut Resolver<'_>,
) -> Option<Speaker> {
    let last = sentences.iter().rev().find(|s| s.block < block)?;
    if last.block + 1 != block || !last.span.text(text).ends_with(':') {
        return None;
    }
    frame_before(&tokens(text, last.span), resolver)
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
                // Not yet taken back to "A senior customs official" of the sentence before:
                // descriptions are remembered only from attributed quotations (issue 11 note).
                (
                    "Nothing is decided,".to_string(),
                    "the official".to_string(),
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
    fn frames_after_a_continued_sentence_signatures_and_statements() {
        let (t, q) = run("Ilse Varga and Jon Okafor spoke at the quay on Monday.\n\
             \"The tide decides\" when the ferry sails, said Ilse Varga, the harbourmaster.\n\
             \"It was never about money\" than about the route, Jon Okafor said.\n\
             \"We will reopen the quay in spring, said Ode Banks. \"Not before.\"\n\
             \"Keep the lights on.\"\n\
             \u{2015} Mara Lind, Elsmere\n\
             Ana Ruiz said in a statement on Tuesday that the port would stay shut.\n\
             \"We regret the delay,\" the statement said.\n\
             \"We will pay,\" said the statement from the operator's lawyer, Ian Read.\n\
             Later, Jon Okafor met the board in Elsmere and Tidewater, saying \"We stay.\"\n\
             The ferry will sail on Friday, Ilse Varga said, adding, \"Weather permitting.\"\n\
             \"Amen to that,\" said the Rev. Mara Lind.\n\
             \"The files are out,\" State spokesman Ode Lune said.\n\
             \"No comment,\" said a longtime adviser to Ilse Varga.\n\
             \"It was late,\" said one official familiar with the talks.\n\
             \"We sail at dawn,\" Ian Read said, as the ferry left \u{2014} the gulls followed on the tide.\n\
             Ilse Varga has called Jon Okafor a liar, and accused the other man of being \"a harbour thief\" on Monday.\n\
             \u{130}\u{130}\u{130}\u{130}\u{130}\u{130}\u{130}\u{130}\u{130}\u{130} in a statement\u{2026} \"We are here,\" the statement said.\n\
             ''The pier stays,'' said Ode Banks. ''It's ours, and it stays ours.'' The 5'' pipe leaked.");
        let got: Vec<(String, String)> = shown(&t, &q)
            .into_iter()
            .map(|(quote, speaker, _)| (quote, speaker))
            .collect();
        let want = [
            ("The tide decides", "Ilse Varga"),
            ("It was never about money", "Jon Okafor"),
            // The closing mark was left out: the quotation ends at its own frame.
            ("We will reopen the quay in spring", "Ode Banks"),
            ("Not before.", "Ode Banks"),
            ("Keep the lights on.", "Mara Lind"),
            ("We regret the delay,", "Ana Ruiz"),
            ("We will pay,", "Ian Read"),
            // A participle takes the subject of its clause, not the nearest name.
            ("We stay.", "Jon Okafor"),
            ("Weather permitting.", "Ilse Varga"),
            ("Amen to that,", "Mara Lind"),
            // A capital after the quotation is a name ("State"), not the verb "state".
            ("The files are out,", "Ode Lune"),
            ("No comment,", "a longtime adviser to Ilse Varga"),
            ("It was late,", "one official familiar with the talks"),
            ("We sail at dawn,", "Ian Read"),
            ("a harbour thief", "Ilse Varga"),
            // Letters whose lower case is longer (İ) before "statement": no issuer, no panic.
            ("We are here,", "the statement"),
            // Archive text marks quotations with two apostrophes; one inside a word is none.
            ("The pier stays,", "Ode Banks"),
            ("It's ours, and it stays ours.", "Ode Banks"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn mixed_marks_titles_with_verbs_and_names_that_are_words() {
        let lines = [
            r#"Ana Ruiz and Ian Read met on Tuesday."#,
            r#"“The tide will not wait," Ruiz said. "Nor will we.""#,
            r#""It is settled," said former secretary of state Ana Ruiz, who smiled."#,
            r#""We assessed the risk," Read said."#,
            r#"“The port is open!” US Senator Ode Banks said as he left."#,
            r#""It is late," the Elsmere senator and harbour candidate said."#,
            r#"Banks called the plan a “costly detour” on Friday."#,
        ];
        let (t, q) = run(&lines.join("\n"));
        let speakers: Vec<(String, String)> = shown(&t, &q)
            .into_iter()
            .map(|(text, speaker, _)| (text, speaker))
            .collect();
        let want = [
            ("The tide will not wait,", "Ana Ruiz"),
            ("Nor will we.", "Ana Ruiz"),
            ("It is settled,", "Ana Ruiz"),
            ("We assessed the risk,", "Ian Read"),
            ("The port is open!", "Ode Banks"),
            ("It is late,", "the Elsmere senator and harbour candidate"),
            ("costly detour", "Ode Banks"),
        ];
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(speakers, want);
    }

    #[test]
    fn pronouns_take_up_subjects_by_their_frame() {
        let lines = [
            // A name in apposition to the subject is the subject.
            "Ode Banks's lawyer, Ian Read, said in a letter that the firm would appeal.",
            "\"We are disappointed,\" he said.",
            // The subject of a reported clause is not.
            "Jon Okafor said Ian Read, though, would keep his post.",
            "\"He earned it,\" he said.",
            // A name opening a relative clause is.
            "Ms. Mara Lind who married Ana Ruiz in Elsmere last year wrote to the board.",
            "\"I will not stay silent,\" she wrote.",
            // So is the subject of an inverted speech verb.
            "\"The quay stays open,\" said Ian Read, a lawyer who met Jon Okafor on Monday.",
            "\"We will see,\" he said.",
        ];
        let (t, q) = run(&lines.join("\n"));
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(
            speakers,
            [
                "Ian Read",
                "Jon Okafor",
                "Mara Lind",
                "Ian Read",
                "Ian Read"
            ]
        );
    }

    #[test]
    fn the_title_is_not_another_office_with_that_word() {
        let (t, q) = run(
            "President Ode Banks met Vice President Ana Ruiz on Monday.\n\
             \"We act now,\" said the president.",
        );
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(speakers, ["Ode Banks"]);
    }

    #[test]
    fn partial_quotes_take_the_subject_opening_their_sentence() {
        let (t, q) = run(
            "Ms. Ana Ruiz apologized to Ode Banks and \"anyone I may have hurt\" on Monday.\n\
             But she cited a \"long gap\" between the harbour and the town.",
        );
        assert_eq!(
            shown(&t, &q),
            [
                (
                    "anyone I may have hurt".to_string(),
                    "Ana Ruiz".to_string(),
                    true
                ),
                ("long gap".to_string(), "Ana Ruiz".to_string(), true),
            ]
        );
    }

    #[test]
    fn a_pronoun_takes_a_person_of_its_paragraph_over_an_earlier_subject() {
        let (t, q) = run(
            "Ode Banks told the board the quay would reopen in spring.\n\
             That did not move Ana Ruiz. \"The quay stays shut,\" she said.",
        );
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(speakers, ["Ana Ruiz"]);
    }

    #[test]
    fn a_participle_takes_the_subject_of_the_verb_before_it() {
        let (t, q) = run("Ode Banks accused Ana Ruiz of delays at the quay in Elsmere, saying \"the ferry is idle.\"\n\
             Ana Ruiz claimed victory in a tweet, saying: \"We won the vote.\"");
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(speakers, ["Ode Banks", "Ana Ruiz"]);
    }

    #[test]
    fn a_long_relative_clause_between_subject_and_verb() {
        let (t, q) = run("Ode Banks, who placed second in an Elsmere Courier poll of likely harbour board candidates in the spring of last year, said he would run, and if he wins, \"the quay opens.\"");
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(speakers, ["Ode Banks"]);
    }

    #[test]
    fn a_group_named_by_a_plural_title_is_no_antecedent_of_he() {
        let (t, q) = run(
            "Ode Banks spoke on Monday after Senate Democrats walked out of the talks.\n\
             \"We will not bend,\" he told reporters.",
        );
        let speakers: Vec<String> = shown(&t, &q).into_iter().map(|(_, s, _)| s).collect();
        assert_eq!(speakers, ["Ode Banks"]);
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
