//! The HTML path: our pre-pass, metadata scan and the extractor, then the page as a document.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (docs, _) = ingest::ingest_bytes(
        std::path::Path::new("page.html"),
        data,
        &ingest::Limits::default(),
    );
    for d in &docs {
        for b in &d.blocks {
            assert!(d.text.get(b.span.start..b.span.end).is_some(), "bad span");
        }
    }
});
