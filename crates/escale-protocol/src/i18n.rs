//! The two languages Escale speaks, and how a locale string picks one.
//!
//! Messages themselves live next to what produces them (errors in
//! `error.rs`, warnings in `validate.rs`); this module only owns [`Lang`].

use serde::{Deserialize, Serialize};

/// A user-facing language. French first: it is the default.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    /// `"fr_FR.UTF-8"`, `"en-GB"`, `"EN"` → a language; anything that is not
    /// English falls back to French, the product's first language.
    pub fn from_locale(locale: &str) -> Lang {
        let l = locale.trim().to_ascii_lowercase();
        if l.starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }

    /// Picks the French or the English text.
    pub fn pick<'a>(self, fr: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            _ => Err(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_strings_pick_english_only_when_they_say_english() {
        assert_eq!(Lang::from_locale("en_GB.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("fr_FR.UTF-8"), Lang::Fr);
        assert_eq!(
            Lang::from_locale("de_DE"),
            Lang::Fr,
            "French is the fallback"
        );
        assert_eq!(Lang::from_locale(""), Lang::Fr);
    }
}
