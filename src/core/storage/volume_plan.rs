//! Checking a new volume, a resize or a clone before libvirt is asked. Pure: the
//! caller reads the pool's space and volume names on the worker.

use gettextrs::gettext;

use super::size::{format_bytes, parse_size};
use crate::core::networks::plan::check_object_name;
use crate::core::xml::{BackingImage, NewVolume, VolumeFormat};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VolField {
    Name,
    Size,
    Backing,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: VolField,
    pub message: String,
}

fn err(field: VolField, message: String) -> FieldError {
    FieldError { field, message }
}

/// A volume a new one can be based on, as picked from the pools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackingChoice {
    pub path: String,
    /// The backing image's own format; always written to the overlay.
    pub format: String,
    pub capacity: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeForm {
    pub name: String,
    pub format: VolumeFormat,
    /// As typed; may be empty with a backing store (the overlay takes its size).
    pub size: String,
    pub backing: Option<BackingChoice>,
    /// Reserve all the space now instead of a thin volume.
    pub preallocate: bool,
}

/// What the target pool has, read just before planning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolSpace {
    pub capacity: u64,
    pub available: u64,
    pub volume_names: Vec<String>,
}

fn check_name(name: &str, pool: &PoolSpace) -> Result<(), String> {
    check_object_name(name)?;
    if pool.volume_names.iter().any(|n| n == name.trim()) {
        return Err(
            gettext("The pool already has a volume called “{name}”").replace("{name}", name.trim())
        );
    }
    Ok(())
}

fn check_fits(bytes: u64, allocate: bool, pool: &PoolSpace) -> Result<(), String> {
    if bytes == 0 {
        return Err(gettext("The size must be larger than 0"));
    }
    if pool.capacity > 0 && bytes > pool.capacity {
        return Err(gettext("{size} is larger than the whole pool ({capacity})")
            .replace("{size}", &format_bytes(bytes))
            .replace("{capacity}", &format_bytes(pool.capacity)));
    }
    if allocate && bytes > pool.available {
        return Err(gettext("Only {free} is free in the pool")
            .replace("{free}", &format_bytes(pool.available)));
    }
    Ok(())
}

/// The volume to create, or what is wrong, field by field.
pub fn plan_volume(form: &VolumeForm, pool: &PoolSpace) -> Result<NewVolume, Vec<FieldError>> {
    let mut errors = Vec::new();
    if let Err(m) = check_name(&form.name, pool) {
        errors.push(err(VolField::Name, m));
    }
    if form.backing.is_some() && form.format != VolumeFormat::Qcow2 {
        errors.push(err(
            VolField::Backing,
            gettext("Only a qcow2 volume can have a backing store"),
        ));
    }
    let size = match (form.size.trim(), &form.backing) {
        ("", Some(b)) => Ok(b.capacity),
        (text, _) => parse_size(text),
    };
    match size {
        Err(ref m) => errors.push(err(VolField::Size, m.clone())),
        Ok(bytes) => {
            if let Err(m) = check_fits(bytes, form.preallocate, pool) {
                errors.push(err(VolField::Size, m));
            } else if let Some(b) = form.backing.as_ref().filter(|b| bytes < b.capacity) {
                errors.push(err(
                    VolField::Size,
                    gettext("The volume cannot be smaller than its backing store ({size})")
                        .replace("{size}", &format_bytes(b.capacity)),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewVolume {
        name: form.name.trim().to_string(),
        capacity_bytes: size.unwrap_or_default(),
        allocation_bytes: if form.preallocate && form.backing.is_none() {
            None
        } else {
            Some(0)
        },
        format: form.format,
        backing: form.backing.as_ref().map(|b| BackingImage {
            path: b.path.clone(),
            format: b.format.clone(),
        }),
    })
}

/// The new capacity for a resize. Volumes only grow: shrinking loses data.
pub fn plan_resize(current: u64, text: &str, pool: &PoolSpace) -> Result<u64, String> {
    let bytes = parse_size(text)?;
    if bytes <= current {
        return Err(gettext(
            "The new size must be larger than the current {size} (volumes are never shrunk)",
        )
        .replace("{size}", &format_bytes(current)));
    }
    check_fits(bytes, false, pool)?;
    Ok(bytes)
}

/// The name for a copy of a volume.
pub fn plan_clone(name: &str, source_allocation: u64, pool: &PoolSpace) -> Result<String, String> {
    check_name(name, pool)?;
    if source_allocation > pool.available {
        return Err(
            gettext("The copy needs up to {size}, but only {free} is free")
                .replace("{size}", &format_bytes(source_allocation))
                .replace("{free}", &format_bytes(pool.available)),
        );
    }
    Ok(name.trim().to_string())
}

/// The name for a file uploaded as a new volume.
pub fn plan_upload(name: &str, file_size: u64, pool: &PoolSpace) -> Result<String, String> {
    check_name(name, pool)?;
    if file_size > pool.available {
        return Err(gettext("The file needs {size}, but only {free} is free")
            .replace("{size}", &format_bytes(file_size))
            .replace("{free}", &format_bytes(pool.available)));
    }
    Ok(name.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GIB: u64 = 1 << 30;

    fn pool() -> PoolSpace {
        PoolSpace {
            capacity: 100 * GIB,
            available: 40 * GIB,
            volume_names: vec!["base.qcow2".into()],
        }
    }

    fn form() -> VolumeForm {
        VolumeForm {
            name: "web.qcow2".into(),
            format: VolumeFormat::Qcow2,
            size: "20G".into(),
            backing: None,
            preallocate: false,
        }
    }

    fn errors(f: &VolumeForm) -> Vec<(VolField, String)> {
        plan_volume(f, &pool())
            .unwrap_err()
            .into_iter()
            .map(|e| (e.field, e.message))
            .collect()
    }

    #[test]
    fn a_thin_volume_has_allocation_zero() {
        let v = plan_volume(&form(), &pool()).unwrap();
        assert_eq!((v.capacity_bytes, v.allocation_bytes), (20 * GIB, Some(0)));
        let thick = VolumeForm {
            format: VolumeFormat::Raw,
            preallocate: true,
            ..form()
        };
        assert_eq!(plan_volume(&thick, &pool()).unwrap().allocation_bytes, None);
    }

    #[test]
    fn an_overlay_takes_the_backing_size_and_format() {
        let f = VolumeForm {
            size: String::new(),
            backing: Some(BackingChoice {
                path: "/p/base.qcow2".into(),
                format: "qcow2".into(),
                capacity: 10 * GIB,
            }),
            ..form()
        };
        let v = plan_volume(&f, &pool()).unwrap();
        assert_eq!(v.capacity_bytes, 10 * GIB);
        assert_eq!(v.allocation_bytes, Some(0));
        assert_eq!(v.backing.unwrap().format, "qcow2");
        let small = VolumeForm {
            size: "1G".into(),
            ..f.clone()
        };
        assert_eq!(errors(&small)[0].0, VolField::Size);
        let raw = VolumeForm {
            format: VolumeFormat::Raw,
            ..f
        };
        assert_eq!(errors(&raw)[0].0, VolField::Backing);
    }

    #[test]
    fn bad_sizes_and_names_are_refused_before_anything_changes() {
        let zero = VolumeForm {
            size: "0".into(),
            ..form()
        };
        assert_eq!(
            errors(&zero),
            [(VolField::Size, "The size must be larger than 0".to_string())]
        );
        let huge = VolumeForm {
            size: "200G".into(),
            ..form()
        };
        assert_eq!(
            errors(&huge),
            [(
                VolField::Size,
                "200 GiB is larger than the whole pool (100 GiB)".to_string()
            )]
        );
        let thick = VolumeForm {
            size: "50G".into(),
            preallocate: true,
            ..form()
        };
        assert_eq!(errors(&thick)[0].1, "Only 40 GiB is free in the pool");
        let dup = VolumeForm {
            name: "base.qcow2".into(),
            ..form()
        };
        assert_eq!(
            errors(&dup),
            [(
                VolField::Name,
                "The pool already has a volume called “base.qcow2”".to_string()
            )]
        );
        let slash = VolumeForm {
            name: "../x".into(),
            size: "abc".into(),
            ..form()
        };
        let e = errors(&slash);
        assert_eq!(
            e[0],
            (VolField::Name, "A name cannot contain “/”".to_string())
        );
        assert_eq!(e[1].0, VolField::Size);
    }

    #[test]
    fn resizes_only_grow_within_the_pool() {
        assert_eq!(plan_resize(10 * GIB, "20G", &pool()), Ok(20 * GIB));
        assert!(plan_resize(10 * GIB, "5G", &pool()).is_err());
        assert!(plan_resize(10 * GIB, "10G", &pool()).is_err());
        assert!(plan_resize(10 * GIB, "101G", &pool()).is_err());
    }

    #[test]
    fn clones_and_uploads_need_a_free_name_and_room() {
        assert_eq!(plan_clone("copy", GIB, &pool()), Ok("copy".into()));
        assert!(plan_clone("base.qcow2", GIB, &pool()).is_err());
        assert!(plan_clone("copy", 50 * GIB, &pool()).is_err());
        assert!(plan_upload("a/b.iso", 1, &pool()).is_err());
        assert!(plan_upload("x.iso", 41 * GIB, &pool()).is_err());
    }
}
