//! How a field is named in classic methods (`UF_CRM_1721244707107`, `DATE_CREATE`) and in
//! `crm.item.*` (`ufCrm_1721244707107`, `createdTime`).
//!
//! One module serves the generator, the derive, the client and the emulator, so that all of
//! them agree on every name. The rules follow the portal's own converter (see
//! `bitrix-api.md` §2) including its quirks, because the emulator must answer with the names
//! a real portal would use. Names the portal reported are stored in a [`NameTable`] and win
//! over anything derived here: the derivation is only a fallback for fields the schema does
//! not know yet.

use std::collections::BTreeMap;

use crate::{Entity, EntityKind};

// ---------------------------------------------------------------------------------------------
// UPPER_CASE -> camelCase
// ---------------------------------------------------------------------------------------------

/// The `crm.item` camel name for an UPPER name, by the portal's algorithm.
///
/// "Regular" conversion (system fields, all-letter user fields, `UF_CRM_{1-4 digits}_` then
/// only digits or only letters) camel-cases the name but keeps `_` between two digits:
/// `UF_CRM_10_5186744711` → `ufCrm10_5186744711`, `UF_CRM_10_DIGIT` → `ufCrm10Digit`.
/// Any other `UF_` name gets the "simplified" conversion, which changes only the prefix:
/// `UF_CRM_1721244707107` → `ufCrm_1721244707107`.
///
/// The collision rule (a name already used by another field keeps its UPPER form) needs the
/// entity's other names; [`NameTable::to_item`] applies it.
///
/// ```
/// use bitrix_schema::naming::upper_to_camel;
/// assert_eq!(upper_to_camel("ASSIGNED_BY_ID"), "assignedById");
/// assert_eq!(upper_to_camel("UF_CRM_44_1721812760630"), "ufCrm44_1721812760630");
/// assert_eq!(upper_to_camel("UF_CRM_1721244707107"), "ufCrm_1721244707107");
/// ```
pub fn upper_to_camel(upper: &str) -> String {
    if is_regular_upper(upper) {
        regular_camel(upper)
    } else {
        simplified_camel(upper)
    }
}

/// Which names the portal camel-cases word by word. Alphanumeric user-field codes were once
/// converted that way too, which could not be reversed, so the portal moved them to the
/// simplified form but kept the word-by-word form for the shapes that already worked.
fn is_regular_upper(name: &str) -> bool {
    let all_letters = !name.is_empty() && name.chars().all(|c| c.is_ascii_uppercase() || c == '_');
    all_letters
        || after_object_number(name, "UF_CRM_", "_", |c| c.is_ascii_digit() || c == '_')
        || after_object_number(name, "UF_CRM_", "_", |c| c.is_ascii_uppercase() || c == '_')
        || !starts_with_ignore_case(name, "UF_")
}

/// Whether `name` is `prefix`, 1 to 4 digits (the object number), `separator`, then one or
/// more characters that all satisfy `rest`. A fifth digit makes it fail, which is why a
/// smart process with a 5-digit type id gets simplified names.
fn after_object_number(name: &str, prefix: &str, separator: &str, rest: fn(char) -> bool) -> bool {
    let Some(tail) = name.strip_prefix(prefix) else {
        return false;
    };
    let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=4).contains(&digits) {
        return false;
    }
    match tail[digits..].strip_prefix(separator) {
        Some(rest_part) => !rest_part.is_empty() && rest_part.chars().all(rest),
        None => false,
    }
}

/// A character of a name on its way to camel case; `KeptUnderscore` is an `_` that sat
/// between two digits and must survive the word joining.
#[derive(Clone, Copy, PartialEq)]
enum Piece {
    Char(char),
    KeptUnderscore,
}

fn regular_camel(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();

    // The portal's digit rule is a non-overlapping regex replace of `(\d)_(\d)`, so in
    // `1_2_3` only the first underscore is kept (`1_23`); the scan below skips past each
    // match the same way.
    let mut pieces = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if i + 2 < chars.len()
            && chars[i].is_ascii_digit()
            && chars[i + 1] == '_'
            && chars[i + 2].is_ascii_digit()
        {
            pieces.extend([
                Piece::Char(chars[i]),
                Piece::KeptUnderscore,
                Piece::Char(chars[i + 2]),
            ]);
            i += 3;
        } else {
            pieces.push(Piece::Char(chars[i]));
            i += 1;
        }
    }

    // Lowercase, then capitalise the first letter of the name and of every word; PHP's
    // `ucwords` starts a word after whitespace only, and only `_`/space are removed after.
    let mut out = String::with_capacity(name.len());
    let mut word_start = true;
    for piece in pieces {
        match piece {
            Piece::KeptUnderscore => {
                out.push('_');
                word_start = false;
            }
            Piece::Char('_' | ' ') => word_start = true,
            Piece::Char(c) => {
                for lower in c.to_lowercase() {
                    if word_start {
                        out.push(lower.to_ascii_uppercase());
                    } else {
                        out.push(lower);
                    }
                    word_start = false;
                }
                word_start = matches!(c, '\t' | '\n' | '\r' | '\x0b' | '\x0c');
            }
        }
    }
    lowercase_first_ascii(&mut out);
    out
}

fn simplified_camel(name: &str) -> String {
    if starts_with_ignore_case(name, "UF_CRM_") {
        format!("ufCrm_{}", &name[7..])
    } else if starts_with_ignore_case(name, "UF_CRM") {
        format!("ufCrm{}", &name[6..])
    } else {
        // Only reached for names starting with `UF_` (see `is_regular_upper`).
        format!("uf{}", &name[3..])
    }
}

fn lowercase_first_ascii(s: &mut str) {
    if s.starts_with(|c: char| c.is_ascii_uppercase()) {
        s[..1].make_ascii_lowercase();
    }
}

// ---------------------------------------------------------------------------------------------
// camelCase -> UPPER_CASE
// ---------------------------------------------------------------------------------------------

/// The UPPER name for a `crm.item` camel name, without any table: `ufCrm_X` → `UF_CRM_X`,
/// otherwise snake case with `_` around digit runs, upper-cased.
///
/// This is the portal's fallback too, and it is not always the inverse of
/// [`upper_to_camel`]: `UF_CRM_1_2_3` → `ufCrm1_23` → `UF_CRM_1_23`, and names the portal
/// kept in UPPER form (collisions) come back mangled. [`NameTable::to_classic`] consults
/// the names the portal reported first.
///
/// ```
/// use bitrix_schema::naming::camel_to_upper;
/// assert_eq!(camel_to_upper("assignedById"), "ASSIGNED_BY_ID");
/// assert_eq!(camel_to_upper("ufCrm10Digit"), "UF_CRM_10_DIGIT");
/// assert_eq!(camel_to_upper("ufCrm_3_DIGIT10"), "UF_CRM_3_DIGIT10");
/// ```
pub fn camel_to_upper(camel: &str) -> String {
    if is_regular_camel(camel) {
        regular_upper(camel)
    } else {
        simplified_upper(camel)
    }
}

/// The mirror image of [`is_regular_upper`] for camel names.
fn is_regular_camel(name: &str) -> bool {
    let all_letters = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphabetic() || c == '_');
    all_letters
        || after_object_number(name, "ufCrm", "_", |c| c.is_ascii_digit() || c == '_')
        || after_object_number(name, "ufCrm", "", |c| c.is_ascii_alphabetic() || c == '_')
        || !starts_with_ignore_case(name, "uf")
}

fn regular_upper(name: &str) -> String {
    // Three regex passes, each over the previous one's output and each non-overlapping, as
    // the portal does them. The last pass is why `ufCrmABC` becomes `UF_CRM_AB_C`: after
    // splitting `A|B` the `B` is consumed and cannot start the next match.
    let s = split_pairs(name, |c| c.is_ascii_digit(), |c| c.is_ascii_alphabetic());
    let s = split_pairs(&s, |c| c.is_ascii_alphabetic(), |c| c.is_ascii_digit());
    let s = split_pairs(&s, |c| c != '_', |c| c.is_ascii_uppercase());
    s.to_lowercase().to_uppercase()
}

/// Inserts `_` between each non-overlapping pair `(a, b)` with `first(a) && second(b)`,
/// scanning left to right like a regex replace of `(first)(second)`.
fn split_pairs(s: &str, first: fn(char) -> bool, second: fn(char) -> bool) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    let mut i = 0;
    while i < chars.len() {
        if i + 1 < chars.len() && first(chars[i]) && second(chars[i + 1]) {
            out.push(chars[i]);
            out.push('_');
            out.push(chars[i + 1]);
            i += 2;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn simplified_upper(name: &str) -> String {
    if starts_with_ignore_case(name, "ufCrm_") {
        format!("UF_CRM_{}", &name[6..])
    } else if starts_with_ignore_case(name, "ufCrm") {
        format!("UF_CRM{}", &name[5..])
    } else {
        // Only reached for names starting with `uf` (see `is_regular_camel`).
        format!("UF_{}", &name[2..])
    }
}

fn starts_with_ignore_case(name: &str, prefix: &str) -> bool {
    name.len() >= prefix.len()
        && name.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

// ---------------------------------------------------------------------------------------------
// System fields that crm.item renames
// ---------------------------------------------------------------------------------------------

/// A classic field whose `crm.item` name is not its camel-cased classic name.
struct Rename {
    classic: &'static str,
    item: &'static str,
    /// The `upperName` `crm.item.fields` reports for the field.
    item_upper: &'static str,
    entities: &'static [EntityKind],
}

const ALL_CLASSIC: &[EntityKind] = &EntityKind::CLASSIC;
const DEAL_LEAD: &[EntityKind] = &[EntityKind::Deal, EntityKind::Lead];
const LEAD: &[EntityKind] = &[EntityKind::Lead];
const COMPANY: &[EntityKind] = &[EntityKind::Company];
/// Deals have no phones or e-mails of their own.
const WITH_MULTIFIELDS: &[EntityKind] =
    &[EntityKind::Lead, EntityKind::Contact, EntityKind::Company];

/// From the per-entity field maps of the portal's CRM factories (`bitrix-api.md` §2).
const RENAMES: &[Rename] = &[
    rename("DATE_CREATE", "createdTime", "CREATED_TIME", ALL_CLASSIC),
    rename("DATE_MODIFY", "updatedTime", "UPDATED_TIME", ALL_CLASSIC),
    rename("CREATED_BY_ID", "createdBy", "CREATED_BY", ALL_CLASSIC),
    rename("MODIFY_BY_ID", "updatedBy", "UPDATED_BY", ALL_CLASSIC),
    // Contacts and companies have neither stage moves nor observers.
    rename("MOVED_BY_ID", "movedBy", "MOVED_BY", DEAL_LEAD),
    rename("OBSERVER_IDS", "observers", "OBSERVERS", DEAL_LEAD),
    // Lead statuses are stages in crm.item.
    rename("STATUS_ID", "stageId", "STAGE_ID", LEAD),
    rename(
        "STATUS_SEMANTIC_ID",
        "stageSemanticId",
        "STAGE_SEMANTIC_ID",
        LEAD,
    ),
    rename("COMPANY_TYPE", "typeId", "TYPE_ID", COMPANY),
    // A company's classic CONTACT_ID is already a list; crm.item has no single contactId.
    rename("CONTACT_ID", "contactIds", "CONTACT_IDS", COMPANY),
    // Five classic multifields are one `fm` array in crm.item.
    rename("PHONE", "fm", "FM", WITH_MULTIFIELDS),
    rename("EMAIL", "fm", "FM", WITH_MULTIFIELDS),
    rename("WEB", "fm", "FM", WITH_MULTIFIELDS),
    rename("IM", "fm", "FM", WITH_MULTIFIELDS),
    rename("LINK", "fm", "FM", WITH_MULTIFIELDS),
];

const fn rename(
    classic: &'static str,
    item: &'static str,
    item_upper: &'static str,
    entities: &'static [EntityKind],
) -> Rename {
    Rename {
        classic,
        item,
        item_upper,
        entities,
    }
}

/// The classic multifields that `crm.item` merges into its single `fm` field.
pub const MULTIFIELD_CLASSIC_NAMES: [&str; 5] = ["PHONE", "EMAIL", "WEB", "IM", "LINK"];

fn renames_for(kind: EntityKind) -> impl Iterator<Item = &'static Rename> {
    RENAMES.iter().filter(move |r| r.entities.contains(&kind))
}

/// The single rename matching `pred`; `None` when there is none or several (`fm`).
fn unique_rename(kind: EntityKind, pred: impl Fn(&Rename) -> bool) -> Option<&'static Rename> {
    let mut found = renames_for(kind).filter(|r| pred(r));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

/// The `crm.item` name of a classic system field when it is not what [`upper_to_camel`]
/// gives: `DATE_CREATE` → `createdTime`, lead `STATUS_ID` → `stageId`, company
/// `COMPANY_TYPE` → `typeId`, `PHONE` → `fm`. `None` for every other field and for smart
/// processes, which have no classic names.
pub fn system_item_name(kind: EntityKind, classic: &str) -> Option<&'static str> {
    renames_for(kind)
        .find(|r| r.classic == classic)
        .map(|r| r.item)
}

/// The classic name of a renamed `crm.item` field: `createdTime` → `DATE_CREATE`. `None`
/// for fields that are not renamed, and for `fm`, which stands for five classic fields
/// ([`MULTIFIELD_CLASSIC_NAMES`]).
pub fn system_classic_name(kind: EntityKind, item: &str) -> Option<&'static str> {
    unique_rename(kind, |r| r.item == item).map(|r| r.classic)
}

/// The `upperName` that `crm.item.fields` reports for a renamed classic field:
/// `DATE_CREATE` → `CREATED_TIME`, `MOVED_BY_ID` → `MOVED_BY`, `PHONE` → `FM`.
pub fn system_item_upper_name(kind: EntityKind, classic: &str) -> Option<&'static str> {
    renames_for(kind)
        .find(|r| r.classic == classic)
        .map(|r| r.item_upper)
}

/// The classic name for a renamed field's `crm.item` `upperName`: `CREATED_TIME` →
/// `DATE_CREATE`. `None` for `FM` (five classic fields) and for names that are not renamed.
pub fn system_classic_name_for_item_upper(
    kind: EntityKind,
    item_upper: &str,
) -> Option<&'static str> {
    unique_rename(kind, |r| r.item_upper == item_upper).map(|r| r.classic)
}

// ---------------------------------------------------------------------------------------------
// Per-entity table
// ---------------------------------------------------------------------------------------------

/// The names of one entity's fields in both method families.
///
/// Lookups go: pairs the portal reported (recorded with [`NameTable::insert`]), then the
/// documented system renames, then the algorithm. The algorithm's result is subject to the
/// portal's collision rule: if another field already has that `crm.item` name, the field
/// keeps its UPPER name. Only names recorded in the table count for that rule, so a table
/// built from a partial schema can miss a collision the portal would see.
///
/// "Classic" names for a smart process are the `upperName`s `crm.item.fields` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameTable {
    kind: EntityKind,
    upper_to_item: BTreeMap<String, String>,
    item_to_upper: BTreeMap<String, String>,
    /// `crm.item` `upperName` → camel name, for renamed fields (`CREATED_TIME`).
    item_upper_to_item: BTreeMap<String, String>,
}

impl NameTable {
    /// A table that knows no names yet: every lookup uses renames and the algorithm.
    pub fn new(kind: EntityKind) -> Self {
        NameTable {
            kind,
            upper_to_item: BTreeMap::new(),
            item_to_upper: BTreeMap::new(),
            item_upper_to_item: BTreeMap::new(),
        }
    }

    /// The table of an entity from the schema: every field with a `crm.item` name
    /// contributes its (`name`, `item_name`) pair and, for renamed fields, its
    /// `item_upper_name`.
    pub fn from_schema_entity(entity: &Entity) -> Self {
        let mut table = NameTable::new(entity.kind);
        for field in &entity.fields {
            let Some(item) = &field.item_name else {
                continue;
            };
            table.insert(&field.name, item);
            if let Some(item_upper) = &field.item_upper_name {
                table.insert_item_upper(item_upper, item);
            }
        }
        table
    }

    /// The entity the table belongs to.
    pub fn kind(&self) -> EntityKind {
        self.kind
    }

    /// Records a pair as the portal reported it (classic UPPER name, `crm.item` name). A
    /// later pair replaces an earlier one that shares either name, so each name has at most
    /// one partner.
    pub fn insert(&mut self, upper: &str, camel: &str) {
        if let Some(old_item) = self.upper_to_item.remove(upper) {
            self.item_to_upper.remove(&old_item);
        }
        if let Some(old_upper) = self.item_to_upper.remove(camel) {
            self.upper_to_item.remove(&old_upper);
        }
        self.upper_to_item
            .insert(upper.to_string(), camel.to_string());
        self.item_to_upper
            .insert(camel.to_string(), upper.to_string());
    }

    /// Records the `upperName` `crm.item.fields` reported for a field whose classic name
    /// differs (`CREATED_TIME` for `createdTime`), so that it also finds the field.
    pub fn insert_item_upper(&mut self, item_upper: &str, camel: &str) {
        self.item_upper_to_item
            .insert(item_upper.to_string(), camel.to_string());
    }

    /// Derives the `crm.item` name of `upper` with [`NameTable::to_item`] and records it,
    /// the way the portal fills its cache from an entity's field list in order: the first
    /// field to claim a camel name gets it, later ones keep their UPPER names.
    pub fn insert_derived(&mut self, upper: &str) -> String {
        let item = self.to_item(upper);
        self.insert(upper, &item);
        item
    }

    /// The `crm.item` name the portal reported for `upper`, if the table has it.
    pub fn known_item(&self, upper: &str) -> Option<&str> {
        self.upper_to_item.get(upper).map(String::as_str)
    }

    /// The classic name the portal reported for `camel`, if the table has it.
    pub fn known_classic(&self, camel: &str) -> Option<&str> {
        self.item_to_upper.get(camel).map(String::as_str)
    }

    /// Classic UPPER name → `crm.item` name. Also accepts a renamed field's `crm.item`
    /// `upperName` (`CREATED_TIME` → `createdTime`).
    pub fn to_item(&self, upper: &str) -> String {
        if let Some(item) = self
            .upper_to_item
            .get(upper)
            .or_else(|| self.item_upper_to_item.get(upper))
        {
            return item.clone();
        }
        if let Some(item) = system_item_name(self.kind, upper) {
            return item.to_string();
        }
        if let Some(rename) = unique_rename(self.kind, |r| r.item_upper == upper) {
            return rename.item.to_string();
        }
        let camel = upper_to_camel(upper);
        if self.item_to_upper.contains_key(&camel) {
            // The portal's collision rule: the name belongs to another field.
            upper.to_string()
        } else {
            camel
        }
    }

    /// `crm.item` name → classic UPPER name, names the portal reported first. A name the
    /// portal kept in UPPER form (a collision) is returned unchanged; `fm` and fields that
    /// exist only in `crm.item` come back as their `crm.item` UPPER form (`FM`,
    /// `PHONE_WORK`), which classic methods do not know.
    pub fn to_classic(&self, camel: &str) -> String {
        if let Some(upper) = self.item_to_upper.get(camel) {
            return upper.clone();
        }
        if self.upper_to_item.contains_key(camel) {
            return camel.to_string();
        }
        if let Some(classic) = system_classic_name(self.kind, camel) {
            return classic.to_string();
        }
        camel_to_upper(camel)
    }
}

// ---------------------------------------------------------------------------------------------
// Field code validity
// ---------------------------------------------------------------------------------------------

/// The longest user-field code the portal accepts, `UF_` prefix included.
pub const MAX_USER_FIELD_CODE_LEN: usize = 50;

/// Why a field code is not one the portal would accept.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidFieldCode {
    #[error("the field code is empty; field codes are UPPER_CASE letters A-Z, digits and `_`")]
    Empty,
    #[error(
        "field code `{code}` has lower-case `{ch}` at character {position}; field codes are \
         upper case (a crm.item name such as `ufCrm_1721244707107` must be converted with \
         `camel_to_upper` first)"
    )]
    LowerCase {
        code: String,
        ch: char,
        /// 1-based character index.
        position: usize,
    },
    #[error(
        "field code `{code}` has `{ch}` at character {position}; field codes may contain only \
         A-Z, 0-9 and `_`"
    )]
    BadChar {
        code: String,
        ch: char,
        /// 1-based character index.
        position: usize,
    },
    #[error(
        "user field code `{code}` has no name after `UF_`; write the name after the prefix, \
         e.g. `UF_CRM_MANAGER_NOTE`"
    )]
    MissingName { code: String },
    #[error(
        "user field code `{code}` is {len} characters long; user field codes may have at most \
         {MAX_USER_FIELD_CODE_LEN} characters including the `UF_` prefix"
    )]
    TooLong { code: String, len: usize },
}

/// Checks a field code against the portal's rules: user fields are `UF_` followed by
/// `[A-Z0-9_]`, at most [`MAX_USER_FIELD_CODE_LEN`] characters in all; system codes are
/// `[A-Z0-9_]`.
pub fn validate_field_code(code: &str) -> Result<(), InvalidFieldCode> {
    if code.is_empty() {
        return Err(InvalidFieldCode::Empty);
    }
    for (index, ch) in code.chars().enumerate() {
        let position = index + 1;
        if ch.is_lowercase() {
            return Err(InvalidFieldCode::LowerCase {
                code: code.to_string(),
                ch,
                position,
            });
        }
        if !(ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '_') {
            return Err(InvalidFieldCode::BadChar {
                code: code.to_string(),
                ch,
                position,
            });
        }
    }
    if let Some(name) = code.strip_prefix("UF_") {
        if name.trim_matches('_').is_empty() {
            return Err(InvalidFieldCode::MissingName {
                code: code.to_string(),
            });
        }
        // Only ASCII is left here, so bytes are characters.
        if code.len() > MAX_USER_FIELD_CODE_LEN {
            return Err(InvalidFieldCode::TooLong {
                code: code.to_string(),
                len: code.len(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Field;

    /// Asserts both directions of the table-free conversion.
    #[track_caller]
    fn round_trip(upper: &str, camel: &str) {
        assert_eq!(upper_to_camel(upper), camel, "upper_to_camel({upper})");
        assert_eq!(camel_to_upper(camel), upper, "camel_to_upper({camel})");
    }

    // -- The worked examples of bitrix-api.md §2, in the table's order. --

    #[test]
    fn documented_examples() {
        round_trip("UF_CRM_5_1700000000", "ufCrm5_1700000000");
        round_trip("UF_CRM_2_1639669411830", "ufCrm2_1639669411830");
        round_trip("UF_CRM_44_1721812760630", "ufCrm44_1721812760630");
        round_trip("UF_CRM_1721244707107", "ufCrm_1721244707107");
        round_trip("UF_CRM_1723209318", "ufCrm_1723209318");
        round_trip("UF_CRM_MY_FIELD", "ufCrmMyField");
        round_trip("UF_CRM_HELLO_WORLD", "ufCrmHelloWorld");
        round_trip("UF_CRM_7_NEW_REST_LIST", "ufCrm7NewRestList");
        round_trip("UF_CRM_7_NEW_REST_LIST_2026", "ufCrm_7_NEW_REST_LIST_2026");
        round_trip("UF_CRM_DEAL_MY_FIELD", "ufCrmDealMyField");
        round_trip("UF_CRM_62B53CC589745", "ufCrm_62B53CC589745");
        round_trip("UF_CRM_TASK", "ufCrmTask");
    }

    #[test]
    fn documented_rule_examples() {
        round_trip("UF_CRM_10_5186744711", "ufCrm10_5186744711");
        round_trip("UF_CRM_10_DIGIT", "ufCrm10Digit");
        round_trip("UF_CRM_3_1747309727", "ufCrm3_1747309727");
        round_trip("UF_CRM_3_DIGIT10", "ufCrm_3_DIGIT10");
        round_trip("UF_CRM_3_DIGIT_10", "ufCrm_3_DIGIT_10");
        round_trip("UF_CRM_1747309879", "ufCrm_1747309879");
    }

    // -- Object numbers: 1 to 4 digits take the regular branch, 5 the simplified one. --

    #[test]
    fn four_digit_object_number_is_regular() {
        round_trip("UF_CRM_1234_1700000000", "ufCrm1234_1700000000");
        round_trip("UF_CRM_1234_NOTE", "ufCrm1234Note");
    }

    #[test]
    fn five_digit_object_number_is_simplified() {
        round_trip("UF_CRM_12345_1700000000", "ufCrm_12345_1700000000");
        round_trip("UF_CRM_12345_NOTE", "ufCrm_12345_NOTE");
    }

    // -- Codes whose tail mixes letters and digits keep it verbatim. --

    #[test]
    fn mixed_letters_and_digits_are_simplified() {
        round_trip("UF_CRM_A1B2", "ufCrm_A1B2");
        round_trip("UF_CRM_1A", "ufCrm_1A");
        round_trip("UF_CRM_5_X2_Y", "ufCrm_5_X2_Y");
        // A trailing object number without its own tail is still "mixed": digits only
        // after the prefix does not match `UF_CRM_\d{1,4}_...`.
        round_trip("UF_CRM_1", "ufCrm_1");
    }

    #[test]
    fn hex_like_legacy_codes_are_simplified() {
        round_trip("UF_CRM_64A29A1CD5CC2", "ufCrm_64A29A1CD5CC2");
        round_trip("UF_CRM_5F3A", "ufCrm_5F3A");
    }

    #[test]
    fn all_letter_legacy_codes_are_camel_cased() {
        round_trip("UF_CRM_HELLO_WORLD", "ufCrmHelloWorld");
        round_trip("UF_CRM_MY_STRING", "ufCrmMyString");
        round_trip("UF_CRM_A", "ufCrmA");
    }

    // -- The non-overlapping digit rule: derived from the code, not observed on a portal. --

    #[test]
    fn digit_underscore_rule_does_not_overlap() {
        assert_eq!(upper_to_camel("UF_CRM_1_2_3"), "ufCrm1_23");
        assert_eq!(upper_to_camel("UF_CRM_1_2_3_4"), "ufCrm1_23_4");
        // The reverse cannot know which underscores were dropped; only a table can.
        assert_eq!(camel_to_upper("ufCrm1_23"), "UF_CRM_1_23");
    }

    // -- System fields and other names that do not start with UF_. --

    #[test]
    fn system_fields() {
        round_trip("ASSIGNED_BY_ID", "assignedById");
        round_trip("PARENT_ID_1220", "parentId1220");
        round_trip("PARENT_ID_1", "parentId1");
        round_trip("UTM_SOURCE", "utmSource");
        round_trip("ID", "id");
        round_trip("TITLE", "title");
        round_trip("XML_ID", "xmlId");
        round_trip("IS_MANUAL_OPPORTUNITY", "isManualOpportunity");
        round_trip("ADDRESS_2", "address2");
        round_trip("BEGINDATE", "begindate");
    }

    #[test]
    fn names_not_starting_with_uf_are_always_regular() {
        // Digits around an underscore survive here too; letters and digits are split on
        // the way back.
        round_trip("PARENT_ID_12_34", "parentId12_34");
        round_trip("DYNAMIC_177_STAGE_7", "dynamic177Stage7");
        assert_eq!(upper_to_camel("A__B"), "aB");
        assert_eq!(upper_to_camel("_X_"), "x");
    }

    #[test]
    fn lower_case_uf_prefix_is_simplified() {
        // The portal checks `^UF_` case-insensitively but the regular patterns
        // case-sensitively.
        assert_eq!(upper_to_camel("uf_crm_abc"), "ufCrm_abc");
        assert_eq!(upper_to_camel("Uf_Crm_5_x"), "ufCrm_5_x");
    }

    // -- Other UF_ prefixes (users, tasks) and UF_CRM without the underscore. --

    #[test]
    fn other_uf_prefixes() {
        round_trip("UF_DEPARTMENT", "ufDepartment");
        round_trip("UF_USR_1234567", "ufUSR_1234567");
        round_trip("UF_CRMX1", "ufCrmX1");
        round_trip("UF_CRM_TASK", "ufCrmTask");
    }

    // -- Quirks of the reverse direction that callers must not rely on. --

    #[test]
    fn reverse_splits_every_capital_pair_once() {
        // `([^_])([A-Z])` consumes the capital, so runs of capitals split only every other
        // letter, exactly as the portal does.
        assert_eq!(camel_to_upper("ufCrmABC"), "UF_CRM_AB_C");
        assert_eq!(camel_to_upper("ID"), "I_D");
        assert_eq!(
            camel_to_upper("UF_CRM__HELLO_WORLD"),
            "U_F_C_RM__H_EL_LO_W_OR_LD"
        );
    }

    #[test]
    fn reverse_of_uf_names_with_letters_then_digits() {
        assert_eq!(camel_to_upper("ufCrm10Digit"), "UF_CRM_10_DIGIT");
        assert_eq!(
            camel_to_upper("ufCrm44_1721812760630"),
            "UF_CRM_44_1721812760630"
        );
        // Not `ufCrm<digits>` and not all letters: the simplified reverse.
        assert_eq!(camel_to_upper("ufCrmX1"), "UF_CRMX1");
        assert_eq!(camel_to_upper("ufUSR_1"), "UF_USR_1");
    }

    // -- Renames. --

    #[test]
    fn renames_common_to_all_classic_entities() {
        for kind in EntityKind::CLASSIC {
            assert_eq!(system_item_name(kind, "DATE_CREATE"), Some("createdTime"));
            assert_eq!(system_item_name(kind, "DATE_MODIFY"), Some("updatedTime"));
            assert_eq!(system_item_name(kind, "CREATED_BY_ID"), Some("createdBy"));
            assert_eq!(system_item_name(kind, "MODIFY_BY_ID"), Some("updatedBy"));
            assert_eq!(system_classic_name(kind, "updatedBy"), Some("MODIFY_BY_ID"));
            assert_eq!(
                system_item_upper_name(kind, "DATE_CREATE"),
                Some("CREATED_TIME")
            );
            assert_eq!(
                system_item_upper_name(kind, "MODIFY_BY_ID"),
                Some("UPDATED_BY")
            );
            assert_eq!(
                system_classic_name_for_item_upper(kind, "UPDATED_TIME"),
                Some("DATE_MODIFY")
            );
            // Plain camel-case fields are not renames.
            assert_eq!(system_item_name(kind, "ASSIGNED_BY_ID"), None);
            assert_eq!(system_classic_name(kind, "assignedById"), None);
        }
    }

    #[test]
    fn renames_of_deals_and_leads_only() {
        for kind in [EntityKind::Deal, EntityKind::Lead] {
            assert_eq!(system_item_name(kind, "MOVED_BY_ID"), Some("movedBy"));
            assert_eq!(
                system_item_upper_name(kind, "MOVED_BY_ID"),
                Some("MOVED_BY")
            );
            assert_eq!(system_item_name(kind, "OBSERVER_IDS"), Some("observers"));
            assert_eq!(system_classic_name(kind, "observers"), Some("OBSERVER_IDS"));
        }
        for kind in [EntityKind::Contact, EntityKind::Company] {
            assert_eq!(system_item_name(kind, "MOVED_BY_ID"), None);
            assert_eq!(system_item_name(kind, "OBSERVER_IDS"), None);
        }
    }

    #[test]
    fn lead_status_is_stage() {
        assert_eq!(
            system_item_name(EntityKind::Lead, "STATUS_ID"),
            Some("stageId")
        );
        assert_eq!(
            system_classic_name(EntityKind::Lead, "stageId"),
            Some("STATUS_ID")
        );
        assert_eq!(
            system_item_name(EntityKind::Lead, "STATUS_SEMANTIC_ID"),
            Some("stageSemanticId")
        );
        assert_eq!(
            system_classic_name_for_item_upper(EntityKind::Lead, "STAGE_ID"),
            Some("STATUS_ID")
        );
        // A deal's stageId is its own STAGE_ID, not a rename.
        assert_eq!(system_classic_name(EntityKind::Deal, "stageId"), None);
        // DATE_CLOSED is plain camel case.
        assert_eq!(system_item_name(EntityKind::Lead, "DATE_CLOSED"), None);
        assert_eq!(upper_to_camel("DATE_CLOSED"), "dateClosed");
    }

    #[test]
    fn company_type_and_contacts() {
        assert_eq!(
            system_item_name(EntityKind::Company, "COMPANY_TYPE"),
            Some("typeId")
        );
        assert_eq!(
            system_classic_name(EntityKind::Company, "typeId"),
            Some("COMPANY_TYPE")
        );
        assert_eq!(
            system_item_name(EntityKind::Company, "CONTACT_ID"),
            Some("contactIds")
        );
        // Deals and contacts name their types and contacts plainly.
        assert_eq!(system_classic_name(EntityKind::Deal, "typeId"), None);
        assert_eq!(system_item_name(EntityKind::Deal, "CONTACT_ID"), None);
    }

    #[test]
    fn multifields_become_fm() {
        for kind in [EntityKind::Lead, EntityKind::Contact, EntityKind::Company] {
            for classic in MULTIFIELD_CLASSIC_NAMES {
                assert_eq!(
                    system_item_name(kind, classic),
                    Some("fm"),
                    "{kind} {classic}"
                );
                assert_eq!(system_item_upper_name(kind, classic), Some("FM"));
            }
            // Five classic fields share `fm`: the reverse has no single answer.
            assert_eq!(system_classic_name(kind, "fm"), None);
            assert_eq!(system_classic_name_for_item_upper(kind, "FM"), None);
        }
        assert_eq!(system_item_name(EntityKind::Deal, "PHONE"), None);
    }

    #[test]
    fn smart_processes_have_no_renames() {
        let spa = EntityKind::Smart {
            entity_type_id: 1268,
            type_id: 44,
        };
        assert_eq!(system_item_name(spa, "DATE_CREATE"), None);
        assert_eq!(system_classic_name(spa, "createdTime"), None);
        let table = NameTable::new(spa);
        assert_eq!(table.to_item("CREATED_TIME"), "createdTime");
        assert_eq!(table.to_classic("createdTime"), "CREATED_TIME");
    }

    // -- NameTable. --

    #[test]
    fn table_uses_renames_before_the_algorithm() {
        let lead = NameTable::new(EntityKind::Lead);
        assert_eq!(lead.to_item("STATUS_ID"), "stageId");
        assert_eq!(lead.to_item("DATE_CREATE"), "createdTime");
        // crm.item's own upperName of a renamed field finds it too.
        assert_eq!(lead.to_item("CREATED_TIME"), "createdTime");
        assert_eq!(lead.to_item("PHONE"), "fm");
        assert_eq!(lead.to_classic("stageId"), "STATUS_ID");
        assert_eq!(lead.to_classic("createdTime"), "DATE_CREATE");
        assert_eq!(lead.to_classic("fm"), "FM");
        assert_eq!(lead.to_item("UF_CRM_1720019876534"), "ufCrm_1720019876534");
        assert_eq!(
            lead.to_classic("ufCrm_1720019876534"),
            "UF_CRM_1720019876534"
        );
    }

    #[test]
    fn collision_keeps_the_upper_name() {
        let mut table = NameTable::new(EntityKind::Deal);
        assert_eq!(
            table.insert_derived("UF_CRM_HELLO_WORLD"),
            "ufCrmHelloWorld"
        );
        // Camel-cases to the same name, which is taken.
        assert_eq!(
            table.insert_derived("UF_CRM__HELLO_WORLD"),
            "UF_CRM__HELLO_WORLD"
        );
        assert_eq!(
            table.insert_derived("UF_CRM_HELLO_WORLD_"),
            "UF_CRM_HELLO_WORLD_"
        );
        assert_eq!(table.to_classic("ufCrmHelloWorld"), "UF_CRM_HELLO_WORLD");
        // A kept UPPER name maps back to itself, which the algorithm alone would mangle.
        assert_eq!(
            table.to_classic("UF_CRM__HELLO_WORLD"),
            "UF_CRM__HELLO_WORLD"
        );
        assert_eq!(table.to_item("UF_CRM__HELLO_WORLD"), "UF_CRM__HELLO_WORLD");
        // Without the first field the name is free.
        let fresh = NameTable::new(EntityKind::Deal);
        assert_eq!(fresh.to_item("UF_CRM__HELLO_WORLD"), "ufCrmHelloWorld");
    }

    #[test]
    fn collision_with_a_name_the_portal_reported() {
        let mut table = NameTable::new(EntityKind::Contact);
        table.insert("UF_CRM_MY_FIELD", "ufCrmMyField");
        assert_eq!(table.to_item("UF_CRM_MY__FIELD"), "UF_CRM_MY__FIELD");
        assert_eq!(table.to_item("UF_CRM_OTHER"), "ufCrmOther");
    }

    #[test]
    fn reported_names_win_over_the_algorithm() {
        let mut table = NameTable::new(EntityKind::Deal);
        table.insert("UF_CRM_1_2_3", "ufCrm1_23");
        assert_eq!(table.to_classic("ufCrm1_23"), "UF_CRM_1_2_3");
        assert_eq!(table.known_classic("ufCrm1_23"), Some("UF_CRM_1_2_3"));
        assert_eq!(table.known_item("UF_CRM_1_2_3"), Some("ufCrm1_23"));
        assert_eq!(table.known_item("UF_CRM_OTHER"), None);
        // Even a reported pair that contradicts the rules is kept as reported.
        table.insert("UF_CRM_ODD", "ufCrmSomethingElse");
        assert_eq!(table.to_item("UF_CRM_ODD"), "ufCrmSomethingElse");
    }

    #[test]
    fn later_insert_replaces_both_sides() {
        let mut table = NameTable::new(EntityKind::Deal);
        table.insert("UF_CRM_A", "ufCrmA");
        table.insert("UF_CRM_A", "ufCrmB");
        assert_eq!(table.known_classic("ufCrmA"), None);
        assert_eq!(table.to_item("UF_CRM_A"), "ufCrmB");
        table.insert("UF_CRM_C", "ufCrmB");
        assert_eq!(table.known_item("UF_CRM_A"), None);
        assert_eq!(table.to_classic("ufCrmB"), "UF_CRM_C");
    }

    #[test]
    fn table_from_schema_entity() {
        let mut deal = Entity::new(EntityKind::Deal);
        deal.fields.push(Field {
            name: "DATE_CREATE".into(),
            in_classic: true,
            item_name: Some("createdTime".into()),
            item_upper_name: Some("CREATED_TIME".into()),
            ..Default::default()
        });
        deal.fields.push(Field {
            name: "UF_CRM_1_2_3".into(),
            in_classic: true,
            item_name: Some("ufCrm1_23".into()),
            user_field: true,
            ..Default::default()
        });
        deal.fields.push(Field {
            name: "UF_CRM_HELLO_WORLD".into(),
            in_classic: true,
            item_name: Some("ufCrmHelloWorld".into()),
            user_field: true,
            ..Default::default()
        });
        // Classic-only: contributes nothing.
        deal.fields.push(Field {
            name: "CONTACT_IDS".into(),
            in_classic: true,
            ..Default::default()
        });
        let table = NameTable::from_schema_entity(&deal);
        assert_eq!(table.kind(), EntityKind::Deal);
        assert_eq!(table.to_item("CREATED_TIME"), "createdTime");
        assert_eq!(table.to_classic("createdTime"), "DATE_CREATE");
        assert_eq!(table.to_classic("ufCrm1_23"), "UF_CRM_1_2_3");
        assert_eq!(table.known_item("CONTACT_IDS"), None);
        assert_eq!(table.to_item("UF_CRM__HELLO_WORLD"), "UF_CRM__HELLO_WORLD");
    }

    // -- Real pairs from the fixtures. --

    fn fixture(name: &str) -> serde_json::Value {
        let path = format!("{}/../../fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// `(camel, upperName)` of every field in a `crm.item.fields` `fields` object.
    fn item_pairs(fields: &serde_json::Value) -> Vec<(String, String)> {
        let fields = fields.as_object().expect("`fields` is an object");
        fields
            .iter()
            .map(|(camel, descriptor)| {
                let upper = descriptor["upperName"]
                    .as_str()
                    .expect("upperName is a string");
                (camel.clone(), upper.to_string())
            })
            .collect()
    }

    #[test]
    fn fixture_pairs_follow_the_algorithm_and_the_table() {
        let spa_kind = EntityKind::Smart {
            entity_type_id: 1268,
            type_id: 44,
        };
        let mut pairs = item_pairs(&fixture("crm.item.fields.json")["result"]["fields"]);
        pairs.extend(item_pairs(&fixture(
            "crm.item.fields.userfields-fragment.json",
        )));
        assert_eq!(pairs.len(), 34 + 8, "fixture field count changed");

        let mut table = NameTable::new(spa_kind);
        for (camel, upper) in &pairs {
            assert_eq!(&upper_to_camel(upper), camel, "upper_to_camel({upper})");
            assert_eq!(&camel_to_upper(camel), upper, "camel_to_upper({camel})");
            table.insert(upper, camel);
        }
        for (camel, upper) in &pairs {
            assert_eq!(&table.to_item(upper), camel);
            assert_eq!(&table.to_classic(camel), upper);
        }

        let deal_uf = item_pairs(&fixture("crm.item.fields.deal-date-uf.json")["result"]["fields"]);
        assert_eq!(
            deal_uf,
            [("ufCrm_1746431727372".into(), "UF_CRM_1746431727372".into())]
        );
        let deal = NameTable::new(EntityKind::Deal);
        assert_eq!(deal.to_item("UF_CRM_1746431727372"), "ufCrm_1746431727372");
    }

    /// Every classic field of the deal example maps to a key of the crm.item deal example.
    #[test]
    fn classic_deal_fields_map_to_item_deal_keys() {
        let classic = fixture("crm.deal.fields.json");
        let item = fixture("crm.item.add.json");
        let item = item["result"]["item"].as_object().expect("item object");
        let table = NameTable::new(EntityKind::Deal);
        let classic = classic["result"].as_object().expect("fields object");
        assert!(classic.len() > 40);
        for name in classic.keys() {
            let mapped = table.to_item(name);
            assert!(
                item.contains_key(&mapped),
                "{name} -> {mapped} is not a crm.item key"
            );
        }
    }

    /// The same for leads; the lead example omits address parts, which crm.item does not
    /// return (it has one `address` value).
    #[test]
    fn classic_lead_fields_map_to_item_lead_keys() {
        let classic = fixture("crm.lead.fields.json");
        let item = fixture("crm.item.get.json");
        let item = item["result"]["item"].as_object().expect("item object");
        let table = NameTable::new(EntityKind::Lead);
        let mut checked = 0;
        for name in classic["result"].as_object().expect("fields object").keys() {
            if name.starts_with("ADDRESS_") {
                continue;
            }
            let mapped = table.to_item(name);
            assert!(
                item.contains_key(&mapped),
                "{name} -> {mapped} is not a crm.item key"
            );
            checked += 1;
        }
        assert!(checked > 40);
        assert_eq!(table.to_classic("stageId"), "STATUS_ID");
    }

    #[test]
    fn classic_user_fields_from_fixtures() {
        let company = fixture("crm.company.fields.json");
        let names: Vec<&str> = company["result"]
            .as_object()
            .expect("fields object")
            .keys()
            .filter(|k| k.starts_with("UF_"))
            .map(String::as_str)
            .collect();
        assert_eq!(names, ["UF_CRM_1687188367", "UF_CRM_64A29A1CD5CC2"]);
        round_trip("UF_CRM_1687188367", "ufCrm_1687188367");
        round_trip("UF_CRM_64A29A1CD5CC2", "ufCrm_64A29A1CD5CC2");
        let company_table = NameTable::new(EntityKind::Company);
        assert_eq!(company_table.to_item("COMPANY_TYPE"), "typeId");
        assert_eq!(company_table.to_item("PARENT_ID_156"), "parentId156");
    }

    // -- Field code validity. --

    #[test]
    fn valid_codes() {
        for code in [
            "UF_CRM_1721244707107",
            "UF_CRM_44_1721812760630",
            "UF_CRM_HELLO_WORLD",
            "UF_DEPARTMENT",
            "TITLE",
            "PARENT_ID_1220",
            "ID",
        ] {
            assert_eq!(validate_field_code(code), Ok(()), "{code}");
        }
        let fifty = format!("UF_CRM_{}", "A".repeat(43));
        assert_eq!(fifty.len(), 50);
        assert_eq!(validate_field_code(&fifty), Ok(()));
    }

    #[test]
    fn invalid_codes_say_what_and_where() {
        assert_eq!(validate_field_code(""), Err(InvalidFieldCode::Empty));

        let err = validate_field_code("ufCrm_1721244707107").unwrap_err();
        assert_eq!(
            err,
            InvalidFieldCode::LowerCase {
                code: "ufCrm_1721244707107".into(),
                ch: 'u',
                position: 1
            }
        );
        assert!(err.to_string().contains("camel_to_upper"), "{err}");

        let err = validate_field_code("UF_CRM_A-B").unwrap_err();
        assert_eq!(
            err,
            InvalidFieldCode::BadChar {
                code: "UF_CRM_A-B".into(),
                ch: '-',
                position: 9
            }
        );
        assert!(err.to_string().contains("A-Z, 0-9 and `_`"), "{err}");
        assert!(matches!(
            validate_field_code("UF_CRM_Ä"),
            Err(InvalidFieldCode::BadChar {
                ch: 'Ä',
                position: 8,
                ..
            })
        ));
        assert!(matches!(
            validate_field_code("UF_CRM_ä"),
            Err(InvalidFieldCode::LowerCase { ch: 'ä', .. })
        ));

        assert!(matches!(
            validate_field_code("UF_"),
            Err(InvalidFieldCode::MissingName { .. })
        ));
        assert!(matches!(
            validate_field_code("UF___"),
            Err(InvalidFieldCode::MissingName { .. })
        ));

        let long = format!("UF_CRM_{}", "A".repeat(44));
        let err = validate_field_code(&long).unwrap_err();
        assert_eq!(
            err,
            InvalidFieldCode::TooLong {
                code: long.clone(),
                len: 51
            }
        );
        assert!(err.to_string().contains("at most 50"), "{err}");
        // System codes have no length limit.
        assert_eq!(validate_field_code(&"A".repeat(80)), Ok(()));
    }
}
