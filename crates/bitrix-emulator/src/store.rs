//! SQLite storage: one table per entity type, `id INTEGER PRIMARY KEY` plus the record as
//! JSON. List pages run real SQL so that their cost behaves like the real portal's: a page
//! with a `total` runs a real `COUNT(*)`, `start=N` is `LIMIT 50 OFFSET N` (a deep offset steps
//! through every skipped row), and `>ID` ordered by ID seeks.

use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OptionalExtension, StatementStatus, params, params_from_iter};
use serde_json::{Map, Value};

/// One SQL condition with its positional parameters.
#[derive(Debug, Clone)]
pub(crate) struct SqlCond {
    pub(crate) sql: String,
    pub(crate) params: Vec<SqlValue>,
}

/// One ORDER BY term.
#[derive(Debug, Clone)]
pub(crate) struct SqlOrder {
    /// `None` orders by the id column.
    pub(crate) json_path: Option<String>,
    pub(crate) desc: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub(crate) etid: i64,
    pub(crate) conds: Vec<SqlCond>,
    pub(crate) order: Vec<SqlOrder>,
    pub(crate) limit: i64,
    pub(crate) offset: i64,
    pub(crate) count: bool,
}

#[derive(Debug, Default)]
pub(crate) struct ListPage {
    pub(crate) rows: Vec<(i64, Map<String, Value>)>,
    pub(crate) total: Option<i64>,
    pub(crate) scanned: u64,
}

pub(crate) struct Store {
    conn: Connection,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store(sqlite in memory)")
    }
}

fn table(etid: i64) -> String {
    format!("e_{etid}")
}

fn parse_record(text: &str) -> Map<String, Value> {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

impl Store {
    pub(crate) fn open(entity_type_ids: impl IntoIterator<Item = i64>) -> rusqlite::Result<Self> {
        let conn = Connection::open_in_memory()?;
        let store = Self { conn };
        for etid in entity_type_ids {
            store.ensure_table(etid)?;
        }
        Ok(store)
    }

    pub(crate) fn ensure_table(&self, etid: i64) -> rusqlite::Result<()> {
        // AUTOINCREMENT: like the portal, an id is never given out twice, even after a delete.
        self.conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {} \
             (id INTEGER PRIMARY KEY AUTOINCREMENT, data TEXT NOT NULL)",
            table(etid)
        ))
    }

    pub(crate) fn begin(&self) -> rusqlite::Result<()> {
        self.conn.execute_batch("BEGIN")
    }

    pub(crate) fn commit(&self) -> rusqlite::Result<()> {
        self.conn.execute_batch("COMMIT")
    }

    pub(crate) fn insert(&self, etid: i64, data: &Map<String, Value>) -> rusqlite::Result<i64> {
        let text = Value::Object(data.clone()).to_string();
        self.conn.execute(
            &format!("INSERT INTO {} (data) VALUES (?1)", table(etid)),
            params![text],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub(crate) fn get(&self, etid: i64, id: i64) -> rusqlite::Result<Option<Map<String, Value>>> {
        let text: Option<String> = self
            .conn
            .query_row(
                &format!("SELECT data FROM {} WHERE id = ?1", table(etid)),
                params![id],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.as_deref().map(parse_record))
    }

    pub(crate) fn replace(
        &self,
        etid: i64,
        id: i64,
        data: &Map<String, Value>,
    ) -> rusqlite::Result<()> {
        let text = Value::Object(data.clone()).to_string();
        self.conn.execute(
            &format!("UPDATE {} SET data = ?1 WHERE id = ?2", table(etid)),
            params![text, id],
        )?;
        Ok(())
    }

    pub(crate) fn delete(&self, etid: i64, id: i64) -> rusqlite::Result<bool> {
        let n = self.conn.execute(
            &format!("DELETE FROM {} WHERE id = ?1", table(etid)),
            params![id],
        )?;
        Ok(n > 0)
    }

    pub(crate) fn ids(&self, etid: i64) -> rusqlite::Result<Vec<i64>> {
        let mut stmt = self
            .conn
            .prepare(&format!("SELECT id FROM {} ORDER BY id", table(etid)))?;
        let ids = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    pub(crate) fn list(&self, q: &ListQuery) -> rusqlite::Result<ListPage> {
        let mut where_sql = String::new();
        let mut where_params: Vec<SqlValue> = Vec::new();
        for (i, c) in q.conds.iter().enumerate() {
            where_sql.push_str(if i == 0 { " WHERE " } else { " AND " });
            where_sql.push('(');
            where_sql.push_str(&c.sql);
            where_sql.push(')');
            where_params.extend(c.params.iter().cloned());
        }

        let mut page = ListPage::default();
        if q.count {
            let sql = format!("SELECT COUNT(*) FROM {}{}", table(q.etid), where_sql);
            let mut stmt = self.conn.prepare(&sql)?;
            let total: i64 = stmt.query_row(params_from_iter(where_params.iter()), |r| r.get(0))?;
            page.scanned += stmt.get_status(StatementStatus::FullscanStep) as u64;
            page.total = Some(total);
        }

        let mut order_sql = String::new();
        let mut params = where_params;
        let mut by_id = false;
        for (i, o) in q.order.iter().enumerate() {
            order_sql.push_str(if i == 0 { " ORDER BY " } else { ", " });
            match &o.json_path {
                Some(path) => {
                    order_sql.push_str("json_extract(data, ?)");
                    params.push(SqlValue::Text(path.clone()));
                }
                None => {
                    order_sql.push_str("id");
                    by_id = true;
                }
            }
            order_sql.push_str(if o.desc { " DESC" } else { " ASC" });
        }
        if !by_id {
            // Ties keep a stable order, as the portal's primary-key tiebreak does.
            order_sql.push_str(if q.order.is_empty() {
                " ORDER BY id ASC"
            } else {
                ", id ASC"
            });
        }
        params.push(SqlValue::Integer(q.limit));
        params.push(SqlValue::Integer(q.offset.max(0)));
        let sql = format!(
            "SELECT id, data FROM {}{}{} LIMIT ? OFFSET ?",
            table(q.etid),
            where_sql,
            order_sql
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        page.scanned += stmt.get_status(StatementStatus::FullscanStep) as u64 + rows.len() as u64;
        page.rows = rows
            .into_iter()
            .map(|(id, text)| (id, parse_record(&text)))
            .collect();
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn store_with(n: i64) -> Store {
        let s = Store::open([2]).unwrap();
        s.begin().unwrap();
        for i in 0..n {
            let rec = json!({"title": format!("Deal {i}"), "opportunity": i * 10});
            s.insert(2, rec.as_object().unwrap()).unwrap();
        }
        s.commit().unwrap();
        s
    }

    fn query(conds: Vec<SqlCond>, offset: i64, count: bool) -> ListQuery {
        ListQuery {
            etid: 2,
            conds,
            order: Vec::new(),
            limit: 50,
            offset,
            count,
        }
    }

    #[test]
    fn deep_offset_scans_the_skipped_rows_and_a_seek_does_not() {
        let s = store_with(400);
        let deep = s.list(&query(Vec::new(), 300, false)).unwrap();
        assert_eq!(deep.rows.len(), 50);
        assert_eq!(deep.rows[0].0, 301);
        assert!(deep.scanned >= 300, "scanned {}", deep.scanned);

        let seek = SqlCond {
            sql: "id > ?".into(),
            params: vec![SqlValue::Integer(300)],
        };
        let page = s.list(&query(vec![seek], 0, false)).unwrap();
        assert_eq!(page.rows[0].0, 301);
        assert!(page.scanned <= 60, "scanned {}", page.scanned);
    }

    #[test]
    fn count_and_json_filters() {
        let s = store_with(120);
        let cond = SqlCond {
            sql: "json_extract(data, ?) >= ?".into(),
            params: vec![
                SqlValue::Text("$.\"opportunity\"".into()),
                SqlValue::Integer(1000),
            ],
        };
        let page = s.list(&query(vec![cond], 0, true)).unwrap();
        assert_eq!(page.total, Some(20));
        assert_eq!(page.rows.len(), 20);
    }

    #[test]
    fn ids_are_not_reused_after_delete() {
        let s = store_with(3);
        assert!(s.delete(2, 3).unwrap());
        assert!(!s.delete(2, 3).unwrap());
        let id = s.insert(2, &Map::new()).unwrap();
        assert_eq!(id, 4);
    }
}
