//! Property: sentence spans are in bounds, on char boundaries, ordered, non-overlapping, trimmed,
//! and together cover every non-space character of the block.

use model::{Block, BlockKind, Span};
use proptest::prelude::*;

fn text_strategy() -> impl Strategy<Value = String> {
    // Words, abbreviations, quotes, terminators and odd white space, in any order.
    let piece = prop_oneof![
        Just("word".to_string()),
        Just("Capital".to_string()),
        Just("U.S.".to_string()),
        Just("Sen.".to_string()),
        Just("A.".to_string()),
        Just(". ".to_string()),
        Just("! ".to_string()),
        Just("?\" ".to_string()),
        Just("“Quoted.” ".to_string()),
        Just("‘x’ ".to_string()),
        Just("é… ".to_string()),
        Just("3.5".to_string()),
        Just(" ".to_string()),
        Just("\u{a0}".to_string()),
        Just("\t".to_string()),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.join(""))
}

proptest! {
    #[test]
    fn sentence_spans_are_sound(text in text_strategy()) {
        let block = Block { kind: BlockKind::Body, span: Span::new(0, text.len()), reason: String::new() };
        let sentences = analyze::segment::sentences(&text, &[block]);
        let mut last_end = 0;
        let mut covered = 0usize;
        for s in &sentences {
            prop_assert!(s.span.start >= last_end && s.span.end <= text.len());
            let piece = s.span.get(&text);
            prop_assert!(piece.is_some(), "span not on char boundaries");
            let piece = piece.unwrap_or_default();
            prop_assert!(!piece.is_empty() && piece.trim() == piece);
            covered += piece.chars().filter(|c| !c.is_whitespace()).count();
            last_end = s.span.end;
        }
        prop_assert_eq!(covered, text.chars().filter(|c| !c.is_whitespace()).count());
    }
}
