//! Kubernetes resource quantities (`100m`, `1.5`, `64Mi`, `1G`, `2e3`) parsed exactly.
//!
//! The value is kept as an exact decimal mantissa with a power of ten and a power of two, so
//! `milli_value` (CPU) and `value` (bytes, counts) round up exactly like apimachinery's
//! `Quantity.MilliValue()` / `Value()` instead of going through floating point.

use std::fmt;

/// The apimachinery error text for a malformed quantity.
pub const QUANTITY_FORMAT_ERROR: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/// A malformed quantity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuantityError;

impl fmt::Display for QuantityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(QUANTITY_FORMAT_ERROR)
    }
}

impl std::error::Error for QuantityError {}

/// An exactly parsed quantity: `±mantissa × 10^exp10 × 2^exp2`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedQuantity {
    negative: bool,
    mantissa: u128,
    exp10: i32,
    exp2: u32,
}

/// Digits beyond this are dropped (rounding up) so the mantissa never overflows.
const MAX_MANTISSA_DIGITS: usize = 30;

impl ParsedQuantity {
    /// Parses `text` with the apimachinery grammar.
    pub fn parse(text: &str) -> Result<Self, QuantityError> {
        let text = text.trim();
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let number_len = rest.bytes().take_while(|b| b.is_ascii_digit() || *b == b'.').count();
        let (number, suffix) = rest.split_at(number_len);
        let (int_part, frac_part) = match number.split_once('.') {
            Some((i, f)) => (i, f),
            None => (number, ""),
        };
        if frac_part.contains('.') || (int_part.is_empty() && frac_part.is_empty()) {
            return Err(QuantityError);
        }
        let mut mantissa: u128 = 0;
        let mut exp10: i32 = 0;
        let mut used_digits = 0usize;
        let mut dropped_nonzero = false;
        for (index, byte) in int_part.bytes().chain(frac_part.bytes()).enumerate() {
            let digit = u128::from(byte - b'0');
            let is_fraction = index >= int_part.len();
            if used_digits < MAX_MANTISSA_DIGITS {
                if mantissa > 0 || digit > 0 {
                    used_digits += 1;
                }
                mantissa = mantissa * 10 + digit;
                if is_fraction {
                    exp10 -= 1;
                }
            } else {
                dropped_nonzero |= digit > 0;
                if !is_fraction {
                    exp10 += 1;
                }
            }
        }
        if dropped_nonzero {
            mantissa += 1;
        }
        let (suffix_exp10, exp2) = parse_suffix(suffix)?;
        Ok(ParsedQuantity { negative, mantissa, exp10: exp10 + suffix_exp10, exp2 })
    }

    /// The value in thousandths, rounded up (CPU millicores).
    pub fn milli_value(&self) -> i64 {
        self.scaled(3)
    }

    /// The value rounded up to a whole number (bytes, counts).
    pub fn value(&self) -> i64 {
        self.scaled(0)
    }

    fn scaled(&self, extra_exp10: i32) -> i64 {
        let exp10 = self.exp10 + extra_exp10;
        let mut magnitude = self.mantissa;
        for _ in 0..self.exp2 {
            magnitude = magnitude.saturating_mul(2);
        }
        let magnitude = if exp10 >= 0 {
            let mut m = magnitude;
            for _ in 0..exp10.min(60) {
                m = m.saturating_mul(10);
            }
            m
        } else {
            let divisor_exp = (-exp10) as u32;
            if divisor_exp > 38 {
                // Smaller than any representable unit: rounds up to one for a positive value.
                u128::from(magnitude > 0)
            } else {
                let divisor = 10u128.pow(divisor_exp);
                // Round away from zero for positives (ceil) and toward zero for negatives (ceil).
                if self.negative {
                    magnitude / divisor
                } else {
                    magnitude.div_ceil(divisor)
                }
            }
        };
        let clamped = i64::try_from(magnitude).unwrap_or(i64::MAX);
        if self.negative {
            -clamped
        } else {
            clamped
        }
    }
}

fn parse_suffix(suffix: &str) -> Result<(i32, u32), QuantityError> {
    let known = match suffix {
        "" => (0, 0),
        "n" => (-9, 0),
        "u" => (-6, 0),
        "m" => (-3, 0),
        "k" => (3, 0),
        "M" => (6, 0),
        "G" => (9, 0),
        "T" => (12, 0),
        "P" => (15, 0),
        "E" => (18, 0),
        "Ki" => (0, 10),
        "Mi" => (0, 20),
        "Gi" => (0, 30),
        "Ti" => (0, 40),
        "Pi" => (0, 50),
        "Ei" => (0, 60),
        _ => {
            let exponent = suffix.strip_prefix(['e', 'E']).ok_or(QuantityError)?;
            let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 4 {
                return Err(QuantityError);
            }
            let value: i32 = exponent.parse().map_err(|_| QuantityError)?;
            (value, 0)
        }
    };
    Ok(known)
}

/// Parses a quantity into thousandths (CPU millicores), rounding up.
pub fn parse_milli(text: &str) -> Result<i64, QuantityError> {
    ParsedQuantity::parse(text).map(|q| q.milli_value())
}

/// Parses a quantity into whole units (bytes, counts), rounding up.
pub fn parse_value(text: &str) -> Result<i64, QuantityError> {
    ParsedQuantity::parse(text).map(|q| q.value())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_quantities_become_millicores() {
        for (text, milli) in [
            ("100m", 100),
            ("1", 1000),
            ("1.5", 1500),
            ("0.5", 500),
            ("2e3", 2_000_000),
            ("250m", 250),
            ("1u", 1),
            ("+3", 3000),
            ("-1", -1000),
            (".5", 500),
        ] {
            assert_eq!(parse_milli(text), Ok(milli), "{text}");
        }
    }

    #[test]
    fn memory_quantities_become_bytes() {
        for (text, bytes) in [
            ("64Mi", 64 * 1024 * 1024),
            ("1G", 1_000_000_000),
            ("1Gi", 1 << 30),
            ("1.5Gi", 1536 * 1024 * 1024),
            ("128974848", 128_974_848),
            ("129e6", 129_000_000),
            ("123Mi", 123 * 1024 * 1024),
            ("1k", 1000),
            ("1Ki", 1024),
            ("500m", 1),
            ("1E", 1_000_000_000_000_000_000),
        ] {
            assert_eq!(parse_value(text), Ok(bytes), "{text}");
        }
    }

    #[test]
    fn bad_syntax_is_rejected_with_the_apimachinery_message() {
        for text in ["", "abc", "1.2.3", "1Qi", "1e", "Mi", "1 Gi", "1ki", "--1"] {
            let err = parse_value(text).expect_err(text);
            assert_eq!(err.to_string(), QUANTITY_FORMAT_ERROR);
        }
    }

    #[test]
    fn huge_values_saturate_instead_of_overflowing() {
        assert_eq!(parse_value("100Ei"), Ok(i64::MAX));
        assert_eq!(parse_milli("99999999999999999999999999999999999"), Ok(i64::MAX));
    }
}
