//! MAC addresses for clones: random, locally administered, in QEMU's
//! `52:54:00` range, and unused on the connection.
//!
//! libvirt would pick a random address itself if the `<mac>` were simply
//! removed, but it does not check other domains, and an address chosen by
//! Hangar can be shown in the plan's summary before anything is created.
//! `0x52` has the "locally administered" bit set and the multicast bit clear.

use std::collections::HashSet;

/// Three random bytes (from the OS's generator, through a v4 UUID).
pub fn random_bytes() -> [u8; 3] {
    let id = uuid::Uuid::new_v4();
    let b = id.as_bytes();
    [b[0], b[1], b[2]]
}

pub fn format_mac(bytes: [u8; 3]) -> String {
    format!(
        "52:54:00:{:02x}:{:02x}:{:02x}",
        bytes[0], bytes[1], bytes[2]
    )
}

/// An address not in `taken` (compared in lower case), drawing bytes from
/// `random` until one is free. Adds it to `taken`.
pub fn unique_mac(taken: &mut HashSet<String>, random: &mut dyn FnMut() -> [u8; 3]) -> String {
    loop {
        let mac = format_mac(random());
        if taken.insert(mac.clone()) {
            return mac;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_taken_addresses() {
        let mut taken: HashSet<String> = ["52:54:00:00:00:01".to_string()].into();
        let mut seq = [[0, 0, 1], [0, 0, 1], [0, 0, 2]].into_iter();
        let mac = unique_mac(&mut taken, &mut || seq.next().unwrap());
        assert_eq!(mac, "52:54:00:00:00:02");
        assert!(taken.contains(&mac));
        let r = format_mac(random_bytes());
        assert!(r.starts_with("52:54:00:") && r.len() == 17);
    }
}
