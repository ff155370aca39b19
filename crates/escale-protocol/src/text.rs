//! Text hygiene and folding.
//!
//! [`clean`] is what every user-typed string goes through before it is
//! stored: NFC, no control characters, trimmed, inner whitespace collapsed.
//! [`fold`] is what search and duplicate detection compare: lower case, no
//! accents, letters that do not decompose mapped by hand (Ł→l, ß→ss, œ→oe…),
//! apostrophes, hyphens and other punctuation turned into separators.
//! [`osa_distance_le1`] tells whether two folded tokens are one typo apart.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// NFC, control characters removed, whitespace trimmed and collapsed.
pub fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfc() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// Folds a string for comparison: lower case, accents stripped, special
/// letters spelled out, every non-alphanumeric character a space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'ł' | 'Ł' => out.push('l'),
            'ß' | 'ẞ' => out.push_str("ss"),
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ø' | 'Ø' => out.push('o'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ı' => out.push('i'),
            'þ' | 'Þ' => out.push_str("th"),
            c if c.is_alphanumeric() => out.extend(c.to_lowercase()),
            _ => out.push(' '),
        }
    }
    out
}

/// The folded tokens of a string (split on everything that is not a letter or digit).
pub fn tokens(s: &str) -> Vec<String> {
    fold(s).split_whitespace().map(str::to_string).collect()
}

/// A key for "same name": folded tokens of both names, sorted, so that
/// "N'Diaye-Lefèvre Éloïse" and "Eloise NDIAYE LEFEVRE" agree... except for
/// the apostrophe split, which is why single letters are glued to the next token.
pub fn name_key(first: &str, last: &str) -> String {
    let mut toks = glue_initials(tokens(&format!("{first} {last}")));
    toks.sort();
    toks.join(" ")
}

/// "n diaye" → "ndiaye": a lone letter before a token is an elided prefix
/// (N'Diaye, d'Artagnan, O'Brien), so match both spellings.
pub fn glue_initials(toks: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(toks.len());
    let mut carry: Option<String> = None;
    for t in toks {
        if t.chars().count() == 1 && t.chars().all(|c| c.is_alphabetic()) {
            carry = Some(carry.unwrap_or_default() + &t);
            continue;
        }
        match carry.take() {
            Some(prefix) => out.push(prefix + &t),
            None => out.push(t),
        }
    }
    if let Some(c) = carry {
        out.push(c);
    }
    out
}

/// Optimal-string-alignment distance ≤ 1: one insertion, deletion,
/// substitution or transposition of adjacent letters.
pub fn osa_distance_le1(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if prefix == la && prefix == lb {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    if la == lb {
        // substitution, or transposition of the first differing pair
        ra[1..] == rb[1..]
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if la > lb {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

/// Digits of a phone number, in national French form when it is French
/// ("+33 6 12 34 56 78" and "06.12.34.56.78" both give "0612345678").
pub fn phone_digits(s: &str) -> String {
    let digits: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
    if let Some(rest) = digits.strip_prefix("0033") {
        format!("0{rest}")
    } else if s.trim_start().starts_with('+') {
        if let Some(rest) = digits.strip_prefix("33") {
            format!("0{rest}")
        } else {
            digits
        }
    } else {
        digits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_strips_accents_and_spells_out_special_letters() {
        assert_eq!(fold("Éloïse"), "eloise");
        assert_eq!(fold("Łukasz"), "lukasz");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Nguyễn"), "nguyen");
        assert_eq!(fold("Ömer"), "omer");
        assert_eq!(tokens("N'Diaye-Lefèvre"), vec!["n", "diaye", "lefevre"]);
        assert_eq!(
            tokens("O’Brien"),
            vec!["o", "brien"],
            "typographic apostrophe too"
        );
    }

    #[test]
    fn clean_removes_control_characters_and_collapses_spaces() {
        assert_eq!(clean("  Jean\u{0}\u{7}   Paul\t\n"), "Jean Paul");
        assert_eq!(
            clean("E\u{301}loi\u{308}se"),
            "Éloïse",
            "decomposed input is recomposed (NFC)"
        );
        assert_eq!(
            clean("\u{200B}Zoé\u{FEFF}"),
            "Zoé",
            "zero-width characters are dropped"
        );
    }

    #[test]
    fn one_typo_means_one_edit_or_one_swap() {
        assert!(osa_distance_le1("martin", "martin"));
        assert!(osa_distance_le1("martin", "matrin"), "transposition");
        assert!(osa_distance_le1("martin", "marin"), "deletion");
        assert!(osa_distance_le1("martin", "martins"), "insertion");
        assert!(osa_distance_le1("martin", "mertin"), "substitution");
        assert!(!osa_distance_le1("martin", "mratni"));
        assert!(!osa_distance_le1("martin", "mar"));
    }

    #[test]
    fn name_key_agrees_across_spellings() {
        assert_eq!(
            name_key("Éloïse", "N'Diaye-Lefèvre"),
            name_key("ELOISE", "NDIAYE LEFEVRE"),
        );
        assert_eq!(
            name_key("Jean", "Dupont"),
            name_key("Dupont", "Jean"),
            "swapped columns still match"
        );
    }

    #[test]
    fn french_phone_numbers_have_one_national_form() {
        assert_eq!(phone_digits("+33 6 12 34 56 78"), "0612345678");
        assert_eq!(phone_digits("06.12.34.56.78"), "0612345678");
        assert_eq!(phone_digits("0033612345678"), "0612345678");
        assert_eq!(phone_digits("+44 20 7946 0000"), "442079460000");
    }
}
