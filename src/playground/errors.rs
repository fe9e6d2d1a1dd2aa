//! Where in a manifest file an apply error points, so the editor can mark the line.
//!
//! kubectl prints errors with field paths (`spec.containers[0].imagee`) or, for YAML syntax
//! errors, with a line. This reads the path or line out of the message, picks the document the
//! error is about (by the object name in `The Pod "web" is invalid`), and finds the path (or its
//! closest existing parent) with the API's own locator, which reads block, flow and JSON text.

use crate::sim::api::locate;

/// 1-based (line, column) in `text` that `message` points at, if it can be found.
pub fn locate(text: &str, message: &str) -> Option<(usize, usize)> {
    if let Some(line) = syntax_error_line(message) {
        return Some((line, 1));
    }
    let path = field_path(message)?;
    let last_key = path.rsplit(['.', '[']).next().unwrap_or(&path).trim_end_matches(']').to_string();
    let documents = text.lines().filter(|l| l.trim_end() == "---" || l.starts_with("--- ")).count() + 1;
    let name = object_name(message);
    let at = |document: usize| locate::locate(text, document, &path);
    let line_text = |line: usize| text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    // The document that defines the named object; without a name, the first where the whole
    // path exists; else the first document's closest parent.
    let document = (0..documents)
        .find(|&d| name.as_deref().is_some_and(|n| defines(text, d, n)))
        .or_else(|| (0..documents).find(|&d| line_text(at(d).line).contains(last_key.as_str())))
        .unwrap_or(0);
    let found = at(document);
    Some((found.line, found.column))
}

/// Whether document `document` names an object `name`.
fn defines(text: &str, document: usize, name: &str) -> bool {
    let found = locate::locate(text, document, "metadata.name");
    let line = text.lines().nth(found.line.saturating_sub(1)).unwrap_or_default();
    line.contains("name") && (line.contains(&format!(": {name}")) || line.contains(&format!("\"{name}\"")))
}

/// `… line 12 …` / `line 12, column 3` in a YAML syntax error.
fn syntax_error_line(message: &str) -> Option<usize> {
    let at = message.find("line ")?;
    let digits: String = message[at + 5..].chars().take_while(char::is_ascii_digit).collect();
    let is_syntax = message.contains("yaml") || message.contains("YAML") || message.contains("parsing");
    if is_syntax {
        digits.parse().ok()
    } else {
        None
    }
}

/// The field path an error names.
fn field_path(message: &str) -> Option<String> {
    if let Some(at) = message.find("unknown field \"") {
        let rest = &message[at + 15..];
        return rest.split('"').next().map(String::from);
    }
    // `The Pod "x" is invalid: spec.containers[0].image: Required value`
    let rest = message.split(" is invalid: ").nth(1)?;
    let path = rest.split(": ").next()?;
    let path = path.trim_start_matches('[').split(", ").next().unwrap_or(path);
    path.chars().all(|c| c.is_ascii_alphanumeric() || "._[]-/".contains(c)).then(|| path.to_string())
}

/// The object name in `The Pod "web" is invalid` or `pods "web"`.
fn object_name(message: &str) -> Option<String> {
    let at = message.find('"')?;
    let rest = &message[at + 1..];
    rest.split('"').next().filter(|n| !n.contains(' ')).map(String::from)
}

#[cfg(test)]
mod tests {
    use super::locate;

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: first\nspec:\n  containers:\n  - name: a\n    image: nginx\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: one\n      image: nginx\n    - name: two\n      imagee: nginx\n      ports:\n        - containerPort: 80\n";

    #[test]
    fn an_unknown_field_points_at_its_line_in_the_right_document() {
        let message = "Error from server (BadRequest): error when creating \"pods.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[1].imagee\"";
        // No object name in the message: the document where the whole path exists.
        assert_eq!(locate(PODS, message), Some((19, 7)));
        let named = "The Pod \"web\" is invalid: spec.containers[1].imagee: Required value";
        assert_eq!(locate(PODS, named), Some((19, 7)));
    }

    #[test]
    fn a_missing_field_points_at_its_closest_parent() {
        let message = "The Pod \"web\" is invalid: spec.containers[0].image: Required value";
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: one\n";
        assert_eq!(locate(text, message), Some((7, 3)));
    }

    #[test]
    fn a_syntax_error_points_at_its_line() {
        let message = "error: error parsing pod.yaml: error converting YAML to JSON: yaml: line 7: did not find expected key";
        assert_eq!(locate(PODS, message), Some((7, 1)));
    }

    #[test]
    fn json_falls_back_to_the_key_mention() {
        let text = "{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Pod\",\n  \"metadata\": {\"name\": \"web\"},\n  \"spec\": {\"containers\": [{\"name\": \"a\", \"imagee\": \"nginx\"}]}\n}\n";
        let message = "The Pod \"web\" is invalid: spec.containers[0].imagee: Forbidden";
        assert_eq!(locate(text, message).map(|(l, _)| l), Some(5));
    }

    #[test]
    fn messages_without_a_place_point_nowhere() {
        assert_eq!(locate(PODS, "error: the server doesn't have a resource type \"pods\""), None);
    }
}
