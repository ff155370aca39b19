//! Text clean-up shared by every reader: cell cleaning (trim, control
//! characters, NFC, inner whitespace) and folding (case- and accent-free keys
//! used to match headers and status/situation values).
//!
//! Pure string functions only: no knowledge of formats, columns or files.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Folds a header (or any label) to a matching key: lowercase, accents
/// stripped, every run of punctuation/whitespace turned into one space.
///
/// `"Adresse e-mail"` → `"adresse e mail"`, `"N° Pôle emploi"` → `"n pole emploi"`,
/// `"Order #"` → `"order"`.
pub fn fold_header(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    // NFKD so that ligatures and compatibility forms ("ﬁ", full-width letters)
    // fold like their plain spelling; combining marks are then dropped.
    // Degree / ordinal signs mean "number" ("N°", "Nº") and must not glue to
    // letters; they are replaced before NFKD turns "º" into "o".
    let spaced = s.chars().map(|c| {
        if matches!(c, '°' | 'º' | 'ª') {
            ' '
        } else {
            c
        }
    });
    for c in spaced.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        let replacement: Option<&str> = match c {
            'œ' | 'Œ' => Some("oe"),
            'æ' | 'Æ' => Some("ae"),
            'ß' => Some("ss"),
            'ø' | 'Ø' => Some("o"),
            'ł' | 'Ł' => Some("l"),
            'đ' | 'Đ' => Some("d"),
            'ı' => Some("i"),
            _ => None,
        };
        let is_word = c.is_alphanumeric();
        if !is_word && replacement.is_none() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match replacement {
            Some(r) => out.push_str(r),
            None => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// Folds a cell value for comparisons (statuses, situations, hashing):
/// same rules as [`fold_header`].
pub(crate) fn fold_value(s: &str) -> String {
    fold_header(s)
}

/// True when a character must never survive into stored text.
fn is_stripped_control(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}')
        // Invisible characters that sneak in through copy-paste and BOM mishaps.
        || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}')
}

/// Cleans one cell: trims, turns line breaks and tabs into spaces, drops other
/// control characters, NFC-normalises and collapses inner whitespace runs.
pub(crate) fn clean_cell(raw: &str) -> String {
    // Fast path: most cells are short ASCII without anything to fix; this keeps
    // the 100k-row imports fast even in debug builds.
    if raw.is_ascii() && !needs_ascii_fix(raw) {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for c in raw.chars() {
        // Tabs and line breaks separate words (a multi-line comment keeps its
        // words apart); other controls, NEL included, simply vanish.
        let separator = matches!(c, '\t' | '\n' | '\r' | '\u{000B}' | '\u{000C}')
            || (c.is_whitespace() && !is_stripped_control(c));
        if separator {
            pending_space = !out.is_empty();
            continue;
        }
        if is_stripped_control(c) {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    if is_nfc_quick(out.chars()) == IsNormalized::Yes {
        out
    } else {
        out.nfc().collect()
    }
}

/// An ASCII string needs work if it has control characters, leading/trailing
/// spaces or a double space.
fn needs_ascii_fix(s: &str) -> bool {
    let b = s.as_bytes();
    if b.first() == Some(&b' ') || b.last() == Some(&b' ') {
        return true;
    }
    let mut prev_space = false;
    for &c in b {
        if c < 0x20 || c == 0x7F {
            return true;
        }
        let space = c == b' ';
        if space && prev_space {
            return true;
        }
        prev_space = space;
    }
    false
}

/// True when the raw cell holds nothing but whitespace / invisible characters.
pub(crate) fn is_blank(raw: &str) -> bool {
    raw.chars()
        .all(|c| c.is_whitespace() || is_stripped_control(c))
}

/// Whole-word / whole-phrase containment on folded text (`phrase` is folded too).
pub(crate) fn has_phrase(folded: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let hay = folded.as_bytes();
    let mut start = 0;
    while let Some(pos) = folded[start..].find(phrase) {
        let at = start + pos;
        let end = at + phrase.len();
        let left_ok = at == 0 || hay.get(at - 1) == Some(&b' ');
        let right_ok = end == hay.len() || hay.get(end) == Some(&b' ');
        if left_ok && right_ok {
            return true;
        }
        start = at + 1;
        // `find` returns byte offsets; step to the next char boundary.
        while start < folded.len() && !folded.is_char_boundary(start) {
            start += 1;
        }
        if start >= folded.len() {
            break;
        }
    }
    false
}

/// True when some word of `folded` starts with `stem` ("etudiant" matches "etudiante").
pub(crate) fn has_word_prefix(folded: &str, stem: &str) -> bool {
    folded.split(' ').any(|w| w.starts_with(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_header_strips_accents_case_and_punctuation() {
        assert_eq!(fold_header("  Adresse E-mail "), "adresse e mail");
        assert_eq!(fold_header("Prénom"), "prenom");
        assert_eq!(fold_header("N° Pôle emploi"), "n pole emploi");
        assert_eq!(fold_header("Nº de billet"), "n de billet");
        assert_eq!(fold_header("Order #"), "order");
        assert_eq!(
            fold_header("Attendee name: Given name"),
            "attendee name given name"
        );
        assert_eq!(fold_header("Cœur"), "coeur");
        assert_eq!(
            fold_header("Date de naissance\u{00A0}:"),
            "date de naissance"
        );
    }

    #[test]
    fn clean_cell_strips_controls_and_collapses_whitespace() {
        assert_eq!(clean_cell("  Chloé\u{0007}  Martin \r\n"), "Chloé Martin");
        assert_eq!(
            clean_cell("a\u{0085}b\u{009F}c"),
            "abc",
            "C1 controls are dropped"
        );
        assert_eq!(
            clean_cell("ligne 1\nligne 2"),
            "ligne 1 ligne 2",
            "line breaks become spaces"
        );
        assert_eq!(
            clean_cell("\u{FEFF}Nom"),
            "Nom",
            "a stray BOM is not part of the text"
        );
        assert_eq!(clean_cell("plain"), "plain");
    }

    #[test]
    fn clean_cell_normalises_to_nfc() {
        let decomposed = "E\u{0301}loi\u{0308}se";
        assert_eq!(
            clean_cell(decomposed),
            "Éloïse",
            "NFD input must be stored composed"
        );
    }

    #[test]
    fn has_phrase_matches_whole_words_only() {
        assert!(has_phrase("nom de famille", "nom"));
        assert!(
            !has_phrase("prenom", "nom"),
            "'nom' inside 'prenom' is not the word 'nom'"
        );
        assert!(has_phrase("statut cdi temps plein", "cdi"));
        assert!(!has_phrase("cdiscount", "cdi"));
        assert!(has_phrase(
            "je suis demandeur d emploi",
            "demandeur d emploi"
        ));
    }

    #[test]
    fn blank_detection_ignores_invisible_characters() {
        assert!(is_blank("  \u{FEFF}\t"));
        assert!(!is_blank(" x "));
    }
}
