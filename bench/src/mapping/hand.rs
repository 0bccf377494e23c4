//! A hand-written mapping of the 60-field deal to and from `serde_json` maps: plain Rust
//! types, one line per field, names picked per family, values converted inline. This is the
//! code an integration contains when nothing generates it; it keeps no unknown keys and
//! reports no problems, so it does less than the generated mapping.

use std::str::FromStr;

use bitrix_schema::chrono::{DateTime, FixedOffset, NaiveDate};
use bitrix_schema::rust_decimal::Decimal;
use bitrix_schema::value::{EnumValue, StatusValue, Target};
use serde_json::{Map, Number, Value};

use crate::generated::Deal;

#[derive(Debug, Clone, PartialEq)]
pub struct HandMoney {
    pub amount: Decimal,
    pub currency: String,
}

/// The 60 fields with plain types: enumeration and status values as their IDs.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HandDeal {
    pub additional_info: Option<String>,
    pub assigned_by_id: Option<u64>,
    pub begindate: Option<NaiveDate>,
    pub closed: Option<bool>,
    pub closedate: Option<NaiveDate>,
    pub comments: Option<String>,
    pub company_id: Option<u64>,
    pub contact_id: Option<u64>,
    pub currency_id: Option<String>,
    pub opened: Option<bool>,
    pub opportunity: Option<Decimal>,
    pub source_description: Option<String>,
    pub source_id: Option<String>,
    pub title: Option<String>,
    pub type_id: Option<String>,
    pub texts: [Option<String>; 12],
    pub counts: [Option<i64>; 5],
    pub ratios: [Option<f64>; 4],
    pub amounts: [Option<HandMoney>; 4],
    pub days: [Option<NaiveDate>; 4],
    pub moments: [Option<DateTime<FixedOffset>>; 3],
    pub levels: [Option<u64>; 5],
    pub checks: [Option<bool>; 4],
    pub tags: [Option<Vec<String>>; 4],
}

/// User-field codes by group; the crm.item name is `ufCrm_` plus the number.
const TEXTS: [(&str, &str); 12] = [
    ("UF_CRM_1800000001", "ufCrm_1800000001"),
    ("UF_CRM_1800000002", "ufCrm_1800000002"),
    ("UF_CRM_1800000003", "ufCrm_1800000003"),
    ("UF_CRM_1800000004", "ufCrm_1800000004"),
    ("UF_CRM_1800000005", "ufCrm_1800000005"),
    ("UF_CRM_1800000006", "ufCrm_1800000006"),
    ("UF_CRM_1800000007", "ufCrm_1800000007"),
    ("UF_CRM_1800000008", "ufCrm_1800000008"),
    ("UF_CRM_1800000009", "ufCrm_1800000009"),
    ("UF_CRM_1800000010", "ufCrm_1800000010"),
    ("UF_CRM_1800000011", "ufCrm_1800000011"),
    ("UF_CRM_1800000012", "ufCrm_1800000012"),
];
const COUNTS: [(&str, &str); 5] = [
    ("UF_CRM_1800000013", "ufCrm_1800000013"),
    ("UF_CRM_1800000014", "ufCrm_1800000014"),
    ("UF_CRM_1800000015", "ufCrm_1800000015"),
    ("UF_CRM_1800000016", "ufCrm_1800000016"),
    ("UF_CRM_1800000017", "ufCrm_1800000017"),
];
const RATIOS: [(&str, &str); 4] = [
    ("UF_CRM_1800000018", "ufCrm_1800000018"),
    ("UF_CRM_1800000019", "ufCrm_1800000019"),
    ("UF_CRM_1800000020", "ufCrm_1800000020"),
    ("UF_CRM_1800000021", "ufCrm_1800000021"),
];
const AMOUNTS: [(&str, &str); 4] = [
    ("UF_CRM_1800000022", "ufCrm_1800000022"),
    ("UF_CRM_1800000023", "ufCrm_1800000023"),
    ("UF_CRM_1800000024", "ufCrm_1800000024"),
    ("UF_CRM_1800000025", "ufCrm_1800000025"),
];
const DAYS: [(&str, &str); 4] = [
    ("UF_CRM_1800000026", "ufCrm_1800000026"),
    ("UF_CRM_1800000027", "ufCrm_1800000027"),
    ("UF_CRM_1800000028", "ufCrm_1800000028"),
    ("UF_CRM_1800000029", "ufCrm_1800000029"),
];
const MOMENTS: [(&str, &str); 3] = [
    ("UF_CRM_1800000030", "ufCrm_1800000030"),
    ("UF_CRM_1800000031", "ufCrm_1800000031"),
    ("UF_CRM_1800000032", "ufCrm_1800000032"),
];
const LEVELS: [(&str, &str); 5] = [
    ("UF_CRM_1800000033", "ufCrm_1800000033"),
    ("UF_CRM_1800000034", "ufCrm_1800000034"),
    ("UF_CRM_1800000035", "ufCrm_1800000035"),
    ("UF_CRM_1800000036", "ufCrm_1800000036"),
    ("UF_CRM_1800000037", "ufCrm_1800000037"),
];
const CHECKS: [(&str, &str); 4] = [
    ("UF_CRM_1800000038", "ufCrm_1800000038"),
    ("UF_CRM_1800000039", "ufCrm_1800000039"),
    ("UF_CRM_1800000040", "ufCrm_1800000040"),
    ("UF_CRM_1800000041", "ufCrm_1800000041"),
];
const TAGS: [(&str, &str); 4] = [
    ("UF_CRM_1800000042", "ufCrm_1800000042"),
    ("UF_CRM_1800000043", "ufCrm_1800000043"),
    ("UF_CRM_1800000044", "ufCrm_1800000044"),
    ("UF_CRM_1800000045", "ufCrm_1800000045"),
];

fn pick(target: Target, (classic, item): (&'static str, &'static str)) -> &'static str {
    match target {
        Target::Classic => classic,
        Target::Item => item,
    }
}

fn put(map: &mut Map<String, Value>, name: &str, value: Option<Value>) {
    if let Some(v) = value {
        map.insert(name.to_owned(), v);
    }
}

fn text_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn int_of(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn link_of(v: &Value) -> Option<u64> {
    int_of(v).filter(|&id| id > 0).map(|id| id as u64)
}

fn float_of(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn decimal_of(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Decimal::from_str(&n.to_string()).ok(),
        Value::String(s) => Decimal::from_str(s).ok(),
        _ => None,
    }
}

fn flag_of(v: &Value) -> Option<bool> {
    match v {
        Value::String(s) if s == "Y" => Some(true),
        Value::String(s) if s == "N" => Some(false),
        Value::Bool(b) => Some(*b),
        _ => None,
    }
}

fn uf_bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|n| n != 0),
        Value::String(s) => match s.as_str() {
            "Y" | "1" => Some(true),
            "N" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// Both families print a date as UTC midnight in the portal's offset; on a portal east of
/// UTC (this benchmark's) the day is the first ten characters.
fn date_of(v: &Value) -> Option<NaiveDate> {
    let s = v.as_str()?;
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok()
}

fn datetime_of(v: &Value) -> Option<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(v.as_str()?).ok()
}

fn money_of(v: &Value) -> Option<HandMoney> {
    let (amount, currency) = v.as_str()?.split_once('|')?;
    Some(HandMoney {
        amount: Decimal::from_str(amount).ok()?,
        currency: currency.to_owned(),
    })
}

fn tags_of(v: &Value) -> Option<Vec<String>> {
    let list: Vec<String> = v.as_array()?.iter().filter_map(text_of).collect();
    (!list.is_empty()).then_some(list)
}

fn read<T>(map: &Map<String, Value>, name: &str, f: impl Fn(&Value) -> Option<T>) -> Option<T> {
    map.get(name).and_then(f)
}

fn string(v: &Option<String>) -> Option<Value> {
    v.as_ref().map(|s| Value::String(s.clone()))
}

fn number<T: Into<Number> + Copy>(v: &Option<T>) -> Option<Value> {
    v.map(|n| Value::Number(n.into()))
}

fn float(v: Option<f64>) -> Option<Value> {
    v.and_then(Number::from_f64).map(Value::Number)
}

fn flag(v: &Option<bool>) -> Option<Value> {
    v.map(|b| Value::String(if b { "Y" } else { "N" }.to_owned()))
}

fn day(v: &Option<NaiveDate>) -> Option<Value> {
    v.map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
}

impl HandDeal {
    pub fn to_fields(&self, target: Target) -> Map<String, Value> {
        let n = |classic, item| pick(target, (classic, item));
        let mut m = Map::new();
        put(
            &mut m,
            n("ADDITIONAL_INFO", "additionalInfo"),
            string(&self.additional_info),
        );
        put(
            &mut m,
            n("ASSIGNED_BY_ID", "assignedById"),
            number(&self.assigned_by_id),
        );
        put(&mut m, n("BEGINDATE", "begindate"), day(&self.begindate));
        put(&mut m, n("CLOSED", "closed"), flag(&self.closed));
        put(&mut m, n("CLOSEDATE", "closedate"), day(&self.closedate));
        put(&mut m, n("COMMENTS", "comments"), string(&self.comments));
        put(
            &mut m,
            n("COMPANY_ID", "companyId"),
            number(&self.company_id),
        );
        put(
            &mut m,
            n("CONTACT_ID", "contactId"),
            number(&self.contact_id),
        );
        put(
            &mut m,
            n("CURRENCY_ID", "currencyId"),
            string(&self.currency_id),
        );
        put(&mut m, n("OPENED", "opened"), flag(&self.opened));
        let opportunity = self.opportunity.and_then(|d| f64::try_from(d).ok());
        put(&mut m, n("OPPORTUNITY", "opportunity"), float(opportunity));
        let source_description = string(&self.source_description);
        put(
            &mut m,
            n("SOURCE_DESCRIPTION", "sourceDescription"),
            source_description,
        );
        put(&mut m, n("SOURCE_ID", "sourceId"), string(&self.source_id));
        put(&mut m, n("TITLE", "title"), string(&self.title));
        put(&mut m, n("TYPE_ID", "typeId"), string(&self.type_id));
        for (names, v) in TEXTS.iter().zip(&self.texts) {
            put(&mut m, pick(target, *names), string(v));
        }
        for (names, v) in COUNTS.iter().zip(&self.counts) {
            put(&mut m, pick(target, *names), number(v));
        }
        for (names, v) in RATIOS.iter().zip(&self.ratios) {
            put(&mut m, pick(target, *names), float(*v));
        }
        for (names, v) in AMOUNTS.iter().zip(&self.amounts) {
            let text = v.as_ref().map(|m| format!("{}|{}", m.amount, m.currency));
            put(&mut m, pick(target, *names), text.map(Value::String));
        }
        for (names, v) in DAYS.iter().zip(&self.days) {
            put(&mut m, pick(target, *names), day(v));
        }
        for (names, v) in MOMENTS.iter().zip(&self.moments) {
            put(
                &mut m,
                pick(target, *names),
                v.map(|t| Value::String(t.to_rfc3339())),
            );
        }
        for (names, v) in LEVELS.iter().zip(&self.levels) {
            put(&mut m, pick(target, *names), number(v));
        }
        for (names, v) in CHECKS.iter().zip(&self.checks) {
            // Classic methods take JSON booleans for boolean user fields, crm.item "Y"/"N".
            let value = match target {
                Target::Classic => v.map(Value::Bool),
                Target::Item => flag(v),
            };
            put(&mut m, pick(target, *names), value);
        }
        for (names, v) in TAGS.iter().zip(&self.tags) {
            let list = v
                .as_ref()
                .map(|l| Value::Array(l.iter().cloned().map(Value::String).collect()));
            put(&mut m, pick(target, *names), list);
        }
        m
    }

    pub fn from_fields(map: &Map<String, Value>, target: Target) -> HandDeal {
        let n = |classic, item| pick(target, (classic, item));
        let t = |names| pick(target, names);
        HandDeal {
            additional_info: read(map, n("ADDITIONAL_INFO", "additionalInfo"), text_of),
            assigned_by_id: read(map, n("ASSIGNED_BY_ID", "assignedById"), link_of),
            begindate: read(map, n("BEGINDATE", "begindate"), date_of),
            closed: read(map, n("CLOSED", "closed"), flag_of),
            closedate: read(map, n("CLOSEDATE", "closedate"), date_of),
            comments: read(map, n("COMMENTS", "comments"), text_of),
            company_id: read(map, n("COMPANY_ID", "companyId"), link_of),
            contact_id: read(map, n("CONTACT_ID", "contactId"), link_of),
            currency_id: read(map, n("CURRENCY_ID", "currencyId"), text_of),
            opened: read(map, n("OPENED", "opened"), flag_of),
            opportunity: read(map, n("OPPORTUNITY", "opportunity"), decimal_of),
            source_description: read(map, n("SOURCE_DESCRIPTION", "sourceDescription"), text_of),
            source_id: read(map, n("SOURCE_ID", "sourceId"), text_of),
            title: read(map, n("TITLE", "title"), text_of),
            type_id: read(map, n("TYPE_ID", "typeId"), text_of),
            texts: TEXTS.map(|names| read(map, t(names), text_of)),
            counts: COUNTS.map(|names| read(map, t(names), int_of)),
            ratios: RATIOS.map(|names| read(map, t(names), float_of)),
            amounts: AMOUNTS.map(|names| read(map, t(names), money_of)),
            days: DAYS.map(|names| read(map, t(names), date_of)),
            moments: MOMENTS.map(|names| read(map, t(names), datetime_of)),
            levels: LEVELS.map(|names| read(map, t(names), link_of)),
            checks: CHECKS.map(|names| read(map, t(names), uf_bool_of)),
            tags: TAGS.map(|names| read(map, t(names), tags_of)),
        }
    }
}

impl From<&Deal> for HandDeal {
    fn from(d: &Deal) -> Self {
        let money = |m: &Option<bitrix_schema::value::Money>| {
            m.as_ref().map(|m| HandMoney {
                amount: m.amount,
                currency: m.currency.clone().unwrap_or_default(),
            })
        };
        HandDeal {
            additional_info: d.additional_info.clone(),
            assigned_by_id: d.assigned_by_id.map(|u| u.0),
            begindate: d.begindate,
            closed: d.closed,
            closedate: d.closedate,
            comments: d.comments.clone(),
            company_id: d.company_id,
            contact_id: d.contact_id,
            currency_id: d.currency_id.clone(),
            opened: d.opened,
            opportunity: d.opportunity,
            source_description: d.source_description.clone(),
            source_id: d.source_id.as_ref().map(|s| s.id().to_owned()),
            title: d.title.clone(),
            type_id: d.type_id.as_ref().map(|s| s.id().to_owned()),
            texts: [
                d.text_1.clone(),
                d.text_2.clone(),
                d.text_3.clone(),
                d.text_4.clone(),
                d.text_5.clone(),
                d.text_6.clone(),
                d.text_7.clone(),
                d.text_8.clone(),
                d.text_9.clone(),
                d.text_10.clone(),
                d.text_11.clone(),
                d.text_12.clone(),
            ],
            counts: [d.count_1, d.count_2, d.count_3, d.count_4, d.count_5],
            ratios: [d.ratio_1, d.ratio_2, d.ratio_3, d.ratio_4],
            amounts: [
                money(&d.amount_1),
                money(&d.amount_2),
                money(&d.amount_3),
                money(&d.amount_4),
            ],
            days: [d.day_1, d.day_2, d.day_3, d.day_4],
            moments: [d.moment_1, d.moment_2, d.moment_3],
            levels: [
                d.level_1.as_ref().map(EnumValue::id),
                d.level_2.as_ref().map(EnumValue::id),
                d.level_3.as_ref().map(EnumValue::id),
                d.level_4.as_ref().map(EnumValue::id),
                d.level_5.as_ref().map(EnumValue::id),
            ],
            checks: [d.check_1, d.check_2, d.check_3, d.check_4],
            tags: [
                d.tags_1.clone(),
                d.tags_2.clone(),
                d.tags_3.clone(),
                d.tags_4.clone(),
            ],
        }
    }
}
