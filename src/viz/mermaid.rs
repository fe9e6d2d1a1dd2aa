//! Mermaid export: the same nodes, arrows and highlight as the drawn graph, as `flowchart` or
//! `stateDiagram-v2` source with `classDef`/`class` lines, so "Copy as Mermaid" pastes into any
//! Markdown renderer.
//!
//! Label text goes through [`escape`]: quotes, `#`, `<`, `>` and `&` become Mermaid entity codes
//! (`#quot;`, `#35;`, `#lt;`…), which every diagram type decodes; brackets and braces are safe
//! inside quoted labels.

use std::fmt::Write;

use super::graph::{Flavor, Graph, Node, Shape};

/// The colours of each highlight class, matching `www/viz.css` (light theme).
pub const CLASS_STYLES: &[(&str, &str)] = &[
    ("current", "fill:#fff3bf,stroke:#e8a200,stroke-width:3px,color:#222"),
    ("running", "fill:#d3f9d8,stroke:#2f9e44,color:#222"),
    ("pending", "fill:#fff4e6,stroke:#f08c00,color:#222"),
    ("waiting", "fill:#ffe8cc,stroke:#e8590c,color:#222"),
    ("failed", "fill:#ffe3e3,stroke:#e03131,color:#222"),
    ("succeeded", "fill:#d0ebff,stroke:#1971c2,color:#222"),
    ("unknown", "fill:#e9ecef,stroke:#495057,color:#222"),
    ("muted", "fill:#f8f9fa,stroke:#adb5bd,color:#868e96"),
];

/// Mermaid source for `graph`.
pub fn export(graph: &Graph) -> String {
    match graph.flavor {
        Flavor::Flowchart => flowchart(graph),
        Flavor::State => state_diagram(graph),
    }
}

/// Text safe inside a quoted Mermaid label.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '&' => out.push_str("#amp;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn node_text(label: &str, sub: &[String]) -> String {
    let mut parts = vec![escape(label)];
    parts.extend(sub.iter().map(|s| escape(s)));
    parts.join("<br/>")
}

fn title(out: &mut String, graph: &Graph) {
    if !graph.title.is_empty() {
        // Front matter sets the title without touching the diagram body.
        // Mermaid reads the title as markup and YAML takes no entity codes: quotes become
        // apostrophes and markup characters their look-alikes.
        let t = graph
            .title
            .replace(['\n', '\r'], " ")
            .replace('"', "'")
            .replace('<', "‹")
            .replace('>', "›")
            .replace('&', "+");
        let _ = writeln!(out, "---\ntitle: \"{}\"\n---", t.replace('\\', "/"));
    }
}

/// The graph's note as a Mermaid comment, after the diagram header.
fn note(out: &mut String, graph: &Graph) {
    if let Some(note) = &graph.note {
        let _ = writeln!(out, "  %% {}", note.replace(['\n', '\r'], " "));
    }
}

/// The node's leading class that has a style: Mermaid gives a node one look, and the first class
/// is the most telling (`current` before the state it is in).
fn first_class(node: &Node) -> Option<&str> {
    node.classes.iter().map(String::as_str).find(|c| CLASS_STYLES.iter().any(|(n, _)| n == c))
}

fn class_defs(out: &mut String, graph: &Graph) {
    for (name, style) in CLASS_STYLES {
        if graph.nodes.iter().any(|n| n.shape != Shape::Circle && first_class(n) == Some(name)) {
            let _ = writeln!(out, "  classDef {name} {style}");
        }
    }
}

fn flowchart(graph: &Graph) -> String {
    let mut out = String::new();
    title(&mut out, graph);
    let _ = writeln!(out, "flowchart {}", graph.direction.mermaid());
    note(&mut out, graph);
    for node in &graph.nodes {
        let text = node_text(&node.label, &node.sub);
        let _ = match node.shape {
            Shape::Rounded => writeln!(out, "  {}(\"{text}\")", node.id),
            Shape::Stadium => writeln!(out, "  {}([\"{text}\"])", node.id),
            Shape::Diamond => writeln!(out, "  {}{{\"{text}\"}}", node.id),
            // An empty quoted label does not parse; an unlabelled start/end is Mermaid's small circle.
            Shape::Circle if node.label.is_empty() => writeln!(out, "  {}@{{ shape: sm-circ }}", node.id),
            Shape::Circle => writeln!(out, "  {}((\"{text}\"))", node.id),
        };
    }
    for edge in &graph.edges {
        let arrow = if edge.dashed { "-.->" } else { "-->" };
        let _ = match edge.text() {
            Some(t) => writeln!(out, "  {} {arrow}|\"{}\"| {}", edge.from, escape(&t), edge.to),
            None => writeln!(out, "  {} {arrow} {}", edge.from, edge.to),
        };
    }
    class_defs(&mut out, graph);
    for node in &graph.nodes {
        if let Some(class) = first_class(node) {
            let _ = writeln!(out, "  class {} {class}", node.id);
        }
    }
    for (i, edge) in graph.edges.iter().enumerate() {
        if edge.classes.iter().any(|c| c == "taken") {
            let _ = writeln!(out, "  linkStyle {i} stroke:#e8a200,stroke-width:3px");
        }
    }
    out
}

fn state_text(text: &str) -> String {
    // State descriptions are delimited by quotes and transition labels end at the line; entity
    // codes are decoded in both.
    escape(text)
}

fn state_diagram(graph: &Graph) -> String {
    let mut out = String::new();
    title(&mut out, graph);
    let _ = writeln!(out, "stateDiagram-v2");
    let _ = writeln!(out, "  direction {}", graph.direction.mermaid());
    note(&mut out, graph);
    let id = |node_id: &str| -> String {
        match graph.node(node_id) {
            Some(n) if n.shape == Shape::Circle => "[*]".to_string(),
            _ => node_id.to_string(),
        }
    };
    for node in graph.nodes.iter().filter(|n| n.shape != Shape::Circle) {
        let mut parts = vec![state_text(&node.label)];
        parts.extend(node.sub.iter().map(|s| state_text(s)));
        let _ = writeln!(out, "  state \"{}\" as {}", parts.join("<br/>"), node.id);
    }
    for edge in &graph.edges {
        let _ = match edge.text() {
            Some(t) => writeln!(out, "  {} --> {} : {}", id(&edge.from), id(&edge.to), state_text(&t)),
            None => writeln!(out, "  {} --> {}", id(&edge.from), id(&edge.to)),
        };
    }
    class_defs(&mut out, graph);
    for node in graph.nodes.iter().filter(|n| n.shape != Shape::Circle) {
        if let Some(class) = first_class(node) {
            let _ = writeln!(out, "  class {} {class}", node.id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::viz::graph::{Direction, Edge};

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape(r#"say "hi" #1 <b>"#), "say #quot;hi#quot; #35;1 #lt;b#gt;");
    }

    #[test]
    fn flowchart_has_shapes_edges_and_classes() {
        let mut g = Graph::new("", Direction::LeftRight);
        g.add(Node::new("a", "Actual = Desired?").shape(super::Shape::Diamond));
        g.add(Node::new("b", "spawn [pod]").class("current"));
        g.connect(Edge::new("a", "b").label("fewer").count(2).class("taken"));
        let m = export(&g);
        assert!(m.starts_with("flowchart LR\n"), "{m}");
        assert!(m.contains("  a{\"Actual = Desired?\"}"), "{m}");
        assert!(m.contains("  b(\"spawn [pod]\")"), "{m}");
        assert!(m.contains("  a -->|\"fewer ×2\"| b"), "{m}");
        assert!(m.contains("  class b current"), "{m}");
        assert!(m.contains("  linkStyle 0 stroke"), "{m}");
    }
}
