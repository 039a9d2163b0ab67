//! The gold findings of one story (`gold.json`, format 1), as the shared stories README
//! describes them, and their loader.

use std::collections::BTreeMap;
use std::path::Path;

use model::{EntityKind, RenderingLabel};
use serde::{Deserialize, Serialize};

use crate::extraction::EvalError;

/// The only gold format this scorer reads.
pub const GOLD_FORMAT: u32 = 1;

/// Largest `gold.json` the loader accepts; gold files are hand-made and small.
const MAX_GOLD_BYTES: u64 = 16 * 1024 * 1024;

/// Largest article file the loader reads.
const MAX_ARTICLE_BYTES: u64 = 64 * 1024 * 1024;

fn default_format() -> u32 {
    GOLD_FORMAT
}

/// A document reference with evidence: `[doc, evidence]` in the JSON.
pub type DocEvidence = (String, String);

/// The gold findings of one story. Every key but `files` is optional: an evaluator scores only
/// the categories present. Unknown keys are ignored so that gold files may carry notes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Gold {
    /// The gold format; files written before the key existed are format 1.
    #[serde(default = "default_format")]
    pub format: u32,
    /// A one-line description of the story, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub story: Option<String>,
    /// The documents: short id → file name in the story folder.
    pub files: BTreeMap<String, String>,
    /// Each article's parts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<BTreeMap<String, GoldDocument>>,
    /// Statements several outlets make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facts: Option<Vec<GoldFact>>,
    /// Statements that cannot both hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contradictions: Option<Vec<GoldContradiction>>,
    /// Statements and how each outlet rendered them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<GoldQuote>>,
    /// Text in quotation marks that is not a quotation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_quotes: Option<Vec<DocEvidence>>,
    /// Per document, the sources it credits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributions: Option<BTreeMap<String, Vec<String>>>,
    /// The outlet the coverage names as the first to report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reported_by: Option<GoldFirstReport>,
    /// People and organisations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<Vec<GoldEntity>>,
    /// Per document, loaded or evaluative words in the outlet's own voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub framing: Option<BTreeMap<String, Vec<String>>>,
    /// Per document, what only that outlet reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unique: Option<BTreeMap<String, Vec<String>>>,
    /// The article texts by document key, as [`load_gold`] read them from the story folder, so
    /// that body lines are counted even for an article the report lacks. Not part of the JSON.
    #[serde(skip)]
    pub texts: BTreeMap<String, String>,
}

/// The parts of one article.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GoldDocument {
    /// How the analyst identified the outlet, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet_hint: Option<String>,
    /// The headline: absent when not annotated, `Some(None)` (`null`) when the text has none.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub headline: Option<Option<String>>,
    /// The standfirst, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standfirst: Option<String>,
    /// Photo captions and credits.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caption: Vec<String>,
    /// Subheadings inside the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subheadings: Vec<String>,
    /// A piece of the body's first line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_first: Option<String>,
    /// A piece of the body's last line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_last: Option<String>,
    /// Lines (or their beginnings) that must not appear in the body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub boilerplate: Vec<String>,
}

/// Keeps a key that is present with `null` apart from an absent one (`Some(None)` vs `None`).
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// One statement several outlets make.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldFact {
    /// Its id (`F01`).
    pub id: String,
    /// The fact, for people.
    #[serde(default)]
    pub fact: String,
    /// Per document, the supporting evidence.
    pub support: BTreeMap<String, String>,
}

/// Two statements that cannot both hold.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldContradiction {
    /// Its id (`C01`).
    pub id: String,
    /// What it is about, for people.
    #[serde(default)]
    pub about: String,
    /// Its kind, as written in the gold ("value conflict", …); not scored.
    #[serde(default)]
    pub kind: String,
    /// One side.
    pub a: DocEvidence,
    /// The other side.
    pub b: DocEvidence,
    /// Further sentences on either side.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<DocEvidence>,
}

/// A statement and how each outlet rendered it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldQuote {
    /// Its id (`Q01`).
    pub id: String,
    /// Who said it: a name, or the descriptor of an unnamed source.
    pub speaker: String,
    /// The fullest wording.
    pub text: String,
    /// Per document, its label and evidence.
    pub renderings: BTreeMap<String, (RenderingLabel, String)>,
}

/// The outlet the coverage names as the first to report, and the documents that say so.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldFirstReport {
    /// The outlet.
    pub outlet: String,
    /// The documents that name it.
    pub said_by: Vec<String>,
}

/// A person or organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoldEntity {
    /// The canonical name.
    pub canonical: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: EntityKind,
    /// Surface forms that must resolve to it.
    pub forms: Vec<String>,
    /// Per document, a form a reader must be warned about.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub flag: BTreeMap<String, String>,
}

/// Reads and checks `dir/gold.json` (the format must be 1 and every document named anywhere
/// must be listed in `files`), and reads the files it lists into [`Gold::texts`].
pub fn load_gold(dir: &Path) -> Result<Gold, EvalError> {
    let path = dir.join("gold.json");
    let bytes = crate::read_capped(&path, MAX_GOLD_BYTES)?;
    let mut gold: Gold = serde_json::from_slice(&bytes).map_err(|source| EvalError::Json {
        path: path.clone(),
        source,
    })?;
    if let Err(what) = gold.check() {
        return Err(EvalError::Shape {
            path,
            what: format!("gold: {what}"),
        });
    }
    for (key, file) in &gold.files {
        let bytes = crate::read_capped(&dir.join(file), MAX_ARTICLE_BYTES)?;
        // Lossy: a stray byte must not stop the scoring; the engine reads the same file.
        gold.texts
            .insert(key.clone(), String::from_utf8_lossy(&bytes).into_owned());
    }
    Ok(gold)
}

impl Gold {
    /// Checks what serde cannot: the format, and that every document key is in `files`.
    pub fn check(&self) -> Result<(), String> {
        if self.format != GOLD_FORMAT {
            return Err(format!(
                "format {} (this scorer reads {GOLD_FORMAT})",
                self.format
            ));
        }
        if self.files.is_empty() {
            return Err("`files` is empty".into());
        }
        let known = |doc: &str, wher: &str| -> Result<(), String> {
            if self.files.contains_key(doc) {
                Ok(())
            } else {
                Err(format!(
                    "{wher} names document {doc:?}, which `files` does not list"
                ))
            }
        };
        for doc in self.documents.iter().flat_map(|d| d.keys()) {
            known(doc, "documents")?;
        }
        for f in self.facts.iter().flatten() {
            for doc in f.support.keys() {
                known(doc, &format!("fact {}", f.id))?;
            }
        }
        for c in self.contradictions.iter().flatten() {
            for (doc, _) in [&c.a, &c.b].into_iter().chain(&c.also) {
                known(doc, &format!("contradiction {}", c.id))?;
            }
        }
        for q in self.quotes.iter().flatten() {
            for doc in q.renderings.keys() {
                known(doc, &format!("quote {}", q.id))?;
            }
        }
        for (doc, _) in self.not_quotes.iter().flatten() {
            known(doc, "not_quotes")?;
        }
        for doc in self.attributions.iter().flat_map(|m| m.keys()) {
            known(doc, "attributions")?;
        }
        for doc in self.first_reported_by.iter().flat_map(|f| &f.said_by) {
            known(doc, "first_reported_by")?;
        }
        for e in self.entities.iter().flatten() {
            for doc in e.flag.keys() {
                known(doc, &format!("entity {}", e.canonical))?;
            }
        }
        for doc in self.framing.iter().flat_map(|m| m.keys()) {
            known(doc, "framing")?;
        }
        for doc in self.unique.iter().flat_map(|m| m.keys()) {
            known(doc, "unique")?;
        }
        Ok(())
    }
}
