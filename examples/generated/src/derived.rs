//! A hand-written deal type: only the fields this code uses, mapped by derive and checked
//! against the committed `bitrix.toml` when the crate compiles.

use bitrix_schema::entity::Extra;
use bitrix_schema::rust_decimal::Decimal;
use bitrix_schema::value::Money;
use bitrix_schema::{CrmEntity, CrmEnum};

/// The delivery options, by their value IDs on the portal.
#[derive(CrmEnum, Debug, Clone, Copy, PartialEq, Eq)]
#[bitrix(schema = "bitrix.toml", entity = "deal", field = "UF_CRM_DELIVERY")]
pub enum Shipping {
    #[bitrix(id = 42)]
    Courier,
    #[bitrix(id = 44)]
    Pickup,
    /// IDs added on the portal later are kept and written back.
    #[bitrix(unknown)]
    Other(u64),
}

#[derive(CrmEntity, Debug, Default, Clone, PartialEq)]
#[bitrix(entity = "deal", schema = "bitrix.toml")]
pub struct Order {
    #[bitrix(field = "ID")]
    pub id: Option<u64>,
    #[bitrix(field = "TITLE")]
    pub title: Option<String>,
    #[bitrix(field = "OPPORTUNITY")]
    pub amount: Option<Decimal>,
    #[bitrix(field = "UF_CRM_DELIVERY")]
    pub shipping: Option<Shipping>,
    /// A boolean user field: the schema picks its wire format.
    #[bitrix(field = "UF_CRM_1700000002")]
    pub paid: Option<bool>,
    #[bitrix(field = "UF_CRM_1700000003")]
    pub budget: Option<Money>,
    /// Not on the portal at all.
    #[bitrix(skip)]
    pub local_note: String,
    #[bitrix(extra)]
    pub extra: Extra,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitrix::{Deal, Delivery};
    use bitrix_schema::entity::CrmEntity as _;
    use bitrix_schema::serde_json::{Value, json};
    use bitrix_schema::value::Target;

    #[test]
    fn derived_and_generated_types_write_the_same_fields() {
        let mut order = Order {
            title: Some("Order 1042".into()),
            shipping: Some(Shipping::Courier),
            paid: Some(true),
            local_note: "not sent".into(),
            ..Order::default()
        };
        order.clear(OrderField::Amount);
        let mut deal = Deal {
            title: Some("Order 1042".into()),
            delivery: Some(Delivery::Courier),
            paid: Some(true),
            ..Deal::default()
        };
        deal.clear(crate::bitrix::DealField::Opportunity);
        for target in [Target::Classic, Target::Item] {
            let mut a: Vec<(String, Value)> = order.to_fields(target).into_iter().collect();
            let mut b: Vec<(String, Value)> = deal.to_fields(target).into_iter().collect();
            a.sort_by(|x, y| x.0.cmp(&y.0));
            b.sort_by(|x, y| x.0.cmp(&y.0));
            assert_eq!(a, b, "{target:?}");
        }
        assert_eq!(
            Value::Object(order.to_fields(Target::Item)),
            json!({"title": "Order 1042", "opportunity": "", "ufCrmDelivery": 42,
                   "ufCrm_1700000002": "Y"})
        );
    }
}
