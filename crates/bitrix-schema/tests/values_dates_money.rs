//! Dates (the UTC rule), datetimes (offset kept) and money (`"amount|CUR"`).

use bitrix_schema::value::codec::{Date, DateTime as DateTimeCodec, Money as MoneyCodec};
use bitrix_schema::value::{Codec, Money, Target};
use chrono::{DateTime, FixedOffset, NaiveDate};
use rust_decimal::Decimal;
use serde_json::json;

use Target::{Classic, Item};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn read_date(value: serde_json::Value, target: Target) -> Option<NaiveDate> {
    <Date as Codec<NaiveDate>>::read(&value, target).unwrap()
}

#[test]
fn dates_take_the_utc_date_of_the_instant() {
    // crm.deal.get "BEGINDATE": 00:00 UTC of the 30th printed at +02:00.
    assert_eq!(
        read_date(json!("2024-08-30T02:00:00+02:00"), Classic),
        Some(date(2024, 8, 30))
    );
    // crm.item.add "begindate"; the crm.item tutorial's "2025-04-29T03:00:00+03:00".
    assert_eq!(
        read_date(json!("2024-06-18T02:00:00+02:00"), Item),
        Some(date(2024, 6, 18))
    );
    assert_eq!(
        read_date(json!("2025-04-29T03:00:00+03:00"), Item),
        Some(date(2025, 4, 29))
    );
    // A server at a negative offset prints the 30th as the evening of the 29th (derived from
    // CRestUtil::ConvertDate, open question 10): the UTC rule still gives the 30th.
    assert_eq!(
        read_date(json!("2024-08-29T19:00:00-05:00"), Classic),
        Some(date(2024, 8, 30))
    );
    assert_eq!(
        read_date(json!("2024-08-30"), Item),
        Some(date(2024, 8, 30))
    );
}

#[test]
fn empty_dates_are_none() {
    // crm.lead.list "BIRTHDATE": ""; crm.item "dateClosed": null.
    assert_eq!(read_date(json!(""), Classic), None);
    assert_eq!(read_date(json!(null), Item), None);
}

#[test]
fn dates_write_plain_yyyy_mm_dd() {
    let d = date(2024, 8, 30);
    assert_eq!(
        <Date as Codec<NaiveDate>>::write(&d, Classic),
        json!("2024-08-30")
    );
    assert_eq!(
        <Date as Codec<NaiveDate>>::write(&d, Item),
        json!("2024-08-30")
    );
    assert_eq!(<Date as Codec<NaiveDate>>::clear(Item), json!(""));
}

#[test]
fn bad_dates_name_what_arrived() {
    let err = <Date as Codec<NaiveDate>>::read(&json!("30.08.2024"), Classic).unwrap_err();
    assert!(err.to_string().contains("\"30.08.2024\""), "{err}");
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
    assert!(<Date as Codec<NaiveDate>>::read(&json!(20240830), Item).is_err());
}

#[test]
fn datetimes_keep_their_offset_both_ways() {
    type Dt = DateTime<FixedOffset>;
    // crm.deal.get "DATE_CREATE"; crm.item.get "createdTime".
    let text = "2024-08-30T14:29:00+02:00";
    let dt = <DateTimeCodec as Codec<Dt>>::read(&json!(text), Classic)
        .unwrap()
        .unwrap();
    assert_eq!(dt.offset().local_minus_utc(), 2 * 3600);
    assert_eq!(dt.to_utc().to_rfc3339(), "2024-08-30T12:29:00+00:00");
    assert_eq!(
        <DateTimeCodec as Codec<Dt>>::write(&dt, Classic),
        json!(text)
    );
    assert_eq!(<DateTimeCodec as Codec<Dt>>::write(&dt, Item), json!(text));
    assert_eq!(
        <DateTimeCodec as Codec<Dt>>::read(&json!(""), Item).unwrap(),
        None
    );
    let err = <DateTimeCodec as Codec<Dt>>::read(&json!("2024-08-30"), Item).unwrap_err();
    assert!(
        err.to_string().contains("got string \"2024-08-30\""),
        "{err}"
    );
}

fn money(amount: &str, currency: Option<&str>) -> Money {
    Money {
        amount: amount.parse::<Decimal>().unwrap(),
        currency: currency.map(str::to_string),
    }
}

fn read_money(value: serde_json::Value, target: Target) -> Option<Money> {
    <MoneyCodec as Codec<Money>>::read(&value, target).unwrap()
}

#[test]
fn money_reads_amount_and_currency_exactly() {
    // api-reference/crm/currency: "300|USD"; crm-item-add: "300|RUB".
    assert_eq!(
        read_money(json!("300|USD"), Classic),
        Some(money("300", Some("USD")))
    );
    assert_eq!(
        read_money(json!("300|RUB"), Item),
        Some(money("300", Some("RUB")))
    );
    let exact = read_money(json!("1000.10|EUR"), Item).unwrap();
    assert_eq!(exact.amount.to_string(), "1000.10");
    // An amount alone takes the default currency when saved.
    assert_eq!(read_money(json!("300"), Item), Some(money("300", None)));
}

#[test]
fn money_empty_shapes_are_none() {
    for empty in [json!(""), json!("|EUR"), json!("EUR"), json!(null)] {
        assert_eq!(read_money(empty.clone(), Item), None, "{empty}");
    }
}

#[test]
fn money_writes_amount_pipe_currency_in_both_families() {
    let m = money("300.50", Some("USD"));
    assert_eq!(
        <MoneyCodec as Codec<Money>>::write(&m, Classic),
        json!("300.50|USD")
    );
    assert_eq!(
        <MoneyCodec as Codec<Money>>::write(&m, Item),
        json!("300.50|USD")
    );
    let bare = money("12", None);
    assert_eq!(
        <MoneyCodec as Codec<Money>>::write(&bare, Item),
        json!("12")
    );
    assert_eq!(<MoneyCodec as Codec<Money>>::clear(Classic), json!(""));
}

#[test]
fn bad_money_names_what_arrived() {
    let err = <MoneyCodec as Codec<Money>>::read(&json!("lots|USD"), Classic).unwrap_err();
    assert!(err.to_string().contains("\"lots|USD\""), "{err}");
    assert!(err.to_string().contains("amount|CUR"), "{err}");
    assert!(<MoneyCodec as Codec<Money>>::read(&json!({"amount": 1}), Item).is_err());
}
