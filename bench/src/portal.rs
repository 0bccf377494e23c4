//! The schema-pull benchmark's portal: the four classic entities of the emulator's default
//! portal plus 20 smart processes of 30 user fields each, written as whole response bodies
//! in the shapes of the fixtures (`fixtures/crm.item.fields.json` for the system fields,
//! `crm.item.fields.userfields-fragment.json` for user-field descriptors,
//! `userfieldconfig.list.json`, `crm.type.list.json`, `crm.category.list.json`).
//!
//! The smart processes replace the default portal's two (177 and 1268); lists the default
//! portal already fills (statuses, user-field configs, status entity types) are extended, so
//! the classic entities keep their fields and pipelines.

use bitrix_emulator::Portal;
use serde_json::{Map, Value, json};

const SPA_SYSTEM: &str = include_str!("../../fixtures/crm.item.fields.json");
const TYPE_LIST: &str = include_str!("../../fixtures/crm.type.list.json");
const DEFAULT_STATUSES: &str =
    include_str!("../../crates/bitrix-emulator/portal/crm.status.list.json");
const DEFAULT_UF_CONFIG: &str =
    include_str!("../../crates/bitrix-emulator/portal/userfieldconfig.list.json");
const DEFAULT_STATUS_TYPES: &str =
    include_str!("../../crates/bitrix-emulator/portal/crm.status.entity.types.json");

/// How big the generated part of the portal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortalShape {
    pub smart_processes: usize,
    pub user_fields_each: usize,
}

impl Default for PortalShape {
    fn default() -> Self {
        PortalShape {
            smart_processes: 20,
            user_fields_each: 30,
        }
    }
}

/// One generated smart process.
struct Spa {
    entity_type_id: u64,
    type_id: u64,
    category_id: u64,
    title: String,
}

const STAGES: [(&str, &str, Option<&str>); 5] = [
    ("NEW", "Start", None),
    ("PREPARATION", "Preparation", None),
    ("CLIENT", "Client", None),
    ("SUCCESS", "Success", Some("S")),
    ("FAIL", "Fail", Some("F")),
];

/// User-field kinds, cycled through: (type, multiple, settings).
fn uf_kind(i: usize) -> (&'static str, bool, Value) {
    match i % 10 {
        0 | 5 => (
            "string",
            i % 10 == 5,
            json!({"SIZE": 20, "ROWS": 1, "REGEXP": "", "MIN_LENGTH": 0, "MAX_LENGTH": 0,
                   "DEFAULT_VALUE": ""}),
        ),
        1 => (
            "integer",
            false,
            json!({"SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0, "DEFAULT_VALUE": null}),
        ),
        2 => (
            "double",
            false,
            json!({"PRECISION": 2, "SIZE": 20, "MIN_VALUE": 0, "MAX_VALUE": 0,
                   "DEFAULT_VALUE": null}),
        ),
        3 => (
            "date",
            false,
            json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}}),
        ),
        4 => (
            "datetime",
            false,
            json!({"DEFAULT_VALUE": {"TYPE": "NONE", "VALUE": ""}, "USE_SECOND": "Y",
                   "USE_TIMEZONE": "N"}),
        ),
        6 => (
            "boolean",
            false,
            json!({"DEFAULT_VALUE": 0, "DISPLAY": "CHECKBOX", "LABEL": ["", ""],
                   "LABEL_CHECKBOX": ""}),
        ),
        7 => ("money", false, json!({"DEFAULT_VALUE": ""})),
        8 => (
            "enumeration",
            false,
            json!({"DISPLAY": "LIST", "LIST_HEIGHT": 1, "CAPTION_NO_VALUE": "",
                   "SHOW_NO_VALUE": "Y"}),
        ),
        _ => (
            "url",
            false,
            json!({"POPUP": "Y", "SIZE": 20, "MIN_LENGTH": 0, "MAX_LENGTH": 0,
                   "DEFAULT_VALUE": "", "ROWS": 1}),
        ),
    }
}

fn time_block() -> Value {
    json!({
        "start": 1752146147.312812,
        "finish": 1752146147.354549,
        "duration": 0.04173684120178223,
        "processing": 0.00507807731628418,
        "date_start": "2025-07-10T14:15:47+03:00",
        "date_finish": "2025-07-10T14:15:47+03:00",
        "operating_reset_at": 1752146747,
        "operating": 0
    })
}

fn body(result: Value, total: Option<usize>) -> String {
    let mut map = Map::new();
    map.insert("result".into(), result);
    if let Some(total) = total {
        map.insert("total".into(), json!(total));
    }
    map.insert("time".into(), time_block());
    Value::Object(map).to_string()
}

/// The `result` of an embedded response body. The bodies are part of this repository, so a
/// failure is a build problem; it is reported, not panicked on.
fn result_of(text: &str, file: &str) -> Result<Value, String> {
    let mut v: Value = serde_json::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    match v.get_mut("result") {
        Some(r) => Ok(r.take()),
        None => Err(format!("{file}: no top-level `result`")),
    }
}

/// Builds the portal. Enumeration item IDs and user-field IDs start above the default
/// portal's, so nothing collides.
pub fn build(shape: PortalShape) -> Result<Portal, String> {
    let system = result_of(SPA_SYSTEM, "fixtures/crm.item.fields.json")?;
    let system = system
        .get("fields")
        .and_then(Value::as_object)
        .cloned()
        .ok_or("fixtures/crm.item.fields.json: no result.fields object")?;
    let type_template = result_of(TYPE_LIST, "fixtures/crm.type.list.json")?
        .get("types")
        .and_then(|t| t.get(0))
        .cloned()
        .ok_or("fixtures/crm.type.list.json: no result.types[0]")?;
    let mut statuses = result_of(DEFAULT_STATUSES, "emulator portal crm.status.list.json")?
        .as_array()
        .cloned()
        .ok_or("emulator portal crm.status.list.json: result is not a list")?;
    let mut uf_config = result_of(DEFAULT_UF_CONFIG, "emulator portal userfieldconfig.list")?
        .get("fields")
        .and_then(Value::as_array)
        .cloned()
        .ok_or("emulator portal userfieldconfig.list.json: no result.fields list")?;
    let mut status_types = result_of(DEFAULT_STATUS_TYPES, "emulator portal status types")?
        .as_array()
        .cloned()
        .ok_or("emulator portal crm.status.entity.types.json: result is not a list")?;

    let spas: Vec<Spa> = (0..shape.smart_processes as u64)
        .map(|i| Spa {
            entity_type_id: 1100 + 2 * i,
            type_id: 60 + i,
            category_id: 200 + i,
            title: format!("Bench process {}", i + 1),
        })
        .collect();

    let mut portal = Portal::default();
    let mut types = Vec::new();
    let mut uf_id = 90_000u64;
    let mut enum_id = 70_000u64;
    let mut status_id = 50_000u64;
    for spa in &spas {
        let etid = spa.entity_type_id;
        let stage_list = format!("DYNAMIC_{etid}_STAGE_{}", spa.category_id);
        let mut fields = Map::new();
        for (name, descriptor) in &system {
            // The fixture's parent links point at smart processes this portal does not have.
            if name.starts_with("parentId") && name != "parentId1" && name != "parentId2" {
                continue;
            }
            let mut d = descriptor.clone();
            if d.get("type").and_then(Value::as_str) == Some("crm_status")
                && d.get("upperName").and_then(Value::as_str) == Some("STAGE_ID")
            {
                d["statusType"] = json!(stage_list);
            }
            fields.insert(name.clone(), d);
        }
        for n in 0..shape.user_fields_each {
            let (ty, multiple, settings) = uf_kind(n);
            let upper = format!("UF_CRM_{}_{}", spa.type_id, 1_750_000_000 + n as u64);
            let camel = format!("ufCrm{}_{}", spa.type_id, 1_750_000_000 + n as u64);
            let label = format!("{} {ty} {}", spa.title, n + 1);
            let items: Vec<(u64, String)> = if ty == "enumeration" {
                (0..4)
                    .map(|k| {
                        enum_id += 1;
                        (enum_id, format!("Option {}", k + 1))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let mut d = json!({
                "type": ty, "isRequired": false, "isReadOnly": false, "isImmutable": false,
                "isMultiple": multiple, "isDynamic": true,
            });
            if !items.is_empty() {
                d["items"] = items
                    .iter()
                    .map(|(id, v)| json!({"ID": id.to_string(), "VALUE": v}))
                    .collect();
            }
            for key in ["title", "listLabel", "formLabel", "filterLabel"] {
                d[key] = json!(label);
            }
            d["settings"] = settings.clone();
            d["upperName"] = json!(upper);
            fields.insert(camel, d);

            uf_id += 1;
            let mut config = json!({
                "id": uf_id.to_string(), "entityId": format!("CRM_{}", spa.type_id),
                "fieldName": upper, "userTypeId": ty, "xmlId": null, "sort": "100",
                "multiple": if multiple { "Y" } else { "N" }, "mandatory": "N",
                "showFilter": "E", "showInList": "Y", "editInList": "Y",
                "isSearchable": "N", "settings": settings, "languageId": {"en": "en"},
                "editFormLabel": {"en": label}, "listColumnLabel": {"en": label},
                "listFilterLabel": {"en": label}, "errorMessage": null, "helpMessage": null,
            });
            if !items.is_empty() {
                config["enum"] = items
                    .iter()
                    .enumerate()
                    .map(|(k, (id, v))| {
                        json!({"id": id.to_string(), "value": v, "def": "N",
                               "sort": ((k + 1) * 10).to_string(), "xmlId": null})
                    })
                    .collect();
            }
            uf_config.push(config);
        }
        portal = portal.with_file(
            format!("crm.item.fields.{etid}.json"),
            body(json!({"fields": fields}), None),
        );
        portal = portal.with_file(
            format!("crm.category.list.{etid}.json"),
            body(
                json!({"categories": [{
                    "id": spa.category_id, "name": "General", "sort": 500,
                    "entityTypeId": etid, "isDefault": "Y", "originId": "",
                    "originatorId": ""
                }]}),
                Some(1),
            ),
        );

        let mut t = type_template.clone();
        t["id"] = json!(spa.type_id);
        t["title"] = json!(spa.title);
        t["code"] = json!(format!("bench{}", spa.type_id));
        t["entityTypeId"] = json!(etid);
        t["isCategoriesEnabled"] = json!("N");
        t["isStagesEnabled"] = json!("Y");
        types.push(t);

        for (k, (code, name, semantics)) in STAGES.iter().enumerate() {
            status_id += 2;
            let (extra, color) = match semantics {
                Some("S") => ("success", "#7BD500"),
                Some(_) => ("failure", "#FF5752"),
                None => ("process", "#39A8EF"),
            };
            statuses.push(json!({
                "ID": status_id.to_string(), "ENTITY_ID": stage_list,
                "STATUS_ID": format!("DT{etid}_{}:{code}", spa.category_id),
                "NAME": name, "NAME_INIT": name, "SORT": ((k + 1) * 10).to_string(),
                "SYSTEM": "N", "CATEGORY_ID": spa.category_id.to_string(), "COLOR": color,
                "SEMANTICS": semantics, "EXTRA": {"SEMANTICS": extra, "COLOR": color},
            }));
        }
        status_types.push(json!({
            "ID": stage_list, "NAME": format!("{} (General)", spa.title),
            "SEMANTIC_INFO": [], "PREFIX": format!("DT{etid}_{}", spa.category_id),
            "FIELD_ATTRIBUTE_SCOPE": format!("category_{}", spa.category_id),
            "ENTITY_TYPE_ID": etid, "IS_ENABLED": true, "CATEGORY_ID": spa.category_id,
            "CATEGORY_NAME": "General", "CATEGORY_SORT": 500, "IS_DEFAULT_CATEGORY": true,
        }));
    }
    let type_count = types.len();
    let status_count = statuses.len();
    let config_count = uf_config.len();
    Ok(portal
        .with_file(
            "crm.type.list.json",
            body(json!({"types": types}), Some(type_count)),
        )
        .with_file(
            "crm.status.list.json",
            body(json!(statuses), Some(status_count)),
        )
        .with_file(
            "userfieldconfig.list.json",
            body(json!({"fields": uf_config}), Some(config_count)),
        )
        .with_file(
            "crm.status.entity.types.json",
            body(json!(status_types), None),
        ))
}
