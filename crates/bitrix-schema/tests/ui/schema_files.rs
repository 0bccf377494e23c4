// A schema file that is missing, and one that is not valid: reported at `schema = ...`
// with the file's line and column.
use bitrix_schema::CrmEntity;
use bitrix_schema::entity::Extra;

#[derive(CrmEntity)]
#[bitrix(entity = "deal", schema = "missing.toml")]
struct Missing {
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(extra)]
    extra: Extra,
}

#[derive(CrmEntity)]
#[bitrix(entity = "deal", schema = "broken.toml")]
struct Broken {
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(extra)]
    extra: Extra,
}

fn main() {}
