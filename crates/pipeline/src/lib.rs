//! The pipeline: [`Options`] → [`Options::build`] → [`Pipeline::run_paths`]. It wires the stages
//! in order — ingest, analyze, crosscheck — and the optional embedding model, into one
//! [`model::StoryReport`]. Stage crates know nothing of each other; this crate is where they meet.

use std::path::PathBuf;

use model::{ArticleReport, StoryReport, SCHEMA_VERSION};

/// What a run should do. Plain data; [`Options::build`] checks it.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Bounds on input.
    pub limits: ingest::Limits,
}

/// A misconfiguration, found at build time rather than mid-run.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
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
        Ok(Pipeline { options: self })
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

/// A built pipeline.
#[derive(Debug)]
pub struct Pipeline {
    options: Options,
}

impl Pipeline {
    /// Analyses the articles in `paths` (files, folders, or `-` for stdin) as one story.
    pub fn run_paths(&self, paths: &[PathBuf]) -> StoryReport {
        self.run_paths_with(paths, &mut |_| {})
    }

    /// As [`Pipeline::run_paths`], telling `progress` where it is.
    pub fn run_paths_with(&self, paths: &[PathBuf], progress: &mut dyn FnMut(Progress)) -> StoryReport {
        let ingested = ingest::ingest_paths(paths, &self.options.limits);
        progress(Progress::Ingested(ingested.documents.len()));
        let articles: Vec<ArticleReport> = ingested
            .documents
            .into_iter()
            .map(|document| {
                let analysis = analyze::analyze(&document);
                progress(Progress::Analyzed);
                ArticleReport { document, analysis }
            })
            .collect();
        progress(Progress::Crosschecking);
        let findings = crosscheck::crosscheck(&articles, crosscheck::Services::default());
        StoryReport {
            schema_version: SCHEMA_VERSION.to_string(),
            generator: concat!("corroborate ", env!("CARGO_PKG_VERSION")).to_string(),
            articles,
            findings,
            diagnostics: ingested.diagnostics,
        }
    }
}
