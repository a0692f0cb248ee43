//! Names of disk targets: `vda`, `vdb`, … on virtio, `sda`, … on SATA, SCSI and USB,
//! `hda`, … on IDE; after `z` comes `aa`, as libvirt counts. Pure.

use gettextrs::gettext;

/// The name prefix libvirt expects for a disk on `bus`.
pub fn prefix(bus: &str) -> &'static str {
    match bus {
        "virtio" => "vd",
        "ide" => "hd",
        "fdc" => "fd",
        _ => "sd",
    }
}

/// `0` → `a`, `25` → `z`, `26` → `aa`.
fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

/// The first free name for a disk on `bus`, given the targets in use.
pub fn next_free(bus: &str, taken: &[String]) -> String {
    let prefix = prefix(bus);
    (0..)
        .map(|i| format!("{prefix}{}", letters(i)))
        .find(|t| !taken.contains(t))
        .expect("an unbounded range has a free name")
}

/// Checks a target typed (or suggested) for a disk on `bus`.
pub fn check(bus: &str, target: &str, taken: &[String]) -> Result<String, String> {
    let target = target.trim();
    let prefix = prefix(bus);
    let example = next_free(bus, taken);
    if target.is_empty() {
        return Err(
            gettext("Enter a target device, for example {example}").replace("{example}", &example)
        );
    }
    let rest = target.strip_prefix(prefix).unwrap_or_default();
    if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(gettext(
            "A {bus} disk is called {prefix} followed by letters, for example {example}",
        )
        .replace("{bus}", bus)
        .replace("{prefix}", prefix)
        .replace("{example}", &example));
    }
    if taken.iter().any(|t| t == target) {
        return Err(
            gettext("{target} is already in use by another disk of this machine")
                .replace("{target}", target),
        );
    }
    Ok(target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_next_free_name_fills_gaps_and_counts_past_z() {
        assert_eq!(next_free("virtio", &taken(&["vda", "sda"])), "vdb");
        assert_eq!(next_free("sata", &taken(&["vda", "sda"])), "sdb");
        assert_eq!(next_free("scsi", &taken(&["sda", "sdc"])), "sdb");
        assert_eq!(next_free("ide", &[]), "hda");
        let all: Vec<String> = (0..26).map(|i| format!("vd{}", letters(i))).collect();
        assert_eq!(next_free("virtio", &all), "vdaa");
        assert_eq!(letters(27), "ab");
        assert_eq!(letters(26 * 27), "aaa");
    }

    #[test]
    fn a_wrong_or_taken_target_is_refused_in_words() {
        let used = taken(&["vda"]);
        assert_eq!(check("virtio", " vdc ", &used), Ok("vdc".into()));
        assert_eq!(
            check("virtio", "vda", &used).unwrap_err(),
            "vda is already in use by another disk of this machine"
        );
        assert_eq!(
            check("sata", "vdb", &used).unwrap_err(),
            "A sata disk is called sd followed by letters, for example sda"
        );
        assert!(check("virtio", "vd1", &used).is_err());
        assert!(check("virtio", "vd", &used).is_err());
        assert!(check("virtio", "", &used).unwrap_err().contains("vdb"));
    }
}
