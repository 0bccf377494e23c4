//! What changed between two schemas, and whether the change breaks generated code.
//!
//! [`diff`] compares the schema a project committed with the one the portal reports now. It
//! matches things by their identity on the portal, never by position: entities by
//! `entityTypeId`, fields by canonical name, enumeration items by ID, pipelines by category ID,
//! stages and status entries by status ID, status lists by `ENTITY_ID`. An enumeration list
//! that was deleted and re-created therefore shows as every old item removed and every new item
//! added, which is what it means for stored values.
//!
//! Settings the user owns (`rust_name` everywhere, a field's `skip`) are not drift and are
//! ignored.
//!
//! Every change gets one [`Severity`] from one table, [`ChangeKind::severity`].

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::model::{
    Category, Entity, EntityKind, EnumItem, Field, FieldType, LinkSettings, Schema, Semantics,
    Status, StatusList,
};

/// Whether a change stops existing code or stored values from matching the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Code generated from the old schema, or values it stored, no longer match the portal.
    Breaking,
    /// The old code keeps working; regenerating only adds or relabels things.
    Additive,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Breaking => "breaking",
            Severity::Additive => "additive",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What part of the schema a change belongs to; the text report groups by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Scope {
    /// An entity, its fields, items and pipelines.
    Entity(EntityKind),
    /// A `crm.status.list` reference list, by `ENTITY_ID`.
    StatusList(String),
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scope::Entity(kind) => write!(f, "entity {kind}"),
            Scope::StatusList(id) => write!(f, "status list {id}"),
        }
    }
}

/// The kind of a change. Its severity comes from [`ChangeKind::severity`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    EntityAdded,
    EntityRemoved,
    /// A smart process's title from `crm.type.list`.
    EntityTitleChanged,
    /// A smart process's symbolic code from `crm.type.list`.
    EntityCodeChanged,
    /// The smart process's type `id` changed under the same `entityTypeId`.
    SmartTypeIdChanged,

    FieldAdded,
    /// A new field that must be set when a record is created.
    RequiredFieldAdded,
    FieldRemoved,
    /// `ty` changed.
    TypeChanged,
    /// The type `crm.item.*` reports (`item_ty`, or `ty` when it has none) changed.
    ItemTypeChanged,
    /// `multiple` changed, either way.
    MultipleChanged,
    BecameRequired,
    NoLongerRequired,
    BecameReadOnly,
    NoLongerReadOnly,
    BecameImmutable,
    NoLongerImmutable,
    /// `label`, `list_label`, `form_label` or `filter_label`; the path says which.
    LabelChanged,
    /// The `crm.item.*` key changed or went away.
    ItemNameChanged,
    /// The field appeared in `crm.item.*`.
    ItemNameAdded,
    /// The UPPER name `crm.item.*` uses for the field changed.
    ItemUpperNameChanged,
    /// Classic `crm.<entity>.*` methods no longer know the field.
    NoLongerInClassic,
    /// Classic `crm.<entity>.*` methods now know the field.
    NowInClassic,
    /// The `crm.status` list a `crm_status` field points at.
    StatusTypeChanged,
    /// The `entityTypeId` a system link field points at.
    LinkParentChanged,
    /// Whether a link field points at the portal's own companies.
    LinkMyCompanyChanged,
    LinkTargetAdded,
    LinkTargetRemoved,
    /// Decimal places of a `double` user field.
    PrecisionChanged,
    DeprecatedChanged,
    /// Whether the portal calls the field a user field.
    UserFieldChanged,

    EnumItemAdded,
    EnumItemRemoved,
    EnumItemRelabelled,
    EnumItemXmlIdChanged,
    EnumItemDefaultChanged,
    EnumItemSortChanged,

    CategoryAdded,
    CategoryRemoved,
    CategoryRenamed,
    /// The `crm.status` `ENTITY_ID` that holds the pipeline's stages.
    CategoryStageListChanged,
    /// Which pipeline is the default one.
    CategoryDefaultChanged,
    CategorySortChanged,

    StageAdded,
    StageRemoved,
    StageRenamed,
    StageSemanticsChanged,
    StageSortChanged,

    StatusListAdded,
    StatusListRemoved,
    StatusListRenamed,
    StatusAdded,
    StatusRemoved,
    StatusRenamed,
    StatusSemanticsChanged,
    StatusSortChanged,
}

impl ChangeKind {
    /// The severity of every kind of change, in one place.
    ///
    /// A change is breaking when code generated from the old schema, or a value it stored,
    /// stops matching the portal. Everything else is additive.
    ///
    /// The rows follow the arms of the `match` below, one row per arm.
    ///
    /// | change | severity | why |
    /// |---|---|---|
    /// | anything removed | breaking | code and stored values refer to what is gone |
    /// | anything added | additive | nothing old refers to it |
    /// | required field added; smart type `id` | breaking | old creates lack it; UF names |
    /// | type, `crm.item` type, `multiple` | breaking | the value has another wire shape |
    /// | became required, read-only, immutable | breaking | old writes are refused or lost |
    /// | no longer required, read-only, immutable | additive | old writes still work |
    /// | `crm.item` name or UPPER name; left classic | breaking | old code uses a dead key |
    /// | appeared in `crm.item` or classic methods | additive | one more way to reach it |
    /// | `crm_status` list pointer | breaking | values come from another list |
    /// | link parent, "my company", target removed | breaking | links point at other records |
    /// | link target added | additive | old links stay valid |
    /// | pipeline stage list, default pipeline | breaking | stage IDs or new records move |
    /// | stage or status entry semantics | breaking | won/lost checks answer otherwise |
    /// | labels, names, titles, codes, `xml_id`, default item | additive | IDs are unchanged |
    /// | sort, precision, deprecated, user-field flag | additive | values and keys unchanged |
    pub fn severity(self) -> Severity {
        use ChangeKind::*;
        match self {
            EntityRemoved | FieldRemoved | EnumItemRemoved | CategoryRemoved | StageRemoved
            | StatusListRemoved | StatusRemoved => Severity::Breaking,
            EntityAdded | FieldAdded | EnumItemAdded | CategoryAdded | StageAdded
            | StatusListAdded | StatusAdded => Severity::Additive,
            RequiredFieldAdded | SmartTypeIdChanged => Severity::Breaking,
            TypeChanged | ItemTypeChanged | MultipleChanged => Severity::Breaking,
            BecameRequired | BecameReadOnly | BecameImmutable => Severity::Breaking,
            NoLongerRequired | NoLongerReadOnly | NoLongerImmutable => Severity::Additive,
            ItemNameChanged | ItemUpperNameChanged | NoLongerInClassic => Severity::Breaking,
            ItemNameAdded | NowInClassic => Severity::Additive,
            StatusTypeChanged => Severity::Breaking,
            LinkParentChanged | LinkMyCompanyChanged | LinkTargetRemoved => Severity::Breaking,
            LinkTargetAdded => Severity::Additive,
            CategoryStageListChanged | CategoryDefaultChanged => Severity::Breaking,
            StageSemanticsChanged | StatusSemanticsChanged => Severity::Breaking,
            LabelChanged
            | EntityTitleChanged
            | EntityCodeChanged
            | CategoryRenamed
            | StageRenamed
            | StatusListRenamed
            | StatusRenamed
            | EnumItemRelabelled
            | EnumItemXmlIdChanged
            | EnumItemDefaultChanged => Severity::Additive,
            EnumItemSortChanged | CategorySortChanged | StageSortChanged | StatusSortChanged
            | PrecisionChanged | DeprecatedChanged | UserFieldChanged => Severity::Additive,
        }
    }

    /// The kind's name in the JSON report.
    pub fn as_str(self) -> &'static str {
        use ChangeKind::*;
        match self {
            EntityAdded => "entity_added",
            EntityRemoved => "entity_removed",
            EntityTitleChanged => "entity_title_changed",
            EntityCodeChanged => "entity_code_changed",
            SmartTypeIdChanged => "smart_type_id_changed",
            FieldAdded => "field_added",
            RequiredFieldAdded => "required_field_added",
            FieldRemoved => "field_removed",
            TypeChanged => "type_changed",
            ItemTypeChanged => "item_type_changed",
            MultipleChanged => "multiple_changed",
            BecameRequired => "became_required",
            NoLongerRequired => "no_longer_required",
            BecameReadOnly => "became_read_only",
            NoLongerReadOnly => "no_longer_read_only",
            BecameImmutable => "became_immutable",
            NoLongerImmutable => "no_longer_immutable",
            LabelChanged => "label_changed",
            ItemNameChanged => "item_name_changed",
            ItemNameAdded => "item_name_added",
            ItemUpperNameChanged => "item_upper_name_changed",
            NoLongerInClassic => "no_longer_in_classic",
            NowInClassic => "now_in_classic",
            StatusTypeChanged => "status_type_changed",
            LinkParentChanged => "link_parent_changed",
            LinkMyCompanyChanged => "link_my_company_changed",
            LinkTargetAdded => "link_target_added",
            LinkTargetRemoved => "link_target_removed",
            PrecisionChanged => "precision_changed",
            DeprecatedChanged => "deprecated_changed",
            UserFieldChanged => "user_field_changed",
            EnumItemAdded => "enum_item_added",
            EnumItemRemoved => "enum_item_removed",
            EnumItemRelabelled => "enum_item_relabelled",
            EnumItemXmlIdChanged => "enum_item_xml_id_changed",
            EnumItemDefaultChanged => "enum_item_default_changed",
            EnumItemSortChanged => "enum_item_sort_changed",
            CategoryAdded => "category_added",
            CategoryRemoved => "category_removed",
            CategoryRenamed => "category_renamed",
            CategoryStageListChanged => "category_stage_list_changed",
            CategoryDefaultChanged => "category_default_changed",
            CategorySortChanged => "category_sort_changed",
            StageAdded => "stage_added",
            StageRemoved => "stage_removed",
            StageRenamed => "stage_renamed",
            StageSemanticsChanged => "stage_semantics_changed",
            StageSortChanged => "stage_sort_changed",
            StatusListAdded => "status_list_added",
            StatusListRemoved => "status_list_removed",
            StatusListRenamed => "status_list_renamed",
            StatusAdded => "status_added",
            StatusRemoved => "status_removed",
            StatusRenamed => "status_renamed",
            StatusSemanticsChanged => "status_semantics_changed",
            StatusSortChanged => "status_sort_changed",
        }
    }

    /// `+` for additions, `-` for removals, `~` for everything else.
    pub fn marker(self) -> char {
        use ChangeKind::*;
        match self {
            EntityAdded | FieldAdded | RequiredFieldAdded | ItemNameAdded | NowInClassic
            | LinkTargetAdded | EnumItemAdded | CategoryAdded | StageAdded | StatusListAdded
            | StatusAdded => '+',
            EntityRemoved | FieldRemoved | NoLongerInClassic | LinkTargetRemoved
            | EnumItemRemoved | CategoryRemoved | StageRemoved | StatusListRemoved
            | StatusRemoved => '-',
            _ => '~',
        }
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One difference between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Where the change is, stable across runs: `deal.UF_CRM_1724077760.items.3157`,
    /// `deal.STAGE_ID.type`, `deal.categories.9.stages.C9:NEW`, `status_lists.SOURCE.items.WEB`.
    /// Segments are the portal's names verbatim.
    pub path: String,
    pub scope: Scope,
    pub kind: ChangeKind,
    /// Always `kind.severity()`; kept here so consumers need not look it up.
    pub severity: Severity,
    /// The old value, where the change has one (the removed thing's label, the old type...).
    pub before: Option<String>,
    /// The new value, where the change has one.
    pub after: Option<String>,
    /// A sentence for people.
    pub message: String,
}

/// Everything that changed between two schemas, in a deterministic order: entities in
/// canonical order (lead, deal, contact, company, smart processes by `entityTypeId`), then
/// status lists by `ENTITY_ID`; inside an entity, its own attributes, then fields by name,
/// then pipelines by ID; inside a field its attributes, then items by ID.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchemaDiff {
    pub changes: Vec<Change>,
}

impl SchemaDiff {
    /// Whether the schemas match, user-owned settings aside.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn has_breaking(&self) -> bool {
        self.breaking().next().is_some()
    }

    pub fn breaking(&self) -> impl Iterator<Item = &Change> {
        self.of_severity(Severity::Breaking)
    }

    pub fn additive(&self) -> impl Iterator<Item = &Change> {
        self.of_severity(Severity::Additive)
    }

    fn of_severity(&self, severity: Severity) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.severity == severity)
    }

    /// A report for people: one block per entity or status list, one line per change marked
    /// `+` (added), `-` (removed) or `~` (changed), and a summary line. The same diff always
    /// renders to the same bytes.
    pub fn render_text(&self) -> String {
        if self.changes.is_empty() {
            return "no changes\n".to_string();
        }
        let mut out = String::new();
        let mut current: Option<&Scope> = None;
        for change in &self.changes {
            if current != Some(&change.scope) {
                if current.is_some() {
                    out.push('\n');
                }
                out.push_str(&change.scope.to_string());
                out.push('\n');
                current = Some(&change.scope);
            }
            out.push_str(&format!(
                "  {} {}: {} [{}]\n",
                change.kind.marker(),
                change.path,
                change.message,
                change.severity
            ));
        }
        out.push('\n');
        out.push_str(&self.summary());
        out.push('\n');
        out
    }

    /// `3 breaking, 2 additive changes`.
    pub fn summary(&self) -> String {
        let breaking = self.breaking().count();
        let additive = self.additive().count();
        let noun = if breaking + additive == 1 {
            "change"
        } else {
            "changes"
        };
        format!("{breaking} breaking, {additive} additive {noun}")
    }

    /// A JSON document with the counts and every change; keys come out in a fixed order and
    /// nothing depends on the clock, so the same diff always renders to the same bytes.
    pub fn render_json(&self) -> String {
        let changes = self
            .changes
            .iter()
            .map(|c| {
                let mut obj = Map::new();
                obj.insert("path".into(), Value::from(c.path.as_str()));
                obj.insert("kind".into(), Value::from(c.kind.as_str()));
                obj.insert("severity".into(), Value::from(c.severity.as_str()));
                obj.insert("before".into(), optional(&c.before));
                obj.insert("after".into(), optional(&c.after));
                obj.insert("message".into(), Value::from(c.message.as_str()));
                Value::Object(obj)
            })
            .collect();
        let mut doc = Map::new();
        doc.insert("breaking".into(), Value::from(self.breaking().count()));
        doc.insert("additive".into(), Value::from(self.additive().count()));
        doc.insert("changes".into(), Value::Array(changes));
        // Display with `#` is serde_json's pretty printer and, unlike `to_string_pretty`,
        // cannot fail, so there is no error path to invent.
        format!("{:#}\n", Value::Object(doc))
    }
}

fn optional(value: &Option<String>) -> Value {
    value.as_deref().map_or(Value::Null, Value::from)
}

/// Lists what changed from `old` to `new`.
///
/// The inputs need not be normalized; the output order does not depend on the order of
/// entities, fields, items or stages in them. If a list holds two things with the same
/// identity (two fields with one name, two items with one ID), only the first is compared:
/// the model does not forbid it, but no portal reports it.
pub fn diff(old: &Schema, new: &Schema) -> SchemaDiff {
    let mut out = Collector::default();

    let old_entities = index(&old.entities, entity_key);
    let new_entities = index(&new.entities, entity_key);
    for (_, pair) in pair_up(&old_entities, &new_entities) {
        match pair {
            Pair::Old(o) => {
                let scope = Scope::Entity(o.kind);
                out.push(
                    &scope,
                    o.kind.to_string(),
                    ChangeKind::EntityRemoved,
                    o.title.clone(),
                    None,
                );
            }
            Pair::New(n) => {
                let scope = Scope::Entity(n.kind);
                out.push(
                    &scope,
                    n.kind.to_string(),
                    ChangeKind::EntityAdded,
                    None,
                    n.title.clone(),
                );
            }
            Pair::Both(o, n) => diff_entity(&mut out, o, n),
        }
    }

    for (id, pair) in pair_up(&old.status_lists, &new.status_lists) {
        let scope = Scope::StatusList(id.clone());
        let path = format!("status_lists.{id}");
        match pair {
            Pair::Old(o) => out.push(
                &scope,
                path,
                ChangeKind::StatusListRemoved,
                o.name.clone(),
                None,
            ),
            Pair::New(n) => out.push(
                &scope,
                path,
                ChangeKind::StatusListAdded,
                None,
                n.name.clone(),
            ),
            Pair::Both(o, n) => diff_status_list(&mut out, &scope, &path, o, n),
        }
    }

    SchemaDiff {
        changes: out.changes,
    }
}

fn entity_key(entity: &Entity) -> (bool, u32) {
    (!entity.kind.is_classic(), entity.kind.entity_type_id())
}

fn smart_type_id(kind: EntityKind) -> Option<u32> {
    match kind {
        EntityKind::Smart { type_id, .. } => Some(type_id),
        _ => None,
    }
}

fn diff_entity(out: &mut Collector, old: &Entity, new: &Entity) {
    let scope = Scope::Entity(new.kind);
    let base = new.kind.to_string();

    if let (Some(before), Some(after)) = (smart_type_id(old.kind), smart_type_id(new.kind)) {
        let path = format!("{base}.type_id");
        out.changed(
            &scope,
            path,
            ChangeKind::SmartTypeIdChanged,
            &before,
            &after,
        );
    }
    out.changed_opt(
        &scope,
        format!("{base}.title"),
        ChangeKind::EntityTitleChanged,
        &old.title,
        &new.title,
    );
    out.changed_opt(
        &scope,
        format!("{base}.code"),
        ChangeKind::EntityCodeChanged,
        &old.code,
        &new.code,
    );

    let old_fields = index(&old.fields, |f| f.name.clone());
    let new_fields = index(&new.fields, |f| f.name.clone());
    for (name, pair) in pair_up(&old_fields, &new_fields) {
        let path = format!("{base}.{name}");
        match pair {
            Pair::Old(o) => out.push(
                &scope,
                path,
                ChangeKind::FieldRemoved,
                Some(o.ty.to_string()),
                None,
            ),
            Pair::New(n) => {
                let kind = if n.required {
                    ChangeKind::RequiredFieldAdded
                } else {
                    ChangeKind::FieldAdded
                };
                out.push(&scope, path, kind, None, Some(n.ty.to_string()));
            }
            Pair::Both(o, n) => diff_field(out, &scope, &path, o, n),
        }
    }

    let old_categories = index(&old.categories, |c| c.id);
    let new_categories = index(&new.categories, |c| c.id);
    for (id, pair) in pair_up(&old_categories, &new_categories) {
        let path = format!("{base}.categories.{id}");
        match pair {
            Pair::Old(o) => out.push(
                &scope,
                path,
                ChangeKind::CategoryRemoved,
                Some(o.name.clone()),
                None,
            ),
            Pair::New(n) => out.push(
                &scope,
                path,
                ChangeKind::CategoryAdded,
                None,
                Some(n.name.clone()),
            ),
            Pair::Both(o, n) => diff_category(out, &scope, &path, o, n),
        }
    }
}

fn diff_field(out: &mut Collector, scope: &Scope, path: &str, old: &Field, new: &Field) {
    let at = |attr: &str| format!("{path}.{attr}");

    out.changed(scope, at("type"), ChangeKind::TypeChanged, &old.ty, &new.ty);
    // With no `item_ty` on either side the crm.item type simply follows `ty`, and a change
    // there is already reported as a type change.
    if old.item_ty.is_some() || new.item_ty.is_some() {
        let before = effective_item_type(old);
        let after = effective_item_type(new);
        out.changed(
            scope,
            at("item_type"),
            ChangeKind::ItemTypeChanged,
            before,
            after,
        );
    }
    out.changed(
        scope,
        at("multiple"),
        ChangeKind::MultipleChanged,
        &old.multiple,
        &new.multiple,
    );
    out.flag(
        scope,
        at("required"),
        (ChangeKind::BecameRequired, ChangeKind::NoLongerRequired),
        old.required,
        new.required,
    );
    out.flag(
        scope,
        at("read_only"),
        (ChangeKind::BecameReadOnly, ChangeKind::NoLongerReadOnly),
        old.read_only,
        new.read_only,
    );
    out.flag(
        scope,
        at("immutable"),
        (ChangeKind::BecameImmutable, ChangeKind::NoLongerImmutable),
        old.immutable,
        new.immutable,
    );

    let labels = [
        ("label", &old.label, &new.label),
        ("list_label", &old.list_label, &new.list_label),
        ("form_label", &old.form_label, &new.form_label),
        ("filter_label", &old.filter_label, &new.filter_label),
    ];
    for (attr, before, after) in labels {
        out.changed_opt(scope, at(attr), ChangeKind::LabelChanged, before, after);
    }

    out.flag(
        scope,
        at("in_classic"),
        (ChangeKind::NowInClassic, ChangeKind::NoLongerInClassic),
        old.in_classic,
        new.in_classic,
    );
    if old.item_name != new.item_name {
        let kind = if old.item_name.is_none() {
            ChangeKind::ItemNameAdded
        } else {
            ChangeKind::ItemNameChanged
        };
        out.push(
            scope,
            at("item_name"),
            kind,
            old.item_name.clone(),
            new.item_name.clone(),
        );
    }
    // The UPPER name only matters while crm.item knows the field; when it appears or goes
    // away the item_name change above already says so.
    if old.item_name.is_some() && new.item_name.is_some() {
        let before = old.item_upper_name.as_deref().unwrap_or(&old.name);
        let after = new.item_upper_name.as_deref().unwrap_or(&new.name);
        out.changed(
            scope,
            at("item_upper_name"),
            ChangeKind::ItemUpperNameChanged,
            before,
            after,
        );
    }

    out.changed_opt(
        scope,
        at("status_type"),
        ChangeKind::StatusTypeChanged,
        &old.status_type,
        &new.status_type,
    );
    diff_link(out, scope, path, old.link.as_ref(), new.link.as_ref());
    out.changed_opt(
        scope,
        at("precision"),
        ChangeKind::PrecisionChanged,
        &old.precision.map(|p| p.to_string()),
        &new.precision.map(|p| p.to_string()),
    );
    out.changed(
        scope,
        at("deprecated"),
        ChangeKind::DeprecatedChanged,
        &old.deprecated,
        &new.deprecated,
    );
    out.changed(
        scope,
        at("user_field"),
        ChangeKind::UserFieldChanged,
        &old.user_field,
        &new.user_field,
    );

    let old_items = index(&old.items, |i| i.id);
    let new_items = index(&new.items, |i| i.id);
    for (id, pair) in pair_up(&old_items, &new_items) {
        let item_path = format!("{path}.items.{id}");
        match pair {
            Pair::Old(o) => out.push(
                scope,
                item_path,
                ChangeKind::EnumItemRemoved,
                Some(o.label.clone()),
                None,
            ),
            Pair::New(n) => out.push(
                scope,
                item_path,
                ChangeKind::EnumItemAdded,
                None,
                Some(n.label.clone()),
            ),
            Pair::Both(o, n) => diff_enum_item(out, scope, &item_path, o, n),
        }
    }
}

fn effective_item_type(field: &Field) -> &FieldType {
    field.item_ty.as_ref().unwrap_or(&field.ty)
}

fn diff_link(
    out: &mut Collector,
    scope: &Scope,
    path: &str,
    old: Option<&LinkSettings>,
    new: Option<&LinkSettings>,
) {
    // No settings and empty settings mean the same thing: the field points nowhere in
    // particular.
    let none = LinkSettings::default();
    let old = old.unwrap_or(&none);
    let new = new.unwrap_or(&none);

    out.changed_opt(
        scope,
        format!("{path}.link.parent_entity_type_id"),
        ChangeKind::LinkParentChanged,
        &old.parent_entity_type_id.map(|id| id.to_string()),
        &new.parent_entity_type_id.map(|id| id.to_string()),
    );
    out.changed(
        scope,
        format!("{path}.link.my_company"),
        ChangeKind::LinkMyCompanyChanged,
        &old.my_company,
        &new.my_company,
    );
    // Known gap: the sources leave open whether a `crm` field with a single target stores
    // bare IDs (`12`) instead of prefixed ones (`D_12`). If it does, going from one target to
    // two changes the value format and should be breaking; this reports it as additive.
    let before: BTreeSet<&str> = old.targets.iter().map(String::as_str).collect();
    let after: BTreeSet<&str> = new.targets.iter().map(String::as_str).collect();
    for target in before.union(&after) {
        let target_path = format!("{path}.link.targets.{target}");
        match (before.contains(target), after.contains(target)) {
            (true, false) => out.push(
                scope,
                target_path,
                ChangeKind::LinkTargetRemoved,
                Some(target.to_string()),
                None,
            ),
            (false, true) => out.push(
                scope,
                target_path,
                ChangeKind::LinkTargetAdded,
                None,
                Some(target.to_string()),
            ),
            _ => {}
        }
    }
}

fn diff_enum_item(out: &mut Collector, scope: &Scope, path: &str, old: &EnumItem, new: &EnumItem) {
    let at = |attr: &str| format!("{path}.{attr}");
    out.changed(
        scope,
        at("label"),
        ChangeKind::EnumItemRelabelled,
        &old.label,
        &new.label,
    );
    out.changed_opt(
        scope,
        at("xml_id"),
        ChangeKind::EnumItemXmlIdChanged,
        &old.xml_id,
        &new.xml_id,
    );
    out.changed(
        scope,
        at("default"),
        ChangeKind::EnumItemDefaultChanged,
        &old.default,
        &new.default,
    );
    out.changed(
        scope,
        at("sort"),
        ChangeKind::EnumItemSortChanged,
        &old.sort,
        &new.sort,
    );
}

fn diff_category(out: &mut Collector, scope: &Scope, path: &str, old: &Category, new: &Category) {
    let at = |attr: &str| format!("{path}.{attr}");
    out.changed(
        scope,
        at("name"),
        ChangeKind::CategoryRenamed,
        &old.name,
        &new.name,
    );
    out.changed(
        scope,
        at("stage_list"),
        ChangeKind::CategoryStageListChanged,
        &old.stage_list,
        &new.stage_list,
    );
    out.changed(
        scope,
        at("is_default"),
        ChangeKind::CategoryDefaultChanged,
        &old.is_default,
        &new.is_default,
    );
    out.changed(
        scope,
        at("sort"),
        ChangeKind::CategorySortChanged,
        &old.sort,
        &new.sort,
    );
    diff_statuses(
        out,
        scope,
        &format!("{path}.stages"),
        &old.stages,
        &new.stages,
        STAGE_KINDS,
    );
}

fn diff_status_list(
    out: &mut Collector,
    scope: &Scope,
    path: &str,
    old: &StatusList,
    new: &StatusList,
) {
    out.changed_opt(
        scope,
        format!("{path}.name"),
        ChangeKind::StatusListRenamed,
        &old.name,
        &new.name,
    );
    diff_statuses(
        out,
        scope,
        &format!("{path}.items"),
        &old.items,
        &new.items,
        STATUS_KINDS,
    );
}

/// The kinds to report for a list of statuses: stages of a pipeline and entries of a status
/// list have the same shape but are reported apart.
struct StatusKinds {
    added: ChangeKind,
    removed: ChangeKind,
    renamed: ChangeKind,
    semantics: ChangeKind,
    sort: ChangeKind,
}

const STAGE_KINDS: StatusKinds = StatusKinds {
    added: ChangeKind::StageAdded,
    removed: ChangeKind::StageRemoved,
    renamed: ChangeKind::StageRenamed,
    semantics: ChangeKind::StageSemanticsChanged,
    sort: ChangeKind::StageSortChanged,
};

const STATUS_KINDS: StatusKinds = StatusKinds {
    added: ChangeKind::StatusAdded,
    removed: ChangeKind::StatusRemoved,
    renamed: ChangeKind::StatusRenamed,
    semantics: ChangeKind::StatusSemanticsChanged,
    sort: ChangeKind::StatusSortChanged,
};

fn diff_statuses(
    out: &mut Collector,
    scope: &Scope,
    path: &str,
    old: &[Status],
    new: &[Status],
    kinds: StatusKinds,
) {
    let old = index(old, |s| s.id.clone());
    let new = index(new, |s| s.id.clone());
    for (id, pair) in pair_up(&old, &new) {
        let status_path = format!("{path}.{id}");
        match pair {
            Pair::Old(o) => out.push(
                scope,
                status_path,
                kinds.removed,
                Some(o.name.clone()),
                None,
            ),
            Pair::New(n) => out.push(scope, status_path, kinds.added, None, Some(n.name.clone())),
            Pair::Both(o, n) => {
                let at = |attr: &str| format!("{status_path}.{attr}");
                out.changed(scope, at("name"), kinds.renamed, &o.name, &n.name);
                out.changed_opt(
                    scope,
                    at("semantics"),
                    kinds.semantics,
                    &o.semantics.map(semantics_name),
                    &n.semantics.map(semantics_name),
                );
                out.changed(scope, at("sort"), kinds.sort, &o.sort, &n.sort);
            }
        }
    }
}

fn semantics_name(semantics: Semantics) -> String {
    semantics.as_str().to_string()
}

/// The things in `items` by identity, first occurrence winning.
fn index<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> BTreeMap<K, &T> {
    let mut map = BTreeMap::new();
    for item in items {
        map.entry(key(item)).or_insert(item);
    }
    map
}

/// What the two sides hold under one identity.
enum Pair<'a, V> {
    Old(&'a V),
    New(&'a V),
    Both(&'a V, &'a V),
}

/// Every key of either map in key order, with what each side holds under it.
fn pair_up<'a, K: Ord, V>(
    old: &'a BTreeMap<K, V>,
    new: &'a BTreeMap<K, V>,
) -> Vec<(&'a K, Pair<'a, V>)> {
    let keys: BTreeSet<&K> = old.keys().chain(new.keys()).collect();
    keys.into_iter()
        .filter_map(|k| {
            let pair = match (old.get(k), new.get(k)) {
                (Some(o), Some(n)) => Pair::Both(o, n),
                (Some(o), None) => Pair::Old(o),
                (None, Some(n)) => Pair::New(n),
                (None, None) => return None,
            };
            Some((k, pair))
        })
        .collect()
}

#[derive(Default)]
struct Collector {
    changes: Vec<Change>,
}

impl Collector {
    fn push(
        &mut self,
        scope: &Scope,
        path: String,
        kind: ChangeKind,
        before: Option<String>,
        after: Option<String>,
    ) {
        let message = message(kind, before.as_deref(), after.as_deref());
        self.changes.push(Change {
            path,
            scope: scope.clone(),
            kind,
            severity: kind.severity(),
            before,
            after,
            message,
        });
    }

    /// Records `kind` when a value that is always present differs.
    fn changed<T: PartialEq + fmt::Display + ?Sized>(
        &mut self,
        scope: &Scope,
        path: String,
        kind: ChangeKind,
        before: &T,
        after: &T,
    ) {
        if before != after {
            self.push(
                scope,
                path,
                kind,
                Some(before.to_string()),
                Some(after.to_string()),
            );
        }
    }

    /// Records `kind` when an optional text value differs.
    fn changed_opt(
        &mut self,
        scope: &Scope,
        path: String,
        kind: ChangeKind,
        before: &Option<String>,
        after: &Option<String>,
    ) {
        if before != after {
            self.push(scope, path, kind, before.clone(), after.clone());
        }
    }

    /// Records the first kind of `(set, cleared)` when a flag turns on, the second when it
    /// turns off.
    fn flag(
        &mut self,
        scope: &Scope,
        path: String,
        (set, cleared): (ChangeKind, ChangeKind),
        before: bool,
        after: bool,
    ) {
        if before != after {
            let kind = if after { set } else { cleared };
            self.push(
                scope,
                path,
                kind,
                Some(before.to_string()),
                Some(after.to_string()),
            );
        }
    }
}

/// The sentence shown for a change. Text values are quoted so that empty labels and labels
/// with spaces read unambiguously; types, flags and numbers are not.
fn message(kind: ChangeKind, before: Option<&str>, after: Option<&str>) -> String {
    use ChangeKind::*;
    let b = || before.unwrap_or("none");
    let a = || after.unwrap_or("none");
    let qb = || quote(before);
    let qa = || quote(after);
    match kind {
        EntityAdded => labelled("entity added", after),
        EntityRemoved => labelled("entity removed", before),
        EntityTitleChanged => format!("title changed from {} to {}", qb(), qa()),
        EntityCodeChanged => format!("code changed from {} to {}", qb(), qa()),
        SmartTypeIdChanged => format!(
            "type id changed from {} to {}: its user fields are now named UF_CRM_{}_*",
            b(),
            a(),
            a()
        ),
        FieldAdded => format!("field added (type {})", a()),
        RequiredFieldAdded => format!(
            "required field added (type {}): records created without it are rejected",
            a()
        ),
        FieldRemoved => format!("field removed (type was {})", b()),
        TypeChanged => format!("type changed from {} to {}", b(), a()),
        ItemTypeChanged => format!("crm.item type changed from {} to {}", b(), a()),
        MultipleChanged => {
            if after == Some("true") {
                "became multiple: values are now arrays".to_string()
            } else {
                "no longer multiple: values are no longer arrays".to_string()
            }
        }
        BecameRequired => "became required".to_string(),
        NoLongerRequired => "no longer required".to_string(),
        BecameReadOnly => "became read-only".to_string(),
        NoLongerReadOnly => "no longer read-only".to_string(),
        BecameImmutable => "became immutable: settable only when a record is created".to_string(),
        NoLongerImmutable => "no longer immutable".to_string(),
        LabelChanged => format!("label changed from {} to {}", qb(), qa()),
        ItemNameChanged => match after {
            Some(_) => format!("crm.item name changed from {} to {}", qb(), qa()),
            None => format!("no longer in crm.item (name was {})", qb()),
        },
        ItemNameAdded => format!("now in crm.item as {}", qa()),
        ItemUpperNameChanged => format!("crm.item upper name changed from {} to {}", qb(), qa()),
        NoLongerInClassic => "no longer in classic methods".to_string(),
        NowInClassic => "now in classic methods".to_string(),
        StatusTypeChanged => format!("status list changed from {} to {}", qb(), qa()),
        LinkParentChanged => format!("link target entity type changed from {} to {}", b(), a()),
        LinkMyCompanyChanged => {
            if after == Some("true") {
                "now points at the portal's own companies".to_string()
            } else {
                "no longer points at the portal's own companies".to_string()
            }
        }
        LinkTargetAdded => format!("may now link to {}", a()),
        LinkTargetRemoved => format!("may no longer link to {}", b()),
        PrecisionChanged => format!("precision changed from {} to {}", b(), a()),
        DeprecatedChanged => {
            if after == Some("true") {
                "became deprecated".to_string()
            } else {
                "no longer deprecated".to_string()
            }
        }
        UserFieldChanged => {
            if after == Some("true") {
                "now reported as a user field".to_string()
            } else {
                "no longer reported as a user field".to_string()
            }
        }
        EnumItemAdded => format!("item added: {}", qa()),
        EnumItemRemoved => format!("item removed: {}", qb()),
        EnumItemRelabelled => format!("item relabelled from {} to {}", qb(), qa()),
        EnumItemXmlIdChanged => format!("item xml_id changed from {} to {}", qb(), qa()),
        EnumItemDefaultChanged => {
            if after == Some("true") {
                "item became the default".to_string()
            } else {
                "item is no longer the default".to_string()
            }
        }
        EnumItemSortChanged => format!("item sort changed from {} to {}", b(), a()),
        CategoryAdded => format!("pipeline added: {}", qa()),
        CategoryRemoved => format!("pipeline removed: {}", qb()),
        CategoryRenamed => format!("pipeline renamed from {} to {}", qb(), qa()),
        CategoryStageListChanged => {
            format!("pipeline stage list changed from {} to {}", qb(), qa())
        }
        CategoryDefaultChanged => {
            if after == Some("true") {
                "pipeline became the default".to_string()
            } else {
                "pipeline is no longer the default".to_string()
            }
        }
        CategorySortChanged => format!("pipeline sort changed from {} to {}", b(), a()),
        StageAdded => format!("stage added: {}", qa()),
        StageRemoved => format!("stage removed: {}", qb()),
        StageRenamed => format!("stage renamed from {} to {}", qb(), qa()),
        StageSemanticsChanged => format!("stage semantics changed from {} to {}", b(), a()),
        StageSortChanged => format!("stage sort changed from {} to {}", b(), a()),
        StatusListAdded => labelled("status list added", after),
        StatusListRemoved => labelled("status list removed", before),
        StatusListRenamed => format!("status list renamed from {} to {}", qb(), qa()),
        StatusAdded => format!("entry added: {}", qa()),
        StatusRemoved => format!("entry removed: {}", qb()),
        StatusRenamed => format!("entry renamed from {} to {}", qb(), qa()),
        StatusSemanticsChanged => format!("entry semantics changed from {} to {}", b(), a()),
        StatusSortChanged => format!("entry sort changed from {} to {}", b(), a()),
    }
}

/// `what: "label"`, or just `what` when there is no label.
fn labelled(what: &str, label: Option<&str>) -> String {
    match label {
        Some(_) => format!("{what}: {}", quote(label)),
        None => what.to_string(),
    }
}

/// `"text"` with quotes and backslashes escaped and control characters spelled out, or
/// `none`.
fn quote(value: Option<&str>) -> String {
    let Some(value) = value else {
        return "none".to_string();
    };
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
