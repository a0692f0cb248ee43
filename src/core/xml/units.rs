//! Size units as libvirt reads them (`virScaleInteger`).
//!
//! libvirt accepts sizes like `<memory unit='GiB'>4</memory>` or
//! `<capacity unit='G'>20</capacity>`. Units are case-insensitive:
//! `b`/`byte`/`bytes` are bytes; a bare letter or letter + `iB`
//! (`k`, `KiB`, `M`, `MiB`, …) is a power of 1024; letter + `B` (`KB`, `MB`,
//! …) is a power of 1000. Letters go from `k` to `e` (exa).

use super::error::XmlError;
use gettextrs::gettext;

/// Bytes per one of `unit`. `None` for a unit libvirt would reject.
pub fn unit_bytes(unit: &str) -> Option<u64> {
    let lower = unit.to_ascii_lowercase();
    if matches!(lower.as_str(), "b" | "byte" | "bytes") {
        return Some(1);
    }
    let mut chars = lower.chars();
    let letter = chars.next()?;
    let base: u64 = match chars.as_str() {
        "" | "ib" => 1024,
        "b" => 1000,
        _ => return None,
    };
    let power = "kmgtpe".find(letter)? as u32 + 1;
    base.checked_pow(power)
}

/// `value` given in `unit` (or in `default_unit` when the attribute is
/// absent), in bytes. Fails on unknown units, non-numbers and overflow.
pub fn parse_bytes(value: &str, unit: Option<&str>, default_unit: &str) -> Result<u64, XmlError> {
    let unit = unit
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .unwrap_or(default_unit);
    let scale = unit_bytes(unit).ok_or_else(|| {
        XmlError::invalid(
            gettext("libvirt does not know the size unit “{value}”"),
            unit,
        )
    })?;
    let number: u64 = value.trim().parse().map_err(|_| {
        XmlError::invalid(
            gettext("The size “{value}” is not a whole non-negative number"),
            value.trim(),
        )
    })?;
    number.checked_mul(scale).ok_or_else(|| {
        XmlError::invalid(
            gettext("The size “{value}” is too large"),
            &format!("{number} {unit}"),
        )
    })
}

/// Like [`parse_bytes`] with KiB as the default unit, converted to KiB and
/// rounded up, as libvirt does for `<memory>` and `<currentMemory>`.
pub fn parse_kib(value: &str, unit: Option<&str>) -> Result<u64, XmlError> {
    Ok(parse_bytes(value, unit, "KiB")?.div_ceil(1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_follow_libvirt() {
        let cases = [
            ("b", 1),
            ("bytes", 1),
            ("Byte", 1),
            ("k", 1024),
            ("K", 1024),
            ("KiB", 1024),
            ("KB", 1000),
            ("kb", 1000),
            ("M", 1 << 20),
            ("MiB", 1 << 20),
            ("MB", 1_000_000),
            ("G", 1 << 30),
            ("GiB", 1 << 30),
            ("GB", 1_000_000_000),
            ("T", 1 << 40),
            ("TiB", 1 << 40),
            ("TB", 1_000_000_000_000),
            ("P", 1 << 50),
            ("EiB", 1 << 60),
        ];
        for (unit, bytes) in cases {
            assert_eq!(unit_bytes(unit), Some(bytes), "{unit}");
        }
        for bad in ["", "x", "KiBB", "Ki", "kbit", "Z"] {
            assert_eq!(unit_bytes(bad), None, "{bad}");
        }
    }

    #[test]
    fn memory_normalizes_to_kib() {
        assert_eq!(parse_kib("4194304", None).unwrap(), 4_194_304);
        assert_eq!(parse_kib("4194304", Some("KiB")).unwrap(), 4_194_304);
        assert_eq!(parse_kib("4", Some("GiB")).unwrap(), 4_194_304);
        assert_eq!(parse_kib("2048", Some("M")).unwrap(), 2_097_152);
        assert_eq!(parse_kib("1", Some("GB")).unwrap(), 976_563); // 10^9 / 1024 rounded up
        assert_eq!(parse_kib("1000", Some("KB")).unwrap(), 977);
        assert_eq!(parse_kib("1", Some("b")).unwrap(), 1);
        assert_eq!(parse_kib(" 1 ", Some("TiB")).unwrap(), 1 << 30);
    }

    #[test]
    fn bad_sizes_explain_themselves() {
        assert_eq!(
            parse_kib("4", Some("XB")).unwrap_err().to_string(),
            "libvirt does not know the size unit “XB”"
        );
        assert_eq!(
            parse_kib("-1", None).unwrap_err().to_string(),
            "The size “-1” is not a whole non-negative number"
        );
        assert!(parse_bytes("99999999", Some("EiB"), "b").is_err());
        assert_eq!(parse_bytes("10", None, "bytes").unwrap(), 10);
    }
}
