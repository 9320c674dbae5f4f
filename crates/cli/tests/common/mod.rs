//! What the browser tests share: finding Chromium, and where artefacts go.

use std::path::PathBuf;

/// The browser: $CLUSTERLAB_BROWSER, else the first of Debian's and Google's names on PATH.
pub fn browser() -> PathBuf {
    if let Some(path) = std::env::var_os("CLUSTERLAB_BROWSER") {
        return PathBuf::from(path);
    }
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        });
        if let Some(path) = found {
            return path;
        }
    }
    panic!(
        "no Chromium found: install it (Debian: apt-get install chromium; .ci/run does) or set CLUSTERLAB_BROWSER"
    );
}

/// Where tests keep their screenshots and pages: target/test-artefacts/.
pub fn artefacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artefacts");
    std::fs::create_dir_all(&dir).expect("the artefacts folder can be made");
    dir
}
