//! The build-script builder: output file handling, entity selection and errors.

use std::path::PathBuf;

use bitrix_codegen::{Builder, Error, Options, generate_code};
use bitrix_schema::file;

const SCHEMA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/bitrix.toml");

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("bitrix-codegen-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn file_is_rewritten_only_when_its_content_changes() {
    let dir = temp_dir("rewrite");
    let out = dir.join("nested/bitrix.rs");
    let builder = Builder::new(SCHEMA).entities(["deal"]).out_file(&out);
    let first = builder.generate().unwrap();
    assert!(first.changed);
    assert_eq!(first.path, out);
    let modified = std::fs::metadata(&out).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let second = builder.generate().unwrap();
    assert!(!second.changed);
    assert_eq!(
        std::fs::metadata(&out).unwrap().modified().unwrap(),
        modified
    );

    let code = std::fs::read_to_string(&out).unwrap();
    assert!(code.contains("pub struct Deal {"));
    assert!(
        !code.contains("pub struct Lead {"),
        "only the selected entity"
    );
    // Status lists the selection does not use are still generated: they are shared.
    assert!(code.contains("pub enum Source {"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn unknown_and_malformed_entity_names_are_errors() {
    let schema = file::read(SCHEMA.as_ref()).unwrap();
    let options = |e: &str| Options {
        entities: vec![e.to_string()],
        ..Options::default()
    };
    let err = generate_code(&schema, &options("smart:999")).unwrap_err();
    assert!(matches!(err, Error::UnknownEntity { .. }));
    let msg = err.to_string();
    assert!(
        msg.contains("smart:999") && msg.contains("smart:1268"),
        "{msg}"
    );
    let err = generate_code(&schema, &options("deals")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "`deals` is not an entity name; use lead, deal, contact, company or \
         smart:<entityTypeId> (e.g. smart:1268)"
    );
    let code = generate_code(&schema, &options("smart:1268")).unwrap();
    assert!(code.contains("pub struct Procurement {"));
}

#[test]
fn schema_errors_name_the_file_and_position() {
    let dir = temp_dir("bad");
    let schema = dir.join("bitrix.toml");
    std::fs::write(
        &schema,
        "version = 1\n[deal.fields.TITLE]\ntyp = \"string\"\n",
    )
    .unwrap();
    let err = Builder::new(&schema)
        .out_file(dir.join("out.rs"))
        .generate()
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with(&format!("{}:3:1: ", schema.display())),
        "{msg}"
    );
    assert!(msg.contains("did you mean `type`?"), "{msg}");
    let missing = Builder::new(dir.join("missing.toml"))
        .generate()
        .unwrap_err();
    assert!(missing.to_string().contains("missing.toml"), "{missing}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_out_dir_the_builder_says_what_to_do() {
    // Integration tests of a crate without a build script have no OUT_DIR.
    assert!(std::env::var_os("OUT_DIR").is_none());
    let err = Builder::new(SCHEMA).generate().unwrap_err();
    assert!(matches!(err, Error::NoOutDir), "{err}");
}

#[test]
fn runtime_path_can_be_overridden() {
    let schema = file::read(SCHEMA.as_ref()).unwrap();
    let options = Options {
        entities: vec!["deal".into()],
        runtime_path: "::my_app::bitrix_rt".into(),
        ..Options::default()
    };
    let code = generate_code(&schema, &options).unwrap();
    assert!(code.contains("::my_app::bitrix_rt::entity::CrmEntity for Deal"));
    assert!(!code.contains("::bitrix_schema::"));
    let bad = Options {
        runtime_path: "not a path!".into(),
        ..Options::default()
    };
    assert!(matches!(
        generate_code(&schema, &bad),
        Err(Error::BadRuntimePath(_))
    ));
}
