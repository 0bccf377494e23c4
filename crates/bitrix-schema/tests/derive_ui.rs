//! The derives' compile errors, checked against `tests/ui/*.stderr`.
//!
//! Regenerate the expected output after an intended change with
//! `TRYBUILD=overwrite cargo test -p bitrix-schema --test derive_ui` and review the diff.

use std::path::Path;

#[test]
fn derive_errors() {
    // trybuild compiles the cases as a crate of its own under `<target>/tests/trybuild/`,
    // and `schema = "..."` is relative to that crate's manifest directory, so the schema
    // files the cases name are put there first.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    let project = target.join("tests/trybuild").join(env!("CARGO_PKG_NAME"));
    std::fs::create_dir_all(&project).unwrap();
    let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    for name in ["bitrix.toml", "broken.toml"] {
        std::fs::copy(ui.join(name), project.join(name)).unwrap();
    }

    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
