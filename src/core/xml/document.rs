//! Parsing a whole document into the lossless tree, and writing it back.
//!
//! quick-xml does the tokenizing and well-formedness checks; every node is
//! built from the exact source slice of its event, so an unmodified document
//! serializes to the very bytes it was parsed from.

use std::fmt;

use quick_xml::escape::{unescape, EscapeError};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::XmlError;
use super::layout::assign_layout;
use super::syntax_message::{escape, reader_error};
use super::tree::{Attr, Element, Node, Style, Text};
use gettextrs::gettext;

const BOM: char = '\u{feff}';

/// A parsed XML document: whatever precedes the root (declaration,
/// comments), the root element, and whatever follows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    bom: bool,
    prolog: Vec<Node>,
    root: Element,
    epilog: Vec<Node>,
}

impl Document {
    /// A new document around `root`, indented the way libvirt indents.
    pub fn new(mut root: Element) -> Self {
        root.apply_layout(String::new(), &Style::libvirt());
        Document {
            bom: false,
            prolog: Vec::new(),
            root,
            epilog: vec![Node::Text(Text::new("\n"))],
        }
    }

    /// Parses `input`. Errors name the line and column.
    pub fn parse(input: &str) -> Result<Self, XmlError> {
        let bom = input.starts_with(BOM);
        let body = input.strip_prefix(BOM).unwrap_or(input);
        let mut builder = Builder {
            body,
            stack: Vec::new(),
            prolog: Vec::new(),
            root: None,
            epilog: Vec::new(),
        };
        let mut reader = Reader::from_str(body);
        // Character data arrives split around entity references; collect its span.
        let mut text_span: Option<(usize, usize)> = None;
        loop {
            let start = reader.buffer_position() as usize;
            let event = reader.read_event().map_err(|e| {
                XmlError::syntax_at(body, reader.error_position() as usize, reader_error(&e))
            })?;
            let end = reader.buffer_position() as usize;
            if let Event::Text(_) | Event::GeneralRef(_) = event {
                text_span = Some((text_span.map_or(start, |(s, _)| s), end));
                continue;
            }
            if let Some((s, e)) = text_span.take() {
                builder.text(s, e)?;
            }
            let raw = &body[start..end];
            match event {
                Event::Start(tag) => {
                    let el = element(body, start, &raw[..raw.len() - 1], &tag)?;
                    builder.stack.push((el, start));
                }
                Event::Empty(tag) => {
                    let el = element(body, start, &raw[..raw.len() - 2], &tag)?;
                    builder.attach(Node::Element(el), start)?;
                }
                Event::End(_) => {
                    let (mut el, _) = builder.stack.pop().expect("quick-xml checks end tags");
                    el.end_tail = raw[2 + el.name.len()..raw.len() - 1].to_string();
                    el.empty_tag = false;
                    builder.attach(Node::Element(el), start)?;
                }
                Event::CData(_) => {
                    builder.attach(Node::CData(raw[9..raw.len() - 3].into()), start)?
                }
                Event::Comment(_) => {
                    builder.attach(Node::Comment(raw[4..raw.len() - 3].into()), start)?
                }
                Event::Decl(_) => {
                    builder.attach(Node::Declaration(raw[2..raw.len() - 2].into()), start)?
                }
                Event::PI(_) => builder.attach(
                    Node::ProcessingInstruction(raw[2..raw.len() - 2].into()),
                    start,
                )?,
                Event::DocType(_) => {
                    builder.attach(Node::DocType(raw[2..raw.len() - 1].into()), start)?
                }
                Event::Eof => break,
                Event::Text(_) | Event::GeneralRef(_) => unreachable!("handled above"),
            }
        }
        if let Some((el, pos)) = builder.stack.last() {
            let msg = gettext("<{name}> is never closed").replace("{name}", &el.name);
            return Err(XmlError::syntax_at(body, *pos, msg));
        }
        let mut root = builder.root.ok_or(XmlError::NoRoot)?;
        let root_indent = match builder.prolog.last() {
            Some(Node::Text(t)) if t.is_blank() => {
                t.as_str().rsplit('\n').next().unwrap_or_default()
            }
            _ => "",
        };
        assign_layout(&mut root, root_indent, body);
        Ok(Document {
            bom,
            prolog: builder.prolog,
            root,
            epilog: builder.epilog,
        })
    }

    pub fn root(&self) -> &Element {
        &self.root
    }

    pub fn root_mut(&mut self) -> &mut Element {
        &mut self.root
    }

    /// Nodes before the root element (XML declaration, comments, whitespace).
    pub fn prolog(&self) -> &[Node] {
        &self.prolog
    }

    /// Fails with [`XmlError::WrongRoot`] unless the root is called `name`.
    pub fn expect_root(&self, name: &str) -> Result<&Element, XmlError> {
        if self.root.name == name {
            Ok(&self.root)
        } else {
            Err(XmlError::WrongRoot {
                expected: name.into(),
                found: self.root.name.clone(),
            })
        }
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::new();
        if self.bom {
            out.push(BOM);
        }
        for node in &self.prolog {
            node.write(&mut out);
        }
        self.root.write(&mut out);
        for node in &self.epilog {
            node.write(&mut out);
        }
        f.write_str(&out)
    }
}

/// Assembles nodes into the tree while the reader walks the document.
struct Builder<'a> {
    body: &'a str,
    stack: Vec<(Element, usize)>,
    prolog: Vec<Node>,
    root: Option<Element>,
    epilog: Vec<Node>,
}

impl Builder<'_> {
    fn attach(&mut self, node: Node, pos: usize) -> Result<(), XmlError> {
        if let Some((parent, _)) = self.stack.last_mut() {
            parent.children.push(node);
            return Ok(());
        }
        match (node, self.root.is_some()) {
            (Node::Element(el), false) => self.root = Some(el),
            (Node::Element(el), true) => {
                let msg = gettext("A second root element <{name}>: a document has exactly one")
                    .replace("{name}", &el.name);
                return Err(XmlError::syntax_at(self.body, pos, msg));
            }
            (node, false) => self.prolog.push(node),
            (node, true) => self.epilog.push(node),
        }
        Ok(())
    }

    fn text(&mut self, start: usize, end: usize) -> Result<(), XmlError> {
        let raw = &self.body[start..end];
        let value = unescape(raw)
            .map_err(|e| escape_error(self.body, start, &e))?
            .into_owned();
        let text = Text::parsed(value, raw);
        if self.stack.is_empty() && !text.is_blank() {
            let offset = raw.len() - raw.trim_start().len();
            return Err(XmlError::syntax_at(
                self.body,
                start + offset,
                gettext("Text outside the root element"),
            ));
        }
        self.attach(Node::Text(text), start)
    }
}

fn escape_error(body: &str, start: usize, e: &EscapeError) -> XmlError {
    match e {
        EscapeError::UnrecognizedEntity(range, _) => {
            XmlError::syntax_at(body, start + range.start.saturating_sub(1), escape(e))
        }
        EscapeError::UnterminatedEntity(range) => {
            XmlError::syntax_at(body, start + range.start, escape(e))
        }
        other => XmlError::syntax_at(body, start, escape(other)),
    }
}

/// Builds an element from its start tag source `raw` (without the closing
/// `>` or `/>`), which begins at byte `pos` of `body`.
fn element(body: &str, pos: usize, raw: &str, tag: &BytesStart<'_>) -> Result<Element, XmlError> {
    for attr in tag.attributes().with_checks(true) {
        if let Err(e) = attr {
            let (at, msg) = match e {
                AttrError::Duplicated(at, _) => (at, gettext("This attribute is given twice")),
                AttrError::ExpectedEq(at) => (at, gettext("Expected “=” after the attribute name")),
                AttrError::ExpectedValue(at) | AttrError::UnquotedValue(at) => {
                    (at, gettext("Attribute values must be in quotes"))
                }
                AttrError::ExpectedQuote(at, q) => (
                    at,
                    gettext("The attribute value is missing its closing {quote}")
                        .replace("{quote}", &(q as char).to_string()),
                ),
            };
            return Err(XmlError::syntax_at(body, pos + 1 + at, msg));
        }
    }
    let name_len = tag.name().as_ref().len();
    let mut el = Element::new(&raw[1..1 + name_len]);
    el.empty_tag = true;
    let mut rest = &raw[1 + name_len..];
    loop {
        let lead_len = rest.len() - rest.trim_start().len();
        let (lead, after) = rest.split_at(lead_len);
        if after.is_empty() {
            el.start_tail = lead.to_string();
            return Ok(el);
        }
        let bad = || {
            XmlError::syntax_at(
                body,
                pos,
                gettext("Cannot read the attributes of <{name}>").replace("{name}", &el.name),
            )
        };
        let eq_at = after.find('=').ok_or_else(bad)?;
        let name = after[..eq_at].trim_end();
        let after_eq = &after[eq_at + 1..];
        let value_at = eq_at + 1 + (after_eq.len() - after_eq.trim_start().len());
        let quote = after[value_at..].chars().next().ok_or_else(bad)?;
        let value_len = after[value_at + 1..].find(quote).ok_or_else(bad)?;
        let raw_value = &after[value_at + 1..value_at + 1 + value_len];
        let value_pos = pos + (raw.len() - after.len()) + value_at + 1;
        let value = unescape(raw_value)
            .map_err(|e| escape_error(body, value_pos, &e))?
            .into_owned();
        let eq = &after[name.len()..value_at];
        el.attrs
            .push(Attr::parsed(name, value, raw_value, lead, eq, quote));
        rest = &after[value_at + 1 + value_len + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        Document::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn round_trip_keeps_every_byte() {
        let src = "\u{feff}<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE domain>\n<!-- top -->\n\
                   <domain  type = \"kvm\"\tid='1' >\n  <name>a &amp; b &#x4e2d;&#20013;</name>\n\
                   <x a='&apos;&quot;&lt;'></x ><![CDATA[ <raw> & ]]><?pi data?>\n</domain>\n<!-- end -->\n";
        let doc = Document::parse(src).unwrap();
        assert_eq!(doc.to_string(), src);
        assert_eq!(doc.root().child_text("name").unwrap(), "a & b 中中");
        assert_eq!(doc.root().child("x").unwrap().attr("a"), Some("'\"<"));
        assert_eq!(doc.root().text(), "\n  \n <raw> & \n");
        assert_eq!(doc.root().attr("type"), Some("kvm"));
    }

    #[test]
    fn edited_values_are_escaped_for_their_quotes() {
        let mut doc = Document::parse("<a x=\"1\" y='2'>t</a>").unwrap();
        doc.root_mut().set_attr("x", "say \"hi\" & 'bye'");
        doc.root_mut().set_attr("y", "it's <ok>");
        doc.root_mut().set_attr("z", "名前\n");
        doc.root_mut().set_text("Tom & Jerry <3>");
        let out = doc.to_string();
        assert_eq!(
            out,
            "<a x=\"say &quot;hi&quot; &amp; 'bye'\" y='it&apos;s &lt;ok&gt;' z='名前&#10;'>Tom &amp; Jerry &lt;3&gt;</a>"
        );
        let again = Document::parse(&out).unwrap();
        assert_eq!(again.root().attr("x"), Some("say \"hi\" & 'bye'"));
        assert_eq!(again.root().attr("z"), Some("名前\n"));
        assert_eq!(again.root().text(), "Tom & Jerry <3>");
    }

    #[test]
    fn new_documents_are_indented_like_libvirt() {
        let root = Element::new("pool")
            .with_attr("type", "dir")
            .with_child(Element::new("name").with_text("p"))
            .with_child(Element::new("target").with_child(Element::new("path").with_text("/p")));
        assert_eq!(
            Document::new(root).to_string(),
            "<pool type='dir'>\n  <name>p</name>\n  <target>\n    <path>/p</path>\n  </target>\n</pool>\n"
        );
    }

    #[test]
    fn parse_errors_say_where_and_what() {
        assert_eq!(
            err("<domain>\n  <name>x</nam>\n</domain>"),
            "XML error at line 2, column 10: Expected </name> but found </nam>"
        );
        assert_eq!(
            err("<domain>\n  <devices>\n"),
            "XML error at line 2, column 3: <devices> is never closed"
        );
        assert_eq!(
            err("<a x='1' x='2'/>"),
            "XML error at line 1, column 10: This attribute is given twice"
        );
        assert_eq!(
            err("<a x=1/>"),
            "XML error at line 1, column 6: Attribute values must be in quotes"
        );
        assert_eq!(
            err("<a>\n&nbsp;</a>"),
            "XML error at line 2, column 1: Unknown entity “&nbsp;”"
        );
        assert_eq!(
            err("<a/>\n<b/>"),
            "XML error at line 2, column 1: A second root element <b>: a document has exactly one"
        );
        assert_eq!(
            err("oops<a/>"),
            "XML error at line 1, column 1: Text outside the root element"
        );
        assert_eq!(err("  \n"), "The XML document has no root element");
        assert!(
            err("<a><!-- x</a>").starts_with("XML error at line 1, column 4:"),
            "{}",
            err("<a><!-- x</a>")
        );
    }

    #[test]
    fn documents_can_move_between_threads() {
        fn send_sync<T: Send + Sync>() {}
        send_sync::<Document>();
        send_sync::<XmlError>();
    }

    #[test]
    fn wrong_root_is_reported() {
        let doc = Document::parse("<network/>").unwrap();
        assert_eq!(
            doc.expect_root("domain").unwrap_err().to_string(),
            "Expected a <domain> document, but the root element is <network>"
        );
    }
}
