//! Turning one row of cells into a [`Row`]: skip rules (blank, totals line,
//! over-long cell, cancelled / refunded / unpaid status, no name), field
//! cleaning, payer fallback, birth year, situation, and a stable per-ticket
//! key.
//!
//! Knows nothing about files or encodings: it receives cells already decoded.

use crate::dates::parse_birth_year;
use crate::formats::{status_skip, SourceFormat};
use crate::gender::code_gender;
use crate::keys::{fnv1a, KeyAllocator};
use crate::names::split_full_name;
use crate::normalize::{clean_cell, fold_value, is_blank};
use crate::situation::map_situation;
use crate::{ColumnMapping, ImportRecord, Row, Situation, SkipReason, Skipped, MAX_CELL_CHARS};
use std::collections::BTreeMap;

/// Everything needed to build records for one file.
pub(crate) struct RowBuilder {
    pub headers: Vec<String>,
    pub mapping: ColumnMapping,
    pub format: SourceFormat,
    /// XLSX: plain numbers in date columns are Excel serial dates.
    pub numeric_dates: bool,
    pub max_year: i32,
    keys: KeyAllocator,
}

const SUMMARY_WORDS: &[&str] = &[
    "total",
    "totaux",
    "totals",
    "sous total",
    "total general",
    "grand total",
    "somme",
    "sum",
];

impl RowBuilder {
    pub(crate) fn new(
        headers: Vec<String>,
        mapping: ColumnMapping,
        format: SourceFormat,
        numeric_dates: bool,
        max_year: i32,
    ) -> Self {
        Self {
            headers,
            mapping,
            format,
            numeric_dates,
            max_year,
            keys: KeyAllocator::default(),
        }
    }

    pub(crate) fn build(&mut self, line: usize, cells: &[String]) -> Row {
        let skipped = |reason| Row::Skipped(Skipped { line, reason });
        if cells.iter().all(|c| is_blank(c)) {
            return skipped(SkipReason::Empty);
        }
        if let Some(first) = cells.iter().find(|c| !is_blank(c)) {
            let f = fold_value(first);
            if SUMMARY_WORDS.contains(&f.as_str())
                || f.starts_with("total ")
                || f.starts_with("totaux ")
            {
                return skipped(SkipReason::Summary);
            }
        }
        let raw = |i: Option<usize>| i.and_then(|i| cells.get(i)).map_or("", String::as_str);
        for i in self.mapping.columns() {
            let cell = raw(Some(i));
            // Byte length bounds char length: only long cells need counting.
            if cell.len() > MAX_CELL_CHARS {
                let length = clean_cell(cell).chars().count();
                if length > MAX_CELL_CHARS {
                    let column = self.headers.get(i).cloned().unwrap_or_default();
                    return skipped(SkipReason::FieldTooLong { column, length });
                }
            }
        }
        let m = &self.mapping;
        let get = |i: Option<usize>| clean_cell(raw(i));
        if let Some(si) = m.status {
            let header = self.headers.get(si).map_or("", String::as_str);
            if let Some(reason) = status_skip(self.format, header, &get(Some(si))) {
                return skipped(reason);
            }
        }

        let field = |name: &str| get(m.get(name));
        let (mut first_name, mut last_name) = (field("first_name"), field("last_name"));
        if first_name.is_empty() && last_name.is_empty() {
            (first_name, last_name) = split_full_name(&get(m.full_name));
        }
        let (mut payer_first, mut payer_last) = (get(m.payer_first_name), get(m.payer_last_name));
        if payer_first.is_empty() && payer_last.is_empty() {
            (payer_first, payer_last) = split_full_name(&get(m.payer_full_name));
        }
        let mut from_payer = false;
        if first_name.is_empty() && last_name.is_empty() {
            first_name.clone_from(&payer_first);
            last_name.clone_from(&payer_last);
            from_payer = true;
        }
        if first_name.is_empty() && last_name.is_empty() {
            return skipped(SkipReason::NoName);
        }

        let mut email = field("email").to_lowercase();
        if email.is_empty() {
            // The payer's email is the participant's only when they are the
            // same person; otherwise it would reach someone else.
            let same_person = from_payer
                || (fold_value(&first_name) == fold_value(&payer_first)
                    && fold_value(&last_name) == fold_value(&payer_last));
            if same_person {
                email = get(m.payer_email).to_lowercase();
            }
        }

        let birth_year = {
            let from_year =
                parse_birth_year(&field("birth_year"), self.numeric_dates, self.max_year);
            from_year
                .or_else(|| parse_birth_year(&get(m.birth_date), self.numeric_dates, self.max_year))
        };
        let situation_text = field("situation");
        let situation = map_situation(&situation_text);
        let situation_raw = if situation == Some(Situation::Other) {
            situation_text
        } else {
            String::new()
        };
        let registered_at = get(m.registered_at);

        let id = get(m.source_key);
        let key = if id.is_empty() {
            let basis = [
                fold_value(&first_name),
                fold_value(&last_name),
                email.clone(),
                registered_at.clone(),
            ]
            .join("\u{1f}");
            format!("h:{:016x}", fnv1a(basis.as_bytes()))
        } else {
            match get(m.source_key_extra) {
                extra if extra.is_empty() => id,
                extra => format!("{id}-{extra}"),
            }
        };
        let source_key = self.keys.allocate(key);

        // Every mapped field as read; the ones read above as they came out.
        let mut fields: BTreeMap<String, String> = m
            .fields
            .keys()
            .map(|name| (name.clone(), field(name)))
            .collect();
        fields.insert("first_name".into(), first_name);
        fields.insert("last_name".into(), last_name);
        fields.insert("email".into(), email);
        fields.insert(
            "birth_year".into(),
            birth_year.map(|y| y.to_string()).unwrap_or_default(),
        );
        fields.insert(
            "situation".into(),
            situation
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        );
        code_gender(&mut fields);
        fields.retain(|_, v| !v.is_empty());
        Row::Record(ImportRecord {
            line,
            fields,
            situation_raw,
            source_key,
            ticket_code: get(m.ticket_code),
            registered_at,
            from_payer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(headers: &[&str], mapping: ColumnMapping) -> RowBuilder {
        RowBuilder::new(
            headers.iter().map(|h| h.to_string()).collect(),
            mapping,
            SourceFormat::Generic,
            false,
            2025,
        )
    }

    fn cells(v: &[&str]) -> Vec<String> {
        v.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn identical_rows_get_distinct_but_stable_keys() {
        let mut mapping = ColumnMapping::default();
        mapping.set("first_name", Some(0));
        mapping.set("last_name", Some(1));
        let keys = |b: &mut RowBuilder| -> Vec<String> {
            (0..3)
                .filter_map(|i| match b.build(i + 2, &cells(&["Chloé", "Martin"])) {
                    Row::Record(r) => Some(r.source_key),
                    Row::Skipped(_) => None,
                })
                .collect()
        };
        let first = keys(&mut builder(&["Prénom", "Nom"], mapping.clone()));
        let second = keys(&mut builder(&["Prénom", "Nom"], mapping));
        assert_eq!(first.len(), 3);
        assert_ne!(first[0], first[1], "two identical rows are two tickets");
        assert_ne!(first[1], first[2]);
        assert_eq!(
            first, second,
            "re-reading the same file must give the same keys"
        );
    }

    #[test]
    fn payer_email_is_used_only_for_the_payer_themself() {
        let mapping = {
            let mut m = ColumnMapping {
                payer_first_name: Some(2),
                payer_last_name: Some(3),
                payer_email: Some(4),
                ..Default::default()
            };
            m.set("first_name", Some(0));
            m.set("last_name", Some(1));
            m
        };
        let mut b = builder(
            &[
                "Prénom",
                "Nom",
                "Prénom payeur",
                "Nom payeur",
                "Email payeur",
            ],
            mapping,
        );
        let Row::Record(same) = b.build(
            2,
            &cells(&["Chloé", "Martin", "Chloé", "MARTIN", "CHLOE@example.org"]),
        ) else {
            panic!("a named row is a record")
        };
        assert_eq!(
            same.field("email"),
            "chloe@example.org",
            "the payer registered herself"
        );
        let Row::Record(other) = b.build(
            3,
            &cells(&["Ömer", "Yılmaz", "Chloé", "Martin", "chloe@example.org"]),
        ) else {
            panic!("a named row is a record")
        };
        assert_eq!(
            other.field("email"),
            "",
            "another person's email must not be attached to Ömer"
        );
        assert!(!other.from_payer);
    }

    #[test]
    fn totals_line_is_a_summary() {
        let mapping = {
            let mut m = ColumnMapping {
                ..Default::default()
            };
            m.set("last_name", Some(0));
            m
        };
        let mut b = builder(&["Nom"], mapping);
        assert_eq!(
            b.build(9, &cells(&["Total : 42"])),
            Row::Skipped(Skipped {
                line: 9,
                reason: SkipReason::Summary
            })
        );
    }
}
