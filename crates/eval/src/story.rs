//! The gold scorer: runs the pipeline on a story folder and scores its [`StoryReport`] against
//! the folder's `gold.json`, following the matching rules of the shared stories README.
//!
//! The JSON of a [`StoryScore`] is the README's "What an evaluator prints with --format json":
//! `story`, `gold_format`, then one object per category the gold has (a category the engine
//! does not fill yet is present with zeros). The per-item outcomes behind the counts are in
//! [`StoryScore::details`], which the JSON leaves out and [`render_markdown`] lists.
//!
//! Documents: a gold document (`"000"`) is the report article whose `source` has the file name
//! `files` gives it (failing that, whose id is that file's stem). Report evidence is read as the
//! text of its span in its document, or its copied text when the span does not fit.
//!
//! Where the README is silent, the decisions are documented on the functions that apply them:
//! [`text::text_matches`] (tokens, containment), [`text::speaker_right`], and in `scoring`:
//! boilerplate and body lines, the sides of a contradiction's `also`, speakers of quotes found
//! in several documents, and counting reported attributions once per name.

mod gold;
mod markdown;
mod scoring;
pub mod text;

use std::path::{Path, PathBuf};

use model::StoryReport;
use serde::{Deserialize, Serialize};

use crate::extraction::EvalError;

pub use gold::{
    load_gold, DocEvidence, Gold, GoldContradiction, GoldDocument, GoldEntity, GoldFact,
    GoldFirstReport, GoldQuote, GOLD_FORMAT,
};
pub use markdown::render_markdown;

/// The score of one story. Serialises to the README's JSON object; `details` is not printed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryScore {
    /// The story's name: its folder name.
    pub story: String,
    /// The gold's format.
    pub gold_format: u32,
    /// Boilerplate removed and body lines kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boilerplate: Option<BoilerplateScore>,
    /// Facts grouped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<FactScore>,
    /// Contradictions found, and false alarms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradictions: Option<ContradictionScore>,
    /// Quotations found and their speakers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<QuoteScore>,
    /// Rendering labels per (quote, document).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renderings: Option<RenderingScore>,
    /// Credited sources found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributions: Option<AttributionScore>,
    /// Whether the first reporter is right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reported_by: Option<FirstReportScore>,
    /// Entity forms resolved and flags raised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<EntityScore>,
    /// Framing found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framing: Option<FramingScore>,
    /// Unique facts found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<UniqueScore>,
    /// What was found, missed and wrongly reported, item by item; not part of the JSON.
    #[serde(skip)]
    pub details: Details,
}

/// Boilerplate removal and body recall, in lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoilerplateScore {
    /// Gold boilerplate lines.
    pub lines: usize,
    /// Those outside every non-boilerplate block.
    pub removed: usize,
    /// Gold body lines.
    pub body_lines: usize,
    /// Those inside Body blocks.
    pub body_kept: usize,
}

/// Facts grouped.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactScore {
    /// Gold facts.
    pub total: usize,
    /// Those with at least two supports in one report fact.
    pub found: usize,
    /// Gold supports.
    pub supports: usize,
    /// Per gold fact, the most supports landing in one report fact, summed.
    pub supports_grouped: usize,
}

/// Contradictions found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContradictionScore {
    /// Gold contradictions.
    pub total: usize,
    /// Those matched by a reported conflict.
    pub found: usize,
    /// Reported conflicts.
    pub reported: usize,
    /// Reported conflicts matching no gold contradiction.
    pub false_alarms: usize,
}

/// Quotations found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteScore {
    /// Gold quotes.
    pub total: usize,
    /// Those a reported quotation overlaps.
    pub found: usize,
    /// Found ones with the right speaker.
    pub speaker_right: usize,
    /// Quotations reported in the story's documents.
    pub reported: usize,
    /// Gold not-quotes.
    pub not_quotes: usize,
    /// Reported quotations overlapping a not-quote.
    pub not_quotes_reported: usize,
}

/// Rendering labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderingScore {
    /// Gold (quote, document) pairs.
    pub total: usize,
    /// Those rendered with the gold label.
    pub right: usize,
    /// Renderings the report labels inverted, over every quoted statement.
    #[serde(default)]
    pub inverted_reported: usize,
    /// Those matching a gold rendering labelled inverted.
    #[serde(default)]
    pub inverted_right: usize,
}

/// Credited sources.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttributionScore {
    /// Gold sources, over all documents.
    pub total: usize,
    /// Those the report credits in the same document.
    pub found: usize,
    /// Distinct sources the report credits, over the story's documents.
    pub reported: usize,
}

/// The first reporter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstReportScore {
    /// True when the outlet is named and all gold documents saying so are cited.
    pub right: bool,
}

/// Entities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityScore {
    /// Gold forms.
    pub forms: usize,
    /// Those among the forms of the matching report entity.
    pub resolved: usize,
    /// Gold flags.
    pub flags: usize,
    /// Those the report raises.
    pub flags_found: usize,
    /// Report flags matching no gold flag.
    pub false_flags: usize,
}

/// Framing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FramingScore {
    /// Gold framing evidence.
    pub total: usize,
    /// Those a reported framing item of the same document matches.
    pub found: usize,
    /// Reported framing items.
    pub reported: usize,
}

/// Unique facts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UniqueScore {
    /// Gold unique evidence.
    pub total: usize,
    /// Those a reported unique item of the same document matches.
    pub found: usize,
}

/// What became of one gold item, or one reported item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The gold item was found as it should be.
    Hit,
    /// Found, but not wholly (a fact with some supports outside its group).
    Partial,
    /// The gold item was not found.
    Missed,
    /// Found, with something wrong (a speaker, a label, an outlet).
    Wrong,
    /// Reported, and counted against the engine.
    FalseAlarm,
    /// Reported and absent from the gold, not counted: the gold need not be exhaustive.
    Extra,
    /// Something the reader should know that is neither.
    Note,
}

/// One outcome, for people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// What became of it.
    pub verdict: Verdict,
    /// The gold id (`F03`, `Q07`, `Q02/003`) or document key it concerns.
    pub item: String,
    /// What happened, with the evidence.
    pub message: String,
}

/// Per-item outcomes by category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Details {
    /// Gold documents the report lacks.
    pub documents: Vec<Outcome>,
    /// Headline, standfirst, captions and subheadings (Markdown only; not scored in the JSON).
    pub layout: Vec<Outcome>,
    /// Boilerplate kept and body lines lost.
    pub boilerplate: Vec<Outcome>,
    /// Facts.
    pub facts: Vec<Outcome>,
    /// Contradictions, and reported conflicts that are false alarms.
    pub contradictions: Vec<Outcome>,
    /// Quotes, speakers, and reported quotes on not-quotes or outside the gold.
    pub quotes: Vec<Outcome>,
    /// Rendering labels.
    pub renderings: Vec<Outcome>,
    /// Credited sources.
    pub attributions: Vec<Outcome>,
    /// The first reporter.
    pub first_reported_by: Vec<Outcome>,
    /// Entity forms and flags.
    pub entities: Vec<Outcome>,
    /// Framing.
    pub framing: Vec<Outcome>,
    /// Unique facts.
    pub unique: Vec<Outcome>,
    /// Each reported conflict's confidence, and whether it matches a gold contradiction.
    pub conflict_confidence: Vec<(f32, bool)>,
}

/// Scores `report` against `gold`. `story_name` is printed as `story`. Only the categories the
/// gold has are scored; the others stay `None` and are not printed.
pub fn score(gold: &Gold, story_name: &str, report: &StoryReport) -> StoryScore {
    scoring::score(gold, story_name, report)
}

/// The article files of a story folder: every regular file but `gold.json` and hidden files,
/// in name order.
pub fn article_paths(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let io = |source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut paths = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "gold.json" || name.starts_with('.') {
            continue;
        }
        if entry.file_type().map_err(io)?.is_file() {
            paths.push(entry.path());
        }
    }
    paths.sort();
    Ok(paths)
}

/// The name of a story: its folder's name (resolved, so that `.` works).
fn story_name(dir: &Path) -> String {
    let named = dir.file_name().map(|n| n.to_string_lossy().into_owned());
    named
        .or_else(|| {
            dir.canonicalize()
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| dir.display().to_string())
}

/// Runs the default pipeline on the articles of story folder `dir` (every file but
/// `gold.json`) and scores the report against `dir/gold.json`. Writes nothing.
pub fn run_story(dir: &Path) -> Result<(StoryScore, StoryReport), EvalError> {
    // EvalError has no variant for a pipeline misconfiguration yet; name the folder and say so.
    let pipeline = pipeline::Options::default()
        .build()
        .map_err(|e| EvalError::Shape {
            path: dir.to_path_buf(),
            what: format!("pipeline configuration: {e}"),
        })?;
    run_story_with(&pipeline, dir)
}

/// As [`run_story`], with a pipeline built by the caller (to choose the model, for instance).
pub fn run_story_with(
    pipeline: &pipeline::Pipeline,
    dir: &Path,
) -> Result<(StoryScore, StoryReport), EvalError> {
    let gold = load_gold(dir)?;
    let paths = article_paths(dir)?;
    let report = pipeline.run_paths(&paths);
    let score = score(&gold, &story_name(dir), &report);
    Ok((score, report))
}

#[cfg(test)]
mod tests;
