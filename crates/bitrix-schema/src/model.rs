//! The in-memory model of a portal's CRM metadata.
//!
//! Everything here is plain data: no I/O, no network. The model is built from the portal's
//! metadata responses ([`crate::ingest`]), read from and written to the committed TOML file
//! ([`crate::file`]), compared ([`crate::diff`]) and turned into code by `bitrix-codegen`.
//!
//! Ordering is part of the contract: [`Schema::normalize`] puts entities, fields, items and
//! stages in one canonical order so that output derived from a schema is deterministic.

use std::collections::BTreeMap;
use std::fmt;

/// Version of the TOML schema format this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A portal's CRM metadata: the entities a user chose and the status lists they point at.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// Entities in canonical order: lead, deal, contact, company, then smart processes by
    /// `entityTypeId`.
    pub entities: Vec<Entity>,
    /// Reference lists (`crm.status.list`) keyed by their `ENTITY_ID`, e.g. `SOURCE`,
    /// `DEAL_TYPE`, `STATUS`. Pipeline stages live on the entity's categories instead.
    pub status_lists: BTreeMap<String, StatusList>,
}

impl Schema {
    /// The entity of the given kind, if the schema has it.
    pub fn entity(&self, kind: EntityKind) -> Option<&Entity> {
        self.entities.iter().find(|e| e.kind == kind)
    }

    /// The entity whose `crm.item.*` `entityTypeId` is `entity_type_id`.
    pub fn entity_by_type_id(&self, entity_type_id: u32) -> Option<&Entity> {
        self.entities
            .iter()
            .find(|e| e.kind.entity_type_id() == entity_type_id)
    }

    /// Puts entities, fields, items and stages in canonical order.
    pub fn normalize(&mut self) {
        self.entities.sort_by_key(|e| e.kind.sort_key());
        for entity in &mut self.entities {
            entity.normalize();
        }
        for list in self.status_lists.values_mut() {
            sort_statuses(&mut list.items);
        }
    }
}

/// Which CRM object an entity is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EntityKind {
    Lead,
    Deal,
    Contact,
    Company,
    /// A smart process (SPA), reachable only through `crm.item.*`.
    Smart {
        /// The `entityTypeId` used by `crm.item.*` (128 and up).
        entity_type_id: u32,
        /// The type `id` from `crm.type.list`; user fields are named `UF_CRM_{type_id}_...`.
        type_id: u32,
    },
}

impl EntityKind {
    /// The classic entities, in canonical order.
    pub const CLASSIC: [EntityKind; 4] = [
        EntityKind::Lead,
        EntityKind::Deal,
        EntityKind::Contact,
        EntityKind::Company,
    ];

    /// The `entityTypeId` used by `crm.item.*`.
    pub fn entity_type_id(self) -> u32 {
        match self {
            EntityKind::Lead => 1,
            EntityKind::Deal => 2,
            EntityKind::Contact => 3,
            EntityKind::Company => 4,
            EntityKind::Smart { entity_type_id, .. } => entity_type_id,
        }
    }

    /// The classic entity for an `entityTypeId`, if it is one.
    pub fn classic_from_type_id(entity_type_id: u32) -> Option<EntityKind> {
        EntityKind::CLASSIC
            .into_iter()
            .find(|k| k.entity_type_id() == entity_type_id)
    }

    /// The name used in classic methods (`crm.deal.*`) and as the TOML table name; `None` for
    /// smart processes, which have no classic methods.
    pub fn classic_name(self) -> Option<&'static str> {
        match self {
            EntityKind::Lead => Some("lead"),
            EntityKind::Deal => Some("deal"),
            EntityKind::Contact => Some("contact"),
            EntityKind::Company => Some("company"),
            EntityKind::Smart { .. } => None,
        }
    }

    /// The classic entity with this name (`"deal"`).
    pub fn from_classic_name(name: &str) -> Option<EntityKind> {
        EntityKind::CLASSIC
            .into_iter()
            .find(|k| k.classic_name() == Some(name))
    }

    /// Whether `crm.<name>.*` methods exist for this entity.
    pub fn is_classic(self) -> bool {
        !matches!(self, EntityKind::Smart { .. })
    }

    /// The user-field object name, `CRM_DEAL` or `CRM_{type_id}` for a smart process.
    pub fn uf_entity_id(self) -> String {
        match self {
            EntityKind::Smart { type_id, .. } => format!("CRM_{type_id}"),
            other => format!("CRM_{}", other.classic_name().unwrap_or("").to_uppercase()),
        }
    }

    /// The prefix of CRM link values (`D` in `D_12`); smart processes use `T` plus the
    /// lowercase hex `entityTypeId` (`T9c`).
    pub fn link_prefix(self) -> String {
        match self {
            EntityKind::Lead => "L".into(),
            EntityKind::Deal => "D".into(),
            EntityKind::Contact => "C".into(),
            EntityKind::Company => "CO".into(),
            EntityKind::Smart { entity_type_id, .. } => format!("T{entity_type_id:x}"),
        }
    }

    fn sort_key(self) -> (u8, u32) {
        match self {
            EntityKind::Smart { entity_type_id, .. } => (1, entity_type_id),
            classic => (0, classic.entity_type_id()),
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EntityKind::Smart { entity_type_id, .. } => write!(f, "smart:{entity_type_id}"),
            classic => f.write_str(classic.classic_name().unwrap_or("?")),
        }
    }
}

/// One CRM entity: its fields and, where it has them, its pipelines.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub kind: EntityKind,
    /// The smart process's title from `crm.type.list`.
    pub title: Option<String>,
    /// The smart process's symbolic code from `crm.type.list` (often empty).
    pub code: Option<String>,
    /// User override of the generated struct's name.
    pub rust_name: Option<String>,
    /// Fields in canonical order: system fields, then user fields, each by name.
    pub fields: Vec<Field>,
    /// Pipelines with their stages, by category ID.
    pub categories: Vec<Category>,
}

impl Entity {
    /// An entity with no fields and no pipelines.
    pub fn new(kind: EntityKind) -> Self {
        Entity {
            kind,
            title: None,
            code: None,
            rust_name: None,
            fields: Vec::new(),
            categories: Vec::new(),
        }
    }

    /// The field whose classic (or canonical UPPER) name is `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The field whose `crm.item` name is `item_name`.
    pub fn field_by_item_name(&self, item_name: &str) -> Option<&Field> {
        self.fields
            .iter()
            .find(|f| f.item_name.as_deref() == Some(item_name))
    }

    /// Puts fields, items and stages in canonical order.
    pub fn normalize(&mut self) {
        self.fields
            .sort_by(|a, b| (a.user_field, &a.name).cmp(&(b.user_field, &b.name)));
        for field in &mut self.fields {
            field.items.sort_by_key(|item| (item.sort, item.id));
        }
        self.categories.sort_by_key(|c| c.id);
        for category in &mut self.categories {
            sort_statuses(&mut category.stages);
        }
    }
}

fn sort_statuses(items: &mut [Status]) {
    items.sort_by(|a, b| (a.sort, &a.id).cmp(&(b.sort, &b.id)));
}

/// A field of an entity, with its names in both method families.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Field {
    /// The canonical UPPER name: the classic name (`DATE_CREATE`) when the field exists in
    /// classic methods, otherwise the `upperName` that `crm.item.fields` reported.
    pub name: String,
    /// Whether classic `crm.<entity>.*` methods know this field. Always false for smart
    /// processes.
    pub in_classic: bool,
    /// The `crm.item.*` name exactly as the portal reported it (`createdTime`,
    /// `ufCrm_1721244707107`); `None` when the field exists only in classic methods.
    pub item_name: Option<String>,
    /// The `upperName` from `crm.item.fields` when it differs from `name` (renamed system
    /// fields: `DATE_CREATE` is `CREATED_TIME` there).
    pub item_upper_name: Option<String>,
    /// The field type (the classic one when both families know the field).
    pub ty: FieldType,
    /// The type `crm.item.fields` reports when it differs (`char` flags are `boolean` there).
    pub item_ty: Option<FieldType>,
    /// Human label.
    pub label: Option<String>,
    pub list_label: Option<String>,
    pub form_label: Option<String>,
    pub filter_label: Option<String>,
    pub required: bool,
    pub read_only: bool,
    /// Settable only when the record is created.
    pub immutable: bool,
    /// The value is an array.
    pub multiple: bool,
    /// A user field (`UF_*`, `isDynamic`).
    pub user_field: bool,
    pub deprecated: bool,
    /// Items of an `enumeration` field.
    pub items: Vec<EnumItem>,
    /// The `crm.status` list a `crm_status` field points at (`DEAL_TYPE`, `SOURCE`). For
    /// pipeline stages the real lists are per category, see [`Entity::categories`].
    pub status_type: Option<String>,
    /// What a link field may point at.
    pub link: Option<LinkSettings>,
    /// Digits after the decimal point of a `double` user field.
    pub precision: Option<u32>,
    /// User override of the generated Rust field name.
    pub rust_name: Option<String>,
    /// User switch: leave this field out of generated code.
    pub skip: bool,
}

impl Field {
    /// The `entityTypeId` of a `crm` user field's only target kind, when its settings enable
    /// exactly one: such fields are reported to hold bare IDs (`"12"`) instead of prefixed
    /// links (`D_12`), so readers need to know the kind.
    pub fn single_link_target(&self) -> Option<u32> {
        let link = self.link.as_ref()?;
        let [target] = link.targets.as_slice() else {
            return None;
        };
        match target.as_str() {
            "LEAD" => Some(1),
            "DEAL" => Some(2),
            "CONTACT" => Some(3),
            "COMPANY" => Some(4),
            "QUOTE" => Some(7),
            "ORDER" => Some(14),
            "SMART_INVOICE" => Some(31),
            other => other.strip_prefix("DYNAMIC_")?.parse().ok(),
        }
    }

    /// Whether this field is the pipeline stage field whose values depend on the category.
    pub fn is_stage(&self) -> bool {
        self.ty == FieldType::CrmStatus
            && (self.name == "STAGE_ID" || self.item_name.as_deref() == Some("stageId"))
    }
}

/// An item of an enumeration (list) user field.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EnumItem {
    /// The value ID, the only thing the portal accepts on write.
    pub id: u64,
    /// The label users see; writing it instead of the ID silently does nothing.
    pub label: String,
    pub xml_id: Option<String>,
    pub default: bool,
    pub sort: i64,
    /// User override of the generated variant name.
    pub rust_name: Option<String>,
}

/// Where a link field points.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LinkSettings {
    /// For system link fields (`COMPANY_ID`, `PARENT_ID_156`): the target's `entityTypeId`.
    pub parent_entity_type_id: Option<u32>,
    /// For `crm` user fields: the enabled target kinds as the settings name them (`COMPANY`,
    /// `DEAL`, `DYNAMIC_156`), sorted.
    pub targets: Vec<String>,
    /// `mycompanyId`: points at the portal's own companies.
    pub my_company: bool,
}

/// A pipeline (category) of an entity with its stages.
#[derive(Debug, Clone, PartialEq)]
pub struct Category {
    pub id: u32,
    pub name: String,
    pub sort: i64,
    pub is_default: bool,
    /// The `crm.status` `ENTITY_ID` of this pipeline's stages (`DEAL_STAGE`,
    /// `DEAL_STAGE_9`, `DYNAMIC_177_STAGE_7`).
    pub stage_list: String,
    /// Stages with full status IDs, prefixes included (`C9:NEW`, `DT177_7:NEW`).
    pub stages: Vec<Status>,
    /// User override of the generated stage enum's name.
    pub rust_name: Option<String>,
}

/// A `crm.status.list` reference list (sources, deal types, lead statuses...).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StatusList {
    pub name: Option<String>,
    pub items: Vec<Status>,
    /// User override of the generated enum's name.
    pub rust_name: Option<String>,
}

/// One entry of a status list or one pipeline stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Status {
    /// The `STATUS_ID`, the value that fields hold (`NEW`, `C9:UC_KN8KFI`).
    pub id: String,
    pub name: String,
    pub sort: i64,
    /// Stage semantics from `EXTRA.SEMANTICS`.
    pub semantics: Option<Semantics>,
    /// User override of the generated variant name.
    pub rust_name: Option<String>,
}

/// What a stage means for the record's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Semantics {
    Process,
    Success,
    Failure,
    Apology,
}

impl Semantics {
    pub fn as_str(self) -> &'static str {
        match self {
            Semantics::Process => "process",
            Semantics::Success => "success",
            Semantics::Failure => "failure",
            Semantics::Apology => "apology",
        }
    }

    pub fn parse(s: &str) -> Option<Semantics> {
        match s {
            "process" => Some(Semantics::Process),
            "success" => Some(Semantics::Success),
            "failure" => Some(Semantics::Failure),
            "apology" => Some(Semantics::Apology),
            _ => None,
        }
    }
}

macro_rules! field_types {
    ($($variant:ident => $name:literal,)*) => {
        /// A field type as `*.fields` reports it. Types this crate does not know are kept
        /// verbatim in [`FieldType::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
        pub enum FieldType {
            #[default]
            $($variant,)*
            Other(String),
        }

        impl FieldType {
            /// The type's name on the wire and in the TOML file.
            pub fn as_str(&self) -> &str {
                match self {
                    $(FieldType::$variant => $name,)*
                    FieldType::Other(name) => name,
                }
            }

            /// Parses a type name; unknown names become [`FieldType::Other`].
            pub fn parse(name: &str) -> FieldType {
                match name {
                    $($name => FieldType::$variant,)*
                    other => FieldType::Other(other.to_string()),
                }
            }
        }
    };
}

field_types! {
    String => "string",
    Text => "text",
    Integer => "integer",
    Double => "double",
    Char => "char",
    Boolean => "boolean",
    Date => "date",
    DateTime => "datetime",
    Enumeration => "enumeration",
    Money => "money",
    Url => "url",
    Address => "address",
    File => "file",
    Employee => "employee",
    User => "user",
    CrmStatus => "crm_status",
    Crm => "crm",
    IblockSection => "iblock_section",
    IblockElement => "iblock_element",
    ResourceBooking => "resourcebooking",
    Location => "location",
    CrmCurrency => "crm_currency",
    CrmCategory => "crm_category",
    CrmCompany => "crm_company",
    CrmContact => "crm_contact",
    CrmLead => "crm_lead",
    CrmDeal => "crm_deal",
    CrmQuote => "crm_quote",
    CrmEntity => "crm_entity",
    CrmMultifield => "crm_multifield",
    CrmProductRow => "crm_product_row",
}

impl fmt::Display for FieldType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_link_target_needs_exactly_one_kind() {
        let link = |targets: &[&str]| Field {
            ty: FieldType::Crm,
            link: Some(LinkSettings {
                targets: targets.iter().map(|t| t.to_string()).collect(),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(link(&["COMPANY"]).single_link_target(), Some(4));
        assert_eq!(link(&["DYNAMIC_156"]).single_link_target(), Some(156));
        assert_eq!(link(&["COMPANY", "DEAL"]).single_link_target(), None);
        assert_eq!(link(&["SOMETHING"]).single_link_target(), None);
        assert_eq!(Field::default().single_link_target(), None);
    }

    #[test]
    fn unknown_type_is_kept_verbatim() {
        let ty = FieldType::parse("rest_219_test");
        assert_eq!(ty, FieldType::Other("rest_219_test".into()));
        assert_eq!(ty.as_str(), "rest_219_test");
        assert_eq!(FieldType::parse("crm_status"), FieldType::CrmStatus);
    }

    #[test]
    fn smart_link_prefix_is_lowercase_hex() {
        let spa = EntityKind::Smart {
            entity_type_id: 177,
            type_id: 7,
        };
        assert_eq!(spa.link_prefix(), "Tb1");
        assert_eq!(spa.uf_entity_id(), "CRM_7");
        assert_eq!(EntityKind::Company.uf_entity_id(), "CRM_COMPANY");
    }

    #[test]
    fn normalize_orders_entities_fields_and_items() {
        let mut schema = Schema::default();
        let mut deal = Entity::new(EntityKind::Deal);
        deal.fields.push(Field {
            name: "UF_CRM_1".into(),
            user_field: true,
            items: vec![
                EnumItem {
                    id: 9,
                    sort: 20,
                    ..Default::default()
                },
                EnumItem {
                    id: 3,
                    sort: 20,
                    ..Default::default()
                },
                EnumItem {
                    id: 5,
                    sort: 10,
                    ..Default::default()
                },
            ],
            ..Default::default()
        });
        deal.fields.push(Field {
            name: "TITLE".into(),
            ..Default::default()
        });
        schema.entities.push(Entity::new(EntityKind::Smart {
            entity_type_id: 130,
            type_id: 2,
        }));
        schema.entities.push(deal);
        schema.entities.push(Entity::new(EntityKind::Lead));
        schema.normalize();

        let kinds: Vec<String> = schema.entities.iter().map(|e| e.kind.to_string()).collect();
        assert_eq!(kinds, ["lead", "deal", "smart:130"]);
        let deal = &schema.entities[1];
        assert_eq!(deal.fields[0].name, "TITLE");
        let ids: Vec<u64> = deal.fields[1].items.iter().map(|i| i.id).collect();
        assert_eq!(ids, [5, 3, 9]);
    }
}
