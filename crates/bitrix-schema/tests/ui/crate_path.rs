// `crate = "..."` is the path every generated item goes through: a path that does not
// resolve fails there, and only there.
use bitrix_schema::CrmEntity;
use bitrix_schema::entity::Extra;

#[derive(CrmEntity)]
#[bitrix(entity = "deal", crate = "nowhere::bitrix_schema")]
struct Deal {
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(extra)]
    extra: Extra,
}

fn main() {}
