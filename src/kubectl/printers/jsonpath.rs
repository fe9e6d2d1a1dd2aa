//! kubectl's JSONPath templates (`-o jsonpath=…`, custom columns, `--sort-by`): text with
//! `{…}` actions — field paths (`.status.podIP`), wildcards (`[*]`, `.*`), indexes and slices,
//! recursive descent (`..name`), filters (`[?(@.type=="Ready")]`), string literals and
//! `{range …}…{end}`. Missing keys print nothing, as with `kubectl get`.

use serde_json::Value;

/// One step of a path.
#[derive(Clone, Debug, PartialEq)]
enum Step {
    /// `$`: the document root, even inside `range`.
    Root,
    Field(String),
    Wildcard,
    Recursive(Option<String>),
    Index(i64),
    Slice(Option<i64>, Option<i64>),
    Filter(Box<Filter>),
}

#[derive(Clone, Debug, PartialEq)]
enum Operand {
    Path(Vec<Step>),
    Literal(Value),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    left: Operand,
    /// `None` means "the left side exists".
    comparison: Option<(String, Operand)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

/// A parsed template.
#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    nodes: Vec<Node>,
}

impl Template {
    /// Parses a template such as `{range .items[*]}{.metadata.name}{"\n"}{end}`.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut tokens: Vec<Token> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find('{') {
                None => {
                    tokens.push(Token::Text(rest.to_string()));
                    rest = "";
                }
                Some(start) => {
                    if start > 0 {
                        tokens.push(Token::Text(rest[..start].to_string()));
                    }
                    let inner_start = start + 1;
                    let end = find_action_end(&rest[inner_start..])
                        .ok_or_else(|| format!("error parsing jsonpath {text}, unclosed action"))?;
                    tokens.push(Token::Action(rest[inner_start..inner_start + end].trim().to_string()));
                    rest = &rest[inner_start + end + 1..];
                }
            }
        }
        let mut position = 0;
        let nodes = build_nodes(&tokens, &mut position, text, false)?;
        Ok(Template { nodes })
    }

    /// Runs the template against `data`.
    pub fn execute(&self, data: &Value) -> String {
        let mut out = String::new();
        run_nodes(&self.nodes, data, data, &mut out);
        out
    }

    /// The values a single-path template selects (custom columns and `--sort-by` use this).
    pub fn values<'a>(&self, data: &'a Value) -> Vec<&'a Value> {
        let mut found = Vec::new();
        for node in &self.nodes {
            if let Node::Path(steps) = node {
                found.extend(evaluate(steps, data, data));
            }
        }
        found
    }
}

enum Token {
    Text(String),
    Action(String),
}

/// Index of the `}` closing an action, skipping quoted strings.
fn find_action_end(text: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '}' => return Some(i),
            _ => {}
        }
    }
    None
}

fn build_nodes(
    tokens: &[Token],
    position: &mut usize,
    text: &str,
    in_range: bool,
) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    while *position < tokens.len() {
        let token = &tokens[*position];
        *position += 1;
        match token {
            Token::Text(t) => nodes.push(Node::Text(t.clone())),
            Token::Action(action) => {
                if action == "end" {
                    if in_range {
                        return Ok(nodes);
                    }
                    return Err(format!("error parsing jsonpath {text}, not in range, nothing to end"));
                }
                if let Some(path) = action.strip_prefix("range ") {
                    let steps = parse_path(path.trim(), text)?;
                    let body = build_nodes(tokens, position, text, true)?;
                    nodes.push(Node::Range(steps, body));
                } else if action.starts_with('"') || action.starts_with('\'') {
                    nodes.push(Node::Text(unquote(action)));
                } else {
                    nodes.push(Node::Path(parse_path(action, text)?));
                }
            }
        }
    }
    if in_range {
        return Err(format!("error parsing jsonpath {text}, unclosed range"));
    }
    Ok(nodes)
}

/// A string literal with Go escapes (`\n`, `\t`, `\"`).
fn unquote(literal: &str) -> String {
    let mut body = literal.chars();
    let quote = body.next();
    let body = body.as_str();
    let inner = match quote {
        Some(q) => body.strip_suffix(q).unwrap_or(body),
        None => body,
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Parses `.a.b[0].c`, `$.a`, `..name`, `.items[?(@.x=="y")].z`, `.labels.app\.kubernetes\.io/name`.
fn parse_path(path: &str, text: &str) -> Result<Vec<Step>, String> {
    let chars: Vec<char> = path.chars().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    if chars.first() == Some(&'$') {
        steps.push(Step::Root);
        i = 1;
    } else if chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' => {
                let recursive = chars.get(i + 1) == Some(&'.');
                i += if recursive { 2 } else { 1 };
                let (name, next) = read_field(&chars, i);
                i = next;
                if recursive {
                    steps.push(Step::Recursive(if name.is_empty() || name == "*" {
                        None
                    } else {
                        Some(name)
                    }));
                } else if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let close = find_bracket_end(&chars, i)
                    .ok_or_else(|| format!("error parsing jsonpath {text}, unterminated array"))?;
                let inner: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inner.trim(), text)?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ => {
                // A path without a leading dot (`metadata.name`).
                let (name, next) = read_field(&chars, i);
                if name.is_empty() {
                    return Err(format!(
                        "error parsing jsonpath {text}, unrecognized character in action: {}",
                        chars[i]
                    ));
                }
                steps.push(Step::Field(name));
                i = next;
            }
        }
    }
    Ok(steps)
}

fn read_field(chars: &[char], mut i: usize) -> (String, usize) {
    let mut name = String::new();
    while i < chars.len() {
        match chars[i] {
            '\\' if i + 1 < chars.len() => {
                name.push(chars[i + 1]);
                i += 2;
            }
            '.' | '[' => break,
            c => {
                name.push(c);
                i += 1;
            }
        }
    }
    (name, i)
}

fn find_bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (j, &c) in chars.iter().enumerate().skip(open) {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inner: &str, text: &str) -> Result<Step, String> {
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(filter) = inner.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return Ok(Step::Filter(Box::new(parse_filter(filter.trim(), text)?)));
    }
    if (inner.starts_with('\'') && inner.ends_with('\'')) || (inner.starts_with('"') && inner.ends_with('"'))
    {
        return Ok(Step::Field(unquote(inner)));
    }
    if let Some((from, to)) = inner.split_once(':') {
        let bound = |s: &str| -> Result<Option<i64>, String> {
            let s = s.trim();
            if s.is_empty() {
                return Ok(None);
            }
            s.parse().map(Some).map_err(|_| format!("error parsing jsonpath {text}, invalid array index {s}"))
        };
        let to = to.split(':').next().unwrap_or("");
        return Ok(Step::Slice(bound(from)?, bound(to)?));
    }
    inner
        .parse::<i64>()
        .map(Step::Index)
        .map_err(|_| format!("error parsing jsonpath {text}, invalid array index {inner}"))
}

fn parse_filter(filter: &str, text: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((left, right)) = split_outside_quotes(filter, op) {
            return Ok(Filter {
                left: parse_operand(left.trim(), text)?,
                comparison: Some((op.to_string(), parse_operand(right.trim(), text)?)),
            });
        }
    }
    Ok(Filter { left: parse_operand(filter, text)?, comparison: None })
}

fn split_outside_quotes<'a>(text: &'a str, op: &str) -> Option<(&'a str, &'a str)> {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            continue;
        }
        if c == '"' || c == '\'' {
            quote = Some(c);
        } else if text[i..].starts_with(op) {
            return Some((&text[..i], &text[i + op.len()..]));
        }
    }
    None
}

fn parse_operand(text: &str, full: &str) -> Result<Operand, String> {
    if text.starts_with('@') || text.starts_with('.') || text.starts_with('$') {
        return Ok(Operand::Path(parse_path(text, full)?));
    }
    if (text.starts_with('"') && text.ends_with('"')) || (text.starts_with('\'') && text.ends_with('\'')) {
        return Ok(Operand::Literal(Value::String(unquote(text))));
    }
    if let Ok(n) = text.parse::<f64>() {
        return Ok(Operand::Literal(serde_json::json!(n)));
    }
    match text {
        "true" => Ok(Operand::Literal(Value::Bool(true))),
        "false" => Ok(Operand::Literal(Value::Bool(false))),
        _ => Err(format!("error parsing jsonpath {full}, unrecognized filter operand {text}")),
    }
}

fn run_nodes(nodes: &[Node], root: &Value, current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let values = evaluate(steps, root, current);
                let texts: Vec<String> = values.iter().map(|v| value_text(v)).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                for item in evaluate(steps, root, current) {
                    run_nodes(body, root, item, out);
                }
            }
        }
    }
}

/// How a selected value prints: strings bare, everything else as compact JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn evaluate<'a>(steps: &[Step], root: &'a Value, current: &'a Value) -> Vec<&'a Value> {
    let mut values = vec![current];
    for step in steps {
        if *step == Step::Root {
            values = vec![root];
            continue;
        }
        let mut next = Vec::new();
        for value in values {
            apply(step, value, &mut next);
        }
        values = next;
    }
    values
}

fn apply<'a>(step: &Step, value: &'a Value, out: &mut Vec<&'a Value>) {
    match step {
        Step::Root => out.push(value),
        Step::Field(name) => {
            if let Some(v) = value.get(name.as_str()) {
                out.push(v);
            }
        }
        Step::Wildcard => match value {
            Value::Array(items) => out.extend(items.iter()),
            Value::Object(map) => out.extend(map.values()),
            _ => {}
        },
        Step::Recursive(name) => collect_recursive(value, name.as_deref(), out),
        Step::Index(i) => {
            if let Value::Array(items) = value {
                let len = items.len() as i64;
                let index = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&index) {
                    if let Some(v) = items.get(index as usize) {
                        out.push(v);
                    }
                }
            }
        }
        Step::Slice(from, to) => {
            if let Value::Array(items) = value {
                let len = items.len() as i64;
                let clamp = |b: i64| if b < 0 { (len + b).max(0) } else { b.min(len) };
                let start = from.map_or(0, clamp);
                let end = to.map_or(len, clamp);
                if start < end {
                    out.extend(items[start as usize..end as usize].iter());
                }
            }
        }
        Step::Filter(filter) => {
            if let Value::Array(items) = value {
                out.extend(items.iter().filter(|item| filter_matches(filter, item)));
            }
        }
    }
}

fn collect_recursive<'a>(value: &'a Value, name: Option<&str>, out: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            match name {
                Some(n) => {
                    if let Some(v) = map.get(n) {
                        out.push(v);
                    }
                }
                None => out.extend(map.values()),
            }
            for v in map.values() {
                collect_recursive(v, name, out);
            }
        }
        Value::Array(items) => {
            for v in items {
                if name.is_none() {
                    out.push(v);
                }
                collect_recursive(v, name, out);
            }
        }
        _ => {}
    }
}

fn operand_values<'a>(operand: &'a Operand, item: &'a Value) -> Vec<&'a Value> {
    match operand {
        Operand::Path(steps) => evaluate(steps, item, item),
        Operand::Literal(v) => vec![v],
    }
}

fn filter_matches(filter: &Filter, item: &Value) -> bool {
    let lefts = operand_values(&filter.left, item);
    let Some((op, right)) = filter.comparison.as_ref() else {
        return !lefts.is_empty();
    };
    let rights = operand_values(right, item);
    let (Some(left), Some(right)) = (lefts.first(), rights.first()) else {
        return false;
    };
    match (left.as_f64(), right.as_f64()) {
        (Some(l), Some(r)) => match op.as_str() {
            "==" => l == r,
            "!=" => l != r,
            "<" => l < r,
            ">" => l > r,
            "<=" => l <= r,
            ">=" => l >= r,
            _ => false,
        },
        _ => {
            let (l, r) = (value_text(left), value_text(right));
            match op.as_str() {
                "==" => l == r,
                "!=" => l != r,
                "<" => l < r,
                ">" => l > r,
                "<=" => l <= r,
                ">=" => l >= r,
                _ => false,
            }
        }
    }
}

/// kubectl's `RelaxedJSONPathExpression`: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`.
pub fn relaxed(expression: &str) -> Result<String, String> {
    let trimmed = expression.trim();
    if trimmed.starts_with('{') && trimmed.ends_with('}') {
        return Ok(trimmed.to_string());
    }
    if trimmed.is_empty() {
        return Err(
            "unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'"
                .to_string(),
        );
    }
    let body = trimmed.strip_prefix('.').unwrap_or(trimmed);
    Ok(format!("{{.{body}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(template: &str, data: &Value) -> String {
        Template::parse(template).expect("template").execute(data)
    }

    fn pods() -> Value {
        json!({"kind": "List", "items": [
            {"metadata": {"name": "pi-5rwd7", "labels": {"app.kubernetes.io/name": "pi"}},
             "status": {"podIP": "10.244.1.2", "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "False"}]}},
            {"metadata": {"name": "web-x2x7k"},
             "status": {"podIP": "10.244.2.3", "conditions": [{"type": "Ready", "status": "True"}]}}]})
    }

    #[test]
    fn wildcard_names_are_space_separated() {
        assert_eq!(run("{.items[*].metadata.name}", &pods()), "pi-5rwd7 web-x2x7k");
    }

    #[test]
    fn range_with_literals() {
        assert_eq!(
            run("{range .items[*]}{.metadata.name}{\"\\t\"}{.status.podIP}{\"\\n\"}{end}", &pods()),
            "pi-5rwd7\t10.244.1.2\nweb-x2x7k\t10.244.2.3\n"
        );
    }

    #[test]
    fn filters_indexes_and_escaped_dots() {
        let data = pods();
        assert_eq!(run("{.items[0].status.conditions[?(@.type==\"Ready\")].status}", &data), "False");
        assert_eq!(run("{.items[-1].metadata.name}", &data), "web-x2x7k");
        assert_eq!(run("{.items[0].metadata.labels.app\\.kubernetes\\.io/name}", &data), "pi");
        assert_eq!(run("{..podIP}", &data), "10.244.1.2 10.244.2.3");
        assert_eq!(run("name: {.items[1].metadata}", &data), "name: {\"name\":\"web-x2x7k\"}");
        assert_eq!(run("{.items[0].missing}", &data), "");
        assert_eq!(
            run("{range .items[*]}{$.kind}/{.metadata.name} {end}", &data),
            "List/pi-5rwd7 List/web-x2x7k "
        );
    }

    #[test]
    fn parse_errors() {
        assert!(Template::parse("{.items[0}").is_err());
        assert!(Template::parse("{range .items[*]}{.x}").is_err());
        assert_eq!(relaxed(".metadata.name"), Ok("{.metadata.name}".to_string()));
        assert_eq!(relaxed("metadata.name"), Ok("{.metadata.name}".to_string()));
    }
}
