//! Indentation-aware structural edits: adding and removing child elements.
//!
//! A person may diff the XML Hangar writes against what they wrote with
//! `virsh edit`, so new elements are indented like their siblings (with the
//! indent unit and line ending detected from the document) and removed
//! elements take their indentation with them instead of leaving blank lines.

use std::sync::Arc;

use super::tree::{Element, Layout, Node, Style, Text};

impl Style {
    /// Two spaces and `\n`, as libvirt writes XML.
    pub(super) fn libvirt() -> Arc<Style> {
        Arc::new(Style {
            unit: "  ".into(),
            newline: "\n".into(),
        })
    }
}

/// Whitespace after the last line break of a blank text node, if it has one.
fn indent_of(node: Option<&Node>) -> Option<&str> {
    match node {
        Some(Node::Text(t)) if t.is_blank() => t.as_str().rfind('\n').map(|i| &t.as_str()[i + 1..]),
        _ => None,
    }
}

/// Detects the indentation style of a parsed document and records each
/// element's indentation. Leaves `layout` unset when the root's children are
/// not on lines of their own (a one-line document stays one line).
pub(super) fn assign_layout(root: &mut Element, root_indent: &str, source: &str) {
    let first_child = root
        .children
        .iter()
        .position(|n| matches!(n, Node::Element(_)));
    let Some(child_indent) =
        first_child.and_then(|i| indent_of(i.checked_sub(1).and_then(|j| root.children.get(j))))
    else {
        return;
    };
    let unit = child_indent
        .strip_prefix(root_indent)
        .unwrap_or(child_indent)
        .to_string();
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let style = Arc::new(Style {
        unit,
        newline: newline.into(),
    });
    assign(root, root_indent.to_string(), &style);
}

fn assign(el: &mut Element, indent: String, style: &Arc<Style>) {
    let fallback = format!("{indent}{}", style.unit);
    for i in 0..el.children.len() {
        let child_indent = indent_of(i.checked_sub(1).and_then(|j| el.children.get(j)))
            .map_or_else(|| fallback.clone(), str::to_string);
        if let Node::Element(child) = &mut el.children[i] {
            assign(child, child_indent, style);
        }
    }
    el.layout = Some(Layout {
        indent,
        style: style.clone(),
    });
}

impl Element {
    /// Appends `child` after the last child element and returns it.
    pub fn push_child(&mut self, child: Element) -> &mut Element {
        let n = self.elements().count();
        self.insert_child(n, child)
    }

    /// Inserts `child` so that it becomes the `index`-th child *element*
    /// (text and comments are not counted), indented like its siblings.
    pub fn insert_child(&mut self, index: usize, mut child: Element) -> &mut Element {
        let element_positions: Vec<usize> = self
            .children
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n, Node::Element(_)))
            .map(|(i, _)| i)
            .collect();
        let index = index.min(element_positions.len());
        let layout = self.layout.clone();
        let only_blank = self.children.iter().all(Node::is_blank_text);
        // The reference sibling whose preceding whitespace we copy.
        let reference = element_positions
            .get(index)
            .or(element_positions.last())
            .copied();
        let sibling_ws =
            reference
                .and_then(|i| i.checked_sub(1))
                .and_then(|j| match &self.children[j] {
                    Node::Text(t) if t.is_blank() && t.as_str().contains('\n') => {
                        Some(t.as_str().to_string())
                    }
                    _ => None,
                });

        let at = match (&layout, only_blank, sibling_ws) {
            (Some(l), true, _) => {
                let child_indent = format!("{}{}", l.indent, l.style.unit);
                child.apply_layout(child_indent.clone(), &l.style);
                self.children = vec![
                    Node::Text(Text::new(format!("{}{child_indent}", l.style.newline))),
                    Node::Element(child),
                    Node::Text(Text::new(format!("{}{}", l.style.newline, l.indent))),
                ];
                1
            }
            (Some(l), false, Some(ws)) => {
                let indent = ws.rsplit('\n').next().unwrap_or_default().to_string();
                child.apply_layout(indent.clone(), &l.style);
                let ws = Node::Text(Text::new(format!("{}{indent}", l.style.newline)));
                if let Some(&pos) = element_positions.get(index) {
                    // Before an existing sibling: child, then the line break that sibling needs.
                    self.children.insert(pos, ws);
                    self.children.insert(pos, Node::Element(child));
                    pos
                } else {
                    let pos = element_positions
                        .last()
                        .map_or(self.children.len(), |p| p + 1);
                    self.children.insert(pos, ws);
                    self.children.insert(pos + 1, Node::Element(child));
                    pos + 1
                }
            }
            _ => {
                let pos = element_positions.get(index).copied().unwrap_or_else(|| {
                    element_positions
                        .last()
                        .map_or(self.children.len(), |p| p + 1)
                });
                self.children.insert(pos, Node::Element(child));
                pos
            }
        };
        match &mut self.children[at] {
            Node::Element(e) => e,
            _ => unreachable!("an element was just inserted at this position"),
        }
    }

    /// The first child called `name`, created (indented) if missing.
    pub fn ensure_child(&mut self, name: &str) -> &mut Element {
        match self
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(e) if e.name == name))
        {
            Some(i) => match &mut self.children[i] {
                Node::Element(e) => e,
                _ => unreachable!(),
            },
            None => self.push_child(Element::new(name)),
        }
    }

    /// Like [`Element::ensure_child`], but a new child is inserted before the
    /// first existing child named in `before` (or at the end), so it lands
    /// where libvirt would put it.
    pub fn ensure_child_before(&mut self, name: &str, before: &[&str]) -> &mut Element {
        if self.child(name).is_none() {
            let at = self
                .elements()
                .position(|e| before.contains(&e.name.as_str()));
            let index = at.unwrap_or_else(|| self.elements().count());
            self.insert_child(index, Element::new(name));
        }
        self.child_mut(name).expect("ensured above")
    }

    /// Removes every child element for which `pred` is true, together with
    /// the indentation in front of it. Returns how many were removed.
    pub fn remove_children_where(&mut self, mut pred: impl FnMut(&Element) -> bool) -> usize {
        let mut removed = 0;
        let mut i = 0;
        while i < self.children.len() {
            let hit = matches!(&self.children[i], Node::Element(e) if pred(e));
            if !hit {
                i += 1;
                continue;
            }
            self.children.remove(i);
            removed += 1;
            if i > 0 && self.children[i - 1].is_blank_text() {
                self.children.remove(i - 1);
                i -= 1;
            }
        }
        if removed > 0 && self.children.iter().all(Node::is_blank_text) {
            self.children.clear();
            self.empty_tag = true;
        }
        removed
    }

    /// Removes all content; the element is then written as `<name/>`.
    pub fn clear_children(&mut self) {
        self.children.clear();
        self.empty_tag = true;
    }

    /// Removes child elements called `name`; returns how many.
    pub fn remove_children_named(&mut self, name: &str) -> usize {
        self.remove_children_where(|e| e.name == name)
    }

    /// Gives a freshly built subtree the document's indentation. Subtrees
    /// that already have a layout, or that contain text, are left alone.
    pub(super) fn apply_layout(&mut self, indent: String, style: &Arc<Style>) {
        if self.layout.is_some() {
            return;
        }
        let child_indent = format!("{indent}{}", style.unit);
        let element_only = self
            .children
            .iter()
            .all(|n| !matches!(n, Node::Text(_) | Node::CData(_)));
        if element_only && self.children.iter().any(|n| matches!(n, Node::Element(_))) {
            let old = std::mem::take(&mut self.children);
            for node in old {
                self.children.push(Node::Text(Text::new(format!(
                    "{}{child_indent}",
                    style.newline
                ))));
                self.children.push(node);
            }
            self.children
                .push(Node::Text(Text::new(format!("{}{indent}", style.newline))));
        }
        for child in self.elements_mut() {
            child.apply_layout(child_indent.clone(), style);
        }
        self.layout = Some(Layout {
            indent,
            style: style.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::super::Document;
    use super::*;

    fn edit(src: &str, f: impl FnOnce(&mut Element)) -> String {
        let mut doc = Document::parse(src).unwrap();
        f(doc.root_mut());
        doc.to_string()
    }

    #[test]
    fn push_child_copies_sibling_indentation() {
        let out = edit("<a>\n    <b/>\n    <c/>\n</a>\n", |a| {
            a.push_child(Element::new("d").with_child(Element::new("e")));
        });
        assert_eq!(
            out,
            "<a>\n    <b/>\n    <c/>\n    <d>\n        <e/>\n    </d>\n</a>\n"
        );
    }

    #[test]
    fn insert_child_before_sibling_and_into_empty_element() {
        let out = edit("<a>\n  <b/>\n  <c/>\n</a>", |a| {
            a.insert_child(1, Element::new("x"));
            a.child_mut("b").unwrap().push_child(Element::new("y"));
        });
        assert_eq!(out, "<a>\n  <b>\n    <y/>\n  </b>\n  <x/>\n  <c/>\n</a>");
    }

    #[test]
    fn crlf_and_tabs_are_detected() {
        let out = edit("<a>\r\n\t<b/>\r\n</a>", |a| {
            a.push_child(Element::new("c"));
        });
        assert_eq!(out, "<a>\r\n\t<b/>\r\n\t<c/>\r\n</a>");
    }

    #[test]
    fn one_line_documents_stay_on_one_line() {
        let out = edit("<a><b/></a>", |a| {
            a.push_child(Element::new("c").with_child(Element::new("d")));
        });
        assert_eq!(out, "<a><b/><c><d/></c></a>");
    }

    #[test]
    fn remove_takes_indentation_along_and_collapses_empty() {
        let out = edit("<a>\n  <b/>\n  <!-- keep -->\n  <c/>\n  <b/>\n</a>", |a| {
            assert_eq!(a.remove_children_named("b"), 2);
        });
        assert_eq!(out, "<a>\n  <!-- keep -->\n  <c/>\n</a>");
        let out = edit("<a>\n  <b>\n    <c/>\n  </b>\n</a>", |a| {
            a.child_mut("b").unwrap().remove_children_named("c");
        });
        assert_eq!(out, "<a>\n  <b/>\n</a>");
    }

    #[test]
    fn ensure_child_returns_existing_or_creates() {
        let out = edit("<a>\n  <b x='1'/>\n</a>", |a| {
            a.ensure_child("b").set_attr("y", "2");
            a.ensure_child("c").set_text("t");
        });
        assert_eq!(out, "<a>\n  <b x='1' y='2'/>\n  <c>t</c>\n</a>");
    }
}
