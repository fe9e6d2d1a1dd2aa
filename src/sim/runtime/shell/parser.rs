//! Parses tokens into the shell's syntax tree: lists, `&&`/`||`, pipelines, `if`, `while`,
//! `until`, `for`, `{ … }` and `( … )` groups, and simple commands with assignments and
//! redirections.

use std::rc::Rc;

use super::lexer::{plain_literal, tokenize, RedirectOp, Token, Word, WordPart};

/// A redirection attached to a simple command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub fd: u32,
    pub op: RedirectOp,
    pub target: Word,
}

/// `NAME=value … word… redirections…`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SimpleCommand {
    pub assignments: Vec<(String, Word)>,
    /// bash array assignments: `items=(foo bar baz)`.
    pub arrays: Vec<(String, Vec<Word>)>,
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
}

/// A node of the syntax tree. Children are `Rc` so the resumable executor can keep pointers to
/// the parts still to run without copying the tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    Simple(SimpleCommand),
    /// `a | b | c`, optionally negated with `!`.
    Pipeline {
        negate: bool,
        stages: Vec<Rc<Node>>,
    },
    And(Rc<Node>, Rc<Node>),
    Or(Rc<Node>, Rc<Node>),
    Sequence(Vec<Rc<Node>>),
    /// `cmd &`
    Background(Rc<Node>),
    If {
        clauses: Vec<(Rc<Node>, Rc<Node>)>,
        otherwise: Option<Rc<Node>>,
    },
    /// `while`/`until` loops.
    Loop {
        until: bool,
        condition: Rc<Node>,
        body: Rc<Node>,
    },
    /// `for var in words; do …; done` (`None` = `"$@"`).
    For {
        var: String,
        words: Option<Vec<Word>>,
        body: Rc<Node>,
    },
    /// `{ … }` or `( … )`.
    Group(Rc<Node>),
    /// `case word in pattern|pattern) list ;; … esac`
    Case {
        subject: Word,
        arms: Vec<(Vec<Word>, Rc<Node>)>,
    },
    /// `name() { … }`
    FunctionDef {
        name: String,
        body: Rc<Node>,
    },
}

/// A syntax error, worded like busybox sh (`syntax error: unexpected "done"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError(pub String);

/// Parses a whole script.
pub fn parse(source: &str) -> Result<Rc<Node>, SyntaxError> {
    let tokens = tokenize(source).map_err(|e| SyntaxError(format!("syntax error: {}", e.0)))?;
    let mut parser = Parser { tokens, pos: 0 };
    let node = parser.list(&[])?;
    if let Some(token) = parser.tokens.get(parser.pos) {
        return Err(unexpected(token));
    }
    Ok(node)
}

/// A command given as an argument vector (no shell involved): one simple command.
pub fn argv_node(argv: &[String]) -> Rc<Node> {
    Rc::new(Node::Simple(SimpleCommand {
        assignments: Vec::new(),
        arrays: Vec::new(),
        words: argv.iter().map(|a| vec![WordPart::Quoted(a.clone())]).collect(),
        redirects: Vec::new(),
    }))
}

fn describe(token: &Token) -> String {
    match token {
        Token::Word(w) => plain_literal(w).unwrap_or("word").to_string(),
        Token::Newline => "newline".to_string(),
        Token::Semi => ";".to_string(),
        Token::DoubleSemi => ";;".to_string(),
        Token::Amp => "&".to_string(),
        Token::AndAnd => "&&".to_string(),
        Token::OrOr => "||".to_string(),
        Token::Pipe => "|".to_string(),
        Token::LParen => "(".to_string(),
        Token::RParen => ")".to_string(),
        Token::Redirect { .. } => "redirection".to_string(),
    }
}

fn unexpected(token: &Token) -> SyntaxError {
    SyntaxError(format!("syntax error: unexpected \"{}\"", describe(token)))
}

fn end_of_file() -> SyntaxError {
    SyntaxError("syntax error: unexpected end of file".to_string())
}

const RESERVED: &[&str] = &["then", "else", "elif", "fi", "do", "done", "}", "in", "esac"];

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn peek_keyword(&self) -> Option<&str> {
        match self.peek() {
            Some(Token::Word(w)) => plain_literal(w),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while matches!(self.peek(), Some(Token::Newline)) {
            self.pos += 1;
        }
    }

    fn expect_keyword(&mut self, keyword: &str) -> Result<(), SyntaxError> {
        self.skip_newlines();
        match self.peek() {
            Some(token) if self.peek_keyword() == Some(keyword) => {
                let _ = token;
                self.pos += 1;
                Ok(())
            }
            Some(token) => Err(unexpected(token)),
            None => Err(end_of_file()),
        }
    }

    /// A list of and-or lists separated by `;`, `&` or newlines, up to one of `terminators`
    /// (keywords) or `)`.
    fn list(&mut self, terminators: &[&str]) -> Result<Rc<Node>, SyntaxError> {
        let mut items: Vec<Rc<Node>> = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None | Some(Token::RParen) | Some(Token::DoubleSemi) => break,
                Some(Token::Word(_)) => {
                    if let Some(k) = self.peek_keyword() {
                        if terminators.contains(&k) {
                            break;
                        }
                    }
                }
                _ => {}
            }
            let item = self.and_or()?;
            match self.peek() {
                Some(Token::Amp) => {
                    self.pos += 1;
                    items.push(Rc::new(Node::Background(item)));
                }
                Some(Token::Semi) | Some(Token::Newline) => {
                    self.pos += 1;
                    items.push(item);
                }
                _ => {
                    items.push(item);
                    match self.peek() {
                        None | Some(Token::RParen) | Some(Token::DoubleSemi) => break,
                        Some(Token::Word(_))
                            if self.peek_keyword().is_some_and(|k| terminators.contains(&k)) =>
                        {
                            break
                        }
                        Some(token) => return Err(unexpected(token)),
                    }
                }
            }
        }
        if items.len() == 1 {
            Ok(items.remove(0))
        } else {
            Ok(Rc::new(Node::Sequence(items)))
        }
    }

    fn and_or(&mut self) -> Result<Rc<Node>, SyntaxError> {
        let mut left = self.pipeline()?;
        loop {
            match self.peek() {
                Some(Token::AndAnd) => {
                    self.pos += 1;
                    self.skip_newlines();
                    let right = self.pipeline()?;
                    left = Rc::new(Node::And(left, right));
                }
                Some(Token::OrOr) => {
                    self.pos += 1;
                    self.skip_newlines();
                    let right = self.pipeline()?;
                    left = Rc::new(Node::Or(left, right));
                }
                _ => return Ok(left),
            }
        }
    }

    fn pipeline(&mut self) -> Result<Rc<Node>, SyntaxError> {
        let mut negate = false;
        if self.peek_keyword() == Some("!") {
            negate = true;
            self.pos += 1;
        }
        let mut stages = vec![self.command()?];
        while matches!(self.peek(), Some(Token::Pipe)) {
            self.pos += 1;
            self.skip_newlines();
            stages.push(self.command()?);
        }
        if stages.len() == 1 && !negate {
            return Ok(stages.remove(0));
        }
        Ok(Rc::new(Node::Pipeline { negate, stages }))
    }

    fn command(&mut self) -> Result<Rc<Node>, SyntaxError> {
        match self.peek() {
            None => Err(end_of_file()),
            Some(Token::LParen) => {
                self.pos += 1;
                let body = self.list(&[])?;
                match self.peek() {
                    Some(Token::RParen) => {
                        self.pos += 1;
                        Ok(Rc::new(Node::Group(body)))
                    }
                    Some(token) => Err(unexpected(token)),
                    None => Err(end_of_file()),
                }
            }
            Some(Token::Word(_)) => match self.peek_keyword() {
                Some("if") => self.if_clause(),
                Some("while") => self.loop_clause(false),
                Some("until") => self.loop_clause(true),
                Some("for") => self.for_clause(),
                Some("case") => self.case_clause(),
                Some(name)
                    if matches!(self.tokens.get(self.pos + 1), Some(Token::LParen))
                        && matches!(self.tokens.get(self.pos + 2), Some(Token::RParen)) =>
                {
                    let name = name.to_string();
                    self.pos += 3;
                    self.skip_newlines();
                    let body = self.command()?;
                    Ok(Rc::new(Node::FunctionDef { name, body }))
                }
                Some("{") => {
                    self.pos += 1;
                    let body = self.list(&["}"])?;
                    self.expect_keyword("}")?;
                    Ok(Rc::new(Node::Group(body)))
                }
                Some(k) if RESERVED.contains(&k) => {
                    Err(SyntaxError(format!("syntax error: unexpected \"{k}\"")))
                }
                _ => self.simple(),
            },
            Some(Token::Redirect { .. }) => self.simple(),
            Some(token) => Err(unexpected(token)),
        }
    }

    fn case_clause(&mut self) -> Result<Rc<Node>, SyntaxError> {
        self.pos += 1;
        let subject = match self.peek().cloned() {
            Some(Token::Word(word)) => word,
            Some(token) => return Err(unexpected(&token)),
            None => return Err(end_of_file()),
        };
        self.pos += 1;
        self.expect_keyword("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            if self.peek_keyword() == Some("esac") {
                self.pos += 1;
                break;
            }
            if matches!(self.peek(), Some(Token::LParen)) {
                self.pos += 1;
            }
            let mut patterns = Vec::new();
            loop {
                match self.peek().cloned() {
                    Some(Token::Word(word)) => {
                        self.pos += 1;
                        patterns.push(word);
                    }
                    Some(token) => return Err(unexpected(&token)),
                    None => return Err(end_of_file()),
                }
                match self.peek() {
                    Some(Token::Pipe) => self.pos += 1,
                    Some(Token::RParen) => {
                        self.pos += 1;
                        break;
                    }
                    Some(token) => return Err(unexpected(token)),
                    None => return Err(end_of_file()),
                }
            }
            let body = self.list(&["esac"])?;
            arms.push((patterns, body));
            match self.peek() {
                Some(Token::DoubleSemi) => self.pos += 1,
                _ => {
                    self.expect_keyword("esac")?;
                    break;
                }
            }
        }
        Ok(Rc::new(Node::Case { subject, arms }))
    }

    fn if_clause(&mut self) -> Result<Rc<Node>, SyntaxError> {
        self.pos += 1;
        let mut clauses = Vec::new();
        let mut otherwise = None;
        loop {
            let condition = self.list(&["then"])?;
            self.expect_keyword("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            clauses.push((condition, body));
            self.skip_newlines();
            match self.peek_keyword() {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"])?);
                    self.expect_keyword("fi")?;
                    break;
                }
                Some("fi") => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.peek().map(unexpected).unwrap_or_else(end_of_file)),
            }
        }
        Ok(Rc::new(Node::If { clauses, otherwise }))
    }

    fn loop_clause(&mut self, until: bool) -> Result<Rc<Node>, SyntaxError> {
        self.pos += 1;
        let condition = self.list(&["do"])?;
        self.expect_keyword("do")?;
        let body = self.list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Rc::new(Node::Loop { until, condition, body }))
    }

    fn for_clause(&mut self) -> Result<Rc<Node>, SyntaxError> {
        self.pos += 1;
        let var = match self.peek() {
            Some(Token::Word(w)) => match plain_literal(w) {
                Some(name) => name.to_string(),
                None => return Err(SyntaxError("syntax error: bad for loop variable".to_string())),
            },
            Some(token) => return Err(unexpected(token)),
            None => return Err(end_of_file()),
        };
        self.pos += 1;
        self.skip_newlines();
        let mut words = None;
        if self.peek_keyword() == Some("in") {
            self.pos += 1;
            let mut list = Vec::new();
            while let Some(Token::Word(w)) = self.peek() {
                list.push(w.clone());
                self.pos += 1;
            }
            words = Some(list);
        }
        match self.peek() {
            Some(Token::Semi) | Some(Token::Newline) => self.pos += 1,
            _ => {}
        }
        self.expect_keyword("do")?;
        let body = self.list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Rc::new(Node::For { var, words, body }))
    }

    fn simple(&mut self) -> Result<Rc<Node>, SyntaxError> {
        let mut command = SimpleCommand {
            assignments: Vec::new(),
            arrays: Vec::new(),
            words: Vec::new(),
            redirects: Vec::new(),
        };
        loop {
            match self.peek().cloned() {
                Some(Token::Word(word)) => {
                    self.pos += 1;
                    if command.words.is_empty() {
                        if let Some((name, value)) = split_assignment(&word) {
                            let empty = value == [WordPart::Quoted(String::new())];
                            if empty && matches!(self.peek(), Some(Token::LParen)) {
                                self.pos += 1;
                                command.arrays.push((name, self.array_elements()?));
                                continue;
                            }
                            command.assignments.push((name, value));
                            continue;
                        }
                    }
                    command.words.push(word);
                }
                Some(Token::Redirect { fd, op }) => {
                    self.pos += 1;
                    match self.peek().cloned() {
                        Some(Token::Word(target)) => {
                            self.pos += 1;
                            command.redirects.push(Redirect { fd, op, target });
                        }
                        Some(token) => return Err(unexpected(&token)),
                        None => return Err(end_of_file()),
                    }
                }
                _ => break,
            }
        }
        Ok(Rc::new(Node::Simple(command)))
    }
}

impl Parser {
    /// The words of `( … )` after `name=`, up to the closing parenthesis.
    fn array_elements(&mut self) -> Result<Vec<Word>, SyntaxError> {
        let mut elements = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Token::Word(word)) => {
                    self.pos += 1;
                    elements.push(word);
                }
                Some(Token::Newline) => self.pos += 1,
                Some(Token::RParen) => {
                    self.pos += 1;
                    return Ok(elements);
                }
                Some(token) => return Err(unexpected(&token)),
                None => return Err(end_of_file()),
            }
        }
    }
}

/// `NAME=value` as the first literal part of a word.
fn split_assignment(word: &Word) -> Option<(String, Word)> {
    let WordPart::Lit(first) = word.first()? else {
        return None;
    };
    let eq = first.find('=')?;
    let name = &first[..eq];
    let valid = !name.is_empty()
        && name.chars().all(|c| c == '_' || c.is_ascii_alphanumeric())
        && !name.starts_with(|c: char| c.is_ascii_digit());
    if !valid {
        return None;
    }
    let mut value: Word = Vec::new();
    let rest = &first[eq + 1..];
    if !rest.is_empty() {
        value.push(WordPart::Lit(rest.to_string()));
    }
    value.extend(word.iter().skip(1).cloned());
    if value.is_empty() {
        value.push(WordPart::Quoted(String::new()));
    }
    Some((name.to_string(), value))
}
