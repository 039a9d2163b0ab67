//! Scoring a [`StoryReport`] against a [`Gold`], category by category.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use model::{
    ArticleReport, BlockKind, EntityKind, Evidence, Quote, RenderingLabel, Span, StoryReport,
};

use super::gold::{DocEvidence, Gold, GoldDocument};
use super::text::{
    clip, form_key, name_tokens, names_match, same_surname, source_names_match, speaker_right,
    text_matches,
};
use super::{
    AttributionScore, BoilerplateScore, ContradictionScore, Details, EntityScore, FactScore,
    FirstReportScore, FramingScore, Outcome, QuoteScore, RenderingScore, StoryScore, UniqueScore,
    Verdict,
};

/// How many characters of a sentence the outcome messages show.
const CLIP: usize = 90;

/// The report's articles as the gold names them.
struct Ctx<'a> {
    gold: &'a Gold,
    report: &'a StoryReport,
    /// Gold document key → its article in the report.
    articles: HashMap<&'a str, &'a ArticleReport>,
    /// Report document id → gold document key.
    keys: HashMap<&'a str, &'a str>,
}

impl<'a> Ctx<'a> {
    /// Maps each gold document to the article whose `source` has the gold file name; failing
    /// that (a JSON Lines record, say), to the article whose id is the file's stem. The first
    /// such article wins.
    fn new(gold: &'a Gold, report: &'a StoryReport) -> Self {
        let mut articles = HashMap::new();
        let mut keys = HashMap::new();
        for (key, file) in &gold.files {
            let stem = Path::new(file)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(file);
            let by_source = report.articles.iter().find(|a| {
                Path::new(&a.document.source)
                    .file_name()
                    .and_then(|n| n.to_str())
                    == Some(file.as_str())
            });
            let found =
                by_source.or_else(|| report.articles.iter().find(|a| a.document.id == stem));
            if let Some(article) = found {
                if keys.contains_key(article.document.id.as_str()) {
                    continue;
                }
                articles.insert(key.as_str(), article);
                keys.insert(article.document.id.as_str(), key.as_str());
            }
        }
        Self {
            gold,
            report,
            articles,
            keys,
        }
    }

    /// The gold key of a report document id.
    fn key(&self, doc_id: &str) -> Option<&'a str> {
        self.keys.get(doc_id).copied()
    }

    fn text_of(&self, key: &str) -> Option<&'a str> {
        self.articles.get(key).map(|a| a.document.text.as_str())
    }

    /// The text to count a document's lines in: the report's, else the file the gold loader
    /// read.
    fn line_text(&self, key: &str) -> Option<&'a str> {
        self.text_of(key)
            .or_else(|| self.gold.texts.get(key).map(String::as_str))
    }

    /// The gold key and text of report evidence: the span's text in its document, or the copied
    /// text when the span does not fit.
    fn evidence(&self, ev: &'a Evidence) -> Option<(&'a str, &'a str)> {
        let key = self.key(&ev.doc)?;
        let text = self
            .text_of(key)
            .map(|t| ev.span.text(t))
            .filter(|t| !t.is_empty());
        Some((key, text.unwrap_or(&ev.text)))
    }

    /// True when report evidence lies in gold document `key` and matches `gold_text`.
    fn evidence_matches(&self, ev: &'a Evidence, key: &str, gold_text: &str) -> bool {
        self.evidence(ev)
            .is_some_and(|(k, t)| k == key && text_matches(t, gold_text))
    }

    /// True when a span of document `key` overlaps gold evidence: where the evidence is found in
    /// the text, by span overlap; otherwise (an extracted HTML text may differ) by the text rule.
    fn span_hits(&self, key: &str, span: Span, gold_text: &str) -> bool {
        let Some(text) = self.text_of(key) else {
            return false;
        };
        let spans = occurrences(text, gold_text);
        if spans.is_empty() {
            text_matches(span.text(text), gold_text)
        } else {
            spans.iter().any(|s| s.overlaps(span))
        }
    }

    fn show(&self, ev: &Evidence) -> String {
        let key = self.key(&ev.doc).unwrap_or(&ev.doc);
        let text = self.evidence(ev).map_or(ev.text.as_str(), |(_, t)| t);
        format!("{key} «{}»", clip(text, CLIP))
    }
}

/// Every place `needle` occurs in `text`, as spans.
fn occurrences(text: &str, needle: &str) -> Vec<Span> {
    if needle.is_empty() {
        return Vec::new();
    }
    text.match_indices(needle)
        .map(|(i, m)| Span::new(i, i + m.len()))
        .collect()
}

fn show_gold((doc, text): &DocEvidence) -> String {
    format!("{doc} «{}»", clip(text, CLIP))
}

fn outcome(verdict: Verdict, item: impl Into<String>, message: impl Into<String>) -> Outcome {
    Outcome {
        verdict,
        item: item.into(),
        message: message.into(),
    }
}

/// Scores `report` against `gold`; see the module docs of [`super`] for the rules.
pub(super) fn score(gold: &Gold, story_name: &str, report: &StoryReport) -> StoryScore {
    let ctx = Ctx::new(gold, report);
    let mut details = Details::default();
    for (key, file) in &gold.files {
        if !ctx.articles.contains_key(key.as_str()) {
            details.documents.push(outcome(
                Verdict::Missed,
                key.as_str(),
                format!("no article of the report comes from {file}"),
            ));
        }
    }
    let mut s = StoryScore {
        story: story_name.to_string(),
        gold_format: gold.format,
        ..StoryScore::default()
    };
    if let Some(docs) = &gold.documents {
        s.boilerplate = Some(boilerplate(&ctx, docs, &mut details));
    }
    if gold.facts.is_some() {
        s.facts = Some(facts(&ctx, &mut details.facts));
    }
    if gold.contradictions.is_some() {
        s.contradictions = Some(contradictions(
            &ctx,
            &mut details.contradictions,
            &mut details.conflict_confidence,
        ));
    }
    if gold.quotes.is_some() || gold.not_quotes.is_some() {
        s.quotes = Some(quotes(&ctx, &mut details.quotes));
    }
    if gold.quotes.is_some() {
        s.renderings = Some(renderings(&ctx, &mut details.renderings));
    }
    if gold.attributions.is_some() {
        s.attributions = Some(attributions(&ctx, &mut details.attributions));
    }
    if gold.first_reported_by.is_some() {
        s.first_reported_by = Some(first_reported_by(&ctx, &mut details.first_reported_by));
    }
    if gold.entities.is_some() {
        s.entities = Some(entities(&ctx, &mut details.entities));
    }
    if let Some(framing) = &gold.framing {
        let (total, found) = per_doc_evidence(
            &ctx,
            framing,
            report.findings.framing.iter().map(|f| &f.evidence),
            ("framing", Verdict::FalseAlarm),
            &mut details.framing,
        );
        s.framing = Some(FramingScore {
            total,
            found,
            reported: report.findings.framing.len(),
        });
    }
    if let Some(unique) = &gold.unique {
        let (total, found) = per_doc_evidence(
            &ctx,
            unique,
            report.findings.unique.iter().map(|u| &u.evidence),
            ("unique", Verdict::Extra),
            &mut details.unique,
        );
        s.unique = Some(UniqueScore { total, found });
    }
    s.details = details;
    s
}

// ---------------------------------------------------------------------------------------------
// Boilerplate and layout

/// A line of a text: its span trimmed of white space; empty lines are left out.
fn lines(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    for piece in text.split_inclusive('\n') {
        let span = Span::new(start, start + piece.len()).trim(text);
        if !span.is_empty() {
            out.push(span);
        }
        start += piece.len();
    }
    out
}

/// True when a gold part (a boilerplate line, a subheading) names this line: the line starts
/// with it.
fn line_starts_with(text: &str, line: Span, part: &str) -> bool {
    let part = part.trim();
    !part.is_empty() && line.text(text).starts_with(part)
}

/// The lines a gold line names: those that start with it, or failing that those that contain
/// it. A line the file repeats is named at each place.
fn named_lines(text: &str, all: &[Span], part: &str) -> Vec<Span> {
    let starts: Vec<Span> = all
        .iter()
        .copied()
        .filter(|l| line_starts_with(text, *l, part))
        .collect();
    if !starts.is_empty() || part.trim().is_empty() {
        return starts;
    }
    all.iter()
        .copied()
        .filter(|l| l.text(text).contains(part.trim()))
        .collect()
}

/// True when every non-white-space byte of `line` lies in a block of kind Body.
fn kept_as_body(article: &ArticleReport, line: Span) -> bool {
    let text = &article.document.text;
    let body: Vec<Span> = article
        .document
        .blocks
        .iter()
        .filter(|b| b.kind == BlockKind::Body && b.span.overlaps(line))
        .map(|b| b.span)
        .collect();
    line.text(text)
        .char_indices()
        .filter(|(_, c)| !c.is_whitespace())
        .all(|(i, _)| {
            body.iter()
                .any(|b| b.start <= line.start + i && line.start + i < b.end)
        })
}

/// Boilerplate removal and body recall over the documents with gold parts.
///
/// Decisions: a document the report lacks, or one without any block (not segmented), earns
/// nothing, though its body lines still count in the whole (counted in the file that
/// [`load_gold`](super::load_gold) read); a gold boilerplate line is removed when no block
/// other than Boilerplate overlaps any file line it names (a line found nowhere in the text is
/// removed); body lines run from the line containing `body_first` (the first non-empty line
/// when absent) to the line containing `body_last` (the last when absent), leaving out lines
/// that start with a gold subheading, caption or boilerplate line; a body line is kept when
/// Body blocks cover all of it.
fn boilerplate(
    ctx: &Ctx<'_>,
    docs: &std::collections::BTreeMap<String, GoldDocument>,
    details: &mut Details,
) -> BoilerplateScore {
    let mut s = BoilerplateScore::default();
    for (key, gd) in docs {
        let article = ctx.articles.get(key.as_str()).copied();
        let segmented = article.filter(|a| !a.document.blocks.is_empty());
        if let Some(a) = segmented {
            layout(key, gd, a, &mut details.layout);
        }
        let text = segmented.map_or("", |a| a.document.text.as_str());
        let all = lines(text);
        // Boilerplate lines.
        s.lines += gd.boilerplate.len();
        for part in &gd.boilerplate {
            let Some(a) = segmented else { continue };
            let offending = named_lines(text, &all, part).into_iter().find_map(|l| {
                a.document
                    .blocks
                    .iter()
                    .find(|b| b.kind != BlockKind::Boilerplate && b.span.overlaps(l))
            });
            match offending {
                None => s.removed += 1,
                Some(b) => details.boilerplate.push(outcome(
                    Verdict::Missed,
                    key.as_str(),
                    format!("boilerplate kept as {:?}: «{}»", b.kind, clip(part, CLIP)),
                )),
            }
        }
        // Body lines: counted in the file the gold loader read when the report lacks the
        // document, so that the whole does not depend on the engine.
        let Some(body) = body_lines(ctx, key, gd) else {
            let bounds = gd.body_first.is_some() || gd.body_last.is_some();
            if bounds && ctx.line_text(key).is_some() {
                details.boilerplate.push(outcome(
                    Verdict::Note,
                    key.as_str(),
                    "body bounds not found in the text: body lines not counted",
                ));
            }
            continue;
        };
        s.body_lines += body.len();
        let Some(a) = segmented else {
            details.boilerplate.push(outcome(
                Verdict::Missed,
                key.as_str(),
                if article.is_some() {
                    "the document has no blocks"
                } else {
                    "the document is not in the report"
                },
            ));
            continue;
        };
        for line in body {
            if kept_as_body(a, line) {
                s.body_kept += 1;
            } else {
                let kinds: BTreeSet<String> = a
                    .document
                    .blocks
                    .iter()
                    .filter(|b| b.span.overlaps(line))
                    .map(|b| format!("{:?}", b.kind))
                    .collect();
                let got = if kinds.is_empty() {
                    "in no block".to_string()
                } else {
                    format!("in {}", kinds.into_iter().collect::<Vec<_>>().join("+"))
                };
                details.boilerplate.push(outcome(
                    Verdict::Missed,
                    key.as_str(),
                    format!(
                        "body line not kept ({got}): «{}»",
                        clip(line.text(text), CLIP)
                    ),
                ));
            }
        }
    }
    s
}

/// The body lines of gold document `key`, as spans of the article's text; `None` when the
/// document has no body bounds, no text, or the bounds are not in the text.
fn body_lines(ctx: &Ctx<'_>, key: &str, gd: &GoldDocument) -> Option<Vec<Span>> {
    if gd.body_first.is_none() && gd.body_last.is_none() {
        return None;
    }
    let text = ctx.line_text(key)?;
    let all = lines(text);
    let first = match &gd.body_first {
        Some(f) => all.iter().position(|l| l.text(text).contains(f.trim()))?,
        None => 0,
    };
    let last = match &gd.body_last {
        Some(l) => {
            first
                + all[first..]
                    .iter()
                    .position(|s| s.text(text).contains(l.trim()))?
        }
        None => all.len().checked_sub(1)?,
    };
    let excluded = || {
        gd.subheadings
            .iter()
            .chain(&gd.caption)
            .chain(&gd.boilerplate)
    };
    Some(
        all[first..=last]
            .iter()
            .copied()
            .filter(|l| !excluded().any(|p| line_starts_with(text, *l, p)))
            .collect(),
    )
}

/// Headline, standfirst, captions and subheadings: notes for the Markdown only.
fn layout(key: &str, gd: &GoldDocument, a: &ArticleReport, out: &mut Vec<Outcome>) {
    let text = &a.document.text;
    let blocks = |kind: BlockKind| -> Vec<&str> {
        a.document
            .blocks
            .iter()
            .filter(|b| b.kind == kind)
            .map(|b| b.span.text(text))
            .collect()
    };
    let mut check = |kind: BlockKind, name: &str, want: Vec<&str>, exclusive: bool| {
        let got = blocks(kind);
        for w in &want {
            if got.iter().any(|g| text_matches(g, w)) {
                out.push(outcome(
                    Verdict::Hit,
                    key,
                    format!("{name} «{}»", clip(w, CLIP)),
                ));
            } else {
                out.push(outcome(
                    Verdict::Missed,
                    key,
                    format!("{name} not found: «{}»", clip(w, CLIP)),
                ));
            }
        }
        if exclusive {
            for g in got
                .iter()
                .filter(|g| !want.iter().any(|w| text_matches(g, w)))
            {
                out.push(outcome(
                    Verdict::FalseAlarm,
                    key,
                    format!("unexpected {name}: «{}»", clip(g, CLIP)),
                ));
            }
        }
    };
    if let Some(h) = &gd.headline {
        check(
            BlockKind::Headline,
            "headline",
            h.iter().map(String::as_str).collect(),
            true,
        );
    }
    if let Some(sf) = &gd.standfirst {
        check(BlockKind::Standfirst, "standfirst", vec![sf.as_str()], true);
    }
    // Captions and subheadings are listed only when present; their absence says nothing.
    if !gd.caption.is_empty() {
        check(
            BlockKind::Caption,
            "caption",
            gd.caption.iter().map(String::as_str).collect(),
            true,
        );
    }
    if !gd.subheadings.is_empty() {
        check(
            BlockKind::Subheading,
            "subheading",
            gd.subheadings.iter().map(String::as_str).collect(),
            true,
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Facts

/// Per gold fact, the report fact holding the most of its supports.
fn facts(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> FactScore {
    let mut s = FactScore::default();
    let report = &ctx.report.findings.facts;
    let mut explained = vec![false; report.len()];
    for gf in ctx.gold.facts.iter().flatten() {
        s.total += 1;
        s.supports += gf.support.len();
        let grouped = |rf: &model::Fact| -> Vec<&str> {
            gf.support
                .iter()
                .filter(|(doc, ev)| rf.support.iter().any(|e| ctx.evidence_matches(e, doc, ev)))
                .map(|(doc, _)| doc.as_str())
                .collect()
        };
        let mut best: (Vec<&str>, Option<usize>) = (Vec::new(), None);
        for (i, rf) in report.iter().enumerate() {
            let g = grouped(rf);
            if g.len() >= 2 {
                explained[i] = true;
            }
            if g.len() > best.0.len() {
                best = (g, Some(i));
            }
        }
        let (docs, at) = best;
        s.supports_grouped += docs.len();
        let missing: Vec<&str> = gf
            .support
            .keys()
            .map(String::as_str)
            .filter(|d| !docs.contains(d))
            .collect();
        let name = |i: Option<usize>| i.map_or("?".to_string(), |i| report[i].id.clone());
        if docs.len() >= 2 {
            s.found += 1;
            if missing.is_empty() {
                out.push(outcome(
                    Verdict::Hit,
                    &gf.id,
                    format!("all supports in {}", name(at)),
                ));
            } else {
                out.push(outcome(
                    Verdict::Partial,
                    &gf.id,
                    format!(
                        "{} of {} supports grouped in {}; not: {}",
                        docs.len(),
                        gf.support.len(),
                        name(at),
                        missing.join(", ")
                    ),
                ));
            }
        } else {
            let all: Vec<&str> = gf.support.keys().map(String::as_str).collect();
            out.push(outcome(
                Verdict::Missed,
                &gf.id,
                format!(
                    "supports {} not grouped ({})",
                    all.join(", "),
                    clip(&gf.fact, CLIP)
                ),
            ));
        }
    }
    for (rf, _) in report.iter().zip(&explained).filter(|(_, e)| !**e) {
        let docs: Vec<String> = rf.support.iter().map(|e| ctx.show(e)).collect();
        out.push(outcome(
            Verdict::Extra,
            &rf.id,
            format!("report fact matches no gold fact: {}", docs.join("; ")),
        ));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Contradictions

/// True when report evidence matches gold evidence (same document, text rule).
fn side(ctx: &Ctx<'_>, ev: &Evidence, gold: &DocEvidence) -> bool {
    ctx.evidence_matches(ev, &gold.0, &gold.1)
}

/// Which gold contradiction (by index) a reported conflict matches.
///
/// Decision: the gold's `also` does not say on which side each entry stands, so a reported
/// conflict matches when one of its sides matches `a` and the other `b` or any `also`, or one
/// matches `b` and the other `a` or any `also` (either order). A conflict between two `also`
/// entries does not match.
fn conflict_matches(ctx: &Ctx<'_>, x: &Evidence, y: &Evidence) -> Vec<usize> {
    let gold = ctx.gold.contradictions.as_deref().unwrap_or_default();
    let pair = |x: &Evidence, y: &Evidence, g: &super::gold::GoldContradiction| {
        let also = |e: &Evidence| g.also.iter().any(|o| side(ctx, e, o));
        (side(ctx, x, &g.a) && (side(ctx, y, &g.b) || also(y)))
            || (side(ctx, x, &g.b) && (side(ctx, y, &g.a) || also(y)))
    };
    gold.iter()
        .enumerate()
        .filter(|(_, g)| pair(x, y, g) || pair(y, x, g))
        .map(|(i, _)| i)
        .collect()
}

/// Scores the reported conflicts; `calibration` receives each one's confidence and whether it
/// matches a gold contradiction.
fn contradictions(
    ctx: &Ctx<'_>,
    out: &mut Vec<Outcome>,
    calibration: &mut Vec<(f32, bool)>,
) -> ContradictionScore {
    let gold = ctx.gold.contradictions.as_deref().unwrap_or_default();
    let conflicts = &ctx.report.findings.conflicts;
    let mut hits: Vec<Vec<usize>> = vec![Vec::new(); gold.len()];
    let mut s = ContradictionScore {
        total: gold.len(),
        reported: conflicts.len(),
        ..Default::default()
    };
    for (ci, c) in conflicts.iter().enumerate() {
        let m = conflict_matches(ctx, &c.a, &c.b);
        calibration.push((c.confidence, !m.is_empty()));
        if m.is_empty() {
            s.false_alarms += 1;
            out.push(outcome(
                Verdict::FalseAlarm,
                format!("#{}", ci + 1),
                format!(
                    "{:?} conflict between {} and {}",
                    c.kind,
                    ctx.show(&c.a),
                    ctx.show(&c.b)
                ),
            ));
        }
        for g in m {
            hits[g].push(ci);
        }
    }
    for (g, h) in gold.iter().zip(&hits) {
        if h.is_empty() {
            out.push(outcome(
                Verdict::Missed,
                &g.id,
                format!(
                    "{} ({}): {} vs {}",
                    g.kind,
                    g.about,
                    show_gold(&g.a),
                    show_gold(&g.b)
                ),
            ));
        } else {
            s.found += 1;
            let kinds: BTreeSet<String> = h
                .iter()
                .map(|&i| format!("{:?}", conflicts[i].kind))
                .collect();
            out.push(outcome(
                Verdict::Hit,
                &g.id,
                format!(
                    "{} ({}), reported as {}",
                    g.kind,
                    g.about,
                    kinds.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Quotes and renderings

/// True for labels of a rendering in quotation marks, which a reported quote must overlap.
fn quoted(label: RenderingLabel) -> bool {
    matches!(
        label,
        RenderingLabel::Verbatim | RenderingLabel::Partial | RenderingLabel::Altered
    )
}

/// The gold kind of a named speaker, when the gold lists the entity.
fn speaker_kind(ctx: &Ctx<'_>, speaker: &str) -> Option<EntityKind> {
    ctx.gold
        .entities
        .iter()
        .flatten()
        .find(|e| form_key(&e.canonical) == form_key(speaker))
        .map(|e| e.kind)
}

/// Quotes found, speakers right, and quotes on gold not-quotes.
///
/// Decisions: a gold quote's speaker is right when, in every document where the quote was
/// found, one of the reported quotes overlapping it has the right speaker; `reported` counts
/// the quotes of the articles that map to gold documents.
fn quotes(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> QuoteScore {
    let gold = ctx.gold.quotes.as_deref().unwrap_or_default();
    let not_quotes = ctx.gold.not_quotes.as_deref().unwrap_or_default();
    let mut s = QuoteScore {
        total: gold.len(),
        not_quotes: not_quotes.len(),
        ..Default::default()
    };
    let reported = |key: &str| -> &[Quote] {
        ctx.articles
            .get(key)
            .map_or(&[], |a| a.analysis.quotes.as_slice())
    };
    for gq in gold {
        let kind = speaker_kind(ctx, &gq.speaker);
        let mut found_in = 0;
        let mut wrong: Vec<String> = Vec::new();
        for (doc, (_, ev)) in gq.renderings.iter().filter(|(_, (l, _))| quoted(*l)) {
            let over: Vec<&Quote> = reported(doc)
                .iter()
                .filter(|q| ctx.span_hits(doc, q.span, ev))
                .collect();
            if over.is_empty() {
                continue;
            }
            found_in += 1;
            if !over
                .iter()
                .any(|q| speaker_right(&gq.speaker, kind, q.speaker.as_ref()))
            {
                let got: Vec<String> = over
                    .iter()
                    .map(|q| {
                        q.speaker
                            .as_ref()
                            .map_or("none".to_string(), |p| p.name.clone())
                    })
                    .collect();
                wrong.push(format!("in {doc} got {}", got.join(" / ")));
            }
        }
        if found_in == 0 {
            let docs: Vec<&str> = gq
                .renderings
                .iter()
                .filter(|(_, (l, _))| quoted(*l))
                .map(|(d, _)| d.as_str())
                .collect();
            out.push(outcome(
                Verdict::Missed,
                &gq.id,
                format!(
                    "quote not found in {}: «{}»",
                    docs.join(", "),
                    clip(&gq.text, CLIP)
                ),
            ));
            continue;
        }
        s.found += 1;
        if wrong.is_empty() {
            s.speaker_right += 1;
            out.push(outcome(
                Verdict::Hit,
                &gq.id,
                format!("found, speaker {}", gq.speaker),
            ));
        } else {
            out.push(outcome(
                Verdict::Wrong,
                &gq.id,
                format!("speaker: {}, expected {}", wrong.join("; "), gq.speaker),
            ));
        }
    }
    // Every reported quote: on a not-quote, on a gold quote, or neither.
    let mut keys: Vec<&&str> = ctx.articles.keys().collect();
    keys.sort();
    for &&key in &keys {
        let text = ctx.text_of(key).unwrap_or("");
        for q in reported(key) {
            s.reported += 1;
            let shown = format!("{key} «{}»", clip(q.span.text(text), CLIP));
            if not_quotes
                .iter()
                .any(|(d, ev)| d == key && ctx.span_hits(key, q.span, ev))
            {
                s.not_quotes_reported += 1;
                out.push(outcome(
                    Verdict::FalseAlarm,
                    key,
                    format!("not a quote: {shown}"),
                ));
            } else if !gold.iter().any(|g| {
                g.renderings
                    .get(key)
                    .is_some_and(|(_, ev)| ctx.span_hits(key, q.span, ev))
            }) {
                out.push(outcome(
                    Verdict::Extra,
                    key,
                    format!("quote not in gold: {shown}"),
                ));
            }
        }
    }
    s
}

/// Rendering labels per (quote, doc) pair.
///
/// A report statement stands for a gold quote when its text matches the gold text, or one of
/// its renderings matches the gold evidence of the same document; the pair is right when such a
/// statement has a rendering in that document matching the gold evidence, with the gold label.
fn renderings(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> RenderingScore {
    let statements = &ctx.report.findings.statements;
    let mut s = RenderingScore::default();
    for gq in ctx.gold.quotes.iter().flatten() {
        let ours: Vec<&model::QuotedStatement> = statements
            .iter()
            .filter(|st| {
                text_matches(&st.text, &gq.text)
                    || st.renderings.iter().any(|r| {
                        gq.renderings
                            .iter()
                            .any(|(d, (_, ev))| ctx.evidence_matches(&r.evidence, d, ev))
                    })
            })
            .collect();
        for (doc, (label, ev)) in &gq.renderings {
            s.total += 1;
            let item = format!("{}/{doc}", gq.id);
            let got: Vec<RenderingLabel> = ours
                .iter()
                .flat_map(|st| &st.renderings)
                .filter(|r| ctx.evidence_matches(&r.evidence, doc, ev))
                .map(|r| r.label)
                .collect();
            if got.contains(label) {
                s.right += 1;
                out.push(outcome(Verdict::Hit, item, format!("{label:?}")));
            } else if got.is_empty() {
                out.push(outcome(
                    Verdict::Missed,
                    item,
                    format!("no rendering, expected {label:?}: «{}»", clip(ev, CLIP)),
                ));
            } else {
                let got: Vec<String> = got.iter().map(|l| format!("{l:?}")).collect();
                out.push(outcome(
                    Verdict::Wrong,
                    item,
                    format!(
                        "got {}, expected {label:?}: «{}»",
                        got.join("/"),
                        clip(ev, CLIP)
                    ),
                ));
            }
        }
    }
    // Calling a rendering inverted is an accusation: every one is counted, gold quote or not.
    let gold_inverted: Vec<(&String, &String)> = ctx
        .gold
        .quotes
        .iter()
        .flatten()
        .flat_map(|q| &q.renderings)
        .filter(|(_, (label, _))| *label == RenderingLabel::Inverted)
        .map(|(doc, (_, ev))| (doc, ev))
        .collect();
    for r in statements
        .iter()
        .flat_map(|st| &st.renderings)
        .filter(|r| r.label == RenderingLabel::Inverted)
    {
        s.inverted_reported += 1;
        if gold_inverted
            .iter()
            .any(|(d, ev)| ctx.evidence_matches(&r.evidence, d, ev))
        {
            s.inverted_right += 1;
        } else {
            out.push(outcome(
                Verdict::FalseAlarm,
                "inverted",
                format!(
                    "labelled inverted outside the gold: {}",
                    ctx.show(&r.evidence)
                ),
            ));
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Attributions, first report, entities

/// The sources the report credits in gold document `key`: the analysis's attributions and the
/// findings' edges, one per distinct normalised name.
fn reported_sources<'a>(ctx: &Ctx<'a>, key: &str) -> Vec<&'a str> {
    let from_analysis = ctx
        .articles
        .get(key)
        .into_iter()
        .flat_map(|a| a.analysis.attributions.iter().map(|x| x.source.as_str()));
    let from_edges = ctx
        .report
        .findings
        .attributions
        .iter()
        .filter(|e| ctx.key(&e.doc) == Some(key))
        .map(|e| e.source.as_str());
    let mut seen = BTreeSet::new();
    from_analysis
        .chain(from_edges)
        .filter(|s| seen.insert(name_tokens(s)))
        .collect()
}

/// Attributions found per document.
///
/// Decision: `reported` counts, per document that maps to the gold, the distinct source names
/// of the analysis and of the attribution edges together, so that an engine filling both is not
/// counted twice; a gold source given with an honorific or a title ("Mr. Lovelace") is named
/// by the person's name without it ([`source_names_match`]).
fn attributions(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> AttributionScore {
    let mut s = AttributionScore::default();
    let mut keys: Vec<&&str> = ctx.articles.keys().collect();
    keys.sort();
    for &&key in &keys {
        s.reported += reported_sources(ctx, key).len();
    }
    for (doc, sources) in ctx.gold.attributions.iter().flatten() {
        let got = reported_sources(ctx, doc);
        for g in sources {
            s.total += 1;
            if got.iter().any(|r| source_names_match(r, g)) {
                s.found += 1;
                out.push(outcome(Verdict::Hit, doc.as_str(), g.as_str()));
            } else {
                out.push(outcome(
                    Verdict::Missed,
                    doc.as_str(),
                    format!("«{g}» not credited"),
                ));
            }
        }
        for r in got
            .iter()
            .filter(|r| !sources.iter().any(|g| source_names_match(r, g)))
        {
            out.push(outcome(
                Verdict::Extra,
                doc.as_str(),
                format!("«{r}» not in gold"),
            ));
        }
    }
    s
}

fn first_reported_by(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> FirstReportScore {
    let Some(gold) = &ctx.gold.first_reported_by else {
        return FirstReportScore::default();
    };
    let Some(got) = &ctx.report.findings.first_reported_by else {
        out.push(outcome(
            Verdict::Missed,
            gold.outlet.as_str(),
            "none reported",
        ));
        return FirstReportScore::default();
    };
    let docs: BTreeSet<&str> = got.said_by.iter().filter_map(|e| ctx.key(&e.doc)).collect();
    let missing: Vec<&str> = gold
        .said_by
        .iter()
        .map(String::as_str)
        .filter(|d| !docs.contains(d))
        .collect();
    let named = names_match(&got.outlet, &gold.outlet);
    let right = named && missing.is_empty();
    let message = if right {
        format!("{} (said by {})", got.outlet, gold.said_by.join(", "))
    } else if !named {
        format!("got {}", got.outlet)
    } else {
        format!("not said by {}", missing.join(", "))
    };
    let verdict = if right { Verdict::Hit } else { Verdict::Wrong };
    out.push(outcome(verdict, gold.outlet.as_str(), message));
    FirstReportScore { right }
}

/// Forms resolved and flags found.
///
/// A report entity stands for a gold one when the canonical names are equal ignoring case, or,
/// for a person, share the surname, or, otherwise, one contains the other word-aligned.
fn entities(ctx: &Ctx<'_>, out: &mut Vec<Outcome>) -> EntityScore {
    let report = &ctx.report.findings.entities;
    let gold = ctx.gold.entities.as_deref().unwrap_or_default();
    let mut s = EntityScore::default();
    for ge in gold {
        let same = |canonical: &str| {
            form_key(canonical) == form_key(&ge.canonical)
                || match ge.kind {
                    EntityKind::Person => same_surname(canonical, &ge.canonical),
                    _ => names_match(canonical, &ge.canonical),
                }
        };
        let ours: Vec<&model::StoryEntity> = report.iter().filter(|e| same(&e.canonical)).collect();
        for form in &ge.forms {
            s.forms += 1;
            let has = |e: &&model::StoryEntity| {
                e.forms.iter().any(|f| form_key(&f.form) == form_key(form))
            };
            if ours.iter().any(has) {
                s.resolved += 1;
                continue;
            }
            let elsewhere: Vec<&str> = report
                .iter()
                .filter(has)
                .map(|e| e.canonical.as_str())
                .collect();
            let message = if elsewhere.is_empty() {
                format!("form «{form}» not found")
            } else {
                format!(
                    "form «{form}» resolved to {}, expected {}",
                    elsewhere.join(" / "),
                    ge.canonical
                )
            };
            out.push(outcome(Verdict::Missed, ge.canonical.as_str(), message));
        }
        for (doc, form) in &ge.flag {
            s.flags += 1;
            let found = report.iter().flat_map(|e| &e.flags).any(|f| {
                ctx.key(&f.doc) == Some(doc.as_str()) && form_key(&f.form) == form_key(form)
            });
            if found {
                s.flags_found += 1;
                out.push(outcome(
                    Verdict::Hit,
                    doc.as_str(),
                    format!("flag «{form}»"),
                ));
            } else {
                out.push(outcome(
                    Verdict::Missed,
                    doc.as_str(),
                    format!("flag «{form}» not raised"),
                ));
            }
        }
    }
    for f in report.iter().flat_map(|e| &e.flags) {
        let key = ctx.key(&f.doc);
        let known = gold
            .iter()
            .flat_map(|g| &g.flag)
            .any(|(d, form)| key == Some(d.as_str()) && form_key(&f.form) == form_key(form));
        if !known {
            s.false_flags += 1;
            out.push(outcome(
                Verdict::FalseAlarm,
                key.unwrap_or(&f.doc),
                format!(
                    "flag «{}» (expected «{}»): {}",
                    f.form, f.expected, f.reason
                ),
            ));
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Framing and unique

/// Gold evidence per document found among the reported evidence; returns (total, found).
/// Reported items matching no gold evidence of their document are listed with `unmatched`
/// (a false alarm for framing; for unique facts, only "not in gold").
fn per_doc_evidence<'a>(
    ctx: &Ctx<'a>,
    gold: &std::collections::BTreeMap<String, Vec<String>>,
    reported: impl Iterator<Item = &'a Evidence>,
    (what, unmatched): (&str, Verdict),
    out: &mut Vec<Outcome>,
) -> (usize, usize) {
    let reported: Vec<&Evidence> = reported.collect();
    let (mut total, mut found) = (0, 0);
    for (doc, evs) in gold {
        for ev in evs {
            total += 1;
            if reported.iter().any(|r| ctx.evidence_matches(r, doc, ev)) {
                found += 1;
                out.push(outcome(
                    Verdict::Hit,
                    doc.as_str(),
                    format!("«{}»", clip(ev, CLIP)),
                ));
            } else {
                out.push(outcome(
                    Verdict::Missed,
                    doc.as_str(),
                    format!("«{}»", clip(ev, CLIP)),
                ));
            }
        }
    }
    for r in reported {
        let matched = ctx.evidence(r).is_some_and(|(key, text)| {
            gold.get(key)
                .is_some_and(|evs| evs.iter().any(|ev| text_matches(text, ev)))
        });
        if !matched {
            out.push(outcome(
                unmatched,
                ctx.key(&r.doc).unwrap_or(&r.doc),
                format!("{what} not in gold: {}", ctx.show(r)),
            ));
        }
    }
    (total, found)
}
