//! Splitting a single "Nom complet" / "Name" / "Attendee name" cell into first
//! and last name.
//!
//! Heuristics only (French usage first); it never drops a character of the
//! input and never guesses from outside knowledge (no name dictionaries).

/// Lower-case particles that belong to the last name when they precede its
/// final word ("Jean de La Fontaine" → last name "de La Fontaine").
const PARTICLES: &[&str] = &[
    "de", "du", "des", "d'", "d’", "la", "le", "van", "von", "der", "den", "da", "di", "dos",
    "das", "del", "della", "ben", "bin", "el", "al", "ter", "ten", "zu",
];

/// Splits a cleaned full name into `(first_name, last_name)`.
///
/// Rules, in order:
/// 1. `"Martin, Chloé"` (comma) → last name before the comma.
/// 2. Leading words written in capitals (`"N'DIAYE-LEFÈVRE Éloïse"`) are the
///    last name (French administrative order).
/// 3. Trailing words in capitals (`"Chloé MARTIN"`) are the last name.
/// 4. Otherwise the last word (with its particles) is the last name.
///
/// A single word goes to the last name.
pub(crate) fn split_full_name(full: &str) -> (String, String) {
    let full = full.trim();
    if full.is_empty() {
        return (String::new(), String::new());
    }
    if let Some((last, first)) = full.split_once(',') {
        let (last, first) = (last.trim(), first.trim());
        if !last.is_empty() && !first.is_empty() {
            return (first.to_string(), last.to_string());
        }
    }
    let words: Vec<&str> = full.split_whitespace().collect();
    if words.len() < 2 {
        return (String::new(), full.to_string());
    }
    let caps: Vec<bool> = words.iter().map(|w| is_upper_word(w)).collect();
    // Only use capitals as a signal when the name mixes capitalised and
    // upper-case words; "JEAN MARTIN" or "jean martin" say nothing.
    let mixed = caps.iter().any(|c| *c) && caps.iter().any(|c| !*c);
    if mixed {
        let leading = caps.iter().take_while(|c| **c).count();
        if leading > 0 && leading < words.len() {
            return (words[leading..].join(" "), words[..leading].join(" "));
        }
        let trailing = caps.iter().rev().take_while(|c| **c).count();
        if trailing > 0 && trailing < words.len() {
            let cut = words.len() - trailing;
            return (words[..cut].join(" "), words[cut..].join(" "));
        }
    }
    let mut cut = words.len() - 1;
    while cut > 1 && PARTICLES.contains(&words[cut - 1].to_lowercase().as_str()) {
        cut -= 1;
    }
    (words[..cut].join(" "), words[cut..].join(" "))
}

/// A word "in capitals": has at least two letters and no lower-case letter.
fn is_upper_word(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    letters >= 2 && !w.chars().any(|c| c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::split_full_name;

    fn split(s: &str) -> (String, String) {
        split_full_name(s)
    }

    #[test]
    fn last_word_is_the_last_name() {
        assert_eq!(split("Chloé Martin"), ("Chloé".into(), "Martin".into()));
        assert_eq!(
            split("Jean Pierre Martin"),
            ("Jean Pierre".into(), "Martin".into())
        );
    }

    #[test]
    fn upper_case_leading_words_are_the_last_name() {
        assert_eq!(
            split("N'DIAYE-LEFÈVRE Éloïse"),
            ("Éloïse".into(), "N'DIAYE-LEFÈVRE".into()),
            "French 'NOM Prénom' order puts the capitalised family name first"
        );
        assert_eq!(split("NGUYỄN Văn An"), ("Văn An".into(), "NGUYỄN".into()));
    }

    #[test]
    fn upper_case_trailing_words_are_the_last_name() {
        assert_eq!(split("Ömer YILMAZ"), ("Ömer".into(), "YILMAZ".into()));
    }

    #[test]
    fn particles_stay_with_the_last_name() {
        assert_eq!(
            split("Jean de La Fontaine"),
            ("Jean".into(), "de La Fontaine".into())
        );
    }

    #[test]
    fn comma_means_last_name_first() {
        assert_eq!(split("Nowak, Łukasz"), ("Łukasz".into(), "Nowak".into()));
    }

    #[test]
    fn single_word_goes_to_last_name() {
        assert_eq!(split("Chloé"), (String::new(), "Chloé".into()));
        assert_eq!(split("  "), (String::new(), String::new()));
    }
}
