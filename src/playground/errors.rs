//! Where in a manifest file an apply error points, so the editor can mark the line.
//!
//! kubectl prints errors with field paths (`spec.containers[0].imagee`) or, for YAML syntax
//! errors, with a line. This reads the path or line out of the message, picks the document the
//! error is about (by the object name in `The Pod "web" is invalid`), and walks the block YAML by
//! indentation to the deepest part of the path that exists. Flow-style YAML and JSON fall back to
//! the first mention of the last key in that document.

/// 1-based (line, column) in `text` that `message` points at, if it can be found.
pub fn locate(text: &str, message: &str) -> Option<(usize, usize)> {
    if let Some(line) = syntax_error_line(message) {
        return Some((line, 1));
    }
    let path = field_path(message)?;
    let lines: Vec<&str> = text.split('\n').collect();
    let segments: Vec<&str> = path.split('.').filter(|s| !s.is_empty()).collect();
    let documents = documents(&lines);
    let name = object_name(message);
    // The document that defines the named object; without a name, the one where most of the
    // path exists.
    let (start, end) = documents
        .iter()
        .copied()
        .find(|&range| defines(&lines, range, name.as_deref()))
        .or_else(|| documents.iter().copied().max_by_key(|&(s, e)| walk(&lines, s, e, &segments).1))?;
    let (found, _) = walk(&lines, start, end, &segments);
    found.or_else(|| mention(&lines, start, end, segments.last()?)).map(|(l, c)| (l + 1, c + 1))
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

/// The line ranges of the YAML documents in a file.
fn documents(lines: &[&str]) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut start = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("---") {
            ranges.push((start, i));
            start = i + 1;
        }
    }
    ranges.push((start, lines.len()));
    ranges
}

/// Whether the document in `s..e` names an object `name`.
fn defines(lines: &[&str], (s, e): (usize, usize), name: Option<&str>) -> bool {
    name.is_some_and(|n| {
        lines[s..e].iter().any(|l| {
            let t = l.trim().trim_end_matches(',');
            t == format!("name: {n}")
                || t == format!("name: \"{n}\"")
                || t.contains(&format!("\"name\": \"{n}\""))
        })
    })
}

/// The column where a line's key starts (after any `- ` list markers) and the key.
fn key_at(line: &str) -> Option<(usize, &str)> {
    let mut col = line.len() - line.trim_start_matches(' ').len();
    let mut rest = &line[col..];
    while let Some(after) = rest.strip_prefix("- ") {
        let spaces = after.len() - after.trim_start_matches(' ').len();
        col += 2 + spaces;
        rest = &after[spaces..];
    }
    if rest.starts_with('#') {
        return None;
    }
    let end = rest.find(": ").or_else(|| rest.ends_with(':').then(|| rest.len() - 1))?;
    Some((col, rest[..end].trim_matches(['"', '\''])))
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// Walks `segments` through the block YAML in `lo..hi`: the deepest (line, column) found and
/// how many segments it matched.
fn walk(lines: &[&str], mut lo: usize, mut hi: usize, segments: &[&str]) -> (Option<(usize, usize)>, usize) {
    let mut found = None;
    let mut depth = 0;
    for segment in segments {
        let (key, index) = match segment.split_once('[') {
            Some((key, rest)) => (key, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (*segment, None),
        };
        let child = (lo..hi).filter_map(|i| key_at(lines[i]).map(|(c, _)| c)).min();
        let Some(at) = child.and_then(|c| (lo..hi).find(|&i| key_at(lines[i]) == Some((c, key)))) else {
            break;
        };
        let col = child.unwrap_or(0);
        found = Some((at, col));
        depth += 1;
        let end = (at + 1..hi)
            .find(|&j| {
                is_content(lines[j])
                    && (indent(lines[j]) < col
                        || (indent(lines[j]) == col && !lines[j].trim_start().starts_with("- ")))
            })
            .unwrap_or(hi);
        (lo, hi) = (at + 1, end);
        if let Some(n) = index {
            let dash =
                (lo..hi).filter(|&i| lines[i].trim_start().starts_with("- ")).map(|i| indent(lines[i])).min();
            let Some(dash) = dash else { break };
            let items: Vec<usize> = (lo..hi)
                .filter(|&i| indent(lines[i]) == dash && lines[i].trim_start().starts_with("- "))
                .collect();
            let Some(&item) = items.get(n) else { break };
            found = Some((item, dash));
            depth += 1;
            let item_end = items.iter().copied().find(|&i| i > item).unwrap_or(hi);
            (lo, hi) = (item, item_end);
        }
    }
    (found, depth)
}

/// The first line in `lo..hi` that mentions `key` as a key (flow style and JSON).
fn mention(lines: &[&str], lo: usize, hi: usize, segment: &str) -> Option<(usize, usize)> {
    let key = segment.split('[').next()?;
    let quoted = format!("\"{key}\"");
    let plain = format!("{key}:");
    (lo..hi).find_map(|i| lines[i].find(&quoted).or_else(|| lines[i].find(&plain)).map(|c| (i, c)))
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
