//! The floor of the mapping benchmark: plain `#[derive(Serialize, Deserialize)]` structs with
//! one family's wire names fixed in attributes and the wire's own value types, so serde moves
//! values without converting them (classic numbers stay strings, dates stay text). Generated
//! by hand from `schema/deal60.toml`; the tests check that they cover every field.

use serde::{Deserialize, Serialize};

/// Classic (`crm.deal.*`) names and read shapes: scalars as strings, boolean user fields as
/// JSON booleans.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FloorClassic {
    #[serde(
        rename = "ADDITIONAL_INFO",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_info: Option<String>,
    #[serde(
        rename = "ASSIGNED_BY_ID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assigned_by_id: Option<String>,
    #[serde(rename = "BEGINDATE", default, skip_serializing_if = "Option::is_none")]
    pub begindate: Option<String>,
    #[serde(rename = "CLOSED", default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    #[serde(rename = "CLOSEDATE", default, skip_serializing_if = "Option::is_none")]
    pub closedate: Option<String>,
    #[serde(rename = "COMMENTS", default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(
        rename = "COMPANY_ID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub company_id: Option<String>,
    #[serde(
        rename = "CONTACT_ID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub contact_id: Option<String>,
    #[serde(
        rename = "CURRENCY_ID",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_id: Option<String>,
    #[serde(rename = "OPENED", default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<String>,
    #[serde(
        rename = "OPPORTUNITY",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub opportunity: Option<String>,
    #[serde(
        rename = "SOURCE_DESCRIPTION",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub source_description: Option<String>,
    #[serde(rename = "SOURCE_ID", default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(rename = "TITLE", default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "TYPE_ID", default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000001",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000002",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000003",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000004",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000005",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_5: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000006",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_6: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000007",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_7: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000008",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_8: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000009",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_9: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000010",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_10: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000011",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_11: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000012",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_12: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000013",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000014",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000015",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000016",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000017",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_5: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000018",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000019",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000020",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000021",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000022",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000023",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000024",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000025",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000026",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000027",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000028",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000029",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000030",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000031",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000032",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000033",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_1: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000034",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_2: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000035",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_3: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000036",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_4: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000037",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_5: Option<String>,
    #[serde(
        rename = "UF_CRM_1800000038",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_1: Option<bool>,
    #[serde(
        rename = "UF_CRM_1800000039",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_2: Option<bool>,
    #[serde(
        rename = "UF_CRM_1800000040",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_3: Option<bool>,
    #[serde(
        rename = "UF_CRM_1800000041",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_4: Option<bool>,
    #[serde(
        rename = "UF_CRM_1800000042",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_1: Option<Vec<String>>,
    #[serde(
        rename = "UF_CRM_1800000043",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_2: Option<Vec<String>>,
    #[serde(
        rename = "UF_CRM_1800000044",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_3: Option<Vec<String>>,
    #[serde(
        rename = "UF_CRM_1800000045",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_4: Option<Vec<String>>,
}

/// crm.item names and read shapes: typed numbers, `Y`/`N` for boolean user fields.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FloorItem {
    #[serde(
        rename = "additionalInfo",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub additional_info: Option<String>,
    #[serde(
        rename = "assignedById",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub assigned_by_id: Option<u64>,
    #[serde(rename = "begindate", default, skip_serializing_if = "Option::is_none")]
    pub begindate: Option<String>,
    #[serde(rename = "closed", default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    #[serde(rename = "closedate", default, skip_serializing_if = "Option::is_none")]
    pub closedate: Option<String>,
    #[serde(rename = "comments", default, skip_serializing_if = "Option::is_none")]
    pub comments: Option<String>,
    #[serde(rename = "companyId", default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<u64>,
    #[serde(rename = "contactId", default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<u64>,
    #[serde(
        rename = "currencyId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub currency_id: Option<String>,
    #[serde(rename = "opened", default, skip_serializing_if = "Option::is_none")]
    pub opened: Option<String>,
    #[serde(
        rename = "opportunity",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub opportunity: Option<f64>,
    #[serde(
        rename = "sourceDescription",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub source_description: Option<String>,
    #[serde(rename = "sourceId", default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    #[serde(rename = "title", default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(rename = "typeId", default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    #[serde(
        rename = "ufCrm_1800000001",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_1: Option<String>,
    #[serde(
        rename = "ufCrm_1800000002",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_2: Option<String>,
    #[serde(
        rename = "ufCrm_1800000003",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_3: Option<String>,
    #[serde(
        rename = "ufCrm_1800000004",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_4: Option<String>,
    #[serde(
        rename = "ufCrm_1800000005",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_5: Option<String>,
    #[serde(
        rename = "ufCrm_1800000006",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_6: Option<String>,
    #[serde(
        rename = "ufCrm_1800000007",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_7: Option<String>,
    #[serde(
        rename = "ufCrm_1800000008",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_8: Option<String>,
    #[serde(
        rename = "ufCrm_1800000009",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_9: Option<String>,
    #[serde(
        rename = "ufCrm_1800000010",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_10: Option<String>,
    #[serde(
        rename = "ufCrm_1800000011",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_11: Option<String>,
    #[serde(
        rename = "ufCrm_1800000012",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub text_12: Option<String>,
    #[serde(
        rename = "ufCrm_1800000013",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_1: Option<i64>,
    #[serde(
        rename = "ufCrm_1800000014",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_2: Option<i64>,
    #[serde(
        rename = "ufCrm_1800000015",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_3: Option<i64>,
    #[serde(
        rename = "ufCrm_1800000016",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_4: Option<i64>,
    #[serde(
        rename = "ufCrm_1800000017",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count_5: Option<i64>,
    #[serde(
        rename = "ufCrm_1800000018",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_1: Option<f64>,
    #[serde(
        rename = "ufCrm_1800000019",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_2: Option<f64>,
    #[serde(
        rename = "ufCrm_1800000020",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_3: Option<f64>,
    #[serde(
        rename = "ufCrm_1800000021",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ratio_4: Option<f64>,
    #[serde(
        rename = "ufCrm_1800000022",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_1: Option<String>,
    #[serde(
        rename = "ufCrm_1800000023",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_2: Option<String>,
    #[serde(
        rename = "ufCrm_1800000024",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_3: Option<String>,
    #[serde(
        rename = "ufCrm_1800000025",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub amount_4: Option<String>,
    #[serde(
        rename = "ufCrm_1800000026",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_1: Option<String>,
    #[serde(
        rename = "ufCrm_1800000027",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_2: Option<String>,
    #[serde(
        rename = "ufCrm_1800000028",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_3: Option<String>,
    #[serde(
        rename = "ufCrm_1800000029",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub day_4: Option<String>,
    #[serde(
        rename = "ufCrm_1800000030",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_1: Option<String>,
    #[serde(
        rename = "ufCrm_1800000031",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_2: Option<String>,
    #[serde(
        rename = "ufCrm_1800000032",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub moment_3: Option<String>,
    #[serde(
        rename = "ufCrm_1800000033",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_1: Option<u64>,
    #[serde(
        rename = "ufCrm_1800000034",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_2: Option<u64>,
    #[serde(
        rename = "ufCrm_1800000035",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_3: Option<u64>,
    #[serde(
        rename = "ufCrm_1800000036",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_4: Option<u64>,
    #[serde(
        rename = "ufCrm_1800000037",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub level_5: Option<u64>,
    #[serde(
        rename = "ufCrm_1800000038",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_1: Option<String>,
    #[serde(
        rename = "ufCrm_1800000039",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_2: Option<String>,
    #[serde(
        rename = "ufCrm_1800000040",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_3: Option<String>,
    #[serde(
        rename = "ufCrm_1800000041",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub check_4: Option<String>,
    #[serde(
        rename = "ufCrm_1800000042",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_1: Option<Vec<String>>,
    #[serde(
        rename = "ufCrm_1800000043",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_2: Option<Vec<String>>,
    #[serde(
        rename = "ufCrm_1800000044",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_3: Option<Vec<String>>,
    #[serde(
        rename = "ufCrm_1800000045",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tags_4: Option<Vec<String>>,
}
