//! The pipeline: [`Options`] → [`Options::build`] → [`Pipeline::run_paths`]. It wires the stages
//! in order — ingest, analyze, crosscheck — and the optional embedding model, into one
//! [`model::StoryReport`]. Stage crates know nothing of each other; this crate is where they meet.

pub mod corpus;

use std::path::PathBuf;

use model::{ArticleReport, Diagnostic, Document, Embedder, Judge, StoryReport, SCHEMA_VERSION};

/// Whether to use the sentence-embedding model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ModelUse {
    /// Use it when installed; say so in the report when it is not.
    #[default]
    Auto,
    /// Never: lexical similarity only.
    Off,
    /// Require it: building fails when it is missing or corrupt.
    Required,
}

/// Which pair judge vetoes candidate conflicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JudgeUse {
    /// The rule-based judge of the crosscheck stage.
    Rules,
    /// A cross-encoder: a folder, or the hub name of one installed in the model store.
    CrossEncoder(String),
}

/// What a run should do. Plain data; [`Options::build`] checks it.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Bounds on input.
    pub limits: ingest::Limits,
    /// Whether to use the sentence-embedding model.
    pub model: ModelUse,
    /// The model folder (`--models DIR`); default: `CORROBORATE_MODELS`, else the user cache.
    pub models_dir: Option<PathBuf>,
    /// A pair judge for conflicts; none by default.
    pub judge: Option<JudgeUse>,
}

/// A misconfiguration, found at build time rather than mid-run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The model was required but could not be loaded.
    #[error(transparent)]
    Model(#[from] embed::EmbedError),
    /// A limit that would refuse every input.
    #[error("limit {name} must be greater than zero")]
    ZeroLimit {
        /// The limit's name.
        name: &'static str,
    },
}

impl Options {
    /// Checks the options and builds the runtime pipeline.
    pub fn build(self) -> Result<Pipeline, ConfigError> {
        let l = &self.limits;
        for (name, v) in [
            ("max_input_bytes", l.max_input_bytes),
            ("max_decompressed_bytes", l.max_decompressed_bytes),
            ("max_files", l.max_files as u64),
        ] {
            if v == 0 {
                return Err(ConfigError::ZeroLimit { name });
            }
        }
        let (models, model_note) = match self.model {
            ModelUse::Off => (None, None),
            ModelUse::Auto => match load_model(self.models_dir.clone()) {
                Ok(m) => (Some(m), None),
                Err(e) => (
                    None,
                    Some(Diagnostic::info(
                        "model",
                        format!("{e}; using lexical similarity only"),
                    )),
                ),
            },
            ModelUse::Required => (Some(load_model(self.models_dir.clone())?), None),
        };
        let (embedder, fast) = match models {
            Some((full, fast)) => (Some(full), fast),
            None => (None, None),
        };
        let judge: Option<Box<dyn Judge>> = match &self.judge {
            None => None,
            Some(JudgeUse::Rules) => Some(Box::new(crosscheck::conflicts::RuleJudge)),
            Some(JudgeUse::CrossEncoder(name)) => {
                Some(Box::new(load_judge(name, self.models_dir.clone())?))
            }
        };
        Ok(Pipeline {
            options: self,
            embedder,
            fast,
            judge,
            model_note,
        })
    }
}

/// Where a run is, for progress display.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Inputs read: this many articles.
    Ingested(usize),
    /// One more article analysed.
    Analyzed,
    /// Comparing across articles.
    Crosschecking,
}

/// The full sentence model and, when its folder has a current one, the static tier.
type Models = (Box<dyn Embedder>, Option<Box<dyn Embedder>>);

fn load_model(dir: Option<PathBuf>) -> Result<Models, embed::EmbedError> {
    let store = embed::ModelStore::locate(dir)?;
    let path = store.require_minilm()?;
    let full: Box<dyn Embedder> = Box::new(embed::MiniLm::load(&path)?);
    // Without the static tier the full model embeds every statement: slower, not worse.
    let fast = embed::StaticEmbedder::load(&path)
        .ok()
        .map(|s| Box::new(s) as Box<dyn Embedder>);
    Ok((full, fast))
}

/// The static tier alone (corpus mode's story clustering uses it as an extra similarity
/// signal): an error when the sentence model or its static table is not installed, so that a
/// caller who asked for it can say so rather than fall back in silence.
pub fn load_static_tier(
    models_dir: Option<PathBuf>,
) -> Result<Box<dyn Embedder>, embed::EmbedError> {
    let store = embed::ModelStore::locate(models_dir)?;
    let path = store.require_minilm()?;
    Ok(Box::new(embed::StaticEmbedder::load(&path)?))
}

/// A cross-encoder judge from a folder, else from the store's hub folder.
fn load_judge(
    name: &str,
    models_dir: Option<PathBuf>,
) -> Result<embed::CrossEncoderJudge, embed::EmbedError> {
    let path = PathBuf::from(name);
    if path.is_dir() {
        return embed::CrossEncoderJudge::load(&path);
    }
    let store = embed::ModelStore::locate(models_dir)?;
    embed::CrossEncoderJudge::load(&store.root().join(embed::HF_DIR).join(name))
}

/// A built pipeline.
pub struct Pipeline {
    options: Options,
    embedder: Option<Box<dyn Embedder>>,
    fast: Option<Box<dyn Embedder>>,
    judge: Option<Box<dyn Judge>>,
    /// Why the model is not used, for the report.
    model_note: Option<Diagnostic>,
}

impl std::fmt::Debug for Pipeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pipeline")
            .field("options", &self.options)
            .field(
                "embedder",
                &self.embedder.as_ref().map(|e| e.name().to_string()),
            )
            .field("fast", &self.fast.as_ref().map(|e| e.name().to_string()))
            .field("judge", &self.judge.as_ref().map(|j| j.name().to_string()))
            .finish()
    }
}

impl Pipeline {
    /// The name of the embedding model in use, if any.
    pub fn embedder_name(&self) -> Option<&str> {
        self.embedder.as_deref().map(|e| e.name())
    }

    /// The run's settings for the head of an evaluation report: the models in use.
    pub fn settings_markdown(&self) -> String {
        let name = |m: Option<&str>| m.map_or_else(|| "none".to_string(), |n| format!("`{n}`"));
        format!(
            "Sentence model: {}; static tier: {}; judge: {}.\n\n{}",
            name(self.embedder_name()),
            name(self.fast.as_deref().map(|e| e.name())),
            name(self.judge.as_deref().map(|j| j.name())),
            crosscheck::tuning::TUNING.markdown(),
        )
    }

    /// The model-backed services this pipeline hands to crosscheck.
    pub fn services(&self) -> crosscheck::Services<'_> {
        crosscheck::Services {
            embedder: self.embedder.as_deref(),
            fast: self.fast.as_deref(),
            judge: self.judge.as_deref(),
        }
    }

    /// Analyses the articles in `paths` (files, folders, or `-` for stdin) as one story.
    pub fn run_paths(&self, paths: &[PathBuf]) -> StoryReport {
        self.run_paths_with(paths, &mut |_| {})
    }

    /// As [`Pipeline::run_paths`], telling `progress` where it is.
    pub fn run_paths_with(
        &self,
        paths: &[PathBuf],
        progress: &mut dyn FnMut(Progress),
    ) -> StoryReport {
        let ingested = ingest::ingest_paths(paths, &self.options.limits);
        self.run_ingested(ingested, progress)
    }

    /// Analyses inputs already in memory (an upload) as one story: each a name, whose extension
    /// decides the format as for a file, and its bytes.
    pub fn run_inputs(&self, inputs: &[(String, Vec<u8>)]) -> StoryReport {
        let ingested = ingest::ingest_inputs(inputs, &self.options.limits);
        self.run_ingested(ingested, &mut |_| {})
    }

    fn run_ingested(
        &self,
        ingested: ingest::Ingested,
        progress: &mut dyn FnMut(Progress),
    ) -> StoryReport {
        self.run_documents_with(ingested.documents, ingested.diagnostics, progress)
    }

    /// Analyses already ingested documents (a story from the corpus store) as one story.
    pub fn run_documents_with(
        &self,
        documents: Vec<Document>,
        diagnostics: Vec<Diagnostic>,
        progress: &mut dyn FnMut(Progress),
    ) -> StoryReport {
        progress(Progress::Ingested(documents.len()));
        let articles: Vec<ArticleReport> = documents
            .into_iter()
            .map(|document| {
                let analysis = analyze::analyze(&document);
                progress(Progress::Analyzed);
                ArticleReport { document, analysis }
            })
            .collect();
        progress(Progress::Crosschecking);
        let findings = crosscheck::crosscheck(&articles, self.services());
        let mut diagnostics = diagnostics;
        diagnostics.extend(self.model_note.clone());
        StoryReport {
            schema_version: SCHEMA_VERSION.to_string(),
            generator: concat!("corroborate ", env!("CARGO_PKG_VERSION")).to_string(),
            articles,
            findings,
            diagnostics,
        }
    }
}
