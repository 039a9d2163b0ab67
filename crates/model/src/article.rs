use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Span;

/// The format an article arrived in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceFormat {
    /// Plain text.
    Text,
    /// An HTML page; [`Document::text`] is the text extracted from it.
    Html,
    /// One line of a JSON Lines file.
    Jsonl,
}

/// Where an article's outlet name came from, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutletSource {
    /// The `outlet` field of a JSON Lines record.
    Jsonl,
    /// The page's `og:site_name`.
    SiteName,
    /// The page's JSON-LD publisher.
    JsonLd,
    /// The host of the page's canonical URL.
    CanonicalHost,
    /// The text names its own publication (a donation appeal, a newsletter box, a footer).
    SelfReference,
    /// Nothing better: the file name.
    FileName,
}

/// The publication an article is credited to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Outlet {
    /// The name, as found.
    pub name: String,
    /// How it was found.
    pub source: OutletSource,
}

/// The role of a block of an article's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// The headline.
    Headline,
    /// A standfirst (dek, summary line under the headline).
    Standfirst,
    /// A subheading inside the body.
    Subheading,
    /// A photo caption or credit.
    Caption,
    /// Running text of the article.
    Body,
    /// Anything that is not the article: appeals, newsletter boxes, link lists, share bars,
    /// footers.
    Boilerplate,
}

/// A line or paragraph of an article, with its role.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Block {
    /// Its role.
    pub kind: BlockKind,
    /// Where it is, trimmed of surrounding white space.
    pub span: Span,
    /// Why it got that role, briefly (empty for plain body text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// One article, as ingested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Document {
    /// A short id, unique in the run: the file stem, or the JSON Lines `id`.
    pub id: String,
    /// Where it came from: a path, `path:line`, or `-`.
    pub source: String,
    /// Its format.
    pub format: SourceFormat,
    /// Its outlet, and how that was found.
    pub outlet: Outlet,
    /// Canonical URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publication date or time as given (ISO 8601 where the input had it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    /// Title, when known from metadata; the headline block, when the text has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Byline, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub byline: Option<String>,
    /// Language code, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The text every span of this document points into. For plain text and JSON Lines text it
    /// is the input byte for byte; for HTML it is the extracted text.
    pub text: String,
    /// The text's lines or paragraphs with their roles, in order, not overlapping.
    pub blocks: Vec<Block>,
}

impl Document {
    /// A plain-text document with no metadata, its outlet named after its id.
    pub fn plain(id: &str, source: &str, text: String, blocks: Vec<Block>) -> Self {
        Document {
            id: id.to_string(),
            source: source.to_string(),
            format: SourceFormat::Text,
            outlet: Outlet {
                name: id.to_string(),
                source: OutletSource::FileName,
            },
            url: None,
            published: None,
            title: None,
            byline: None,
            language: None,
            text,
            blocks,
        }
    }

    /// The blocks that hold the article's running text.
    pub fn body_blocks(&self) -> impl Iterator<Item = &Block> {
        self.blocks.iter().filter(|b| b.kind == BlockKind::Body)
    }
}

/// A sentence of an article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Sentence {
    /// Where it is.
    pub span: Span,
    /// Index of the [`Block`] it belongs to.
    pub block: usize,
    /// The role of that block, repeated for convenience.
    pub kind: BlockKind,
}

/// The kind of a named thing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: a government body, a company, a party.
    Organization,
    /// A news outlet or agency.
    Outlet,
    /// A place.
    Place,
    /// Something named that fits none of the above.
    Other,
}

/// A named thing of one article, with all the places the article names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Entity {
    /// The fullest name the article uses for it.
    pub name: String,
    /// What kind of thing it is.
    pub kind: EntityKind,
    /// Title or role given with it ("Defense Secretary", "Senate minority leader"), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Every mention.
    pub mentions: Vec<Mention>,
}

/// One place an article names an entity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Mention {
    /// Where.
    pub span: Span,
    /// The surface form, as written.
    pub form: String,
    /// The form with the title written right before it ("Transport Minister Mikkel Strand",
    /// "Sen. Ode Banks"), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub titled: Option<String>,
}

/// Who a quotation or statement is credited to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Speaker {
    /// The resolved name ("Ana Ruiz"), or the descriptor of an unnamed source
    /// ("a senior defense official"). Never a bare pronoun.
    pub name: String,
    /// True when the source is not named.
    pub anonymous: bool,
    /// Index of the speaker in [`ArticleAnalysis::entities`], when named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<usize>,
    /// Where the speaker is named or described for this quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// A direct quotation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Quote {
    /// The quoted words, without the quotation marks. A split quotation has one quote per part.
    pub span: Span,
    /// Who said it, when the article tells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<Speaker>,
    /// True when the quotation is a fragment inside the article's own sentence.
    pub partial: bool,
}

/// The kind of source an article credits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A news outlet or agency.
    Outlet,
    /// A named person or an (anonymous) official.
    Official,
    /// A platform: a social network, a broadcast.
    Platform,
    /// A document, report or study, or the organisation that published it.
    Document,
    /// An organisation speaking as such.
    Organization,
}

/// Something an article credits for its information.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Attribution {
    /// The source's name or description ("New York Times", "one current and one former
    /// official").
    pub source: String,
    /// Its kind.
    pub kind: SourceKind,
    /// How many officials, when the article gives a count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Where the credit is given.
    pub span: Span,
    /// True when the article says this source reported first.
    pub first_report: bool,
}

/// Who makes a statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", content = "name", rename_all = "lowercase")]
pub enum Claimant {
    /// The outlet, in its own voice.
    Outlet,
    /// A named or anonymous source.
    Source(String),
    /// Another outlet.
    Cited(String),
}

/// How firmly a statement is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Stated as fact.
    Asserted,
    /// Stated as someone else's report ("reportedly", "according to").
    Reported,
    /// Hedged ("could", "may", "it is unclear").
    Hedged,
    /// Denied.
    Denied,
    /// The outlet's own judgement.
    Evaluative,
}

/// A claim: a sentence, or a clause of a long compound sentence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Statement {
    /// Where.
    pub span: Span,
    /// Index of its [`Sentence`].
    pub sentence: usize,
    /// Who makes it.
    pub claimant: Claimant,
    /// How firmly.
    pub modality: Modality,
    /// The statement (index in the same list) this one is a part of: a reason or time clause
    /// ("after all bids exceeded the budget") that may be corroborated apart from the main
    /// claim of its sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part_of: Option<usize>,
}

/// What the analysis found in one article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ArticleAnalysis {
    /// Sentences of every non-boilerplate block, in order.
    pub sentences: Vec<Sentence>,
    /// Named things.
    pub entities: Vec<Entity>,
    /// Direct quotations.
    pub quotes: Vec<Quote>,
    /// Credited sources.
    pub attributions: Vec<Attribution>,
    /// Claims of the body.
    pub statements: Vec<Statement>,
}
