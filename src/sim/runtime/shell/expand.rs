//! Word expansion: parameters (`$X`, `${X:-d}`, `${#X}`), command substitution, arithmetic,
//! quote removal and field splitting of unquoted results. Globs are left as written.

use super::exec::{glob_match, Shell};
use super::lexer::{tokenize, ParamOp, Token, Word, WordPart};
use super::parser::parse;
use crate::sim::runtime::host::ProcessHost;

/// Expands words in the context of a running shell.
pub struct Expander<'a> {
    pub shell: &'a mut Shell,
    pub host: &'a mut dyn ProcessHost,
}

/// Expands a list of words into fields (argv).
pub fn expand_words(expander: &mut Expander<'_>, words: &[Word]) -> Vec<String> {
    let mut fields = Vec::new();
    for word in words {
        fields.extend(expander.expand_fields(word));
    }
    fields
}

impl Expander<'_> {
    /// Expands one word without field splitting (assignments, redirection targets).
    pub fn expand_single(&mut self, word: &Word) -> String {
        let mut text = String::new();
        for part in word {
            text.push_str(&self.part_text(part));
        }
        text
    }

    fn expand_fields(&mut self, word: &Word) -> Vec<String> {
        let mut fields = Vec::new();
        let mut current = String::new();
        let mut has_field = false;
        for part in word {
            let (text, split) = match part {
                WordPart::Lit(text) => (text.clone(), false),
                WordPart::Quoted(text) => {
                    has_field = true;
                    (text.clone(), false)
                }
                WordPart::Param { quoted, .. }
                | WordPart::CmdSub { quoted, .. }
                | WordPart::Arith { quoted, .. } => {
                    if *quoted {
                        has_field = true;
                    }
                    (self.part_text(part), !*quoted)
                }
            };
            if !split {
                if !text.is_empty() {
                    has_field = true;
                }
                current.push_str(&text);
                continue;
            }
            for c in text.chars() {
                if c == ' ' || c == '\t' || c == '\n' {
                    if has_field || !current.is_empty() {
                        fields.push(std::mem::take(&mut current));
                        has_field = false;
                    }
                } else {
                    current.push(c);
                    has_field = true;
                }
            }
        }
        if has_field || !current.is_empty() {
            fields.push(current);
        }
        fields
    }

    fn part_text(&mut self, part: &WordPart) -> String {
        match part {
            WordPart::Lit(text) | WordPart::Quoted(text) => text.clone(),
            WordPart::Param { name, op, .. } => self.param(name, op),
            WordPart::CmdSub { source, .. } => self.command_substitution(source),
            WordPart::Arith { source, .. } => {
                let expanded = self.expand_text(source);
                match arithmetic(&expanded, &mut |name| {
                    self.shell.lookup_var(name, &*self.host).and_then(|v| v.trim().parse::<i64>().ok())
                }) {
                    Some(value) => value.to_string(),
                    None => String::new(),
                }
            }
        }
    }

    /// Expands `$…` inside a text that is not a shell word (arithmetic, `${x:-word}` operands).
    fn expand_text(&mut self, text: &str) -> String {
        match tokenize(&format!("\"{}\"", text.replace('"', "\\\""))) {
            Ok(tokens) => match tokens.first() {
                Some(Token::Word(word)) => self.expand_single(word),
                _ => text.to_string(),
            },
            Err(_) => text.to_string(),
        }
    }

    fn param(&mut self, name: &str, op: &ParamOp) -> String {
        let value = self.shell.lookup_var(name, &*self.host);
        let unset_or_empty = |colon: bool, v: &Option<String>| match v {
            None => true,
            Some(s) => colon && s.is_empty(),
        };
        match op {
            ParamOp::Plain => value.unwrap_or_default(),
            ParamOp::RemovePrefix { pattern, longest } => {
                let value = value.unwrap_or_default();
                let pattern = self.expand_text(pattern);
                let cuts: Vec<usize> = value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
                let mut order: Vec<&usize> = cuts.iter().collect();
                if *longest {
                    order.reverse();
                }
                match order.into_iter().find(|&&i| glob_match(&pattern, &value[..i])) {
                    Some(&i) => value[i..].to_string(),
                    None => value,
                }
            }
            ParamOp::RemoveSuffix { pattern, longest } => {
                let value = value.unwrap_or_default();
                let pattern = self.expand_text(pattern);
                let mut cuts: Vec<usize> =
                    value.char_indices().map(|(i, _)| i).chain([value.len()]).collect();
                if !*longest {
                    cuts.reverse();
                }
                match cuts.into_iter().find(|&i| glob_match(&pattern, &value[i..])) {
                    Some(i) => value[..i].to_string(),
                    None => value,
                }
            }
            ParamOp::Index { subscript } => {
                if subscript == "@" || subscript == "*" {
                    return self.shell.array(name).join(" ");
                }
                let expanded = self.expand_text(subscript);
                let index = arithmetic(&expanded, &mut |n| {
                    self.shell.lookup_var(n, &*self.host).and_then(|v| v.trim().parse::<i64>().ok())
                })
                .unwrap_or(0);
                let elements = self.shell.array(name);
                match usize::try_from(index) {
                    Ok(i) => elements.get(i).cloned().unwrap_or_default(),
                    Err(_) => String::new(),
                }
            }
            ParamOp::Length => value.map(|v| v.chars().count()).unwrap_or(0).to_string(),
            ParamOp::Default { word, colon } => {
                if unset_or_empty(*colon, &value) {
                    self.expand_text(word)
                } else {
                    value.unwrap_or_default()
                }
            }
            ParamOp::Assign { word, colon } => {
                if unset_or_empty(*colon, &value) {
                    let text = self.expand_text(word);
                    self.shell.set_var(name, text.clone());
                    text
                } else {
                    value.unwrap_or_default()
                }
            }
            ParamOp::Alternative { word, colon } => {
                if unset_or_empty(*colon, &value) {
                    String::new()
                } else {
                    self.expand_text(word)
                }
            }
            ParamOp::Error { word, colon } => {
                if unset_or_empty(*colon, &value) {
                    let message = if word.is_empty() {
                        "parameter not set".to_string()
                    } else {
                        self.expand_text(word)
                    };
                    let shell = self.shell.toolbox().shell_name();
                    self.shell.report_expansion_error(format!("{shell}: {name}: {message}\n"));
                    String::new()
                } else {
                    value.unwrap_or_default()
                }
            }
        }
    }

    fn command_substitution(&mut self, source: &str) -> String {
        // `$(<file)`: the file's content, without running anything.
        if let Some(file) = source.trim().strip_prefix('<') {
            let file = file.trim();
            if !file.is_empty() && !file.contains(char::is_whitespace) {
                let path = crate::sim::runtime::filesystem::absolute_path(self.shell.cwd(), file);
                let mut text = self.host.fs().read(&path).unwrap_or_default();
                while text.ends_with('\n') {
                    text.pop();
                }
                return text;
            }
        }
        let Ok(node) = parse(source) else {
            return String::new();
        };
        let (mut output, code) = self.shell.run_detached(node, None, &mut *self.host);
        let _ = code;
        while output.ends_with('\n') {
            output.pop();
        }
        output
    }
}

/// Evaluates a shell arithmetic expression (`+ - * / %`, comparisons, `&& ||`, parentheses,
/// variables by name). `None` on a syntax error or division by zero.
pub fn arithmetic(source: &str, lookup: &mut dyn FnMut(&str) -> Option<i64>) -> Option<i64> {
    let tokens = arith_tokens(source)?;
    let mut parser = ArithParser { tokens, pos: 0, lookup };
    let value = parser.expr(0)?;
    if parser.pos != parser.tokens.len() {
        return None;
    }
    Some(value)
}

#[derive(Clone, Debug, PartialEq)]
enum ArithToken {
    Num(i64),
    Name(String),
    Op(String),
}

fn arith_tokens(source: &str) -> Option<Vec<ArithToken>> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(|c| c.is_ascii_digit()) {
                i += 1;
            }
            let text: String = chars[start..i].iter().collect();
            tokens.push(ArithToken::Num(text.parse().ok()?));
        } else if c == '_' || c.is_ascii_alphabetic() {
            let start = i;
            while chars.get(i).is_some_and(|c| *c == '_' || c.is_ascii_alphanumeric()) {
                i += 1;
            }
            tokens.push(ArithToken::Name(chars[start..i].iter().collect()));
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "==", "!=", "&&", "||"].contains(&two.as_str()) {
                tokens.push(ArithToken::Op(two));
                i += 2;
            } else if "+-*/%()<>!".contains(c) {
                tokens.push(ArithToken::Op(c.to_string()));
                i += 1;
            } else {
                return None;
            }
        }
    }
    Some(tokens)
}

struct ArithParser<'a> {
    tokens: Vec<ArithToken>,
    pos: usize,
    lookup: &'a mut dyn FnMut(&str) -> Option<i64>,
}

fn precedence(op: &str) -> Option<u8> {
    Some(match op {
        "||" => 1,
        "&&" => 2,
        "==" | "!=" => 3,
        "<" | ">" | "<=" | ">=" => 4,
        "+" | "-" => 5,
        "*" | "/" | "%" => 6,
        _ => return None,
    })
}

impl ArithParser<'_> {
    fn expr(&mut self, min: u8) -> Option<i64> {
        let mut left = self.unary()?;
        while let Some(ArithToken::Op(op)) = self.tokens.get(self.pos).cloned() {
            let Some(prec) = precedence(&op) else { break };
            if prec <= min {
                break;
            }
            self.pos += 1;
            let right = self.expr(prec)?;
            left = match op.as_str() {
                "+" => left.wrapping_add(right),
                "-" => left.wrapping_sub(right),
                "*" => left.wrapping_mul(right),
                "/" => left.checked_div(right)?,
                "%" => left.checked_rem(right)?,
                "<" => i64::from(left < right),
                ">" => i64::from(left > right),
                "<=" => i64::from(left <= right),
                ">=" => i64::from(left >= right),
                "==" => i64::from(left == right),
                "!=" => i64::from(left != right),
                "&&" => i64::from(left != 0 && right != 0),
                "||" => i64::from(left != 0 || right != 0),
                _ => return None,
            };
        }
        Some(left)
    }

    fn unary(&mut self) -> Option<i64> {
        let token = self.tokens.get(self.pos).cloned()?;
        self.pos += 1;
        match token {
            ArithToken::Num(n) => Some(n),
            ArithToken::Name(name) => Some((self.lookup)(&name).unwrap_or(0)),
            ArithToken::Op(op) => match op.as_str() {
                "-" => Some(self.unary()?.wrapping_neg()),
                "+" => self.unary(),
                "!" => Some(i64::from(self.unary()? == 0)),
                "(" => {
                    let value = self.expr(0)?;
                    match self.tokens.get(self.pos) {
                        Some(ArithToken::Op(close)) if close == ")" => {
                            self.pos += 1;
                            Some(value)
                        }
                        _ => None,
                    }
                }
                _ => None,
            },
        }
    }
}
