fn main() {
    // The mapping benchmark's 60-field deal, generated the way a user's build.rs would.
    bitrix_codegen::Builder::new("schema/deal60.toml")
        .rerun_if_changed(true)
        .generate()
        .unwrap_or_else(|e| panic!("bench/schema/deal60.toml: {e}"));
}
