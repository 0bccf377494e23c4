//! The portal's metadata as the methods use it: entities with their fields in both naming
//! schemes, status lists, pipelines, and user-field definitions (which `userfield.add`
//! changes at run time).
//!
//! Records are stored under one key per field: the crm.item camel name when the field has
//! one, otherwise the classic UPPER name. The pairing between classic and crm.item names is
//! taken from the portal data (`upperName` in `crm.item.fields`), with the documented system
//! renames (`DATE_CREATE` ↔ `createdTime`, ...) for fields whose upperName differs from the
//! classic name.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value, json};

use crate::error::ApiError;
use crate::portal::{Portal, PortalError};
use bitrix_schema::EntityKind;
use bitrix_schema::naming;

/// How a field's values are stored and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// ids, users, links, integers: JSON integers.
    Int,
    Double,
    /// System `char`/`boolean` flags: `"Y"`/`"N"` in both APIs.
    YesNo,
    /// User-field `boolean`: stored as a JSON bool.
    UfBool,
    /// `YYYY-MM-DD`.
    Date,
    /// Unix seconds.
    DateTime,
    /// Enumeration item id (integer).
    Enum,
    /// `{"id": n, "name": ..}`.
    File,
    /// Classic `PHONE`/`EMAIL`/..., stored together under `fm`.
    Multi,
    /// `amount|CUR`.
    Money,
    Str,
    /// Types the emulator does not interpret (resourcebooking, iblock, app types): stored as
    /// sent.
    Raw,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub(crate) key: String,
    pub(crate) camel: Option<String>,
    pub(crate) upper: String,
    pub(crate) classic: Option<String>,
    pub(crate) kind: Kind,
    pub(crate) type_name: String,
    pub(crate) multiple: bool,
    pub(crate) read_only: bool,
    pub(crate) immutable: bool,
    pub(crate) uf: bool,
    pub(crate) items: Vec<(i64, String)>,
    /// Listed by classic `*.fields` but never returned by classic get/list (`CONTACT_IDS`).
    pub(crate) hidden_classic: bool,
}

impl Field {
    pub(crate) fn is_link(&self) -> bool {
        matches!(
            self.type_name.as_str(),
            "crm_company" | "crm_contact" | "crm_lead" | "crm_deal" | "crm_quote" | "crm_entity"
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ClassicKind {
    Lead,
    Deal,
    Contact,
    Company,
}

impl ClassicKind {
    pub(crate) const ALL: [ClassicKind; 4] = [
        ClassicKind::Lead,
        ClassicKind::Deal,
        ClassicKind::Contact,
        ClassicKind::Company,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            ClassicKind::Lead => "lead",
            ClassicKind::Deal => "deal",
            ClassicKind::Contact => "contact",
            ClassicKind::Company => "company",
        }
    }

    pub(crate) fn entity_type_id(self) -> i64 {
        match self {
            ClassicKind::Lead => 1,
            ClassicKind::Deal => 2,
            ClassicKind::Contact => 3,
            ClassicKind::Company => 4,
        }
    }

    pub(crate) fn schema_kind(self) -> EntityKind {
        match self {
            ClassicKind::Lead => EntityKind::Lead,
            ClassicKind::Deal => EntityKind::Deal,
            ClassicKind::Contact => EntityKind::Contact,
            ClassicKind::Company => EntityKind::Company,
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.name() == name)
    }

    pub(crate) fn uf_entity_id(self) -> &'static str {
        match self {
            ClassicKind::Lead => "CRM_LEAD",
            ClassicKind::Deal => "CRM_DEAL",
            ClassicKind::Contact => "CRM_CONTACT",
            ClassicKind::Company => "CRM_COMPANY",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub(crate) etid: i64,
    pub(crate) classic: Option<ClassicKind>,
    pub(crate) classic_fields: Map<String, Value>,
    pub(crate) item_fields: Map<String, Value>,
    pub(crate) fields: Vec<Field>,
    by_camel: HashMap<String, usize>,
    by_upper: HashMap<String, usize>,
    by_classic: HashMap<String, usize>,
}

impl Entity {
    pub(crate) fn by_camel(&self, name: &str) -> Option<&Field> {
        self.by_camel.get(name).map(|&i| &self.fields[i])
    }

    pub(crate) fn by_upper(&self, name: &str) -> Option<&Field> {
        self.by_upper.get(name).map(|&i| &self.fields[i])
    }

    pub(crate) fn by_classic(&self, name: &str) -> Option<&Field> {
        self.by_classic.get(name).map(|&i| &self.fields[i])
    }

    pub(crate) fn has_multifields(&self) -> bool {
        self.fields.iter().any(|f| f.kind == Kind::Multi)
    }

    /// The name crm.item uses for a field: camel by default, the UPPER name of user fields
    /// with `useOriginalUfNames=Y`.
    pub(crate) fn item_name<'a>(&self, field: &'a Field, original_uf: bool) -> Option<&'a str> {
        if original_uf && field.uf {
            return Some(field.upper.as_str());
        }
        field.camel.as_deref()
    }

    /// Resolves a crm.item field name as a request spells it: the camel name, or the item
    /// upperName (`STAGE_ID`, `ID`), because the portal's crm.item controller converts every
    /// key to UPPER case before the lookup (so `order: {"ID": "ASC"}`, which clients such as
    /// fast-bitrix24 send, works). Classic-only names (`DATE_CREATE`) are not item names.
    pub(crate) fn resolve_item(&self, name: &str, original_uf: bool) -> Option<&Field> {
        if original_uf && let Some(f) = self.by_upper(name).filter(|f| f.uf) {
            return Some(f);
        }
        self.by_camel(name)
            .filter(|f| !(original_uf && f.uf))
            .or_else(|| self.by_upper(name).filter(|f| f.camel.is_some()))
    }

    fn index(&mut self) {
        self.by_camel.clear();
        self.by_upper.clear();
        self.by_classic.clear();
        for (i, f) in self.fields.iter().enumerate() {
            if let Some(c) = &f.camel {
                self.by_camel.insert(c.clone(), i);
            }
            if let Some(c) = &f.classic {
                self.by_classic.insert(c.clone(), i);
            }
            self.by_upper.insert(f.upper.clone(), i);
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Stage {
    pub(crate) status_id: String,
    /// `P`, `S` or `F`.
    pub(crate) semantic: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub(crate) entities: BTreeMap<i64, Entity>,
    pub(crate) statuses: Vec<Value>,
    pub(crate) status_entity_types: Value,
    pub(crate) categories: BTreeMap<i64, Vec<Value>>,
    pub(crate) types: Vec<Value>,
    pub(crate) userfield_lists: BTreeMap<ClassicKind, Vec<Value>>,
    pub(crate) userfieldconfig: Vec<Value>,
    next_uf_id: i64,
    next_enum_id: i64,
}

fn kind_of(descriptor: &Value) -> Kind {
    let ty = descriptor
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    let dynamic = descriptor
        .get("isDynamic")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match ty {
        "integer" | "user" | "employee" | "crm_company" | "crm_contact" | "crm_lead"
        | "crm_deal" | "crm_quote" | "crm_entity" | "crm_category" | "int" => Kind::Int,
        "double" => Kind::Double,
        "char" => Kind::YesNo,
        "boolean" if dynamic => Kind::UfBool,
        "boolean" => Kind::YesNo,
        "date" => Kind::Date,
        "datetime" => Kind::DateTime,
        "enumeration" => Kind::Enum,
        "file" => Kind::File,
        "crm_multifield" => Kind::Multi,
        "money" => Kind::Money,
        "string" | "text" | "crm_status" | "crm_currency" | "location" | "url" | "address"
        | "crm" => Kind::Str,
        _ => Kind::Raw,
    }
}

fn enum_items(descriptor: &Value) -> Vec<(i64, String)> {
    descriptor
        .get("items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| {
                    let id = crate::params::as_i64(i.get("ID"))?;
                    let value = i
                        .get("VALUE")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_owned();
                    Some((id, value))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn flag(descriptor: &Value, name: &str) -> bool {
    descriptor
        .get(name)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

fn make_field(
    descriptor: &Value,
    key: String,
    camel: Option<String>,
    upper: String,
    classic: Option<String>,
) -> Field {
    let kind = kind_of(descriptor);
    Field {
        key,
        camel,
        upper,
        classic,
        kind,
        type_name: descriptor
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string")
            .to_owned(),
        multiple: flag(descriptor, "isMultiple"),
        read_only: flag(descriptor, "isReadOnly"),
        immutable: flag(descriptor, "isImmutable"),
        uf: flag(descriptor, "isDynamic"),
        items: enum_items(descriptor),
        hidden_classic: false,
    }
}

fn as_object(value: Value, file: &str, what: &str) -> Result<Map<String, Value>, PortalError> {
    match value {
        Value::Object(map) => Ok(map),
        _ => Err(PortalError::Shape {
            file: file.to_owned(),
            what: format!("{what} is not an object"),
        }),
    }
}

fn as_array(value: Value, file: &str, what: &str) -> Result<Vec<Value>, PortalError> {
    match value {
        Value::Array(items) => Ok(items),
        _ => Err(PortalError::Shape {
            file: file.to_owned(),
            what: format!("{what} is not an array"),
        }),
    }
}

fn item_fields_of(portal: &Portal, etid: i64) -> Result<Map<String, Value>, PortalError> {
    let file = format!("crm.item.fields.{etid}.json");
    let result = as_object(portal.result(&file)?, &file, "result")?;
    let fields = result
        .get("fields")
        .cloned()
        .ok_or_else(|| PortalError::Shape {
            file: file.clone(),
            what: "result has no \"fields\" member".to_owned(),
        })?;
    as_object(fields, &file, "result.fields")
}

fn build_classic(
    kind: ClassicKind,
    classic_fields: Map<String, Value>,
    item_fields: Map<String, Value>,
) -> Entity {
    let mut fields = Vec::new();
    let mut used_items = std::collections::HashSet::new();
    for (name, d) in &classic_fields {
        if kind_of(d) == Kind::Multi {
            fields.push(make_field(
                d,
                "fm".to_owned(),
                None,
                name.clone(),
                Some(name.clone()),
            ));
            continue;
        }
        let wanted_upper =
            naming::system_item_upper_name(kind.schema_kind(), name).unwrap_or(name.as_str());
        let item = item_fields
            .iter()
            .find(|(_, id)| id.get("upperName").and_then(Value::as_str) == Some(wanted_upper));
        let mut field = match item {
            Some((camel, item_d)) => {
                used_items.insert(camel.clone());
                let mut f = make_field(
                    item_d,
                    camel.clone(),
                    Some(camel.clone()),
                    wanted_upper.to_owned(),
                    Some(name.clone()),
                );
                // The classic descriptor decides classic-only details.
                f.read_only = flag(d, "isReadOnly") || f.read_only;
                f
            }
            None => make_field(d, name.clone(), None, name.clone(), Some(name.clone())),
        };
        field.hidden_classic = matches!(name.as_str(), "CONTACT_IDS" | "COMPANY_IDS");
        fields.push(field);
    }
    for (camel, d) in &item_fields {
        if used_items.contains(camel) {
            continue;
        }
        let upper = d
            .get("upperName")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .unwrap_or_else(|| naming::camel_to_upper(camel));
        fields.push(make_field(
            d,
            camel.clone(),
            Some(camel.clone()),
            upper,
            None,
        ));
    }
    let mut entity = Entity {
        etid: kind.entity_type_id(),
        classic: Some(kind),
        classic_fields,
        item_fields,
        fields,
        by_camel: HashMap::new(),
        by_upper: HashMap::new(),
        by_classic: HashMap::new(),
    };
    entity.index();
    entity
}

fn build_spa(etid: i64, item_fields: Map<String, Value>) -> Entity {
    let fields = item_fields
        .iter()
        .map(|(camel, d)| {
            let upper = d
                .get("upperName")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| naming::camel_to_upper(camel));
            make_field(d, camel.clone(), Some(camel.clone()), upper, None)
        })
        .collect();
    let mut entity = Entity {
        etid,
        classic: None,
        classic_fields: Map::new(),
        item_fields,
        fields,
        by_camel: HashMap::new(),
        by_upper: HashMap::new(),
        by_classic: HashMap::new(),
    };
    entity.index();
    entity
}

fn max_numeric_id<'a>(values: impl Iterator<Item = &'a Value>, key: &str) -> i64 {
    values
        .filter_map(|v| crate::params::as_i64(v.get(key)))
        .max()
        .unwrap_or(0)
}

impl Model {
    pub(crate) fn from_portal(portal: &Portal) -> Result<Self, PortalError> {
        let mut entities = BTreeMap::new();
        let mut userfield_lists = BTreeMap::new();
        for kind in ClassicKind::ALL {
            let file = format!("crm.{}.fields.json", kind.name());
            let classic = as_object(portal.result(&file)?, &file, "result")?;
            let item = item_fields_of(portal, kind.entity_type_id())?;
            entities.insert(kind.entity_type_id(), build_classic(kind, classic, item));
            let uf_file = format!("crm.{}.userfield.list.json", kind.name());
            let list = if portal.has(&uf_file) {
                as_array(portal.result(&uf_file)?, &uf_file, "result")?
            } else {
                Vec::new()
            };
            userfield_lists.insert(kind, list);
        }

        let types_file = "crm.type.list.json";
        let types_result = as_object(portal.result(types_file)?, types_file, "result")?;
        let types = as_array(
            types_result
                .get("types")
                .cloned()
                .unwrap_or(Value::Array(Vec::new())),
            types_file,
            "result.types",
        )?;
        for t in &types {
            let Some(etid) = crate::params::as_i64(t.get("entityTypeId")) else {
                return Err(PortalError::Shape {
                    file: types_file.to_owned(),
                    what: "a type has no integer entityTypeId".to_owned(),
                });
            };
            entities.insert(etid, build_spa(etid, item_fields_of(portal, etid)?));
        }

        let status_file = "crm.status.list.json";
        let statuses = as_array(portal.result(status_file)?, status_file, "result")?;
        let status_entity_types = portal.result("crm.status.entity.types.json")?;

        let mut categories = BTreeMap::new();
        for &etid in entities.keys() {
            let file = format!("crm.category.list.{etid}.json");
            if !portal.has(&file) {
                continue;
            }
            let result = as_object(portal.result(&file)?, &file, "result")?;
            let list = as_array(
                result
                    .get("categories")
                    .cloned()
                    .unwrap_or(Value::Array(Vec::new())),
                &file,
                "result.categories",
            )?;
            categories.insert(etid, list);
        }

        let ufc_file = "userfieldconfig.list.json";
        let userfieldconfig = if portal.has(ufc_file) {
            let result = as_object(portal.result(ufc_file)?, ufc_file, "result")?;
            as_array(
                result
                    .get("fields")
                    .cloned()
                    .unwrap_or(Value::Array(Vec::new())),
                ufc_file,
                "result.fields",
            )?
        } else {
            Vec::new()
        };

        let next_uf_id = max_numeric_id(userfield_lists.values().flatten(), "ID")
            .max(max_numeric_id(userfieldconfig.iter(), "id"))
            + 1;
        let next_enum_id = entities
            .values()
            .flat_map(|e| e.fields.iter())
            .flat_map(|f| f.items.iter().map(|(id, _)| *id))
            .max()
            .unwrap_or(0)
            + 1;

        Ok(Self {
            entities,
            statuses,
            status_entity_types,
            categories,
            types,
            userfield_lists,
            userfieldconfig,
            next_uf_id,
            next_enum_id,
        })
    }

    pub(crate) fn entity(&self, etid: i64) -> Option<&Entity> {
        self.entities.get(&etid)
    }

    pub(crate) fn classic(&self, kind: ClassicKind) -> &Entity {
        // Built for every ClassicKind in from_portal, so the lookup cannot miss.
        &self.entities[&kind.entity_type_id()]
    }

    /// The default pipeline of an entity type, `None` when it has no pipelines.
    pub(crate) fn default_category(&self, etid: i64) -> Option<i64> {
        let cats = self.categories.get(&etid)?;
        cats.iter()
            .find(|c| c.get("isDefault").and_then(Value::as_str) == Some("Y"))
            .or_else(|| cats.first())
            .and_then(|c| crate::params::as_i64(c.get("id")))
    }

    pub(crate) fn category_ids(&self, etid: i64) -> Vec<i64> {
        self.categories
            .get(&etid)
            .map(|c| {
                c.iter()
                    .filter_map(|c| crate::params::as_i64(c.get("id")))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The `crm.status` ENTITY_ID that lists the stages of a pipeline.
    pub(crate) fn stage_entity_id(etid: i64, category: Option<i64>) -> String {
        match (etid, category) {
            (1, _) => "STATUS".to_owned(),
            (2, None | Some(0)) => "DEAL_STAGE".to_owned(),
            (2, Some(c)) => format!("DEAL_STAGE_{c}"),
            (_, c) => format!("DYNAMIC_{etid}_STAGE_{}", c.unwrap_or(0)),
        }
    }

    pub(crate) fn stages(&self, etid: i64, category: Option<i64>) -> Vec<Stage> {
        let entity_id = Self::stage_entity_id(etid, category);
        let mut rows: Vec<&Value> = self
            .statuses
            .iter()
            .filter(|s| s.get("ENTITY_ID").and_then(Value::as_str) == Some(entity_id.as_str()))
            .collect();
        rows.sort_by_key(|s| crate::params::as_i64(s.get("SORT")).unwrap_or(0));
        rows.into_iter()
            .filter_map(|s| {
                let status_id = s.get("STATUS_ID")?.as_str()?.to_owned();
                let semantic = match s.get("SEMANTICS").and_then(Value::as_str) {
                    Some("S") => "S",
                    Some("F") => "F",
                    _ => "P",
                };
                Some(Stage {
                    status_id,
                    semantic,
                })
            })
            .collect()
    }

    pub(crate) fn status_ids(&self, entity_id: &str) -> Vec<String> {
        self.statuses
            .iter()
            .filter(|s| s.get("ENTITY_ID").and_then(Value::as_str) == Some(entity_id))
            .filter_map(|s| {
                s.get("STATUS_ID")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .collect()
    }

    /// `crm.<entity>.userfield.add`: creates the field in every view at once (classic
    /// fields, item fields, userfield list, userfieldconfig list) and returns its id.
    pub(crate) fn add_userfield(
        &mut self,
        kind: ClassicKind,
        input: &Map<String, Value>,
    ) -> Result<i64, ApiError> {
        let get = |k: &str| crate::params::param(input, k);
        let raw_name = get("FIELD_NAME")
            .and_then(Value::as_str)
            .ok_or_else(|| ApiError::new(400, "ERROR_CORE", "FIELD_NAME is required"))?;
        let upper_raw = raw_name.to_ascii_uppercase();
        let code = match upper_raw.strip_prefix("UF_CRM_") {
            Some(_) => upper_raw.clone(),
            None => format!(
                "UF_CRM_{}",
                upper_raw.strip_prefix("UF_").unwrap_or(&upper_raw)
            ),
        };
        if code.len() > 50
            || !code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(ApiError::new(
                400,
                "ERROR_CORE",
                format!(
                    "Invalid FIELD_NAME '{raw_name}': only A-Z, 0-9 and _ are allowed, at most \
                     50 characters including the UF_CRM_ prefix"
                ),
            ));
        }
        let user_type = get("USER_TYPE_ID")
            .and_then(Value::as_str)
            .unwrap_or("string")
            .to_owned();
        let multiple = crate::params::truthy(get("MULTIPLE"));
        let mandatory = crate::params::truthy(get("MANDATORY"));
        let label_of = |k: &str| match get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(m)) => m.values().find_map(|v| v.as_str().map(str::to_owned)),
            _ => None,
        };
        let label = label_of("EDIT_FORM_LABEL")
            .or_else(|| label_of("LIST_COLUMN_LABEL"))
            .unwrap_or_else(|| code.clone());
        let settings = get("SETTINGS").cloned().unwrap_or_else(|| json!({}));
        let entity_etid = kind.entity_type_id();
        {
            let entity = &self.entities[&entity_etid];
            if entity.by_classic(&code).is_some() {
                return Err(ApiError::new(
                    400,
                    "ERROR_CORE",
                    format!("A field named {code} already exists"),
                ));
            }
        }

        let mut list = Vec::new();
        if user_type == "enumeration"
            && let Some(Value::Array(items)) = get("LIST")
        {
            for (i, item) in items.iter().enumerate() {
                let value = item
                    .get("VALUE")
                    .map(|v| match v {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .unwrap_or_default();
                let id = self.next_enum_id;
                self.next_enum_id += 2;
                list.push(json!({
                    "ID": id.to_string(),
                    "SORT": item.get("SORT").map(|s| s.to_string().trim_matches('"').to_owned())
                        .unwrap_or_else(|| ((i + 1) * 10).to_string()),
                    "VALUE": value,
                    "DEF": if crate::params::truthy(item.get("DEF")) { "Y" } else { "N" },
                    "XML_ID": format!("xml{id}"),
                }));
            }
        }
        let uf_id = self.next_uf_id;
        self.next_uf_id += 1;

        let items_short: Vec<Value> = list
            .iter()
            .map(|i| json!({"ID": i["ID"].clone(), "VALUE": i["VALUE"].clone()}))
            .collect();
        let mut classic_d = json!({
            "type": user_type, "isRequired": mandatory, "isReadOnly": false,
            "isImmutable": false, "isMultiple": multiple, "isDynamic": true,
        });
        if !items_short.is_empty() {
            classic_d["items"] = Value::Array(items_short.clone());
        }
        let mut item_d = classic_d.clone();
        for (d, title) in [(&mut classic_d, code.clone()), (&mut item_d, label.clone())] {
            d["title"] = Value::String(title);
            d["listLabel"] = Value::String(label.clone());
            d["formLabel"] = Value::String(label.clone());
            d["filterLabel"] = Value::String(label.clone());
            d["settings"] = settings.clone();
        }
        item_d["upperName"] = Value::String(code.clone());

        let entity = self
            .entities
            .get_mut(&entity_etid)
            .ok_or_else(ApiError::type_not_found)?;
        let mut camel = naming::upper_to_camel(&code);
        if entity.by_camel(&camel).is_some() {
            // The documented collision rule: the field keeps its UPPER name.
            camel = code.clone();
        }
        entity.classic_fields.insert(code.clone(), classic_d);
        entity.item_fields.insert(camel.clone(), item_d.clone());
        entity.fields.push(make_field(
            &item_d,
            camel.clone(),
            Some(camel.clone()),
            code.clone(),
            Some(code.clone()),
        ));
        entity.index();

        let mut entry = json!({
            "ID": uf_id.to_string(), "ENTITY_ID": kind.uf_entity_id(), "FIELD_NAME": code,
            "USER_TYPE_ID": user_type, "XML_ID": get("XML_ID").cloned().unwrap_or(Value::Null),
            "SORT": get("SORT").map(|s| s.to_string().trim_matches('"').to_owned())
                .unwrap_or_else(|| "100".to_owned()),
            "MULTIPLE": if multiple { "Y" } else { "N" },
            "MANDATORY": if mandatory { "Y" } else { "N" },
            "SHOW_FILTER": "N", "SHOW_IN_LIST": "Y", "EDIT_IN_LIST": "Y", "IS_SEARCHABLE": "N",
            "SETTINGS": settings, "EDIT_FORM_LABEL": label, "LIST_COLUMN_LABEL": label,
            "LIST_FILTER_LABEL": label, "ERROR_MESSAGE": null, "HELP_MESSAGE": null,
        });
        if !list.is_empty() {
            entry["LIST"] = Value::Array(list.clone());
        }
        self.userfield_lists.entry(kind).or_default().push(entry);
        let mut config = json!({
            "id": uf_id.to_string(), "entityId": kind.uf_entity_id(), "fieldName": code,
            "userTypeId": user_type, "xmlId": null, "sort": "100",
            "multiple": if multiple { "Y" } else { "N" },
            "mandatory": if mandatory { "Y" } else { "N" },
            "showFilter": "N", "showInList": "Y", "editInList": "Y", "isSearchable": "N",
            "settings": settings, "languageId": {"en": "en"}, "editFormLabel": {"en": label},
            "listColumnLabel": {"en": label}, "listFilterLabel": {"en": label},
            "errorMessage": null, "helpMessage": null,
        });
        if !list.is_empty() {
            config["enum"] = Value::Array(
                list.iter()
                    .map(|i| {
                        json!({"id": i["ID"], "value": i["VALUE"], "def": i["DEF"],
                               "sort": i["SORT"], "xmlId": i["XML_ID"]})
                    })
                    .collect(),
            );
        }
        self.userfieldconfig.push(config);
        Ok(uf_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> Model {
        Model::from_portal(&Portal::default()).unwrap()
    }

    #[test]
    fn classic_and_item_names_pair_through_renames() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        assert_eq!(
            deal.by_classic("DATE_CREATE").unwrap().camel.as_deref(),
            Some("createdTime")
        );
        assert_eq!(
            deal.by_classic("CREATED_BY_ID").unwrap().upper,
            "CREATED_BY"
        );
        assert_eq!(
            deal.by_camel("ufCrmDelivery").unwrap().classic.as_deref(),
            Some("UF_CRM_DELIVERY")
        );
        let lead = m.classic(ClassicKind::Lead);
        assert_eq!(lead.by_classic("STATUS_ID").unwrap().key, "stageId");
        let company = m.classic(ClassicKind::Company);
        assert_eq!(company.by_classic("COMPANY_TYPE").unwrap().key, "typeId");
        assert_eq!(lead.by_classic("PHONE").unwrap().kind, Kind::Multi);
    }

    #[test]
    fn kinds_follow_descriptor_types() {
        let m = model();
        let deal = m.classic(ClassicKind::Deal);
        assert_eq!(deal.by_classic("OPENED").unwrap().kind, Kind::YesNo);
        assert_eq!(
            deal.by_classic("UF_CRM_1700000002").unwrap().kind,
            Kind::UfBool
        );
        assert_eq!(deal.by_classic("BEGINDATE").unwrap().kind, Kind::Date);
        let delivery = deal.by_classic("UF_CRM_DELIVERY").unwrap();
        assert_eq!(delivery.kind, Kind::Enum);
        assert_eq!(delivery.items.len(), 3);
        assert_eq!(delivery.items[0].1, "Курьер");
    }

    #[test]
    fn stages_follow_pipelines() {
        let m = model();
        let first = m.stages(2, Some(1));
        assert_eq!(first[0].status_id, "C1:NEW");
        assert_eq!(m.stages(2, Some(0))[0].status_id, "NEW");
        assert_eq!(m.stages(177, Some(9))[0].status_id, "DT177_9:NEW");
        assert_eq!(m.default_category(177), Some(7));
        assert!(
            m.stages(1, None)
                .iter()
                .any(|s| s.status_id == "CONVERTED" && s.semantic == "S")
        );
    }

    #[test]
    fn userfield_add_updates_every_view() {
        let mut m = model();
        let input = serde_json::from_value::<Map<String, Value>>(json!({
            "FIELD_NAME": "color", "USER_TYPE_ID": "enumeration", "MULTIPLE": "Y",
            "EDIT_FORM_LABEL": "Color", "LIST": [{"VALUE": "Red"}, {"VALUE": "Blue"}],
        }))
        .unwrap();
        let id = m.add_userfield(ClassicKind::Deal, &input).unwrap();
        let deal = m.classic(ClassicKind::Deal);
        let f = deal.by_classic("UF_CRM_COLOR").unwrap();
        assert_eq!(f.camel.as_deref(), Some("ufCrmColor"));
        assert!(f.multiple);
        assert_eq!(f.items.len(), 2);
        assert_eq!(deal.classic_fields["UF_CRM_COLOR"]["title"], "UF_CRM_COLOR");
        assert_eq!(deal.item_fields["ufCrmColor"]["title"], "Color");
        let list = &m.userfield_lists[&ClassicKind::Deal];
        assert_eq!(list.last().unwrap()["ID"], id.to_string());
        assert_eq!(
            m.userfieldconfig.last().unwrap()["fieldName"],
            "UF_CRM_COLOR"
        );
    }

    #[test]
    fn userfield_add_refuses_bad_codes() {
        let mut m = model();
        let input = serde_json::from_value::<Map<String, Value>>(json!({
            "FIELD_NAME": "bad-name", "USER_TYPE_ID": "string",
        }))
        .unwrap();
        let err = m.add_userfield(ClassicKind::Deal, &input).unwrap_err();
        assert_eq!(err.code, "ERROR_CORE");
    }
}
