//! The tuned numbers of crosscheck, in one place, each with its default and where it was
//! chosen. Every evaluation report prints them at its head ([`Tuning::markdown`]), so that a
//! change of a constant shows beside the figures it moved.

/// The tuned numbers. [`TUNING`] holds the defaults the engine runs with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tuning {
    /// Alignment: what a shared rare phrase adds to the lexical similarity (0.12; our example
    /// stories and cyber-pause).
    pub phrase_bonus: f32,
    /// Alignment: share of a shared speaker name's weight taken off the similarity (0.5).
    pub speaker_discount: f32,
    /// Alignment: the embedding cosine below which the model adds nothing (0.45; ECB+ pairs).
    pub blend_floor: f32,
    /// Alignment: the rise above the floor that counts fully (0.5; ECB+ pairs).
    pub blend_span: f32,
    /// Alignment: the lexical similarity's share of the blend (0.5; ECB+ pairs).
    pub blend_lexical: f32,
    /// Alignment: candidate partners kept per statement from other articles (8).
    pub top_k: usize,
    /// Alignment: below this similarity two statements are not a candidate pair (0.2).
    pub min_pair: f32,
    /// Alignment: a pair must be at least this similar to join two groups (0.3).
    pub edge: f32,
    /// Alignment: … and the groups' statements this similar on average (0.2).
    pub link: f32,
    /// Alignment: a pair with a nested clause must be this similar to join groups (0.4).
    pub nested_edge: f32,
    /// Neighbours kept per statement, any article, for the conflict rules (12).
    pub neighbours: usize,
    /// Value conflicts: the least lexical similarity of two statements that may fill one
    /// slot with different values (basil-dev).
    pub value_sim: f32,
    /// Value conflicts: the least share of a value's neighbourhood key terms that the other
    /// value's neighbourhood must share (basil-dev).
    pub value_context: f32,
    /// Value conflicts within one article: the least similarity of two statements that share
    /// no other value (basil-dev).
    pub internal_sim: f32,
    /// Certainty conflicts: the least share of the unclear proposition's key terms the firm
    /// statement must carry (basil-dev).
    pub certainty_share: f32,
    /// A judge's entailment above this drops a candidate conflict (0.8).
    pub judge_veto: f32,
}

/// The defaults.
pub const TUNING: Tuning = Tuning {
    phrase_bonus: 0.12,
    speaker_discount: 0.5,
    blend_floor: 0.45,
    blend_span: 0.5,
    blend_lexical: 0.5,
    top_k: 8,
    min_pair: 0.2,
    edge: 0.3,
    link: 0.2,
    nested_edge: 0.4,
    neighbours: 12,
    value_sim: 0.3,
    value_context: 0.25,
    internal_sim: 0.5,
    certainty_share: 0.6,
    judge_veto: 0.8,
};

impl Tuning {
    /// The numbers as a Markdown table.
    pub fn markdown(&self) -> String {
        let rows: [(&str, String); 16] = [
            ("phrase_bonus", self.phrase_bonus.to_string()),
            ("speaker_discount", self.speaker_discount.to_string()),
            ("blend_floor", self.blend_floor.to_string()),
            ("blend_span", self.blend_span.to_string()),
            ("blend_lexical", self.blend_lexical.to_string()),
            ("top_k", self.top_k.to_string()),
            ("min_pair", self.min_pair.to_string()),
            ("edge", self.edge.to_string()),
            ("link", self.link.to_string()),
            ("nested_edge", self.nested_edge.to_string()),
            ("neighbours", self.neighbours.to_string()),
            ("value_sim", self.value_sim.to_string()),
            ("value_context", self.value_context.to_string()),
            ("internal_sim", self.internal_sim.to_string()),
            ("certainty_share", self.certainty_share.to_string()),
            ("judge_veto", self.judge_veto.to_string()),
        ];
        let mut md = String::from("| tuning | value |\n|---|---:|\n");
        for (k, v) in rows {
            md.push_str(&format!("| {k} | {v} |\n"));
        }
        md
    }
}
