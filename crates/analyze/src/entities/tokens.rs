//! Word and punctuation tokens with byte spans, for the pattern rules of the analysis.

use model::Span;

/// A token: a word (letters, digits and inner `.`, `-`, `'`, `’`) or one punctuation character.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tok<'a> {
    /// Where it is in the document text.
    pub span: Span,
    /// Its text, without a possessive `'s`.
    pub text: &'a str,
    /// True for a word.
    pub word: bool,
    /// True when a possessive `'s` or a plural possessive `'` followed it.
    pub possessive: bool,
}

impl Tok<'_> {
    /// Lower-cased text.
    pub(crate) fn lower(&self) -> String {
        self.text.to_lowercase()
    }

    /// True for a word starting with a capital letter.
    pub(crate) fn is_cap(&self) -> bool {
        self.word && self.text.chars().next().is_some_and(char::is_uppercase)
    }

    /// True when the token is the given punctuation.
    pub(crate) fn is(&self, s: &str) -> bool {
        self.text == s
    }
}

/// True for a word made of one capital letter ("A" of "James A. Lewis") or a dotted acronym.
fn takes_dot(word: &str) -> bool {
    let mut cs = word.chars();
    if let (Some(c), None) = (cs.next(), cs.next()) {
        return c.is_uppercase();
    }
    if word.contains('.') {
        return true;
    }
    // Abbreviated titles keep their stop ("Sen.", "Lt.", "Ms.").
    const ABBR: &[&str] = &[
        "Sen", "Rep", "Gov", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Adm", "Cmdr", "Dr", "Mr",
        "Mrs", "Ms", "Mx", "Prof", "Jr", "Sr", "St", "Inc", "Corp", "Ltd", "Co", "Rev", "Del",
    ];
    ABBR.contains(&word)
}

/// Tokens of `span` of `text`, in order.
pub(crate) fn tokens(text: &str, span: Span) -> Vec<Tok<'_>> {
    let Some(s) = span.get(text) else {
        return Vec::new();
    };
    let base = span.start;
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            let end = chars.get(i + 1).map_or(s.len(), |&(p, _)| p);
            out.push(Tok {
                span: Span::new(base + pos, base + end),
                text: &s[pos..end],
                word: false,
                possessive: false,
            });
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let cj = chars[j].1;
            let next_alnum = chars.get(j + 1).is_some_and(|&(_, n)| n.is_alphanumeric());
            if cj.is_alphanumeric() || (matches!(cj, '.' | '-' | '\'' | '’' | '&') && next_alnum)
            {
                j += 1;
            } else {
                break;
            }
        }
        let mut end = chars.get(j).map_or(s.len(), |&(p, _)| p);
        let mut word = &s[pos..end];
        let mut possessive = false;
        for suffix in ["'s", "’s"] {
            if let Some(w) = word.strip_suffix(suffix) {
                if !w.is_empty() {
                    word = w;
                    possessive = true;
                }
            }
        }
        // A plural possessive ("Workers’") or a stop that belongs to the word ("U.S.", "Lt.").
        if let Some(&(_, n)) = chars.get(j) {
            if matches!(n, '\'' | '’')
                && word.ends_with('s')
                && !chars.get(j + 1).is_some_and(|&(_, m)| m.is_alphanumeric())
            {
                possessive = true;
                j += 1;
            } else if n == '.' && takes_dot(word) {
                end += 1;
                word = &s[pos..end];
                j += 1;
            }
        }
        let _ = end;
        out.push(Tok {
            span: Span::new(base + pos, base + pos + word.len()),
            text: word,
            word: true,
            possessive,
        });
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_abbreviations_and_possessives() {
        let t = "Lt. Gen. Ana Ruiz’s U.S. office, the Workers’ Union.";
        let toks = tokens(t, Span::new(0, t.len()));
        let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
        assert_eq!(
            words,
            vec![
                "Lt.", "Gen.", "Ana", "Ruiz", "U.S.", "office", ",", "the", "Workers", "Union", "."
            ]
        );
        assert!(toks[3].possessive && toks[8].possessive);
        assert_eq!(toks[4].span.text(t), "U.S.");
    }
}
