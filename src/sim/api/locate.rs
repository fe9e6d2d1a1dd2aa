//! Where in a manifest's text a field is: maps an error's document index and field path
//! (`spec.containers[0].imagee`) to a 1-based line and column, so the editor can mark the
//! spot. Works on block YAML, flow-style YAML ("KYAML") and JSON without a full YAML parser:
//! only keys, sequence items and their positions matter, and a field that is absent (a
//! `Required value`) is placed at its closest existing parent.

use super::errors::{ApiError, FieldError};

/// A 1-based position in a manifest's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// An error about one manifest, in the form the editor uses; the printed kubectl text is the
/// `message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ManifestError {
    /// 0-based index of the document in the file.
    pub document: usize,
    /// The field path the error names (`spec.replicas`), empty for a whole-document error.
    pub path: String,
    /// 1-based line of the field (or its closest existing parent).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// The kubectl text of the error.
    pub message: String,
}

/// The field paths an API error names: the causes of an Invalid error, or the unknown fields
/// of a strict decoding error.
pub fn error_paths(error: &ApiError) -> Vec<String> {
    match error {
        ApiError::Invalid { causes, .. } => causes.iter().map(|c: &FieldError| c.path.clone()).collect(),
        ApiError::BadRequest(message) => message
            .split("unknown field \"")
            .skip(1)
            .filter_map(|rest| rest.split_once('"').map(|(path, _)| path.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// One structured error per field `error` names (or one for the document when it names none),
/// each placed in `text`. `message` is what kubectl printed.
pub fn manifest_errors(text: &str, document: usize, error: &ApiError, message: &str) -> Vec<ManifestError> {
    let mut paths = error_paths(error);
    if paths.is_empty() {
        paths.push(String::new());
    }
    paths
        .into_iter()
        .map(|path| {
            let at = locate(text, document, &path);
            ManifestError { document, path, line: at.line, column: at.column, message: message.to_string() }
        })
        .collect()
}

/// The position of `path` in document `document` of `text`, or of its closest existing
/// parent, or of the document's first line.
pub fn locate(text: &str, document: usize, path: &str) -> Location {
    let (start, end) = document_span(text, document);
    let doc = &text[start..end];
    let entries = scan(doc);
    let mut target = path.to_string();
    let offset = loop {
        if let Some((_, at)) = entries.iter().find(|(p, _)| *p == target) {
            break start + at;
        }
        match parent(&target) {
            Some(up) => target = up,
            None => break start + first_content(doc),
        }
    };
    position(text, offset)
}

/// The line and column of a YAML syntax error reported as `line N` within document
/// `document` (go-yaml counts lines from the document's start).
pub fn locate_syntax_error(text: &str, document: usize, line_in_document: usize) -> Location {
    let (start, _) = document_span(text, document);
    let first = position(text, start).line;
    Location { line: first + line_in_document.saturating_sub(1), column: 1 }
}

fn parent(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = match path.rfind(['.', '[']) {
        Some(i) if path.as_bytes()[i] == b'[' && path.ends_with(']') => i,
        Some(i) => path[..i].rfind(']').filter(|j| *j + 1 == i).map(|j| j + 1).unwrap_or(i),
        None => 0,
    };
    Some(path[..cut].to_string())
}

fn position(text: &str, offset: usize) -> Location {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    Location { line, column: before[line_start..].chars().count() + 1 }
}

/// Byte range of document `index`, split on `---` lines as the manifest loader does
/// (documents with only comments and blank lines are skipped there, so here too).
fn document_span(text: &str, index: usize) -> (usize, usize) {
    let mut spans = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end();
        if bare == "---" || bare.starts_with("--- ") {
            spans.push((start, offset));
            start = offset + line.len();
        }
        offset += line.len();
    }
    spans.push((start, text.len()));
    let real: Vec<(usize, usize)> = spans
        .into_iter()
        .filter(|(s, e)| {
            text[*s..*e].lines().any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        })
        .collect();
    real.get(index).or(real.last()).copied().unwrap_or((0, text.len()))
}

fn first_content(doc: &str) -> usize {
    let mut offset = 0;
    for line in doc.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// Every key and sequence item of a document with the byte offset where it starts.
fn scan(doc: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let start = first_content(doc);
    if matches!(doc.as_bytes().get(start), Some(b'{' | b'[')) {
        Flow { text: doc.as_bytes(), pos: start, out: &mut out }.value("");
    } else {
        block(doc, &mut out);
    }
    out
}

/// One open node of the block structure: a key or a sequence item at a column.
struct Frame {
    column: usize,
    path: String,
    is_item: bool,
    items: usize,
}

fn block(doc: &str, out: &mut Vec<(String, usize)>) {
    let bytes = doc.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut line_start = 0;
    // Skip until this offset (inside a multi-line flow collection), or lines indented deeper
    // than this column (a block scalar).
    let mut skip_to = 0;
    let mut scalar_column: Option<usize> = None;
    while line_start < doc.len() {
        let line_end = doc[line_start..].find('\n').map(|i| line_start + i + 1).unwrap_or(doc.len());
        let line = &doc[line_start..line_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if line_start < skip_to || content.is_empty() || content.starts_with('#') {
            line_start = line_end;
            continue;
        }
        if let Some(col) = scalar_column {
            if indent > col {
                line_start = line_end;
                continue;
            }
            scalar_column = None;
        }
        let mut col = indent;
        loop {
            let rest = &line[col..];
            if rest.starts_with("- ") || rest.trim_end() == "-" {
                while stack.last().is_some_and(|f| f.column > col || (f.column == col && f.is_item)) {
                    stack.pop();
                }
                let (path, index) = match stack.last_mut() {
                    Some(f) => {
                        f.items += 1;
                        (f.path.clone(), f.items - 1)
                    }
                    None => (String::new(), 0),
                };
                let item_path = format!("{path}[{index}]");
                out.push((item_path.clone(), line_start + col));
                stack.push(Frame { column: col, path: item_path, is_item: true, items: 0 });
                col += 1 + rest[1..].len() - rest[1..].trim_start_matches(' ').len();
                continue;
            }
            if let Some((key, after)) = block_key(rest) {
                while stack.last().is_some_and(|f| f.column >= col) {
                    stack.pop();
                }
                let path = child(stack.last().map(|f| f.path.as_str()).unwrap_or_default(), &key);
                out.push((path.clone(), line_start + col));
                let value_at = col + after;
                let value = line[value_at..].trim_start_matches(' ');
                let value_offset = line_start + line.len() - value.len();
                if value.starts_with(['{', '[']) {
                    let mut flow = Flow { text: bytes, pos: value_offset, out };
                    flow.value(&path);
                    skip_to = flow.pos;
                } else if value.starts_with(['|', '>']) {
                    scalar_column = Some(col);
                }
                stack.push(Frame { column: col, path, is_item: false, items: 0 });
            } else if rest.starts_with(['{', '[']) {
                let path = stack.last().map(|f| f.path.clone()).unwrap_or_default();
                let mut flow = Flow { text: bytes, pos: line_start + col, out };
                flow.value(&path);
                skip_to = flow.pos;
            }
            break;
        }
        line_start = line_end;
    }
}

/// `key: value` at the start of `rest`: the unquoted key and the byte length up to and
/// including the colon.
fn block_key(rest: &str) -> Option<(String, usize)> {
    if let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let close = rest[1..].find(quote)? + 1;
        let after = rest[close + 1..].trim_start_matches(' ');
        if !after.starts_with(':') {
            return None;
        }
        let colon = rest.len() - after.len();
        return Some((rest[1..close].to_string(), colon + 1));
    }
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' && bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()) {
            return Some((rest[..i].trim_end().to_string(), i + 1));
        }
        if bytes[i] == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None;
        }
        i += 1;
    }
    None
}

/// A flow-style collection (`{a: 1, "b": [x, y]}`), JSON included.
struct Flow<'a, 'o> {
    text: &'a [u8],
    pos: usize,
    out: &'o mut Vec<(String, usize)>,
}

impl Flow<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b) = self.peek() {
            if b.is_ascii_whitespace() {
                self.pos += 1;
            } else if b == b'#' {
                while self.peek().is_some_and(|b| b != b'\n') {
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// A quoted or plain scalar; returns its text without quotes.
    fn scalar(&mut self) -> String {
        let start = self.pos;
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                self.pos += 1;
                while let Some(b) = self.peek() {
                    self.pos += 1;
                    if b == b'\\' && q == b'"' {
                        self.pos += 1;
                    } else if b == q {
                        break;
                    }
                }
                let end = self.pos.saturating_sub(1).max(start + 1).min(self.text.len());
                String::from_utf8_lossy(&self.text[start + 1..end]).into_owned()
            }
            _ => {
                while let Some(b) = self.peek() {
                    let colon_key =
                        b == b':' && self.text.get(self.pos + 1).is_none_or(|n| n.is_ascii_whitespace());
                    if matches!(b, b',' | b'}' | b']' | b'\n') || colon_key {
                        break;
                    }
                    self.pos += 1;
                }
                String::from_utf8_lossy(&self.text[start..self.pos]).trim().to_string()
            }
        }
    }

    fn value(&mut self, path: &str) {
        self.skip_space();
        match self.peek() {
            Some(b'{') => {
                self.pos += 1;
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return,
                        Some(b'}') => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let key_at = self.pos;
                    let key = self.scalar();
                    let key_path = child(path, &key);
                    self.out.push((key_path.clone(), key_at));
                    self.skip_space();
                    if self.peek() == Some(b':') {
                        self.pos += 1;
                        self.value(&key_path);
                    }
                    if self.pos == key_at {
                        self.pos += 1;
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut index = 0;
                loop {
                    self.skip_space();
                    match self.peek() {
                        None => return,
                        Some(b']') => {
                            self.pos += 1;
                            return;
                        }
                        Some(b',') => {
                            self.pos += 1;
                            continue;
                        }
                        _ => {}
                    }
                    let item_at = self.pos;
                    let item_path = format!("{path}[{index}]");
                    self.out.push((item_path.clone(), item_at));
                    self.value(&item_path);
                    if self.pos == item_at {
                        self.pos += 1;
                    }
                    index += 1;
                }
            }
            Some(_) => {
                self.scalar();
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    const BLOCK: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    imagee: busybox\n    ports:\n      - containerPort: 80\n    command: |\n      echo hi\n      imagee: not a key\n  restartPolicy: Never\n";

    #[test]
    fn block_yaml_fields_are_found() {
        assert_eq!(locate(BLOCK, 0, "spec.containers[1].imagee"), at(10, 5));
        assert_eq!(locate(BLOCK, 0, "spec.containers[0].name"), at(7, 5));
        assert_eq!(locate(BLOCK, 0, "spec.containers[1]"), at(9, 3));
        assert_eq!(locate(BLOCK, 0, "spec.containers[1].ports[0].containerPort"), at(12, 9));
        assert_eq!(locate(BLOCK, 0, "spec.restartPolicy"), at(16, 3));
    }

    #[test]
    fn missing_fields_point_at_their_closest_parent() {
        assert_eq!(locate(BLOCK, 0, "spec.containers[0].resources.limits"), at(7, 3));
        assert_eq!(locate(BLOCK, 0, "spec.nodeName"), at(5, 1));
        assert_eq!(locate(BLOCK, 0, ""), at(1, 1));
    }

    #[test]
    fn documents_are_counted_after_separators() {
        let text =
            format!("# leading comment\n---\n{BLOCK}---\nkind: Service\nspec:\n  ports:\n  - port: 80\n");
        assert_eq!(locate(&text, 1, "spec.ports[0].port"), at(23, 5));
        assert_eq!(locate(&text, 0, "metadata.name"), at(6, 3));
        assert_eq!(locate_syntax_error(&text, 1, 2), at(21, 1));
    }

    #[test]
    fn flow_style_and_json_are_found() {
        let kyaml = "{\n  apiVersion: \"v1\",\n  kind: \"Pod\",\n  # a comment\n  spec: {\n    containers: [{\n      name: \"a\",\n      \"imagee\": \"nginx\",\n    }],\n  },\n}\n";
        assert_eq!(locate(kyaml, 0, "spec.containers[0].imagee"), at(8, 7));
        assert_eq!(locate(kyaml, 0, "spec.containers[0]"), at(6, 18));
        let json = r#"{"kind": "Pod", "spec": {"containers": [{"name": "a"}, {"name": "b", "image": "x"}]}}"#;
        assert_eq!(locate(json, 0, "spec.containers[1].image"), at(1, 70));
        let mixed = "spec:\n  selector: {matchLabels: {app: web}}\n  ports: [{port: 80}, {port: 81,\n    targetPort: x}]\n  type: ClusterIP\n";
        assert_eq!(locate(mixed, 0, "spec.selector.matchLabels.app"), at(2, 28));
        assert_eq!(locate(mixed, 0, "spec.ports[1].targetPort"), at(4, 5));
        assert_eq!(locate(mixed, 0, "spec.type"), at(5, 3));
    }

    #[test]
    fn api_errors_become_located_manifest_errors() {
        let error = ApiError::BadRequest(
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[1].imagee\"".into(),
        );
        let found = manifest_errors(BLOCK, 0, &error, "Error from server (BadRequest): ...");
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].path.as_str(), found[0].line, found[0].column),
            ("spec.containers[1].imagee", 10, 5)
        );
    }
}
