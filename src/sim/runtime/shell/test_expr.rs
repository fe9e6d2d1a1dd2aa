//! `test` / `[ … ]`: file tests, string and integer comparisons, `!`, `-a`, `-o`.

use crate::sim::runtime::filesystem::FileKind;

/// Evaluates the operands of `test`. `stat` answers what a path is. Errors are worded like
/// busybox (`sh: abc: bad number`).
pub fn evaluate_test(
    args: &[String],
    stat: &mut dyn FnMut(&str) -> Option<FileKind>,
) -> Result<bool, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    or_expr(&args, stat)
}

fn or_expr(args: &[&str], stat: &mut dyn FnMut(&str) -> Option<FileKind>) -> Result<bool, String> {
    if let Some(i) = args.iter().position(|a| *a == "-o") {
        if i > 0 {
            let left = or_expr(&args[..i], stat)?;
            let right = or_expr(&args[i + 1..], stat)?;
            return Ok(left || right);
        }
    }
    and_expr(args, stat)
}

fn and_expr(args: &[&str], stat: &mut dyn FnMut(&str) -> Option<FileKind>) -> Result<bool, String> {
    if let Some(i) = args.iter().position(|a| *a == "-a") {
        if i > 0 {
            let left = and_expr(&args[..i], stat)?;
            let right = and_expr(&args[i + 1..], stat)?;
            return Ok(left && right);
        }
    }
    primary(args, stat)
}

fn number(text: &str) -> Result<i64, String> {
    text.trim().parse::<i64>().map_err(|_| format!("{text}: bad number"))
}

fn primary(args: &[&str], stat: &mut dyn FnMut(&str) -> Option<FileKind>) -> Result<bool, String> {
    match args {
        [] => Ok(false),
        ["!", rest @ ..] => Ok(!primary(rest, stat)?),
        ["(", inner @ .., ")"] => or_expr(inner, stat),
        [single] => Ok(!single.is_empty()),
        [op, operand] => match *op {
            "-z" => Ok(operand.is_empty()),
            "-n" => Ok(!operand.is_empty()),
            "-e" | "-a" => Ok(stat(operand).is_some()),
            "-f" => Ok(matches!(stat(operand), Some(FileKind::File { .. }))),
            "-d" => Ok(stat(operand) == Some(FileKind::Dir)),
            "-s" => Ok(matches!(stat(operand), Some(FileKind::File { size }) if size > 0)),
            "-r" | "-w" | "-x" => Ok(stat(operand).is_some()),
            "-L" | "-h" | "-p" | "-S" | "-b" | "-c" => Ok(false),
            _ => Err(format!("{op}: unknown operand")),
        },
        [left, op, right] => match *op {
            "=" | "==" => Ok(left == right),
            "!=" => Ok(left != right),
            "<" => Ok(left < right),
            ">" => Ok(left > right),
            "-eq" => Ok(number(left)? == number(right)?),
            "-ne" => Ok(number(left)? != number(right)?),
            "-lt" => Ok(number(left)? < number(right)?),
            "-le" => Ok(number(left)? <= number(right)?),
            "-gt" => Ok(number(left)? > number(right)?),
            "-ge" => Ok(number(left)? >= number(right)?),
            _ => Err(format!("{op}: unknown operand")),
        },
        [first, ..] => Err(format!("{first}: unknown operand")),
    }
}
