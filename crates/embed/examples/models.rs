//! Developer tool: `cargo run --release -p embed --example models -- CMD` with CMD one of
//! - `fetch`, `list`: as `corroborate models …`;
//! - `spearman`: agreement of the installed static tier with the full model on sentence pairs
//!   drawn from `../shared/stories/*/*.txt` and `examples/*/*.txt` (crude splitting; a
//!   measurement, not product code): Spearman of pair cosines, and how many of the full
//!   model's closest pairs the static tier proposes;
//! - `sweep`: the same for several distillation recipes (raw tables cached in the temp folder);
//! - `speed`: sentences per second of the full model (batch 32) and of the static tier on one
//!   thread, for sentences of 12–40 words.

use std::path::{Path, PathBuf};
use std::time::Instant;

use embed::{Distillation, MiniLm, ModelStore, Ranking, Recipe, StaticEmbedder, Weighting};

fn ranks(x: &[f32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..x.len()).collect();
    idx.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut r = vec![0.0; x.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && x[idx[j + 1]] == x[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0;
        for k in i..=j {
            r[idx[k]] = avg;
        }
        i = j + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let cov: f64 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

/// Sentences (5–60 words, split at ". ") of the `.txt` files one folder below `root`.
fn sentences_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let Ok(stories) = std::fs::read_dir(root) else {
        return out;
    };
    let mut files: Vec<PathBuf> = stories
        .flatten()
        .filter_map(|s| std::fs::read_dir(s.path()).ok())
        .flat_map(|d| d.flatten().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for line in text.lines() {
            for s in line.split(". ") {
                let words = s.split_whitespace().count();
                if (5..=60).contains(&words) {
                    out.push(s.trim().to_string());
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The two sentence sets: the shared story sets and the project's example stories.
fn sentence_sets() -> Vec<(&'static str, Vec<String>)> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    vec![
        (
            "shared/stories",
            sentences_under(&here.join("../../../shared/stories")),
        ),
        ("examples", sentences_under(&here.join("../../examples"))),
    ]
}

/// Spearman of pair cosines, and the share of the full model's top 1% of pairs that the
/// static tier ranks in its own top 5% (what candidate search needs).
fn agreement(full: &[Vec<f32>], stat: &[Vec<f32>]) -> (f64, f64, usize) {
    let (mut ca, mut cb) = (Vec::new(), Vec::new());
    for i in 0..full.len() {
        for j in i + 1..full.len() {
            ca.push(model::cosine(&full[i], &full[j]));
            cb.push(model::cosine(&stat[i], &stat[j]));
        }
    }
    let (ra, rb) = (ranks(&ca), ranks(&cb));
    let rho = pearson(&ra, &rb);
    let n = ca.len() as f64;
    let top_full: Vec<usize> = (0..ca.len()).filter(|&k| ra[k] >= 0.99 * n).collect();
    let hits = top_full.iter().filter(|&&k| rb[k] >= 0.95 * n).count();
    (rho, hits as f64 / top_full.len().max(1) as f64, ca.len())
}

/// Full-model vectors of every set (computed once).
fn full_vectors(
    full: &MiniLm,
    sets: &[(&str, Vec<String>)],
) -> Result<Vec<Vec<Vec<f32>>>, embed::EmbedError> {
    sets.iter()
        .map(|(_, s)| full.embed_texts(&s.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect()
}

/// One line per set and one for all sentences together.
fn report(
    label: &str,
    stat: &StaticEmbedder,
    sets: &[(&str, Vec<String>)],
    full: &[Vec<Vec<f32>>],
) -> Result<(), embed::EmbedError> {
    let mut parts = Vec::new();
    let (mut all_f, mut all_s) = (Vec::new(), Vec::new());
    for ((name, sents), f) in sets.iter().zip(full) {
        let s = stat.embed_texts(&sents.iter().map(String::as_str).collect::<Vec<_>>())?;
        let (rho, recall, pairs) = agreement(f, &s);
        parts.push(format!(
            "{name} ({} sent, {pairs} pairs): rho {rho:.4} top-1% recall {recall:.3}",
            sents.len()
        ));
        all_f.extend(f.iter().cloned());
        all_s.extend(s);
    }
    let (rho, recall, pairs) = agreement(&all_f, &all_s);
    println!(
        "{label}\n    all ({} sent, {pairs} pairs): rho {rho:.4} top-1% recall {recall:.3}\n    {}",
        all_f.len(),
        parts.join("\n    ")
    );
    Ok(())
}

/// User + system CPU time of this process, from /proc (Linux).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0.0))
        .collect();
    // Fields 14 and 15 of the whole line are the 12th and 13th after the command name.
    (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
}

/// A raw table for `mode`, distilled once and kept in the temp folder.
fn raw_table(
    full: &MiniLm,
    mode: Distillation,
) -> Result<embed::StaticTable, Box<dyn std::error::Error>> {
    let file = std::env::temp_dir().join(format!("corroborate-static-raw-{mode:?}.safetensors"));
    if let Ok(t) = embed::StaticTable::load(&file) {
        return Ok(t);
    }
    let t = Instant::now();
    let table = embed::distil_raw(full, mode, &mut |_| {})?;
    eprintln!("distilled {mode:?} in {:.0}s", t.elapsed().as_secs_f64());
    table.save(&file)?;
    Ok(table)
}

fn sweep(dir: &Path, full: &MiniLm) -> Result<(), Box<dyn std::error::Error>> {
    let sets = sentence_sets();
    let fv = full_vectors(full, &sets)?;
    let only = std::env::args().nth(2);
    // model2vec's recipe: PCA to 256, SIF weights by Zipf rank; the variants change one thing.
    let plain = Recipe {
        mode: Distillation::TokenOnly,
        unit_rows: false,
        pca_dims: Some(256),
        drop_top: 0,
        whiten: false,
        weighting: Weighting::Sif(1e-4),
        ranking: Ranking::Words,
        skip_punct: false,
        stopwords: 0,
        zipf_centre: false,
    };
    let with = |f: &dyn Fn(&mut Recipe)| {
        let mut r = plain.clone();
        f(&mut r);
        r
    };
    let mut recipes: Vec<(String, Recipe)> = Vec::new();
    for mode in [Distillation::TokenOnly, Distillation::MeanPooled] {
        let variants: [(&str, Recipe); 8] = [
            (
                "centred only",
                with(&|r| (r.mode, r.pca_dims, r.weighting) = (mode, None, Weighting::Flat)),
            ),
            (
                "pca256",
                with(&|r| (r.mode, r.weighting) = (mode, Weighting::Flat)),
            ),
            (
                "pca256 log-rank, id ranks",
                with(&|r| {
                    (r.mode, r.weighting, r.ranking) = (mode, Weighting::LogRank, Ranking::Id)
                }),
            ),
            (
                "pca256 log-rank, word ranks",
                with(&|r| (r.mode, r.weighting) = (mode, Weighting::LogRank)),
            ),
            (
                "pca256 sif 1e-4, id ranks",
                with(&|r| (r.mode, r.ranking) = (mode, Ranking::Id)),
            ),
            ("pca256 sif 1e-4, word ranks", with(&|r| r.mode = mode)),
            (
                "pca256 sif 1e-3, word ranks",
                with(&|r| (r.mode, r.weighting) = (mode, Weighting::Sif(1e-3))),
            ),
            (
                "pca256 sif 1e-5, word ranks",
                with(&|r| (r.mode, r.weighting) = (mode, Weighting::Sif(1e-5))),
            ),
        ];
        recipes.extend(
            variants
                .into_iter()
                .map(|(n, r)| (format!("{mode:?} {n}"), r)),
        );
    }
    let variants: [(&str, Recipe); 16] = [
        ("sif 3e-5", with(&|r| r.weighting = Weighting::Sif(3e-5))),
        ("sif 3e-4", with(&|r| r.weighting = Weighting::Sif(3e-4))),
        ("whiten", with(&|r| r.whiten = true)),
        ("unit rows", with(&|r| r.unit_rows = true)),
        ("drop top 1", with(&|r| r.drop_top = 1)),
        ("drop top 2", with(&|r| r.drop_top = 2)),
        ("drop top 3", with(&|r| r.drop_top = 3)),
        ("zipf centre", with(&|r| r.zipf_centre = true)),
        ("skip punct", with(&|r| r.skip_punct = true)),
        ("stopwords 50", with(&|r| r.stopwords = 50)),
        ("stopwords 200", with(&|r| r.stopwords = 200)),
        ("pca128", with(&|r| r.pca_dims = Some(128))),
        ("no pca", with(&|r| r.pca_dims = None)),
        (
            "drop top 1 + unit rows",
            with(&|r| (r.drop_top, r.unit_rows) = (1, true)),
        ),
        (
            "drop top 1 + zipf centre",
            with(&|r| (r.drop_top, r.zipf_centre) = (1, true)),
        ),
        (
            "drop top 1 + sif 2e-4",
            with(&|r| (r.drop_top, r.weighting) = (1, Weighting::Sif(2e-4))),
        ),
    ];
    recipes.extend(
        variants
            .into_iter()
            .map(|(n, r)| (format!("TokenOnly pca256 sif 1e-4, word ranks + {n}"), r)),
    );
    recipes.push((
        "installed: Recipe::default()".to_string(),
        Recipe::default(),
    ));
    for (name, r) in recipes {
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let raw = raw_table(full, r.mode)?;
        let t = Instant::now();
        let table = r.apply(&raw, full);
        let secs = t.elapsed().as_secs_f64();
        let stat = StaticEmbedder::with_table(dir, table)?;
        report(&format!("{name} (recipe {secs:.1}s)"), &stat, &sets, &fv)?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cmd = std::env::args().nth(1).unwrap_or_default();
    let store = ModelStore::locate(None)?;
    match cmd.as_str() {
        "fetch" => {
            let t = Instant::now();
            let m = store.fetch(|s| eprintln!("{s}"))?;
            eprintln!("{m:?} in {:.1}s", t.elapsed().as_secs_f64());
        }
        "list" => {
            for m in store.list() {
                println!(
                    "{}\t{:?}\t{}\t{} bytes\tstatic {}",
                    m.name,
                    m.kind,
                    m.dir.display(),
                    m.bytes,
                    m.has_static
                );
            }
        }
        "spearman" => {
            let dir = store.require_minilm()?;
            let full = MiniLm::load(&dir)?;
            let stat = StaticEmbedder::load(&dir)?;
            let sets = sentence_sets();
            let fv = full_vectors(&full, &sets)?;
            report("installed static tier", &stat, &sets, &fv)?;
        }
        "sweep" => {
            let dir = store.require_minilm()?;
            let full = MiniLm::load(&dir)?;
            sweep(&dir, &full)?;
        }
        "speed" => {
            // Wall time is meaningless on a shared machine; process CPU time is reported too.
            let dir = store.require_minilm()?;
            let sents: Vec<String> = sentence_sets()
                .into_iter()
                .flat_map(|(_, s)| s)
                .filter(|s| (12..=40).contains(&s.split_whitespace().count()))
                .collect();
            let refs: Vec<&str> = sents.iter().map(String::as_str).collect();
            let t = Instant::now();
            let stat = StaticEmbedder::load(&dir)?;
            println!(
                "static tier loaded in {:.2}s (table {} x {})",
                t.elapsed().as_secs_f64(),
                stat.vocab(),
                stat.dim()
            );
            let many: Vec<&str> = refs.iter().copied().cycle().take(200_000).collect();
            let one = rayon::ThreadPoolBuilder::new().num_threads(1).build()?;
            one.install(|| stat.embed_texts(&many[..1000]))?;
            let (t, c) = (Instant::now(), cpu_seconds());
            let n = one.install(|| stat.embed_texts(&many))?.len() as f64;
            let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
            println!(
                "static tier, one thread, {} distinct sentences of 12-40 words: {:.0} sent/s \
                 wall, {:.0} sent per CPU-second",
                refs.len(),
                n / wall,
                n / cpu
            );
            if std::env::args().nth(2).as_deref() == Some("static") {
                return Ok(());
            }
            let full = MiniLm::load(&dir)?;
            let batches: Vec<Vec<&str>> = refs
                .iter()
                .copied()
                .cycle()
                .take(32 * 20)
                .collect::<Vec<_>>()
                .chunks(32)
                .map(<[&str]>::to_vec)
                .collect();
            full.embed_texts(&batches[0])?;
            let (t, c) = (Instant::now(), cpu_seconds());
            for b in &batches {
                full.embed_texts(b)?;
            }
            let (wall, cpu) = (t.elapsed().as_secs_f64(), cpu_seconds() - c);
            let n = (batches.len() * 32) as f64;
            println!(
                "full model, batch 32, {} distinct sentences of 12-40 words: {:.1} sent/s wall, \
                 {:.1} sent per CPU-second ({:.1} on 2 unshared cores)",
                refs.len(),
                n / wall,
                n / cpu,
                2.0 * n / cpu
            );
        }
        _ => eprintln!("usage: models fetch|list|spearman|sweep [filter]|speed [static]"),
    }
    Ok(())
}
