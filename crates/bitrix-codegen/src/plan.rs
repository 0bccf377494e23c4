//! Every Rust name the generated code uses, decided in one place before any code is emitted.
//!
//! Names come from the user's `rust_name` when set, otherwise from portal labels (transliterated
//! to ASCII) or codes. Collisions are resolved by [`ident::dedupe`] in the schema's canonical
//! order, so the same schema always gives the same names.

use std::collections::{BTreeMap, BTreeSet};

use bitrix_schema::ident;
use bitrix_schema::{Category, Entity, EntityKind, Field, FieldType, Schema, Status};

/// The names of one generated enum and its variants.
#[derive(Debug, Clone)]
pub struct EnumPlan {
    pub name: String,
    /// Variant names, in the order of the items or statuses they name.
    pub variants: Vec<String>,
}

/// What one field becomes.
#[derive(Debug, Clone)]
pub struct FieldPlan {
    pub index: usize,
    pub rust_name: String,
    /// The variant of the entity's field enum.
    pub variant: String,
    /// The associated constant holding the wire names (the UPPER name, which is unique).
    pub constant: String,
    /// The enum of an enumeration field.
    pub enumeration: Option<EnumPlan>,
}

/// A pipeline's stage enum.
#[derive(Debug, Clone)]
pub struct StagePlan {
    pub category: usize,
    pub enum_plan: EnumPlan,
    /// The variant of the entity's combined stage enum.
    pub wrapper_variant: String,
}

#[derive(Debug, Clone)]
pub struct EntityPlan {
    pub index: usize,
    pub name: String,
    pub field_enum: String,
    pub fields: Vec<FieldPlan>,
    pub stages: Vec<StagePlan>,
    /// The combined enum over all pipelines' stages, when there is more than one pipeline.
    pub stage_enum: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub entities: Vec<EntityPlan>,
    /// Status list enums by `ENTITY_ID`.
    pub status_lists: BTreeMap<String, EnumPlan>,
}

/// The name of the catch-all variant that keeps IDs the schema does not know.
pub const UNKNOWN: &str = "Unknown";
/// The struct field holding unknown keys, odd values and cleared fields.
pub const EXTRA: &str = "extra";

pub fn plan(schema: &Schema, entities: &[&Entity]) -> Plan {
    // Type names share one namespace: structs, field enums, enumeration enums, stage enums
    // and status enums. Claims are made in a fixed order so that dedupe is deterministic.
    let mut types = TypeNames::default();

    let struct_names: Vec<String> = entities
        .iter()
        .map(|e| {
            types.claim(
                &entity_base_name(e),
                &format!("Smart{}", e.kind.entity_type_id()),
            )
        })
        .collect();

    let mut plans: Vec<EntityPlan> = entities
        .iter()
        .zip(&struct_names)
        .map(|(entity, name)| {
            let field_enum = types.claim(&format!("{name}Field"), "Field");
            let fields = plan_fields(entity);
            EntityPlan {
                index: schema
                    .entities
                    .iter()
                    .position(|e| e.kind == entity.kind)
                    .unwrap_or_default(),
                name: name.clone(),
                field_enum,
                fields,
                stages: Vec::new(),
                stage_enum: None,
            }
        })
        .collect();

    let mut status_lists = BTreeMap::new();
    for (id, list) in &schema.status_lists {
        let base = list
            .rust_name
            .clone()
            .unwrap_or_else(|| status_list_base_name(id));
        let name = types.claim(&base, "StatusList");
        let variants = status_variants(&list.items, "");
        status_lists.insert(id.clone(), EnumPlan { name, variants });
    }

    for (plan, entity) in plans.iter_mut().zip(entities) {
        for field in plan.fields.iter_mut() {
            let f = &entity.fields[field.index];
            if f.ty == FieldType::Enumeration {
                let bare = field
                    .rust_name
                    .strip_prefix("r#")
                    .unwrap_or(&field.rust_name);
                let base = ident::sanitize_type_ident(
                    &ident::to_upper_camel(bare),
                    &format!("{}{}", plan.name, field.variant),
                );
                // A field-named enum that collides with another type takes the entity's
                // name as a prefix before falling back to numbering.
                let name = if types.is_free(&base) {
                    types.claim(&base, "Enumeration")
                } else {
                    types.claim(&format!("{}{base}", plan.name), "Enumeration")
                };
                field.enumeration = Some(EnumPlan {
                    name,
                    variants: item_variants(f),
                });
            }
        }
        for (i, category) in entity.categories.iter().enumerate() {
            let base = category
                .rust_name
                .clone()
                .unwrap_or_else(|| format!("{}Stage{}", plan.name, category_suffix(category)));
            let name = types.claim(&base, &format!("{}Stage{}", plan.name, category.id));
            let prefix = stage_prefix(category);
            plan.stages.push(StagePlan {
                category: i,
                enum_plan: EnumPlan {
                    name,
                    variants: status_variants(&category.stages, &prefix),
                },
                wrapper_variant: String::new(),
            });
        }
        if plan.stages.len() > 1 {
            plan.stage_enum = Some(types.claim(&format!("{}Stage", plan.name), "Stage"));
            let wrappers: Vec<(String, bool)> = entity
                .categories
                .iter()
                .map(|c| {
                    let name = ident::sanitize_type_ident(
                        &ident::to_upper_camel(&category_suffix(c)),
                        &format!("Pipeline{}", c.id),
                    );
                    (name, false)
                })
                .collect();
            for (stage, name) in plan.stages.iter_mut().zip(with_unknown(wrappers)) {
                stage.wrapper_variant = name;
            }
        }
    }

    Plan {
        entities: plans,
        status_lists,
    }
}

#[derive(Default)]
struct TypeNames {
    used: BTreeSet<String>,
}

impl TypeNames {
    fn is_free(&self, name: &str) -> bool {
        !self.used.contains(name)
    }

    /// A unique, legal type name from `base`.
    fn claim(&mut self, base: &str, fallback: &str) -> String {
        let base = ident::sanitize_type_ident(base, fallback);
        let mut name = base.clone();
        let mut n = 2;
        while self.used.contains(&name) {
            let sep = if base.ends_with(|c: char| c.is_ascii_digit()) {
                "_"
            } else {
                ""
            };
            name = format!("{base}{sep}{n}");
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }
}

fn entity_base_name(entity: &Entity) -> String {
    if let Some(name) = &entity.rust_name {
        return name.clone();
    }
    match entity.kind {
        EntityKind::Smart { entity_type_id, .. } => {
            let from = |s: &Option<String>| {
                s.as_deref()
                    .map(ident::to_upper_camel)
                    .filter(|n| !n.is_empty())
            };
            from(&entity.code)
                .or_else(|| from(&entity.title))
                .unwrap_or_else(|| format!("Smart{entity_type_id}"))
        }
        classic => ident::to_upper_camel(classic.classic_name().unwrap_or_default()),
    }
}

/// `SOURCE` → `Source`, `DEAL_TYPE` → `DealType`; the lead status list `STATUS` is
/// `LeadStatus`, since a bare `Status` says nothing.
fn status_list_base_name(entity_id: &str) -> String {
    if entity_id == "STATUS" {
        return "LeadStatus".to_string();
    }
    ident::to_upper_camel(entity_id)
}

fn category_suffix(category: &Category) -> String {
    let name = ident::to_upper_camel(&category.name);
    if name.is_empty() {
        format!("Pipeline{}", category.id)
    } else {
        name
    }
}

/// The prefix stage IDs of a pipeline carry (`C9:`), left out of variant names.
fn stage_prefix(category: &Category) -> String {
    let first = category.stages.first().map(|s| s.id.as_str()).unwrap_or("");
    match first.split_once(':') {
        Some((prefix, _)) if category.stages.iter().all(|s| s.id.starts_with(prefix)) => {
            format!("{prefix}:")
        }
        _ => String::new(),
    }
}

fn plan_fields(entity: &Entity) -> Vec<FieldPlan> {
    let kept: Vec<(usize, &Field)> = entity
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.skip)
        .collect();
    let candidates = kept.iter().map(|(_, f)| match &f.rust_name {
        Some(user) => (user.clone(), true),
        None => {
            let fallback = ident::to_snake(&f.name);
            (
                ident::sanitize_field_ident(&field_base_name(f), &fallback),
                false,
            )
        }
    });
    // `extra` is the struct's own field; a schema field of that name gets a number.
    let mut with_extra = vec![(EXTRA.to_string(), true)];
    with_extra.extend(candidates);
    let names: Vec<String> = dedupe_user_first(with_extra).into_iter().skip(1).collect();
    let variants = ident::dedupe(
        names
            .iter()
            .map(|n| {
                let bare = n.strip_prefix("r#").unwrap_or(n);
                ident::sanitize_type_ident(&ident::to_upper_camel(bare), "Field")
            })
            .collect(),
    );
    kept.into_iter()
        .zip(names.into_iter().zip(variants))
        .map(|((index, f), (rust_name, variant))| FieldPlan {
            index,
            rust_name,
            variant,
            constant: f.name.clone(),
            enumeration: None,
        })
        .collect()
}

/// System fields are named after their classic code (`date_create`, `stage_id`); user fields,
/// whose codes are meaningless numbers, after their label when it gives an identifier.
fn field_base_name(field: &Field) -> String {
    if field.user_field {
        if let Some(label) = field.label.as_deref() {
            let snake = ident::to_snake(label);
            if snake.chars().any(|c| c.is_ascii_alphabetic()) {
                return snake;
            }
        }
    }
    ident::to_snake(&field.name)
}

fn item_variants(field: &Field) -> Vec<String> {
    let names = field
        .items
        .iter()
        .map(|item| match &item.rust_name {
            Some(user) => (user.clone(), true),
            None => {
                let base = ident::to_upper_camel(&item.label);
                let fallback = format!("Item{}", item.id);
                (ident::sanitize_type_ident(&base, &fallback), false)
            }
        })
        .collect();
    with_unknown(names)
}

fn status_variants(statuses: &[Status], prefix: &str) -> Vec<String> {
    let names = statuses
        .iter()
        .map(|s| match &s.rust_name {
            Some(user) => (user.clone(), true),
            None => {
                let id = s.id.strip_prefix(prefix).unwrap_or(&s.id);
                let base = ident::to_upper_camel(&s.name);
                (
                    ident::sanitize_type_ident(&base, &ident::to_upper_camel(id)),
                    false,
                )
            }
        })
        .collect();
    with_unknown(names)
}

/// De-duplicates variant names with the catch-all's name reserved; see [`dedupe_user_first`].
fn with_unknown(names: Vec<(String, bool)>) -> Vec<String> {
    let mut all = vec![(UNKNOWN.to_string(), true)];
    all.extend(names);
    dedupe_user_first(all).into_iter().skip(1).collect()
}

/// [`ident::dedupe`] where names the user chose (`true`) keep them: a derived name that
/// collides with a user's is the one that gets a number, whatever the order.
fn dedupe_user_first(names: Vec<(String, bool)>) -> Vec<String> {
    let mut order: Vec<usize> = (0..names.len()).collect();
    order.sort_by_key(|&i| !names[i].1);
    let deduped = ident::dedupe(order.iter().map(|&i| names[i].0.clone()).collect());
    let mut out = vec![String::new(); names.len()];
    for (name, &i) in deduped.into_iter().zip(&order) {
        out[i] = name;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_schema::EnumItem;

    fn enum_field(name: &str, label: &str, items: &[(u64, &str)]) -> Field {
        Field {
            name: name.into(),
            item_name: Some(bitrix_schema::naming::upper_to_camel(name)),
            in_classic: true,
            ty: FieldType::Enumeration,
            user_field: true,
            label: Some(label.into()),
            items: items
                .iter()
                .map(|(id, label)| EnumItem {
                    id: *id,
                    label: label.to_string(),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn variants_from_awkward_labels_are_legal_and_unique() {
        let f = enum_field(
            "UF_CRM_1",
            "Delivery",
            &[
                (1, "Курьер"),
                (2, "Kurer"),
                (3, "1st \"choice\" [beta]"),
                (4, "Unknown"),
                (5, "🚚"),
                (6, "match"),
            ],
        );
        assert_eq!(
            item_variants(&f),
            [
                "Kurer",
                "Kurer2",
                "N1stChoiceBeta",
                "Unknown2",
                "Item5",
                "Match"
            ]
        );
    }

    #[test]
    fn enum_named_after_field_falls_back_to_entity_prefix() {
        let mut schema = Schema::default();
        for kind in [EntityKind::Lead, EntityKind::Deal] {
            let mut e = Entity::new(kind);
            e.fields
                .push(enum_field("UF_CRM_1", "Delivery", &[(1, "Courier")]));
            schema.entities.push(e);
        }
        let entities: Vec<&Entity> = schema.entities.iter().collect();
        let plan = plan(&schema, &entities);
        let names: Vec<&str> = plan
            .entities
            .iter()
            .map(|e| e.fields[0].enumeration.as_ref().unwrap().name.as_str())
            .collect();
        assert_eq!(names, ["Delivery", "DealDelivery"]);
        assert_eq!(plan.entities[0].fields[0].rust_name, "delivery");
    }

    #[test]
    fn a_users_name_wins_over_a_derived_one() {
        let mut f = enum_field("UF_CRM_1", "Delivery", &[(1, "B"), (2, "Other")]);
        f.items[1].rust_name = Some("B".into());
        assert_eq!(item_variants(&f), ["B2", "B"]);

        let mut e = Entity::new(EntityKind::Deal);
        let mut title = enum_field("TITLE", "Title", &[]);
        title.user_field = false;
        title.ty = FieldType::String;
        let mut id = enum_field("ID", "ID", &[]);
        id.user_field = false;
        id.rust_name = Some("title".into());
        e.fields.extend([id, title]);
        let names: Vec<String> = plan_fields(&e).into_iter().map(|p| p.rust_name).collect();
        assert_eq!(names, ["title", "title2"]);
    }

    #[test]
    fn a_field_called_extra_does_not_take_the_structs_own_field() {
        let mut e = Entity::new(EntityKind::Deal);
        let mut f = enum_field("UF_CRM_2", "Extra", &[]);
        f.ty = FieldType::String;
        e.fields.push(f);
        let fields = plan_fields(&e);
        assert_eq!(fields[0].rust_name, "extra2");
    }
}
