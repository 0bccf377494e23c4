// Attribute mistakes without a schema: all of them are reported in one build.
use bitrix_schema::CrmEntity;
use bitrix_schema::entity::Extra;

#[derive(CrmEntity)]
#[bitrix(entiy = "deal")]
struct Misspelt {
    #[bitrix(field = "TITLE")]
    title: Option<String>,
    #[bitrix(extra)]
    extra: Extra,
}

#[derive(CrmEntity)]
#[bitrix(entity = "dael")]
struct Unmapped {
    #[bitrix(field = "TITLE", codec = "bool")]
    title: Option<String>,
    #[bitrix(field = "COMMENTS")]
    comments: Option<String>,
    #[bitrix(field = "COMMENTS")]
    comments_again: Option<String>,
    note: Option<String>,
    #[bitrix(skip, field = "LOCAL")]
    local: String,
}

fn main() {}
