//! The pipeline: options → [`Options::build`] → [`Pipeline::run_paths`], wiring ingest, analyze,
//! crosscheck and (when installed) the embedding model into one [`model::StoryReport`].

use std::path::PathBuf;

use model::StoryReport;

/// What a run should do. Plain data; [`Options::build`] checks it.
#[derive(Clone, Debug, Default)]
pub struct Options {}

/// A misconfiguration, found at build time.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {}

impl Options {
    /// Checks the options and builds the runtime pipeline.
    pub fn build(self) -> Result<Pipeline, ConfigError> {
        Ok(Pipeline { _options: self })
    }
}

/// A built pipeline.
#[derive(Debug)]
pub struct Pipeline {
    _options: Options,
}

impl Pipeline {
    /// Analyses the articles in `paths` (files, folders, or `-` for stdin) as one story.
    pub fn run_paths(&self, _paths: &[PathBuf]) -> StoryReport {
        StoryReport::default()
    }
}
