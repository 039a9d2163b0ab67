//! BERT's WordPiece tokenisation for the static tier, without allocations per token: the
//! `tokenizers` crate costs tens of microseconds a sentence (offsets, alignments, strings per
//! token), more than the table lookups it feeds.
//!
//! Exactness comes from asking the loaded tokenizer itself, once at load time, what its
//! normaliser makes of each character (clean-up, Chinese-character padding, accent stripping,
//! lower-casing: all character by character in BERT's normaliser) and how its pre-tokeniser
//! classes each resulting character (space, punctuation, word). Characters outside the covered
//! ranges (and texts that hold an added token such as `[SEP]`) are left to the general
//! tokenizer; [`WordPiece::encode`] returns `None` for them.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tokenizers::{
    Normalizer, OffsetReferential, OffsetType, PreTokenizedString, PreTokenizer, Tokenizer,
};

/// FNV-1a: the keys are short strings, for which std's SipHash costs more than the lookup.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// How the pre-tokeniser treats a (normalised) character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// Removed by the normaliser (control characters); ASCII table only.
    Drop,
    /// Ends a word.
    Space,
    /// A word of its own.
    Punct,
    /// Part of a word.
    Word,
}

/// Non-ASCII characters whose normalised form is looked up in a table built at load time
/// (Latin, Greek, Cyrillic, …, general punctuation, CJK symbols, kana; compatibility
/// ideographs and presentation forms; variation selectors, CJK compatibility forms, Arabic
/// presentation forms, full-width forms, the byte-order mark and U+FFFD). About 13,500.
const TABLE_RANGES: &[(u32, u32)] = &[(0x80, 0x3100), (0xF900, 0xFB50), (0xFE00, 0x1_0000)];

/// The main CJK ideograph blocks: every character becomes a word of its own, unchanged
/// (checked on a sample at load time rather than tabulated one by one).
const CJK_RANGES: &[(u32, u32)] = &[(0x3400, 0x4DC0), (0x4E00, 0xA000)];

/// What the normaliser makes of one character.
type Norm = Box<[(char, Class)]>;

/// The static tier's WordPiece; see the module documentation.
pub(crate) struct WordPiece {
    /// ASCII: the normalised byte (0 when dropped) and its class.
    ascii: [(u8, Class); 128],
    /// The covered non-ASCII characters.
    other: FnvMap<char, Norm>,
    /// Whether [`CJK_RANGES`] behave as BERT's Chinese-character rule says.
    cjk: bool,
    /// Word-initial pieces.
    head: FnvMap<Box<str>, u32>,
    /// Continuing pieces, without their `##`.
    cont: FnvMap<Box<str>, u32>,
    /// Longest piece of each map in bytes: longer candidates cannot match.
    head_max: usize,
    cont_max: usize,
    unk: u32,
    /// Words of more characters are one `[UNK]`.
    max_chars: usize,
    /// Contents of the added tokens (matched in raw text by the general tokenizer).
    added: Vec<String>,
}

impl WordPiece {
    /// Builds the tokenizer's fast twin, when it is a BERT WordPiece tokenizer (normaliser
    /// `BertNormalizer`, pre-tokeniser `BertPreTokenizer`, model `WordPiece` with `##`), the
    /// kind whose steps work character by character; `None` otherwise.
    pub(crate) fn from_tokenizer(tok: &Tokenizer) -> Option<Self> {
        let json = serde_json::to_value(tok).ok()?;
        let model = json.get("model")?;
        let ok = json.get("normalizer")?.get("type")?.as_str()? == "BertNormalizer"
            && json.get("pre_tokenizer")?.get("type")?.as_str()? == "BertPreTokenizer"
            && model.get("type")?.as_str()? == "WordPiece"
            && model.get("continuing_subword_prefix")?.as_str()? == "##";
        if !ok {
            return None;
        }
        let max_chars = usize::try_from(model.get("max_input_chars_per_word")?.as_u64()?).ok()?;
        let unk = tok.token_to_id(model.get("unk_token")?.as_str()?)?;
        let mut added = Vec::new();
        for t in tok.get_added_tokens_decoder().values() {
            // Tokens matched after normalisation would need the normalised text to find.
            if t.normalized {
                return None;
            }
            added.push(t.content.clone());
        }
        added.sort();
        let mut head = FnvMap::default();
        let mut cont = FnvMap::default();
        for (piece, id) in tok.get_vocab(false) {
            if let Some(rest) = piece.strip_prefix("##").filter(|r| !r.is_empty()) {
                cont.insert(rest.into(), id);
            }
            head.insert(piece.into_boxed_str(), id);
        }
        let longest = |m: &FnvMap<Box<str>, u32>| m.keys().map(|k| k.len()).max().unwrap_or(0);
        let (head_max, cont_max) = (longest(&head), longest(&cont));

        let oracle = Oracle::new(tok)?;
        let mut ascii = [(0u8, Class::Drop); 128];
        for (b, slot) in ascii.iter_mut().enumerate() {
            let norm = oracle.norm(char::from(b as u8))?;
            *slot = match *norm {
                [] => (0, Class::Drop),
                [(c, class)] if c.is_ascii() => (c as u8, class),
                // A normaliser that maps ASCII elsewhere is not BERT's: no fast path.
                _ => return None,
            };
        }
        let mut other = FnvMap::default();
        for &(lo, hi) in TABLE_RANGES {
            for c in (lo..hi).filter_map(char::from_u32) {
                other.insert(c, oracle.norm(c)?);
            }
        }
        let cjk = CJK_RANGES.iter().all(|&(lo, hi)| {
            [lo, lo + 1, (lo + hi) / 2, hi - 1]
                .into_iter()
                .filter_map(char::from_u32)
                .all(|c| oracle.norm(c).as_deref() == Some(&cjk_norm(c)[..]))
        });
        Some(WordPiece {
            ascii,
            other,
            cjk,
            head,
            cont,
            head_max,
            cont_max,
            unk,
            max_chars,
            added,
        })
    }

    /// Writes the ids of the first `cap` tokens of `text` (no special tokens) into `out`;
    /// `None` when the text needs the general tokenizer. `word` is scratch space.
    pub(crate) fn encode(
        &self,
        text: &str,
        cap: usize,
        out: &mut Vec<u32>,
        word: &mut String,
    ) -> Option<()> {
        out.clear();
        word.clear();
        if self.added.iter().any(|a| text.contains(a.as_str())) {
            return None;
        }
        let mut chars = 0usize;
        for c in text.chars() {
            // Tokens come out in order, so once `cap` are out the rest cannot matter.
            if out.len() >= cap {
                break;
            }
            if c.is_ascii() {
                let (b, class) = self.ascii[c as usize];
                self.step(char::from(b), class, word, &mut chars, out);
            } else if let Some(norm) = self.other.get(&c) {
                for &(n, class) in norm.iter() {
                    self.step(n, class, word, &mut chars, out);
                }
            } else if self.cjk && in_ranges(c, CJK_RANGES) {
                self.flush(word, &mut chars, out);
                word.push(c);
                chars = 1;
                self.flush(word, &mut chars, out);
            } else {
                return None;
            }
        }
        self.flush(word, &mut chars, out);
        out.truncate(cap);
        Some(())
    }

    /// Feeds one normalised character to the pre-tokeniser.
    #[inline]
    fn step(
        &self,
        c: char,
        class: Class,
        word: &mut String,
        chars: &mut usize,
        out: &mut Vec<u32>,
    ) {
        match class {
            Class::Drop => {}
            Class::Space => self.flush(word, chars, out),
            Class::Punct => {
                self.flush(word, chars, out);
                word.push(c);
                *chars = 1;
                self.flush(word, chars, out);
            }
            Class::Word => {
                word.push(c);
                *chars += 1;
            }
        }
    }

    /// Ends the current word: its WordPiece ids go to `out`.
    fn flush(&self, word: &mut String, chars: &mut usize, out: &mut Vec<u32>) {
        if word.is_empty() {
            return;
        }
        if *chars > self.max_chars {
            out.push(self.unk);
        } else {
            self.pieces(word, out);
        }
        word.clear();
        *chars = 0;
    }

    /// Greedy longest-match WordPiece of one word; a word that cannot be split is one `[UNK]`.
    fn pieces(&self, word: &str, out: &mut Vec<u32>) {
        let first = out.len();
        let mut start = 0;
        while start < word.len() {
            let (map, longest) = if start == 0 {
                (&self.head, self.head_max)
            } else {
                (&self.cont, self.cont_max)
            };
            let mut end = (start + longest).min(word.len());
            while !word.is_char_boundary(end) {
                end -= 1;
            }
            let mut found = None;
            while end > start {
                if let Some(&id) = map.get(&word[start..end]) {
                    found = Some(id);
                    break;
                }
                end -= 1;
                while !word.is_char_boundary(end) {
                    end -= 1;
                }
            }
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    out.truncate(first);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

fn in_ranges(c: char, ranges: &[(u32, u32)]) -> bool {
    ranges
        .iter()
        .any(|&(lo, hi)| (lo..hi).contains(&(c as u32)))
}

/// BERT's rule for a Chinese character: spaces around it, so it is a word of its own.
fn cjk_norm(c: char) -> Norm {
    Box::new([(' ', Class::Space), (c, Class::Word), (' ', Class::Space)])
}

/// The loaded tokenizer's normaliser and pre-tokeniser, asked about single characters.
struct Oracle<'a> {
    tok: &'a Tokenizer,
    classes: std::cell::RefCell<FnvMap<char, Class>>,
}

impl<'a> Oracle<'a> {
    fn new(tok: &'a Tokenizer) -> Option<Self> {
        tok.get_normalizer()?;
        tok.get_pre_tokenizer()?;
        Some(Oracle {
            tok,
            classes: std::cell::RefCell::new(FnvMap::default()),
        })
    }

    /// The normalised form of `c`, each character with its class.
    fn norm(&self, c: char) -> Option<Norm> {
        let mut buf = [0u8; 4];
        let mut n = tokenizers::NormalizedString::from(&*c.encode_utf8(&mut buf));
        self.tok.get_normalizer()?.normalize(&mut n).ok()?;
        n.get()
            .chars()
            .map(|o| Some((o, self.class(o)?)))
            .collect::<Option<Vec<_>>>()
            .map(Vec::into_boxed_slice)
    }

    /// Pre-tokenises `a{c}a`: one piece means a word character, two a space, three
    /// punctuation.
    fn class(&self, c: char) -> Option<Class> {
        if let Some(&k) = self.classes.borrow().get(&c) {
            return Some(k);
        }
        let text = format!("a{c}a");
        let mut p = PreTokenizedString::from(text.as_str());
        self.tok.get_pre_tokenizer()?.pre_tokenize(&mut p).ok()?;
        let splits = p.get_splits(OffsetReferential::Original, OffsetType::Byte);
        let class = match splits.len() {
            1 => Class::Word,
            2 => Class::Space,
            3 => Class::Punct,
            _ => return None,
        };
        self.classes.borrow_mut().insert(c, class);
        Some(class)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// Varied text: ASCII news, accents, other scripts, CJK, full-width forms, numbers,
    /// control and format characters, odd spaces, unknown and over-long words, added tokens.
    const TEXTS: &[&str] = &[
        "The U.S. Defense Secretary ordered a pause -- \"temporarily\" -- in cyber-ops (NYT).",
        "Varga's order, reported on 03/02/2025, covers 100% of CYBERCOM's plans; e-mail: a@b.c",
        "Tabs\tand\nnewlines\r\n  and a supercalifragilisticexpialidociouswordthatislong x",
        "\u{201c}We\u{2019}re not \u{2018}pausing\u{2019}\u{201d} \u{2014} he said\u{2026} \u{ab}ok\u{bb} \u{2022} 5\u{b7}2",
        "",
        "   ",
        "Caf\u{e9} na\u{ef}ve r\u{e9}sum\u{e9} in Z\u{fc}rich, S\u{e3}o Paulo and \u{d8}resund.",
        "\u{141}\u{f3}d\u{17a} and Stra\u{df}e; \u{130}stanbul's mayor; \u{c6}sir; \u{152}uvre.",
        "Combining: e\u{301}t\u{e9}, a\u{308}\u{301}, n\u{303}o, \u{1e9b}\u{323}.",
        "\u{39f}\u{394}\u{3a5}\u{3a3}\u{3a3}\u{395}\u{3a5}\u{3a3} \u{3a3}\u{3af}\u{3c3}\u{3c5}\u{3c6}\u{3bf}\u{3c2} \u{3b1}\u{3b8}\u{3ae}\u{3bd}\u{3b1}",
        "\u{41c}\u{43e}\u{441}\u{43a}\u{432}\u{430} \u{438} \u{417}\u{435}\u{43b}\u{435}\u{43d}\u{441}\u{43a}\u{438}\u{439} \u{2014} \u{415}\u{451}\u{436}",
        "\u{627}\u{644}\u{642}\u{627}\u{647}\u{631}\u{629} \u{5e9}\u{5dc}\u{5d5}\u{5dd} \u{928}\u{92e}\u{938}\u{94d}\u{924}\u{947} \u{e2a}\u{e27}\u{e31}\u{e2a}\u{e14}\u{e35}",
        "\u{5317}\u{4eac}\u{5e02}\u{653f}\u{5e9c}\u{8868}\u{793a}\u{ff0c}\u{4e2d}\u{56fd}\u{3002}",
        "\u{6771}\u{4eac}\u{3067}\u{306f}\u{30ab}\u{30bf}\u{30ab}\u{30ca}\u{3068}\u{3072}\u{3089}\u{304c}\u{306a}\u{3001}\u{3400}\u{9fff}",
        "\u{ff08}\u{ff21}\u{ff22}\u{ff23}\u{ff09} \u{ff11}\u{ff12}\u{ff13} \u{ff01}\u{ff1f} \u{f900}\u{fa0e} \u{fe35}",
        "Numbers: 3.14, 1,000,000, -42, 7th, 2\u{bd}, \u{b2}\u{b3}, \u{2160}\u{2161}, \u{2460} and 10\u{2009}000.",
        "Zero\u{200b}width, soft\u{ad}hyphen, bom\u{feff}here, nul\u{0}byte, bell\u{7}, repl\u{fffd}aced.",
        "Spaces:\u{a0}nbsp,\u{2003}em,\u{3000}ideographic,\u{2028}line,\u{85}next.",
        "Ligatures \u{fb01}nance and \u{fb02}ow; \u{2126} ohm; \u{212b}ngstr\u{f6}m; \u{2122} and \u{a9}.",
        "Unknown qwxzrtplkjhg words and xyzzyplughfrobnicate, plus \u{2603}.",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa end",
        "\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} x",
        "Brackets [sep] and [ CLS ] stay text; punctuation !#$%&*+/<=>?@\\^_`{|}~ splits.",
        "An added token [SEP] inside text, and [MASK].",
        "Hangul \u{c11c}\u{c6b8} and emoji \u{1f600} take the general path.",
        "MIXED Case WoRDs, ALLCAPS HEADLINE: Minister DENIES Claims!",
        "It's a state-of-the-art, well-known, so-called \"breakthrough\" ... or is it?",
        "Prices rose 4.2% y/y to $1.5bn (\u{a3}1.2bn, \u{20ac}1.4bn) in Q3'24.",
        "https://example.com/path?q=1&x=y#frag and user_name@example.org",
        "M\u{fc}ller, G\u{f6}mb\u{f6}s, Fran\u{e7}ois, Jos\u{e9}, Bj\u{f6}rk, \u{c5}se, Nguy\u{1ec5}n.",
        "Tab\tseparated\tvalues\tand\u{b}vertical\u{c}feed.",
    ];

    /// The installed tokenizer without its padding and truncation (as the static tier uses it).
    pub(super) fn plain(dir: &std::path::Path) -> Tokenizer {
        let mut tok = Tokenizer::from_file(dir.join(crate::TOKENIZER_FILE)).expect("loads");
        tok.with_padding(None);
        tok.with_truncation(None).expect("no truncation");
        tok
    }

    /// The installed all-MiniLM-L6-v2 tokenizer, or a printed reason to skip.
    pub(super) fn installed() -> Option<Tokenizer> {
        let m = crate::ModelStore::locate(None)
            .ok()
            .and_then(|s| s.minilm());
        if m.is_none() {
            eprintln!("SKIP: model not installed");
        }
        m.map(|m| plain(&m.dir))
    }

    /// `tok`'s ids for every text, the fast path's where it takes them; returns how many it took.
    fn check(tok: &Tokenizer) -> usize {
        let wp = WordPiece::from_tokenizer(tok).expect("a BERT WordPiece tokenizer");
        let (mut ids, mut word) = (Vec::new(), String::new());
        let mut fast = 0;
        for t in TEXTS {
            let want = tok.encode_fast(*t, false).expect("encodes");
            if wp.encode(t, usize::MAX, &mut ids, &mut word).is_some() {
                assert_eq!(ids, want.get_ids(), "{t:?}");
                fast += 1;
                // A cap keeps exactly the first tokens.
                wp.encode(t, 3, &mut ids, &mut word).expect("same path");
                let n = want.get_ids().len().min(3);
                assert_eq!(ids, &want.get_ids()[..n], "{t:?} capped");
            } else {
                eprintln!("general path: {t:?}");
            }
        }
        fast
    }

    /// Against the installed all-MiniLM-L6-v2 tokenizer, when there is one.
    #[test]
    fn same_ids_as_the_installed_tokenizer() {
        let Some(tok) = installed() else {
            return;
        };
        // All but the added-token, Hangul/emoji texts take the fast path.
        assert_eq!(check(&tok), TEXTS.len() - 2);
    }

    /// Against a small tokenizer written here (runs without the installed model).
    #[test]
    fn same_ids_as_a_small_tokenizer() {
        let words = [
            "[PAD]",
            "[UNK]",
            "[CLS]",
            "[SEP]",
            "[MASK]",
            "the",
            "a",
            "cafe",
            "##s",
            "##e",
            "resume",
            "zurich",
            "pause",
            "in",
            "##ed",
            "un",
            "##known",
            "word",
            "\u{5317}",
            "\u{4eac}",
            ",",
            ".",
            "!",
            "(",
            ")",
            "-",
            "\"",
            "'",
            "s",
            "##t",
            "t",
            "##h",
            "e",
            "1",
            "##0",
            "%",
            "x",
            "\u{43c}",
            "##\u{43e}",
            "##\u{441}",
            "\u{3b1}",
            "\u{3c3}",
            "fi",
            "##nance",
            "aaaa",
            "##aaaa",
            "##a",
        ];
        let vocab: serde_json::Map<String, serde_json::Value> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), serde_json::json!(i)))
            .collect();
        let added: Vec<serde_json::Value> = words[..5]
            .iter()
            .enumerate()
            .map(|(i, w)| {
                serde_json::json!({"id": i, "content": w, "single_word": false, "lstrip": false,
                    "rstrip": false, "normalized": false, "special": true})
            })
            .collect();
        let json = serde_json::json!({
            "version": "1.0", "truncation": null, "padding": null, "added_tokens": added,
            "normalizer": {"type": "BertNormalizer", "clean_text": true,
                "handle_chinese_chars": true, "strip_accents": null, "lowercase": true},
            "pre_tokenizer": {"type": "BertPreTokenizer"},
            "post_processor": null, "decoder": null,
            "model": {"type": "WordPiece", "unk_token": "[UNK]",
                "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
                "vocab": vocab}
        });
        let tok = Tokenizer::from_str(&json.to_string()).expect("a tokenizer");
        assert_eq!(check(&tok), TEXTS.len() - 2);
    }
}

#[cfg(test)]
mod story_tests {
    use super::tests::installed;
    use super::*;

    /// Every line of the story sets and example stories gets the installed tokenizer's ids.
    #[test]
    fn same_ids_on_the_story_sets() {
        let Some(tok) = installed() else {
            return;
        };
        let wp = WordPiece::from_tokenizer(&tok).expect("BERT");
        let here = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let (mut ids, mut word) = (Vec::new(), String::new());
        let mut lines = 0;
        for root in ["../../../shared/stories", "../../examples"] {
            let Ok(dirs) = std::fs::read_dir(here.join(root)) else {
                continue;
            };
            for f in dirs
                .flatten()
                .filter_map(|d| std::fs::read_dir(d.path()).ok())
                .flat_map(|d| d.flatten().map(|e| e.path()))
            {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                for line in text.lines() {
                    let want = tok.encode_fast(line, false).expect("encodes");
                    if wp.encode(line, usize::MAX, &mut ids, &mut word).is_some() {
                        assert_eq!(ids, want.get_ids(), "{}: {line:?}", f.display());
                        lines += 1;
                    }
                }
            }
        }
        eprintln!("{lines} lines agree");
        assert!(lines > 100, "only {lines} lines took the fast path");
    }
}
