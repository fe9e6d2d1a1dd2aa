//! YAML syntax colouring for the editor's highlight layer: each line split into classed spans
//! (comment, key, string, number, literal, document marker). Only text nodes are produced.

use yew::prelude::*;

fn value_class(value: &str) -> &'static str {
    let v = value.trim();
    if v.starts_with('"') || v.starts_with('\'') {
        "y-str"
    } else if matches!(v, "true" | "false" | "null" | "~" | "|" | "|-" | ">" | ">-") {
        "y-lit"
    } else if !v.is_empty() && v.parse::<f64>().is_ok() {
        "y-num"
    } else {
        "y-val"
    }
}

/// Splits off a trailing `# comment` that is not inside quotes.
fn split_comment(line: &str) -> (&str, &str) {
    let mut quote = None;
    for (i, c) in line.char_indices() {
        match (c, quote) {
            ('"' | '\'', None) => quote = Some(c),
            (q, Some(open)) if q == open => quote = None,
            ('#', None) if i == 0 || line[..i].ends_with(' ') => return (&line[..i], &line[i..]),
            _ => {}
        }
    }
    (line, "")
}

/// One highlighted line.
pub fn line(text: &str) -> Html {
    if text.trim_start().starts_with("---") || text.trim_start().starts_with("...") {
        return html! { <span class="y-doc">{text.to_string()}</span> };
    }
    let (code, comment) = split_comment(text);
    let indent_len = code.len() - code.trim_start_matches([' ', '-']).len();
    let (indent, rest) = code.split_at(indent_len);
    let key_end = rest.find(": ").or_else(|| rest.ends_with(':').then(|| rest.len() - 1));
    let body = match key_end {
        Some(end) if !rest.starts_with(['"', '\'', '{', '[']) || rest[..end].ends_with(['"', '\'']) => {
            let (key, value) = rest.split_at(end);
            html! { <><span class="y-key">{key.to_string()}</span>{":"}<span class={value_class(&value[1..])}>{value[1..].to_string()}</span></> }
        }
        _ => html! { <span class={value_class(rest)}>{rest.to_string()}</span> },
    };
    html! { <>{indent.to_string()}{body}<span class="y-comment">{comment.to_string()}</span></> }
}
