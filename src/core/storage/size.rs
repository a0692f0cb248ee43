//! Sizes as people type them: `10G`, `500 MiB`, `1.5 TiB`, `2GB`, `4096`.
//! A bare letter or `…iB` is a power of 1024 (as `qemu-img` and libvirt read it),
//! `…B` a power of 1000, no unit means bytes.

use gettextrs::gettext;

use crate::core::xml::units::unit_bytes;

/// Bytes in `text`, or a message for the person.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(gettext("Enter a size, for example 20G or 500 MiB"));
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number = number.replace(',', ".");
    let unit = unit.trim();
    let bad = || gettext("“{value}” is not a size, try 20G or 500 MiB").replace("{value}", text);
    if number.is_empty() || number.matches('.').count() > 1 {
        return Err(bad());
    }
    let scale = if unit.is_empty() {
        1
    } else {
        unit_bytes(unit).ok_or_else(bad)?
    };
    let (int, frac) = number.split_once('.').unwrap_or((&number, ""));
    let int: u128 = if int.is_empty() {
        0
    } else {
        int.parse().map_err(|_| bad())?
    };
    let frac_digits = frac.len().min(18) as u32;
    let frac: u128 = if frac_digits == 0 {
        0
    } else {
        frac[..frac_digits as usize].parse().map_err(|_| bad())?
    };
    let bytes = int * u128::from(scale) + frac * u128::from(scale) / 10u128.pow(frac_digits);
    u64::try_from(bytes).map_err(|_| gettext("The size is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_as_people_write_them() {
        assert_eq!(parse_size("10G"), Ok(10 << 30));
        assert_eq!(parse_size("500 MiB"), Ok(500 << 20));
        assert_eq!(parse_size("1.5 GiB"), Ok(3 << 29));
        assert_eq!(parse_size("1,5G"), Ok(3 << 29));
        assert_eq!(parse_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size(" 1 T "), Ok(1 << 40));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("512k"), Ok(512 * 1024));
    }

    #[test]
    fn nonsense_is_refused_in_words() {
        assert!(parse_size("").is_err());
        assert!(parse_size("G").is_err());
        assert!(parse_size("ten gigs").is_err());
        assert!(parse_size("1.2.3G").is_err());
        assert!(parse_size("10 parsecs").is_err());
        assert!(parse_size("-5G").is_err());
        assert_eq!(
            parse_size("99999999 EiB"),
            Err("The size is too large".into())
        );
    }
}

/// A size as the lists show it: `20 GiB`, `1.5 GiB`, `500 MiB`, `0 B`.
pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if (value - value.round()).abs() < 0.05 {
        format!("{} {}", value.round() as u64, UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod format_tests {
    use super::format_bytes;

    #[test]
    fn sizes_read_back() {
        assert_eq!(format_bytes(0), "0 B");
        assert_eq!(format_bytes(20 << 30), "20 GiB");
        assert_eq!(format_bytes(3 << 29), "1.5 GiB");
        assert_eq!(format_bytes(500 << 20), "500 MiB");
    }
}
