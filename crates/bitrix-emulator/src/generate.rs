//! Deterministic records for a seed: every value is valid for its field (enumeration ids from
//! the list, stages of the record's pipeline, links to records that exist).

use chrono::FixedOffset;
use serde_json::{Map, Value, json};

use crate::config::Quirks;
use crate::counters::Counters;
use crate::error::ApiError;
use crate::events::BoundVia;
use crate::methods::{CallCtx, Db, crud};
use crate::model::{ClassicKind, Entity, Kind};
use crate::record::Style;
use crate::rng::Rng;

/// How many records of each kind to create.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordCounts {
    /// Deals.
    pub deals: usize,
    /// Leads.
    pub leads: usize,
    /// Contacts.
    pub contacts: usize,
    /// Companies.
    pub companies: usize,
    /// Per smart process.
    pub items: usize,
}

const FIRST: &[&str] = &[
    "Anna", "Boris", "Clara", "Dmitri", "Elena", "Felix", "Galina", "Hugo",
];
const LAST: &[&str] = &[
    "Ivanova", "Schmidt", "Petrov", "Weber", "Smirnova", "Novak", "Keller",
];
const WORDS: &[&str] = &[
    "Alpha", "Nord", "Vector", "Granit", "Orion", "Delta", "Sever", "Atlas",
];
const CURRENCIES: &[&str] = &["RUB", "USD", "EUR"];

/// 2024-01-01T00:00:00Z: generated timestamps start here so they do not depend on the clock.
const EPOCH: i64 = 1_704_067_200;

fn pick_str(rng: &mut Rng, items: &[&str]) -> String {
    rng.pick(items).copied().unwrap_or_default().to_owned()
}

fn date(rng: &mut Rng) -> String {
    format!("2024-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))
}

struct Gen<'a> {
    rng: Rng,
    companies: &'a [i64],
    contacts: &'a [i64],
    statuses: &'a dyn Fn(&str) -> Vec<String>,
}

impl Gen<'_> {
    fn status(&mut self, list: &str) -> Option<Value> {
        let ids = (self.statuses)(list);
        self.rng.pick(&ids).map(|s| json!(s))
    }

    fn link(&mut self, ids: &[i64]) -> Value {
        self.rng.pick(ids).map_or(Value::Null, |id| json!(id))
    }

    /// A value for a user field (or any field the generator has no special rule for).
    fn uf_value(&mut self, f: &crate::model::Field) -> Option<Value> {
        if self.rng.chance(0.2) {
            return None;
        }
        let one = |g: &mut Self| -> Option<Value> {
            Some(match f.kind {
                Kind::Enum => json!(g.rng.pick(&f.items)?.0),
                Kind::UfBool => json!(if g.rng.chance(0.5) { "Y" } else { "N" }),
                Kind::Money => json!(format!("{}|RUB", 100 * (1 + g.rng.below(500)))),
                Kind::Date => json!(date(&mut g.rng)),
                Kind::DateTime => {
                    json!(format!("{}T{:02}:15:00", date(&mut g.rng), g.rng.below(24)))
                }
                Kind::Int => json!(1 + g.rng.below(100)),
                Kind::Double => json!((g.rng.below(100_000) as f64) / 100.0),
                Kind::Str => match f.type_name.as_str() {
                    "crm" => {
                        let id = g.rng.pick(g.companies).copied()?;
                        json!(format!("CO_{id}"))
                    }
                    "address" => {
                        json!(format!(
                            "{} Street, {}|;|",
                            pick_str(&mut g.rng, WORDS),
                            1 + g.rng.below(99)
                        ))
                    }
                    "url" => json!(format!("https://example.test/{}", g.rng.below(1000))),
                    _ => json!(pick_str(&mut g.rng, WORDS)),
                },
                _ => return None,
            })
        };
        if f.multiple {
            let n = 1 + self.rng.below(2);
            let mut values: Vec<Value> = (0..n).filter_map(|_| one(self)).collect();
            values.dedup();
            Some(Value::Array(values))
        } else {
            one(self)
        }
    }

    fn fm(&mut self, n: usize) -> Value {
        json!([
            {"typeId": "PHONE", "valueType": "WORK", "value": format!("+7999{:07}", n)},
            {"typeId": "EMAIL", "valueType": "WORK",
             "value": format!("person{n}@example.test")},
        ])
    }

    fn fill_ufs(&mut self, entity: &Entity, out: &mut Map<String, Value>) {
        for f in entity.fields.iter().filter(|f| f.uf && !f.read_only) {
            if let (Some(name), Some(v)) = (f.camel.clone(), self.uf_value(f)) {
                out.insert(name, v);
            }
        }
    }
}

fn fields_for(g: &mut Gen<'_>, db: &Db, entity: &Entity, n: usize) -> Map<String, Value> {
    let mut out = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        let known = entity.by_camel(k).is_some() || (k == "fm" && entity.has_multifields());
        if let Some(v) = v
            && known
        {
            out.insert(k.to_owned(), v);
        }
    };
    let person = (pick_str(&mut g.rng, FIRST), pick_str(&mut g.rng, LAST));
    let currency = pick_str(&mut g.rng, CURRENCIES);
    let amount = json!(100.0 * (1 + g.rng.below(2000)) as f64);
    match entity.classic {
        Some(ClassicKind::Company) => {
            put(
                "title",
                Some(json!(format!("{} {} LLC", pick_str(&mut g.rng, WORDS), n))),
            );
            put("typeId", g.status("COMPANY_TYPE"));
            put("industry", g.status("INDUSTRY"));
            put("employees", g.status("EMPLOYEES"));
            put("revenue", Some(amount));
            put("currencyId", Some(json!(currency)));
            put("fm", Some(g.fm(n)));
        }
        Some(ClassicKind::Contact) => {
            put("name", Some(json!(person.0)));
            put("lastName", Some(json!(person.1)));
            put("typeId", g.status("CONTACT_TYPE"));
            put("sourceId", g.status("SOURCE"));
            put("honorific", g.status("HONORIFIC"));
            put(
                "birthdate",
                Some(json!(format!(
                    "19{}-0{}-1{}",
                    60 + g.rng.below(40),
                    1 + g.rng.below(9),
                    g.rng.below(9)
                ))),
            );
            let company = g.link(g.companies);
            put("companyId", Some(company));
            put("fm", Some(g.fm(n)));
        }
        Some(ClassicKind::Lead) => {
            put("title", Some(json!(format!("Lead {} {}", person.1, n))));
            put("name", Some(json!(person.0)));
            put("lastName", Some(json!(person.1)));
            put("stageId", g.status("STATUS"));
            put("sourceId", g.status("SOURCE"));
            put("opportunity", Some(amount));
            put("currencyId", Some(json!(currency)));
            put("fm", Some(g.fm(n)));
        }
        Some(ClassicKind::Deal) | None => {
            let prefix = if entity.classic.is_some() {
                "Deal"
            } else {
                "Item"
            };
            put(
                "title",
                Some(json!(format!(
                    "{prefix} {} {n}",
                    pick_str(&mut g.rng, WORDS)
                ))),
            );
            let cats = db.model.category_ids(entity.etid);
            if let Some(&cat) = g.rng.pick(&cats) {
                put("categoryId", Some(json!(cat)));
                let stages = db.model.stages(entity.etid, Some(cat));
                put("stageId", g.rng.pick(&stages).map(|s| json!(s.status_id)));
            }
            put("typeId", g.status("DEAL_TYPE"));
            put("sourceId", g.status("SOURCE"));
            put("opportunity", Some(amount));
            put("currencyId", Some(json!(currency)));
            put("isManualOpportunity", Some(json!("Y")));
            let company = g.link(g.companies);
            put("companyId", Some(company));
            let contact = g.link(g.contacts);
            if !contact.is_null() {
                put("contactId", Some(contact.clone()));
                put("contactIds", Some(json!([contact])));
            }
            put("begindate", Some(json!(date(&mut g.rng))));
            put("closedate", Some(json!(date(&mut g.rng))));
        }
    }
    put("assignedById", Some(json!(1 + g.rng.below(3))));
    g.fill_ufs(entity, &mut out);
    out
}

/// Creates the records. Runs in one transaction; raises no events.
pub(crate) fn populate(
    db: &mut Db,
    counts: RecordCounts,
    seed: u64,
    offset: FixedOffset,
) -> Result<(), ApiError> {
    let quirks = Quirks::none();
    let counters = Counters::default();
    let order = [
        (4, counts.companies),
        (3, counts.contacts),
        (1, counts.leads),
        (2, counts.deals),
    ];
    let spas: Vec<i64> = db
        .model
        .entities
        .keys()
        .copied()
        .filter(|e| *e > 4)
        .collect();
    let plan: Vec<(i64, usize)> = order
        .into_iter()
        .chain(spas.into_iter().map(|e| (e, counts.items)))
        .collect();
    db.store.begin().map_err(crate::methods::storage_error)?;
    let mut rng = Rng::new(seed);
    let mut n_total = 0i64;
    for (etid, count) in plan {
        let companies = db.store.ids(4).map_err(crate::methods::storage_error)?;
        let contacts = db.store.ids(3).map_err(crate::methods::storage_error)?;
        let statuses_model = db.model.clone();
        let statuses = move |list: &str| statuses_model.status_ids(list);
        let mut g = Gen {
            rng: Rng::new(rng.next_u64()),
            companies: &companies,
            contacts: &contacts,
            statuses: &statuses,
        };
        let entity = db.model.entities[&etid].clone();
        for n in 0..count {
            let fields = fields_for(&mut g, db, &entity, n + 1);
            n_total += 1;
            let ctx = CallCtx {
                user_id: 1,
                quirks: &quirks,
                offset,
                counters: &counters,
                via: BoundVia::Webhook,
                now: EPOCH + n_total * 3_600,
            };
            crud::insert(db, &ctx, etid, &fields, Style::Item { original_uf: false })?;
        }
    }
    db.store.commit().map_err(crate::methods::storage_error)?;
    db.raised.clear();
    Ok(())
}
