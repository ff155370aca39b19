//! Validation of what people type or import, before it becomes an op.
//!
//! Hard errors ([`InputError`]: no name at all, a 10,000-character field, a
//! situation that is not one) refuse the whole write. Soft problems (an
//! email or phone that cannot be right) keep the value *out* of the record
//! and come back as [`Warning`]s, so a queue at the desk is never blocked by
//! a typo in an optional field — and nothing wrong is silently stored.
//!
//! [`clean_record`] cleans every field of a record a person typed, each the
//! way its registry [`Kind`] says; the functions below are the rules of
//! each kind.

use crate::catalogue::{self, Problem};
use crate::fields::{self, CleanCtx, CleanOut, Field, Kind, MAX_NAME};
use crate::i18n::Lang;
use crate::model::Entity;
use crate::op::{Fields, Value};
use crate::text::{clean, phone_digits};
use serde::Serialize;
use std::collections::BTreeMap;

pub use crate::fields::{MAX_EMAIL, MAX_NOTES, MAX_SHORT, MAX_TITLE};

/// A typed value that refuses the whole write.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("{field}: required")]
    Required { field: &'static str },
    #[error("a first name or a last name is required")]
    NameRequired,
    #[error("{field}: too long ({len} characters, limit {max})")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field}: invalid value {value:?}")]
    Invalid { field: &'static str, value: String },
}

pub type Result<T, E = InputError> = std::result::Result<T, E>;

impl catalogue::Describe for InputError {
    fn describe(&self) -> Problem {
        use catalogue::m;
        match self {
            InputError::Required { field } => Problem::new(&m::INPUT_REQUIRED).arg("field", field),
            InputError::NameRequired => Problem::new(&m::VISITOR_NAME_REQUIRED),
            InputError::TooLong { field, len, max } => Problem::new(&m::INPUT_TOO_LONG)
                .arg("field", field)
                .arg("len", len)
                .arg("max", max),
            InputError::Invalid { field, value } => Problem::new(&m::INPUT_INVALID)
                .arg("field", field)
                .arg("value", shorten(value, 60)),
        }
    }
}

/// A value cut to `max` characters, with an ellipsis when cut.
pub fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        format!(
            "{}…",
            s.chars().take(max.saturating_sub(1)).collect::<String>()
        )
    } else {
        s.to_string()
    }
}

/// A field that was left out of the record, and why.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub field: &'static str,
    pub code: &'static str,
    pub value: String,
}

impl Warning {
    pub fn new(field: &'static str, code: &'static str, value: impl Into<String>) -> Warning {
        Warning {
            field,
            code,
            value: value.into(),
        }
    }

    /// What happened, from the catalogue (`warning.<code>`).
    pub fn describe(&self) -> Problem {
        let own = catalogue::msg(&format!("warning.{}", self.code));
        Problem::new(own.unwrap_or(&catalogue::m::WARNING_OTHER))
            .arg("value", shorten(&self.value, 40))
            .arg("field", self.field)
    }

    pub fn message(&self, lang: Lang) -> String {
        self.describe().message(lang)
    }
}

/// What a person typed for one record: a value per field name (text, a
/// number for numeric fields, or null).
pub type Raw = BTreeMap<String, Value>;

/// The text of a raw value ("" when absent or null; numbers as digits).
pub fn raw_text(raw: &Raw, name: &str) -> String {
    match raw.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Cleans the fields of a record that `raw` names, each by its kind: the
/// values to set (null to clear a field), plus warnings for values left out.
/// A name in `raw` that is not a field a person types is refused.
pub fn clean_record(entity: Entity, raw: &Raw, warnings: &mut Vec<Warning>) -> Result<Fields> {
    for name in raw.keys() {
        let typed = fields::get(entity, name).is_some_and(|f| f.max > 0);
        if !typed {
            return Err(InputError::Invalid {
                field: "field",
                value: name.chars().take(60).collect(),
            });
        }
    }
    let lookup = |name: &str| raw.contains_key(name).then(|| raw_text(raw, name));
    let ctx = CleanCtx { raw: &lookup };
    let mut out = Fields::new();
    for field in entity.fields().iter().filter(|f| raw.contains_key(f.name)) {
        let mut o = CleanOut::default();
        clean_field(
            field,
            raw.get(field.name).unwrap_or(&Value::Null),
            &ctx,
            &mut o,
        )?;
        for (name, value) in o.values {
            out.insert(name.to_string(), value);
        }
        warnings.extend(o.warnings);
    }
    Ok(out)
}

/// Cleans one typed value by its field's kind.
pub fn clean_field(
    field: &Field,
    raw: &Value,
    ctx: &CleanCtx<'_>,
    out: &mut CleanOut,
) -> Result<()> {
    let text_of = || match raw {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let opt = |v: Option<String>| v.map(Value::String).unwrap_or(Value::Null);
    let name = field.name;
    let mut w = vec![];
    let value = match field.kind {
        Kind::Name | Kind::Text | Kind::Notes | Kind::Code | Kind::DateTime | Kind::Ref(_) => {
            opt(text(name, &text_of(), field.max)?)
        }
        Kind::Email => opt(email_max(name, &text_of(), field.max, &mut w)?),
        Kind::Phone => opt(phone_max(name, &text_of(), field.max, &mut w)?),
        Kind::Postcode => opt(postcode_max(name, &text_of(), field.max, &mut w)?),
        Kind::BirthYear => {
            let t = text_of();
            let t = t.trim();
            if t.is_empty() {
                Value::Null
            } else {
                match t.parse::<i64>() {
                    Ok(y) => birth_year_of(name, Some(y), &mut w)
                        .map(Value::from)
                        .unwrap_or(Value::Null),
                    Err(_) => {
                        text(name, t, 20)?;
                        w.push(Warning::new(name, "invalid_birth_year", t));
                        Value::Null
                    }
                }
            }
        }
        Kind::Choice(choices) => {
            let t = text_of();
            let t = t.trim();
            if t.is_empty() {
                Value::Null
            } else if choices.iter().any(|c| c.value == t) {
                Value::String(t.to_string())
            } else if let Some(c) = by_label(choices, t) {
                // What a spreadsheet or a person writes: the label, in
                // either language ("Salarié·e en télétravail", "Founder").
                Value::String(c.value.to_string())
            } else {
                return Err(InputError::Invalid {
                    field: name,
                    value: t.chars().take(100).collect(),
                });
            }
        }
        Kind::Choices(choices) => {
            // Codes as a list or comma-separated; kept in the list's order.
            let given: Vec<String> = match raw {
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect(),
                _ => vec![text_of()],
            };
            let given: Vec<&str> = given.iter().flat_map(|g| g.split(',')).collect();
            match crate::fields::join_codes(choices, given) {
                Ok(joined) if joined.is_empty() => Value::Null,
                Ok(joined) => Value::String(joined),
                Err(code) => {
                    return Err(InputError::Invalid {
                        field: name,
                        value: code.chars().take(100).collect(),
                    })
                }
            }
        }
        Kind::Count => {
            let t = text_of();
            match t.trim() {
                "" => Value::Null,
                t => match t.parse::<i64>() {
                    Ok(n) if n >= 0 => Value::from(n),
                    _ => {
                        return Err(InputError::Invalid {
                            field: name,
                            value: t.chars().take(20).collect(),
                        })
                    }
                },
            }
        }
        Kind::Flag => match raw {
            Value::Bool(b) => Value::Bool(*b),
            Value::Null => Value::Null,
            v => {
                return Err(InputError::Invalid {
                    field: name,
                    value: v.to_string().chars().take(20).collect(),
                })
            }
        },
        Kind::Custom(c) => {
            let t = text_of();
            text(name, &t, field.max)?;
            (c.clean)(&t, ctx, out);
            return Ok(());
        }
    };
    out.values.push((name, value));
    out.warnings.extend(w);
    Ok(())
}

/// The name rule of a person's record: after the write, a first or a last
/// name. `first` and `last` are the record's values once written.
pub fn require_a_name(first: Option<&str>, last: Option<&str>) -> Result<()> {
    let blank = |v: Option<&str>| v.is_none_or(|s| s.trim().is_empty());
    if blank(first) && blank(last) {
        return Err(InputError::NameRequired);
    }
    Ok(())
}

/// A cleaned, length-checked text field; empty becomes None.
pub fn text(field: &'static str, raw: &str, max: usize) -> Result<Option<String>> {
    let len = raw.chars().count();
    if len > max * 4 + 1_000 {
        // Absurd input: refuse before spending time cleaning it.
        return Err(InputError::TooLong { field, len, max });
    }
    let v = clean(raw);
    let len = v.chars().count();
    if len > max {
        return Err(InputError::TooLong { field, len, max });
    }
    Ok(if v.is_empty() { None } else { Some(v) })
}

/// First and last names: at least one must be present.
pub fn names(first: &str, last: &str) -> Result<(Option<String>, Option<String>)> {
    let f = text("first_name", first, MAX_NAME)?;
    let l = text("last_name", last, MAX_NAME)?;
    if f.is_none() && l.is_none() {
        return Err(InputError::NameRequired);
    }
    Ok((f, l))
}

/// Lower-cased email if plausible, else a warning.
pub fn email(raw: &str, warnings: &mut Vec<Warning>) -> Result<Option<String>> {
    email_max("email", raw, MAX_EMAIL, warnings)
}

/// The value of a closed list whose French or English label is `text`
/// (accents, case and punctuation aside).
fn by_label<'a>(choices: &'a [fields::Choice], text: &str) -> Option<&'a fields::Choice> {
    let key = crate::text::fold(text);
    choices
        .iter()
        .find(|c| crate::text::fold(c.label.fr) == key || crate::text::fold(c.label.en) == key)
}

fn email_max(
    field: &'static str,
    raw: &str,
    max: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Option<String>> {
    let Some(v) = text(field, raw, max)? else {
        return Ok(None);
    };
    let v = v.to_lowercase();
    if is_plausible_email(&v) {
        Ok(Some(v))
    } else {
        warnings.push(Warning::new(field, "invalid_email", v));
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
    phone_max("phone", raw, 40, warnings)
}

fn phone_max(
    field: &'static str,
    raw: &str,
    max: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Option<String>> {
    let Some(v) = text(field, raw, max)? else {
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
        warnings.push(Warning::new(field, "invalid_phone", v));
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
    postcode_max("postcode", raw, 20, warnings)
}

fn postcode_max(
    field: &'static str,
    raw: &str,
    max: usize,
    warnings: &mut Vec<Warning>,
) -> Result<Option<String>> {
    let Some(v) = text(field, raw, max)? else {
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
        warnings.push(Warning::new(field, "invalid_postcode", v));
        Ok(None)
    }
}

pub fn birth_year(year: Option<i64>, warnings: &mut Vec<Warning>) -> Option<i64> {
    birth_year_of("birth_year", year, warnings)
}

fn birth_year_of(
    field: &'static str,
    year: Option<i64>,
    warnings: &mut Vec<Warning>,
) -> Option<i64> {
    let y = year?;
    let this_year = i64::from(chrono::Datelike::year(&crate::clock::now_utc()));
    if (1900..=this_year).contains(&y) {
        Some(y)
    } else {
        warnings.push(Warning::new(field, "invalid_birth_year", y.to_string()));
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(pairs: &[(&str, Value)]) -> Raw {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn a_name_is_required_and_whitespace_is_not_a_name() {
        assert!(matches!(names("   ", "\t"), Err(InputError::NameRequired)));
        assert!(
            matches!(names("\u{0}\u{1}", ""), Err(InputError::NameRequired)),
            "control characters are not a name"
        );
        assert_eq!(names(" Zoé ", "").unwrap(), (Some("Zoé".into()), None));
        assert!(require_a_name(Some(" "), None).is_err());
        assert!(require_a_name(None, Some("Martin")).is_ok());
    }

    #[test]
    fn a_ten_thousand_character_name_is_refused_not_truncated() {
        let long = "a".repeat(10_000);
        match names(&long, "Martin") {
            Err(InputError::TooLong { field, len, max }) => {
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

    #[test]
    fn a_record_is_cleaned_field_by_field_by_kind() {
        let mut w = vec![];
        let out = clean_record(
            Entity::Visitor,
            &raw(&[
                ("first_name", Value::from(" Éloïse ")),
                ("email", Value::from("pas-un-email")),
                ("phone", Value::from("06 12 34 56 78")),
                ("birth_year", Value::from(1991)),
                ("situation", Value::from("job_seeker")),
                ("notes", Value::from("")),
            ]),
            &mut w,
        )
        .unwrap();
        assert_eq!(out["first_name"], Value::from("Éloïse"));
        assert_eq!(out["email"], Value::Null, "left out, with a warning");
        assert_eq!(out["phone"], Value::from("+33612345678"));
        assert_eq!(out["birth_year"], Value::from(1991));
        assert_eq!(out["notes"], Value::Null, "an empty value clears the field");
        assert!(!out.contains_key("last_name"), "only what was typed");
        assert_eq!(w.len(), 1);
        assert_eq!((w[0].field, w[0].code), ("email", "invalid_email"));
        let err = clean_record(
            Entity::Visitor,
            &raw(&[("situation", Value::from("astronaut"))]),
            &mut w,
        )
        .unwrap_err();
        assert_eq!(
            err,
            InputError::Invalid {
                field: "situation",
                value: "astronaut".into()
            }
        );
        // A value's label, in either language, is that value.
        let out = clean_record(
            Entity::Visitor,
            &raw(&[
                ("situation", Value::from("Demandeur·se d’emploi")),
                ("cowork_status", Value::from("employee working remotely")),
            ]),
            &mut w,
        )
        .unwrap();
        assert_eq!(out["situation"], Value::from("job_seeker"));
        assert_eq!(out["cowork_status"], Value::from("remote_employee"));
        let err = clean_record(
            Entity::Visitor,
            &raw(&[("badge_code", Value::from("E1234567"))]),
            &mut w,
        )
        .unwrap_err();
        assert!(
            matches!(err, InputError::Invalid { field: "field", .. }),
            "a badge code is made by Escale, never typed"
        );
    }
}
