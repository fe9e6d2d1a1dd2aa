//! API errors, rendered the way kubectl prints them.

use std::fmt;

/// One field error of an Invalid response: `<path>: <type>[: <value>][: <detail>]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// `spec.containers[0].name`.
    pub path: String,
    /// `Required value`, `Invalid value`, `Unsupported value`, `Duplicate value`, `Forbidden`…
    pub kind: &'static str,
    /// The bad value, already rendered (`"Web"`, `70000`, `{"app":"web"}`), if shown.
    pub value: Option<String>,
    /// The explanation, if any.
    pub detail: Option<String>,
}

impl FieldError {
    /// `path: Required value`.
    pub fn required(path: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: "Required value", value: None, detail: None }
    }

    /// `path: Invalid value: VALUE: DETAIL`.
    pub fn invalid(path: impl Into<String>, value: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            kind: "Invalid value",
            value: Some(value.into()),
            detail: Some(detail.into()),
        }
    }

    /// `path: Duplicate value: VALUE`.
    pub fn duplicate(path: impl Into<String>, value: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: "Duplicate value", value: Some(value.into()), detail: None }
    }

    /// `path: Unsupported value: VALUE: supported values: "a", "b"`.
    pub fn unsupported(path: impl Into<String>, value: impl Into<String>, supported: &[&str]) -> Self {
        let list: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
        FieldError {
            path: path.into(),
            kind: "Unsupported value",
            value: Some(value.into()),
            detail: Some(format!("supported values: {}", list.join(", "))),
        }
    }

    /// `path: Forbidden: DETAIL`.
    pub fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError { path: path.into(), kind: "Forbidden", value: None, detail: Some(detail.into()) }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind)?;
        if let Some(value) = &self.value {
            write!(f, ": {value}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// Renders a string value the way field errors quote it.
pub fn quoted(value: &str) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// An error returned by the simulated API server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiError {
    /// 422: the object failed validation.
    Invalid {
        /// `Pod`, `Deployment` (no group).
        kind: String,
        /// The object's name.
        name: String,
        /// Every field error.
        causes: Vec<FieldError>,
    },
    /// 404: `pods "x" not found`.
    NotFound {
        /// `pods`, `deployments.apps`, `namespaces`.
        resource: String,
        /// The missing name.
        name: String,
    },
    /// 409: `pods "x" already exists`.
    AlreadyExists {
        /// `pods`, `deployments.apps`.
        resource: String,
        /// The existing name.
        name: String,
    },
    /// 403 with its full message.
    Forbidden(String),
    /// 400 with its full message.
    BadRequest(String),
    /// 409 Conflict with its full message.
    Conflict(String),
    /// 429 with its full message (an eviction a disruption budget refuses).
    TooManyRequests(String),
    /// 500 with its full message.
    InternalError(String),
}

impl ApiError {
    /// The reason kubectl prints in `Error from server (<Reason>)`.
    pub fn reason(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "Invalid",
            ApiError::NotFound { .. } => "NotFound",
            ApiError::AlreadyExists { .. } => "AlreadyExists",
            ApiError::Forbidden(_) => "Forbidden",
            ApiError::BadRequest(_) => "BadRequest",
            ApiError::Conflict(_) => "Conflict",
            ApiError::TooManyRequests(_) => "TooManyRequests",
            ApiError::InternalError(_) => "InternalError",
        }
    }

    /// The API server's message (the Status `message`).
    pub fn message(&self) -> String {
        match self {
            ApiError::Invalid { kind, name, causes } => match causes.as_slice() {
                [one] => format!("{kind} {name:?} is invalid: {one}"),
                many => {
                    let list: Vec<String> = many.iter().map(ToString::to_string).collect();
                    format!("{kind} {name:?} is invalid: [{}]", list.join(", "))
                }
            },
            ApiError::NotFound { resource, name } => format!("{resource} {name:?} not found"),
            ApiError::AlreadyExists { resource, name } => format!("{resource} {name:?} already exists"),
            ApiError::Forbidden(m)
            | ApiError::BadRequest(m)
            | ApiError::Conflict(m)
            | ApiError::TooManyRequests(m)
            | ApiError::InternalError(m) => m.clone(),
        }
    }

    /// What kubectl prints. `context` is e.g. `creating "pod.yaml"` for errors from a file.
    pub fn render(&self, context: Option<&str>) -> String {
        match self {
            // kubectl prints validation errors without the file context.
            ApiError::Invalid { kind, name, causes } => match causes.as_slice() {
                [one] => format!("The {kind} {name:?} is invalid: {one}"),
                many => {
                    let mut text = format!("The {kind} {name:?} is invalid: ");
                    for cause in many {
                        text.push_str(&format!("\n* {cause}"));
                    }
                    text
                }
            },
            _ => match context {
                Some(context) => {
                    format!("Error from server ({}): error when {context}: {}", self.reason(), self.message())
                }
                None => format!("Error from server ({}): {}", self.reason(), self.message()),
            },
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(None))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_render_like_kubectl() {
        let one = ApiError::Invalid {
            kind: "Pod".into(),
            name: "web".into(),
            causes: vec![FieldError::required("spec.containers[0].image")],
        };
        assert_eq!(
            one.render(Some("creating \"pod.yaml\"")),
            "The Pod \"web\" is invalid: spec.containers[0].image: Required value"
        );
        let two = ApiError::Invalid {
            kind: "Pod".into(),
            name: "web".into(),
            causes: vec![FieldError::required("a"), FieldError::duplicate("b", quoted("app"))],
        };
        assert_eq!(
            two.render(None),
            "The Pod \"web\" is invalid: \n* a: Required value\n* b: Duplicate value: \"app\""
        );
        let missing = ApiError::NotFound { resource: "namespaces".into(), name: "dev".into() };
        assert_eq!(
            missing.render(Some("creating \"pod.yaml\"")),
            "Error from server (NotFound): error when creating \"pod.yaml\": namespaces \"dev\" not found"
        );
        assert_eq!(
            FieldError::unsupported("spec.template.spec.restartPolicy", quoted("Never"), &["Always"])
                .to_string(),
            "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""
        );
    }
}
