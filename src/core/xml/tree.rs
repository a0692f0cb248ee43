//! Elements: the tree's structure and its read/write accessors.
//!
//! The tree exists so Hangar can change one value in a libvirt document and
//! hand the rest back untouched (see `node.rs` for how values keep their
//! source spelling). Indentation-aware inserting and removing lives in
//! `layout.rs`.

use std::fmt;
use std::sync::Arc;

pub use super::node::{Attr, Node, Text};

/// Indentation style detected from a parsed document (or the default for new ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Style {
    pub unit: String,
    pub newline: String,
}

/// Where an element sits in the document's indentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Layout {
    /// Whitespace at the start of this element's line.
    pub indent: String,
    pub style: Arc<Style>,
}

/// An element. `name` is the qualified name as written (`hangar:template`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<Attr>,
    pub children: Vec<Node>,
    /// Whitespace between the last attribute and `>` or `/>`.
    pub(super) start_tail: String,
    /// Whitespace between the name and `>` of the end tag.
    pub(super) end_tail: String,
    /// Written as `<x/>` while it has no children.
    pub(super) empty_tag: bool,
    /// `None` when the document is not indented or the element is not in one yet.
    pub(super) layout: Option<Layout>,
}

impl Element {
    pub fn new(name: impl Into<String>) -> Self {
        Element {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
            start_tail: String::new(),
            end_tail: String::new(),
            empty_tag: true,
            layout: None,
        }
    }

    /// Builder form of [`Element::set_attr`].
    pub fn with_attr(mut self, name: &str, value: impl Into<String>) -> Self {
        self.set_attr(name, value);
        self
    }

    /// Builder form of [`Element::set_text`].
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.set_text(text);
        self
    }

    /// Builder: appends a child element (indented once the tree is in a document).
    pub fn with_child(mut self, child: Element) -> Self {
        self.push_child(child);
        self
    }

    /// Name without its namespace prefix.
    pub fn local_name(&self) -> &str {
        self.name
            .split_once(':')
            .map_or(&self.name, |(_, local)| local)
    }

    pub fn prefix(&self) -> Option<&str> {
        self.name.split_once(':').map(|(prefix, _)| prefix)
    }

    /// Namespace URI of this element if it is declared on the element itself,
    /// which is how libvirt writes every `<metadata>` child.
    pub fn own_namespace(&self) -> Option<&str> {
        match self.prefix() {
            Some(prefix) => self.attr(&format!("xmlns:{prefix}")),
            None => self.attr("xmlns"),
        }
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|a| a.name() == name)
            .map(Attr::value)
    }

    /// Changes an attribute in place (keeping its position and quotes) or
    /// appends it, quoted like the element's other attributes.
    pub fn set_attr(&mut self, name: &str, value: impl Into<String>) {
        if let Some(a) = self.attrs.iter_mut().find(|a| a.name() == name) {
            a.set_value(value);
            return;
        }
        let mut attr = Attr::new(name, value);
        if let Some(last) = self.attrs.last() {
            attr.quote = last.quote;
        }
        self.attrs.push(attr);
    }

    /// Removes an attribute, returning its value.
    pub fn remove_attr(&mut self, name: &str) -> Option<String> {
        let i = self.attrs.iter().position(|a| a.name() == name)?;
        Some(self.attrs.remove(i).into_value())
    }

    /// Element children in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            _ => None,
        })
    }

    /// First child element called `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    pub fn child_mut(&mut self, name: &str) -> Option<&mut Element> {
        self.elements_mut().find(|e| e.name == name)
    }

    /// Child elements called `name`, in order.
    pub fn children_named<'s: 'n, 'n>(
        &'s self,
        name: &'n str,
    ) -> impl Iterator<Item = &'s Element> + 'n {
        self.elements().filter(move |e| e.name == name)
    }

    pub fn children_named_mut<'s: 'n, 'n>(
        &'s mut self,
        name: &'n str,
    ) -> impl Iterator<Item = &'s mut Element> + 'n {
        self.elements_mut().filter(move |e| e.name == name)
    }

    /// Follows a path of child names, taking the first match at each step:
    /// `root.find(&["os", "type"])`.
    pub fn find(&self, path: &[&str]) -> Option<&Element> {
        path.iter().try_fold(self, |el, name| el.child(name))
    }

    pub fn find_mut(&mut self, path: &[&str]) -> Option<&mut Element> {
        path.iter().try_fold(self, |el, name| el.child_mut(name))
    }

    /// Every element reachable by the path, through every intermediate match:
    /// `root.find_all(&["devices", "disk"])`.
    pub fn find_all(&self, path: &[&str]) -> Vec<&Element> {
        let mut current = vec![self];
        for name in path {
            current = current
                .into_iter()
                .flat_map(|e| e.children_named(name))
                .collect();
        }
        current
    }

    /// Text and CDATA directly inside this element, concatenated.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for node in &self.children {
            match node {
                Node::Text(t) => s.push_str(t.as_str()),
                Node::CData(c) => s.push_str(c),
                _ => {}
            }
        }
        s
    }

    /// Trimmed text of the first child called `name`, if it is not empty.
    pub fn child_text(&self, name: &str) -> Option<String> {
        let text = self.child(name)?.text();
        let trimmed = text.trim();
        (!trimmed.is_empty()).then(|| trimmed.to_string())
    }

    /// Replaces all children with one text node. Keeps the source spelling
    /// when the element already holds exactly this text.
    pub fn set_text(&mut self, value: impl Into<String>) {
        let value = value.into();
        if let [Node::Text(t)] = self.children.as_slice() {
            if t.as_str() == value {
                return;
            }
        }
        self.children = vec![Node::Text(Text::new(value))];
    }

    /// Serializes this element alone, e.g. for `virDomainAttachDevice`.
    pub fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for a in &self.attrs {
            a.write(out);
        }
        out.push_str(&self.start_tail);
        if self.children.is_empty() && self.empty_tag {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            child.write(out);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push_str(&self.end_tail);
        out.push('>');
    }
}

impl fmt::Display for Element {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::super::Document;

    const XML: &str = "<domain xmlns:q='urn:q'>\n  <devices>\n    <disk type='file'><target dev='vda'/></disk>\n    \
                       <disk type='block'><target dev='vdb'/></disk>\n  </devices>\n  <devices>\n    \
                       <disk type='volume'/>\n  </devices>\n  <q:x xmlns:q='urn:q'>a<!-- c --><![CDATA[&b]]>c</q:x>\n</domain>";

    #[test]
    fn navigation() {
        let doc = Document::parse(XML).unwrap();
        let root = doc.root();
        assert_eq!(
            root.find(&["devices", "disk", "target"])
                .unwrap()
                .attr("dev"),
            Some("vda")
        );
        let types: Vec<_> = root
            .find_all(&["devices", "disk"])
            .iter()
            .map(|d| d.attr("type").unwrap())
            .collect();
        assert_eq!(types, ["file", "block", "volume"]);
        assert_eq!(
            root.child("devices")
                .unwrap()
                .children_named("disk")
                .count(),
            2
        );
        assert!(root.find(&["devices", "nope"]).is_none());
        let x = root.child("q:x").unwrap();
        assert_eq!(
            (x.prefix(), x.local_name(), x.own_namespace()),
            (Some("q"), "x", Some("urn:q"))
        );
        assert_eq!(x.text(), "a&bc");
        assert_eq!(root.own_namespace(), None);
    }

    #[test]
    fn attribute_edits_keep_order_and_quotes() {
        let mut doc = Document::parse("<a  one=\"1\"\n   two='2' />").unwrap();
        let a = doc.root_mut();
        a.set_attr("one", "uno");
        a.set_attr("three", "3");
        assert_eq!(a.remove_attr("two").as_deref(), Some("2"));
        assert_eq!(a.remove_attr("two"), None);
        assert_eq!(doc.to_string(), "<a  one=\"uno\" three='3' />");
        let mut doc = Document::parse("<a x=\"1\"/>").unwrap();
        doc.root_mut().set_attr("y", "2");
        assert_eq!(doc.to_string(), "<a x=\"1\" y=\"2\"/>");
    }

    #[test]
    fn set_text_keeps_spelling_when_unchanged_and_writes_element_alone() {
        let mut doc = Document::parse("<a><t>&#x41;</t></a>").unwrap();
        doc.root_mut().child_mut("t").unwrap().set_text("A");
        assert_eq!(doc.to_string(), "<a><t>&#x41;</t></a>");
        doc.root_mut().child_mut("t").unwrap().set_text("B<");
        assert_eq!(doc.root().child("t").unwrap().to_string(), "<t>B&lt;</t>");
    }
}
