// --version prints the repository's VERSION, read at build time.
use std::{env, fs, path::Path};

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let file = Path::new(&dir).join("../../../VERSION");
    println!("cargo:rerun-if-changed={}", file.display());
    let version = fs::read_to_string(&file).map(|s| s.trim().to_string()).unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=STACKLAB_VERSION={}", version);
}
