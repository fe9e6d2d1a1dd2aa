//! Image references as the kubelet and containerd read them: `nginx`, `nginx:1.27`,
//! `docker.io/library/nginx:1.27`, `registry.k8s.io/e2e-test-images/agnhost:2.40`,
//! `quay.io/x/y@sha256:…`. The tag defaults to `latest`; Docker Hub names gain `library/`.

/// A parsed image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// As written in the pod spec.
    pub original: String,
    /// `docker.io`, `registry.k8s.io`, `quay.io`, `localhost:5000`…
    pub registry: String,
    /// The path inside the registry: `library/nginx`, `e2e-test-images/agnhost`.
    pub repository: String,
    pub tag: Option<String>,
    /// `sha256:<64 hex>`
    pub digest: Option<String>,
}

/// The kubelet's `InvalidImageName` error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidImageName {
    /// `Failed to apply default image tag "X": couldn't parse image name "X": invalid reference format`
    pub message: String,
}

impl ImageRef {
    /// Parses a reference; an unparsable one is an [`InvalidImageName`].
    pub fn parse(text: &str) -> Result<ImageRef, InvalidImageName> {
        let invalid = |detail: &str| {
            InvalidImageName {
            message: format!(
                "Failed to apply default image tag \"{text}\": couldn't parse image name \"{text}\": invalid reference format{detail}"
            ),
        }
        };
        if text.is_empty() || text.trim() != text || text.len() > 255 {
            return Err(invalid(""));
        }
        let (name_and_tag, digest) = match text.split_once('@') {
            Some((name, digest)) => {
                let hex = digest.strip_prefix("sha256:").ok_or_else(|| invalid(""))?;
                if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)) {
                    return Err(invalid(""));
                }
                (name, Some(digest.to_string()))
            }
            None => (text, None),
        };
        let (name, tag) = match name_and_tag.rfind(':') {
            Some(i) if !name_and_tag[i + 1..].contains('/') => {
                (&name_and_tag[..i], Some(name_and_tag[i + 1..].to_string()))
            }
            _ => (name_and_tag, None),
        };
        if let Some(tag) = &tag {
            let valid = !tag.is_empty()
                && tag.len() <= 128
                && tag.chars().next().is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                && tag.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
            if !valid {
                return Err(invalid(""));
            }
        }
        let mut components: Vec<&str> = name.split('/').collect();
        let first = components.first().copied().unwrap_or("");
        let has_registry =
            components.len() > 1 && (first.contains('.') || first.contains(':') || first == "localhost");
        let registry = if has_registry { components.remove(0).to_string() } else { "docker.io".to_string() };
        if components.is_empty() {
            return Err(invalid(""));
        }
        for component in &components {
            if component.chars().any(|c| c.is_ascii_uppercase()) {
                return Err(invalid(": repository name must be lowercase"));
            }
            let valid = !component.is_empty()
                && component
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
                && component.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
                && component.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
            if !valid {
                return Err(invalid(""));
            }
        }
        let mut repository = components.join("/");
        if registry == "docker.io" && components.len() == 1 {
            repository = format!("library/{repository}");
        }
        Ok(ImageRef { original: text.to_string(), registry, repository, tag, digest })
    }

    /// The tag, `latest` when none is given.
    pub fn tag_or_latest(&self) -> &str {
        self.tag.as_deref().unwrap_or("latest")
    }

    /// `docker.io/library/nginx`
    pub fn full_name(&self) -> String {
        format!("{}/{}", self.registry, self.repository)
    }

    /// The fully qualified reference containerd reports: `docker.io/library/nginx:1.27`, or
    /// `quay.io/x/y@sha256:…` for a digest.
    pub fn normalized(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(digest), Some(tag)) => format!("{}:{tag}@{digest}", self.full_name()),
            (Some(digest), None) => format!("{}@{digest}", self.full_name()),
            (None, _) => format!("{}:{}", self.full_name(), self.tag_or_latest()),
        }
    }

    /// A single-word Docker Hub name (`nginx`, `ngnix`): an official image or nothing.
    pub fn is_official_candidate(&self) -> bool {
        self.registry == "docker.io" && self.repository.starts_with("library/")
    }
}
