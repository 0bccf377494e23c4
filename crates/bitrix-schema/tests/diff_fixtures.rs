//! The diff on schemas built from the documented example responses in `fixtures/`: the raw
//! responses are edited the way a portal admin's changes would show up in them, and the diff
//! must report exactly those edits.

// Inside `mod diff` every test name starts with `diff::`, so `cargo test diff` runs them all.
mod diff {
    use bitrix_schema::diff::{ChangeKind, SchemaDiff, Severity, diff};
    use bitrix_schema::file;
    use bitrix_schema::ingest::{PortalMetadata, build_schema};
    use bitrix_schema::{EntityKind, Schema};
    use serde_json::Value;

    use ChangeKind as K;
    use Severity::{Additive, Breaking};

    fn fixture(name: &str) -> Value {
        let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The deal as the fixtures describe it: classic fields, its user-field list (with the
    /// enumeration `UF_CRM_1724077760`), its one documented `crm.item` user field, the
    /// `DEAL_STAGE` statuses and the four pipelines.
    fn metadata() -> PortalMetadata {
        let mut meta = PortalMetadata::default();
        meta.classic_fields
            .insert(EntityKind::Deal, fixture("crm.deal.fields.json"));
        meta.item_fields
            .insert(2, fixture("crm.item.fields.deal-date-uf.json"));
        meta.userfields
            .insert(EntityKind::Deal, fixture("crm.deal.userfield.list.json"));
        meta.statuses.push(fixture("crm.status.list.json"));
        meta.status_entity_types = Some(fixture("crm.status.entity.types.json"));
        meta.categories.insert(2, fixture("crm.category.list.json"));
        meta
    }

    fn build(meta: &PortalMetadata) -> Schema {
        build_schema(meta).expect("the fixtures build a schema")
    }

    fn deal_userfield<'a>(meta: &'a mut PortalMetadata, name: &str) -> &'a mut Value {
        let list = meta
            .userfields
            .get_mut(&EntityKind::Deal)
            .expect("deal userfields");
        let fields = list["result"].as_array_mut().expect("result is an array");
        let found = fields.iter_mut().find(|f| f["FIELD_NAME"] == name);
        found.expect("the fixture has this user field")
    }

    fn list_items(meta: &mut PortalMetadata) -> &mut Vec<Value> {
        let field = deal_userfield(meta, "UF_CRM_1724077760");
        field["LIST"].as_array_mut().expect("LIST is an array")
    }

    type Row<'a> = (
        &'a str,
        ChangeKind,
        Severity,
        Option<&'a str>,
        Option<&'a str>,
    );

    fn rows(diff: &SchemaDiff) -> Vec<Row<'_>> {
        diff.changes
            .iter()
            .map(|c| {
                let before = c.before.as_deref();
                (
                    c.path.as_str(),
                    c.kind,
                    c.severity,
                    before,
                    c.after.as_deref(),
                )
            })
            .collect()
    }

    #[test]
    fn the_same_responses_give_an_empty_diff() {
        let result = diff(&build(&metadata()), &build(&metadata()));
        assert_eq!(rows(&result), []);
    }

    #[test]
    fn the_schema_file_round_trip_is_not_drift() {
        let schema = build(&metadata());
        let text = file::render(&schema);
        let reread = file::parse(&text, "bitrix-schema.toml").expect("rendered file parses");
        assert_eq!(rows(&diff(&schema, &reread)), []);
    }

    #[test]
    fn edits_to_the_responses_are_reported_exactly() {
        let old = build(&metadata());
        let mut meta = metadata();

        let classic = meta
            .classic_fields
            .get_mut(&EntityKind::Deal)
            .expect("deal fields");
        let fields = classic["result"]
            .as_object_mut()
            .expect("result is an object");
        fields["TITLE"]["isRequired"] = Value::Bool(true);
        fields.remove("UTM_TERM").expect("the fixture has UTM_TERM");

        let items = list_items(&mut meta);
        items.retain(|i| i["ID"] != "3181");
        let shanson = items
            .iter_mut()
            .find(|i| i["ID"] == "3159")
            .expect("item 3159");
        shanson["VALUE"] = "Chanson Radio".into();

        let item_fields = meta.item_fields.get_mut(&2).expect("deal item fields");
        item_fields["result"]["fields"]["ufCrm_1746431727372"]["type"] = "datetime".into();

        let statuses = meta.statuses[0]["result"].as_array_mut().expect("statuses");
        statuses.retain(|s| s["STATUS_ID"] != "APOLOGY");

        let categories = meta.categories.get_mut(&2).expect("deal categories");
        let list = categories["result"]["categories"]
            .as_array_mut()
            .expect("categories");
        let route = list
            .iter_mut()
            .find(|c| c["id"] == 10)
            .expect("category 10");
        route["name"] = "Lead Path".into();

        let result = diff(&old, &build(&meta));
        assert_eq!(
            rows(&result),
            [
                (
                    "deal.TITLE.required",
                    K::BecameRequired,
                    Breaking,
                    Some("false"),
                    Some("true")
                ),
                (
                    "deal.UF_CRM_1724077760.items.3159.label",
                    K::EnumItemRelabelled,
                    Additive,
                    Some("Shanson Radio"),
                    Some("Chanson Radio"),
                ),
                (
                    "deal.UF_CRM_1724077760.items.3181",
                    K::EnumItemRemoved,
                    Breaking,
                    Some("DFM Yuriev-Polsky"),
                    None,
                ),
                (
                    "deal.UF_CRM_1746431727372.type",
                    K::TypeChanged,
                    Breaking,
                    Some("date"),
                    Some("datetime"),
                ),
                (
                    "deal.UTM_TERM",
                    K::FieldRemoved,
                    Breaking,
                    Some("string"),
                    None
                ),
                (
                    "deal.categories.0.stages.APOLOGY",
                    K::StageRemoved,
                    Breaking,
                    Some("Failure reason analysis"),
                    None,
                ),
                (
                    "deal.categories.10.name",
                    K::CategoryRenamed,
                    Additive,
                    Some("Lead Route"),
                    Some("Lead Path"),
                ),
            ]
        );
        assert_eq!(result.summary(), "5 breaking, 2 additive changes");
    }

    #[test]
    fn a_list_recreated_with_new_ids_is_all_removed_plus_all_added() {
        let old = build(&metadata());
        let mut meta = metadata();
        // Same labels, same order, new IDs: what deleting and re-creating the list does.
        for item in list_items(&mut meta) {
            let id: u64 = item["ID"]
                .as_str()
                .and_then(|s| s.parse().ok())
                .expect("string ID");
            item["ID"] = (id + 1000).to_string().into();
        }

        let result = diff(&old, &build(&meta));
        let summary: Vec<(&str, ChangeKind)> = result
            .changes
            .iter()
            .map(|c| (c.path.as_str(), c.kind))
            .collect();
        let prefix = "deal.UF_CRM_1724077760.items";
        let removed = ["3157", "3159", "3161", "3163", "3181"];
        let added = ["4157", "4159", "4161", "4163", "4181"];
        let expected: Vec<(String, ChangeKind)> = removed
            .iter()
            .map(|id| (format!("{prefix}.{id}"), K::EnumItemRemoved))
            .chain(
                added
                    .iter()
                    .map(|id| (format!("{prefix}.{id}"), K::EnumItemAdded)),
            )
            .collect();
        let expected: Vec<(&str, ChangeKind)> =
            expected.iter().map(|(p, k)| (p.as_str(), *k)).collect();
        assert_eq!(summary, expected);
        assert_eq!(result.breaking().count(), 5);
        assert_eq!(result.additive().count(), 5);
    }
}
