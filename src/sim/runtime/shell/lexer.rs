//! Splits shell source into words and operators, keeping quoting so expansion can tell quoted
//! from unquoted text (only unquoted expansions are field-split).

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WordPart {
    /// Unquoted literal text.
    Lit(String),
    /// Text from single quotes, double quotes or a backslash escape: never split.
    Quoted(String),
    /// `$name`, `${name}`, `${name:-word}`, `${#name}`, `$?`, `$1`…
    Param { name: String, op: ParamOp, quoted: bool },
    /// `$(…)` or `` `…` ``: the inner source, run when expanded.
    CmdSub { source: String, quoted: bool },
    /// `$((…))`: the arithmetic expression source.
    Arith { source: String, quoted: bool },
}

/// The operator of a `${…}` parameter expansion; operands are kept as source and expanded lazily.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#name}`
    Length,
    /// `${name:-word}` (colon = also when empty)
    Default {
        word: String,
        colon: bool,
    },
    /// `${name:=word}`
    Assign {
        word: String,
        colon: bool,
    },
    /// `${name:+word}`
    Alternative {
        word: String,
        colon: bool,
    },
    /// `${name:?word}`
    Error {
        word: String,
        colon: bool,
    },
    /// `${name#pattern}` / `${name##pattern}`: remove the shortest / longest matching prefix.
    RemovePrefix {
        pattern: String,
        longest: bool,
    },
    /// `${name%pattern}` / `${name%%pattern}`: remove the shortest / longest matching suffix.
    RemoveSuffix {
        pattern: String,
        longest: bool,
    },
    /// `${name[subscript]}` (bash arrays; `@` or `*` = every element).
    Index {
        subscript: String,
    },
}

/// A shell word: the concatenation of its parts.
pub type Word = Vec<WordPart>;

/// A lexical token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Token {
    Word(Word),
    Newline,
    Semi,
    DoubleSemi,
    Amp,
    AndAnd,
    OrOr,
    Pipe,
    LParen,
    RParen,
    /// A redirection operator with its file descriptor (`2>` → fd 2).
    Redirect {
        fd: u32,
        op: RedirectOp,
    },
}

/// Redirection operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RedirectOp {
    /// `>` (and `>|`)
    Write,
    /// `>>`
    Append,
    /// `<`
    Read,
    /// `>&N` (target word is the fd)
    DupOut,
    /// `&>` (stdout and stderr to a file)
    WriteBoth,
    /// `<<WORD` / `<<-WORD`: the target word is the document itself.
    HereDoc,
}

/// The lexer's error, worded like the shell's syntax errors.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LexError(pub String);

/// The text of a word if it is a single unquoted literal (keywords, assignments, `{`).
pub fn plain_literal(word: &Word) -> Option<&str> {
    match word.as_slice() {
        [WordPart::Lit(text)] => Some(text.as_str()),
        _ => None,
    }
}

/// Tokenises shell source.
pub fn tokenize(source: &str) -> Result<Vec<Token>, LexError> {
    let chars: Vec<char> = source.chars().collect();
    let mut lexer = Lexer { chars, pos: 0, pending_heredocs: Vec::new(), in_double_bracket: false };
    lexer.run()
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    /// Here-documents whose bodies start after the current line: the index of the token to
    /// fill, the delimiter, whether it was quoted (no expansion), and `<<-` (strip tabs).
    pending_heredocs: Vec<(usize, String, bool, bool)>,
    /// Inside bash's `[[ … ]]`, where `(`, `)`, `|`, `<` and `>` belong to the words (regexes).
    in_double_bracket: bool,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn run(&mut self) -> Result<Vec<Token>, LexError> {
        let mut tokens = Vec::new();
        while let Some(c) = self.peek() {
            if self.in_double_bracket && self.is_bracket_word_char(c) {
                let word = self.word()?;
                self.track_double_bracket(&word);
                tokens.push(Token::Word(word));
                continue;
            }
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '\\' if self.peek_at(1) == Some('\n') => self.pos += 2,
                '\n' => {
                    self.pos += 1;
                    tokens.push(Token::Newline);
                    self.read_heredoc_bodies(&mut tokens)?;
                }
                '<' if self.peek_at(1) == Some('<') => {
                    self.pos += 2;
                    let strip_tabs = self.peek() == Some('-');
                    if strip_tabs {
                        self.pos += 1;
                    }
                    while matches!(self.peek(), Some(' ') | Some('\t')) {
                        self.pos += 1;
                    }
                    let delimiter_word = self.word()?;
                    let quoted = delimiter_word.iter().any(|p| matches!(p, WordPart::Quoted(_)));
                    let delimiter: String = delimiter_word
                        .iter()
                        .map(|p| match p {
                            WordPart::Lit(t) | WordPart::Quoted(t) => t.clone(),
                            _ => String::new(),
                        })
                        .collect();
                    tokens.push(Token::Redirect { fd: 0, op: RedirectOp::HereDoc });
                    self.pending_heredocs.push((tokens.len(), delimiter, quoted, strip_tabs));
                    tokens.push(Token::Word(vec![WordPart::Quoted(String::new())]));
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                ';' => {
                    if self.peek_at(1) == Some(';') {
                        self.pos += 2;
                        tokens.push(Token::DoubleSemi);
                    } else {
                        self.pos += 1;
                        tokens.push(Token::Semi);
                    }
                }
                '&' => {
                    if self.peek_at(1) == Some('&') {
                        self.pos += 2;
                        tokens.push(Token::AndAnd);
                    } else if self.peek_at(1) == Some('>') {
                        self.pos += 2;
                        tokens.push(Token::Redirect { fd: 1, op: RedirectOp::WriteBoth });
                    } else {
                        self.pos += 1;
                        tokens.push(Token::Amp);
                    }
                }
                '|' => {
                    if self.peek_at(1) == Some('|') {
                        self.pos += 2;
                        tokens.push(Token::OrOr);
                    } else {
                        self.pos += 1;
                        tokens.push(Token::Pipe);
                    }
                }
                '(' => {
                    self.pos += 1;
                    tokens.push(Token::LParen);
                }
                ')' => {
                    self.pos += 1;
                    tokens.push(Token::RParen);
                }
                '>' | '<' => tokens.push(self.redirect(None)),
                d if d.is_ascii_digit() && self.is_fd_prefix() => {
                    let fd = d.to_digit(10).unwrap_or(1);
                    self.pos += 1;
                    tokens.push(self.redirect(Some(fd)));
                }
                _ => {
                    let word = self.word()?;
                    self.track_double_bracket(&word);
                    tokens.push(Token::Word(word));
                }
            }
        }
        Ok(tokens)
    }

    /// Reads the bodies of the here-documents opened on the line just ended.
    fn read_heredoc_bodies(&mut self, tokens: &mut [Token]) -> Result<(), LexError> {
        for (index, delimiter, quoted, strip_tabs) in std::mem::take(&mut self.pending_heredocs) {
            let mut body = String::new();
            let mut found = false;
            while self.pos < self.chars.len() {
                let end = self.chars[self.pos..].iter().position(|c| *c == '\n').map(|i| self.pos + i);
                let line: String = self.chars[self.pos..end.unwrap_or(self.chars.len())].iter().collect();
                self.pos = end.map(|e| e + 1).unwrap_or(self.chars.len());
                let line = if strip_tabs { line.trim_start_matches('\t').to_string() } else { line };
                if line == delimiter {
                    found = true;
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if !found && !delimiter.is_empty() && body.is_empty() {
                return Err(LexError(format!("here document `{delimiter}` has no end")));
            }
            let word = if quoted {
                vec![WordPart::Quoted(body)]
            } else {
                // Unquoted delimiter: `$…` and `` `…` `` expand as inside double quotes.
                let mut inner = Lexer {
                    chars: body.chars().map(|c| if c == '"' { '\u{1}' } else { c }).collect(),
                    pos: 0,
                    pending_heredocs: Vec::new(),
                    in_double_bracket: false,
                };
                inner.chars.push('"');
                let mut parts = Vec::new();
                inner.double_quoted(&mut parts)?;
                parts
                    .into_iter()
                    .map(|part| match part {
                        WordPart::Quoted(text) => WordPart::Quoted(text.replace('\u{1}', "\"")),
                        other => other,
                    })
                    .collect()
            };
            if let Some(token) = tokens.get_mut(index) {
                *token = Token::Word(word);
            }
        }
        Ok(())
    }

    /// Whether `c` continues a word inside `[[ … ]]` (a lone `|`, parentheses, `<`, `>`).
    fn is_bracket_word_char(&self, c: char) -> bool {
        self.in_double_bracket
            && match c {
                '(' | ')' | '<' | '>' => true,
                '|' => self.peek_at(1) != Some('|') && self.chars.get(self.pos.wrapping_sub(1)) != Some(&'|'),
                _ => false,
            }
    }

    fn track_double_bracket(&mut self, word: &Word) {
        match plain_literal(word) {
            Some("[[") => self.in_double_bracket = true,
            Some("]]") => self.in_double_bracket = false,
            _ => {}
        }
    }

    /// `2>` / `1>&2`: a single digit directly followed by a redirection operator.
    fn is_fd_prefix(&self) -> bool {
        matches!(self.peek_at(1), Some('>') | Some('<'))
    }

    fn redirect(&mut self, fd: Option<u32>) -> Token {
        let c = self.peek().unwrap_or('>');
        self.pos += 1;
        if c == '<' {
            return Token::Redirect { fd: fd.unwrap_or(0), op: RedirectOp::Read };
        }
        let fd = fd.unwrap_or(1);
        match self.peek() {
            Some('>') => {
                self.pos += 1;
                Token::Redirect { fd, op: RedirectOp::Append }
            }
            Some('&') => {
                self.pos += 1;
                Token::Redirect { fd, op: RedirectOp::DupOut }
            }
            Some('|') => {
                self.pos += 1;
                Token::Redirect { fd, op: RedirectOp::Write }
            }
            _ => Token::Redirect { fd, op: RedirectOp::Write },
        }
    }

    fn word(&mut self) -> Result<Word, LexError> {
        let mut parts: Word = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' | '\n' | ';' | '&' => break,
                '|' | '(' | ')' | '<' | '>' if !self.is_bracket_word_char(c) => break,
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(next) => {
                            self.pos += 1;
                            flush(&mut parts, &mut lit);
                            parts.push(WordPart::Quoted(next.to_string()));
                        }
                        None => lit.push('\\'),
                    }
                }
                '\'' => {
                    self.pos += 1;
                    let mut text = String::new();
                    loop {
                        match self.peek() {
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                text.push(ch);
                                self.pos += 1;
                            }
                            None => {
                                return Err(LexError("unterminated quoted string".to_string()));
                            }
                        }
                    }
                    flush(&mut parts, &mut lit);
                    parts.push(WordPart::Quoted(text));
                }
                '"' => {
                    self.pos += 1;
                    flush(&mut parts, &mut lit);
                    self.double_quoted(&mut parts)?;
                }
                '$' => {
                    if let Some(part) = self.dollar(false)? {
                        flush(&mut parts, &mut lit);
                        parts.push(part);
                    } else {
                        lit.push('$');
                    }
                }
                '`' => {
                    flush(&mut parts, &mut lit);
                    let source = self.backtick()?;
                    parts.push(WordPart::CmdSub { source, quoted: false });
                }
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut parts, &mut lit);
        if parts.is_empty() {
            parts.push(WordPart::Quoted(String::new()));
        }
        Ok(parts)
    }

    fn double_quoted(&mut self, parts: &mut Word) -> Result<(), LexError> {
        let mut text = String::new();
        // `""` must still produce an (empty) field.
        let mut produced = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(LexError("unterminated quoted string".to_string()));
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some(next @ ('$' | '`' | '"' | '\\')) => {
                            text.push(next);
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        _ => text.push('\\'),
                    }
                }
                '$' => {
                    if let Some(part) = self.dollar(true)? {
                        if !text.is_empty() {
                            parts.push(WordPart::Quoted(std::mem::take(&mut text)));
                        }
                        parts.push(part);
                        produced = true;
                    } else {
                        text.push('$');
                    }
                }
                '`' => {
                    if !text.is_empty() {
                        parts.push(WordPart::Quoted(std::mem::take(&mut text)));
                    }
                    let source = self.backtick()?;
                    parts.push(WordPart::CmdSub { source, quoted: true });
                    produced = true;
                }
                _ => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        if !text.is_empty() || !produced {
            parts.push(WordPart::Quoted(text));
        }
        Ok(())
    }

    fn backtick(&mut self) -> Result<String, LexError> {
        self.pos += 1;
        let mut source = String::new();
        loop {
            match self.peek() {
                Some('`') => {
                    self.pos += 1;
                    return Ok(source);
                }
                Some('\\') if matches!(self.peek_at(1), Some('`') | Some('\\') | Some('$')) => {
                    source.push(self.peek_at(1).unwrap_or('\\'));
                    self.pos += 2;
                }
                Some(c) => {
                    source.push(c);
                    self.pos += 1;
                }
                None => return Err(LexError("unterminated quoted string".to_string())),
            }
        }
    }

    /// Reads an expansion starting at `$`; `None` when the `$` is literal.
    fn dollar(&mut self, quoted: bool) -> Result<Option<WordPart>, LexError> {
        let next = self.peek_at(1);
        match next {
            Some('(') => {
                if self.peek_at(2) == Some('(') {
                    self.pos += 3;
                    let source = self.balanced(2)?;
                    Ok(Some(WordPart::Arith { source, quoted }))
                } else {
                    self.pos += 2;
                    let source = self.balanced(1)?;
                    Ok(Some(WordPart::CmdSub { source, quoted }))
                }
            }
            Some('{') => {
                self.pos += 2;
                let mut inner = String::new();
                let mut depth = 1;
                loop {
                    match self.peek() {
                        Some('}') => {
                            depth -= 1;
                            self.pos += 1;
                            if depth == 0 {
                                break;
                            }
                            inner.push('}');
                        }
                        Some('{') => {
                            depth += 1;
                            inner.push('{');
                            self.pos += 1;
                        }
                        Some(c) => {
                            inner.push(c);
                            self.pos += 1;
                        }
                        None => return Err(LexError("missing '}'".to_string())),
                    }
                }
                Ok(Some(parse_braced(&inner, quoted)?))
            }
            Some(c) if c == '_' || c.is_ascii_alphabetic() => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if c == '_' || c.is_ascii_alphanumeric() {
                        name.push(c);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                Ok(Some(WordPart::Param { name, op: ParamOp::Plain, quoted }))
            }
            Some(c) if c.is_ascii_digit() || "?$#@*!-".contains(c) => {
                self.pos += 2;
                Ok(Some(WordPart::Param { name: c.to_string(), op: ParamOp::Plain, quoted }))
            }
            _ => {
                self.pos += 1;
                Ok(None)
            }
        }
    }

    /// Reads up to the `)` (or `))` for arithmetic) closing an expansion, honouring nesting
    /// and quotes; the opening parentheses are already consumed.
    fn balanced(&mut self, closing: usize) -> Result<String, LexError> {
        let mut source = String::new();
        let mut depth = 0usize;
        let mut in_single = false;
        let mut in_double = false;
        loop {
            let Some(c) = self.peek() else {
                return Err(LexError("unterminated command substitution: missing ')'".to_string()));
            };
            if in_single {
                in_single = c != '\'';
            } else if c == '\\' && !in_single {
                source.push(c);
                self.pos += 1;
                if let Some(n) = self.peek() {
                    source.push(n);
                    self.pos += 1;
                }
                continue;
            } else if c == '"' {
                in_double = !in_double;
            } else if c == '\'' && !in_double {
                in_single = true;
            } else if !in_double && c == '(' {
                depth += 1;
            } else if !in_double && c == ')' {
                if depth == 0 {
                    if closing == 2 {
                        if self.peek_at(1) == Some(')') {
                            self.pos += 2;
                            return Ok(source);
                        }
                    } else {
                        self.pos += 1;
                        return Ok(source);
                    }
                } else {
                    depth -= 1;
                }
            }
            source.push(c);
            self.pos += 1;
        }
    }
}

fn flush(parts: &mut Word, lit: &mut String) {
    if !lit.is_empty() {
        parts.push(WordPart::Lit(std::mem::take(lit)));
    }
}

fn parse_braced(inner: &str, quoted: bool) -> Result<WordPart, LexError> {
    if let Some(name) = inner.strip_prefix('#') {
        if !name.is_empty() {
            return Ok(WordPart::Param { name: name.to_string(), op: ParamOp::Length, quoted });
        }
    }
    let name_len = inner
        .char_indices()
        .find(|(i, c)| !(*c == '_' || c.is_ascii_alphanumeric() || (*i == 0 && "?$#@*!".contains(*c))))
        .map(|(i, _)| i)
        .unwrap_or(inner.len());
    let name = &inner[..name_len];
    let rest = &inner[name_len..];
    if name.is_empty() {
        return Err(LexError(format!("${{{inner}}}: bad substitution")));
    }
    for (marker, prefix) in [('#', true), ('%', false)] {
        if let Some(pattern) = rest.strip_prefix(marker) {
            let (longest, pattern) = match pattern.strip_prefix(marker) {
                Some(p) => (true, p),
                None => (false, pattern),
            };
            let pattern = pattern.to_string();
            let op = if prefix {
                ParamOp::RemovePrefix { pattern, longest }
            } else {
                ParamOp::RemoveSuffix { pattern, longest }
            };
            return Ok(WordPart::Param { name: name.to_string(), op, quoted });
        }
    }
    if let Some(subscript) = rest.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
        let op = ParamOp::Index { subscript: subscript.to_string() };
        return Ok(WordPart::Param { name: name.to_string(), op, quoted });
    }
    let (colon, rest) = match rest.strip_prefix(':') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    let op = if rest.is_empty() && !colon {
        ParamOp::Plain
    } else {
        let mut chars = rest.chars();
        let kind = chars.next();
        let word = chars.as_str().to_string();
        match kind {
            Some('-') => ParamOp::Default { word, colon },
            Some('=') => ParamOp::Assign { word, colon },
            Some('+') => ParamOp::Alternative { word, colon },
            Some('?') => ParamOp::Error { word, colon },
            _ => return Err(LexError(format!("${{{inner}}}: bad substitution"))),
        }
    };
    Ok(WordPart::Param { name: name.to_string(), op, quoted })
}
