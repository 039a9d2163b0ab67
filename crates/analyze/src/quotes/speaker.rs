//! From a noun phrase in a speech frame to a speaker.
//!
//! Two halves, kept apart: finding the phrase ([`np_before`], [`np_after`]: where a subject
//! ends before its verb, over adverbs, a parenthesis and an appositive, or starts after an
//! inverted verb) and resolving it ([`Resolver`]): a name to the entity it belongs to (so
//! "Mr. Sund" is the "Ari Sund" named earlier), a pronoun to the most recent person of its
//! gender, a description of an unnamed source to itself or, when definite ("the same
//! official"), to the description it takes up.

use model::{Entity, EntityKind, Span, Speaker};

use crate::entities::lexicon::{
    determiner_count, first_name_gender, is_auxiliary, is_descriptor_head, is_function_word,
    is_preposition, is_speech_verb, is_time_word, is_title, pronoun_gender, title_gender, Gender,
};
use crate::entities::tokens::{tokens, Tok};

use super::{descriptors, post_modifier};

/// Longest subject phrase, in words.
const MAX_NP: usize = 8;
/// Longest appositive or parenthesis skipped between a subject and its verb, in tokens.
const MAX_INSERT: usize = 16;
/// Longest relative clause ("…, who …,") skipped between a subject and its verb, in tokens.
const MAX_RELATIVE: usize = 40;

fn is_open_paren(t: &Tok<'_>) -> bool {
    t.is("(")
}

/// The last token of the subject before the verb at `v`: adverbs, auxiliaries, a time ("on
/// Tuesday"), a parenthesis ("(D-Ore.)") and an appositive (", a port official,") are skipped.
fn subject_end(toks: &[Tok<'_>], v: usize) -> Option<usize> {
    let mut k = v.checked_sub(1)?;
    let mut skipped_apposition = false;
    loop {
        let t = toks.get(k)?;
        let l = t.lower();
        // A capitalised auxiliary is a name ("“…,” Will wrote").
        if t.word
            && (is_auxiliary(&l) && !t.is_cap()
                || l.ends_with("ly")
                || l == "not"
                || is_time_word(&l))
        {
            k = k.checked_sub(1)?;
            continue;
        }
        if t.word && l == "on" && toks.get(k + 1).is_some_and(|n| is_time_word(&n.lower())) {
            k = k.checked_sub(1)?;
            continue;
        }
        if t.is(")") {
            let open = (k.saturating_sub(MAX_INSERT)..k)
                .rev()
                .find(|&i| is_open_paren(&toks[i]))?;
            k = open.checked_sub(1)?;
            continue;
        }
        if t.is(",") && !skipped_apposition {
            // A relative clause may run longer than an appositive ("Ruiz, who placed second
            // in a poll of … , said").
            let relative =
                |i: usize| toks[i].is(",") && toks.get(i + 1).is_some_and(|w| w.is("who"));
            let open = (k.saturating_sub(MAX_INSERT)..k)
                .rev()
                .find(|&i| toks[i].is(","))
                .or_else(|| {
                    (k.saturating_sub(MAX_RELATIVE)..k)
                        .rev()
                        .find(|&i| relative(i))
                })?;
            skipped_apposition = true;
            k = open.checked_sub(1)?;
            continue;
        }
        return t.word.then_some(k);
    }
}

/// True for a word that may not be inside a subject phrase ("State" may, "state" may not).
fn breaks_np(t: &Tok<'_>) -> bool {
    // An acronym ("US Senator Ana Ruiz") is not the pronoun it spells.
    if t.text.len() >= 2 && t.text.chars().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let l = t.lower();
    // A capitalised auxiliary is a name ("Will", "May").
    if t.is_cap() && is_auxiliary(&l) {
        return false;
    }
    (is_function_word(&l) && determiner_count(&l).is_none())
        || is_preposition(&l)
        || (is_speech_verb(&l) || is_auxiliary(&l)) && !t.is_cap()
}

/// The start of the noun phrase ending at token `end`, walking back over its words; "and"
/// joins two names ("Ana Ruiz and Ode Banks").
fn np_start(toks: &[Tok<'_>], end: usize) -> Option<usize> {
    let t = toks.get(end)?;
    if !t.word || breaks_np(t) && !is_pronoun(t) {
        return None;
    }
    // A description of an unnamed source with its qualifier: "two aides familiar with the talks".
    if let Some(d) = descriptors(toks)
        .into_iter()
        .find(|d| d.qualified && d.span.end == t.span.end)
    {
        return toks.iter().position(|x| x.span.start == d.span.start);
    }
    if is_pronoun(t) {
        return Some(end);
    }
    let mut a = end;
    let mut words = 1;
    while a > 0 && words < MAX_NP {
        let p = &toks[a - 1];
        if !p.word {
            break;
        }
        let l = p.lower();
        if determiner_count(&l).is_some() {
            // "Ana Ruiz of the Elsmere Port Authority": the name before "of the" heads it.
            let of_name = a >= 3 && toks[a - 2].text == "of" && toks[a - 3].is_cap();
            if of_name && !toks[a - 3].possessive {
                a -= 2;
                continue;
            }
            a -= 1;
            break;
        }
        // "Ana Ruiz and Ode Banks"; "Ana Ruiz of the Elsmere Port Authority".
        let joins_names = a >= 2 && toks[a - 2].is_cap() && !toks[a - 2].possessive;
        if (l == "and" && toks[a].is_cap() || l == "of") && joins_names {
            a -= 1;
            continue;
        }
        if breaks_np(p) || is_time_word(&l) {
            break;
        }
        a -= 1;
        words += 1;
    }
    Some(a)
}

/// The subject of the speech verb at `v`, as a token range.
pub(crate) fn np_before(toks: &[Tok<'_>], v: usize) -> Option<(usize, usize)> {
    let end = subject_end(toks, v)?;
    Some((np_start(toks, end)?, end))
}

/// The noun phrase starting at token `start` ("said Sen. Ana Ruiz of Elsmere, who …").
pub(crate) fn np_after(toks: &[Tok<'_>], start: usize) -> Option<(usize, usize)> {
    let t = toks.get(start)?;
    if !t.word {
        return None;
    }
    if is_pronoun(t) {
        return Some((start, start));
    }
    if let Some(d) = descriptors(&toks[start..])
        .into_iter()
        .find(|d| d.span.start == t.span.start)
    {
        let end = toks.iter().position(|x| x.span.end == d.span.end)?;
        // "spokesman Ana Ruiz": a description before a name is the name's title.
        if !toks.get(end + 1).is_some_and(Tok::is_cap) {
            return Some((start, end));
        }
    }
    let mut e = start;
    let mut words = 0;
    let mut k = start;
    while let Some(x) = toks.get(k) {
        if !x.word || words >= MAX_NP {
            break;
        }
        let l = x.lower();
        let first = k == start;
        if !(first && determiner_count(&l).is_some()) {
            if l == "and"
                && k > start
                && toks.get(k + 1).is_some_and(Tok::is_cap)
                && toks[k - 1].is_cap()
            {
                k += 1;
                continue;
            }
            // "secretary of state Ana Ruiz": "of" inside a title.
            let title_of = l == "of"
                && k > start
                && is_title(&toks[k - 1].lower())
                && toks.get(k + 1).is_some_and(|n| n.word && !n.is_cap());
            if title_of {
                // The word after "of" belongs to the title even when it is a verb ("state").
                e = k + 1;
                words += 2;
                k += 2;
                continue;
            }
            if breaks_np(x) || is_time_word(&l) {
                break;
            }
        }
        e = k;
        words += 1;
        k += 1;
    }
    // "a longtime adviser to Ana Ruiz", "one Elsmere Democrat familiar with the talks": a
    // description goes on with what identifies it; a name does not.
    let described = toks
        .get(start)
        .is_some_and(|t| determiner_count(&t.lower()).is_some());
    if described && words > 0 {
        if let Some(m) = post_modifier(toks, e) {
            e = m;
        }
    }
    (words > 0).then_some((start, e))
}

fn is_pronoun(t: &Tok<'_>) -> bool {
    t.word && pronoun_gender(&t.lower()).is_some()
}

/// Resolves subject phrases to speakers, over one article.
pub(crate) struct Resolver<'a> {
    text: &'a str,
    entities: &'a [Entity],
    gender: Vec<Option<Gender>>,
    /// Mentions of people outside quotations, in text order: (span, entity).
    persons: Vec<(Span, usize)>,
    /// Per person mention: true when it looks like the subject of its clause.
    subjects: Vec<bool>,
    /// Descriptions of unnamed sources given so far, for "the same official".
    described: Vec<Speaker>,
    /// Singular descriptions of unnamed sources that are subjects, in text order.
    sources: Vec<Span>,
}

impl<'a> Resolver<'a> {
    /// A resolver over an article's entities; `quoted` says whether a span lies inside a
    /// quotation, where a name is not an antecedent.
    pub(crate) fn new(
        text: &'a str,
        entities: &'a [Entity],
        quoted: impl Fn(Span) -> bool,
    ) -> Self {
        let gender = entities.iter().map(entity_gender).collect();
        let mut persons: Vec<(Span, usize)> = entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.kind == EntityKind::Person)
            .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.span, i)))
            .filter(|(s, _)| !quoted(*s))
            .collect();
        persons.sort_by_key(|(s, _)| s.start);
        let subjects = persons.iter().map(|(s, _)| is_subject(text, *s)).collect();
        // Singular descriptions of unnamed sources opening a clause ("A former official
        // warned …"), which a following "he" or "she" takes up.
        let all = tokens(text, Span::new(0, text.len()));
        let sources = descriptors(&all)
            .into_iter()
            .filter(|d| d.count.is_none_or(|c| c == 1) && !d.head.ends_with('s') && !d.definite)
            .filter(|d| !quoted(d.span) && is_subject(text, d.span))
            .map(|d| d.span)
            .collect();
        Resolver {
            text,
            entities,
            gender,
            persons,
            subjects,
            described: Vec::new(),
            sources,
        }
    }

    /// The speaker the phrase `toks[a..=b]` names or describes; `None` when it is neither a
    /// name, a pronoun nor a description.
    pub(crate) fn resolve(&mut self, toks: &[Tok<'_>], a: usize, b: usize) -> Option<Speaker> {
        let np = toks.get(a..=b)?;
        let first = np.first()?;
        // The head: the last word, or the word before "of" ("Ana Ruiz of the port authority").
        let h = (1..np.len())
            .find(|&i| {
                np[i].text == "of"
                    && np.get(i + 1).is_some_and(|n| n.is_cap() || n.text == "the")
                    // "Secretary of State Ana Ruiz": the title's "of" is inside the name.
                    && !is_title(&np[i - 1].lower())
            })
            .map_or(np.len() - 1, |i| i - 1);
        let head = &np[h];
        let span = Span::new(first.span.start, np[np.len() - 1].span.end);
        let head_span = Span::new(first.span.start, head.span.end);
        if np.len() == 1 && is_pronoun(head) {
            return self.pronoun(head.span.start, pronoun_gender(&head.lower()));
        }
        // "the statement said": a statement speaks for whoever issued it.
        if matches!(head.lower().as_str(), "statement" | "statements") && h + 1 == np.len() {
            if let Some(s) = self.issuer(&toks[a + h + 1..], head.span.start) {
                return Some(s);
            }
        }
        // "R-Ore.", "D-Elsmere": a party and a state, never a speaker.
        if head.text.len() > 2 && head.text.as_bytes()[1] == b'-' && head.is_cap() {
            return None;
        }
        let at_head = |s: Span| s.contains(head.span) && head_span.contains(s);
        let lead = first.lower();
        let determined = determiner_count(&lead).is_some();
        // "another Elsmere Democrat", "one port official": a description, whatever its words.
        let indefinite = determined && lead != "the";
        // A person named at the head ("Elsmere port chief Ana Ruiz", "Mr. Sund").
        if let Some(&(s, i)) = self
            .persons
            .iter()
            .rev()
            .find(|(s, _)| at_head(*s) && !indefinite)
        {
            return self.named(i, s);
        }
        if head.is_cap() && !indefinite {
            // Another entity at the head: an organisation, an outlet, a surname alone.
            let (i, s) = self.entities.iter().enumerate().find_map(|(i, e)| {
                e.mentions
                    .iter()
                    .find(|m| at_head(m.span))
                    .map(|m| (i, m.span))
            })?;
            return self.named(i, s);
        }
        // A description: of an unnamed source ("a senior official", "the same official") or of
        // a named one the article leaves as such ("the committee chairman", "the campaign").
        // Without a determiner, a capitalised modifier or a known head, lower-case words are
        // more likely a clause than a description.
        let hl = head.lower();
        let known_head = is_descriptor_head(&hl) || is_title(&hl);
        if !(determined || known_head || np.iter().any(Tok::is_cap)) || is_pronoun(head) {
            return None;
        }
        let described = Speaker {
            name: span.text(self.text).to_string(),
            anonymous: true,
            entity: None,
            span: Some(span),
        };
        // "the committee chairman": the person last named with that title.
        if lead == "the" && is_title(&hl) && !is_descriptor_head(&hl) {
            if let Some(&(s, i)) = self
                .persons
                .iter()
                .rev()
                .filter(|(s, _)| s.end <= first.span.start)
                .find(|(_, i)| self.has_title(*i, &hl))
            {
                return self.named(i, s);
            }
        }
        if lead == "the" && is_descriptor_head(&hl) {
            if let Some(prev) = self
                .described
                .iter()
                .rev()
                .find(|d| d.name.to_lowercase().split_whitespace().any(|w| w == hl))
            {
                return Some(prev.clone());
            }
        }
        if is_descriptor_head(&hl) && lead != "the" {
            self.described.push(described.clone());
        }
        Some(described)
    }

    /// The person named at the opening of the phrase `toks[a..=b]`, after capitalised title
    /// words ("Sen. Ana Ruiz apologized"), not as a possessive ("Ruiz's critics").
    pub(crate) fn person_opening(&self, toks: &[Tok<'_>], a: usize, b: usize) -> Option<Speaker> {
        let k =
            (a..=b).find(|&k| !(toks[k].word && toks[k].is_cap() && is_title(&toks[k].lower())))?;
        let t = &toks[k];
        let &(s, i) = self.persons.iter().find(|(s, _)| s.start == t.span.start)?;
        let end = toks.iter().position(|x| x.span.end == s.end)?;
        (end <= b && !toks[end].possessive)
            .then(|| self.named(i, s))
            .flatten()
    }

    /// Who issued the statement named at `at`, followed by `rest`: "the statement from Ana
    /// Ruiz's lawyer, Ode Banks" names its issuer after "from" or "by"; "the statement" alone
    /// takes up the last one the article credited ("Ruiz said in a statement", "a statement
    /// from Ruiz"), within a few paragraphs.
    fn issuer(&mut self, rest: &[Tok<'_>], at: usize) -> Option<Speaker> {
        if let Some(s) = self.issuer_named_after(rest) {
            return Some(s);
        }
        let text = self.text;
        let mut floor = at.saturating_sub(ISSUER_REACH);
        while !text.is_char_boundary(floor) {
            floor += 1;
        }
        // Searched in the text itself, not a lower-cased copy, so that the offset stays one of
        // the text's (lower-casing may change byte lengths).
        let before = text.get(floor..at)?;
        let prev = floor + before.rfind("statement").max(before.rfind("Statement"))?;
        let word_end = prev + "statement".len();
        let after = tokens(text, Span::new(word_end, (word_end + 200).min(text.len())));
        if let Some(s) = self.issuer_named_after(&after) {
            return Some(s);
        }
        // "Ana Ruiz said in a statement": the subject of the clause that names it.
        let clause_start = text[..prev]
            .rfind(['.', '\n', '“', '”', '"'])
            .map_or(0, |i| i + 1);
        let (s, i) = self.subject_in(Span::new(clause_start, prev), true)?;
        self.named(i, s)
    }

    /// A person mention inside `range` that is the subject of its clause: the first, or the
    /// last when `last`.
    fn subject_in(&self, range: Span, last: bool) -> Option<(Span, usize)> {
        let mut subjects = self
            .persons
            .iter()
            .zip(&self.subjects)
            .filter(|((s, _), subj)| **subj && range.contains(*s))
            .map(|(p, _)| *p);
        if last {
            subjects.next_back()
        } else {
            subjects.next()
        }
    }

    /// The issuer named by "from …" or "by …" at the start of `rest`; a description followed
    /// by a name in apposition ("Ruiz's lawyer, Ode Banks") is that name.
    fn issuer_named_after(&mut self, rest: &[Tok<'_>]) -> Option<Speaker> {
        if !rest.first().is_some_and(|t| t.is("from") || t.is("by")) {
            return None;
        }
        let (a, b) = np_after(rest, 1)?;
        let apposed = rest
            .get(b + 1)
            .filter(|t| t.is(","))
            .and_then(|_| rest.get(b + 2))
            .and_then(|n| {
                self.persons
                    .iter()
                    .find(|(s, _)| s.start == n.span.start)
                    .copied()
            });
        if let Some((s, i)) = apposed {
            return self.named(i, s);
        }
        self.resolve(rest, a, b)
    }

    /// The subject of the clause `toks` opens: a pronoun first ("She left, saying …"), else the
    /// first person named there as a subject.
    pub(crate) fn clause_subject(&mut self, toks: &[Tok<'_>]) -> Option<Speaker> {
        let first = toks.iter().find(|t| t.word)?;
        if is_pronoun(first) {
            return self.pronoun(first.span.start, pronoun_gender(&first.lower()));
        }
        let range = Span::new(first.span.start, toks.last()?.span.end);
        let (s, i) = self.subject_in(range, false)?;
        self.named(i, s)
    }

    /// True when a person's title, in any mention, is or abbreviates `title` ("Sen." for
    /// "senator").
    fn has_title(&self, i: usize, title: &str) -> bool {
        let Some(e) = self.entities.get(i) else {
            return false;
        };
        let short = match title {
            "senator" => "sen.",
            "representative" | "congressman" | "congresswoman" => "rep.",
            "governor" => "gov.",
            "general" => "gen.",
            "professor" => "prof.",
            _ => title,
        };
        // "Vice President Ana Ruiz" is not "the president", nor "Deputy Director …" "the
        // director": a word that makes another office of the title.
        const OTHER_OFFICE: [&str; 4] = ["vice", "deputy", "lieutenant", "lt."];
        e.role
            .iter()
            .chain(e.mentions.iter().filter_map(|m| m.titled.as_ref()))
            .any(|t| {
                let words: Vec<String> = t.split_whitespace().map(str::to_lowercase).collect();
                words.iter().enumerate().any(|(k, w)| {
                    let other = k > 0 && OTHER_OFFICE.contains(&words[k - 1].as_str());
                    (w == title || w == short) && !other
                })
            })
    }

    fn named(&self, i: usize, span: Span) -> Option<Speaker> {
        Some(Speaker {
            name: self.entities.get(i)?.name.clone(),
            anonymous: false,
            entity: Some(i),
            span: Some(span),
        })
    }

    /// The person a pronoun at `at` stands for: the most recent subject of its gender nearby,
    /// else the most recent person of its gender (a name after a preposition or as an object
    /// is a weaker antecedent: "she told Ana Ruiz" is rarely followed by Ruiz's "she said").
    fn pronoun(&self, at: usize, g: Option<Gender>) -> Option<Speaker> {
        let fits = |i: usize| match (g, self.gender.get(i).copied().flatten()) {
            (Some(want), Some(have)) => want == have,
            _ => true,
        };
        let before = || {
            self.persons
                .iter()
                .zip(&self.subjects)
                .rev()
                .filter(|((s, i), _)| s.end <= at && fits(*i))
        };
        let subject = before()
            .find(|(_, subj)| **subj)
            .filter(|((s, _), _)| at - s.end <= PRONOUN_REACH);
        // A person of the pronoun's gender named in its own paragraph is a nearer antecedent
        // than a subject of an earlier paragraph ("That did not move Ana Ruiz. “…,” she said").
        let same_paragraph = |s: &Span| !self.text.get(s.end..at).unwrap_or("\n").contains('\n');
        let own = before()
            .next()
            .filter(|((s, i), _)| {
                g.is_some() && self.gender.get(*i).copied().flatten().is_some() && same_paragraph(s)
            })
            .filter(|_| subject.is_none_or(|((s, _), _)| !same_paragraph(s)));
        let found = own.or(subject).or_else(|| before().next());
        // An unnamed source described after the last person named, and close by, is the one
        // the pronoun takes up ("A former official warned … “…,” he said").
        let source = self
            .sources
            .iter()
            .rev()
            .find(|d| d.end <= at)
            .filter(|d| at - d.end <= SOURCE_REACH)
            .filter(|d| found.is_none_or(|((s, _), _)| s.end <= d.start));
        if let Some(d) = source {
            return Some(Speaker {
                name: d.text(self.text).to_string(),
                anonymous: true,
                entity: None,
                span: Some(*d),
            });
        }
        let ((s, i), _) = found?;
        self.named(*i, *s)
    }
}

/// How far back, in bytes, "the statement" takes up the statement an article credited: about
/// four paragraphs.
const ISSUER_REACH: usize = 1500;

/// How far back, in bytes, a subject is preferred as a pronoun's antecedent over a nearer
/// object: about three sentences.
const PRONOUN_REACH: usize = 600;

/// How far back, in bytes, a described unnamed source is taken up by a pronoun: about two
/// sentences.
const SOURCE_REACH: usize = 400;

/// True when the mention at `span` looks like the subject of a clause: not after a preposition,
/// and followed (over an appositive or a parenthesis) by a lower-case word that is not a
/// preposition ("Ana Ruiz, the mayor, said"; not "… met Ana Ruiz in Elsmere").
fn is_subject(text: &str, span: Span) -> bool {
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let before = tokens(
        text,
        Span::new(floor(span.start.saturating_sub(60)), span.start),
    );
    if before
        .last()
        .is_some_and(|p| p.word && (is_preposition(&p.lower()) || p.lower() == "the"))
    {
        return false;
    }
    let after = tokens(
        text,
        Span::new(span.end, floor((span.end + 200).min(text.len()))),
    );
    if let Some(subject) = subject_by_frame(&before, &after) {
        return subject;
    }
    let mut k = 0;
    for close in [",", ")"] {
        let open = if close == "," { "," } else { "(" };
        if after.get(k).is_some_and(|t| t.is(open)) {
            match after
                .iter()
                .skip(k + 1)
                .take(MAX_INSERT)
                .position(|t| t.is(close))
            {
                Some(p) => k += p + 2,
                None => return false,
            }
        }
    }
    after.get(k).is_some_and(|t| {
        let l = t.lower();
        t.word && !t.is_cap() && !is_preposition(&l) && !is_function_word(&l) || is_auxiliary(&l)
    })
}

/// Whether a mention between `before` and `after` is a subject, when its frame says so: the
/// subject of an inverted speech verb ("…,” said Ana Ruiz, the mayor"), a name in apposition
/// to the subject ("Ruiz's lawyer, Ode Banks, said") or opening a relative clause ("Ana Ruiz,
/// who chairs the board, …"), but not the subject of a reported clause ("He said Ruiz would
/// …", "argued that Ruiz was"), which a later "he said" rarely takes up.
fn subject_by_frame(before: &[Tok<'_>], after: &[Tok<'_>]) -> Option<bool> {
    let lower_word = |t: Option<&Tok<'_>>, f: &dyn Fn(&str) -> bool| {
        t.is_some_and(|t| t.word && !t.is_cap() && f(&t.lower()))
    };
    // Over the titles before a name ("said House Speaker Ana Ruiz").
    let n = before.len()
        - before
            .iter()
            .rev()
            .take_while(|t| t.word && (t.is_cap() || is_title(&t.lower())))
            .count();
    let before = &before[..n];
    if lower_word(before.last(), &is_speech_verb) {
        let inverted = n >= 2 && (before[n - 2].is(",") || is_mark(&before[n - 2]));
        return Some(inverted);
    }
    // Not after any "that": "It was in Elsmere that Ruiz spoke" makes her the subject.
    if before.last().is_some_and(|p| p.is("that"))
        && lower_word(before.get(n.wrapping_sub(2)), &is_speech_verb)
    {
        return Some(false);
    }
    let apposed = before.last().is_some_and(|p| p.is(","))
        && after.first().is_some_and(|t| t.is(","))
        && lower_word(after.get(1), &|l| is_speech_verb(l) || is_auxiliary(l));
    let comma = usize::from(after.first().is_some_and(|t| t.is(",")));
    let relative = after.get(comma).is_some_and(|t| t.is("who"))
        && lower_word(after.get(comma + 1), &|_| true);
    (apposed || relative).then_some(true)
}

fn is_mark(t: &Tok<'_>) -> bool {
    matches!(t.text, "“" | "”" | "\"")
}

/// A person's gender from the honorifics and gendered titles of their mentions, else from the
/// given name.
fn entity_gender(e: &Entity) -> Option<Gender> {
    if e.kind != EntityKind::Person {
        return None;
    }
    let from_titles = e.mentions.iter().find_map(|m| {
        let titled = m.titled.as_deref()?;
        titled
            .split_whitespace()
            .take_while(|w| !m.form.starts_with(*w))
            .find_map(|w| title_gender(&w.to_lowercase()))
    });
    from_titles.or_else(|| e.name.split_whitespace().next().and_then(first_name_gender))
}
