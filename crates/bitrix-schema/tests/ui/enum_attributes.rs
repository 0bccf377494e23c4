// Enum shapes a CrmEnum cannot have.
use bitrix_schema::CrmEnum;

#[derive(CrmEnum)]
enum NoCatchAll {
    #[bitrix(id = 1)]
    A,
}

#[derive(CrmEnum)]
enum Mixed {
    #[bitrix(id = 1)]
    A,
    #[bitrix(status = "B")]
    B,
    C,
    #[bitrix(id = 1)]
    D,
    #[bitrix(unknown)]
    Other(u64),
}

#[derive(CrmEnum)]
enum WrongCatchAll {
    #[bitrix(status = "NEW")]
    New,
    #[bitrix(unknown)]
    Other(u64),
}

fn main() {}
