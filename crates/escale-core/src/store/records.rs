//! Mapping LWW [`Record`]s to and from their tables.
//!
//! Each record kind has a table with one column per field (so reads are plain
//! SQL; a reference to another record is its 16-byte id) plus a `stamps`
//! BLOB with the per-field (HLC, origin) (`codec.rs`). A field with a stamp
//! but a NULL column was explicitly cleared; a field without a stamp was
//! never set. Visitors also get the derived `name_key` and the `rev` cache
//! column.

use crate::error::Result;
use crate::fields::{Field, FieldType, Kind, VisitorValues};
use crate::fold::Record;
use crate::hlc::Stamp;
use crate::model::Entity;
use crate::op::Value;
use crate::text::name_key;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Bound parameters per statement (SQLite allows 32,766; see apply.rs).
const VARS: usize = 8_000;

/// Loads the given records of one kind (missing ids are simply absent).
pub async fn load_records(
    conn: &mut SqliteConnection,
    entity: Entity,
    ids: &[Uuid],
) -> Result<BTreeMap<Uuid, Record>> {
    let cols: Vec<&str> = entity.fields().iter().map(|f| f.name).collect();
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(VARS) {
        let sql = format!(
            "SELECT id, {}, stamps FROM {} WHERE id IN ({})",
            cols.join(", "),
            entity.table(),
            placeholders(chunk.len())
        );
        let mut q = sqlx::query(&sql).persistent(super::apply::keep_prepared(chunk.len(), VARS));
        for id in chunk {
            q = q.bind(*id);
        }
        for row in q.fetch_all(&mut *conn).await? {
            let (id, rec) = record_from_row(entity, &row)?;
            out.insert(id, rec);
        }
    }
    Ok(out)
}

pub fn record_from_row(entity: Entity, row: &SqliteRow) -> Result<(Uuid, Record)> {
    let id: Uuid = row.try_get("id")?;
    let stamps: Vec<u8> = row.try_get("stamps")?;
    let stamps = super::codec::stamps_from_blob(entity, &stamps)?;
    let mut rec = Record::default();
    for def in entity.fields() {
        let Some(stamp) = stamps.get(def.name) else {
            continue;
        };
        rec.fields
            .insert(def.name.to_string(), (column_value(row, def)?, *stamp));
    }
    Ok((id, rec))
}

/// A field's value in a row, read by its column name and registry type (a
/// reference as its id's text, as ops carry it).
pub fn column_value(row: &SqliteRow, def: &Field) -> Result<Value> {
    if let Kind::Ref(_) = def.kind {
        return Ok(row
            .try_get::<Option<Uuid>, _>(def.name)?
            .map(|id| Value::String(id.to_string()))
            .unwrap_or(Value::Null));
    }
    Ok(match def.ty() {
        FieldType::Text => row
            .try_get::<Option<String>, _>(def.name)?
            .map(Value::String)
            .unwrap_or(Value::Null),
        FieldType::Int => row
            .try_get::<Option<i64>, _>(def.name)?
            .map(Value::from)
            .unwrap_or(Value::Null),
        FieldType::Bool => row
            .try_get::<Option<i64>, _>(def.name)?
            .map(|v| Value::Bool(v != 0))
            .unwrap_or(Value::Null),
    })
}

/// Every field of a visitor row (a `SELECT` naming every registry column),
/// names as "" rather than null, as views carry them.
pub fn values_from_row(entity: Entity, row: &SqliteRow) -> Result<VisitorValues> {
    let mut values = crate::op::Fields::new();
    for def in entity.fields() {
        let v = match (column_value(row, def)?, def.kind) {
            (Value::Null, Kind::Name) => Value::String(String::new()),
            (v, _) => v,
        };
        values.insert(def.name.to_string(), v);
    }
    Ok(VisitorValues(values))
}

/// Upserts whole records of one kind. `rev` is the visitor cache counter.
pub async fn write_records(
    conn: &mut SqliteConnection,
    entity: Entity,
    recs: &[(Uuid, &Record)],
    rev: i64,
) -> Result<()> {
    let defs = entity.fields();
    let is_visitor = entity == Entity::Visitor;
    let mut cols: Vec<&str> = vec!["id"];
    cols.extend(defs.iter().map(|f| f.name));
    cols.push("stamps");
    if is_visitor {
        cols.push("name_key");
        cols.push("rev");
    }
    let updates: Vec<String> = cols[1..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let row_ph = format!("({})", placeholders(cols.len()));
    let rows = VARS / cols.len();
    for chunk in recs.chunks(rows) {
        let sql = format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT(id) DO UPDATE SET {}",
            entity.table(),
            cols.join(", "),
            vec![row_ph.as_str(); chunk.len()].join(", "),
            updates.join(", ")
        );
        let mut q = sqlx::query(&sql).persistent(super::apply::keep_prepared(chunk.len(), rows));
        for (id, rec) in chunk {
            q = q.bind(*id);
            let mut stamps: Vec<(&str, Stamp)> = Vec::with_capacity(defs.len());
            for def in defs {
                let v = rec.fields.get(def.name);
                if let Some((_, s)) = v {
                    stamps.push((def.name, *s));
                }
                let v = v.map(|(v, _)| v);
                if let Kind::Ref(_) = def.kind {
                    // Validated by the fold: a reference is an id.
                    q = q.bind(
                        v.and_then(|v| v.as_str())
                            .and_then(|s| Uuid::parse_str(s).ok()),
                    );
                    continue;
                }
                q = match (def.ty(), v) {
                    (FieldType::Text, Some(Value::String(s))) => q.bind(Some(s.clone())),
                    (FieldType::Int, Some(Value::Number(n))) => q.bind(n.as_i64()),
                    (FieldType::Bool, Some(Value::Bool(b))) => q.bind(Some(i64::from(*b))),
                    (FieldType::Text, _) => q.bind(None::<String>),
                    (_, _) => q.bind(None::<i64>),
                };
            }
            q = q.bind(super::codec::stamps_to_blob(stamps));
            if is_visitor {
                q = q.bind(name_key(
                    rec.text("first_name").unwrap_or(""),
                    rec.text("last_name").unwrap_or(""),
                ));
                q = q.bind(rev);
            }
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

pub fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}
