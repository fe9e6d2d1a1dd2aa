//! π to any number of digits, computed (not stored) with Machin's formula
//! π = 16·atan(1/5) − 4·atan(1/239) over fixed-point numbers in base 10⁹. This is what
//! `perl -Mbignum=bpi -wle 'print bpi(2000)'` prints in the Job example.

const BASE: u64 = 1_000_000_000;

/// A fixed-point number: `limbs[0]` is the integer part, each further limb nine decimals.
#[derive(Clone, Debug)]
struct Fixed {
    limbs: Vec<u64>,
}

impl Fixed {
    fn new(integer: u64, len: usize) -> Fixed {
        let mut limbs = vec![0; len];
        if let Some(first) = limbs.first_mut() {
            *first = integer;
        }
        Fixed { limbs }
    }

    fn is_zero(&self) -> bool {
        self.limbs.iter().all(|&l| l == 0)
    }

    fn div_small(&mut self, divisor: u64) {
        let mut remainder = 0u64;
        for limb in self.limbs.iter_mut() {
            let current = remainder * BASE + *limb;
            *limb = current / divisor;
            remainder = current % divisor;
        }
    }

    fn mul_small(&mut self, factor: u64) {
        let mut carry = 0u64;
        for limb in self.limbs.iter_mut().rev() {
            let current = *limb * factor + carry;
            *limb = current % BASE;
            carry = current / BASE;
        }
        if let Some(first) = self.limbs.first_mut() {
            *first += carry * BASE;
        }
    }

    fn add(&mut self, other: &Fixed) {
        let mut carry = 0u64;
        for (limb, add) in self.limbs.iter_mut().zip(&other.limbs).rev() {
            let current = *limb + add + carry;
            *limb = current % BASE;
            carry = current / BASE;
        }
        if let Some(first) = self.limbs.first_mut() {
            *first += carry * BASE;
        }
    }

    /// `self - other`, with `self >= other`.
    fn sub(&mut self, other: &Fixed) {
        let mut borrow = 0u64;
        for (limb, sub) in self.limbs.iter_mut().zip(&other.limbs).rev() {
            let take = sub + borrow;
            if *limb >= take {
                *limb -= take;
                borrow = 0;
            } else {
                *limb = *limb + BASE - take;
                borrow = 1;
            }
        }
    }

    /// atan(1/x) by its Taylor series.
    fn atan_inverse(x: u64, len: usize) -> Fixed {
        let mut power = Fixed::new(1, len);
        power.div_small(x);
        let mut sum = power.clone();
        let square = x * x;
        let mut k = 1u64;
        loop {
            power.div_small(square);
            if power.is_zero() {
                break;
            }
            let mut term = power.clone();
            term.div_small(2 * k + 1);
            if k % 2 == 1 {
                sum.sub(&term);
            } else {
                sum.add(&term);
            }
            k += 1;
        }
        sum
    }

    fn fraction_digits(&self) -> String {
        self.limbs.iter().skip(1).map(|l| format!("{l:09}")).collect()
    }
}

/// π with `digits` significant digits, rounded to nearest (`3.14` for 3), as Math::BigFloat
/// prints it.
pub fn pi_significant_digits(digits: usize) -> String {
    if digits == 0 {
        return String::new();
    }
    let guard = 12;
    let len = (digits + guard) / 9 + 2;
    let mut pi = Fixed::atan_inverse(5, len);
    pi.mul_small(16);
    let mut second = Fixed::atan_inverse(239, len);
    second.mul_small(4);
    pi.sub(&second);
    let fraction = pi.fraction_digits();
    // `digits` significant digits: "3" and digits-1 decimals, rounded by the next decimal.
    let keep = digits - 1;
    let mut decimals: Vec<u8> = fraction.bytes().take(keep).map(|b| b - b'0').collect();
    let mut integer = pi.limbs.first().copied().unwrap_or(3);
    let round_up = fraction.as_bytes().get(keep).is_some_and(|&b| b >= b'5');
    if round_up {
        let mut carry = true;
        for d in decimals.iter_mut().rev() {
            if !carry {
                break;
            }
            if *d == 9 {
                *d = 0;
            } else {
                *d += 1;
                carry = false;
            }
        }
        if carry {
            integer += 1;
        }
    }
    let mut text = integer.to_string();
    if !decimals.is_empty() {
        text.push('.');
        text.extend(decimals.iter().map(|d| char::from(b'0' + d)));
    }
    text
}
