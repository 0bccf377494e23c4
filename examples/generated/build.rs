fn main() {
    // Regenerates only when bitrix.toml changes; the generated file lands in OUT_DIR.
    bitrix_codegen::Builder::new("bitrix.toml")
        .rerun_if_changed(true)
        .generate()
        .unwrap_or_else(|e| panic!("{e}"));
}
