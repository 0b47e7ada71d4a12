//! Command-line values read as strictly as the C tools read them
//! (user/common/opts.c), with the same error lines: "PROG: --FLAG: ..."
//! naming the flag and saying what is accepted or the range; exit 2.

use std::time::Duration;

pub const PROG: &str = "rust-server";

/// A usage error: its one line, printed by main, which exits 2.
pub struct Usage(pub String);

fn bad(flag: &str, text: &str, what: &str) -> Usage {
    Usage(format!("{}: --{}: '{}' is not a {}", PROG, flag, text, what))
}

/// A whole number (sizes: with an optional K, M or G, powers of 1024) in
/// [min, max].
pub fn uint(flag: &str, text: &str, min: u64, max: u64, sizes: bool) -> Result<u64, Usage> {
    let what = if sizes { "byte count (digits, optional K, M or G suffix)" } else { "whole number" };
    let (digits, scale) = match text.as_bytes().last() {
        Some(b'k' | b'K') if sizes => (&text[..text.len() - 1], 1u64 << 10),
        Some(b'm' | b'M') if sizes => (&text[..text.len() - 1], 1 << 20),
        Some(b'g' | b'G') if sizes => (&text[..text.len() - 1], 1 << 30),
        _ => (text, 1),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return Err(bad(flag, text, what));
    }
    match digits.parse::<u64>().ok().and_then(|v| v.checked_mul(scale)) {
        Some(v) if v >= min && v <= max => Ok(v),
        _ => Err(Usage(format!("{}: --{}: '{}' is out of range [{}, {}]", PROG, flag, text, min, max))),
    }
}

const UNITS: [(&str, u64); 6] =
    [("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000), ("ns", 1)];

/// A duration written as opts_duration_str() writes it: the largest unit
/// that holds it exactly.
pub fn format_duration(d: Duration) -> String {
    let ns = d.as_nanos() as u64;
    for (name, unit) in UNITS {
        if ns != 0 && ns % unit == 0 {
            return format!("{}{}", ns / unit, name);
        }
    }
    "0s".into()
}

/// A number (fractions allowed) with an optional unit ns, us, ms, s, m or
/// h, a bare number being seconds, in [min, max], rounded down to a ns.
pub fn duration(flag: &str, text: &str, min: Duration, max: Duration) -> Result<Duration, Usage> {
    let what = "duration (a number with an optional unit ns, us, ms, s, m or h, e.g. 500ms, 2s, 1m; a bare number is seconds)";
    let num_end = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    let (num, unit) = text.split_at(num_end);
    let unit_ns = if unit.is_empty() { Some(1_000_000_000) } else { UNITS.iter().find(|u| u.0 == unit).map(|u| u.1) };
    let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
    if whole.is_empty() || !whole.bytes().all(|c| c.is_ascii_digit()) || unit_ns.is_none()
        || (num.contains('.') && (frac.is_empty() || !frac.bytes().all(|c| c.is_ascii_digit())))
    {
        return Err(bad(flag, text, what));
    }
    let unit_ns = unit_ns.unwrap() as u128;
    // Fraction digits past 18 cannot change a result in nanoseconds.
    let frac = &frac[..frac.len().min(18)];
    let den = 10u128.pow(frac.len() as u32);
    let ns = whole.parse::<u128>().ok().and_then(|w| w.checked_mul(unit_ns)).map(|w| {
        w + frac.parse::<u128>().unwrap_or(0) * unit_ns / den
    });
    match ns {
        Some(ns) if ns >= min.as_nanos() && ns <= max.as_nanos() => Ok(Duration::from_nanos(ns as u64)),
        _ => Err(Usage(format!(
            "{}: --{}: '{}' is out of range [{}, {}]",
            PROG, flag, text, format_duration(min), format_duration(max)
        ))),
    }
}

/// The arguments as (flag, value) pairs: "--name value", "--name=value",
/// "-x value", "-xvalue"; `takes_value` says which flags have one.
/// Unknown flags and stray arguments are errors.
pub fn split(args: &[String], known: &[(&'static str, Option<char>, bool)]) -> Result<Vec<(&'static str, Option<String>)>, Usage> {
    let mut out = Vec::new();
    let mut i = 0;
    let try_help = format!("try '{} --help'", PROG);
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        let (spec, inline) = if let Some(long) = arg.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match known.iter().find(|k| k.0 == name) {
                Some(k) => (k, value),
                None => return Err(Usage(format!("{}: unknown option '--{}'; {}", PROG, name, try_help))),
            }
        } else if arg.len() >= 2 && arg.starts_with('-') {
            let c = arg[1..].chars().next().unwrap();
            let rest = &arg[1 + c.len_utf8()..];
            match known.iter().find(|k| k.1 == Some(c)) {
                Some(k) => (k, if rest.is_empty() { None } else { Some(rest.to_string()) }),
                None => return Err(Usage(format!("{}: unknown option '-{}'; {}", PROG, c, try_help))),
            }
        } else {
            return Err(Usage(format!("{}: unexpected argument '{}'; {}", PROG, arg, try_help)));
        };
        let name = spec.0;
        if !spec.2 {
            if inline.is_some() && arg.starts_with("--") {
                return Err(Usage(format!("{}: --{} takes no value; {}", PROG, name, try_help)));
            }
            out.push((name, None));
            continue;
        }
        let value = match inline {
            Some(v) => v,
            None if i < args.len() => {
                i += 1;
                args[i - 1].clone()
            }
            None => return Err(Usage(format!("{}: --{} needs a value; {}", PROG, name, try_help))),
        };
        out.push((name, Some(value)));
    }
    Ok(out)
}
