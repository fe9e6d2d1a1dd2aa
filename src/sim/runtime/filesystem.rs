//! A container's filesystem: the image's own files plus volume mounts. Each volume is a shared
//! in-memory tree ([`VolumeHandle`]): an emptyDir handle is shared by the containers of a pod,
//! a hostPath handle belongs to a node, a PVC's handle outlives pods, configMap and secret
//! volumes are mounted read-only. Writes through a `readOnly` mount fail with
//! `Read-only file system`.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// Why a file operation failed; [`FsError::message`] is the C library's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FsError {
    NotFound,
    NotADirectory,
    IsADirectory,
    ReadOnly,
    Exists,
    NotEmpty,
}

impl FsError {
    /// `No such file or directory` etc. (strerror).
    pub fn message(self) -> &'static str {
        match self {
            FsError::NotFound => "No such file or directory",
            FsError::NotADirectory => "Not a directory",
            FsError::IsADirectory => "Is a directory",
            FsError::ReadOnly => "Read-only file system",
            FsError::Exists => "File exists",
            FsError::NotEmpty => "Directory not empty",
        }
    }
}

/// What a path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    File { size: u64 },
    Dir,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    Dir,
    File(String),
}

/// A tree of files: the image layer of one container, or one volume. Paths are relative to
/// the tree's root, without leading `/` (the root itself is `""`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Volume {
    entries: BTreeMap<String, Entry>,
}

/// A volume shared between the mounts that use it.
pub type VolumeHandle = Rc<RefCell<Volume>>;

impl Volume {
    /// An empty tree.
    pub fn new() -> Volume {
        Volume::default()
    }

    /// A new empty shared volume.
    pub fn handle() -> VolumeHandle {
        Rc::new(RefCell::new(Volume::new()))
    }

    /// A tree with these files (parent directories created), e.g. a configMap's keys.
    pub fn with_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> Volume {
        let mut volume = Volume::new();
        for (path, content) in files {
            volume.put_file(path, content);
        }
        volume
    }

    /// Writes a file, creating parent directories (for setting up image and volume content).
    pub fn put_file(&mut self, path: &str, content: &str) {
        let key = normalise(path);
        let mut parent = String::new();
        for part in
            key.split('/').collect::<Vec<_>>().split_last().map(|(_, p)| p.to_vec()).unwrap_or_default()
        {
            if !parent.is_empty() {
                parent.push('/');
            }
            parent.push_str(part);
            self.entries.insert(parent.clone(), Entry::Dir);
        }
        self.entries.insert(key, Entry::File(content.to_string()));
    }

    /// Creates a directory and its parents.
    pub fn put_dir(&mut self, path: &str) {
        let key = normalise(path);
        let mut current = String::new();
        for part in key.split('/').filter(|p| !p.is_empty()) {
            if !current.is_empty() {
                current.push('/');
            }
            current.push_str(part);
            self.entries.insert(current.clone(), Entry::Dir);
        }
    }

    /// Replaces the whole content (a configMap or secret volume after the object changed).
    pub fn replace_files<'a>(&mut self, files: impl IntoIterator<Item = (&'a str, &'a str)>) {
        self.entries.clear();
        for (path, content) in files {
            self.put_file(path, content);
        }
    }

    /// Bytes stored in files (for emptyDir `sizeLimit` and ephemeral-storage accounting).
    pub fn total_bytes(&self) -> u64 {
        self.entries
            .values()
            .map(|entry| match entry {
                Entry::File(content) => content.len() as u64,
                Entry::Dir => 0,
            })
            .sum()
    }

    /// Every file with its content (for tests and volume inspection).
    pub fn files(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .filter_map(|(k, v)| match v {
                Entry::File(content) => Some((format!("/{k}"), content.clone())),
                Entry::Dir => None,
            })
            .collect()
    }

    fn kind(&self, key: &str) -> Option<FileKind> {
        if key.is_empty() {
            return Some(FileKind::Dir);
        }
        match self.entries.get(key)? {
            Entry::Dir => Some(FileKind::Dir),
            Entry::File(content) => Some(FileKind::File { size: content.len() as u64 }),
        }
    }

    fn parent_ok(&self, key: &str) -> Result<(), FsError> {
        let parent = key.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        match self.kind(parent) {
            Some(FileKind::Dir) => Ok(()),
            Some(FileKind::File { .. }) => Err(FsError::NotADirectory),
            None => Err(FsError::NotFound),
        }
    }

    fn children(&self, key: &str) -> Vec<String> {
        let prefix = if key.is_empty() { String::new() } else { format!("{key}/") };
        self.entries
            .range(prefix.clone()..)
            .take_while(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(k, _)| {
                let rest = &k[prefix.len()..];
                (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
            })
            .collect()
    }
}

/// `path` relative to `/` without leading/trailing slashes, `.` and `..` resolved.
fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

/// Resolves `path` against the working directory `cwd` into a clean absolute path.
pub fn absolute_path(cwd: &str, path: &str) -> String {
    let joined = if path.starts_with('/') { path.to_string() } else { format!("{cwd}/{path}") };
    format!("/{}", normalise(&joined))
}

/// A volume mounted into a container.
#[derive(Clone, Debug)]
pub struct Mount {
    /// Absolute mount path (`mountPath`).
    pub path: String,
    pub volume: VolumeHandle,
    /// `subPath` inside the volume ("" for the whole volume).
    pub sub_path: String,
    pub read_only: bool,
}

/// One container's view of files: its image layer plus mounts (the longest matching mount
/// path wins, as in the kernel).
#[derive(Clone, Debug)]
pub struct ContainerFs {
    root: Layer,
    mounts: Vec<Mount>,
}

/// The container's own writable layer, built the first time a path in it is used: most
/// containers never have a file of theirs read or written, and a cluster of a hundred thousand
/// pods would otherwise hold as many copies of their images' files. Clones share the layer,
/// built or not.
#[derive(Clone)]
struct Layer(Rc<LayerCell>);

struct LayerCell {
    volume: OnceCell<VolumeHandle>,
    build: RefCell<Option<Box<dyn FnOnce() -> Volume>>>,
}

impl Layer {
    fn built(volume: Volume) -> Layer {
        let layer =
            LayerCell { volume: OnceCell::from(Rc::new(RefCell::new(volume))), build: RefCell::new(None) };
        Layer(Rc::new(layer))
    }

    fn deferred(build: impl FnOnce() -> Volume + 'static) -> Layer {
        Layer(Rc::new(LayerCell { volume: OnceCell::new(), build: RefCell::new(Some(Box::new(build))) }))
    }

    fn volume(&self) -> &VolumeHandle {
        self.0.volume.get_or_init(|| {
            let build = self.0.build.borrow_mut().take();
            Rc::new(RefCell::new(build.map(|build| build()).unwrap_or_default()))
        })
    }
}

impl std::fmt::Debug for Layer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.volume.get() {
            Some(volume) => volume.fmt(f),
            None => f.write_str("Layer(not built yet)"),
        }
    }
}

impl ContainerFs {
    /// A filesystem over the container's own (writable) layer.
    pub fn new(root: Volume) -> ContainerFs {
        ContainerFs { root: Layer::built(root), mounts: Vec::new() }
    }

    /// A filesystem whose own layer `build` makes when a path in it is first used.
    pub fn deferred(build: impl FnOnce() -> Volume + 'static) -> ContainerFs {
        ContainerFs { root: Layer::deferred(build), mounts: Vec::new() }
    }

    /// Mounts `volume` at `path` (a `subPath` of "" mounts the whole volume). A mount at a
    /// `subPath` that does not exist yet creates it, as the kubelet does.
    pub fn mount(&mut self, path: &str, volume: VolumeHandle, sub_path: &str, read_only: bool) {
        let sub = normalise(sub_path);
        if !sub.is_empty() && volume.borrow().kind(&sub).is_none() {
            volume.borrow_mut().put_dir(&sub);
        }
        self.mounts.push(Mount { path: absolute_path("/", path), volume, sub_path: sub, read_only });
    }

    /// Writes a file into the container's own layer, creating its directories (image content,
    /// files the kubelet writes such as `/etc/hosts`).
    pub fn put_file(&mut self, path: &str, content: &str) {
        self.root.volume().borrow_mut().put_file(path, content);
    }

    /// The mounts, in the order they were made.
    pub fn mounts(&self) -> &[Mount] {
        &self.mounts
    }

    /// The tree and key a path lives in, and whether writes are refused.
    fn resolve(&self, path: &str) -> (VolumeHandle, String, bool) {
        let clean = absolute_path("/", path);
        let mut best: Option<&Mount> = None;
        for mount in &self.mounts {
            let inside =
                clean == mount.path || clean.starts_with(&format!("{}/", mount.path.trim_end_matches('/')));
            if inside && best.is_none_or(|b| mount.path.len() >= b.path.len()) {
                best = Some(mount);
            }
        }
        match best {
            Some(mount) => {
                let rest = normalise(&clean[mount.path.len().min(clean.len())..]);
                let key = match (mount.sub_path.is_empty(), rest.is_empty()) {
                    (true, _) => rest,
                    (false, true) => mount.sub_path.clone(),
                    (false, false) => format!("{}/{rest}", mount.sub_path),
                };
                (mount.volume.clone(), key, mount.read_only)
            }
            None => (self.root.volume().clone(), normalise(&clean), false),
        }
    }

    fn is_mount_point(&self, path: &str) -> bool {
        let clean = absolute_path("/", path);
        self.mounts.iter().any(|m| m.path == clean)
    }

    /// What `path` is, if it exists.
    pub fn stat(&self, path: &str) -> Option<FileKind> {
        if self.is_mount_point(path) {
            return Some(FileKind::Dir);
        }
        let (volume, key, _) = self.resolve(path);
        let kind = volume.borrow().kind(&key);
        kind
    }

    pub fn exists(&self, path: &str) -> bool {
        self.stat(path).is_some()
    }

    pub fn is_dir(&self, path: &str) -> bool {
        self.stat(path) == Some(FileKind::Dir)
    }

    pub fn is_file(&self, path: &str) -> bool {
        matches!(self.stat(path), Some(FileKind::File { .. }))
    }

    /// The content of a file.
    pub fn read(&self, path: &str) -> Result<String, FsError> {
        let (volume, key, _) = self.resolve(path);
        let volume = volume.borrow();
        match volume.entries.get(&key) {
            Some(Entry::File(content)) => Ok(content.clone()),
            Some(Entry::Dir) => Err(FsError::IsADirectory),
            None if key.is_empty() => Err(FsError::IsADirectory),
            None => Err(FsError::NotFound),
        }
    }

    /// Replaces (or creates) a file; its directory must exist.
    pub fn write(&mut self, path: &str, content: &str) -> Result<(), FsError> {
        self.store(path, content, false)
    }

    /// Appends to (or creates) a file; its directory must exist.
    pub fn append(&mut self, path: &str, content: &str) -> Result<(), FsError> {
        self.store(path, content, true)
    }

    fn store(&mut self, path: &str, content: &str, append: bool) -> Result<(), FsError> {
        let (volume, key, read_only) = self.resolve(path);
        if key.is_empty() || self.is_mount_point(path) {
            return Err(FsError::IsADirectory);
        }
        let mut volume = volume.borrow_mut();
        volume.parent_ok(&key)?;
        if read_only {
            return Err(FsError::ReadOnly);
        }
        match volume.entries.get_mut(&key) {
            Some(Entry::Dir) => Err(FsError::IsADirectory),
            Some(Entry::File(existing)) => {
                if append {
                    existing.push_str(content);
                } else {
                    *existing = content.to_string();
                }
                Ok(())
            }
            None => {
                volume.entries.insert(key, Entry::File(content.to_string()));
                Ok(())
            }
        }
    }

    /// `touch`: creates an empty file if missing.
    pub fn touch(&mut self, path: &str) -> Result<(), FsError> {
        match self.stat(path) {
            Some(_) => {
                let (_, _, read_only) = self.resolve(path);
                if read_only {
                    Err(FsError::ReadOnly)
                } else {
                    Ok(())
                }
            }
            None => self.append(path, ""),
        }
    }

    /// Creates a directory (`parents` = `mkdir -p`).
    pub fn mkdir(&mut self, path: &str, parents: bool) -> Result<(), FsError> {
        if let Some(kind) = self.stat(path) {
            return match (kind, parents) {
                (FileKind::Dir, true) => Ok(()),
                _ => Err(FsError::Exists),
            };
        }
        let clean = absolute_path("/", path);
        if parents {
            if let Some((parent, _)) = clean.rsplit_once('/') {
                if !parent.is_empty() && !self.exists(parent) {
                    self.mkdir(parent, true)?;
                }
            }
        }
        let (volume, key, read_only) = self.resolve(&clean);
        let mut volume = volume.borrow_mut();
        volume.parent_ok(&key)?;
        if read_only {
            return Err(FsError::ReadOnly);
        }
        volume.entries.insert(key, Entry::Dir);
        Ok(())
    }

    /// Removes a file, or a directory when `recursive` (or when it is empty).
    pub fn remove(&mut self, path: &str, recursive: bool) -> Result<(), FsError> {
        let kind = self.stat(path).ok_or(FsError::NotFound)?;
        let (volume, key, read_only) = self.resolve(path);
        if read_only {
            return Err(FsError::ReadOnly);
        }
        if key.is_empty() || self.is_mount_point(path) {
            return Err(FsError::ReadOnly);
        }
        let mut volume = volume.borrow_mut();
        if kind == FileKind::Dir {
            if !recursive {
                return Err(FsError::IsADirectory);
            }
            let prefix = format!("{key}/");
            volume.entries.retain(|k, _| !k.starts_with(&prefix));
        }
        volume.entries.remove(&key);
        Ok(())
    }

    /// Names in a directory, sorted, including mount points directly below it.
    pub fn list(&self, path: &str) -> Result<Vec<String>, FsError> {
        match self.stat(path) {
            None => return Err(FsError::NotFound),
            Some(FileKind::File { .. }) => return Err(FsError::NotADirectory),
            Some(FileKind::Dir) => {}
        }
        let (volume, key, _) = self.resolve(path);
        let mut names: Vec<String> = volume.borrow().children(&key);
        let clean = absolute_path("/", path);
        let prefix = if clean == "/" { "/".to_string() } else { format!("{clean}/") };
        for mount in &self.mounts {
            if let Some(rest) = mount.path.strip_prefix(&prefix) {
                if !rest.is_empty() && !rest.contains('/') && !names.iter().any(|n| n == rest) {
                    names.push(rest.to_string());
                }
            }
        }
        names.sort();
        Ok(names)
    }
}
