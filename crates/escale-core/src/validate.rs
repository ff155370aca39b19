//! Validation of what people type or import, before it becomes an op.
//!
//! Hard errors (no name at all, a 10,000-character field) refuse the whole
//! write. Soft problems (an email or phone that cannot be right) keep the
//! value *out* of the record and come back as [`Warning`]s, so a queue at the
//! desk is never blocked by a typo in an optional field — and nothing wrong
//! is silently stored.

use crate::error::{Error, Result};
use crate::i18n::Lang;
use crate::model::Situation;
use crate::text::{clean, phone_digits};
use serde::Serialize;

pub const MAX_NAME: usize = 100;
pub const MAX_EMAIL: usize = 254;
pub const MAX_SHORT: usize = 100;
pub const MAX_NOTES: usize = 2_000;
pub const MAX_TITLE: usize = 200;

/// A field that was left out of the record, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub field: &'static str,
    pub code: &'static str,
    pub value: String,
}

impl Warning {
    pub fn message(&self, lang: Lang) -> String {
        let v = if self.value.chars().count() > 40 {
            format!("{}…", self.value.chars().take(40).collect::<String>())
        } else {
            self.value.clone()
        };
        match (self.code, lang) {
            ("invalid_email", Lang::Fr) => format!("E-mail « {v} » invalide : non enregistré."),
            ("invalid_email", Lang::En) => format!("Invalid email \"{v}\": not saved."),
            ("invalid_phone", Lang::Fr) => format!("Téléphone « {v} » invalide : non enregistré."),
            ("invalid_phone", Lang::En) => format!("Invalid phone number \"{v}\": not saved."),
            ("invalid_postcode", Lang::Fr) => {
                format!("Code postal « {v} » invalide : non enregistré.")
            }
            ("invalid_postcode", Lang::En) => format!("Invalid postcode \"{v}\": not saved."),
            ("invalid_birth_year", Lang::Fr) => {
                format!("Année de naissance « {v} » invraisemblable : non enregistrée.")
            }
            ("invalid_birth_year", Lang::En) => {
                format!("Implausible birth year \"{v}\": not saved.")
            }
            (_, Lang::Fr) => format!("Valeur « {v} » ignorée ({})", self.field),
            (_, Lang::En) => format!("Value \"{v}\" ignored ({})", self.field),
        }
    }
}

/// A cleaned, length-checked text field; empty becomes None.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<Option<String>> {
    let len = raw.chars().count();
    if len > max * 4 + 1_000 {
        // Absurd input: refuse before spending time cleaning it.
        return Err(Error::TooLong { field, len, max });
    }
    let v = clean(raw);
    let len = v.chars().count();
    if len > max {
        return Err(Error::TooLong { field, len, max });
    }
    Ok(if v.is_empty() { None } else { Some(v) })
}

/// First and last names: at least one must be present.
pub fn names(first: &str, last: &str) -> Result<(Option<String>, Option<String>)> {
    let f = text("first_name", first, MAX_NAME)?;
    let l = text("last_name", last, MAX_NAME)?;
    if f.is_none() && l.is_none() {
        return Err(Error::NameRequired);
    }
    Ok((f, l))
}

/// Lower-cased email if plausible, else a warning.
pub fn email(raw: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>> {
    let Some(v) = text("email", raw, MAX_EMAIL)? else {
        return Ok(None);
    };
    let v = v.to_lowercase();
    if is_plausible_email(&v) {
        Ok(Some(v))
    } else {
        warnings.push(Warning {
            field: "email",
            code: "invalid_email",
            value: v,
        });
        Ok(None)
    }
}

fn is_plausible_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && !v
            .chars()
            .any(|c| c.is_whitespace() || c == ',' || c == ';' || c == '<' || c == '>')
}

/// Phone in a canonical form (`+33612345678` for French numbers), else a warning.
pub fn phone(raw: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>> {
    let Some(v) = text("phone", raw, 40)? else {
        return Ok(None);
    };
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +.-()/".contains(c));
    let digits = phone_digits(&v);
    let ok = allowed
        && (8..=15).contains(&digits.len())
        && v.trim_start_matches('+')
            .starts_with(|c: char| c.is_ascii_digit() || c == '(');
    if !ok {
        warnings.push(Warning {
            field: "phone",
            code: "invalid_phone",
            value: v,
        });
        return Ok(None);
    }
    Ok(Some(if digits.len() == 10 && digits.starts_with('0') {
        format!("+33{}", &digits[1..])
    } else if v.trim_start().starts_with('+') || v.starts_with("00") {
        format!("+{}", digits.trim_start_matches("00"))
    } else {
        digits
    }))
}

/// French postcodes are five digits; other countries' are kept if short and alphanumeric.
pub fn postcode(raw: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>> {
    let Some(v) = text("postcode", raw, 20)? else {
        return Ok(None);
    };
    let compact: String = v.chars().filter(|c| !c.is_whitespace()).collect();
    let ok = compact.len() <= 10
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && compact.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(Some(v.to_uppercase()))
    } else {
        warnings.push(Warning {
            field: "postcode",
            code: "invalid_postcode",
            value: v,
        });
        Ok(None)
    }
}

pub fn birth_year(year: Option<i64>, warnings: &mut Vec<Warning>) -> Option<i64> {
    let y = year?;
    let this_year = i64::from(chrono::Datelike::year(&chrono::Utc::now()));
    if (1900..=this_year).contains(&y) {
        Some(y)
    } else {
        warnings.push(Warning {
            field: "birth_year",
            code: "invalid_birth_year",
            value: y.to_string(),
        });
        None
    }
}

pub fn situation(raw: &str) -> Result<Option<Situation>> {
    let v = raw.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| Error::Invalid {
        field: "situation",
        value: v.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_required_and_whitespace_is_not_a_name() {
        assert!(matches!(names("   ", "\t"), Err(Error::NameRequired)));
        assert!(
            matches!(names("\u{0}\u{1}", ""), Err(Error::NameRequired)),
            "control characters are not a name"
        );
        assert_eq!(names(" Zoé ", "").unwrap(), (Some("Zoé".into()), None));
    }

    #[test]
    fn a_ten_thousand_character_name_is_refused_not_truncated() {
        let long = "a".repeat(10_000);
        match names(&long, "Martin") {
            Err(Error::TooLong { field, len, max }) => {
                assert_eq!((field, max), ("first_name", MAX_NAME));
                assert_eq!(len, 10_000);
            }
            other => panic!("expected TooLong, got {other:?}"),
        }
    }

    #[test]
    fn invalid_email_and_phone_are_kept_out_with_a_warning() {
        let mut w = vec![];
        assert_eq!(email("chloe.martin@", &mut w).unwrap(), None);
        assert_eq!(phone("call me maybe", &mut w).unwrap(), None);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].code, "invalid_email");
        assert!(w[1].message(Lang::Fr).contains("Téléphone"));
        assert!(w[1].message(Lang::En).contains("phone"));
        let mut w = vec![];
        assert_eq!(
            email(" Chloe.Martin@Example.ORG ", &mut w)
                .unwrap()
                .as_deref(),
            Some("chloe.martin@example.org")
        );
        assert_eq!(
            phone("06 12 34 56 78", &mut w).unwrap().as_deref(),
            Some("+33612345678")
        );
        assert!(w.is_empty());
    }
}
