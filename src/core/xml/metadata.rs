//! Hangar's own data inside a domain's `<metadata>`.
//!
//! libvirt keeps one element per XML namespace under `<metadata>` and
//! leaves other tools' elements (libosinfo, virt-manager, …) alone; so do we.
//! Ours looks like
//! `<hangar:hangar xmlns:hangar="https://hangarapp.github.io/xmlns/hangar/1.0"><hangar:template/></hangar:hangar>`.
//! It is found by namespace URI, not prefix, because `virDomainSetMetadata`
//! lets the caller choose the prefix.

use super::tree::Element;

/// Hangar's metadata namespace URI.
pub const HANGAR_NS: &str = "https://hangarapp.github.io/xmlns/hangar/1.0";
/// The prefix Hangar writes (and passes as `key` to `virDomainSetMetadata`).
pub const HANGAR_PREFIX: &str = "hangar";

/// Hangar's element inside `<metadata>` of domain `root`, if any.
pub fn hangar_element(root: &Element) -> Option<&Element> {
    root.child("metadata")?
        .elements()
        .find(|e| e.own_namespace() == Some(HANGAR_NS))
}

fn hangar_element_mut(root: &mut Element) -> Option<&mut Element> {
    root.child_mut("metadata")?
        .elements_mut()
        .find(|e| e.own_namespace() == Some(HANGAR_NS))
}

/// `name` qualified with the prefix `el` uses, so children match their parent.
fn qualified(el: &Element, local: &str) -> String {
    el.prefix()
        .map_or_else(|| local.to_string(), |p| format!("{p}:{local}"))
}

/// True if the domain is marked as a Hangar template.
pub fn is_template(root: &Element) -> bool {
    hangar_element(root).is_some_and(|h| h.elements().any(|e| e.local_name() == "template"))
}

/// Marks or unmarks the domain as a template. Creates `<metadata>` and
/// Hangar's element when needed; removes them again when they end up empty
/// (only ours — other namespaces' metadata is never touched).
pub fn set_template(root: &mut Element, template: bool) {
    if template == is_template(root) {
        return;
    }
    if template {
        if hangar_element(root).is_none() {
            let ours = Element::new(format!("{HANGAR_PREFIX}:hangar"))
                .with_attr(&format!("xmlns:{HANGAR_PREFIX}"), HANGAR_NS);
            // libvirt writes <metadata> after the title and description.
            let before = [
                "maxMemory",
                "memory",
                "currentMemory",
                "vcpu",
                "os",
                "devices",
            ];
            root.ensure_child_before("metadata", &before)
                .push_child(ours);
        }
        let ours = hangar_element_mut(root).expect("created above");
        let name = qualified(ours, "template");
        ours.push_child(Element::new(name));
        return;
    }
    let ours = hangar_element_mut(root).expect("is_template was true");
    ours.remove_children_where(|e| e.local_name() == "template");
    if ours.elements().next().is_none() {
        let metadata = root.child_mut("metadata").expect("holds our element");
        metadata.remove_children_where(|e| e.own_namespace() == Some(HANGAR_NS));
        if metadata.children.is_empty() {
            root.remove_children_named("metadata");
        }
    }
}

/// The element to pass to `virDomainSetMetadata` (type ELEMENT, key
/// [`HANGAR_PREFIX`], uri [`HANGAR_NS`]) for the given template state.
/// libvirt adds the namespace itself.
pub fn metadata_fragment(template: bool) -> String {
    if template {
        "<hangar><template/></hangar>".to_string()
    } else {
        "<hangar/>".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::Document;
    use super::*;

    #[test]
    fn found_by_namespace_whatever_the_prefix() {
        let doc = Document::parse(&format!(
            "<domain><metadata><h:x xmlns:h='{HANGAR_NS}'><h:template/></h:x></metadata></domain>"
        ))
        .unwrap();
        assert!(is_template(doc.root()));
        let doc = Document::parse(
            "<domain><metadata><h:hangar xmlns:h='https://example.com/other'><h:template/></h:hangar></metadata></domain>",
        )
        .unwrap();
        assert!(!is_template(doc.root()));
    }

    #[test]
    fn mark_and_unmark_without_touching_others() {
        let src = "<domain>\n  <name>a</name>\n  <memory>1</memory>\n</domain>";
        let mut doc = Document::parse(src).unwrap();
        set_template(doc.root_mut(), true);
        assert_eq!(
            doc.to_string(),
            format!(
                "<domain>\n  <name>a</name>\n  <metadata>\n    <hangar:hangar xmlns:hangar='{HANGAR_NS}'>\n      \
                 <hangar:template/>\n    </hangar:hangar>\n  </metadata>\n  <memory>1</memory>\n</domain>"
            )
        );
        assert!(is_template(doc.root()));
        set_template(doc.root_mut(), false);
        assert_eq!(doc.to_string(), src);

        let other = "<domain>\n  <metadata>\n    <o:x xmlns:o='urn:o'/>\n  </metadata>\n</domain>";
        let mut doc = Document::parse(other).unwrap();
        set_template(doc.root_mut(), true);
        set_template(doc.root_mut(), false);
        assert_eq!(doc.to_string(), other);
    }
}
