//! The engine on the shared gold stories must not fall below committed floors. Skips, with a
//! printed reason, when the shared folder (beside the workspace) is absent. Writes nothing.
//!
//! `STORY_MARKDOWN=1 cargo test -p eval --test gold_floors -- --nocapture` prints the
//! Markdown report. Raise a floor when the engine improves, so that a regression fails here.

use std::path::PathBuf;

use eval::story::{render_markdown, run_story};

/// (story, category, measure, floor): the JSON count `category.measure` must be at least
/// `floor`. Every category the gold has is listed, so that a missing one fails too.
const FLOORS: &[(&str, &str, &str, u64)] = &[
    ("cyber-pause", "boilerplate", "removed", 25),
    ("cyber-pause", "boilerplate", "body_kept", 56),
    ("cyber-pause", "facts", "found", 12),
    ("cyber-pause", "facts", "supports_grouped", 33),
    // 0 since the conflict rules written one to one for its seven contradictions went
    // (issue 10); basil-dev's aggregate (basil_dev_floors.rs) holds the conflict floors now.
    ("cyber-pause", "contradictions", "found", 0),
    ("cyber-pause", "quotes", "found", 18),
    ("cyber-pause", "quotes", "speaker_right", 18),
    // 18: "inverted" needs reversed polarity in the aligned words now, not a negation anywhere.
    ("cyber-pause", "renderings", "right", 18),
    ("cyber-pause", "attributions", "found", 21),
    ("cyber-pause", "entities", "resolved", 32),
    ("cyber-pause", "entities", "flags_found", 1),
    ("cyber-pause", "framing", "found", 7),
    ("cyber-pause", "unique", "found", 10),
    ("harbour-tender", "boilerplate", "removed", 23),
    ("harbour-tender", "boilerplate", "body_kept", 55),
    ("harbour-tender", "facts", "found", 14),
    ("harbour-tender", "facts", "supports_grouped", 43),
    ("harbour-tender", "contradictions", "found", 1),
    ("harbour-tender", "quotes", "found", 12),
    ("harbour-tender", "quotes", "speaker_right", 12),
    // 17 before quotations were labelled whole: the gold cuts the chair's two-sentence
    // quotation into two statements, and an outlet that quotes a fragment of the second one
    // now renders the one statement we find as partial, so its paraphrase of the first is not
    // looked for (basil-dev renderings rose 391 -> 418 with the same change).
    ("harbour-tender", "renderings", "right", 16),
    ("harbour-tender", "attributions", "found", 18),
    ("harbour-tender", "entities", "resolved", 37),
    ("harbour-tender", "entities", "flags_found", 1),
    ("harbour-tender", "framing", "found", 6),
    // 15: two of its unique facts were unique only as sides of story-specific conflicts.
    ("harbour-tender", "unique", "found", 15),
    ("quiet-harvest", "boilerplate", "removed", 4),
    ("quiet-harvest", "boilerplate", "body_kept", 27),
    ("quiet-harvest", "facts", "found", 6),
    ("quiet-harvest", "facts", "supports_grouped", 15),
    ("quiet-harvest", "quotes", "found", 4),
    ("quiet-harvest", "quotes", "speaker_right", 4),
    ("quiet-harvest", "renderings", "right", 7),
    ("quiet-harvest", "entities", "resolved", 7),
    ("quiet-harvest", "unique", "found", 7),
];

/// (story, category, measure, ceiling): counts of errors that must stay at or below `ceiling`.
const CEILINGS: &[(&str, &str, &str, u64)] = &[
    ("cyber-pause", "contradictions", "false_alarms", 0),
    ("cyber-pause", "quotes", "not_quotes_reported", 0),
    ("cyber-pause", "entities", "false_flags", 0),
    ("harbour-tender", "contradictions", "false_alarms", 0),
    ("harbour-tender", "quotes", "not_quotes_reported", 0),
    ("harbour-tender", "entities", "false_flags", 0),
    // Our example is all right: its framing too has no false alarm.
    ("harbour-tender", "framing", "reported", 6),
    // A story in which nothing conflicts: any reported conflict is a false alarm.
    ("quiet-harvest", "contradictions", "reported", 0),
    ("quiet-harvest", "entities", "false_flags", 0),
];

/// Whether `first_reported_by.right` must hold, per story.
const FIRST_REPORT_RIGHT: &[(&str, bool)] = &[("cyber-pause", true), ("harbour-tender", true)];

/// The shared gold stories (beside the workspace) and our own examples (in it).
fn story_dir(name: &str) -> Option<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let candidates = [
        root.join("../shared/stories").join(name),
        root.join("examples").join(name),
    ];
    if let Some(dir) = candidates.iter().find(|d| d.join("gold.json").is_file()) {
        return Some(dir.clone());
    }
    eprintln!(
        "SKIP: story {name} is absent (looked in {} and {})",
        candidates[0].display(),
        candidates[1].display()
    );
    None
}

fn count(json: &serde_json::Value, category: &str, measure: &str) -> u64 {
    json.get(category)
        .and_then(|c| c.get(measure))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or_else(|| panic!("{category}.{measure} missing from the score: {json}"))
}

#[test]
fn stories_stay_above_their_floors() -> Result<(), eval::extraction::EvalError> {
    let mut stories: Vec<&str> = FLOORS.iter().map(|f| f.0).collect();
    stories.dedup();
    for story in stories {
        let Some(dir) = story_dir(story) else {
            continue;
        };
        let (score, _report) = run_story(&dir)?;
        assert_eq!(score.story, story);
        let json = serde_json::to_value(&score).expect("a score serialises");
        let mut failures = Vec::new();
        for &(_, category, measure, floor) in FLOORS.iter().filter(|f| f.0 == story) {
            let got = count(&json, category, measure);
            if got < floor {
                failures.push(format!("{category}.{measure} = {got}, floor {floor}"));
            }
        }
        for &(_, category, measure, ceiling) in CEILINGS.iter().filter(|f| f.0 == story) {
            let got = count(&json, category, measure);
            if got > ceiling {
                failures.push(format!("{category}.{measure} = {got}, ceiling {ceiling}"));
            }
        }
        for &(_, must) in FIRST_REPORT_RIGHT.iter().filter(|f| f.0 == story) {
            let right = json["first_reported_by"]["right"].as_bool();
            if must && right != Some(true) {
                failures.push("first_reported_by.right is not true".into());
            }
        }
        assert!(
            failures.is_empty(),
            "{story} fell below its floors:\n{}\n\n{}",
            failures.join("\n"),
            render_markdown(&score)
        );
        eprintln!(
            "{story}: {}",
            serde_json::to_string(&score).expect("a score serialises")
        );
        // Set STORY_MARKDOWN=1 to see the per-item report of a passing run.
        if std::env::var_os("STORY_MARKDOWN").is_some() {
            eprintln!("{}", render_markdown(&score));
        }
    }
    Ok(())
}

/// A report made from the gold itself must score full marks: checks the scorer's rules against
/// the real gold (curly quotes, repeated lines, the lenient text rule) rather than the engine.
#[test]
fn the_gold_as_a_report_scores_full_marks() -> Result<(), eval::extraction::EvalError> {
    let Some(dir) = story_dir("cyber-pause") else {
        return Ok(());
    };
    let gold = eval::story::load_gold(&dir)?;
    let report = oracle::report(&gold, &dir);
    let score = eval::story::score(&gold, "cyber-pause", &report);
    let j = serde_json::to_value(&score).expect("a score serialises");
    let md = render_markdown(&score);
    let same = |c: &str, a: &str, b: &str| {
        assert!(
            j[c][b].as_u64().is_some_and(|n| n > 0),
            "{c}.{b} is not a count > 0"
        );
        assert_eq!(j[c][a], j[c][b], "{c}.{a} != {c}.{b}\n{md}");
    };
    same("boilerplate", "removed", "lines");
    same("boilerplate", "body_kept", "body_lines");
    same("facts", "found", "total");
    same("facts", "supports_grouped", "supports");
    same("contradictions", "found", "total");
    same("quotes", "found", "total");
    same("quotes", "speaker_right", "total");
    same("renderings", "right", "total");
    same("attributions", "found", "total");
    same("entities", "resolved", "forms");
    same("entities", "flags_found", "flags");
    same("framing", "found", "total");
    same("unique", "found", "total");
    for (c, m) in [
        ("contradictions", "false_alarms"),
        ("quotes", "not_quotes_reported"),
        ("entities", "false_flags"),
    ] {
        assert_eq!(j[c][m], 0, "{c}.{m}\n{md}");
    }
    assert_eq!(j["first_reported_by"]["right"], true, "{md}");
    Ok(())
}

/// Builds a report that says exactly what the gold says.
mod oracle {
    use std::path::Path;

    use eval::story::text::is_descriptor;
    use eval::story::Gold;
    use model::*;

    fn span(text: &str, needle: &str) -> Span {
        let start = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in its file"));
        Span::new(start, start + needle.len())
    }

    fn ev(gold: &Gold, doc: &str, needle: &str) -> Evidence {
        let text = &gold.texts[doc];
        Evidence::new(&stem(gold, doc), text, span(text, needle))
    }

    fn stem(gold: &Gold, doc: &str) -> String {
        let file = &gold.files[doc];
        Path::new(file)
            .file_stem()
            .map_or(file.clone(), |s| s.to_string_lossy().into_owned())
    }

    fn blocks(gold: &Gold, doc: &str, text: &str) -> Vec<Block> {
        let gd = gold
            .documents
            .as_ref()
            .and_then(|d| d.get(doc))
            .cloned()
            .unwrap_or_default();
        let mut out = Vec::new();
        let mut start = 0;
        for piece in text.split_inclusive('\n') {
            let s = Span::new(start, start + piece.len()).trim(text);
            start += piece.len();
            if s.is_empty() {
                continue;
            }
            let line = s.text(text);
            let starts = |parts: &[String]| parts.iter().any(|p| line.starts_with(p.trim()));
            let kind = if starts(&gd.boilerplate) {
                BlockKind::Boilerplate
            } else if gd.headline.clone().flatten().is_some_and(|h| line == h) {
                BlockKind::Headline
            } else if gd.standfirst.as_deref() == Some(line) {
                BlockKind::Standfirst
            } else if starts(&gd.subheadings) {
                BlockKind::Subheading
            } else if starts(&gd.caption) {
                BlockKind::Caption
            } else {
                BlockKind::Body
            };
            out.push(Block {
                kind,
                span: s,
                reason: String::new(),
            });
        }
        out
    }

    pub(super) fn report(gold: &Gold, dir: &Path) -> StoryReport {
        let mut r = StoryReport::default();
        for (doc, file) in &gold.files {
            let text = gold.texts[doc].clone();
            let quoted = |l: RenderingLabel| {
                l != RenderingLabel::Paraphrase && l != RenderingLabel::Inverted
            };
            let quotes = gold
                .quotes
                .iter()
                .flatten()
                .filter_map(|q| {
                    let (label, e) = q.renderings.get(doc)?;
                    quoted(*label).then(|| Quote {
                        span: span(&text, e),
                        speaker: Some(Speaker {
                            name: q.speaker.clone(),
                            anonymous: is_descriptor(&q.speaker),
                            entity: None,
                            span: None,
                        }),
                        partial: *label == RenderingLabel::Partial,
                    })
                })
                .collect();
            let blocks = blocks(gold, doc, &text);
            let mut document = Document::plain(
                &stem(gold, doc),
                &dir.join(file).display().to_string(),
                text,
                blocks,
            );
            doc.clone_into(&mut document.outlet.name);
            r.articles.push(ArticleReport {
                document,
                analysis: ArticleAnalysis {
                    quotes,
                    ..ArticleAnalysis::default()
                },
            });
        }
        let f = &mut r.findings;
        for gf in gold.facts.iter().flatten() {
            f.facts.push(Fact {
                id: gf.id.clone(),
                text: gf.fact.clone(),
                support: gf.support.iter().map(|(d, e)| ev(gold, d, e)).collect(),
                independent_sources: gf.support.len(),
                dependence: vec![],
                first_seen: None,
            });
        }
        for c in gold.contradictions.iter().flatten() {
            f.conflicts.push(Conflict {
                kind: ConflictKind::Value,
                a: ev(gold, &c.a.0, &c.a.1),
                b: ev(gold, &c.b.0, &c.b.1),
                explanation: c.about.clone(),
                confidence: 1.0,
            });
        }
        for q in gold.quotes.iter().flatten() {
            f.statements.push(QuotedStatement {
                speaker: Some(q.speaker.clone()),
                text: q.text.clone(),
                renderings: q
                    .renderings
                    .iter()
                    .map(|(d, (label, e))| Rendering {
                        evidence: ev(gold, d, e),
                        label: *label,
                        diff: vec![],
                    })
                    .collect(),
            });
        }
        for (d, sources) in gold.attributions.iter().flatten() {
            for s in sources {
                let at = gold.texts[d].get(..1).unwrap_or_default();
                f.attributions.push(AttributionEdge {
                    doc: stem(gold, d),
                    outlet: d.clone(),
                    source: s.clone(),
                    kind: SourceKind::Outlet,
                    evidence: ev(gold, d, at),
                });
            }
        }
        if let Some(fr) = &gold.first_reported_by {
            let said_by = fr
                .said_by
                .iter()
                .map(|d| ev(gold, d, gold.texts[d].get(..1).unwrap_or_default()))
                .collect();
            f.first_reported_by = Some(FirstReport {
                outlet: fr.outlet.clone(),
                said_by,
            });
        }
        for e in gold.entities.iter().flatten() {
            f.entities.push(StoryEntity {
                canonical: e.canonical.clone(),
                kind: e.kind,
                forms: e
                    .forms
                    .iter()
                    .map(|form| EntityForm {
                        doc: String::new(),
                        form: form.clone(),
                    })
                    .collect(),
                flags: e
                    .flag
                    .iter()
                    .map(|(d, form)| EntityFlag {
                        doc: stem(gold, d),
                        form: form.clone(),
                        expected: e.canonical.clone(),
                        reason: String::new(),
                    })
                    .collect(),
            });
        }
        for (d, evs) in gold.framing.iter().flatten() {
            for e in evs {
                f.framing.push(Framing {
                    evidence: ev(gold, d, e),
                    reason: String::new(),
                });
            }
        }
        for (d, evs) in gold.unique.iter().flatten() {
            for e in evs {
                f.unique.push(Unique {
                    evidence: ev(gold, d, e),
                    detail: None,
                });
            }
        }
        r
    }
}

// Measured 2026-12-07, second session (issue 11): polnear 2,283 of 2,310 quotations found;
// 2026-12-08: 6,392 of 9,328 credited sources found (7,911 reported), speaker right for 2,071
// (third session; 2,071 again in the fourth, now the floor). basil-dev's floors are in
// basil_dev_floors.rs.
const POLNEAR_FOUND: u64 = 2275;
const POLNEAR_RIGHT: u64 = 2071;
const POLNEAR_SOURCES: u64 = 6380;

/// (set folder under ../shared, category, measure, floor): micro-summed counts over every story
/// folder of a development set, without the sentence model (speakers and credited sources do
/// not use it). Set at what was measured, rounded down a little.
const SET_FLOORS: &[(&str, &str, &str, u64)] = &[
    ("data/polnear", "quotes", "found", POLNEAR_FOUND),
    ("data/polnear", "quotes", "speaker_right", POLNEAR_RIGHT),
    ("data/polnear", "attributions", "found", POLNEAR_SOURCES),
];

#[test]
fn development_sets_stay_above_their_floors() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    let pipeline = pipeline::Options {
        model: pipeline::ModelUse::Off,
        ..pipeline::Options::default()
    }
    .build()
    .expect("a pipeline without the model builds");
    let mut sets: Vec<&str> = SET_FLOORS.iter().map(|f| f.0).collect();
    sets.dedup();
    for set in sets {
        let root = shared.join(set);
        if !root.is_dir() {
            eprintln!("SKIP: set {set} is absent (looked in {})", root.display());
            continue;
        }
        let dirs = eval::stories::story_dirs(&[root]).expect("the set's folders are listed");
        let score = eval::stories::run_stories(&pipeline, &dirs, &mut |_| {});
        assert!(score.failed.is_empty(), "{set}: {:?}", score.failed);
        let json = serde_json::to_value(&score.total).expect("a score serialises");
        let mut failures = Vec::new();
        for &(_, category, measure, floor) in SET_FLOORS.iter().filter(|f| f.0 == set) {
            let got = count(&json, category, measure);
            if got < floor {
                failures.push(format!("{category}.{measure} = {got}, floor {floor}"));
            }
        }
        // Credited sources count only if few are made up: at most 1.3 reported per gold one.
        let sources = json.get("attributions").is_some();
        let (reported, total) = if sources {
            (
                count(&json, "attributions", "reported"),
                count(&json, "attributions", "total"),
            )
        } else {
            (0, 0)
        };
        if reported * 10 > total * 13 {
            failures.push(format!(
                "attributions.reported = {reported}, above 1.3 × {total}"
            ));
        }
        assert!(
            failures.is_empty(),
            "{set} fell below its floors:\n{}",
            failures.join("\n")
        );
        eprintln!("{set}: {json}");
    }
}
