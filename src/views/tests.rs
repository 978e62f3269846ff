//! A build makes views when asked for, from bodies in a scratch file; serve makes them all up
//! front, from bodies in memory. Both must give every file the same bytes.

use std::collections::BTreeMap;
use std::path::Path;

use crate::memo::Memo;
use crate::pipeline::{Options, Stop, render};
use crate::spill::Spill;

fn built(root: &Path, memo: &mut Memo) -> BTreeMap<String, bytes::Bytes> {
    let options = Options {
        root: root.to_path_buf(),
        base_url: None,
        drafts: false,
        future: false,
    };
    match render(&options, memo, &Stop::default()) {
        Ok(built) => built.files,
        Err(_) => panic!("{} does not build", root.display()),
    }
}

/// Builds `root` every way and compares the files.
fn same_every_way(root: &Path) {
    let scratch = tempfile::tempdir().unwrap();
    let spill = Spill::create(&scratch.path().join("bodies")).unwrap();
    let made = built(root, &mut Memo::keeping());
    assert!(
        made.keys().any(|f| f.ends_with(".html")),
        "{}",
        root.display()
    );
    for (way, mut memo) in [("lazy", Memo::none()), ("spilled", Memo::spilling(spill))] {
        let files = built(root, &mut memo);
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            made.keys().collect::<Vec<_>>(),
            "{way}: {}",
            root.display()
        );
        for (file, bytes) in &files {
            assert_eq!(bytes, &made[file], "{way}: {file} of {}", root.display());
        }
    }
}

#[test]
fn views_made_when_asked_for_give_the_same_site_as_views_made_up_front() {
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut cases = 0;
    for entry in std::fs::read_dir(&golden).unwrap() {
        let case = entry.unwrap().path();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        if case.join("site").is_dir() && !name.starts_with("error-") {
            same_every_way(&case.join("site"));
            cases += 1;
        }
    }
    assert!(cases >= 5, "only {cases} golden sites");
    // The bundled site, and the taxonomies case with no list of terms: a list of terms shows
    // every page, so with one a build makes every view up front, and views made when asked
    // for would go untried on its taxonomy functions and term pages' neighbours.
    same_every_way(Path::new(env!("CARGO_MANIFEST_DIR")));
    let dir = tempfile::tempdir().unwrap();
    copy(&golden.join("taxonomies-and-pagination/site"), dir.path());
    let config = dir.path().join("site.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace("feed = true }", "feed = true, render = false }")
        .replace(
            "{ name = \"levels\",",
            "{ name = \"levels\", render = false,",
        );
    assert_eq!(text.matches("render = false").count(), 2, "{text}");
    std::fs::write(&config, text).unwrap();
    same_every_way(dir.path());
}

fn copy(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        match entry.file_type().is_dir() {
            true => std::fs::create_dir_all(&target).unwrap(),
            false => {
                std::fs::copy(entry.path(), &target).unwrap();
            }
        }
    }
}
