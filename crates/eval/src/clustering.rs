//! Story clustering scored against labelled stories: B-cubed precision, recall and F1, and the
//! adjusted Rand index (ARI).
//!
//! Two inputs: the ECB+ corpus (its `ECB+` folder of CROMER XML documents, or the folder above
//! it), whose gold story is a document's sub-topic (topic folder and `ecb`/`ecbplus`: two real
//! events of one kind per topic, so each topic holds hard negatives); or a JSON Lines file whose
//! records carry a `story` label beside the article (`text`/`content`/`body`, optional `title`
//! and `published`/`date`). Articles are clustered online in a seeded shuffled order: a stream
//! is not sorted by story, and the score should not depend on the order files happen to
//! have.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use cluster::{cluster_all_dense, day_of, extract, Config, Features};
use model::Embedder;
use serde::Serialize;

use crate::extraction::EvalError;
use crate::pairs::{parse_cromer, sentence_text, MAX_FILE_BYTES};

/// Largest JSON Lines file read.
pub const MAX_JSONL_BYTES: u64 = 512 << 20;
/// Seed of the article order.
pub const SEED: u64 = 12;

/// One labelled article.
#[derive(Clone, Debug)]
pub struct Labelled {
    /// Its name in the input.
    pub name: String,
    /// Its gold story.
    pub story: String,
    /// Title, if any.
    pub title: Option<String>,
    /// Body text.
    pub text: String,
    /// Publication day, if any.
    pub day: Option<i32>,
}

/// Scores of one clustering.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Scores {
    /// B-cubed precision.
    pub precision: f64,
    /// B-cubed recall.
    pub recall: f64,
    /// B-cubed F1.
    pub f1: f64,
    /// Adjusted Rand index.
    pub ari: f64,
    /// Stories found.
    pub clusters: usize,
}

/// The evaluation of one labelled set.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    /// What was read.
    pub input: String,
    /// Articles.
    pub articles: usize,
    /// Gold stories.
    pub stories: usize,
    /// Articles with a date.
    pub dated: usize,
    /// Scores at the default configuration.
    pub scores: Scores,
    /// Scores when the join threshold varies (the merge and split thresholds kept above it
    /// by the default gaps), to show how sensitive the result is.
    pub sweep: Vec<(f32, Scores)>,
    /// Scores when the split threshold varies (0: stories never split).
    pub split_sweep: Vec<(f32, Scores)>,
    /// The static embedding tier: its name when used, else why not.
    pub tier: String,
    /// Scores at the default configuration with the static tier as an extra signal.
    pub with_tier: Option<Scores>,
    /// The join sweep with the static tier.
    pub tier_sweep: Vec<(f32, Scores)>,
    /// Files or records skipped, and why.
    pub skipped: Vec<String>,
}

/// Reads a labelled set: a folder of story folders (each with a `gold.json`, its articles one
/// story), an ECB+ folder, or a JSON Lines file.
pub fn load(path: &Path) -> Result<(Vec<Labelled>, Vec<String>), EvalError> {
    if !path.is_dir() {
        return load_jsonl(path);
    }
    let stories = crate::stories::story_dirs(&[path.to_path_buf()])?;
    if stories.is_empty() {
        load_ecb(path)
    } else {
        load_story_folders(&stories)
    }
}

/// Each story folder's articles, read as `corroborate analyze` reads them; the story is the
/// folder's path.
fn load_story_folders(dirs: &[PathBuf]) -> Result<(Vec<Labelled>, Vec<String>), EvalError> {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for dir in dirs {
        let paths = crate::story::article_paths(dir)?;
        let read = ingest::ingest_paths(&paths, &ingest::Limits::default());
        skipped.extend(
            read.diagnostics
                .iter()
                .map(|d| format!("{}: {}", d.source, d.message)),
        );
        for d in read.documents {
            out.push(Labelled {
                story: dir.display().to_string(),
                name: d.source.clone(),
                text: pipeline::corpus::body_text(&d),
                day: d.published.as_deref().and_then(day_of),
                title: d.title,
            });
        }
    }
    Ok((out, skipped))
}

fn list(dir: &Path) -> Result<Vec<PathBuf>, EvalError> {
    let rd = std::fs::read_dir(dir).map_err(|source| EvalError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut out: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    out.sort();
    Ok(out)
}

fn load_ecb(dir: &Path) -> Result<(Vec<Labelled>, Vec<String>), EvalError> {
    let root = if dir.join("ECB+").is_dir() {
        dir.join("ECB+")
    } else {
        dir.to_path_buf()
    };
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for topic in list(&root)?.into_iter().filter(|p| p.is_dir()) {
        let tname = topic
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for file in list(&topic)? {
            let Some(name) = file
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".xml"))
                .map(str::to_string)
            else {
                continue;
            };
            let bytes = match crate::read_capped(&file, MAX_FILE_BYTES) {
                Ok(b) => b,
                Err(e) => {
                    skipped.push(e.to_string());
                    continue;
                }
            };
            let parsed = match parse_cromer(&String::from_utf8_lossy(&bytes)) {
                Ok(p) => p,
                Err(e) => {
                    skipped.push(format!("{}: {e}", file.display()));
                    continue;
                }
            };
            let text = parsed
                .sentences
                .values()
                .map(|t| sentence_text(t))
                .collect::<Vec<_>>()
                .join("\n");
            let sub = if name.ends_with("ecbplus") {
                "ecbplus"
            } else {
                "ecb"
            };
            out.push(Labelled {
                story: format!("{tname}/{sub}"),
                name,
                title: None,
                text,
                day: None,
            });
        }
    }
    Ok((out, skipped))
}

fn load_jsonl(path: &Path) -> Result<(Vec<Labelled>, Vec<String>), EvalError> {
    let bytes = crate::read_capped(path, MAX_JSONL_BYTES)?;
    let bytes = if path.extension().is_some_and(|e| e == "gz") {
        let mut buf = Vec::new();
        use std::io::Read as _;
        flate2::read::GzDecoder::new(&bytes[..])
            .take(MAX_JSONL_BYTES + 1)
            .read_to_end(&mut buf)
            .map_err(|source| EvalError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        if buf.len() as u64 > MAX_JSONL_BYTES {
            return Err(EvalError::TooLarge {
                path: path.to_path_buf(),
                limit: MAX_JSONL_BYTES,
            });
        }
        buf
    } else {
        bytes
    };
    let text = String::from_utf8_lossy(&bytes);
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let at = format!("{}:{}", path.display(), n + 1);
        let rec: serde_json::Map<String, serde_json::Value> = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                skipped.push(format!("{at}: {e}"));
                continue;
            }
        };
        let field = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| rec.get(*k).and_then(|v| v.as_str()).map(str::to_string))
        };
        let story = match rec.get("story") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Number(x)) => x.to_string(),
            _ => {
                skipped.push(format!("{at}: no \"story\" label"));
                continue;
            }
        };
        let Some(body) = field(&["text", "content", "body"]) else {
            skipped.push(format!("{at}: no \"text\", \"content\" or \"body\""));
            continue;
        };
        out.push(Labelled {
            name: field(&["id"]).unwrap_or_else(|| (n + 1).to_string()),
            story,
            title: field(&["title"]),
            text: body,
            day: field(&["published", "date"]).as_deref().and_then(day_of),
        });
    }
    Ok((out, skipped))
}

/// A seeded permutation of `0..n` (xorshift Fisher–Yates), the same on every machine.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    for i in (1..n).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        order.swap(i, (x % (i as u64 + 1)) as usize);
    }
    order
}

/// B-cubed precision, recall, F1 and ARI of `predicted` against `gold` (labels per item).
pub fn score<G: Eq + std::hash::Hash + Ord, P: Eq + std::hash::Hash + Ord>(
    gold: &[G],
    predicted: &[P],
) -> Scores {
    let n = gold.len();
    let mut joint: HashMap<(&G, &P), usize> = HashMap::new();
    let mut g_size: HashMap<&G, usize> = HashMap::new();
    let mut p_size: HashMap<&P, usize> = HashMap::new();
    for (g, p) in gold.iter().zip(predicted) {
        *joint.entry((g, p)).or_default() += 1;
        *g_size.entry(g).or_default() += 1;
        *p_size.entry(p).or_default() += 1;
    }
    // B-cubed: per item, the share of its predicted cluster of its gold story (precision) and
    // of its gold story in its predicted cluster (recall); summed over a cell, that is
    // c² / |cluster| and c² / |story|.
    let (mut prec, mut rec) = (0.0, 0.0);
    for (&(g, p), &c) in &joint {
        let c = c as f64;
        prec += c * c / p_size[p] as f64;
        rec += c * c / g_size[g] as f64;
    }
    let (precision, recall) = if n == 0 {
        (0.0, 0.0)
    } else {
        (prec / n as f64, rec / n as f64)
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    let pairs = |x: usize| (x * x.saturating_sub(1) / 2) as f64;
    let index: f64 = joint.values().map(|&c| pairs(c)).sum();
    let a: f64 = g_size.values().map(|&c| pairs(c)).sum();
    let b: f64 = p_size.values().map(|&c| pairs(c)).sum();
    let total = pairs(n);
    let expected = if total > 0.0 { a * b / total } else { 0.0 };
    let max = (a + b) / 2.0;
    let ari = if (max - expected).abs() < f64::EPSILON {
        1.0
    } else {
        (index - expected) / (max - expected)
    };
    Scores {
        precision,
        recall,
        f1,
        ari,
        clusters: p_size.len(),
    }
}

/// Clusters `items` in the seeded order with `config` (and the articles' dense vectors, when
/// given: one per item) and scores the result.
pub fn evaluate(
    items: &[Labelled],
    features: &[Features],
    dense: Option<&[Vec<f32>]>,
    config: &Config,
) -> Scores {
    let order = shuffled(items.len(), SEED);
    let input: Vec<(Features, Option<i32>)> = order
        .iter()
        .map(|&i| (features[i].clone(), items[i].day))
        .collect();
    let dense: Vec<Vec<f32>> = dense
        .map(|d| order.iter().filter_map(|&i| d.get(i).cloned()).collect())
        .unwrap_or_default();
    let labels = cluster_all_dense(config.clone(), &input, &dense);
    let gold: Vec<&str> = order.iter().map(|&i| items[i].story.as_str()).collect();
    score(&gold, &labels)
}

/// Join thresholds of the sensitivity sweep.
const JOINS: [f32; 6] = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4];

/// Reads, clusters and scores a labelled set: by terms alone, and also with the static
/// embedding tier `fast` when given.
pub fn run(path: &Path, fast: Option<&dyn Embedder>) -> Result<Run, EvalError> {
    let (items, skipped) = load(path)?;
    let features: Vec<Features> = items
        .iter()
        .map(|l| extract(l.title.as_deref(), &l.text))
        .collect();
    let config = Config::default();
    let scores = evaluate(&items, &features, None, &config);
    let gap = config.merge - config.join;
    let at_join = |join: f32| Config {
        join,
        merge: join + gap,
        split: config.split - config.merge + join + gap,
        ..config.clone()
    };
    let sweep = JOINS
        .iter()
        .map(|&join| (join, evaluate(&items, &features, None, &at_join(join))))
        .collect();
    let (tier, with_tier, tier_sweep) = match fast {
        None => ("not used".to_string(), None, Vec::new()),
        Some(e) => {
            let texts: Vec<String> = items
                .iter()
                .map(|l| cluster::features::dense_text(l.title.as_deref(), &l.text))
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let dense = e.embed(&refs).map_err(|e| EvalError::Shape {
                path: path.to_path_buf(),
                what: format!("the static tier failed: {e}"),
            })?;
            let sweep = JOINS
                .iter()
                .map(|&join| {
                    (
                        join,
                        evaluate(&items, &features, Some(&dense), &at_join(join)),
                    )
                })
                .collect();
            (
                e.name().to_string(),
                Some(evaluate(&items, &features, Some(&dense), &config)),
                sweep,
            )
        }
    };
    let split_sweep = [0.0f32, 0.30, 0.40, 0.50]
        .iter()
        .map(|&split| {
            let c = Config {
                split,
                ..config.clone()
            };
            (split, evaluate(&items, &features, None, &c))
        })
        .collect();
    let stories: BTreeMap<&str, usize> = items.iter().fold(BTreeMap::new(), |mut m, l| {
        *m.entry(l.story.as_str()).or_default() += 1;
        m
    });
    Ok(Run {
        input: path.display().to_string(),
        articles: items.len(),
        stories: stories.len(),
        dated: items.iter().filter(|l| l.day.is_some()).count(),
        scores,
        sweep,
        split_sweep,
        tier,
        with_tier,
        tier_sweep,
        skipped,
    })
}

/// The Markdown report.
pub fn render_markdown(r: &Run, command: &str) -> String {
    let mut s = String::new();
    s.push_str("# Story clustering\n\n");
    s.push_str(&format!(
        "Command: `{command}`\n\nInput: `{}`: {} articles in {} gold stories ({} dated). \
         Articles are clustered online (`cluster::online`, default configuration) in a seeded \
         shuffled order (seed {SEED}); scores are B-cubed precision, recall and F1 over \
         articles, and the adjusted Rand index.\n\n",
        r.input, r.articles, r.stories, r.dated
    ));
    s.push_str(
        "| signals | B³ precision | B³ recall | B³ F1 | ARI | stories found |\n|---|---|---|---|---|---|\n",
    );
    let row = |x: &Scores| {
        format!(
            "| {:.3} | {:.3} | {:.3} | {:.3} | {} |\n",
            x.precision, x.recall, x.f1, x.ari, x.clusters
        )
    };
    s.push_str(&format!("| terms {}", row(&r.scores)));
    match &r.with_tier {
        Some(x) => s.push_str(&format!("| terms + static tier {}", row(x))),
        None => s.push_str(&format!(
            "| terms + static tier | static tier {} | | | | |\n",
            r.tier
        )),
    }
    let c = Config::default();
    s.push_str(&format!(
        "\nDefaults: join {:.2}, merge {:.2}, split {:.2}; with the static tier, {:.2} × \
         (dense cosine − {:.2}) is added to the terms' cosine (the dense cosine of the \
         mean-pooled token vectors of title and lead, article to story centre).\n",
        c.join, c.merge, c.split, c.dense_weight, c.dense_floor
    ));
    s.push_str(
        "\nSensitivity: the same run with other join thresholds (merge and split \
         thresholds at the default distance above it).\n\n| join | B³ precision | B³ recall | B³ F1 | ARI | stories found |\n|---|---|---|---|---|---|\n",
    );
    for (j, x) in &r.sweep {
        s.push_str(&format!("| {j:.2} {}", row(x)));
    }
    if !r.tier_sweep.is_empty() {
        s.push_str(
            "\nThe same sweep with the static tier.\n\n| join | B³ precision | B³ recall | B³ F1 | ARI | stories found |\n|---|---|---|---|---|---|\n",
        );
        for (j, x) in &r.tier_sweep {
            s.push_str(&format!("| {j:.2} {}", row(x)));
        }
    }
    s.push_str(
        "\nSplitting: the same run with other split thresholds (a story is bisected when it \
         reaches 6 articles and each time it grows by half, and split when the cosine of its \
         halves' centres is below the threshold, the halves never to merge again; 0 never splits).\n\n| split | B³ precision | \
         B³ recall | B³ F1 | ARI | stories found |\n|---|---|---|---|---|---|\n",
    );
    for (x, sc) in &r.split_sweep {
        s.push_str(&format!("| {x:.2} {}", row(sc)));
    }
    if !r.skipped.is_empty() {
        s.push_str(&format!("\nSkipped: {}\n", r.skipped.len()));
        for k in r.skipped.iter().take(20) {
            s.push_str(&format!("- {k}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_lumped_scores() {
        let gold = ["a", "a", "b", "b"];
        let s = score(&gold, &[1, 1, 2, 2]);
        assert!((s.f1 - 1.0).abs() < 1e-9 && (s.ari - 1.0).abs() < 1e-9);
        let lumped = score(&gold, &[1, 1, 1, 1]);
        assert!((lumped.precision - 0.5).abs() < 1e-9 && (lumped.recall - 1.0).abs() < 1e-9);
        assert!(lumped.ari.abs() < 1e-9);
        let single = score(&gold, &[1, 2, 3, 4]);
        assert!((single.precision - 1.0).abs() < 1e-9 && (single.recall - 0.5).abs() < 1e-9);
    }

    #[test]
    fn shuffle_is_a_seeded_permutation() {
        let a = shuffled(50, 7);
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_eq!(a, shuffled(50, 7));
        assert_ne!(a, shuffled(50, 8));
    }

    /// The set at `shared` (a path under `../shared`) scored with the static tier when it is
    /// installed; none, with the reason printed, when the set is absent.
    fn run_shared(shared: &str) -> Option<Run> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared")
            .join(shared);
        if !dir.is_dir() {
            eprintln!("skipped: {} is absent", dir.display());
            return None;
        }
        let fast = pipeline::load_static_tier(None)
            .map_err(|e| eprintln!("static tier not scored: {e}"))
            .ok();
        Some(run(&dir, fast.as_deref()).expect("the set loads"))
    }

    #[test]
    fn ecb_plus_floor() {
        let Some(r) = run_shared("data/ecbplus/ECB+") else {
            return;
        };
        assert_eq!(r.articles, 982);
        assert_eq!(r.stories, 86);
        // The floors hold what is measured (eval/reports/clustering.md); the issue asks 0.90.
        assert!(r.scores.f1 >= 0.87, "B-cubed F1 {:.3}", r.scores.f1);
        if let Some(x) = &r.with_tier {
            assert!(x.f1 >= 0.90, "B-cubed F1 with the static tier {:.3}", x.f1);
        }
    }

    /// A second labelled set of another kind: three outlets' articles per story, partisan
    /// rewrites of one event rather than ECB+'s look-alike events.
    #[test]
    fn basil_dev_floor() {
        let Some(r) = run_shared("stories/basil-dev") else {
            return;
        };
        assert_eq!((r.articles, r.stories), (159, 53));
        // eval/reports/clustering-basil-dev.md
        assert!(r.scores.f1 >= 0.91, "B-cubed F1 {:.3}", r.scores.f1);
        if let Some(x) = &r.with_tier {
            assert!(x.f1 >= 0.95, "B-cubed F1 with the static tier {:.3}", x.f1);
        }
    }
}
