//! The graph model every view builds: nodes with labels, shapes and highlight classes, edges with
//! labels and counts. It knows nothing about layout, SVG or Mermaid; those read it.

/// How a node is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Shape {
    /// A rounded rectangle: a state or an object.
    Rounded,
    /// A pill: a process stage or an actor.
    Stadium,
    /// A diamond: a decision.
    Diamond,
    /// A small filled circle: the start or end of a state machine.
    Circle,
}

/// The flow direction of a graph.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Top to bottom.
    #[default]
    TopBottom,
    /// Left to right.
    LeftRight,
}

impl Direction {
    /// `TB` or `LR`, as Mermaid writes it.
    pub fn mermaid(self) -> &'static str {
        match self {
            Direction::TopBottom => "TB",
            Direction::LeftRight => "LR",
        }
    }
}

/// Which Mermaid diagram type renders a graph best.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Flavor {
    /// `flowchart`: shapes, labelled arrows.
    #[default]
    Flowchart,
    /// `stateDiagram-v2`: states, `[*]` start and end.
    State,
}

/// One node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Unique within the graph; letters, digits and `_` only (Mermaid ids).
    pub id: String,
    /// The main text.
    pub label: String,
    /// Smaller lines below the label (counts, reasons, resources).
    pub sub: Vec<String>,
    /// How it is drawn.
    pub shape: Shape,
    /// Highlight classes (`current`, `running`, `failed`…), the first one wins in Mermaid.
    pub classes: Vec<String>,
    /// The object the node stands for (`pod/default/web`), for selection.
    pub object: Option<String>,
    /// Hover details.
    pub tooltip: String,
}

impl Node {
    /// A rounded node with `label`.
    pub fn new(id: impl Into<String>, label: impl Into<String>) -> Node {
        Node {
            id: sanitize_id(&id.into()),
            label: label.into(),
            sub: Vec::new(),
            shape: Shape::Rounded,
            classes: Vec::new(),
            object: None,
            tooltip: String::new(),
        }
    }

    /// With a different shape.
    pub fn shape(mut self, shape: Shape) -> Node {
        self.shape = shape;
        self
    }

    /// With one more sub-label line.
    pub fn line(mut self, text: impl Into<String>) -> Node {
        self.sub.push(text.into());
        self
    }

    /// With one more class.
    pub fn class(mut self, class: impl Into<String>) -> Node {
        let class = class.into();
        if !class.is_empty() && !self.classes.contains(&class) {
            self.classes.push(class);
        }
        self
    }

    /// Standing for `object`.
    pub fn object(mut self, object: impl Into<String>) -> Node {
        self.object = Some(object.into());
        self
    }

    /// With hover details.
    pub fn tooltip(mut self, text: impl Into<String>) -> Node {
        self.tooltip = text.into();
        self
    }

    /// Whether the node carries `class`.
    pub fn has_class(&self, class: &str) -> bool {
        self.classes.iter().any(|c| c == class)
    }
}

/// One arrow.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// Source node id.
    pub from: String,
    /// Target node id.
    pub to: String,
    /// Text on the arrow.
    pub label: Option<String>,
    /// How often the transition was taken, when counted.
    pub count: Option<u32>,
    /// Highlight classes (`taken` for the branch taken last).
    pub classes: Vec<String>,
    /// Drawn dashed (a possible but not structural path).
    pub dashed: bool,
}

impl Edge {
    /// An arrow from `from` to `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Edge {
        Edge {
            from: sanitize_id(&from.into()),
            to: sanitize_id(&to.into()),
            label: None,
            count: None,
            classes: Vec::new(),
            dashed: false,
        }
    }

    /// With a label.
    pub fn label(mut self, label: impl Into<String>) -> Edge {
        self.label = Some(label.into());
        self
    }

    /// With a count.
    pub fn count(mut self, count: u32) -> Edge {
        self.count = Some(count);
        self
    }

    /// With a class.
    pub fn class(mut self, class: impl Into<String>) -> Edge {
        self.classes.push(class.into());
        self
    }

    /// Drawn dashed.
    pub fn dashed(mut self) -> Edge {
        self.dashed = true;
        self
    }

    /// The label with its count, as drawn: `restart ×3`.
    pub fn text(&self) -> Option<String> {
        match (&self.label, self.count) {
            (Some(l), Some(n)) => Some(format!("{l} ×{n}")),
            (Some(l), None) => Some(l.clone()),
            (None, Some(n)) => Some(format!("×{n}")),
            (None, None) => None,
        }
    }
}

/// A graph ready for layout and export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    /// The heading.
    pub title: String,
    /// Flow direction.
    pub direction: Direction,
    /// The Mermaid diagram type to export as.
    pub flavor: Flavor,
    /// Nodes, in a stable order.
    pub nodes: Vec<Node>,
    /// Edges, in a stable order.
    pub edges: Vec<Edge>,
    /// A line shown below the graph when there is nothing to draw or something to explain.
    pub note: Option<String>,
}

impl Graph {
    /// An empty graph titled `title`.
    pub fn new(title: impl Into<String>, direction: Direction) -> Graph {
        Graph { title: title.into(), direction, ..Graph::default() }
    }

    /// Adds a node, replacing one with the same id (so builders may revisit objects).
    pub fn add(&mut self, node: Node) -> &mut Node {
        let index = match self.nodes.iter().position(|n| n.id == node.id) {
            Some(i) => {
                self.nodes[i] = node;
                i
            }
            None => {
                self.nodes.push(node);
                self.nodes.len() - 1
            }
        };
        &mut self.nodes[index]
    }

    /// Adds an edge whose ends exist; others are dropped so a graph never points nowhere.
    pub fn connect(&mut self, edge: Edge) {
        if self.node(&edge.from).is_some() && self.node(&edge.to).is_some() {
            self.edges.push(edge);
        }
    }

    /// The node with `id`.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.id == id)
    }

    /// Mutable access to the node with `id`.
    pub fn node_mut(&mut self, id: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.id == id)
    }

    /// The edge from `from` to `to`, the first one if there are several.
    pub fn edge(&self, from: &str, to: &str) -> Option<&Edge> {
        self.edges.iter().find(|e| e.from == from && e.to == to)
    }

    /// Nodes carrying `class`.
    pub fn with_class<'a>(&'a self, class: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes.iter().filter(move |n| n.has_class(class))
    }
}

/// An id Mermaid accepts: ASCII letters, digits and `_`, starting with a letter.
pub fn sanitize_id(raw: &str) -> String {
    let mut id: String = raw.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    if !id.starts_with(|c: char| c.is_ascii_alphabetic()) {
        id.insert(0, 'n');
    }
    // Mermaid reserves a few words as ids.
    if matches!(id.as_str(), "end" | "graph" | "subgraph" | "flowchart" | "style" | "class" | "click") {
        id.push('_');
    }
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_mermaid_safe() {
        assert_eq!(sanitize_id("pod/default/web-1"), "pod_default_web_1");
        assert_eq!(sanitize_id("1st"), "n1st");
        assert_eq!(sanitize_id("end"), "end_");
    }

    #[test]
    fn edges_to_missing_nodes_are_dropped() {
        let mut g = Graph::new("t", Direction::TopBottom);
        g.add(Node::new("a", "A"));
        g.connect(Edge::new("a", "b"));
        assert!(g.edges.is_empty());
        g.add(Node::new("b", "B"));
        g.connect(Edge::new("a", "b").label("go").count(2));
        assert_eq!(g.edge("a", "b").and_then(Edge::text).as_deref(), Some("go ×2"));
    }
}
