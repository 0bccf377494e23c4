//! Order of changes and the text and JSON reports.

// Inside `mod diff` every test name starts with `diff::`, so `cargo test diff` runs them all.
mod diff {
    use bitrix_schema::diff::diff;
    use bitrix_schema::{
        Category, Entity, EntityKind, EnumItem, Field, FieldType, Schema, Semantics, Status,
        StatusList,
    };

    const SPA: EntityKind = EntityKind::Smart {
        entity_type_id: 156,
        type_id: 13,
    };

    fn field(name: &str, ty: FieldType) -> Field {
        Field {
            name: name.into(),
            in_classic: true,
            ty,
            ..Default::default()
        }
    }

    fn item(id: u64, label: &str, sort: i64) -> EnumItem {
        EnumItem {
            id,
            label: label.into(),
            sort,
            ..Default::default()
        }
    }

    fn status(id: &str, name: &str, sort: i64) -> Status {
        Status {
            id: id.into(),
            name: name.into(),
            sort,
            ..Default::default()
        }
    }

    fn old_schema() -> Schema {
        let mut deal = Entity::new(EntityKind::Deal);
        deal.fields = vec![
            field("TITLE", FieldType::String),
            field("OPPORTUNITY", FieldType::Double),
            Field {
                user_field: true,
                items: vec![item(3157, "Gold", 10), item(3158, "Silver", 20)],
                ..field("UF_CRM_1724077760", FieldType::Enumeration)
            },
        ];
        deal.categories = vec![Category {
            id: 0,
            name: "General".into(),
            sort: 300,
            is_default: true,
            stage_list: "DEAL_STAGE".into(),
            stages: vec![status("NEW", "New", 10), status("WON", "Deal won", 60)],
            rust_name: None,
        }];
        let mut schema = Schema {
            entities: vec![deal],
            ..Default::default()
        };
        schema.status_lists.insert(
            "SOURCE".into(),
            StatusList {
                name: Some("Source".into()),
                items: vec![status("CALL", "Call", 10), status("WEB", "Website", 20)],
                rust_name: None,
            },
        );
        schema
    }

    /// Three breaking and four additive edits spread over two entities and a status list.
    fn new_schema() -> Schema {
        let mut schema = old_schema();
        let deal = &mut schema.entities[0];
        deal.fields.retain(|f| f.name != "OPPORTUNITY");
        deal.fields[0].label = Some("Say \"hi\"".into());
        deal.fields[1].items = vec![item(3157, "Gold", 10), item(3159, "Bronze", 30)];
        deal.categories[0].stages[1].name = "Won".into();
        let mut spa = Entity::new(SPA);
        spa.title = Some("Purchases".into());
        schema.entities.push(spa);
        let source = schema
            .status_lists
            .get_mut("SOURCE")
            .expect("SOURCE exists");
        source.items.retain(|s| s.id != "WEB");
        schema
    }

    const EXPECTED_TEXT: &str = r#"entity deal
  - deal.OPPORTUNITY: field removed (type was double) [breaking]
  ~ deal.TITLE.label: label changed from none to "Say \"hi\"" [additive]
  - deal.UF_CRM_1724077760.items.3158: item removed: "Silver" [breaking]
  + deal.UF_CRM_1724077760.items.3159: item added: "Bronze" [additive]
  ~ deal.categories.0.stages.WON.name: stage renamed from "Deal won" to "Won" [additive]

entity smart:156
  + smart:156: entity added: "Purchases" [additive]

status list SOURCE
  - status_lists.SOURCE.items.WEB: entry removed: "Website" [breaking]

3 breaking, 4 additive changes
"#;

    #[test]
    fn text_report_matches_snapshot_and_is_byte_stable() {
        let result = diff(&old_schema(), &new_schema());
        let first = result.render_text();
        assert_eq!(first, EXPECTED_TEXT);
        assert_eq!(diff(&old_schema(), &new_schema()).render_text(), first);
    }

    const EXPECTED_JSON: &str = r#"{
  "breaking": 3,
  "additive": 4,
  "changes": [
    {
      "path": "deal.OPPORTUNITY",
      "kind": "field_removed",
      "severity": "breaking",
      "before": "double",
      "after": null,
      "message": "field removed (type was double)"
    },
    {
      "path": "deal.TITLE.label",
      "kind": "label_changed",
      "severity": "additive",
      "before": null,
      "after": "Say \"hi\"",
      "message": "label changed from none to \"Say \\\"hi\\\"\""
    },
    {
      "path": "deal.UF_CRM_1724077760.items.3158",
      "kind": "enum_item_removed",
      "severity": "breaking",
      "before": "Silver",
      "after": null,
      "message": "item removed: \"Silver\""
    },
    {
      "path": "deal.UF_CRM_1724077760.items.3159",
      "kind": "enum_item_added",
      "severity": "additive",
      "before": null,
      "after": "Bronze",
      "message": "item added: \"Bronze\""
    },
    {
      "path": "deal.categories.0.stages.WON.name",
      "kind": "stage_renamed",
      "severity": "additive",
      "before": "Deal won",
      "after": "Won",
      "message": "stage renamed from \"Deal won\" to \"Won\""
    },
    {
      "path": "smart:156",
      "kind": "entity_added",
      "severity": "additive",
      "before": null,
      "after": "Purchases",
      "message": "entity added: \"Purchases\""
    },
    {
      "path": "status_lists.SOURCE.items.WEB",
      "kind": "status_removed",
      "severity": "breaking",
      "before": "Website",
      "after": null,
      "message": "entry removed: \"Website\""
    }
  ]
}
"#;

    #[test]
    fn json_report_matches_snapshot_and_is_byte_stable() {
        let result = diff(&old_schema(), &new_schema());
        let first = result.render_json();
        assert_eq!(first, EXPECTED_JSON);
        assert_eq!(diff(&old_schema(), &new_schema()).render_json(), first);
    }

    #[test]
    fn empty_diff_reports() {
        let result = diff(&old_schema(), &old_schema());
        assert_eq!(result.render_text(), "no changes\n");
        let expected = "{\n  \"breaking\": 0,\n  \"additive\": 0,\n  \"changes\": []\n}\n";
        assert_eq!(result.render_json(), expected);
    }

    #[test]
    fn control_characters_in_labels_are_escaped_in_text() {
        let old = old_schema();
        let mut new = old.clone();
        new.entities[0].fields[0].label = Some("two\nlines\u{7}".into());
        let text = diff(&old, &new).render_text();
        assert!(
            text.contains(r#"label changed from none to "two\nlines\u{7}" [additive]"#),
            "{text}"
        );
        assert_eq!(
            text.lines().count(),
            4,
            "one change must stay on one line: {text}"
        );
    }

    /// Reverses every list in a schema, so the input is as far from canonical order as it gets.
    fn scrambled(mut schema: Schema) -> Schema {
        schema.entities.reverse();
        for entity in &mut schema.entities {
            entity.fields.reverse();
            for field in &mut entity.fields {
                field.items.reverse();
            }
            entity.categories.reverse();
            for category in &mut entity.categories {
                category.stages.reverse();
            }
        }
        for list in schema.status_lists.values_mut() {
            list.items.reverse();
        }
        schema
    }

    fn many_changes() -> (Schema, Schema) {
        let mut old = old_schema();
        old.entities.push(Entity::new(EntityKind::Lead));
        old.entities.push(Entity::new(EntityKind::Company));
        old.entities[0].categories.push(Category {
            id: 9,
            name: "Funnel".into(),
            sort: 200,
            is_default: false,
            stage_list: "DEAL_STAGE_9".into(),
            stages: vec![status("C9:NEW", "New", 10), status("C9:WON", "Won", 20)],
            rust_name: None,
        });
        old.normalize();

        let mut new = old.clone();
        for entity in &mut new.entities {
            for field in &mut entity.fields {
                field.label = Some(format!("{} label", field.name));
                for item in &mut field.items {
                    item.label.push('!');
                }
            }
            for category in &mut entity.categories {
                for stage in &mut category.stages {
                    stage.semantics = Some(Semantics::Process);
                }
            }
            entity.fields.push(field("COMMENTS", FieldType::String));
            entity
                .fields
                .push(field("ADDITIONAL_INFO", FieldType::String));
        }
        let source = new.status_lists.get_mut("SOURCE").expect("SOURCE exists");
        for item in &mut source.items {
            item.sort += 1;
        }
        (old, new)
    }

    #[test]
    fn changes_are_sorted_whatever_the_input_order() {
        let (old, new) = many_changes();
        let canonical = diff(&old, &new);
        let paths: Vec<&str> = canonical.changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "lead.ADDITIONAL_INFO",
                "lead.COMMENTS",
                "deal.ADDITIONAL_INFO",
                "deal.COMMENTS",
                "deal.OPPORTUNITY.label",
                "deal.TITLE.label",
                "deal.UF_CRM_1724077760.label",
                "deal.UF_CRM_1724077760.items.3157.label",
                "deal.UF_CRM_1724077760.items.3158.label",
                "deal.categories.0.stages.NEW.semantics",
                "deal.categories.0.stages.WON.semantics",
                "deal.categories.9.stages.C9:NEW.semantics",
                "deal.categories.9.stages.C9:WON.semantics",
                "company.ADDITIONAL_INFO",
                "company.COMMENTS",
                "status_lists.SOURCE.items.CALL.sort",
                "status_lists.SOURCE.items.WEB.sort",
            ]
        );

        assert_eq!(diff(&scrambled(old.clone()), &new), canonical);
        assert_eq!(diff(&old, &scrambled(new.clone())), canonical);
        assert_eq!(diff(&scrambled(old), &scrambled(new)), canonical);
    }

    #[test]
    fn enumeration_items_are_ordered_by_id_not_by_sort() {
        let old = old_schema();
        let mut new = old.clone();
        // 900 sorts first on the portal but comes after 3157 by ID; 12 comes first by ID.
        new.entities[0].fields[2]
            .items
            .insert(0, item(900, "Platinum", 1));
        new.entities[0].fields[2].items.push(item(12, "Tin", 99));
        let result = diff(&old, &new);
        let paths: Vec<&str> = result.changes.iter().map(|c| c.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "deal.UF_CRM_1724077760.items.12",
                "deal.UF_CRM_1724077760.items.900",
            ]
        );
    }
}
