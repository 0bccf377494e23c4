//! One test per kind of change: each edits a copy of one realistic schema and checks the exact
//! list of changes, with severities spelled out here rather than read back from the table.

// Inside `mod diff` every test name starts with `diff::`, so `cargo test diff` runs them all.
mod diff {
    use bitrix_schema::diff::{ChangeKind, SchemaDiff, Severity, diff};
    use bitrix_schema::{
        Category, Entity, EntityKind, EnumItem, Field, FieldType, LinkSettings, Schema, Semantics,
        Status, StatusList,
    };

    use ChangeKind as K;
    use Severity::{Additive, Breaking};

    const SPA: EntityKind = EntityKind::Smart {
        entity_type_id: 156,
        type_id: 13,
    };

    fn field(name: &str, ty: FieldType, item_name: &str) -> Field {
        Field {
            name: name.into(),
            in_classic: true,
            item_name: Some(item_name.into()),
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

    fn status(id: &str, name: &str, sort: i64, semantics: Option<Semantics>) -> Status {
        Status {
            id: id.into(),
            name: name.into(),
            sort,
            semantics,
            rust_name: None,
        }
    }

    /// A deal, a lead, a smart process and two status lists, with names and values taken from the
    /// documented example responses (crm.deal.fields, crm.category.list, crm.status.list,
    /// crm.item.fields).
    fn base() -> Schema {
        let mut lead = Entity::new(EntityKind::Lead);
        lead.fields.push(field("TITLE", FieldType::String, "title"));

        let mut deal = Entity::new(EntityKind::Deal);
        deal.fields = vec![
            field("TITLE", FieldType::String, "title"),
            Field {
                status_type: Some("DEAL_STAGE".into()),
                ..field("STAGE_ID", FieldType::CrmStatus, "stageId")
            },
            Field {
                status_type: Some("DEAL_TYPE".into()),
                ..field("TYPE_ID", FieldType::CrmStatus, "typeId")
            },
            Field {
                immutable: true,
                ..field("CATEGORY_ID", FieldType::CrmCategory, "categoryId")
            },
            field("OPPORTUNITY", FieldType::Double, "opportunity"),
            Field {
                read_only: true,
                item_ty: Some(FieldType::Boolean),
                ..field("IS_NEW", FieldType::Char, "isNew")
            },
            Field {
                link: Some(LinkSettings {
                    parent_entity_type_id: Some(4),
                    ..Default::default()
                }),
                ..field("COMPANY_ID", FieldType::CrmCompany, "companyId")
            },
            Field {
                multiple: true,
                ..field("CONTACT_IDS", FieldType::CrmContact, "contactIds")
            },
            Field {
                read_only: true,
                item_upper_name: Some("CREATED_TIME".into()),
                ..field("DATE_CREATE", FieldType::DateTime, "createdTime")
            },
            Field {
                user_field: true,
                label: Some("Tier".into()),
                list_label: Some("Tier".into()),
                form_label: Some("Customer tier".into()),
                filter_label: Some("Tier".into()),
                items: vec![
                    EnumItem {
                        xml_id: Some("GOLD".into()),
                        default: true,
                        ..item(3157, "Gold", 10)
                    },
                    item(3158, "Silver", 20),
                ],
                ..field(
                    "UF_CRM_1724077760",
                    FieldType::Enumeration,
                    "ufCrm_1724077760",
                )
            },
            Field {
                user_field: true,
                link: Some(LinkSettings {
                    targets: vec!["COMPANY".into(), "DEAL".into()],
                    ..Default::default()
                }),
                ..field("UF_CRM_1687188367", FieldType::Crm, "ufCrm_1687188367")
            },
            Field {
                user_field: true,
                precision: Some(2),
                ..field(
                    "UF_CRM_1721812948498",
                    FieldType::Double,
                    "ufCrm_1721812948498",
                )
            },
        ];
        deal.categories = vec![
            Category {
                id: 0,
                name: "General".into(),
                sort: 300,
                is_default: true,
                stage_list: "DEAL_STAGE".into(),
                stages: vec![
                    status("NEW", "New", 10, Some(Semantics::Process)),
                    status("WON", "Deal won", 60, Some(Semantics::Success)),
                    status("LOSE", "Deal lost", 70, Some(Semantics::Failure)),
                ],
                rust_name: None,
            },
            Category {
                id: 9,
                name: "Funnel with Original Name".into(),
                sort: 200,
                is_default: false,
                stage_list: "DEAL_STAGE_9".into(),
                stages: vec![status("C9:NEW", "New", 10, Some(Semantics::Process))],
                rust_name: None,
            },
        ];

        let mut spa = Entity::new(SPA);
        spa.title = Some("Purchases".into());
        spa.code = Some(String::new());
        spa.fields.push(Field {
            in_classic: false,
            user_field: true,
            ..field(
                "UF_CRM_13_1721812760630",
                FieldType::String,
                "ufCrm13_1721812760630",
            )
        });

        let mut schema = Schema {
            entities: vec![lead, deal, spa],
            ..Default::default()
        };
        schema.status_lists.insert(
            "SOURCE".into(),
            StatusList {
                name: Some("Source".into()),
                items: vec![
                    status("CALL", "Call", 10, None),
                    status("WEB", "Website", 20, None),
                ],
                rust_name: None,
            },
        );
        schema.status_lists.insert(
            "DEAL_TYPE".into(),
            StatusList {
                name: Some("Deal type".into()),
                items: vec![status("SALE", "Sales", 10, None)],
                rust_name: None,
            },
        );
        schema
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
                assert_eq!(c.severity, c.kind.severity(), "{}", c.path);
                (
                    c.path.as_str(),
                    c.kind,
                    c.severity,
                    c.before.as_deref(),
                    c.after.as_deref(),
                )
            })
            .collect()
    }

    /// Diffs the base schema against an edited copy and checks the exact change list.
    fn check(edit: impl FnOnce(&mut Schema), expected: &[Row<'_>]) {
        let old = base();
        let mut new = old.clone();
        edit(&mut new);
        let result = diff(&old, &new);
        assert_eq!(rows(&result), expected);
    }

    fn deal(schema: &mut Schema) -> &mut Entity {
        entity(schema, EntityKind::Deal)
    }

    fn entity(schema: &mut Schema, kind: EntityKind) -> &mut Entity {
        let found = schema.entities.iter_mut().find(|e| e.kind == kind);
        found.expect("base schema has this entity")
    }

    fn deal_field<'a>(schema: &'a mut Schema, name: &str) -> &'a mut Field {
        let found = deal(schema).fields.iter_mut().find(|f| f.name == name);
        found.expect("base deal has this field")
    }

    fn tier(schema: &mut Schema) -> &mut Field {
        deal_field(schema, "UF_CRM_1724077760")
    }

    fn category(schema: &mut Schema, id: u32) -> &mut Category {
        let found = deal(schema).categories.iter_mut().find(|c| c.id == id);
        found.expect("base deal has this category")
    }

    fn source(schema: &mut Schema) -> &mut StatusList {
        schema
            .status_lists
            .get_mut("SOURCE")
            .expect("base has SOURCE")
    }

    #[test]
    fn identical_schemas_give_an_empty_diff() {
        let result = diff(&base(), &base());
        assert!(result.is_empty());
        assert!(!result.has_breaking());
        assert_eq!(result.render_text(), "no changes\n");
    }

    #[test]
    fn user_owned_settings_are_not_drift() {
        check(
            |s| {
                deal(s).rust_name = Some("Opportunity".into());
                let tier = tier(s);
                tier.rust_name = Some("tier".into());
                tier.skip = true;
                tier.items[0].rust_name = Some("Golden".into());
                let general = category(s, 0);
                general.rust_name = Some("MainPipeline".into());
                general.stages[0].rust_name = Some("Fresh".into());
                let source = source(s);
                source.rust_name = Some("LeadSource".into());
                source.items[1].rust_name = Some("Site".into());
            },
            &[],
        );
    }

    #[test]
    fn entity_added() {
        check(
            |s| s.entities.push(Entity::new(EntityKind::Company)),
            &[("company", K::EntityAdded, Additive, None, None)],
        );
    }

    #[test]
    fn entity_removed_reports_only_the_entity() {
        check(
            |s| s.entities.retain(|e| e.kind != SPA),
            &[(
                "smart:156",
                K::EntityRemoved,
                Breaking,
                Some("Purchases"),
                None,
            )],
        );
    }

    #[test]
    fn entity_title_changed() {
        check(
            |s| entity(s, SPA).title = Some("Procurement".into()),
            &[(
                "smart:156.title",
                K::EntityTitleChanged,
                Additive,
                Some("Purchases"),
                Some("Procurement"),
            )],
        );
    }

    #[test]
    fn entity_code_changed() {
        check(
            |s| entity(s, SPA).code = Some("purchases".into()),
            &[(
                "smart:156.code",
                K::EntityCodeChanged,
                Additive,
                Some(""),
                Some("purchases"),
            )],
        );
    }

    #[test]
    fn smart_type_id_changed_is_matched_by_entity_type_id() {
        check(
            |s| {
                entity(s, SPA).kind = EntityKind::Smart {
                    entity_type_id: 156,
                    type_id: 14,
                }
            },
            &[(
                "smart:156.type_id",
                K::SmartTypeIdChanged,
                Breaking,
                Some("13"),
                Some("14"),
            )],
        );
    }

    #[test]
    fn field_added() {
        check(
            |s| {
                let new = field(
                    "UF_CRM_1746431727372",
                    FieldType::Date,
                    "ufCrm_1746431727372",
                );
                deal(s).fields.push(new);
            },
            &[(
                "deal.UF_CRM_1746431727372",
                K::FieldAdded,
                Additive,
                None,
                Some("date"),
            )],
        );
    }

    #[test]
    fn required_field_added_is_breaking() {
        check(
            |s| {
                let new = Field {
                    required: true,
                    ..field(
                        "UF_CRM_1746431727372",
                        FieldType::Date,
                        "ufCrm_1746431727372",
                    )
                };
                deal(s).fields.push(new);
            },
            &[(
                "deal.UF_CRM_1746431727372",
                K::RequiredFieldAdded,
                Breaking,
                None,
                Some("date"),
            )],
        );
    }

    #[test]
    fn field_removed_reports_only_the_field() {
        check(
            |s| deal(s).fields.retain(|f| f.name != "UF_CRM_1724077760"),
            &[(
                "deal.UF_CRM_1724077760",
                K::FieldRemoved,
                Breaking,
                Some("enumeration"),
                None,
            )],
        );
    }

    #[test]
    fn type_changed_without_item_type_is_one_change() {
        check(
            |s| deal_field(s, "OPPORTUNITY").ty = FieldType::Money,
            &[(
                "deal.OPPORTUNITY.type",
                K::TypeChanged,
                Breaking,
                Some("double"),
                Some("money"),
            )],
        );
    }

    #[test]
    fn item_type_changed() {
        // IS_NEW is `char` in classic methods and `boolean` in crm.item; dropping the override
        // makes crm.item report `char` too.
        check(
            |s| deal_field(s, "IS_NEW").item_ty = None,
            &[(
                "deal.IS_NEW.item_type",
                K::ItemTypeChanged,
                Breaking,
                Some("boolean"),
                Some("char"),
            )],
        );
    }

    #[test]
    fn item_type_override_matching_the_old_type_is_not_a_change() {
        // `ty` moves to integer while crm.item keeps reporting string: only `ty` changed.
        check(
            |s| {
                let title = deal_field(s, "TITLE");
                title.ty = FieldType::Integer;
                title.item_ty = Some(FieldType::String);
            },
            &[(
                "deal.TITLE.type",
                K::TypeChanged,
                Breaking,
                Some("string"),
                Some("integer"),
            )],
        );
    }

    #[test]
    fn multiple_changed_either_way_is_breaking() {
        check(
            |s| {
                deal_field(s, "CONTACT_IDS").multiple = false;
                deal_field(s, "TITLE").multiple = true;
            },
            &[
                (
                    "deal.CONTACT_IDS.multiple",
                    K::MultipleChanged,
                    Breaking,
                    Some("true"),
                    Some("false"),
                ),
                (
                    "deal.TITLE.multiple",
                    K::MultipleChanged,
                    Breaking,
                    Some("false"),
                    Some("true"),
                ),
            ],
        );
    }

    #[test]
    fn became_required() {
        check(
            |s| deal_field(s, "TITLE").required = true,
            &[(
                "deal.TITLE.required",
                K::BecameRequired,
                Breaking,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn no_longer_required() {
        let mut old = base();
        deal_field(&mut old, "TITLE").required = true;
        let result = diff(&old, &base());
        assert_eq!(
            rows(&result),
            [(
                "deal.TITLE.required",
                K::NoLongerRequired,
                Additive,
                Some("true"),
                Some("false")
            )]
        );
    }

    #[test]
    fn became_read_only() {
        check(
            |s| deal_field(s, "TITLE").read_only = true,
            &[(
                "deal.TITLE.read_only",
                K::BecameReadOnly,
                Breaking,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn no_longer_read_only() {
        check(
            |s| deal_field(s, "IS_NEW").read_only = false,
            &[(
                "deal.IS_NEW.read_only",
                K::NoLongerReadOnly,
                Additive,
                Some("true"),
                Some("false"),
            )],
        );
    }

    #[test]
    fn became_immutable() {
        check(
            |s| deal_field(s, "TITLE").immutable = true,
            &[(
                "deal.TITLE.immutable",
                K::BecameImmutable,
                Breaking,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn no_longer_immutable() {
        check(
            |s| deal_field(s, "CATEGORY_ID").immutable = false,
            &[(
                "deal.CATEGORY_ID.immutable",
                K::NoLongerImmutable,
                Additive,
                Some("true"),
                Some("false"),
            )],
        );
    }

    #[test]
    fn each_label_change_is_reported_on_its_own_path() {
        check(
            |s| {
                let tier = tier(s);
                tier.label = None;
                tier.list_label = Some("Level".into());
                tier.form_label = Some("Customer level".into());
                tier.filter_label = Some(String::new());
            },
            &[
                (
                    "deal.UF_CRM_1724077760.label",
                    K::LabelChanged,
                    Additive,
                    Some("Tier"),
                    None,
                ),
                (
                    "deal.UF_CRM_1724077760.list_label",
                    K::LabelChanged,
                    Additive,
                    Some("Tier"),
                    Some("Level"),
                ),
                (
                    "deal.UF_CRM_1724077760.form_label",
                    K::LabelChanged,
                    Additive,
                    Some("Customer tier"),
                    Some("Customer level"),
                ),
                (
                    "deal.UF_CRM_1724077760.filter_label",
                    K::LabelChanged,
                    Additive,
                    Some("Tier"),
                    Some(""),
                ),
            ],
        );
    }

    #[test]
    fn item_name_changed() {
        // The regular camel form, as if the portal had converted the name the other way.
        check(
            |s| tier(s).item_name = Some("ufCrm1724077760".into()),
            &[(
                "deal.UF_CRM_1724077760.item_name",
                K::ItemNameChanged,
                Breaking,
                Some("ufCrm_1724077760"),
                Some("ufCrm1724077760"),
            )],
        );
    }

    #[test]
    fn item_name_gone_is_a_breaking_item_name_change() {
        check(
            |s| deal_field(s, "DATE_CREATE").item_name = None,
            &[(
                "deal.DATE_CREATE.item_name",
                K::ItemNameChanged,
                Breaking,
                Some("createdTime"),
                None,
            )],
        );
    }

    #[test]
    fn item_name_added() {
        let mut old = base();
        deal_field(&mut old, "OPPORTUNITY").item_name = None;
        let result = diff(&old, &base());
        assert_eq!(
            rows(&result),
            [(
                "deal.OPPORTUNITY.item_name",
                K::ItemNameAdded,
                Additive,
                None,
                Some("opportunity")
            )]
        );
    }

    #[test]
    fn item_upper_name_changed_compares_the_effective_upper_name() {
        // No override means crm.item uses the classic name itself.
        check(
            |s| deal_field(s, "DATE_CREATE").item_upper_name = None,
            &[(
                "deal.DATE_CREATE.item_upper_name",
                K::ItemUpperNameChanged,
                Breaking,
                Some("CREATED_TIME"),
                Some("DATE_CREATE"),
            )],
        );
    }

    #[test]
    fn no_longer_in_classic() {
        check(
            |s| deal_field(s, "CONTACT_IDS").in_classic = false,
            &[(
                "deal.CONTACT_IDS.in_classic",
                K::NoLongerInClassic,
                Breaking,
                Some("true"),
                Some("false"),
            )],
        );
    }

    #[test]
    fn now_in_classic() {
        check(
            |s| entity(s, SPA).fields[0].in_classic = true,
            &[(
                "smart:156.UF_CRM_13_1721812760630.in_classic",
                K::NowInClassic,
                Additive,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn status_type_changed() {
        check(
            |s| deal_field(s, "TYPE_ID").status_type = Some("SOURCE".into()),
            &[(
                "deal.TYPE_ID.status_type",
                K::StatusTypeChanged,
                Breaking,
                Some("DEAL_TYPE"),
                Some("SOURCE"),
            )],
        );
    }

    #[test]
    fn link_parent_changed() {
        check(
            |s| {
                let link = deal_field(s, "COMPANY_ID").link.as_mut().expect("has link");
                link.parent_entity_type_id = Some(3);
            },
            &[(
                "deal.COMPANY_ID.link.parent_entity_type_id",
                K::LinkParentChanged,
                Breaking,
                Some("4"),
                Some("3"),
            )],
        );
    }

    #[test]
    fn link_my_company_changed() {
        check(
            |s| {
                let link = deal_field(s, "COMPANY_ID").link.as_mut().expect("has link");
                link.my_company = true;
            },
            &[(
                "deal.COMPANY_ID.link.my_company",
                K::LinkMyCompanyChanged,
                Breaking,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn link_target_added_and_removed() {
        check(
            |s| {
                let crm = deal_field(s, "UF_CRM_1687188367");
                let link = crm.link.as_mut().expect("has link");
                link.targets = vec!["CONTACT".into(), "DEAL".into(), "DYNAMIC_156".into()];
            },
            &[
                (
                    "deal.UF_CRM_1687188367.link.targets.COMPANY",
                    K::LinkTargetRemoved,
                    Breaking,
                    Some("COMPANY"),
                    None,
                ),
                (
                    "deal.UF_CRM_1687188367.link.targets.CONTACT",
                    K::LinkTargetAdded,
                    Additive,
                    None,
                    Some("CONTACT"),
                ),
                (
                    "deal.UF_CRM_1687188367.link.targets.DYNAMIC_156",
                    K::LinkTargetAdded,
                    Additive,
                    None,
                    Some("DYNAMIC_156"),
                ),
            ],
        );
    }

    #[test]
    fn missing_link_settings_equal_empty_ones() {
        check(
            |s| deal_field(s, "TITLE").link = Some(LinkSettings::default()),
            &[],
        );
        check(
            |s| deal_field(s, "COMPANY_ID").link = None,
            &[(
                "deal.COMPANY_ID.link.parent_entity_type_id",
                K::LinkParentChanged,
                Breaking,
                Some("4"),
                None,
            )],
        );
    }

    #[test]
    fn precision_changed() {
        check(
            |s| deal_field(s, "UF_CRM_1721812948498").precision = Some(4),
            &[(
                "deal.UF_CRM_1721812948498.precision",
                K::PrecisionChanged,
                Additive,
                Some("2"),
                Some("4"),
            )],
        );
    }

    #[test]
    fn deprecated_changed() {
        check(
            |s| deal_field(s, "CONTACT_IDS").deprecated = true,
            &[(
                "deal.CONTACT_IDS.deprecated",
                K::DeprecatedChanged,
                Additive,
                Some("false"),
                Some("true"),
            )],
        );
    }

    #[test]
    fn user_field_changed() {
        check(
            |s| tier(s).user_field = false,
            &[(
                "deal.UF_CRM_1724077760.user_field",
                K::UserFieldChanged,
                Additive,
                Some("true"),
                Some("false"),
            )],
        );
    }

    #[test]
    fn enum_item_added() {
        check(
            |s| tier(s).items.push(item(3159, "Bronze", 30)),
            &[(
                "deal.UF_CRM_1724077760.items.3159",
                K::EnumItemAdded,
                Additive,
                None,
                Some("Bronze"),
            )],
        );
    }

    #[test]
    fn enum_item_removed() {
        check(
            |s| tier(s).items.retain(|i| i.id != 3158),
            &[(
                "deal.UF_CRM_1724077760.items.3158",
                K::EnumItemRemoved,
                Breaking,
                Some("Silver"),
                None,
            )],
        );
    }

    #[test]
    fn enum_item_relabelled() {
        check(
            |s| tier(s).items[1].label = "Platinum".into(),
            &[(
                "deal.UF_CRM_1724077760.items.3158.label",
                K::EnumItemRelabelled,
                Additive,
                Some("Silver"),
                Some("Platinum"),
            )],
        );
    }

    #[test]
    fn enum_item_xml_id_changed() {
        check(
            |s| tier(s).items[0].xml_id = Some("AU".into()),
            &[(
                "deal.UF_CRM_1724077760.items.3157.xml_id",
                K::EnumItemXmlIdChanged,
                Additive,
                Some("GOLD"),
                Some("AU"),
            )],
        );
    }

    #[test]
    fn enum_item_default_changed() {
        check(
            |s| {
                let items = &mut tier(s).items;
                items[0].default = false;
                items[1].default = true;
            },
            &[
                (
                    "deal.UF_CRM_1724077760.items.3157.default",
                    K::EnumItemDefaultChanged,
                    Additive,
                    Some("true"),
                    Some("false"),
                ),
                (
                    "deal.UF_CRM_1724077760.items.3158.default",
                    K::EnumItemDefaultChanged,
                    Additive,
                    Some("false"),
                    Some("true"),
                ),
            ],
        );
    }

    #[test]
    fn enum_item_sort_changed() {
        check(
            |s| tier(s).items[1].sort = 5,
            &[(
                "deal.UF_CRM_1724077760.items.3158.sort",
                K::EnumItemSortChanged,
                Additive,
                Some("20"),
                Some("5"),
            )],
        );
    }

    #[test]
    fn recreated_enumeration_list_with_new_ids_is_removed_plus_added() {
        // Same labels, new IDs: every value stored under the old IDs is now meaningless.
        check(
            |s| {
                tier(s).items = vec![
                    EnumItem {
                        xml_id: Some("GOLD".into()),
                        default: true,
                        ..item(4001, "Gold", 10)
                    },
                    item(4002, "Silver", 20),
                ]
            },
            &[
                (
                    "deal.UF_CRM_1724077760.items.3157",
                    K::EnumItemRemoved,
                    Breaking,
                    Some("Gold"),
                    None,
                ),
                (
                    "deal.UF_CRM_1724077760.items.3158",
                    K::EnumItemRemoved,
                    Breaking,
                    Some("Silver"),
                    None,
                ),
                (
                    "deal.UF_CRM_1724077760.items.4001",
                    K::EnumItemAdded,
                    Additive,
                    None,
                    Some("Gold"),
                ),
                (
                    "deal.UF_CRM_1724077760.items.4002",
                    K::EnumItemAdded,
                    Additive,
                    None,
                    Some("Silver"),
                ),
            ],
        );
    }

    #[test]
    fn category_added_reports_only_the_pipeline() {
        check(
            |s| {
                deal(s).categories.push(Category {
                    id: 11,
                    name: "Path to Success".into(),
                    sort: 200,
                    is_default: false,
                    stage_list: "DEAL_STAGE_11".into(),
                    stages: vec![status("C11:NEW", "New", 10, Some(Semantics::Process))],
                    rust_name: None,
                })
            },
            &[(
                "deal.categories.11",
                K::CategoryAdded,
                Additive,
                None,
                Some("Path to Success"),
            )],
        );
    }

    #[test]
    fn category_removed() {
        check(
            |s| deal(s).categories.retain(|c| c.id != 9),
            &[(
                "deal.categories.9",
                K::CategoryRemoved,
                Breaking,
                Some("Funnel with Original Name"),
                None,
            )],
        );
    }

    #[test]
    fn category_renamed() {
        check(
            |s| category(s, 9).name = "Lead Route".into(),
            &[(
                "deal.categories.9.name",
                K::CategoryRenamed,
                Additive,
                Some("Funnel with Original Name"),
                Some("Lead Route"),
            )],
        );
    }

    #[test]
    fn category_stage_list_changed() {
        check(
            |s| category(s, 9).stage_list = "DEAL_STAGE_10".into(),
            &[(
                "deal.categories.9.stage_list",
                K::CategoryStageListChanged,
                Breaking,
                Some("DEAL_STAGE_9"),
                Some("DEAL_STAGE_10"),
            )],
        );
    }

    #[test]
    fn category_default_changed() {
        check(
            |s| {
                category(s, 0).is_default = false;
                category(s, 9).is_default = true;
            },
            &[
                (
                    "deal.categories.0.is_default",
                    K::CategoryDefaultChanged,
                    Breaking,
                    Some("true"),
                    Some("false"),
                ),
                (
                    "deal.categories.9.is_default",
                    K::CategoryDefaultChanged,
                    Breaking,
                    Some("false"),
                    Some("true"),
                ),
            ],
        );
    }

    #[test]
    fn category_sort_changed() {
        check(
            |s| category(s, 9).sort = 400,
            &[(
                "deal.categories.9.sort",
                K::CategorySortChanged,
                Additive,
                Some("200"),
                Some("400"),
            )],
        );
    }

    #[test]
    fn stage_added() {
        check(
            |s| {
                let stage = status("C9:PREPARATION", "Document preparation", 20, None);
                category(s, 9).stages.push(stage);
            },
            &[(
                "deal.categories.9.stages.C9:PREPARATION",
                K::StageAdded,
                Additive,
                None,
                Some("Document preparation"),
            )],
        );
    }

    #[test]
    fn stage_removed() {
        check(
            |s| category(s, 0).stages.retain(|st| st.id != "LOSE"),
            &[(
                "deal.categories.0.stages.LOSE",
                K::StageRemoved,
                Breaking,
                Some("Deal lost"),
                None,
            )],
        );
    }

    #[test]
    fn stage_renamed() {
        check(
            |s| category(s, 0).stages[1].name = "Won".into(),
            &[(
                "deal.categories.0.stages.WON.name",
                K::StageRenamed,
                Additive,
                Some("Deal won"),
                Some("Won"),
            )],
        );
    }

    #[test]
    fn stage_semantics_changed() {
        check(
            |s| category(s, 0).stages[2].semantics = Some(Semantics::Apology),
            &[(
                "deal.categories.0.stages.LOSE.semantics",
                K::StageSemanticsChanged,
                Breaking,
                Some("failure"),
                Some("apology"),
            )],
        );
    }

    #[test]
    fn stage_sort_changed() {
        check(
            |s| category(s, 0).stages[0].sort = 5,
            &[(
                "deal.categories.0.stages.NEW.sort",
                K::StageSortChanged,
                Additive,
                Some("10"),
                Some("5"),
            )],
        );
    }

    #[test]
    fn status_list_added() {
        check(
            |s| {
                let list = StatusList {
                    name: Some("Industry".into()),
                    ..Default::default()
                };
                s.status_lists.insert("INDUSTRY".into(), list);
            },
            &[(
                "status_lists.INDUSTRY",
                K::StatusListAdded,
                Additive,
                None,
                Some("Industry"),
            )],
        );
    }

    #[test]
    fn status_list_removed() {
        check(
            |s| {
                s.status_lists.remove("DEAL_TYPE");
            },
            &[(
                "status_lists.DEAL_TYPE",
                K::StatusListRemoved,
                Breaking,
                Some("Deal type"),
                None,
            )],
        );
    }

    #[test]
    fn status_list_renamed() {
        check(
            |s| source(s).name = None,
            &[(
                "status_lists.SOURCE.name",
                K::StatusListRenamed,
                Additive,
                Some("Source"),
                None,
            )],
        );
    }

    #[test]
    fn status_added() {
        check(
            |s| source(s).items.push(status("EMAIL", "E-mail", 30, None)),
            &[(
                "status_lists.SOURCE.items.EMAIL",
                K::StatusAdded,
                Additive,
                None,
                Some("E-mail"),
            )],
        );
    }

    #[test]
    fn status_removed() {
        check(
            |s| source(s).items.retain(|st| st.id != "CALL"),
            &[(
                "status_lists.SOURCE.items.CALL",
                K::StatusRemoved,
                Breaking,
                Some("Call"),
                None,
            )],
        );
    }

    #[test]
    fn status_renamed() {
        check(
            |s| source(s).items[1].name = "Web site".into(),
            &[(
                "status_lists.SOURCE.items.WEB.name",
                K::StatusRenamed,
                Additive,
                Some("Website"),
                Some("Web site"),
            )],
        );
    }

    #[test]
    fn status_semantics_changed() {
        check(
            |s| source(s).items[0].semantics = Some(Semantics::Process),
            &[(
                "status_lists.SOURCE.items.CALL.semantics",
                K::StatusSemanticsChanged,
                Breaking,
                None,
                Some("process"),
            )],
        );
    }

    #[test]
    fn status_sort_changed() {
        check(
            |s| source(s).items[1].sort = 15,
            &[(
                "status_lists.SOURCE.items.WEB.sort",
                K::StatusSortChanged,
                Additive,
                Some("20"),
                Some("15"),
            )],
        );
    }

    #[test]
    fn breaking_and_additive_iterators_split_the_changes() {
        let old = base();
        let mut new = old.clone();
        tier(&mut new).items.push(item(3159, "Bronze", 30));
        tier(&mut new).items.retain(|i| i.id != 3158);
        deal_field(&mut new, "TITLE").label = Some("Name".into());

        let result = diff(&old, &new);
        assert!(result.has_breaking());
        let breaking: Vec<&str> = result.breaking().map(|c| c.path.as_str()).collect();
        let additive: Vec<&str> = result.additive().map(|c| c.path.as_str()).collect();
        assert_eq!(breaking, ["deal.UF_CRM_1724077760.items.3158"]);
        assert_eq!(
            additive,
            ["deal.TITLE.label", "deal.UF_CRM_1724077760.items.3159"]
        );
        assert_eq!(result.summary(), "1 breaking, 2 additive changes");
    }

    #[test]
    fn additive_only_diff_has_no_breaking_changes() {
        let old = base();
        let mut new = old.clone();
        tier(&mut new).items[0].label = "Golden".into();
        let result = diff(&old, &new);
        assert!(!result.is_empty());
        assert!(!result.has_breaking());
        assert_eq!(result.summary(), "0 breaking, 1 additive change");
    }
}
