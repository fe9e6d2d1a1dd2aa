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
            let padded = if left { format!("{text:<width$}") } else { format!("{text:>width$}") };
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
    RegexBuilder::new(&source).case_insensitive(ignore_case).build().ok()
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
        Some(i) => (program[..i].trim(), Some(program[i + 1..].trim_end().strip_suffix('}')?.trim())),
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
        ctx.err.push_str("usage: awk [-F fs][-v var=value][prog | -f progfile][file ...]\n");
        return CommandOutcome::Status(2);
    }
    let program = operands.remove(0);
    let Some((pattern, items)) = parse_awk(&program) else {
        ctx.err.push_str(&format!("awk: cmd. line:1: {program}\nawk: cmd. line:1: syntax error\n"));
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

/// Stream filters: `tee [-a] FILE…`, `sort [-r] [-n] [-u]`, `uniq [-c]`, `cut -d D -f N[,M]`,
/// `tr SET1 SET2` / `tr -d SET`, and `sed [-e] 's/RE/REPL/[g]'` (one or more substitutions).
pub fn filter(ctx: &mut Ctx<'_>, name: &str, args: &[String]) -> CommandOutcome {
    let flags: String =
        args.iter().filter(|a| a.starts_with('-') && a.len() > 1).flat_map(|a| a.chars().skip(1)).collect();
    match name {
        "tee" => {
            let input = ctx.stdin.unwrap_or("").to_string();
            let append = flags.contains('a');
            let mut status = 0;
            for file in args.iter().filter(|a| !a.starts_with('-')) {
                let path = ctx.path(file);
                let result = if append {
                    ctx.host.fs().append(&path, &input)
                } else {
                    ctx.host.fs().write(&path, &input)
                };
                if let Err(error) = result {
                    ctx.err.push_str(&format!("tee: {file}: {}\n", error.message()));
                    status = 1;
                }
            }
            ctx.out.push_str(&input);
            CommandOutcome::Status(status)
        }
        "sort" => {
            let files: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
            let (text, ok) = ctx.inputs("sort", &files);
            let mut lines: Vec<&str> = text.lines().collect();
            if flags.contains('n') {
                let key =
                    |l: &str| l.split_whitespace().next().and_then(|n| n.parse::<f64>().ok()).unwrap_or(0.0);
                lines.sort_by(|a, b| key(a).total_cmp(&key(b)));
            } else {
                lines.sort();
            }
            if flags.contains('r') {
                lines.reverse();
            }
            if flags.contains('u') {
                lines.dedup();
            }
            for line in lines {
                ctx.out.push_str(line);
                ctx.out.push('\n');
            }
            CommandOutcome::Status(if ok { 0 } else { 2 })
        }
        "uniq" => {
            let files: Vec<String> = args.iter().filter(|a| !a.starts_with('-')).cloned().collect();
            let (text, ok) = ctx.inputs("uniq", &files);
            let mut runs: Vec<(usize, &str)> = Vec::new();
            for line in text.lines() {
                match runs.last_mut() {
                    Some((count, last)) if *last == line => *count += 1,
                    _ => runs.push((1, line)),
                }
            }
            for (count, line) in runs {
                if flags.contains('c') {
                    ctx.out.push_str(&format!("{count:>7} {line}\n"));
                } else {
                    ctx.out.push_str(&format!("{line}\n"));
                }
            }
            CommandOutcome::Status(if ok { 0 } else { 1 })
        }
        "cut" => {
            let mut delimiter = "\t".to_string();
            let mut fields: Vec<usize> = Vec::new();
            let mut files = Vec::new();
            let mut iter = args.iter();
            while let Some(arg) = iter.next() {
                let (flag, value) = if arg == "-d" || arg == "-f" {
                    (arg.as_str(), iter.next().cloned().unwrap_or_default())
                } else if let Some(v) = arg.strip_prefix("-d") {
                    ("-d", v.to_string())
                } else if let Some(v) = arg.strip_prefix("-f") {
                    ("-f", v.to_string())
                } else {
                    files.push(arg.clone());
                    continue;
                };
                if flag == "-d" {
                    delimiter = value;
                } else {
                    fields = value.split(',').filter_map(|f| f.parse().ok()).collect();
                }
            }
            if fields.is_empty() {
                ctx.err.push_str("cut: you must specify a list of bytes, characters, or fields\n");
                return CommandOutcome::Status(1);
            }
            let (text, ok) = ctx.inputs("cut", &files);
            for line in text.lines() {
                let parts: Vec<&str> = line.split(delimiter.as_str()).collect();
                let picked: Vec<&str> =
                    fields.iter().filter_map(|f| parts.get(f.wrapping_sub(1)).copied()).collect();
                ctx.out.push_str(&picked.join(&delimiter));
                ctx.out.push('\n');
            }
            CommandOutcome::Status(if ok { 0 } else { 1 })
        }
        "tr" => {
            let sets: Vec<Vec<char>> =
                args.iter().filter(|a| !a.starts_with('-')).map(|s| expand_tr_set(s)).collect();
            let input = ctx.stdin.unwrap_or("").to_string();
            let output: String = if flags.contains('d') {
                let delete = sets.first().cloned().unwrap_or_default();
                input.chars().filter(|c| !delete.contains(c)).collect()
            } else {
                let from = sets.first().cloned().unwrap_or_default();
                let to = sets.get(1).cloned().unwrap_or_default();
                input
                    .chars()
                    .map(|c| match from.iter().position(|f| *f == c) {
                        Some(i) => to.get(i).or(to.last()).copied().unwrap_or(c),
                        None => c,
                    })
                    .collect()
            };
            ctx.out.push_str(&output);
            CommandOutcome::Status(0)
        }
        _ => sed(ctx, args),
    }
}

/// `a-z` ranges and the `[:upper:]`/`[:lower:]` classes of `tr`.
fn expand_tr_set(set: &str) -> Vec<char> {
    match set {
        "[:upper:]" => return ('A'..='Z').collect(),
        "[:lower:]" => return ('a'..='z').collect(),
        "[:digit:]" => return ('0'..='9').collect(),
        _ => {}
    }
    let chars: Vec<char> = unescape(set).0.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if chars.get(i + 1) == Some(&'-') {
            if let Some(&end) = chars.get(i + 2) {
                out.extend(c..=end);
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

fn sed(ctx: &mut Ctx<'_>, args: &[String]) -> CommandOutcome {
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "-e" => scripts.extend(iter.next().cloned()),
            "-n" | "-E" | "-r" => {}
            _ if scripts.is_empty() && !arg.starts_with('-') => scripts.push(arg.clone()),
            _ => files.push(arg.clone()),
        }
    }
    let mut substitutions = Vec::new();
    for script in scripts.iter().flat_map(|s| s.split(';')) {
        let script = script.trim();
        let mut chars = script.chars();
        if chars.next() != Some('s') {
            ctx.err.push_str(&format!(
                "sed: -e expression #1, char 1: unknown command: `{}'\n",
                script.chars().next().unwrap_or(' ')
            ));
            return CommandOutcome::Status(1);
        }
        let Some(separator) = chars.next() else {
            ctx.err.push_str("sed: -e expression #1, char 1: unterminated `s' command\n");
            return CommandOutcome::Status(1);
        };
        let parts: Vec<&str> = chars.as_str().split(separator).collect();
        let (Some(pattern), Some(replacement)) = (parts.first(), parts.get(1)) else {
            ctx.err.push_str("sed: -e expression #1, char 5: unterminated `s' command\n");
            return CommandOutcome::Status(1);
        };
        let global = parts.get(2).is_some_and(|f| f.contains('g'));
        let Some(regex) = regex_from(pattern, false, false, false) else {
            ctx.err.push_str("sed: -e expression #1: invalid regular expression\n");
            return CommandOutcome::Status(1);
        };
        // sed's `&` is the whole match; `\1` a group.
        let replacement = replacement.replace('$', "$$").replace('&', "${0}");
        let replacement =
            (1..10).fold(replacement, |r, n| r.replace(&format!("\\{n}"), &format!("${{{n}}}")));
        substitutions.push((regex, replacement, global));
    }
    let (text, ok) = ctx.inputs("sed", &files);
    for line in text.lines() {
        let mut line = line.to_string();
        for (regex, replacement, global) in &substitutions {
            line = if *global {
                regex.replace_all(&line, replacement.as_str()).into_owned()
            } else {
                regex.replace(&line, replacement.as_str()).into_owned()
            };
        }
        ctx.out.push_str(&line);
        ctx.out.push('\n');
    }
    CommandOutcome::Status(if ok { 0 } else { 2 })
}
