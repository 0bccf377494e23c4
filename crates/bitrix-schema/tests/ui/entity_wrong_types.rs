// Rust types that cannot hold what the schema says the field holds, and a codec that does
// not fit the field, each reported at the type or the codec; uses of the type compile on.
use bitrix_schema::CrmEntity;
use bitrix_schema::entity::{CrmEntity as _, Extra};
use bitrix_schema::value::Target;

#[derive(CrmEntity)]
#[bitrix(entity = "deal", schema = "bitrix.toml")]
struct Deal {
    #[bitrix(field = "UF_CRM_DELIVERY")]
    delivery: Option<String>,
    #[bitrix(field = "UF_CRM_PRICE")]
    price: Option<bool>,
    #[bitrix(field = "UF_CRM_TAGS")]
    tags: Option<String>,
    #[bitrix(field = "TITLE")]
    title: Option<Vec<String>>,
    #[bitrix(field = "UF_CRM_1700000002", codec = "money")]
    paid: Option<bool>,
    #[bitrix(field = "OPPORTUNITY")]
    opportunity: f64,
    #[bitrix(extra)]
    extra: Extra,
}

fn main() {
    // The constants of fields with the wrong type are still there.
    let _ = (Deal::UF_CRM_PRICE, Deal::select(Target::Item));
}
