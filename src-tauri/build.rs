//! Build script: reads the shared `tauri.conf.json` at the repository root
//! (not the default `src-tauri/tauri.conf.json`) and the capabilities in
//! `src-tauri/capabilities/`.

fn main() {
    if let Err(error) =
        tauri_build::try_build(tauri_build::Attributes::new().config_path("../tauri.conf.json"))
    {
        panic!("tauri-build failed: {error:#}");
    }
}
