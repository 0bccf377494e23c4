// Names the schema does not have, each reported at its own `field = ...`; uses of the type
// compile on, so nothing else is reported.
use bitrix_schema::CrmEntity;
use bitrix_schema::entity::{CrmEntity as _, Extra};
use bitrix_schema::value::Target;

#[derive(CrmEntity, Default)]
#[bitrix(entity = "deal", schema = "bitrix.toml")]
struct Deal {
    #[bitrix(field = "TITEL")]
    title: Option<String>,
    #[bitrix(field = "ufCrmDelivery")]
    delivery: Option<u64>,
    #[bitrix(field = "UF_CRM_NOTE")]
    note: Option<String>,
    #[bitrix(field = "OPPORTUNITY", item = "amount")]
    opportunity: Option<f64>,
    #[bitrix(extra)]
    extra: Extra,
}

fn main() {
    let deal = Deal::default();
    let _ = deal.to_fields(Target::Item);
    let _ = Deal::OPPORTUNITY;
}
