//! The corpus subcommands: `ingest`, `stories`, `analyze --db --story` and `eval clustering`.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use pipeline::corpus::{CorpusOptions, IngestSummary};
use store::Store;

use crate::{emit, Format};

fn open(db: &Path) -> Result<Store> {
    Store::open(db).with_context(|| format!("cannot open the store {}", db.display()))
}

/// Opens an existing store for reading; a missing file is a usage error, not a new store.
fn open_existing(db: &Path) -> Result<Store> {
    if !db.is_file() {
        bail!(
            "{} does not exist; fill it with `corroborate ingest PATH --db {}`",
            db.display(),
            db.display()
        );
    }
    open(db)
}

pub(crate) fn ingest(
    db: &Path,
    paths: &[PathBuf],
    quiet: bool,
    options: CorpusOptions,
) -> Result<ExitCode> {
    let store = open(db)?;
    let start = Instant::now();
    // Against the inputs' size when every input is a file; a spinner with counts otherwise
    // (folders are walked as they are read, stdin has no size).
    let total: Option<u64> = paths
        .iter()
        .map(|p| {
            (p.as_os_str() != "-")
                .then(|| {
                    fs::metadata(p)
                        .ok()
                        .filter(|m| m.is_file())
                        .map(|m| m.len())
                })
                .flatten()
        })
        .sum();
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let (bar, template) = match total {
            Some(n) => (
                ProgressBar::new(n),
                "{bar:30} {percent:>3}% {elapsed} (eta {eta}) {msg}",
            ),
            None => (ProgressBar::new_spinner(), "{spinner} {elapsed} {msg}"),
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        bar
    });
    let rate = |s: &IngestSummary| s.read as f64 / start.elapsed().as_secs_f64().max(1e-3);
    let summary = pipeline::corpus::ingest(&store, paths, &options, &mut |s| {
        if let Some(bar) = &bar {
            bar.set_position(s.bytes_read);
            bar.set_message(format!(
                "{} articles read ({:.0}/s), {} stored, {} already in the store, {} stories",
                s.read,
                rate(s),
                s.stored,
                s.already,
                s.stories
            ));
        }
    })
    .with_context(|| format!("ingesting into {}", db.display()))?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for d in &summary.diagnostics {
        if !quiet {
            eprintln!("corroborate: {}: {}", d.source, d.message);
        }
    }
    let counts = store.counts()?;
    if !quiet {
        eprintln!(
            "corroborate: {} articles read in {:.1} s ({:.0}/s): {} stored ({} exact and {} near \
             copies of earlier texts), {} already in the store, {} problems; the store holds {} \
             articles in {} stories",
            summary.read,
            start.elapsed().as_secs_f64(),
            rate(&summary),
            summary.stored,
            summary.exact_copies,
            summary.near_copies,
            summary.already,
            summary.diagnostics.len(),
            counts.articles,
            counts.stories
        );
    }
    Ok(if summary.read == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub(crate) fn stories(
    db: &Path,
    since: Option<&str>,
    format: Format,
    limit: Option<usize>,
) -> Result<ExitCode> {
    let since = match since {
        Some(s) => match cluster::day_of(s) {
            Some(day) => Some(day),
            None => bail!("--since {s:?}: expected a date YYYY-MM-DD"),
        },
        None => None,
    };
    let store = open_existing(db)?;
    let mut list = store.stories(since)?;
    if let Some(n) = limit {
        list.truncate(n);
    }
    let text = match format {
        Format::Json => serde_json::to_string_pretty(&list)?,
        // A list of stories has no page of its own: `serve --db` shows it in the browser.
        Format::Md | Format::Html => {
            let mut s = String::from(
                "| story | articles | outlets | independent sources | first | last | title |\n\
                 |---|---|---|---|---|---|---|\n",
            );
            for st in &list {
                s.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} | {} |\n",
                    st.id,
                    st.size,
                    md_cell(&st.outlets.join(", ")),
                    st.independent_sources,
                    st.first.as_deref().unwrap_or("–"),
                    st.last.as_deref().unwrap_or("–"),
                    md_cell(&st.title)
                ));
            }
            s
        }
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

/// A table cell: texts come from articles, so the characters Markdown would read are escaped.
fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' | '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(c),
        }
    }
    out
}

pub(crate) fn analyze_story(
    options: pipeline::Options,
    db: &Path,
    story: i64,
    format: Format,
    output: Option<PathBuf>,
) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let Some(version) = store.story_version(story)? else {
        bail!(
            "{} has no story {story}; see `corroborate stories`",
            db.display()
        );
    };
    let json = story_json(&store, story, version, &|docs| {
        Ok(options
            .clone()
            .build()?
            .run_documents_with(docs, Vec::new(), &mut |_| {}))
    })?;
    let text = match format {
        Format::Json => json,
        Format::Md | Format::Html => {
            let report: model::StoryReport =
                serde_json::from_str(&json).context("reading the cached report")?;
            if matches!(format, Format::Md) {
                report::render_markdown(&report)
            } else {
                report::render_html(&report)
            }
        }
    };
    emit(&text, output)?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON report of `story` at `version`: the cached one, or a new analysis (cached).
fn story_json(
    store: &Store,
    story: i64,
    version: i64,
    analyse: &dyn Fn(Vec<model::Document>) -> Result<model::StoryReport>,
) -> Result<String> {
    if let Some(json) = store.cached_report(story)? {
        return Ok(json);
    }
    let report = analyse(store.story_documents(story)?)?;
    let json = report::render_json(&report)?;
    store.put_report(story, version, &json)?;
    Ok(json)
}

/// The corpus store as the web app sees it: its stories, and each one's (cached) report.
/// SQLite's connection is not shared between threads, hence the lock.
pub(crate) struct WebStore {
    store: std::sync::Mutex<Store>,
    /// Built on the first story that has no cached report (it loads the model).
    options: pipeline::Options,
    pipeline: std::sync::OnceLock<Result<pipeline::Pipeline, String>>,
}

impl WebStore {
    pub(crate) fn open(db: &Path, options: pipeline::Options) -> Result<Self> {
        Ok(Self {
            store: std::sync::Mutex::new(open_existing(db)?),
            options,
            pipeline: std::sync::OnceLock::new(),
        })
    }

    fn with_store<T>(&self, f: impl FnOnce(&Store) -> Result<T>) -> Result<T, web::StoreError> {
        let store = self
            .store
            .lock()
            .map_err(|_| web::StoreError("the store lock is poisoned".into()))?;
        f(&store).map_err(|e| web::StoreError(format!("{e:#}")))
    }
}

impl web::StoryStore for WebStore {
    fn list(&self) -> Result<Vec<web::StoryEntry>, web::StoreError> {
        self.with_store(|s| {
            Ok(s.stories(None)?
                .into_iter()
                .map(|st| web::StoryEntry {
                    id: st.id.to_string(),
                    title: st.title,
                    articles: st.size,
                })
                .collect())
        })
    }

    fn report(&self, id: &str) -> Result<Option<model::StoryReport>, web::StoreError> {
        let Ok(story) = id.parse::<i64>() else {
            return Ok(None);
        };
        self.with_store(|s| {
            let Some(version) = s.story_version(story)? else {
                return Ok(None);
            };
            let json = story_json(s, story, version, &|docs| {
                let pipeline = self
                    .pipeline
                    .get_or_init(|| self.options.clone().build().map_err(|e| e.to_string()))
                    .as_ref()
                    .map_err(|e| anyhow::anyhow!("building the pipeline: {e}"))?;
                Ok(pipeline.run_documents_with(docs, Vec::new(), &mut |_| {}))
            })?;
            Ok(Some(
                serde_json::from_str(&json).context("reading the cached report")?,
            ))
        })
    }
}

pub(crate) fn eval_clustering(
    path: &Path,
    format: Format,
    write_report: Option<PathBuf>,
    fast: Option<std::sync::Arc<dyn model::Embedder>>,
) -> Result<ExitCode> {
    let run = eval::clustering::run(path, fast.as_deref())
        .with_context(|| format!("scoring clustering on {}", path.display()))?;
    let command = format!("corroborate eval clustering {}", path.display());
    let md = eval::clustering::render_markdown(&run, &command);
    if let Some(p) = write_report {
        fs::write(&p, &md).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let text = match format {
        Format::Md | Format::Html => md,
        Format::Json => serde_json::to_string_pretty(&run)?,
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}
