//! The workspace's shape, checked: crates depend on each other one way only (docs/ARCHITECTURE.md),
//! no module imports a module that imports it back, and no program runs a clusterlab binary
//! as a subprocess to get its work done. Each check reads the sources, so it fails the moment
//! a change brings a circle or a child process back.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root")
}

/// Every crate of the workspace by directory name, with the clusterlab crates it depends on
/// (normal dependencies; dev-dependencies may reach anywhere below for tests).
fn crate_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let crates = workspace().join("crates");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(&crates).expect("crates/") {
        let dir = entry.expect("a crate").path();
        let Ok(manifest) = std::fs::read_to_string(dir.join("Cargo.toml")) else {
            continue;
        };
        let mut section = String::new();
        let mut deps = BTreeSet::new();
        for line in manifest.lines().map(str::trim) {
            if line.starts_with('[') {
                section = line.to_string();
                continue;
            }
            if section == "[dependencies]" {
                if let Some(name) = line.split(['=', '.', ' ']).next() {
                    if let Some(short) = name.strip_prefix("clusterlab-") {
                        deps.insert(short.to_string());
                    } else if name == "clusterlab" {
                        deps.insert("cli".to_string());
                    }
                }
            }
        }
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        out.insert(name, deps);
    }
    out
}

#[test]
fn crates_depend_on_each_other_one_way() {
    // cli → server → report → lab → {model, store}; model → numerics; store alone.
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        ("numerics", &[][..]),
        ("store", &[][..]),
        ("model", &["numerics"][..]),
        ("lab", &["model", "numerics", "store"][..]),
        ("report", &["lab", "model", "numerics", "store"][..]),
        (
            "server",
            &["report", "lab", "model", "numerics", "store"][..],
        ),
        (
            "cli",
            &["server", "report", "lab", "model", "numerics", "store"][..],
        ),
    ]);
    let found = crate_dependencies();
    assert_eq!(
        found.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        allowed.keys().copied().collect::<BTreeSet<_>>(),
        "the workspace's crates changed: update this test and docs/ARCHITECTURE.md"
    );
    for (krate, deps) in &found {
        for dep in deps {
            assert!(
                allowed[krate.as_str()].contains(&dep.as_str()),
                "crate {krate} depends on {dep}, against the direction cli → server → report → lab → {{model, store}}, model → numerics"
            );
        }
    }
}

/// A module's path from its file: `src/a/b.rs` and `src/a/b/mod.rs` are `["a", "b"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let relative = file.strip_prefix(src).expect("inside src");
    let mut parts: Vec<String> = relative
        .with_extension("")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments: line comments and doc comments name modules without using
/// them.
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths a module's code names through `crate::` and `super::`, as module paths from the
/// crate root (possibly ending in items, trimmed later).
fn named_paths(code: &str, module: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut starts: Vec<usize> = code
        .match_indices("crate::")
        .chain(code.match_indices("super::"))
        .map(|(i, _)| i)
        .filter(|&i| !code[..i].chars().next_back().is_some_and(is_ident))
        .collect();
    starts.sort_unstable();
    for i in starts {
        let rest = &code[i..];
        let mut base: Vec<String> = Vec::new();
        let mut tail = rest;
        if let Some(after) = tail.strip_prefix("crate::") {
            tail = after;
        } else {
            base = module.to_vec();
            while let Some(after) = tail.strip_prefix("super::") {
                base.pop();
                tail = after;
            }
        }
        if let Some(group) = tail.strip_prefix('{') {
            // `crate::{a, b::c}`: the first segment of each member.
            let end = group.find('}').unwrap_or(group.len());
            for member in group[..end].split(',') {
                let first: String = member.trim().chars().take_while(|&c| is_ident(c)).collect();
                if !first.is_empty() {
                    let mut path = base.clone();
                    path.push(first);
                    out.push(path);
                }
            }
        } else {
            let mut path = base;
            for segment in tail.split("::") {
                let name: String = segment.chars().take_while(|&c| is_ident(c)).collect();
                if name.is_empty() {
                    break;
                }
                let whole = name.len() == segment.len();
                path.push(name);
                if !whole {
                    break;
                }
            }
            out.push(path);
        }
    }
    out
}

/// The circles among sibling modules of a crate: for each edge between two modules neither
/// of which contains the other, both are lifted to the children of their deepest common
/// ancestor; those siblings must form a DAG. Returns each circle's members.
fn module_circles(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, PathBuf> = files
        .iter()
        .map(|f| (module_path(src, f), f.clone()))
        .collect();
    let mut edges: BTreeSet<(Vec<String>, Vec<String>)> = BTreeSet::new();
    for (module, file) in &modules {
        let code = code_of(&std::fs::read_to_string(file).expect("a source file"));
        for path in named_paths(&code, module) {
            let Some(target) = (1..=path.len())
                .rev()
                .map(|k| path[..k].to_vec())
                .find(|p| modules.contains_key(p))
            else {
                continue;
            };
            let (a, b) = (module, &target);
            if a.starts_with(b) || b.starts_with(a) {
                continue;
            }
            let common = a.iter().zip(b.iter()).take_while(|(x, y)| x == y).count();
            edges.insert((a[..=common].to_vec(), b[..=common].to_vec()));
        }
    }
    // Strongly connected components of more than one module (Tarjan).
    let nodes: BTreeSet<Vec<String>> = edges
        .iter()
        .flat_map(|(a, b)| [a.clone(), b.clone()])
        .collect();
    let index_of: BTreeMap<&Vec<String>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (n, i)).collect();
    let names: Vec<String> = nodes.iter().map(|n| n.join("::")).collect();
    let mut adjacency = vec![Vec::new(); nodes.len()];
    for (a, b) in &edges {
        adjacency[index_of[a]].push(index_of[b]);
    }
    struct Tarjan<'a> {
        adjacency: &'a [Vec<usize>],
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        stack: Vec<usize>,
        on_stack: Vec<bool>,
        next: usize,
        components: Vec<Vec<usize>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: usize) {
            self.index[v] = Some(self.next);
            self.low[v] = self.next;
            self.next += 1;
            self.stack.push(v);
            self.on_stack[v] = true;
            for k in 0..self.adjacency[v].len() {
                let w = self.adjacency[v][k];
                match self.index[w] {
                    None => {
                        self.visit(w);
                        self.low[v] = self.low[v].min(self.low[w]);
                    }
                    Some(iw) if self.on_stack[w] => self.low[v] = self.low[v].min(iw),
                    Some(_) => {}
                }
            }
            if Some(self.low[v]) == self.index[v] {
                let mut component = Vec::new();
                while let Some(w) = self.stack.pop() {
                    self.on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    self.components.push(component);
                }
            }
        }
    }
    let n = nodes.len();
    let mut tarjan = Tarjan {
        adjacency: &adjacency,
        index: vec![None; n],
        low: vec![0; n],
        stack: Vec::new(),
        on_stack: vec![false; n],
        next: 0,
        components: Vec::new(),
    };
    for v in 0..n {
        if tarjan.index[v].is_none() {
            tarjan.visit(v);
        }
    }
    tarjan
        .components
        .into_iter()
        .map(|c| {
            let mut members: Vec<String> = c.into_iter().map(|i| names[i].clone()).collect();
            members.sort();
            members
        })
        .collect()
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let crates = workspace().join("crates");
    let mut circles = Vec::new();
    for krate in crate_dependencies().keys() {
        for circle in module_circles(&crates.join(krate).join("src")) {
            circles.push(format!("{krate}: {}", circle.join(" ↔ ")));
        }
    }
    assert!(
        circles.is_empty(),
        "modules in a circle (move what both need into a module below them):\n{}",
        circles.join("\n")
    );
}

#[test]
fn the_circle_check_finds_a_circle() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("a")).unwrap();
    std::fs::write(src.join("lib.rs"), "mod a; mod b; mod c;").unwrap();
    std::fs::write(src.join("a/mod.rs"), "mod x; use crate::b::Thing;").unwrap();
    // A child using its parent is not a circle; a sibling's child reaching back is.
    std::fs::write(src.join("a/x.rs"), "use super::y; // crate::c is a comment").unwrap();
    std::fs::write(
        src.join("b.rs"),
        "pub struct Thing; fn f() { crate::a::x::g() }",
    )
    .unwrap();
    std::fs::write(src.join("c.rs"), "use crate::{a, b::Thing};").unwrap();
    assert_eq!(
        module_circles(&src),
        vec![vec!["a".to_string(), "b".to_string()]]
    );
    std::fs::write(src.join("b.rs"), "pub struct Thing;").unwrap();
    assert!(module_circles(&src).is_empty());
}

#[test]
fn no_program_runs_a_clusterlab_binary_to_do_its_work() {
    // The faces call the lab in-process: a child process of our own binary (or any child
    // process, outside tests) is how work used to leave the library.
    let crates = workspace().join("crates");
    let mut found = Vec::new();
    for krate in [
        "lab", "report", "server", "cli", "model", "store", "numerics",
    ] {
        let mut files = Vec::new();
        rust_files(&crates.join(krate).join("src"), &mut files);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            // Unit tests live at the end of a file, after `#[cfg(test)]`.
            let code = code_of(text.split("#[cfg(test)]").next().unwrap_or(""));
            for needle in ["current_exe", "process::Command", "Command::new"] {
                if code.contains(needle) {
                    found.push(format!("{}: {needle}", file.display()));
                }
            }
        }
    }
    assert!(found.is_empty(), "child processes:\n{}", found.join("\n"));
}
