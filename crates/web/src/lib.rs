//! web: the local web app. Paste or upload articles (text, HTML, JSON Lines) and read the
//! report; browse the stories of a corpus store when one is plugged in; a JSON API under
//! `/api/v1` that returns the report schema (`docs/report.schema.json`).
//!
//! [`Config`] → [`Config::build`] (checks it: a non-loopback address needs a token) → [`App`]
//! → [`App::serve`]. Routes:
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the upload form (and the stories, with a store) |
//! | `POST /analyze` | multipart form → 303 to `/reports/{id}` |
//! | `GET /reports/{id}`, `GET /api/v1/reports/{id}` | a report made here, HTML or JSON |
//! | `POST /api/v1/analyze` | raw body (`?name=a.html` picks the format) or JSON `{"articles":[{"name","content"}]}` → JSON report |
//! | `GET /stories`, `GET /stories/{id}`, `GET /api/v1/stories`, `GET /api/v1/stories/{id}` | the store's stories |
//!
//! Key decisions:
//! - Analysis runs on tokio's blocking pool, at most `max_concurrent_analyses` at a time, so a
//!   slow analysis never holds a request thread; reads of made reports are served from an
//!   in-memory cache of rendered bytes.
//! - Bounded everywhere: request body size (413), requests in flight, a timeout per request,
//!   a header-read timeout (also the keep-alive idle limit), open connections, the number of
//!   parts of an upload, the cache's entries.
//! - Loopback by default. On loopback without a token, the `Host` header must name loopback
//!   (no DNS rebinding) and a cross-site `Origin` is refused; any other address needs a token.

mod app;
mod cache;
mod pages;

use std::net::SocketAddr;
use std::time::Duration;

use model::StoryReport;
use serde::Serialize;

pub use app::App;

/// Where `serve` listens when no address is given.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// The environment variable `serve` reads the token from when `--token` is not given.
pub const TOKEN_ENV: &str = "CORROBORATE_TOKEN";

/// One story of a corpus store, as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoryEntry {
    /// The store's id of the story; `report` takes it.
    pub id: String,
    /// A title for people.
    pub title: String,
    /// How many articles it has.
    pub articles: usize,
}

/// A store error, for a person.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// A corpus of stories the app can browse (`serve --db`). Called on the blocking pool.
pub trait StoryStore: Send + Sync {
    /// Every story, in the store's order.
    fn list(&self) -> Result<Vec<StoryEntry>, StoreError>;
    /// The report of one story, `None` when there is no such story.
    fn report(&self, id: &str) -> Result<Option<StoryReport>, StoreError>;
}

/// What the server should do. Plain data; [`Config::build`] checks it.
#[derive(Clone, Debug)]
pub struct Config {
    /// The address to listen on.
    pub bind: SocketAddr,
    /// The token a client must give (`Authorization: Bearer`, or `?token=` once in a browser,
    /// which sets a cookie). Required for a non-loopback address.
    pub token: Option<String>,
    /// Largest request body, in bytes; larger ones get 413.
    pub max_body_bytes: usize,
    /// Most files in one upload.
    pub max_parts: usize,
    /// Requests handled at once; more wait (within the timeout).
    pub max_in_flight: usize,
    /// Analyses running at once.
    pub max_concurrent_analyses: usize,
    /// Longest time a request may take, analysis included.
    pub timeout: Duration,
    /// Longest wait for a request's headers, and for the next request on a kept-alive
    /// connection; then the connection is closed.
    pub header_timeout: Duration,
    /// Connections open at once; past it the server stops accepting until one closes.
    pub max_connections: usize,
    /// Reports kept in memory.
    pub cache_entries: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            max_body_bytes: 32 << 20,
            max_parts: 500,
            max_in_flight: 256,
            max_concurrent_analyses: 2,
            timeout: Duration::from_secs(120),
            header_timeout: Duration::from_secs(10),
            max_connections: 1024,
            cache_entries: 64,
        }
    }
}

/// A misconfiguration, found before listening.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A non-loopback address without a token.
    #[error("refusing to listen on {0} without a token: give --token or set {TOKEN_ENV}, or bind to 127.0.0.1")]
    TokenRequired(SocketAddr),
    /// A token too short to be one.
    #[error("the token must have at least 16 characters")]
    WeakToken,
    /// A limit that would refuse everything.
    #[error("{0} must be greater than zero")]
    ZeroLimit(&'static str),
}

/// An error serving.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The address cannot be bound, or the runtime cannot start.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server stopped with an error.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}

impl Config {
    /// Checks the configuration and builds the app around a pipeline and, optionally, a store.
    pub fn build(
        self,
        pipeline: pipeline::Pipeline,
        store: Option<Box<dyn StoryStore>>,
    ) -> Result<App, ConfigError> {
        self.check()?;
        Ok(App::new(self, pipeline, store))
    }

    /// Checks the configuration alone, before anything slow (loading a model) is done.
    pub fn check(&self) -> Result<(), ConfigError> {
        for (name, v) in [
            ("max_body_bytes", self.max_body_bytes),
            ("max_parts", self.max_parts),
            ("max_in_flight", self.max_in_flight),
            ("max_connections", self.max_connections),
            ("max_concurrent_analyses", self.max_concurrent_analyses),
            ("cache_entries", self.cache_entries),
        ] {
            if v == 0 {
                return Err(ConfigError::ZeroLimit(name));
            }
        }
        match &self.token {
            Some(t) if t.chars().count() < 16 => return Err(ConfigError::WeakToken),
            None if !self.bind.ip().is_loopback() => {
                return Err(ConfigError::TokenRequired(self.bind))
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline() -> pipeline::Pipeline {
        pipeline::Options {
            model: pipeline::ModelUse::Off,
            ..pipeline::Options::default()
        }
        .build()
        .expect("lexical pipeline builds")
    }

    #[test]
    fn non_loopback_needs_a_token() {
        let open = Config {
            bind: "0.0.0.0:8080".parse().expect("address"),
            ..Config::default()
        };
        let err = open.clone().build(pipeline(), None).err();
        assert!(
            matches!(err, Some(ConfigError::TokenRequired(_))),
            "{err:?}"
        );
        let weak = Config {
            token: Some("short".into()),
            ..open.clone()
        };
        assert!(matches!(
            weak.build(pipeline(), None).err(),
            Some(ConfigError::WeakToken)
        ));
        let ok = Config {
            token: Some("a-long-enough-secret-token".into()),
            ..open
        };
        assert!(ok.build(pipeline(), None).is_ok());
        assert!(Config::default().build(pipeline(), None).is_ok());
    }
}
