//! ECB+ sentence-pair benchmark: does the sentence-embedding model make statement alignment
//! better than lexical similarity alone? See `eval::pairs`.
//!
//! `RAYON_NUM_THREADS=2 cargo run --release -p eval --bin pair-bench [-- --no-model]
//! [--write eval/reports/ecbplus-pairs.md] [--data DIR]`
//!
//! Skips (exit 0) with a printed reason when `../shared/data/ecbplus` is absent, so that a
//! fresh clone without the shared data still runs it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use eval::pairs::{self, Label, TopicRun, EDGE};

const USAGE: &str =
    "usage: pair-bench [--no-model] [--write FILE.md] [--data DIR (default ../shared/data/ecbplus)]";

struct Args {
    no_model: bool,
    write: Option<PathBuf>,
    data: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        no_model: false,
        write: None,
        data: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--no-model" => args.no_model = true,
            "--write" => args.write = Some(it.next().ok_or("--write needs a file")?.into()),
            "--data" => args.data = Some(it.next().ok_or("--data needs a folder")?.into()),
            "-h" | "--help" => return Err(USAGE.into()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let data = args
        .data
        .clone()
        .unwrap_or_else(|| repo.join("../shared/data/ecbplus"));
    if !data.is_dir() {
        println!(
            "pair-bench: skipped: {} is absent (see ../shared/data/README.md)",
            data.display()
        );
        return ExitCode::SUCCESS;
    }
    match run(&args, &data) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pair-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args, data: &Path) -> Result<(), String> {
    let started = Instant::now();
    let corpus = pairs::load(data).map_err(|e| e.to_string())?;
    for s in &corpus.skipped {
        eprintln!("pair-bench: skipped {s}");
    }
    eprintln!(
        "pair-bench: {} documents read, {} topics, {} sentences kept ({:.1}s)",
        corpus.files,
        corpus.topics.len(),
        corpus.sentences(),
        started.elapsed().as_secs_f64()
    );

    // Required rather than Auto: when the model is missing, say why and go on lexically.
    let (pipeline, model_note) = if args.no_model {
        (None, "--no-model given".to_string())
    } else {
        match (pipeline::Options {
            model: pipeline::ModelUse::Required,
            ..Default::default()
        })
        .build()
        {
            Ok(p) => (Some(p), String::new()),
            Err(e) => {
                eprintln!("pair-bench: no model ({e}); lexical only");
                (None, e.to_string())
            }
        }
    };
    let services = pipeline.as_ref().map(|p| p.services()).unwrap_or_default();

    let mut runs = Vec::with_capacity(corpus.topics.len());
    for topic in &corpus.topics {
        let t0 = Instant::now();
        let run =
            pairs::run_topic(topic, services).map_err(|e| format!("topic {}: {e}", topic.name))?;
        eprintln!(
            "topic {:>2}: {:>2} docs, {:>3} sentences, {:>5} positive, {:>5} negative ({} other sub-topic) pairs, {:.1}s",
            topic.name,
            topic.docs.len(),
            topic.len(),
            run.count(Label::Positive),
            run.count(Label::Negative) + run.count(Label::HardNegative),
            run.count(Label::HardNegative),
            t0.elapsed().as_secs_f64()
        );
        runs.push(run);
    }
    let model = match services.embedder {
        Some(e) => e.name().to_string(),
        None => format!("none ({model_note})"),
    };
    let md = render(&corpus, &runs, &model, started.elapsed().as_secs_f64());
    print!("{md}");
    if let Some(path) = &args.write {
        std::fs::write(path, &md).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("pair-bench: wrote {}", path.display());
    }
    Ok(())
}

fn render(c: &pairs::Corpus, runs: &[TopicRun], model: &str, secs: f64) -> String {
    let count = |l: Label| runs.iter().map(|r| r.count(l)).sum::<usize>();
    let (pos, neg, hard) = (
        count(Label::Positive),
        count(Label::Negative),
        count(Label::HardNegative),
    );
    let summaries = pairs::summaries(runs);
    let mut md = String::new();
    let _ = writeln!(md, "# ECB+ sentence pairs: model vs lexical similarity\n");
    let _ = writeln!(
        md,
        "Data: ECB+ (`../shared/data/ecbplus/`, from cltl/ECB-parser @eba7c4d1, licence files from \
         cltl/ecbPlus @3aa071e1), licence CC BY 3.0 (Cybulska and Vossen, LREC 2014). Read in \
         place; none of it is copied here.\n"
    );
    let _ = writeln!(
        md,
        "Each sentence that `ECBplus_coreference_sentences.csv` lists as annotated and that \
         mentions an event of a cross-document event chain is one statement of \
         `crosscheck::align::align`, one article per document. A pair is positive when its two \
         sentences, of different documents of one sub-topic, share a cross-document event \
         chain: they mention one event, which is looser than making one claim. Negatives share \
         no chain; the hard ones come from the topic's other sub-topic, another real event of \
         the same kind. The blend constants of `crosscheck::align` were chosen on this \
         benchmark, so the blended rows are not held-out figures. Reproduce: \
         `RAYON_NUM_THREADS=2 cargo run --release -p eval --bin pair-bench -- --write \
         eval/reports/ecbplus-pairs.md`. Model: {model}. Wall time {secs:.0} s.\n"
    );
    let _ = writeln!(md, "| | count |\n|---|---:|");
    for (k, v) in [
        ("topics", c.topics.len()),
        ("documents read", c.files),
        (
            "documents with a kept sentence",
            c.topics.iter().map(|t| t.docs.len()).sum(),
        ),
        ("annotated sentences (`ecb`)", c.annotated.0),
        ("annotated sentences (`ecbplus`)", c.annotated.1),
        ("sentences kept", c.sentences()),
        (
            "annotated sentences without an event-chain mention (dropped)",
            c.annotated_without_chain,
        ),
        (
            "sentences with an event-chain mention not listed as annotated (dropped)",
            c.chained_not_annotated,
        ),
        ("positive pairs", pos),
        ("negative pairs", neg + hard),
        ("… of which other sub-topic (hard)", hard),
        (
            "pairs across sub-topics sharing a chain (left out)",
            runs.iter().map(|r| r.left_out).sum(),
        ),
        ("files skipped", c.skipped.len()),
    ] {
        let _ = writeln!(md, "| {k} | {v} |");
    }
    let base = pos as f64 / (pos + neg + hard).max(1) as f64;
    let _ = writeln!(
        md,
        "\nPositives are {:.1} % of the pairs: a random ranking has AP ≈ {base:.3}; calling every \
         pair positive gives F1 = {:.3}.\n",
        100.0 * base,
        2.0 * base / (1.0 + base)
    );
    let Some((_, _, lexical)) = summaries.first() else {
        return md;
    };
    let blended_note = match runs
        .iter()
        .map(|r| r.embedded_as_run)
        .sum::<Option<usize>>()
    {
        Some(n) => format!(
            " Blended: the full model embeds every statement; as the pipeline runs, the static \
             tier picks the statements it embeds ({n} of {}) and the others compare lexically.",
            c.sentences()
        ),
        None if summaries.len() > 1 => " Blended: the full model embeds every statement.".into(),
        None => String::new(),
    };
    // P, R and F1 at EDGE only where EDGE means something: a raw cosine is on another scale.
    let on_edge_scale = |edge: bool, x: f64| {
        if edge {
            format!("{x:.3}")
        } else {
            "—".into()
        }
    };

    let _ = writeln!(md, "## Over all pairs\n");
    let _ = writeln!(
        md,
        "AP: average precision; AUC: ROC AUC; AUC hard: against the hard negatives only. P, R, \
         F1 of `sim >= {EDGE}` (`EDGE`, the grouping threshold of `crosscheck::align`) and hard \
         ≥ {EDGE}, the share of hard negatives at or above it, for lexical and blended only. R \
         at lexical's P: the highest recall at a threshold where precision is at least \
         lexical's P@{EDGE} ({:.3}). Best F1, and the threshold it is at.{blended_note}\n",
        lexical.at_edge.precision
    );
    let _ = writeln!(
        md,
        "| similarity | AP | AUC | AUC hard | P@{EDGE} | R@{EDGE} | F1@{EDGE} | hard ≥ {EDGE} | R at lexical's P | best F1 | at |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for (name, edge, s) in &summaries {
        let at = |x| on_edge_scale(*edge, x);
        let _ = writeln!(
            md,
            "| {name} | {:.3} | {:.3} | {:.3} | {} | {} | {} | {} | {:.3} | {:.3} | {:.2} |",
            s.ap,
            s.auc,
            s.auc_hard,
            at(s.at_edge.precision),
            at(s.at_edge.recall),
            at(s.at_edge.f1),
            at(s.hard_fpr_at_edge),
            s.recall_at_ref_precision,
            s.best.f1,
            s.best.threshold
        );
    }
    let _ = writeln!(md, "\n## Per topic\n");
    let _ = writeln!(
        md,
        "Each of the {} topics with positive and negative pairs scored on its own pairs, then the \
         mean. Topics better: the topics where the similarity's AP is higher than lexical's.\n",
        lexical.topics
    );
    let _ = writeln!(
        md,
        "| similarity | AP | AUC | P@{EDGE} | R@{EDGE} | F1@{EDGE} | topics better |\n\
         |---|---:|---:|---:|---:|---:|---:|"
    );
    for (i, (name, edge, s)) in summaries.iter().enumerate() {
        let at = |x| on_edge_scale(*edge, x);
        let better = if i == 0 {
            "—".to_string()
        } else {
            format!("{} of {}", s.topics_better, s.topics)
        };
        let _ = writeln!(
            md,
            "| {name} | {:.3} | {:.3} | {} | {} | {} | {better} |",
            s.macro_ap,
            s.macro_auc,
            at(s.macro_at_edge.precision),
            at(s.macro_at_edge.recall),
            at(s.macro_at_edge.f1)
        );
    }
    md
}
