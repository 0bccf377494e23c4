//! Addresses, URLs, files and multifields, read from the real example responses.

use bitrix_schema::entity::{Extra, Reader, Writer};
use bitrix_schema::value::codec::{
    Address as AddressCodec, File as FileCodec, Multiple, Url as UrlCodec,
};
use bitrix_schema::value::{Address, Codec, File, Multifield, MultifieldType, Target, Url};
use serde_json::{Map, Value, json};

use Target::{Classic, Item};

fn fixture(name: &str) -> Value {
    let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn record(name: &str) -> Map<String, Value> {
    let body = fixture(name);
    let result = &body["result"];
    let record = result.get("item").unwrap_or(result);
    record.as_object().expect("a record object").clone()
}

#[test]
fn address_single_and_multiple_from_the_fixture() {
    let contact = record("crm.contact.get.address-uf.json");
    let single = <AddressCodec as Codec<Address>>::read(&contact["UF_CRM_1724412832"], Classic)
        .unwrap()
        .unwrap();
    assert_eq!(
        single.text,
        "Granatny Lane, 10, Berlin, Berlin, Germany, 123001"
    );
    assert_eq!(single.coordinates, Some((55.761234, 37.591234)));
    assert_eq!(single.location_id, Some(571));
    assert_eq!(
        <AddressCodec as Codec<Address>>::write(&single, Classic),
        contact["UF_CRM_1724412832"]
    );

    type Addresses = Multiple<AddressCodec>;
    let many = <Addresses as Codec<Vec<Address>>>::read(&contact["UF_CRM_1724412960"], Classic)
        .unwrap()
        .unwrap();
    assert_eq!(many.len(), 2);
    assert_eq!(
        many[0].text,
        "Tverskaya Street, 7, , Berlin, Berlin, Germany"
    );
    assert_eq!(many[0].coordinates, None, "\";\" means no coordinates");
    assert_eq!(many[1].location_id, Some(577));
    assert_eq!(
        <Addresses as Codec<Vec<Address>>>::write(&many, Item),
        contact["UF_CRM_1724412960"]
    );
}

#[test]
fn address_text_only_and_errors() {
    let plain = Address::from_text("Somewhere 1");
    assert_eq!(
        <AddressCodec as Codec<Address>>::write(&plain, Item),
        json!("Somewhere 1")
    );
    assert_eq!(Address::parse("").unwrap(), None);
    let err = Address::parse("Street|north;east|5").unwrap_err();
    assert!(err.to_string().contains("\"Street|north;east|5\""), "{err}");
    assert!(Address::parse("Street|1;2|x").is_err());
}

#[test]
fn url_debug_hides_the_query() {
    let url = <UrlCodec as Codec<Url>>::read(&json!("https://example.com/a?token=SECRET"), Item)
        .unwrap()
        .unwrap();
    assert!(!format!("{url:?}").contains("SECRET"));
    assert_eq!(url.as_str(), "https://example.com/a?token=SECRET");
    assert_eq!(
        <UrlCodec as Codec<Url>>::write(&url, Classic),
        json!(url.as_str())
    );
}

#[test]
fn classic_files_from_the_fixture() {
    let lead = record("crm.lead.get.file-uf.json");
    let file = <FileCodec as Codec<File>>::read(&lead["UF_CRM_LEAD_FILE"], Classic)
        .unwrap()
        .unwrap();
    assert_eq!(file.id(), Some(37375));
    let File::Stored { download_url, .. } = &file else {
        panic!("a stored file")
    };
    assert!(download_url.as_ref().unwrap().as_str().contains("auth="));
    // The download link carries `auth=`; Debug must not print any query.
    let debug = format!("{file:?}");
    assert!(!debug.contains("auth="), "{debug}");
    assert!(!debug.contains("fileId="), "{debug}");
    assert!(debug.contains("37375"), "{debug}");

    type Files = Multiple<FileCodec>;
    let files = <Files as Codec<Vec<File>>>::read(&lead["UF_CRM_LEAD_FILES"], Classic)
        .unwrap()
        .unwrap();
    assert_eq!(
        files.iter().map(File::id).collect::<Vec<_>>(),
        [Some(37377)]
    );
}

#[test]
fn item_file_shape_maps_url_and_url_machine() {
    // object-fields.md: crm.item returns {id, url, urlMachine}; urlMachine may embed a token.
    let value = json!({
        "id": 433,
        "url": "/bitrix/services/main/ajax.php?action=crm.controller.item.getFile&fileId=433",
        "urlMachine": "https://portal.example/rest/crm.controller.item.getFile?token=SECRET"
    });
    let file = <FileCodec as Codec<File>>::read(&value, Item)
        .unwrap()
        .unwrap();
    let File::Stored {
        id,
        show_url,
        download_url,
    } = &file
    else {
        panic!("a stored file")
    };
    assert_eq!(*id, 433);
    assert!(
        show_url
            .as_ref()
            .unwrap()
            .as_str()
            .starts_with("/bitrix/services")
    );
    assert!(
        download_url
            .as_ref()
            .unwrap()
            .as_str()
            .ends_with("token=SECRET")
    );
    assert!(!format!("{file:?}").contains("SECRET"));
}

#[test]
fn files_write_per_family() {
    let upload = File::upload("a.txt", b"hi".to_vec());
    // "aGk=" is base64 of "hi".
    assert_eq!(
        <FileCodec as Codec<File>>::write(&upload, Classic),
        json!({"fileData": ["a.txt", "aGk="]})
    );
    assert_eq!(
        <FileCodec as Codec<File>>::write(&upload, Item),
        json!(["a.txt", "aGk="])
    );
    assert_eq!(
        <FileCodec as Codec<File>>::write(&File::keep(433), Item),
        json!({"id": 433})
    );
    assert_eq!(<FileCodec as Codec<File>>::clear(Item), json!(""));
    let debug = format!("{upload:?}");
    assert!(
        debug.contains("bytes: 2") && !debug.contains("aGk="),
        "{debug}"
    );

    type Files = Multiple<FileCodec>;
    let kept_and_new = vec![File::keep(433), File::upload("b.pdf", Vec::new())];
    assert_eq!(
        <Files as Codec<Vec<File>>>::write(&kept_and_new, Item),
        json!([{"id": 433}, ["b.pdf", ""]])
    );
}

#[test]
fn bad_file_values_are_described_without_their_urls() {
    let value = json!({"showUrl": "/x?auth=SECRET"});
    let err = <FileCodec as Codec<File>>::read(&value, Classic).unwrap_err();
    assert!(
        err.to_string().contains("an object with keys [showUrl]"),
        "{err}"
    );
    assert!(!err.to_string().contains("SECRET"));
}

#[test]
fn classic_multifields_from_the_contact_fixture() {
    let contact = record("crm.contact.get.json");
    let mut reader = Reader::new(&contact, Classic);
    let phones = reader.multifield(MultifieldType::Phone).unwrap();
    let emails = reader.multifield(MultifieldType::Email).unwrap();
    assert_eq!(phones.len(), 2);
    assert_eq!(phones[0].id, Some(156));
    assert_eq!(phones[0].value_type, "WORK");
    assert_eq!(phones[0].value, "+13333333555");
    assert_eq!(emails[1].value, "johnsmith@example.work");
    assert_eq!(reader.multifield(MultifieldType::Web), None);
}

#[test]
fn item_fm_is_split_by_type() {
    let lead = record("crm.item.get.json");
    let mut reader = Reader::new(&lead, Item);
    let phones = reader.multifield(MultifieldType::Phone).unwrap();
    let emails = reader.multifield(MultifieldType::Email).unwrap();
    assert_eq!(
        phones,
        vec![Multifield {
            id: Some(101),
            value_type: "WORK".into(),
            value: "+6111111111".into(),
            delete: false
        }]
    );
    assert_eq!(emails[0].id, Some(102));
    assert_eq!(emails[0].value, "admin@example.com");
    let (extra, problems) = reader.finish();
    assert!(problems.is_empty(), "{problems:?}");
    // Every fm entry was claimed, so fm is not kept raw; the flat read-only aliases are.
    assert!(extra.get("fm").is_none());
    assert_eq!(extra.get("phoneWork"), Some(&json!("+6111111111")));
}

#[test]
fn fm_entries_of_unclaimed_kinds_are_kept_raw() {
    let lead = record("crm.item.get.json");
    let mut reader = Reader::new(&lead, Item);
    let _ = reader.multifield(MultifieldType::Phone);
    let (extra, _) = reader.finish();
    assert_eq!(
        extra.get("fm"),
        lead.get("fm"),
        "the EMAIL entry must not be lost"
    );
}

fn write(
    target: Target,
    phones: &Option<Vec<Multifield>>,
    emails: &Option<Vec<Multifield>>,
) -> Value {
    let extra = Extra::default();
    let mut writer = Writer::new(target, &extra);
    writer.multifield(MultifieldType::Phone, phones);
    writer.multifield(MultifieldType::Email, emails);
    Value::Object(writer.finish())
}

#[test]
fn classic_multifield_writes_add_change_and_delete() {
    let changed = Multifield {
        value: "+13333333000".into(),
        ..Multifield::new("WORK", "")
    };
    let phones = Some(vec![
        Multifield {
            id: Some(156),
            ..changed
        },
        Multifield::delete(157),
        Multifield::new("MOBILE", "+15550001111"),
    ]);
    // crm-contact-update.md: change {ID, VALUE, VALUE_TYPE}, delete {ID, DELETE: "Y"}, add
    // {VALUE, VALUE_TYPE}.
    assert_eq!(
        write(Classic, &phones, &None),
        json!({"PHONE": [
            {"ID": 156, "VALUE_TYPE": "WORK", "VALUE": "+13333333000"},
            {"ID": 157, "DELETE": "Y"},
            {"VALUE_TYPE": "MOBILE", "VALUE": "+15550001111"}
        ]})
    );
}

#[test]
fn item_fm_add_is_an_array_of_all_kinds() {
    let phones = Some(vec![Multifield::new("WORK", "+493012345678")]);
    let emails = Some(vec![Multifield::new("HOME", "home@nomail.com")]);
    // how-to-change-email-or-phone.md step 1.
    assert_eq!(
        write(Item, &phones, &emails),
        json!({"fm": [
            {"typeId": "PHONE", "valueType": "WORK", "value": "+493012345678"},
            {"typeId": "EMAIL", "valueType": "HOME", "value": "home@nomail.com"}
        ]})
    );
}

#[test]
fn item_fm_update_is_an_object_keyed_by_id_and_n() {
    let phones = Some(vec![
        Multifield {
            id: Some(8559),
            ..Multifield::new("MOBILE", "+493099999999")
        },
        Multifield::new("HOME", "+493011111111"),
    ]);
    let emails = Some(vec![
        Multifield::delete(8555),
        Multifield::new("WORK", "new@nomail.com"),
    ]);
    // how-to-change-email-or-phone.md step 3: typeId in every element, deletion by an empty
    // value under the entry ID, new entries under n0, n1, ...
    assert_eq!(
        write(Item, &phones, &emails),
        json!({"fm": {
            "8559": {"typeId": "PHONE", "valueType": "MOBILE", "value": "+493099999999"},
            "n0": {"typeId": "PHONE", "valueType": "HOME", "value": "+493011111111"},
            "8555": {"typeId": "EMAIL", "value": ""},
            "n1": {"typeId": "EMAIL", "valueType": "WORK", "value": "new@nomail.com"}
        }})
    );
}

#[test]
fn deleting_without_an_id_writes_nothing() {
    let nothing = Some(vec![Multifield {
        id: None,
        ..Multifield::delete(1)
    }]);
    assert_eq!(write(Classic, &nothing, &None), json!({}));
    assert_eq!(write(Item, &nothing, &None), json!({}));
    assert_eq!(write(Item, &Some(Vec::new()), &None), json!({}));
}
