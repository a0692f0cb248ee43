//! MAC addresses as people type them for a network card: six octets, unicast, and
//! not used by another card on the host. Pure, apart from the list of addresses in
//! use, which the caller reads.

use gettextrs::gettext;

/// The address in libvirt's spelling (`52:54:00:ab:cd:ef`), or what is wrong with it.
/// Accepts `:` or `-` between the octets and either case.
pub fn parse_mac(text: &str) -> Result<String, String> {
    let text = text.trim();
    let bad = || {
        gettext(
            "“{mac}” is not a MAC address: write six pairs of hex digits, like 52:54:00:12:34:56",
        )
        .replace("{mac}", text)
    };
    let octets: Vec<&str> = text.split([':', '-']).collect();
    if octets.len() != 6 || octets.iter().any(|o| o.len() != 2) {
        return Err(bad());
    }
    let bytes: Vec<u8> = octets
        .iter()
        .map(|o| u8::from_str_radix(o, 16).map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let mac = bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    if bytes[0] & 1 == 1 {
        return Err(gettext("{mac} is a multicast address; a network card needs a unicast one (an even first octet, like 52)")
            .replace("{mac}", &mac));
    }
    if bytes.iter().all(|&b| b == 0) {
        return Err(gettext("00:00:00:00:00:00 is not a usable address"));
    }
    Ok(mac)
}

/// Refuses `mac` when another card uses it; `taken` holds (address, machine) pairs
/// in lower case.
pub fn check_free(mac: &str, taken: &[(String, String)]) -> Result<(), String> {
    match taken.iter().find(|(m, _)| m == mac) {
        Some((_, machine)) => Err(gettext("{mac} is already used by {machine}")
            .replace("{mac}", mac)
            .replace("{machine}", machine)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_read_in_either_spelling() {
        assert_eq!(
            parse_mac(" 52-54-00-AB-cd-01 "),
            Ok("52:54:00:ab:cd:01".into())
        );
        assert_eq!(
            parse_mac("02:00:00:00:00:01"),
            Ok("02:00:00:00:00:01".into())
        );
    }

    #[test]
    fn wrong_addresses_say_why() {
        for bad in [
            "",
            "52:54:00:ab:cd",
            "52:54:00:ab:cd:ef:01",
            "52:54:0:ab:cd:ef",
            "52:54:00:ab:cd:gg",
            "525400abcdef",
        ] {
            assert!(parse_mac(bad).unwrap_err().contains("six pairs"), "{bad}");
        }
        assert_eq!(
            parse_mac("01:00:5e:00:00:01").unwrap_err(),
            "01:00:5e:00:00:01 is a multicast address; a network card needs a unicast one (an even first octet, like 52)"
        );
        assert!(parse_mac("ff:ff:ff:ff:ff:ff")
            .unwrap_err()
            .contains("multicast"));
        assert!(parse_mac("00:00:00:00:00:00").is_err());
        let taken = vec![("52:54:00:00:00:01".to_string(), "web".to_string())];
        assert_eq!(
            check_free("52:54:00:00:00:01", &taken).unwrap_err(),
            "52:54:00:00:00:01 is already used by web"
        );
        assert!(check_free("52:54:00:00:00:02", &taken).is_ok());
    }
}
