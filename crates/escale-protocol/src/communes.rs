//! The communes of France, and the `commune` field kind: a visitor's town,
//! stored as its name and, for a French commune, its INSEE code (partners'
//! reports count people per commune).
//!
//! The table is INSEE's Code officiel géographique (1 January 2026) with La
//! Poste's postcodes, from the npm package `@etalab/decoupage-administratif`
//! 6.0.0 under the Licence Ouverte 2.0 (`data/LICENCE-communes.txt`;
//! regenerate with `tools/make_communes.py`). One postcode can cover several
//! communes and one commune several postcodes; names repeat (twelve
//! Sainte-Colombe), so the INSEE code is the key.
//!
//! Cleaning a typed town ([`COMMUNE`]): an INSEE code, or a name matched
//! accent- and case-insensitively — among the communes of the postcode
//! typed in the same form when there is one. A name that matches no French
//! commune is kept as typed, without a code (a town abroad).

use crate::fields::{CleanCtx, CleanOut, Custom, InputKind, Suggestion};
use crate::text::fold;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

/// One commune of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Commune {
    pub insee: &'static str,
    pub name: &'static str,
    /// Its postcodes, comma-separated.
    pub postcodes: &'static str,
}

impl Commune {
    pub fn postcodes(&self) -> impl Iterator<Item = &'static str> {
        self.postcodes.split(',')
    }
}

struct Table {
    rows: Vec<Commune>,
    by_insee: HashMap<&'static str, usize>,
    by_postcode: HashMap<&'static str, Vec<usize>>,
    by_name: HashMap<String, Vec<usize>>,
    /// Folded names in order, for prefix suggestions.
    sorted: Vec<(String, usize)>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let text: &'static str = include_str!("../data/communes.tsv");
    let mut t = Table {
        rows: Vec::with_capacity(35_000),
        by_insee: HashMap::new(),
        by_postcode: HashMap::new(),
        by_name: HashMap::new(),
        sorted: Vec::new(),
    };
    for line in text.lines().skip(1) {
        let mut cols = line.split('\t');
        let (Some(insee), Some(name), Some(postcodes)) = (cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        let i = t.rows.len();
        t.rows.push(Commune {
            insee,
            name,
            postcodes,
        });
        t.by_insee.insert(insee, i);
        for p in postcodes.split(',') {
            t.by_postcode.entry(p).or_default().push(i);
        }
        let folded = fold(name);
        t.by_name.entry(folded.clone()).or_default().push(i);
        t.sorted.push((folded, i));
    }
    t.sorted.sort();
    t
});

/// Every commune of the table, in INSEE code order.
pub fn all() -> &'static [Commune] {
    &TABLE.rows
}

/// The commune with this INSEE code.
pub fn by_insee(code: &str) -> Option<Commune> {
    let t = &*TABLE;
    t.by_insee
        .get(code.trim().to_uppercase().as_str())
        .map(|i| t.rows[*i])
}

/// The communes a postcode covers (none for a postcode that is not French).
pub fn by_postcode(postcode: &str) -> Vec<Commune> {
    let t = &*TABLE;
    let p: String = postcode.chars().filter(|c| !c.is_whitespace()).collect();
    t.by_postcode
        .get(p.as_str())
        .map(|ids| ids.iter().map(|i| t.rows[*i]).collect())
        .unwrap_or_default()
}

/// What a typed town and postcode come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// One French commune.
    Commune(Commune),
    /// No one commune: kept as typed (abroad, or a name several communes bear).
    Text(String),
}

/// The commune meant by `text` (an INSEE code or a name), given the postcode
/// typed with it, if any.
pub fn resolve(text: &str, postcode: Option<&str>) -> Resolved {
    let t = &*TABLE;
    let text = text.trim();
    if let Some(c) = by_insee(text).filter(|_| looks_like_insee(text)) {
        return Resolved::Commune(c);
    }
    let folded = fold(text);
    let named: Vec<usize> = t.by_name.get(&folded).cloned().unwrap_or_default();
    let in_postcode = |i: &usize| {
        postcode.is_some_and(|p| {
            let p: String = p.chars().filter(|c| !c.is_whitespace()).collect();
            t.rows[*i].postcodes().any(|q| q == p)
        })
    };
    let candidates: Vec<usize> = match named.iter().filter(|i| in_postcode(i)).count() {
        0 => named.clone(),
        _ => named.into_iter().filter(in_postcode).collect(),
    };
    match candidates[..] {
        [one] => Resolved::Commune(t.rows[one]),
        _ => Resolved::Text(text.to_string()),
    }
}

fn looks_like_insee(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 5
        && (b[..2].iter().all(u8::is_ascii_digit) || matches!(&s[..2], "2A" | "2B" | "2a" | "2b"))
        && b[2..].iter().all(u8::is_ascii_digit)
}

/// Communes to offer while a town is typed: those of the postcode first
/// (all of them when nothing is typed yet), then names starting with what
/// was typed.
pub fn suggest(text: &str, postcode: Option<&str>, limit: usize) -> Vec<Commune> {
    let t = &*TABLE;
    let folded = fold(text.trim());
    let of_postcode = postcode.map(by_postcode).unwrap_or_default();
    let mut out: Vec<Commune> = of_postcode
        .iter()
        .filter(|c| fold(c.name).starts_with(&folded))
        .copied()
        .collect();
    if folded.chars().count() >= 2 {
        let start = t
            .sorted
            .partition_point(|(n, _)| n.as_str() < folded.as_str());
        for (name, i) in &t.sorted[start..] {
            if !name.starts_with(&folded) || out.len() >= limit {
                break;
            }
            let c = t.rows[*i];
            if !out.contains(&c) {
                out.push(c);
            }
        }
    }
    out.truncate(limit);
    out
}

/// The `commune` field kind: cleans a typed town into its name and INSEE
/// code, and suggests communes while it is typed.
pub static COMMUNE: Custom = Custom {
    clean,
    suggest: Some(suggest_values),
    input: InputKind::Suggest,
};

/// The field the code goes into, next to the name.
const CODE_FIELD: &str = "commune_code";

/// The `commune_code` field kind: set with the name by [`COMMUNE`]; given
/// alone (an import's "Code INSEE" column), it names the commune.
pub static COMMUNE_CODE: Custom = Custom {
    clean: clean_code,
    suggest: None,
    input: InputKind::Text,
};

fn clean_code(raw: &str, ctx: &CleanCtx<'_>, out: &mut CleanOut) {
    if (ctx.raw)("commune").is_some() {
        return; // cleaned with the name
    }
    let code = raw.trim();
    match by_insee(code) {
        Some(c) => {
            out.values.push(("commune", Value::from(c.name)));
            out.values.push((CODE_FIELD, Value::from(c.insee)));
        }
        None if code.is_empty() => out.values.push((CODE_FIELD, Value::Null)),
        None => out.warnings.push(crate::validate::Warning::new(
            CODE_FIELD,
            "invalid_commune_code",
            code,
        )),
    }
}

fn clean(raw: &str, ctx: &CleanCtx<'_>, out: &mut CleanOut) {
    let text = crate::text::clean(raw);
    let postcode = (ctx.raw)("postcode");
    let (name, code) = if text.is_empty() {
        (Value::Null, Value::Null)
    } else {
        // A code picked with the name (a suggestion) is kept when it names it.
        let picked = (ctx.raw)(CODE_FIELD)
            .and_then(|c| by_insee(&c))
            .filter(|c| fold(c.name) == fold(&text));
        match picked
            .map(Resolved::Commune)
            .unwrap_or_else(|| resolve(&text, postcode.as_deref()))
        {
            Resolved::Commune(c) => (Value::from(c.name), Value::from(c.insee)),
            Resolved::Text(t) => (Value::from(t), Value::Null),
        }
    };
    out.values.push(("commune", name));
    out.values.push((CODE_FIELD, code));
}

fn suggest_values(text: &str, ctx: &CleanCtx<'_>, limit: usize) -> Vec<Suggestion> {
    let postcode = (ctx.raw)("postcode");
    suggest(text, postcode.as_deref(), limit)
        .into_iter()
        .map(|c| {
            let shown = match postcode.as_deref().map(str::trim) {
                Some(p) if c.postcodes().any(|q| q == p) => p.to_string(),
                _ => c.postcodes().next().unwrap_or("").to_string(),
            };
            Suggestion {
                label: format!("{} ({shown})", c.name),
                values: BTreeMap::from([
                    ("commune".to_string(), Some(c.name.to_string())),
                    (CODE_FIELD.to_string(), Some(c.insee.to_string())),
                ]),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_every_commune_of_france() {
        assert!(TABLE.rows.len() > 34_900, "{} communes", TABLE.rows.len());
        assert_eq!(by_insee("2A004").map(|c| c.name), Some("Ajaccio"));
        assert_eq!(by_insee("94038").map(|c| c.name), Some("L'Haÿ-les-Roses"));
        assert_eq!(by_insee("97411").map(|c| c.name), Some("Saint-Denis"));
    }

    #[test]
    fn a_postcode_can_cover_several_communes() {
        let names: Vec<&str> = by_postcode("01400").iter().map(|c| c.name).collect();
        assert_eq!(names.len(), 10, "{names:?}");
        assert!(names.contains(&"Châtillon-sur-Chalaronne"));
        assert_eq!(by_postcode("99999"), vec![], "not a French postcode");
    }

    #[test]
    fn a_name_is_found_with_or_without_accents_and_the_postcode_decides_between_namesakes() {
        assert_eq!(
            resolve("montreuil", Some("93100")),
            Resolved::Commune(by_insee("93048").unwrap())
        );
        assert_eq!(
            resolve("SAINT-ETIENNE", None),
            Resolved::Commune(by_insee("42218").unwrap())
        );
        assert_eq!(
            resolve("Sainte-Colombe", None),
            Resolved::Text("Sainte-Colombe".into()),
            "twelve communes bear this name: no code without a postcode"
        );
        assert!(
            matches!(resolve("Sainte-Colombe", Some("69560")), Resolved::Commune(c) if c.postcodes().any(|p| p == "69560"))
        );
        assert_eq!(
            resolve("75056", None),
            Resolved::Commune(by_insee("75056").unwrap()),
            "an INSEE code"
        );
        assert_eq!(
            resolve("Bruxelles", Some("1000")),
            Resolved::Text("Bruxelles".into()),
            "abroad: kept as typed"
        );
    }

    #[test]
    fn suggestions_come_from_the_postcode_then_from_the_name() {
        let of_postcode = suggest("", Some("01400"), 20);
        assert_eq!(of_postcode.len(), 10);
        let typed = suggest("chat", Some("01400"), 5);
        assert_eq!(
            typed[0].name, "Châtillon-sur-Chalaronne",
            "the postcode's commune first"
        );
        assert!(typed.len() <= 5);
        assert!(suggest("mont", None, 8)
            .iter()
            .all(|c| fold(c.name).starts_with("mont")));
    }
}
