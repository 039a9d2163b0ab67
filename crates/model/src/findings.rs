use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{EntityKind, Evidence};

/// Everything found across the articles of a story. Each list is empty until the stage that
/// fills it runs; the report shows empty sections as such.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Findings {
    /// Statements several outlets make.
    pub facts: Vec<Fact>,
    /// Statements that cannot both hold.
    pub conflicts: Vec<Conflict>,
    /// Statements quoted or reported by outlets, and how each rendered them.
    pub statements: Vec<QuotedStatement>,
    /// People and organisations across the story, with their forms per outlet.
    pub entities: Vec<StoryEntity>,
    /// Who credits whom.
    pub attributions: Vec<AttributionEdge>,
    /// Whom the coverage names as the first to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reported_by: Option<FirstReport>,
    /// Where outlets speak in their own voice with loaded or evaluative words.
    pub framing: Vec<Framing>,
    /// What only one outlet reports.
    pub unique: Vec<Unique>,
    /// Facts most outlets carry and one lacks.
    pub omissions: Vec<Omission>,
    /// An extractive summary of the most corroborated facts.
    pub summary: Vec<SummaryLine>,
}

/// One statement several outlets make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Fact {
    /// Stable id within the report (`F1`, `F2`, …).
    pub id: String,
    /// A representative sentence from the articles.
    pub text: String,
    /// Each supporting sentence, at most one per document.
    pub support: Vec<Evidence>,
    /// How many independent sources support it.
    pub independent_sources: usize,
    /// Why some outlets do not count as independent ("001 copies 000", "both credit X").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependence: Vec<String>,
    /// The document that published it first, when dates are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
}

/// The kind of a conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ConflictKind {
    /// Different values for the same slot: antonyms, numbers, dates, names.
    Value,
    /// One side asserts what the other says is unknown.
    Certainty,
    /// All against some; "X and Y" against "not Y".
    Scope,
    /// The same statement with its polarity reversed.
    Inverted,
    /// One article asserting both sides.
    Internal,
}

/// Two statements that cannot both hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Conflict {
    /// Its kind.
    pub kind: ConflictKind,
    /// One side.
    pub a: Evidence,
    /// The other side.
    pub b: Evidence,
    /// One line for a person.
    pub explanation: String,
    /// 0 to 1.
    pub confidence: f32,
}

/// How one outlet rendered a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RenderingLabel {
    /// The quoted words as spoken.
    Verbatim,
    /// A verbatim fragment.
    Partial,
    /// Quoted, but with words added, dropped or changed.
    Altered,
    /// Same meaning, not in quotation marks.
    Paraphrase,
    /// Meaning reversed.
    Inverted,
}

/// One change of words between a reference rendering and another.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", content = "text", rename_all = "lowercase")]
pub enum DiffOp {
    /// Words both have.
    Same(String),
    /// Words only the rendering has.
    Added(String),
    /// Words only the reference has.
    Dropped(String),
}

/// One outlet's rendering of a statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Rendering {
    /// The sentence or quotation.
    pub evidence: Evidence,
    /// How it renders the statement.
    pub label: RenderingLabel,
    /// Word diff against the fullest verbatim rendering, for `altered` and `inverted`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diff: Vec<DiffOp>,
}

/// A statement some speaker made, and each outlet's rendering of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuotedStatement {
    /// Who made it, as resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The fullest verbatim wording found.
    pub text: String,
    /// One rendering per outlet that carries it.
    pub renderings: Vec<Rendering>,
}

/// One surface form of an entity in one document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntityForm {
    /// The document.
    pub doc: String,
    /// The form as written.
    pub form: String,
}

/// A form a reader must be warned about: another given name, title or role than the rest of
/// the coverage gives.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EntityFlag {
    /// The document.
    pub doc: String,
    /// The doubtful form.
    pub form: String,
    /// The form the other outlets use.
    pub expected: String,
    /// Why, for a person.
    pub reason: String,
}

/// One person or organisation across the story.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoryEntity {
    /// The canonical name.
    pub canonical: String,
    /// Its kind.
    pub kind: EntityKind,
    /// Every form, per document.
    pub forms: Vec<EntityForm>,
    /// Forms to be warned about.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<EntityFlag>,
}

/// An edge of the attribution graph: a document credits a source.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AttributionEdge {
    /// The crediting document.
    pub doc: String,
    /// Its outlet.
    pub outlet: String,
    /// The credited source, canonical.
    pub source: String,
    /// The source's kind.
    pub kind: crate::SourceKind,
    /// Where the credit is given.
    pub evidence: Evidence,
}

/// Whom the coverage names as the first to report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct FirstReport {
    /// The outlet named.
    pub outlet: String,
    /// The sentences that say so.
    pub said_by: Vec<Evidence>,
}

/// Loaded or evaluative words in an outlet's own voice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Framing {
    /// Where.
    pub evidence: Evidence,
    /// Why it counts as framing.
    pub reason: String,
}

/// A statement only one outlet makes, or a detail only one outlet gives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unique {
    /// Where.
    pub evidence: Evidence,
    /// When the statement itself is corroborated: the detail of it (a person or organisation)
    /// that no other outlet names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// A fact most outlets carry and one lacks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Omission {
    /// The document that lacks it.
    pub doc: String,
    /// The fact's id.
    pub fact: String,
}

/// A line of the extractive summary.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SummaryLine {
    /// The chosen sentence, from one article.
    pub evidence: Evidence,
    /// The fact it stands for.
    pub fact: String,
    /// The documents that support it.
    pub docs: Vec<String>,
}
