//! Text utilities with small languages of their own: `grep` (regex patterns), `awk` (field
//! printing with an optional pattern), `printf` formats and `echo -e` escapes.

use regex_lite::{Regex, RegexBuilder};

use super::commands::{CommandOutcome, Ctx};

/// Interprets backslash escapes (`\n`, `\t`, `\\`, `\c` stops output). Returns the text and
/// whether `\c` was seen.
pub fn unescape(text: &str) -> (String, bool) {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('a') => out.push('\u{7}'),
            Some('e') => out.push('\u{1b}'),
            Some('c') => return (out, true),
            Some('0') => {
                let mut code = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                if let Some(ch) = char::from_u32(code) {
                    out.push(ch);
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    (out, false)
}

/// The widest `printf` field honoured (wider ones are clamped rather than filling memory).
const MAX_FIELD_WIDTH: usize = 4096;

/// `printf FORMAT ARGS…`: `%s %d %i %x %c %%` with widths, reused while arguments remain.
pub fn printf_format(format: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut index = 0;
    loop {
        let mut consumed = false;
        let mut chars = format.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\\' {
                let mut escape = String::from("\\");
                if let Some(n) = chars.next() {
                    escape.push(n);
                }
                out.push_str(&unescape(&escape).0);
                continue;
            }
            if c != '%' {
                out.push(c);
                continue;
            }
            let mut spec = String::new();
            while let Some(&n) = chars.peek() {
                if n == '-' || n == '.' || n.is_ascii_digit() {
                    spec.push(n);
                    chars.next();
                } else {
                    break;
                }
            }
            let Some(conv) = chars.next() else {
                out.push('%');
                break;
            };
            if conv == '%' {
                out.push('%');
                continue;
            }
            let arg = args.get(index).cloned().unwrap_or_default();
            index += 1;
            consumed = true;
            let left = spec.starts_with('-');
            let width: usize = spec
                .trim_start_matches('-')
                .split('.')
                .next()
                .and_then(|w| w.parse().ok())
                .unwrap_or(0usize)
                .min(MAX_FIELD_WIDTH);
            let text = match conv {
                'd' | 'i' => arg.trim().parse::<i64>().unwrap_or(0).to_string(),
                'x' => format!("{:x}", arg.trim().parse::<i64>().unwrap_or(0)),
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'b' => unescape(&arg).0,
                _ => arg,
            };
            let padded = if left {
                format!("{text:<width$}")
            } else {
                format!("{text:>width$}")
            };
            out.push_str(&padded);
        }
        if !consumed || index >= args.len() {
            break;
        }
    }
    out
}

/// Turns a basic regular expression into the syntax `regex_lite` understands.
fn regex_from(pattern: &str, extended: bool, fixed: bool, ignore_case: bool) -> Option<Regex> {
    let source = if fixed {
        regex_lite::escape(pattern)
    } else if extended {
        pattern.to_string()
    } else {
        // BRE: `\|`, `\+`, `\?`, `\(`, `\)` are operators; bare `+?(){}|` are literals.
        let mut out = String::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some(op @ ('|' | '+' | '?' | '(' | ')' | '{' | '}')) => out.push(op),
                    Some(other) => {
                        out.push('\\');
                        out.push(other);
                    }
                    None => out.push_str("\\\\"),
                },
                '+' | '?' | '(' | ')' | '{' | '}' | '|' => {
                    out.push('\\');
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        out
    };
    RegexBuilder::new(&source)
        .case_insensitive(ignore_case)
        .build()
        .ok()
}

/// `grep [-qcvinEFo] PATTERN [FILE…]`: exit 0 on a match, 1 on none, 2 on an error.
pub fn grep(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut flags = String::new();
    let mut operands = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-e" {
            if let Some(p) = iter.next() {
                patterns.push(p.clone());
            }
        } else if arg.starts_with('-') && arg.len() > 1 {
            flags.push_str(&arg[1..]);
        } else {
            operands.push(arg.clone());
        }
    }
    if patterns.is_empty() {
        if operands.is_empty() {
            ctx.err.push_str("Usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n");
            return CommandOutcome::Status(2);
        }
        patterns.push(operands.remove(0));
    }
    let extended = flags.contains('E');
    let fixed = flags.contains('F');
    let ignore_case = flags.contains('i');
    let mut regexes = Vec::new();
    for pattern in &patterns {
        match regex_from(pattern, extended, fixed, ignore_case) {
            Some(regex) => regexes.push(regex),
            None => {
                ctx.err.push_str(&format!("grep: bad regex '{pattern}'\n"));
                return CommandOutcome::Status(2);
            }
        }
    }
    let invert = flags.contains('v');
    let (text, ok) = ctx.inputs("grep", &operands);
    let mut count = 0;
    let mut out = String::new();
    for (number, line) in text.lines().enumerate() {
        let matched = regexes.iter().any(|r| r.is_match(line)) != invert;
        if !matched {
            continue;
        }
        count += 1;
        if flags.contains('o') && !invert {
            for regex in &regexes {
                for m in regex.find_iter(line) {
                    out.push_str(m.as_str());
                    out.push('\n');
                }
            }
        } else if flags.contains('n') {
            out.push_str(&format!("{}:{line}\n", number + 1));
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if flags.contains('c') {
        ctx.out.push_str(&format!("{count}\n"));
    } else if !flags.contains('q') {
        ctx.out.push_str(&out);
    }
    if !ok && !flags.contains('s') {
        return CommandOutcome::Status(2);
    }
    CommandOutcome::Status(if count > 0 { 0 } else { 1 })
}

/// An awk program of the form `[PATTERN] { print ITEMS }` (or a bare pattern).
enum AwkPattern {
    Always,
    Regex(Regex),
    LineNumber(usize),
    FieldEquals(usize, String),
}

enum AwkItem {
    Field(usize),
    NumberOfFields,
    LineNumber,
    Literal(String),
}

fn parse_awk(program: &str) -> Option<(AwkPattern, Vec<(AwkItem, bool)>)> {
    let program = program.trim();
    let (pattern_text, action) = match program.find('{') {
        Some(i) => (
            program[..i].trim(),
            Some(program[i + 1..].trim_end().strip_suffix('}')?.trim()),
        ),
        None => (program, None),
    };
    let pattern = if pattern_text.is_empty() {
        AwkPattern::Always
    } else if let Some(regex) = pattern_text.strip_prefix('/').and_then(|p| p.strip_suffix('/')) {
        AwkPattern::Regex(Regex::new(regex).ok()?)
    } else if let Some(n) = pattern_text.strip_prefix("NR==") {
        AwkPattern::LineNumber(n.trim().parse().ok()?)
    } else if let Some((field, value)) = pattern_text.split_once("==") {
        let index = field.trim().strip_prefix('$')?.parse().ok()?;
        AwkPattern::FieldEquals(index, value.trim().trim_matches('"').to_string())
    } else {
        return None;
    };
    let mut items = Vec::new();
    match action {
        None => items.push((AwkItem::Field(0), false)),
        Some(action) => {
            let body = action.trim_end_matches(';').trim();
            let list = body.strip_prefix("print")?.trim();
            if list.is_empty() {
                items.push((AwkItem::Field(0), false));
            }
            let mut rest = list;
            while !rest.is_empty() {
                let (item, after) = if let Some(stripped) = rest.strip_prefix('"') {
                    let end = stripped.find('"')?;
                    (
                        AwkItem::Literal(stripped[..end].replace("\\n", "\n").replace("\\t", "\t")),
                        &stripped[end + 1..],
                    )
                } else {
                    let end = rest.find([',', ' ']).unwrap_or(rest.len());
                    let token = &rest[..end];
                    let item = match token {
                        "NF" => AwkItem::NumberOfFields,
                        "NR" => AwkItem::LineNumber,
                        "$NF" => AwkItem::Field(usize::MAX),
                        _ => AwkItem::Field(token.strip_prefix('$')?.parse().ok()?),
                    };
                    (item, &rest[end..])
                };
                let after = after.trim_start();
                let (comma, after) = match after.strip_prefix(',') {
                    Some(a) => (true, a.trim_start()),
                    None => (false, after),
                };
                items.push((item, comma));
                rest = after;
            }
        }
    }
    Some((pattern, items))
}

/// `awk [-F SEP] 'PROGRAM' [FILE…]` for field printing.
pub fn awk(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut separator: Option<String> = None;
    let mut operands = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        if arg == "-F" {
            separator = iter.next().cloned();
        } else if let Some(sep) = arg.strip_prefix("-F") {
            separator = Some(sep.to_string());
        } else {
            operands.push(arg.clone());
        }
    }
    if operands.is_empty() {
        ctx.err
            .push_str("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n");
        return CommandOutcome::Status(2);
    }
    let program = operands.remove(0);
    let Some((pattern, items)) = parse_awk(&program) else {
        ctx.err.push_str(&format!(
            "awk: cmd. line:1: {program}\nawk: cmd. line:1: syntax error\n"
        ));
        return CommandOutcome::Status(2);
    };
    let (text, ok) = ctx.inputs("awk", &operands);
    for (number, line) in text.lines().enumerate() {
        let fields: Vec<&str> = match &separator {
            Some(sep) if !sep.is_empty() && sep != " " => line.split(sep.as_str()).collect(),
            _ => line.split_whitespace().collect(),
        };
        let field = |i: usize| -> String {
            match i {
                0 => line.to_string(),
                usize::MAX => fields.last().map(|s| s.to_string()).unwrap_or_default(),
                i => fields.get(i - 1).map(|s| s.to_string()).unwrap_or_default(),
            }
        };
        let selected = match &pattern {
            AwkPattern::Always => true,
            AwkPattern::Regex(regex) => regex.is_match(line),
            AwkPattern::LineNumber(n) => number + 1 == *n,
            AwkPattern::FieldEquals(i, value) => field(*i) == *value,
        };
        if !selected {
            continue;
        }
        let mut out = String::new();
        for (item, comma) in &items {
            out.push_str(&match item {
                AwkItem::Field(i) => field(*i),
                AwkItem::NumberOfFields => fields.len().to_string(),
                AwkItem::LineNumber => (number + 1).to_string(),
                AwkItem::Literal(text) => text.clone(),
            });
            if *comma {
                out.push(' ');
            }
        }
        ctx.out.push_str(&out);
        ctx.out.push('\n');
    }
    CommandOutcome::Status(if ok { 0 } else { 2 })
}
