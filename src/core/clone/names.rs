//! Names of new machines: one typed name, a typed list, or a pattern such as
//! `web-{n}` with a count. Pure; the caller passes the names already taken on
//! the connection.
//!
//! Limit: [`MAX_NAME_BYTES`] = 64 bytes of UTF-8. libvirt itself has no fixed
//! limit, but Hangar derives file names from the machine name (the disk
//! volume `NAME-vdb.qcow2`, the serial log `NAME-serial0.log`, libvirt's own
//! `NAME.xml` and `NAME_VARS.fd`), all of which must fit NAME_MAX (255
//! bytes) with room for suffixes, and virt-sysprep makes the name the guest's
//! hostname, which Linux caps at HOST_NAME_MAX = 64 bytes. Counting bytes,
//! not characters, is what those limits do: a Chinese character takes three.

use std::collections::HashSet;

use gettextrs::gettext;

use super::fields::{CloneField, FieldError};

/// The longest machine name accepted, in bytes of UTF-8.
pub const MAX_NAME_BYTES: usize = 64;
/// The most clones made in one go: a batch stays reviewable in the summary
/// and bounded in time; larger fleets are a job for a script.
pub const MAX_BATCH: u32 = 100;

/// How the person named the new machines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameChoice {
    /// One or more names as typed.
    List(Vec<String>),
    /// `count` names from `pattern`, where `{n}` becomes `first`, `first + 1`,
    /// … and `{n:3}` the same number zero-padded to three digits.
    Pattern {
        pattern: String,
        count: u32,
        first: u32,
    },
}

impl NameChoice {
    pub fn one(name: impl Into<String>) -> Self {
        NameChoice::List(vec![name.into()])
    }

    pub fn pattern(pattern: impl Into<String>, count: u32) -> Self {
        NameChoice::Pattern {
            pattern: pattern.into(),
            count,
            first: 1,
        }
    }
}

/// Checks one machine name on its own (not whether it is taken). Returns the
/// name without surrounding spaces.
pub fn check_vm_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(gettext("Enter a name"));
    }
    if name.contains('/') {
        return Err(gettext("A name cannot contain “/”"));
    }
    if name.chars().any(char::is_control) {
        return Err(gettext("A name cannot contain control characters"));
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(gettext(
            "“{name}” is too long: names have at most 64 bytes (about 21 Chinese characters), this one has {bytes}",
        )
        .replace("{name}", name)
        .replace("{bytes}", &name.len().to_string()));
    }
    Ok(name.to_string())
}

/// The placeholder of a pattern: where it is and how wide the number is.
struct Placeholder {
    start: usize,
    end: usize,
    width: usize,
}

fn find_placeholder(pattern: &str) -> Result<Option<Placeholder>, String> {
    let Some(start) = pattern.find("{n") else {
        return Ok(None);
    };
    let rest = &pattern[start + 2..];
    let bad = || gettext("Write the number as {n} or, zero-padded, as {n:2}");
    let (width, len) = if rest.starts_with('}') {
        (0, 3)
    } else if let Some(spec) = rest.strip_prefix(':') {
        let close = spec.find('}').ok_or_else(bad)?;
        let width: usize = spec[..close].parse().map_err(|_| bad())?;
        if !(1..=9).contains(&width) {
            return Err(bad());
        }
        (width, 3 + close + 1)
    } else {
        return Err(bad());
    };
    if pattern[start + len..].contains("{n") {
        return Err(gettext("Use {n} only once in the pattern"));
    }
    Ok(Some(Placeholder {
        start,
        end: start + len,
        width,
    }))
}

fn expand_pattern(
    pattern: &str,
    count: u32,
    first: u32,
) -> Result<Vec<String>, Vec<FieldError<CloneField>>> {
    let mut errors = Vec::new();
    if pattern.trim().is_empty() {
        errors.push(FieldError::new(
            CloneField::Pattern,
            gettext("Enter a pattern such as web-{n}"),
        ));
    }
    if count == 0 {
        errors.push(FieldError::new(
            CloneField::Count,
            gettext("Make at least one clone"),
        ));
    } else if count > MAX_BATCH {
        errors.push(FieldError::new(
            CloneField::Count,
            gettext("At most 100 clones can be made at a time"),
        ));
    }
    if first.checked_add(count).is_none() {
        errors.push(FieldError::new(
            CloneField::FirstNumber,
            gettext("The numbers would overflow: start lower"),
        ));
    }
    let placeholder = match find_placeholder(pattern) {
        Ok(p) => p,
        Err(m) => {
            errors.push(FieldError::new(CloneField::Pattern, m));
            None
        }
    };
    if placeholder.is_none() && count > 1 && !pattern.trim().is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            CloneField::Pattern,
            gettext("The pattern needs {n} where the number goes, for example web-{n}"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((0..count)
        .map(|i| match &placeholder {
            Some(p) => format!(
                "{}{:0width$}{}",
                &pattern[..p.start],
                first + i,
                &pattern[p.end..],
                width = p.width
            ),
            None => pattern.to_string(),
        })
        .collect())
}

/// The names to create, each checked and free on the connection, or what is
/// wrong with the fields that made them.
pub fn resolve_names(
    choice: &NameChoice,
    taken: &HashSet<String>,
) -> Result<Vec<String>, Vec<FieldError<CloneField>>> {
    let (field, raw) = match choice {
        NameChoice::List(names) => {
            let names: Vec<String> = names
                .iter()
                .filter(|n| !n.trim().is_empty())
                .cloned()
                .collect();
            if names.is_empty() {
                return Err(vec![FieldError::new(
                    CloneField::Names,
                    gettext("Enter a name"),
                )]);
            }
            if names.len() > MAX_BATCH as usize {
                return Err(vec![FieldError::new(
                    CloneField::Names,
                    gettext("At most 100 clones can be made at a time"),
                )]);
            }
            (CloneField::Names, names)
        }
        NameChoice::Pattern {
            pattern,
            count,
            first,
        } => (
            CloneField::Pattern,
            expand_pattern(pattern, *count, *first)?,
        ),
    };
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for name in raw {
        let name = match check_vm_name(&name) {
            Ok(n) => n,
            Err(m) => {
                errors.push(FieldError::new(field.clone(), m));
                continue;
            }
        };
        if taken.contains(&name) {
            errors.push(FieldError::new(
                field.clone(),
                gettext("A machine called “{name}” already exists").replace("{name}", &name),
            ));
        } else if !seen.insert(name.clone()) {
            errors.push(FieldError::new(
                field.clone(),
                gettext("“{name}” is listed more than once").replace("{name}", &name),
            ));
        }
        out.push(name);
    }
    // One message per problem is enough: a pattern of 100 names that are all
    // too long would otherwise fill the page with the same sentence.
    errors.truncate(5);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taken() -> HashSet<String> {
        ["web-2".to_string()].into_iter().collect()
    }

    #[test]
    fn patterns_expand_with_padding() {
        let names = resolve_names(
            &NameChoice::Pattern {
                pattern: "db-{n:2}.lan".into(),
                count: 3,
                first: 9,
            },
            &HashSet::new(),
        )
        .unwrap();
        assert_eq!(names, ["db-09.lan", "db-10.lan", "db-11.lan"]);
        let one = resolve_names(&NameChoice::pattern("solo", 1), &HashSet::new()).unwrap();
        assert_eq!(one, ["solo"]);
        let zh = resolve_names(&NameChoice::one(" 网站-一 "), &HashSet::new()).unwrap();
        assert_eq!(zh, ["网站-一"]);
    }

    #[test]
    fn exactly_64_bytes_is_accepted() {
        let name = "好".repeat(21) + "a";
        assert_eq!(name.len(), 64);
        assert!(check_vm_name(&name).is_ok());
        assert!(check_vm_name(&(name + "b")).is_err());
    }

    #[test]
    fn bad_placeholders_are_refused() {
        for p in ["web-{n:x}", "web-{n:0}", "web-{n", "{n}-{n}", "web-{nn}"] {
            let e = resolve_names(&NameChoice::pattern(p, 2), &taken()).unwrap_err();
            assert_eq!(e[0].field, CloneField::Pattern, "{p}");
        }
    }
}
