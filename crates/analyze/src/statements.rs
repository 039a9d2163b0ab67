//! Claims: sentences or clauses, with claimant and modality.
//!
//! Each sentence of the body (and standfirst) is one statement, or several when it is a long
//! compound sentence: it splits at the breaks of `data/clause_breaks.txt` ("; ", ", while",
//! ", and it", a leading "While …,"), never inside quotation marks, and only where both parts
//! keep a few words. Modality comes from the cues of `data/modality_cues.txt`, strongest first:
//! denied, hedged, reported, evaluative, asserted. The claimant is the source an attribution
//! or a quotation in the statement names, else the words before a speech verb or after
//! "according to", else the outlet itself.

use std::sync::OnceLock;

use model::{
    Attribution, BlockKind, Claimant, Document, Modality, Quote, Sentence, SourceKind, Span,
    Statement,
};

/// A sentence shorter than this many words is never split.
const MIN_SPLIT_WORDS: usize = 10;
/// Each part of a split keeps at least this many words.
const MIN_PART_WORDS: usize = 4;
/// Auxiliaries between a speaker and the speech verb.
const AUXILIARIES: [&str; 8] = ["has", "have", "had", "is", "was", "will", "would", "also"];
/// A nested reason or time clause has at least this many words, its opening word included.
const MIN_NESTED_WORDS: usize = 5;

/// The cue lists, parsed once.
struct Cues {
    denied: Vec<Vec<String>>,
    hedged: Vec<Vec<String>>,
    reported: Vec<Vec<String>>,
    evaluative: Vec<Vec<String>>,
    speech: Vec<String>,
    outlet_words: Vec<String>,
}

/// Clause breaks, parsed once.
struct Breaks {
    semicolon: bool,
    after_comma: Vec<Vec<String>>,
    after_comma_and: Vec<String>,
    trailing: Vec<String>,
    lead: Vec<String>,
    nested: Vec<String>,
}

/// Sections of a cue file: `[name]` lines followed by entries.
fn sections(data: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in data.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            current = name.to_string();
        } else {
            out.push((current.clone(), line.to_lowercase()));
        }
    }
    out
}

fn cues() -> &'static Cues {
    static CUES: OnceLock<Cues> = OnceLock::new();
    CUES.get_or_init(|| {
        let all = sections(include_str!("../data/modality_cues.txt"));
        let phrases = |name: &str| -> Vec<Vec<String>> {
            all.iter()
                .filter(|(s, _)| s == name)
                .map(|(_, e)| e.split_whitespace().map(str::to_string).collect())
                .collect()
        };
        let single = |name: &str| -> Vec<String> {
            all.iter()
                .filter(|(s, _)| s == name)
                .map(|(_, e)| e.clone())
                .collect()
        };
        Cues {
            denied: phrases("denied"),
            hedged: phrases("hedged"),
            reported: phrases("reported"),
            evaluative: phrases("evaluative"),
            speech: single("speech"),
            outlet_words: single("outlet_words"),
        }
    })
}

fn breaks() -> &'static Breaks {
    static BREAKS: OnceLock<Breaks> = OnceLock::new();
    BREAKS.get_or_init(|| {
        let mut b = Breaks {
            semicolon: false,
            after_comma: Vec::new(),
            after_comma_and: Vec::new(),
            trailing: Vec::new(),
            lead: Vec::new(),
            nested: Vec::new(),
        };
        for line in include_str!("../data/clause_breaks.txt")
            .lines()
            .map(str::trim)
        {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (rule, word) = line.split_once(' ').unwrap_or((line, ""));
            let word = word.trim().to_lowercase();
            match rule {
                "semicolon" => b.semicolon = true,
                "after-comma" => b
                    .after_comma
                    .push(word.split_whitespace().map(str::to_string).collect()),
                "after-comma-and" => b.after_comma_and.push(word),
                "trailing" => b.trailing.push(word),
                "lead" => b.lead.push(word),
                "nested" => b.nested.push(word),
                _ => {}
            }
        }
        b
    })
}

/// A word of a statement: its span in the document and lower-cased form.
#[derive(Clone, Debug)]
struct W {
    span: Span,
    lower: String,
}

/// Words (letters, digits, inner apostrophes and hyphens) of `span` in `text`.
fn words_in(text: &str, span: Span) -> Vec<W> {
    let Some(s) = span.get(text) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    for (i, &(pos, c)) in chars.iter().enumerate() {
        let inner = matches!(c, '\'' | '’' | '-')
            && start.is_some()
            && chars.get(i + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
        if c.is_alphanumeric() || inner {
            if start.is_none() {
                start = Some(pos);
            }
        } else if let Some(st) = start.take() {
            out.push(W {
                span: Span::new(span.start + st, span.start + pos),
                lower: s[st..pos].to_lowercase(),
            });
        }
    }
    if let Some(st) = start {
        out.push(W {
            span: Span::new(span.start + st, span.end),
            lower: s[st..].to_lowercase(),
        });
    }
    out
}

/// Index of the first occurrence of `phrase` in `words`, as whole words.
fn find_phrase(words: &[W], phrase: &[String]) -> Option<usize> {
    if phrase.is_empty() || phrase.len() > words.len() {
        return None;
    }
    (0..=words.len() - phrase.len()).find(|&i| {
        phrase
            .iter()
            .enumerate()
            .all(|(k, p)| words[i + k].lower == *p)
    })
}

fn has_any(words: &[W], phrases: &[Vec<String>]) -> bool {
    phrases.iter().any(|p| find_phrase(words, p).is_some())
}

/// The statements of one article.
pub fn statements(
    doc: &Document,
    sentences: &[Sentence],
    quotes: &[Quote],
    attributions: &[Attribution],
) -> Vec<Statement> {
    let text = doc.text.as_str();
    let mut out: Vec<Statement> = Vec::new();
    for (si, sentence) in sentences.iter().enumerate() {
        if !matches!(sentence.kind, BlockKind::Body | BlockKind::Standfirst) {
            continue;
        }
        for span in clauses(text, sentence.span) {
            let words = words_in(text, span);
            if words.is_empty() {
                continue;
            }
            // A claimant named in the sentence holds for its clauses too.
            let claimant = claimant(text, span, &words, quotes, attributions)
                .or_else(|| {
                    claimant(
                        text,
                        sentence.span,
                        &words_in(text, sentence.span),
                        quotes,
                        attributions,
                    )
                })
                .unwrap_or(Claimant::Outlet);
            let modality = modality(&words, &claimant);
            let part = nested(text, &words).map(|inner| Statement {
                span: inner,
                sentence: si,
                claimant: claimant.clone(),
                modality: self::modality(&words_in(text, inner), &claimant),
                part_of: Some(out.len()),
            });
            out.push(Statement {
                span,
                sentence: si,
                claimant,
                modality,
                part_of: None,
            });
            out.extend(part);
        }
    }
    out
}

/// How firmly the words state their claim.
fn modality(words: &[W], claimant: &Claimant) -> Modality {
    let c = cues();
    if has_any(words, &c.denied) {
        Modality::Denied
    } else if has_any(words, &c.hedged) {
        Modality::Hedged
    } else if has_any(words, &c.reported) || *claimant != Claimant::Outlet {
        Modality::Reported
    } else if has_any(words, &c.evaluative) {
        Modality::Evaluative
    } else {
        Modality::Asserted
    }
}

/// The claimant named in `span`, if any.
fn claimant(
    text: &str,
    span: Span,
    words: &[W],
    quotes: &[Quote],
    attributions: &[Attribution],
) -> Option<Claimant> {
    if let Some(a) = attributions.iter().find(|a| span.overlaps(a.span)) {
        return Some(match a.kind {
            SourceKind::Outlet => Claimant::Cited(a.source.clone()),
            _ => Claimant::Source(a.source.clone()),
        });
    }
    if let Some(sp) = quotes
        .iter()
        .filter(|q| span.overlaps(q.span))
        .find_map(|q| q.speaker.as_ref())
    {
        return Some(Claimant::Source(sp.name.clone()));
    }
    let c = cues();
    // "according to the New York Times, …": the words up to the next comma or the end.
    if let Some(i) = find_phrase(words, &["according".to_string(), "to".to_string()]) {
        let name = phrase_until_comma(text, words, i + 2);
        if !name.is_empty() {
            return Some(classify(&name, c));
        }
    }
    // "…, a senior official said": the words before the speech verb, back to a comma.
    let quote_marks = |s: Span| s.text(text).chars().any(|ch| matches!(ch, '"' | '“' | '”'));
    for (i, w) in words.iter().enumerate() {
        if !c.speech.contains(&w.lower) || i == 0 {
            continue;
        }
        let mut j = i;
        while j > 0 && i - j < 6 {
            let gap = Span::new(words[j - 1].span.end, words[j].span.start);
            if gap.text(text).contains([',', ';', ':']) || quote_marks(gap) {
                break;
            }
            j -= 1;
        }
        // "X has said", "X had told": the auxiliary is not part of the name.
        let mut i = i;
        while i > j && AUXILIARIES.contains(&words[i - 1].lower.as_str()) {
            i -= 1;
        }
        if j < i {
            let name = Span::new(words[j].span.start, words[i - 1].span.end)
                .text(text)
                .trim()
                .to_string();
            let first = name.split_whitespace().next().unwrap_or("").to_lowercase();
            // A pronoun is no name, and a lone article is an adjective's ("the reported
            // change"), not a speaker's.
            let lone_article = name.split_whitespace().count() == 1
                && matches!(first.as_str(), "the" | "a" | "an" | "this" | "that");
            if matches!(first.as_str(), "he" | "she" | "they" | "it" | "we" | "i")
                || lone_article
                || name.is_empty()
            {
                continue;
            }
            return Some(classify(&name, c));
        }
    }
    None
}

/// The text from word `from` up to the next comma, semicolon or the end of the words.
fn phrase_until_comma(text: &str, words: &[W], from: usize) -> String {
    let Some(first) = words.get(from) else {
        return String::new();
    };
    let mut last = first.span.end;
    for k in from + 1..words.len() {
        let gap = Span::new(words[k - 1].span.end, words[k].span.start);
        if gap.text(text).contains([',', ';', ':', '.']) {
            break;
        }
        last = words[k].span.end;
    }
    let s = Span::new(first.span.start, last).text(text);
    s.strip_prefix("the ").unwrap_or(s).to_string()
}

fn classify(name: &str, c: &Cues) -> Claimant {
    let lower = name.to_lowercase();
    if lower
        .split(|ch: char| !ch.is_alphanumeric())
        .any(|w| c.outlet_words.iter().any(|o| o == w))
    {
        Claimant::Cited(name.to_string())
    } else {
        Claimant::Source(name.to_string())
    }
}

/// The clause spans of one sentence: the sentence itself unless it splits.
pub fn clauses(text: &str, sentence: Span) -> Vec<Span> {
    let words = words_in(text, sentence);
    if words.len() < MIN_SPLIT_WORDS {
        return vec![sentence];
    }
    let b = breaks();
    let inside = quoted_mask(text, &words);
    // Cut points: (byte where the first part ends, byte where the next part starts).
    let mut cuts: Vec<(usize, usize, usize)> = Vec::new();
    let gap = |k: usize| Span::new(words[k - 1].span.end, words[k].span.start).text(text);
    for k in 1..words.len() {
        if inside[k] || inside[k - 1] {
            continue;
        }
        let g = gap(k);
        if b.semicolon && g.contains(';') {
            cuts.push((
                words[k - 1].span.end + g.find(';').unwrap_or(0),
                words[k].span.start,
                k,
            ));
            continue;
        }
        if !g.contains(',') {
            continue;
        }
        let comma = words[k - 1].span.end + g.find(',').unwrap_or(0);
        if words[k].lower == "and"
            && words
                .get(k + 1)
                .is_some_and(|n| b.after_comma_and.contains(&n.lower))
        {
            cuts.push((comma, words[k + 1].span.start, k + 1));
            continue;
        }
        let after = b
            .after_comma
            .iter()
            .any(|p| find_phrase(&words[k..], p) == Some(0));
        let trailing = b.trailing.contains(&words[k].lower)
            && !Span::new(words[k].span.start, sentence.end)
                .text(text)
                .contains(',');
        let lead = b.lead.contains(&words[0].lower) && !cuts.iter().any(|c| c.2 <= k);
        if after || trailing || lead {
            cuts.push((comma, words[k].span.start, k));
        }
    }
    let mut out = Vec::new();
    let mut start = sentence.start;
    let mut start_word = 0;
    for (end, next, k) in cuts {
        // Both sides must keep enough words; a short tail stays with its clause.
        if k - start_word < MIN_PART_WORDS || words.len() - k < MIN_PART_WORDS {
            continue;
        }
        out.push(Span::new(start, end).trim(text));
        start = next;
        start_word = k;
    }
    out.push(Span::new(start, sentence.end).trim(text));
    out.retain(|s| !s.is_empty());
    if out.is_empty() {
        vec![sentence]
    } else {
        out
    }
}

/// The reason or time clause nested in `clause` ("…, after all three bids exceeded its
/// budget, …"): from its opening word (`nested` in `data/clause_breaks.txt`) to the next
/// comma, colon or quotation mark. The main clause before it and the nested clause itself
/// must each keep a few words, so that "after the vote" or "since 2021" stays a phrase.
fn nested(text: &str, words: &[W]) -> Option<Span> {
    if words.len() < MIN_SPLIT_WORDS {
        return None;
    }
    let b = breaks();
    let inside = quoted_mask(text, words);
    // "since 2019" gives a date, not a reason.
    let k = (MIN_PART_WORDS..words.len()).find(|&k| {
        !inside[k]
            && b.nested.contains(&words[k].lower)
            && !words
                .get(k + 1)
                .is_some_and(|w| w.lower.starts_with(|c: char| c.is_ascii_digit()))
    })?;
    let stops = |m: usize| {
        Span::new(words[m - 1].span.end, words[m].span.start)
            .text(text)
            .contains([',', ';', ':', '"', '“', '”', '—'])
    };
    let end = (k + 1..words.len())
        .find(|&m| stops(m))
        .unwrap_or(words.len());
    let inner = Span::new(words[k].span.start, words[end - 1].span.end);
    (end - k >= MIN_NESTED_WORDS).then_some(inner)
}

/// For each word, whether it lies inside quotation marks.
fn quoted_mask(text: &str, words: &[W]) -> Vec<bool> {
    let mut inside = false;
    let mut out = Vec::with_capacity(words.len());
    let mut prev_end = words.first().map_or(0, |w| w.span.start);
    // Text before the first word may open a quotation.
    if let Some(first) = words.first() {
        let lead_start = first.span.start.saturating_sub(3);
        let lead = text.get(lead_start..first.span.start).unwrap_or("");
        inside = lead.contains(['"', '“']);
    }
    for w in words {
        let gap = text.get(prev_end..w.span.start).unwrap_or("");
        for ch in gap.chars() {
            match ch {
                '“' => inside = true,
                '”' => inside = false,
                '"' => inside = !inside,
                _ => {}
            }
        }
        out.push(inside);
        prev_end = w.span.end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clause_texts(t: &str) -> Vec<&str> {
        clauses(t, Span::new(0, t.len()))
            .into_iter()
            .map(|s| s.text(t))
            .collect()
    }

    #[test]
    fn cue_files_parse() {
        let c = cues();
        assert!(c.hedged.iter().any(|p| p == &["unclear"]));
        assert!(c.reported.iter().any(|p| p == &["according", "to"]));
        assert!(
            !c.speech.is_empty()
                && !c.outlet_words.is_empty()
                && !c.denied.is_empty()
                && !c.evaluative.is_empty()
        );
        let b = breaks();
        assert!(b.semicolon && !b.after_comma.is_empty() && !b.lead.is_empty());
    }

    #[test]
    fn long_compound_sentences_split() {
        let t = "The council gave no reason for the closure of the bridge, and it is not clear how long the work on the bridge will take.";
        assert_eq!(
            clause_texts(t),
            vec![
                "The council gave no reason for the closure of the bridge",
                "it is not clear how long the work on the bridge will take."
            ]
        );
        let t = "While the cost of the new line remains unknown to everyone, engineers said it would be ready in spring next year.";
        assert_eq!(clause_texts(t).len(), 2);
        // A closing relative clause is a claim of its own; one in mid-sentence is not cut.
        let t =
            "The city had set aside four million for the new bridge, which was due to open in May.";
        assert_eq!(clause_texts(t).len(), 2);
        let t =
            "The ferry company, which has run the line for years, has agreed to stay on until May.";
        assert_eq!(clause_texts(t).len(), 1);
        // Short sentences and quotations stay whole.
        assert_eq!(clause_texts("Prices rose, and the mayor left.").len(), 1);
        let t = "\u{201c}We waited for a long time in the rain, and the trains never came back to the station,\u{201d} she said at the end.";
        assert_eq!(clause_texts(t).len(), 1);
    }

    #[test]
    fn modality_and_claimant() {
        let t = "The plan may change. Sales rose by a third, the chair said. He denied the report. Output fell.";
        let w = |s: &str| {
            let start = t.find(s).unwrap_or(0);
            words_in(t, Span::new(start, start + s.len()))
        };
        assert_eq!(
            modality(&w("The plan may change."), &Claimant::Outlet),
            Modality::Hedged
        );
        assert_eq!(
            modality(&w("He denied the report."), &Claimant::Outlet),
            Modality::Denied
        );
        assert_eq!(
            modality(&w("Output fell."), &Claimant::Outlet),
            Modality::Asserted
        );
        let s = "Sales rose by a third, the chair said.";
        let start = t.find(s).unwrap_or(0);
        let span = Span::new(start, start + s.len());
        let c = claimant(t, span, &words_in(t, span), &[], &[]);
        assert_eq!(c, Some(Claimant::Source("the chair".to_string())));
        let t = "The reported change comes as rents rise.";
        let span = Span::new(0, t.len());
        assert_eq!(claimant(t, span, &words_in(t, span), &[], &[]), None);
        let t = "Rents rose, according to the Valley Gazette.";
        let span = Span::new(0, t.len());
        assert_eq!(
            claimant(t, span, &words_in(t, span), &[], &[]),
            Some(Claimant::Cited("Valley Gazette".to_string()))
        );
        // An auxiliary before the speech verb is not part of the speaker's name.
        let t = "Mayor Ada Lind has said she will not resign.";
        let span = Span::new(0, t.len());
        assert_eq!(
            claimant(t, span, &words_in(t, span), &[], &[]),
            Some(Claimant::Source("Mayor Ada Lind".to_string()))
        );
    }

    fn nested_text(t: &str) -> Option<&str> {
        nested(t, &words_in(t, Span::new(0, t.len()))).map(|s| s.text(t))
    }

    #[test]
    fn reason_clauses_nest_up_to_the_next_comma() {
        assert_eq!(
            nested_text("The council closed the bridge on Monday after two of its cables snapped, officials said."),
            Some("after two of its cables snapped")
        );
        assert_eq!(
            nested_text(
                "The school stayed shut because the heating in its main hall failed again."
            ),
            Some("because the heating in its main hall failed again")
        );
        // A short phrase is no clause, and a clause needs a main clause before it.
        assert_eq!(
            nested_text("The mayor has led the council since 2019 without a break."),
            None
        );
        assert_eq!(
            nested_text("After the heating failed twice, the school stayed shut all week."),
            None
        );
        // The nested clause is a statement of its own, pointing to its whole clause.
        let t = "The council closed the bridge on Monday after two of its cables snapped.";
        let doc = crate::entities::tests::doc(t);
        let sentences = [Sentence {
            span: Span::new(0, t.len()),
            block: 0,
            kind: BlockKind::Body,
        }];
        let st = statements(&doc, &sentences, &[], &[]);
        assert_eq!(st.len(), 2);
        assert_eq!(st[0].span.text(t), t);
        assert_eq!(st[1].part_of, Some(0));
    }
}
