//! The three contenders of the mapping benchmark, over the same 60-field deal:
//!
//! - the type generated from `schema/deal60.toml` ([`crate::generated::Deal`]), through
//!   `CrmEntity::to_fields` / `from_fields`;
//! - [`hand`]: a hand-written `serde_json::Value` mapping into plain Rust types, the code a
//!   user writes without this project;
//! - [`floor`]: `#[derive(Serialize, Deserialize)]` structs with the wire names of one family
//!   fixed in attributes and the wire's own value types (strings stay strings): serde's cost
//!   with no conversion at all, the floor any mapping stands on.

pub mod floor;
pub mod hand;

use bitrix_schema::chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use bitrix_schema::rust_decimal::Decimal;
use bitrix_schema::value::{EnumValue, Money, StatusValue, Target, UserId};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::generated::{Deal, DealType, Level1, Level2, Level3, Level4, Level5, Source};

fn date(day: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2025, 3, day)
}

fn moment(hour: u32) -> Option<DateTime<FixedOffset>> {
    let msk = FixedOffset::east_opt(3 * 3600)?;
    msk.with_ymd_and_hms(2025, 7, 10, hour, 15, 47).single()
}

fn money(cents: i64) -> Option<Money> {
    Some(Money::new(Decimal::new(cents, 2), "RUB"))
}

fn tags(n: usize) -> Option<Vec<String>> {
    Some((0..n).map(|i| format!("tag-{i}")).collect())
}

/// A deal with all 60 fields set to realistic values (Cyrillic text included).
pub fn sample_deal() -> Deal {
    let text = |i: usize| Some(format!("Значение поля {i}: заказ №{}", 1000 + i));
    Deal {
        additional_info: Some("Клиент просил перезвонить после обеда".to_owned()),
        assigned_by_id: Some(UserId(17)),
        begindate: date(3),
        closed: Some(false),
        closedate: date(28),
        comments: Some("Comment with <b>markup</b> and a line\nbreak".to_owned()),
        company_id: Some(4211),
        contact_id: Some(981),
        currency_id: Some("RUB".to_owned()),
        opened: Some(true),
        opportunity: Some(Decimal::new(1_250_000, 2)),
        source_description: Some("Exhibition 2025".to_owned()),
        source_id: Some(Source::from_id("WEB")),
        title: Some("Поставка оборудования, партия 7".to_owned()),
        type_id: Some(DealType::from_id("COMPLEX")),
        text_1: text(1),
        text_2: text(2),
        text_3: text(3),
        text_4: text(4),
        text_5: text(5),
        text_6: text(6),
        text_7: text(7),
        text_8: text(8),
        text_9: text(9),
        text_10: text(10),
        text_11: text(11),
        text_12: text(12),
        count_1: Some(1),
        count_2: Some(-42),
        count_3: Some(1_000_000),
        count_4: Some(0),
        count_5: Some(77),
        ratio_1: Some(0.5),
        ratio_2: Some(12.75),
        ratio_3: Some(-3.25),
        ratio_4: Some(99.0),
        amount_1: money(1999),
        amount_2: money(250_000),
        amount_3: money(1),
        amount_4: money(123_456_789),
        day_1: date(1),
        day_2: date(2),
        day_3: date(15),
        day_4: date(31),
        moment_1: moment(9),
        moment_2: moment(14),
        moment_3: moment(23),
        level_1: Some(Level1::from_id(5002)),
        level_2: Some(Level2::from_id(5010)),
        level_3: Some(Level3::from_id(5018)),
        level_4: Some(Level4::from_id(5020)),
        level_5: Some(Level5::from_id(5030)),
        check_1: Some(true),
        check_2: Some(false),
        check_3: Some(true),
        check_4: Some(false),
        tags_1: tags(1),
        tags_2: tags(2),
        tags_3: tags(3),
        tags_4: tags(5),
        extra: Default::default(),
    }
}

/// Keys whose values are dates: both families print a date as 00:00 UTC of that day in the
/// portal's offset (`2025-03-03T03:00:00+03:00` on a Moscow portal).
const DATE_KEYS: [&str; 12] = [
    "BEGINDATE",
    "CLOSEDATE",
    "UF_CRM_1800000026",
    "UF_CRM_1800000027",
    "UF_CRM_1800000028",
    "UF_CRM_1800000029",
    "begindate",
    "closedate",
    "ufCrm_1800000026",
    "ufCrm_1800000027",
    "ufCrm_1800000028",
    "ufCrm_1800000029",
];

/// The sample deal as a get or list answer prints it in `target`, following the shapes of
/// `fixtures/crm.deal.get.json` and `fixtures/crm.item.get.json`: classic prints every
/// number as a string (system money amounts with two decimals), both print dates as UTC
/// midnight in the portal's offset.
pub fn read_record(target: Target) -> Map<String, Value> {
    let mut map = hand::HandDeal::from(&sample_deal()).to_fields(target);
    for (key, value) in map.iter_mut() {
        if DATE_KEYS.contains(&key.as_str())
            && let Value::String(day) = value
        {
            day.push_str("T03:00:00+03:00");
        }
        if target == Target::Classic
            && let Value::Number(n) = value
        {
            *value = Value::String(match (key.as_str(), n.as_f64()) {
                ("OPPORTUNITY", Some(f)) => format!("{f:.2}"),
                _ => n.to_string(),
            });
        }
    }
    map
}

/// Everything one family's benchmark needs, built once outside the timed loops.
pub struct Inputs {
    pub target: Target,
    pub generated: Deal,
    pub hand: hand::HandDeal,
    /// What the floor writes: the same record in its wire types.
    pub floor_classic: floor::FloorClassic,
    pub floor_item: floor::FloorItem,
    /// What every contender reads.
    pub record: Map<String, Value>,
    pub record_value: Value,
}

impl Inputs {
    pub fn new(target: Target) -> Result<Inputs, serde_json::Error> {
        let record = read_record(target);
        let record_value = Value::Object(record.clone());
        let classic = Value::Object(read_record(Target::Classic));
        let item = Value::Object(read_record(Target::Item));
        Ok(Inputs {
            target,
            generated: sample_deal(),
            hand: hand::HandDeal::from(&sample_deal()),
            floor_classic: floor::FloorClassic::deserialize(&classic)?,
            floor_item: floor::FloorItem::deserialize(&item)?,
            record,
            record_value,
        })
    }

    /// The floor's write: its struct serialized to a JSON object.
    pub fn floor_write(&self) -> Result<Value, serde_json::Error> {
        match self.target {
            Target::Classic => serde_json::to_value(&self.floor_classic),
            Target::Item => serde_json::to_value(&self.floor_item),
        }
    }

    /// The floor's read, returning how many fields it filled (so the work is not optimised
    /// away and tests can check it).
    pub fn floor_read(&self) -> Result<usize, serde_json::Error> {
        let filled = match self.target {
            Target::Classic => {
                let d = floor::FloorClassic::deserialize(&self.record_value)?;
                usize::from(d.title.is_some()) + usize::from(d.tags_4.is_some())
            }
            Target::Item => {
                let d = floor::FloorItem::deserialize(&self.record_value)?;
                usize::from(d.title.is_some()) + usize::from(d.tags_4.is_some())
            }
        };
        Ok(filled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_schema::entity::CrmEntity;
    use serde_json::json;

    const BOTH: [Target; 2] = [Target::Classic, Target::Item];

    #[test]
    fn hand_and_generated_write_the_same_fields() {
        let deal = sample_deal();
        let hand = hand::HandDeal::from(&deal);
        for target in BOTH {
            let generated = deal.to_fields(target);
            assert_eq!(generated.len(), 60, "{target:?}");
            assert_eq!(hand.to_fields(target), generated, "{target:?}");
        }
    }

    #[test]
    fn hand_and_generated_read_the_same_values() {
        let expected = hand::HandDeal::from(&sample_deal());
        for target in BOTH {
            let record = read_record(target);
            let read = Deal::from_fields(&record, target);
            assert!(read.problems.is_empty(), "{target:?}: {:?}", read.problems);
            assert!(read.value.extra().raw().is_empty(), "{target:?}");
            assert_eq!(hand::HandDeal::from(&read.value), expected, "{target:?}");
            assert_eq!(
                hand::HandDeal::from_fields(&record, target),
                expected,
                "{target:?}"
            );
        }
    }

    #[test]
    fn read_shapes_follow_each_family() {
        let classic = read_record(Target::Classic);
        assert_eq!(classic["ASSIGNED_BY_ID"], json!("17"));
        assert_eq!(classic["OPPORTUNITY"], json!("12500.00"));
        assert_eq!(classic["BEGINDATE"], json!("2025-03-03T03:00:00+03:00"));
        assert_eq!(classic["UF_CRM_1800000038"], json!(true));
        let item = read_record(Target::Item);
        assert_eq!(item["assignedById"], json!(17));
        assert_eq!(item["ufCrm_1800000038"], json!("Y"));
        assert_eq!(item["ufCrm_1800000033"], json!(5002));
    }

    #[test]
    fn the_floor_round_trips_every_field() {
        for target in BOTH {
            let inputs = Inputs::new(target).unwrap();
            assert_eq!(
                inputs.floor_write().unwrap(),
                inputs.record_value,
                "{target:?}"
            );
            assert_eq!(inputs.floor_read().unwrap(), 2);
        }
    }
}
