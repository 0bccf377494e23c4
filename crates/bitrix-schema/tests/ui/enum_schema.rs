// Variants checked against the schema's list items and status lists.
use bitrix_schema::CrmEnum;

#[derive(CrmEnum)]
#[bitrix(schema = "bitrix.toml", entity = "deal", field = "UF_CRM_DELIVERY")]
enum Delivery {
    #[bitrix(id = 42, label = "Courier service")]
    Courier,
    #[bitrix(id = 45)]
    Pickup,
    #[bitrix(unknown)]
    Other(u64),
}

#[derive(CrmEnum)]
#[bitrix(schema = "bitrix.toml", entity = "deal", field = "UF_CRM_DELIVERY")]
enum WrongKind {
    #[bitrix(status = "CALL")]
    Call,
    #[bitrix(unknown)]
    Other(String),
}

#[derive(CrmEnum)]
#[bitrix(schema = "bitrix.toml", status_list = "SOURCE")]
enum Source {
    #[bitrix(status = "CALL")]
    Call,
    #[bitrix(status = "FAX")]
    Fax,
    #[bitrix(unknown)]
    Other(String),
}

fn main() {}
