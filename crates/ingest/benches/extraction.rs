//! Extraction speed on the article-extraction benchmark's 181 pages, one thread: one
//! iteration extracts every page once (pages/s = 181 / time). Skips, with a printed reason,
//! when the shared data folder is not beside the workspace.

use std::io::Read;
use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

fn pages() -> Vec<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/article-extraction-benchmark/html");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!("SKIP: {} is absent", dir.display());
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| {
            let mut s = String::new();
            flate2::read::GzDecoder::new(std::fs::File::open(p).ok()?)
                .read_to_string(&mut s)
                .ok()?;
            Some(s)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let pages = pages();
    if pages.is_empty() {
        return;
    }
    let mut g = c.benchmark_group("extraction");
    g.sample_size(10);
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.bench_function("benchmark_pages", |b| {
        b.iter(|| {
            pages
                .iter()
                .map(|p| ingest::html::extract(p).paragraphs.len())
                .sum::<usize>()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
