//! People, organisations, outlets and places named in an article.
//!
//! Found without any model: runs of capitalised words (with connectors such as "of" and "and"
//! where the run ends in an organisation word), split into a title ("Transport Minister",
//! "Lt. Gen.") and a name; classified by their last word (`data/org_words.txt`), the outlet
//! registry (`model::outlets`) and a short list of places. Short forms then resolve to the full
//! name named in the article: a surname to the person, "Courier" or "the authority" to the
//! organisation whose name ends so, an acronym to the name it abbreviates.

pub(crate) mod lexicon;
pub(crate) mod tokens;

use std::collections::HashSet;

use model::{BlockKind, Document, Entity, EntityKind, Mention, Sentence, Span};

use lexicon::{
    first_name_gender, is_function_word, is_known_place, is_time_word, is_title, org_word,
};
use tokens::{tokens, Tok};

/// A run of capitalised words, split into title and name.
#[derive(Clone, Debug)]
struct Chunk {
    /// Span of the name (nickname included), without the title.
    name_span: Span,
    /// Span of title and name together, when there is a title.
    titled_span: Option<Span>,
    /// The title, as written.
    title: Option<String>,
    /// The name's words, nickname left out.
    words: Vec<String>,
    /// What it names, when its own words tell.
    kind: Option<EntityKind>,
    /// A country prefix ("US", "U.S.") before an organisation's name: the span without it.
    bare_span: Option<Span>,
    /// True when "the" stands right before it.
    after_article: bool,
}

/// The entities of one article.
pub fn entities(doc: &Document, sentences: &[Sentence]) -> Vec<Entity> {
    let text = doc.text.as_str();
    let lower_vocab: HashSet<String> = sentences
        .iter()
        .flat_map(|s| tokens(text, s.span))
        .filter(|t| t.word && t.text.chars().next().is_some_and(char::is_lowercase))
        .map(|t| t.text.to_string())
        .collect();
    let mut chunks = Vec::new();
    let mut descriptors = Vec::new();
    for s in sentences {
        let toks = tokens(text, s.span);
        if s.kind == BlockKind::Headline && title_case(&toks) {
            continue;
        }
        chunks.extend(find_chunks(text, &toks, &lower_vocab));
        descriptors.extend(org_descriptors(&toks));
    }
    build(text, &chunks, &descriptors)
}

/// True for a headline in Title Case, where capitals say nothing about names.
fn title_case(toks: &[Tok<'_>]) -> bool {
    let long: Vec<&Tok<'_>> = toks
        .iter()
        .filter(|t| t.word && t.text.chars().count() > 3)
        .collect();
    long.len() >= 4 && long.iter().filter(|t| t.is_cap()).count() * 10 >= long.len() * 7
}

fn is_open_quote(t: &Tok<'_>) -> bool {
    matches!(t.text, "“" | "\"" | "‘")
}

fn is_close_quote(t: &Tok<'_>) -> bool {
    matches!(t.text, "”" | "\"" | "’")
}

/// True for a capitalised word that may be part of a name.
fn name_word(t: &Tok<'_>) -> bool {
    t.is_cap() && t.text != "I" && !is_time_word(&t.lower())
}

/// Runs of capitalised words of one sentence, as chunks.
fn find_chunks(text: &str, toks: &[Tok<'_>], lower_vocab: &HashSet<String>) -> Vec<Chunk> {
    let mut out = Vec::new();
    let first_word = toks.iter().position(|t| t.word).unwrap_or(0);
    let mut i = 0;
    while i < toks.len() {
        if !name_word(&toks[i]) {
            i += 1;
            continue;
        }
        // Indices of the run's tokens; connectors and nickname marks included.
        let mut run = vec![i];
        let mut j = i + 1;
        while j < toks.len() {
            let last = &toks[*run.last().unwrap_or(&i)];
            if last.possessive && !last.text.ends_with('s') {
                break;
            }
            let t = &toks[j];
            let next_cap = |k: usize| toks.get(k).is_some_and(name_word);
            if name_word(t) {
                run.push(j);
                j += 1;
            } else if is_open_quote(t)
                && next_cap(j + 1)
                && toks.get(j + 2).is_some_and(is_close_quote)
                && next_cap(j + 3)
            {
                run.extend([j, j + 1, j + 2, j + 3]);
                j += 4;
            } else if t.word
                && matches!(t.text, "of" | "and" | "for" | "de" | "van" | "von")
                && next_cap(j + 1)
            {
                run.extend([j, j + 1]);
                j += 2;
            } else {
                break;
            }
        }
        i = j;
        for part in split_connectors(toks, &run) {
            let mut part = part;
            // A capital that only starts the sentence is not a name ("The", "Critics").
            if part.first() == Some(&first_word) {
                if let Some(t) = toks.get(first_word) {
                    let lower = t.lower();
                    if is_function_word(&lower)
                        || (lower_vocab.contains(&lower) && !is_title(&lower))
                    {
                        part.remove(0);
                        while part.first().is_some_and(|&k| !name_word(&toks[k])) {
                            part.remove(0);
                        }
                    }
                }
            }
            if let Some(c) = classify(text, toks, &part) {
                out.push(c);
            }
        }
    }
    out
}

/// Splits a run at connectors that do not belong to a name: "of" only after a title or a word
/// that takes it ("Department of"), "and"/"for" only inside an organisation's name.
fn split_connectors(toks: &[Tok<'_>], run: &[usize]) -> Vec<Vec<usize>> {
    let last_org = run
        .last()
        .and_then(|&k| org_word(&toks[k].lower()))
        .is_some_and(|(k, _)| matches!(k, EntityKind::Organization | EntityKind::Outlet));
    let mut parts = vec![Vec::new()];
    for (n, &k) in run.iter().enumerate() {
        let t = &toks[k];
        let connector = t.word && !t.is_cap();
        if connector {
            let prev = n
                .checked_sub(1)
                .and_then(|p| run.get(p))
                .map(|&p| toks[p].lower())
                .unwrap_or_default();
            let keep = match t.text {
                "of" => is_title(&prev) || org_word(&prev).is_some_and(|(_, joins)| joins),
                "and" | "for" => last_org,
                _ => true,
            };
            if !keep {
                parts.push(Vec::new());
                continue;
            }
        }
        if let Some(p) = parts.last_mut() {
            p.push(k);
        }
    }
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// Splits a run into title and name and tells its kind where its words do.
fn classify(text: &str, toks: &[Tok<'_>], run: &[usize]) -> Option<Chunk> {
    let first = *run.first()?;
    let last = *run.last()?;
    if !name_word(&toks[first]) || !name_word(&toks[last]) {
        return None;
    }
    // The title ends at the last title word followed by a name; "of X" after it stays in it.
    let mut name_from = 0;
    for (n, &k) in run.iter().enumerate() {
        if n + 1 < run.len() && is_title(&toks[k].lower()) {
            name_from = n + 1;
            if run.get(n + 1).is_some_and(|&m| toks[m].text == "of") {
                name_from = (n + 3).min(run.len());
            }
        }
    }
    let name_idx: Vec<usize> = run[name_from..].to_vec();
    let name_first = *name_idx.first()?;
    let span_of = |a: usize, b: usize| Span::new(toks[a].span.start, toks[b].span.end);
    let words: Vec<String> = name_idx
        .iter()
        .enumerate()
        .filter(|&(n, &k)| {
            let t = &toks[k];
            // Nickname marks and the nickname between them are left out of the name.
            let inside = n > 0
                && n + 1 < name_idx.len()
                && (is_open_quote(&toks[name_idx[n - 1]]) || is_open_quote(t));
            t.word && !inside && !is_open_quote(t) && !is_close_quote(t)
        })
        .map(|(_, &k)| toks[k].text.to_string())
        .collect();
    if words.is_empty() || words.iter().all(|w| is_title(&w.to_lowercase())) {
        return None;
    }
    let last_lower = toks[last].lower();
    let mut kind = org_word(&last_lower).map(|(k, _)| k);
    // "Press Agency", "News Agency": an agency of the news.
    let before_last = run
        .len()
        .checked_sub(2)
        .and_then(|n| run.get(n))
        .map(|&k| toks[k].lower());
    if last_lower == "agency" && matches!(before_last.as_deref(), Some("press" | "news")) {
        kind = Some(EntityKind::Outlet);
    }
    if kind.is_none() && run.iter().any(|&k| toks[k].text == "of") && name_from == 0 {
        kind = run
            .first()
            .and_then(|&k| org_word(&toks[k].lower()))
            .map(|(k, _)| k);
    }
    let name = words.join(" ");
    if is_known_place(&name) {
        kind = Some(EntityKind::Place);
    }
    if model::outlets::lookup(&name).is_some() {
        kind = Some(match model::outlets::lookup(&name).map(|e| e.kind) {
            Some(model::outlets::RegistryKind::Platform) => EntityKind::Organization,
            _ => EntityKind::Outlet,
        });
    }
    let title = (name_from > 0).then(|| span_of(first, run[name_from - 1]).text(text).to_string());
    // A title before a name, or a usual given name first, makes a person of a name that ends
    // like a place ("Mayor Lena Park", "Lena Hall").
    let given = (2..=3).contains(&words.len()) && first_name_gender(&words[0]).is_some();
    if (title.is_some() || given)
        && matches!(kind, None | Some(EntityKind::Place))
        && !is_known_place(&name)
    {
        kind = Some(EntityKind::Person);
    }
    // A country prefix of an organisation ("US Cyber Command").
    let bare_span = (matches!(kind, Some(EntityKind::Organization)) && name_idx.len() > 2)
        .then(|| {
            let t = &toks[name_first];
            let prefix = t.text.contains('.')
                || (t.text.len() == 2 && t.text.chars().all(char::is_uppercase));
            prefix.then(|| span_of(name_idx[1], last))
        })
        .flatten();
    let after_article = first
        .checked_sub(1)
        .and_then(|p| toks.get(p))
        .is_some_and(|p| p.word && p.lower() == "the");
    Some(Chunk {
        after_article,
        name_span: span_of(name_first, last),
        titled_span: (name_from > 0).then(|| span_of(first, last)),
        title,
        words,
        kind,
        bare_span,
    })
}

/// A lower-case description of an organisation: "the defence department", "the authority".
#[derive(Clone, Debug)]
struct OrgDescriptor {
    span: Span,
    modifier: Option<String>,
    head: String,
}

fn org_descriptors(toks: &[Tok<'_>]) -> Vec<OrgDescriptor> {
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        let lower = t.lower();
        if !t.word || t.is_cap() || !matches!(org_word(&lower), Some((EntityKind::Organization, _)))
        {
            continue;
        }
        let prev = k.checked_sub(1).and_then(|p| toks.get(p));
        let prev2 = k.checked_sub(2).and_then(|p| toks.get(p));
        let det = |x: Option<&Tok<'_>>| x.is_some_and(|x| matches!(x.lower().as_str(), "the"));
        match prev {
            Some(p)
                if p.word
                    && !is_function_word(&p.lower())
                    && !p.possessive
                    && (det(prev2) || k == 1)
                    && !p.text.chars().any(|c| c.is_ascii_digit()) =>
            {
                out.push(OrgDescriptor {
                    span: Span::new(p.span.start, t.span.end),
                    modifier: Some(p.lower()),
                    head: lower,
                });
            }
            _ if det(prev) => {
                let start = prev.map_or(t.span.start, |p| p.span.start);
                out.push(OrgDescriptor {
                    span: Span::new(start, t.span.end),
                    modifier: None,
                    head: lower,
                });
            }
            _ => {}
        }
    }
    out
}

/// A whole name with every word [`fold`]ed, the key two forms of one name share.
fn folded(name: &str) -> String {
    name.split_whitespace()
        .map(fold)
        .collect::<Vec<_>>()
        .join(" ")
}

/// British and American spellings folded, for comparing names ("Harbour" and "Harbor").
pub(crate) fn fold(word: &str) -> String {
    let w = word.to_lowercase();
    if let Some(b) = w.strip_suffix("our") {
        if b.len() >= 3 {
            return format!("{b}or");
        }
    }
    if let Some(b) = w.strip_suffix("tre") {
        if b.len() >= 3 {
            return format!("{b}ter");
        }
    }
    if matches!(w.as_str(), "defence" | "offence" | "licence") {
        return w.replace("ence", "ense");
    }
    w
}

fn push_mention(e: &mut Entity, text: &str, span: Span, titled: Option<Span>) {
    if e.mentions.iter().any(|m| m.span == span) {
        return;
    }
    e.mentions.push(Mention {
        span,
        form: span.text(text).to_string(),
        titled: titled.map(|t| t.text(text).to_string()),
    });
}

/// Initials of a name's capitalised words ("Elsmere Harbor Authority" → "EHA").
fn initials(words: &[String]) -> String {
    words
        .iter()
        .filter_map(|w| w.chars().next())
        .filter(|c| c.is_uppercase())
        .collect()
}

fn build(text: &str, chunks: &[Chunk], descriptors: &[OrgDescriptor]) -> Vec<Entity> {
    let mut ents: Vec<Entity> = Vec::new();
    // Pass 1: full names (persons of two or more words, organisations, outlets, places).
    let mut deferred = Vec::new();
    for c in chunks {
        let multi = c.words.len() >= 2;
        let person_like = multi
            && c.words.len() <= 4
            && c.words.iter().all(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && !(w.len() > 2 && w.chars().all(|ch| ch.is_uppercase() || ch == '.'))
            });
        // "House Democrats", "Senate Republicans": a title made plural names a group, which a
        // later "he" or "she" never takes up.
        let group = c.words.last().is_some_and(|w| {
            let l = w.to_lowercase();
            l.len() > 3 && l.strip_suffix('s').is_some_and(is_title)
        });
        let kind = match c.kind {
            Some(k) => k,
            None if person_like && group => EntityKind::Organization,
            None if person_like => EntityKind::Person,
            None => {
                deferred.push(c);
                continue;
            }
        };
        if c.words.len() == 1 {
            deferred.push(c);
            continue;
        }
        // "the Grey Gull": a person's name takes no article; a place or a thing does.
        if c.kind.is_none() && c.title.is_none() && c.after_article {
            deferred.push(c);
            continue;
        }
        // "Grey Gull" before "Grey Gull Ferries" is seen: decided in pass 2.
        if c.kind.is_none() {
            let is_prefix = chunks.iter().any(|o| {
                o.kind.is_some_and(|k| k != EntityKind::Person)
                    && o.words.len() > c.words.len()
                    && o.words.starts_with(&c.words)
            });
            if is_prefix {
                deferred.push(c);
                continue;
            }
        }
        let name = if kind == EntityKind::Organization {
            c.bare_span
                .map_or_else(|| c.words.join(" "), |b| b.text(text).to_string())
        } else {
            c.words.join(" ")
        };
        let key = folded(&name);
        let idx = match ents
            .iter()
            .position(|e| e.kind == kind && folded(&e.name) == key)
        {
            Some(i) => i,
            None => {
                ents.push(Entity {
                    name,
                    kind,
                    role: None,
                    mentions: Vec::new(),
                });
                ents.len() - 1
            }
        };
        if let Some(e) = ents.get_mut(idx) {
            if e.role.is_none() {
                e.role.clone_from(&c.title);
            }
            let (span, titled) = match c.bare_span {
                Some(b) => (b, Some(c.name_span)),
                None => (c.name_span, c.titled_span),
            };
            push_mention(e, text, span, titled);
        }
    }
    // Acronyms defined in parentheses: "Elsmere Harbor Authority (EHA)".
    let mut acronyms: Vec<(String, usize)> = Vec::new();
    for (i, e) in ents.iter().enumerate() {
        for m in &e.mentions {
            let after = text.get(m.span.end..).unwrap_or("");
            if let Some(rest) = after.strip_prefix(" (") {
                let acr: String = rest.chars().take_while(|c| c.is_alphanumeric()).collect();
                if acr.len() >= 2
                    && acr.chars().all(|c| c.is_uppercase())
                    && rest.get(acr.len()..).is_some_and(|r| r.starts_with(')'))
                {
                    acronyms.push((acr, i));
                }
            }
        }
    }
    // Pass 2: short forms.
    for c in deferred {
        let name = c.words.join(" ");
        let pos = c.name_span.start;
        let target = resolve_short(&ents, &c.words, pos, &acronyms);
        match target {
            Some(i) => {
                if let Some(e) = ents.get_mut(i) {
                    if e.role.is_none() && e.kind == EntityKind::Person {
                        e.role.clone_from(&c.title);
                    }
                    push_mention(e, text, c.name_span, c.titled_span);
                }
            }
            None => {
                let kind = if let Some(r) = model::outlets::lookup(&name) {
                    if r.kind == model::outlets::RegistryKind::Platform {
                        EntityKind::Organization
                    } else {
                        EntityKind::Outlet
                    }
                } else if is_known_place(&name) {
                    EntityKind::Place
                } else {
                    // A titled surname never named in full ("President Varga") is a person.
                    c.kind.unwrap_or(EntityKind::Other)
                };
                let idx = match ents.iter().position(|e| e.name == name && e.kind == kind) {
                    Some(i) => i,
                    None => {
                        ents.push(Entity {
                            name,
                            kind,
                            role: c.title.clone(),
                            mentions: Vec::new(),
                        });
                        ents.len() - 1
                    }
                };
                if let Some(e) = ents.get_mut(idx) {
                    push_mention(e, text, c.name_span, c.titled_span);
                }
            }
        }
    }
    // Lower-case descriptions of organisations named in the article.
    for d in descriptors {
        let target = ents
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.kind, EntityKind::Organization | EntityKind::Outlet))
            .filter(|(_, e)| {
                let words: Vec<String> = e.name.split_whitespace().map(fold).collect();
                words.last().is_some_and(|l| *l == fold(&d.head))
                    && d.modifier.as_ref().is_none_or(|m| words.contains(&fold(m)))
            })
            .min_by_key(|(_, e)| {
                // The nearest mention before the description wins; one after it comes next.
                e.mentions
                    .iter()
                    .map(|m| {
                        if m.span.start <= d.span.start {
                            d.span.start - m.span.start
                        } else {
                            usize::MAX / 2 + m.span.start
                        }
                    })
                    .min()
                    .unwrap_or(usize::MAX)
            })
            .map(|(i, _)| i);
        match (target, &d.modifier) {
            (Some(i), _) => {
                if let Some(e) = ents.get_mut(i) {
                    let span = d.span;
                    push_mention(e, text, span, None);
                }
            }
            (None, Some(_)) => {
                let name = d.span.text(text).to_string();
                let key = folded(&name);
                let idx = match ents.iter().position(|e| folded(&e.name) == key) {
                    Some(i) => i,
                    None => {
                        ents.push(Entity {
                            name,
                            kind: EntityKind::Organization,
                            role: None,
                            mentions: Vec::new(),
                        });
                        ents.len() - 1
                    }
                };
                if let Some(e) = ents.get_mut(idx) {
                    push_mention(e, text, d.span, None);
                }
            }
            (None, None) => {}
        }
    }
    for e in &mut ents {
        e.mentions.sort_by_key(|m| m.span.start);
    }
    ents.retain(|e| !e.mentions.is_empty());
    ents
}

/// The entity a short form stands for: a surname, the last word or the first words of an
/// organisation's name, or an acronym.
fn resolve_short(
    ents: &[Entity],
    words: &[String],
    pos: usize,
    acronyms: &[(String, usize)],
) -> Option<usize> {
    let form = words.join(" ");
    let nearest = |cands: Vec<usize>| -> Option<usize> {
        cands.into_iter().min_by_key(|&i| {
            ents[i]
                .mentions
                .iter()
                .map(|m| {
                    if m.span.start <= pos {
                        pos - m.span.start
                    } else {
                        usize::MAX / 2 + m.span.start
                    }
                })
                .min()
                .unwrap_or(usize::MAX)
        })
    };
    // A surname (or given name and surname without a middle initial, "Ingrid Halvorsen").
    let persons: Vec<usize> = ents
        .iter()
        .enumerate()
        .filter(|(_, e)| e.kind == EntityKind::Person)
        .filter(|(_, e)| {
            let ew: Vec<&str> = e.name.split_whitespace().collect();
            match words {
                [one] => ew.len() >= 2 && ew.last() == Some(&one.as_str()),
                _ => {
                    ew.len() > words.len()
                        && ew.first().copied() == words.first().map(String::as_str)
                        && ew.last().copied() == words.last().map(String::as_str)
                }
            }
        })
        .map(|(i, _)| i)
        .collect();
    if !persons.is_empty() {
        return nearest(persons);
    }
    if let Some((_, i)) = acronyms.iter().find(|(a, _)| *a == form) {
        return Some(*i);
    }
    let orgs: Vec<usize> = ents
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            matches!(
                e.kind,
                EntityKind::Organization | EntityKind::Outlet | EntityKind::Place
            )
        })
        .filter(|(_, e)| {
            let ew: Vec<String> = e.name.split_whitespace().map(str::to_string).collect();
            ew.len() > words.len()
                && (ew.starts_with(words)
                    || (words.len() == 1
                        && org_word(&form.to_lowercase()).is_some()
                        && ew.last().is_some_and(|l| fold(l) == fold(&form))))
        })
        .map(|(i, _)| i)
        .collect();
    if !orgs.is_empty() {
        return nearest(orgs);
    }
    if form.len() >= 2 && form.chars().all(char::is_uppercase) {
        let by_initials: Vec<usize> = ents
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind != EntityKind::Person && e.name.split_whitespace().count() >= 2)
            .filter(|(_, e)| {
                initials(
                    &e.name
                        .split_whitespace()
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                ) == form
            })
            .map(|(i, _)| i)
            .collect();
        if by_initials.len() == 1 {
            return by_initials.first().copied();
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use model::Block;

    /// A document of body paragraphs.
    pub(crate) fn doc(text: &str) -> Document {
        let mut blocks = Vec::new();
        let mut pos = 0;
        for para in text.split('\n') {
            let span = Span::new(pos, pos + para.len()).trim(text);
            if !span.is_empty() {
                blocks.push(Block {
                    kind: BlockKind::Body,
                    span,
                    reason: String::new(),
                });
            }
            pos += para.len() + 1;
        }
        let mut d = Document::plain("t", "t.txt", text.to_string(), blocks);
        d.outlet.name = "Test Wire".into();
        d
    }

    fn analyse(text: &str) -> Vec<Entity> {
        let d = doc(text);
        let s = crate::segment::sentences(&d.text, &d.blocks);
        entities(&d, &s)
    }

    #[test]
    fn titles_short_forms_and_organisations() {
        let e = analyse(
            "Fisheries Minister Ode Marrak visited the Varn Fishing Authority (VFA) on Monday.\nMarrak said the authority would act. Retired Col. Anneli “Gull” Sorensen disagreed, the Tidewater Gazette reported.\nThe VFA and the Gazette declined to comment. Sen. Ode Marrak left.",
        );
        let marrak = e.iter().find(|x| x.name == "Ode Marrak").expect("person");
        assert_eq!(marrak.kind, EntityKind::Person);
        let forms: Vec<&str> = marrak.mentions.iter().map(|m| m.form.as_str()).collect();
        assert!(forms.contains(&"Marrak"));
        assert!(marrak
            .mentions
            .iter()
            .any(|m| m.titled.as_deref() == Some("Fisheries Minister Ode Marrak")));
        assert!(marrak
            .mentions
            .iter()
            .any(|m| m.titled.as_deref() == Some("Sen. Ode Marrak")));
        let vfa = e
            .iter()
            .find(|x| x.name == "Varn Fishing Authority")
            .expect("org");
        let forms: Vec<&str> = vfa.mentions.iter().map(|m| m.form.as_str()).collect();
        assert!(
            forms.contains(&"VFA") && forms.contains(&"the authority"),
            "{forms:?}"
        );
        let anneli = e
            .iter()
            .find(|x| x.name == "Anneli Sorensen")
            .expect("nickname person");
        assert_eq!(anneli.mentions[0].form, "Anneli “Gull” Sorensen");
        let gazette = e
            .iter()
            .find(|x| x.name == "Tidewater Gazette")
            .expect("outlet");
        assert_eq!(gazette.kind, EntityKind::Outlet);
        assert!(gazette.mentions.iter().any(|m| m.form == "Gazette"));
    }

    #[test]
    fn sentence_start_words_are_not_names() {
        let e = analyse("Critics of the plan said little. The critics left.");
        assert!(e.iter().all(|x| x.name != "Critics"), "{e:?}");
    }
}
