//! Flags, booleans, numbers, IDs, strings and raw JSON: every documented read shape, the
//! exact write shape per family, and errors that name what arrived.

use bitrix_schema::value::codec::{
    Flag, LinkId, Multiple, Number, Raw, Text, UfBool, UfBoolNumeric, User,
};
use bitrix_schema::value::{Codec, Target, UserId};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use Target::{Classic, Item};

fn read<C: Codec<T>, T>(value: Value, target: Target) -> Option<T> {
    C::read(&value, target).unwrap_or_else(|e| panic!("{value} should read: {e}"))
}

fn dec(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn flag_reads_y_n_and_tolerated_shapes() {
    for target in [Classic, Item] {
        // crm.deal.get "OPENED": "Y", crm.item.add "opened": "N".
        assert_eq!(read::<Flag, bool>(json!("Y"), target), Some(true));
        assert_eq!(read::<Flag, bool>(json!("N"), target), Some(false));
        assert_eq!(read::<Flag, bool>(json!(true), target), Some(true));
        assert_eq!(read::<Flag, bool>(json!("0"), target), Some(false));
        assert_eq!(read::<Flag, bool>(json!(1), target), Some(true));
        assert_eq!(read::<Flag, bool>(json!(null), target), None);
        assert_eq!(read::<Flag, bool>(json!(""), target), None);
    }
}

#[test]
fn flag_writes_y_n_in_both_families() {
    assert_eq!(<Flag as Codec<bool>>::write(&true, Classic), json!("Y"));
    assert_eq!(<Flag as Codec<bool>>::write(&false, Classic), json!("N"));
    assert_eq!(<Flag as Codec<bool>>::write(&true, Item), json!("Y"));
    assert_eq!(<Flag as Codec<bool>>::write(&false, Item), json!("N"));
    assert_eq!(<Flag as Codec<bool>>::clear(Item), json!("N"));
}

#[test]
fn flag_rejects_other_strings_naming_them() {
    let err = <Flag as Codec<bool>>::read(&json!("maybe"), Classic).unwrap_err();
    assert!(err.to_string().contains("got string \"maybe\""), "{err}");
    assert!(err.to_string().contains("\"Y\"/\"N\""), "{err}");
    assert!(<Flag as Codec<bool>>::read(&json!(2), Item).is_err());
}

#[test]
fn uf_boolean_reads_every_family_shape() {
    // crm.lead.list shows JSON booleans for a boolean UF; crm.item documents "Y"/"N".
    assert_eq!(read::<UfBool, bool>(json!(false), Classic), Some(false));
    assert_eq!(read::<UfBool, bool>(json!(true), Classic), Some(true));
    assert_eq!(read::<UfBool, bool>(json!("1"), Classic), Some(true));
    assert_eq!(read::<UfBool, bool>(json!("0"), Classic), Some(false));
    assert_eq!(read::<UfBool, bool>(json!("Y"), Item), Some(true));
    assert_eq!(read::<UfBool, bool>(json!("N"), Item), Some(false));
    assert_eq!(read::<UfBool, bool>(json!(0), Item), Some(false));
    assert_eq!(read::<UfBool, bool>(json!(null), Classic), None);
}

#[test]
fn uf_boolean_never_writes_a_truthy_false() {
    // crm.item: "Y"/"N", the documented pair; never a number (the server compares with "Y").
    assert_eq!(<UfBool as Codec<bool>>::write(&true, Item), json!("Y"));
    assert_eq!(<UfBool as Codec<bool>>::write(&false, Item), json!("N"));
    // classic: JSON booleans, never the string "N" (truthy in PHP).
    assert_eq!(<UfBool as Codec<bool>>::write(&true, Classic), json!(true));
    assert_eq!(
        <UfBool as Codec<bool>>::write(&false, Classic),
        json!(false)
    );
    // The numeric alternative for open question 1.
    assert_eq!(
        <UfBoolNumeric as Codec<bool>>::write(&false, Classic),
        json!(0)
    );
    assert_eq!(
        <UfBoolNumeric as Codec<bool>>::write(&true, Classic),
        json!(1)
    );
    assert_eq!(
        <UfBoolNumeric as Codec<bool>>::write(&false, Item),
        json!("N")
    );
    assert_eq!(<UfBool as Codec<bool>>::clear(Classic), json!(""));
}

#[test]
fn integers_read_from_strings_and_numbers() {
    // crm.deal.get "PROBABILITY": "99"; crm.item.add "probability": 50.
    assert_eq!(read::<Number, i64>(json!("99"), Classic), Some(99));
    assert_eq!(read::<Number, u64>(json!(50), Item), Some(50));
    assert_eq!(
        read::<Number, u32>(json!("0"), Classic),
        Some(0),
        "0 is a value"
    );
    assert_eq!(read::<Number, i32>(json!(-5), Item), Some(-5));
    assert_eq!(read::<Number, u64>(json!(""), Classic), None);
    assert_eq!(read::<Number, u64>(json!(null), Item), None);
    assert_eq!(<Number as Codec<u64>>::write(&410, Classic), json!(410));
    assert_eq!(<Number as Codec<u64>>::clear(Item), json!(""));
}

#[test]
fn integers_reject_text_and_out_of_range() {
    let err = <Number as Codec<u64>>::read(&json!("abc"), Classic).unwrap_err();
    assert!(err.to_string().contains("got string \"abc\""), "{err}");
    let err = <Number as Codec<u64>>::read(&json!(-1), Item).unwrap_err();
    assert!(err.to_string().contains("non-negative"), "{err}");
    assert!(<Number as Codec<u32>>::read(&json!(5_000_000_000u64), Item).is_err());
    assert!(<Number as Codec<i64>>::read(&json!(1.5), Item).is_err());
}

#[test]
fn decimals_are_exact_from_strings_and_numbers() {
    // crm.deal.get "OPPORTUNITY": "1000000.00"; crm.item.add "opportunity": 999.99.
    assert_eq!(
        read::<Number, Decimal>(json!("1000000.00"), Classic),
        Some(dec("1000000.00"))
    );
    assert_eq!(
        read::<Number, Decimal>(json!(999.99), Item),
        Some(dec("999.99"))
    );
    assert_eq!(
        read::<Number, Decimal>(json!(19000), Item),
        Some(dec("19000"))
    );
    // Written as a JSON number in both families (crm-deal-add.md writes "OPPORTUNITY": 1000000).
    assert_eq!(
        <Number as Codec<Decimal>>::write(&dec("999.99"), Item),
        json!(999.99)
    );
    assert_eq!(
        <Number as Codec<Decimal>>::write(&dec("0.10"), Classic),
        json!(0.1)
    );
    let err = <Number as Codec<Decimal>>::read(&json!("12,5"), Classic).unwrap_err();
    assert!(err.to_string().contains("\"12,5\""), "{err}");
}

#[test]
fn doubles_read_from_strings_and_numbers() {
    // crm.item.add "ufCrm_1721244707107": 1111.1 (a double UF).
    assert_eq!(read::<Number, f64>(json!(1111.1), Item), Some(1111.1));
    assert_eq!(
        read::<Number, f64>(json!("19999.99"), Classic),
        Some(19999.99)
    );
    assert_eq!(
        <Number as Codec<f64>>::write(&1111.1, Classic),
        json!(1111.1)
    );
    assert!(<Number as Codec<f64>>::read(&json!("NaN"), Classic).is_err());
}

#[test]
fn link_ids_read_zero_and_null_as_none() {
    // crm.item.get "companyId": 0; crm.deal.get "LEAD_ID": null, "COMPANY_ID": "9".
    assert_eq!(read::<LinkId, u64>(json!(0), Item), None);
    assert_eq!(read::<LinkId, u64>(json!("0"), Classic), None);
    assert_eq!(read::<LinkId, u64>(json!(null), Classic), None);
    assert_eq!(read::<LinkId, u64>(json!("9"), Classic), Some(9));
    assert_eq!(read::<LinkId, u64>(json!(5), Item), Some(5));
    assert_eq!(<LinkId as Codec<u64>>::write(&9, Classic), json!(9));
    assert_eq!(<LinkId as Codec<u64>>::clear(Item), json!(0));
    assert!(<LinkId as Codec<u64>>::read(&json!("C_5"), Classic).is_err());
}

#[test]
fn user_ids_read_and_write_as_numbers() {
    assert_eq!(read::<User, UserId>(json!("1"), Classic), Some(UserId(1)));
    assert_eq!(read::<User, UserId>(json!(6), Item), Some(UserId(6)));
    assert_eq!(read::<User, UserId>(json!(0), Item), None);
    assert_eq!(
        <User as Codec<UserId>>::write(&UserId(6), Classic),
        json!(6)
    );
    let err = <User as Codec<UserId>>::read(&json!({"ID": 1}), Item).unwrap_err();
    assert!(
        err.to_string().contains("an object with keys [ID]"),
        "{err}"
    );
}

#[test]
fn text_reads_strings_and_tolerates_numbers() {
    assert_eq!(
        read::<Text, String>(json!("Hello world!"), Classic).as_deref(),
        Some("Hello world!")
    );
    // crm.item.get "ufCrm_1720019876534": "321" may as well arrive as a number.
    assert_eq!(
        read::<Text, String>(json!(321), Item).as_deref(),
        Some("321")
    );
    assert_eq!(read::<Text, String>(json!(""), Classic), None);
    assert_eq!(read::<Text, String>(json!(null), Item), None);
    assert_eq!(
        <Text as Codec<String>>::write(&"x".to_string(), Item),
        json!("x")
    );
    assert!(<Text as Codec<String>>::read(&json!([1]), Item).is_err());
}

#[test]
fn raw_keeps_any_json() {
    let value = json!({"anything": [1, 2]});
    assert_eq!(read::<Raw, Value>(value.clone(), Item), Some(value.clone()));
    assert_eq!(<Raw as Codec<Value>>::write(&value, Classic), value);
    assert_eq!(read::<Raw, Value>(json!(null), Item), None);
}

#[test]
fn multiple_reads_arrays_php_objects_and_single_values() {
    type Ids = Multiple<Number>;
    // crm.item.add "observers": [2, 3].
    assert_eq!(read::<Ids, Vec<u64>>(json!([2, 3]), Item), Some(vec![2, 3]));
    assert_eq!(read::<Ids, Vec<u64>>(json!([]), Item), None);
    assert_eq!(
        read::<Ids, Vec<u64>>(json!(["84", "", "83"]), Classic),
        Some(vec![84, 83])
    );
    assert_eq!(
        read::<Ids, Vec<u64>>(json!({"2": 7, "0": 5}), Classic),
        Some(vec![5, 7])
    );
    assert_eq!(read::<Ids, Vec<u64>>(json!("4"), Classic), Some(vec![4]));
    let err = <Ids as Codec<Vec<u64>>>::read(&json!([1, "x"]), Item).unwrap_err();
    assert_eq!(err.element(), Some(1));
    assert!(err.to_string().starts_with("element 1: "), "{err}");
    assert_eq!(
        <Ids as Codec<Vec<u64>>>::write(&vec![4, 5], Classic),
        json!([4, 5])
    );
}

#[test]
fn multiple_clear_values() {
    // List-like user fields: [""] (a bare [] is documented to keep old values).
    assert_eq!(
        <Multiple<Text> as Codec<Vec<String>>>::clear(Item),
        json!([""])
    );
    assert_eq!(
        <Multiple<Text> as Codec<Vec<String>>>::clear(Classic),
        json!([""])
    );
    // Bindings such as contactIds / observers: the empty list.
    assert_eq!(
        <Multiple<LinkId> as Codec<Vec<u64>>>::clear(Item),
        json!([])
    );
    assert_eq!(
        <Multiple<User> as Codec<Vec<UserId>>>::clear(Item),
        json!([])
    );
}
