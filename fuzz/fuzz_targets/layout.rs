//! The plain-text layout classifier: every block a valid span of the text, in order.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let blocks = ingest::layout::classify(&text);
    let mut last = 0;
    for b in &blocks {
        assert!(b.span.start >= last, "blocks out of order");
        assert!(text.get(b.span.start..b.span.end).is_some(), "bad span");
        last = b.span.end;
    }
    let _ = ingest::layout::self_reference(&text, &blocks);
});
