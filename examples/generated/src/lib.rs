//! Typed Bitrix24 records generated from the committed `bitrix.toml` by `build.rs`.
//!
//! Business logic below never holds a raw field name or a raw enumeration ID.
#![deny(warnings)]

/// Generated code: one struct per entity, open enums for lists, stages and statuses.
pub mod bitrix {
    include!(concat!(env!("OUT_DIR"), "/bitrix.rs"));
}

pub mod derived;

use bitrix::{Deal, Delivery};
use bitrix_schema::entity::CrmEntity;
use bitrix_schema::serde_json::{Map, Value};
use bitrix_schema::value::Target;

/// Ship a deal by courier: the update carries the item ID, never the label.
pub fn ship_by_courier(deal: &mut Deal) {
    deal.delivery = Some(Delivery::Courier);
}

/// The `fields` of an update for the method about to be called; `crm.deal.update` and
/// `crm.item.update` get their own names from the same value.
pub fn update_fields(deal: &Deal, method: &str) -> Option<Map<String, Value>> {
    Target::for_method(method).map(|target| deal.to_fields(target))
}

#[cfg(test)]
mod tests {
    use super::*;
    use bitrix_schema::serde_json::json;
    use bitrix_schema::value::EnumValue;

    #[test]
    fn one_value_two_families() {
        let mut deal = Deal::default();
        ship_by_courier(&mut deal);
        deal.title = Some("Order 1042".into());
        let classic = update_fields(&deal, "crm.deal.update").unwrap();
        assert_eq!(
            Value::Object(classic),
            json!({"TITLE": "Order 1042", "UF_CRM_DELIVERY": 42})
        );
        let item = update_fields(&deal, "crm.item.update").unwrap();
        assert_eq!(
            Value::Object(item),
            json!({"title": "Order 1042", "ufCrmDelivery": 42})
        );
        assert_eq!(update_fields(&deal, "user.get"), None);
    }

    #[test]
    fn labels_stay_labels() {
        assert_eq!(Delivery::Courier.label(), Some("Курьер"));
        assert_eq!(Delivery::from_label("Самовывоз"), Some(Delivery::Pickup));
        assert_eq!(Delivery::from_id(99), Delivery::Unknown(99));
    }
}
