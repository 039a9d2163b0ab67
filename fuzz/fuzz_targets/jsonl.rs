//! The JSON Lines reader (records with text or HTML), through the same entry as a file.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = ingest::ingest_bytes(
        std::path::Path::new("feed.jsonl"),
        data,
        &ingest::Limits::default(),
    );
});
