//! Field-name rules the emulator needs at run time: only for a user field created through
//! `crm.<entity>.userfield.add` (the portal files carry every other pairing as `upperName`)
//! and for the documented system renames.
//!
//! Shortcoming: this duplicates the rules that `bitrix_schema::naming` is to own for the whole
//! workspace; it exists because that module was still a placeholder when the emulator was
//! written. Switch to it once it is published and delete this file.

use crate::model::ClassicKind;

/// The crm.item upperName of a classic system field whose name changed (bitrix-api.md §2).
pub(crate) fn system_item_upper(kind: ClassicKind, classic: &str) -> Option<&'static str> {
    let common = match classic {
        "DATE_CREATE" => Some("CREATED_TIME"),
        "DATE_MODIFY" => Some("UPDATED_TIME"),
        "CREATED_BY_ID" => Some("CREATED_BY"),
        "MODIFY_BY_ID" => Some("UPDATED_BY"),
        "MOVED_BY_ID" => Some("MOVED_BY"),
        "OBSERVER_IDS" => Some("OBSERVERS"),
        _ => None,
    };
    common.or(match (kind, classic) {
        (ClassicKind::Lead, "STATUS_ID") => Some("STAGE_ID"),
        (ClassicKind::Lead, "STATUS_SEMANTIC_ID") => Some("STAGE_SEMANTIC_ID"),
        (ClassicKind::Company, "COMPANY_TYPE") => Some("TYPE_ID"),
        _ => None,
    })
}

fn is_regular(upper: &str) -> bool {
    let Some(rest) = upper.strip_prefix("UF_") else {
        return true;
    };
    if upper.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        return true;
    }
    // UF_CRM_{1-4 digits}_ then only digits/underscores, or only letters/underscores.
    let Some(tail) = rest.strip_prefix("CRM_") else {
        return false;
    };
    let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=4).contains(&digits) || tail.as_bytes().get(digits) != Some(&b'_') {
        return false;
    }
    let after = &tail[digits + 1..];
    !after.is_empty()
        && (after.bytes().all(|b| b.is_ascii_digit() || b == b'_')
            || after.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
}

/// UPPER → crm.item name by the documented algorithm, without the collision rule.
pub(crate) fn upper_to_camel(upper: &str) -> String {
    if !is_regular(upper) {
        if let Some(rest) = upper.strip_prefix("UF_CRM_") {
            return format!("ufCrm_{rest}");
        }
        if let Some(rest) = upper.strip_prefix("UF_") {
            return format!("uf{rest}");
        }
    }
    // `(\d)_(\d)` keeps its underscore; everything else is snake → camel.
    // The replacement is non-overlapping: in `1_2_3` the `2` is taken by the first match, so
    // only the first underscore survives.
    let bytes = upper.as_bytes();
    let mut out = String::with_capacity(upper.len());
    let mut upper_next = false;
    let mut consumed: Option<usize> = None;
    for (i, ch) in upper.char_indices() {
        if ch == '_' {
            let digit_before = i > 0 && bytes[i - 1].is_ascii_digit() && consumed != Some(i - 1);
            let digit_after = bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
            if digit_before && digit_after {
                out.push('_');
                consumed = Some(i + 1);
            } else {
                upper_next = !out.is_empty();
            }
            continue;
        }
        if upper_next {
            out.extend(ch.to_uppercase());
            upper_next = false;
        } else {
            out.extend(ch.to_lowercase());
        }
    }
    out
}

/// crm.item name → UPPER without a table (`ufCrm_X` → `UF_CRM_X`, else snake + uppercase).
pub(crate) fn camel_to_upper(camel: &str) -> String {
    if let Some(rest) = camel.strip_prefix("ufCrm_") {
        return format!("UF_CRM_{rest}");
    }
    let mut out = String::with_capacity(camel.len() + 8);
    let mut prev: Option<char> = None;
    for ch in camel.chars() {
        let boundary = match prev {
            Some(p) => {
                (ch.is_ascii_uppercase() && !p.is_ascii_uppercase() && p != '_')
                    || (ch.is_ascii_digit() && p.is_ascii_alphabetic())
            }
            None => false,
        };
        if boundary {
            out.push('_');
        }
        out.extend(ch.to_uppercase());
        prev = Some(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_examples() {
        for (upper, camel) in [
            ("UF_CRM_5_1700000000", "ufCrm5_1700000000"),
            ("UF_CRM_44_1721812760630", "ufCrm44_1721812760630"),
            ("UF_CRM_1721244707107", "ufCrm_1721244707107"),
            ("UF_CRM_MY_FIELD", "ufCrmMyField"),
            ("UF_CRM_7_NEW_REST_LIST", "ufCrm7NewRestList"),
            ("UF_CRM_7_NEW_REST_LIST_2026", "ufCrm_7_NEW_REST_LIST_2026"),
            ("UF_CRM_62B53CC589745", "ufCrm_62B53CC589745"),
            ("ASSIGNED_BY_ID", "assignedById"),
            ("PARENT_ID_1220", "parentId1220"),
            ("UF_CRM_1_2_3", "ufCrm1_23"),
        ] {
            assert_eq!(upper_to_camel(upper), camel, "{upper}");
        }
    }

    #[test]
    fn reverse_direction() {
        assert_eq!(
            camel_to_upper("ufCrm_1721244707107"),
            "UF_CRM_1721244707107"
        );
        assert_eq!(camel_to_upper("assignedById"), "ASSIGNED_BY_ID");
        assert_eq!(camel_to_upper("ufCrm10Digit"), "UF_CRM_10_DIGIT");
        assert_eq!(
            camel_to_upper("ufCrm44_1721812760630"),
            "UF_CRM_44_1721812760630"
        );
    }

    #[test]
    fn renames() {
        assert_eq!(
            system_item_upper(ClassicKind::Deal, "DATE_CREATE"),
            Some("CREATED_TIME")
        );
        assert_eq!(
            system_item_upper(ClassicKind::Lead, "STATUS_ID"),
            Some("STAGE_ID")
        );
        assert_eq!(system_item_upper(ClassicKind::Deal, "STATUS_ID"), None);
        assert_eq!(
            system_item_upper(ClassicKind::Company, "COMPANY_TYPE"),
            Some("TYPE_ID")
        );
    }
}
