//! Leaf pieces of the tree: the [`Node`] enum, text, and attributes.
//!
//! Each attribute and text node keeps the exact source text it was parsed
//! from (quotes, entity spelling, whitespace inside the tag) and writes that
//! back for as long as its value has not been changed; only edited values
//! are re-escaped. That is what makes parse → serialize byte-exact.

use super::tree::Element;

/// Any piece of an XML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Element(Element),
    /// Character data, including whitespace between elements.
    Text(Text),
    /// Content of `<![CDATA[…]]>`, unescaped.
    CData(String),
    /// Content of `<!--…-->`.
    Comment(String),
    /// Content of `<?…?>` (target and data), other than the XML declaration.
    ProcessingInstruction(String),
    /// Content of the `<?xml …?>` declaration, e.g. `xml version='1.0'`.
    Declaration(String),
    /// Content of `<!…>` for a document type declaration, e.g. `DOCTYPE x`.
    DocType(String),
}

/// Character data. Keeps its source spelling (`&amp;` vs `&#38;`) until changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    value: String,
    raw: Option<String>,
}

impl Text {
    pub fn new(value: impl Into<String>) -> Self {
        Text {
            value: value.into(),
            raw: None,
        }
    }

    /// `raw` is escaped source text; `value` is what it means.
    pub(super) fn parsed(value: String, raw: &str) -> Self {
        Text {
            value,
            raw: Some(raw.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn set(&mut self, value: impl Into<String>) {
        self.value = value.into();
        self.raw = None;
    }

    /// True if the text is only whitespace, i.e. indentation between elements.
    pub fn is_blank(&self) -> bool {
        self.value.chars().all(char::is_whitespace)
    }

    pub(super) fn write(&self, out: &mut String) {
        match &self.raw {
            Some(raw) => out.push_str(raw),
            None => escape_into(&self.value, None, out),
        }
    }
}

/// One attribute. Remembers the whitespace before it, the spelling of `=`,
/// its quote character, and its escaped source value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    name: String,
    value: String,
    raw: Option<String>,
    pub(super) lead: String,
    pub(super) eq: String,
    pub(super) quote: char,
}

impl Attr {
    /// A new attribute written as ` name='value'`, as libvirt writes them.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Attr {
            name: name.into(),
            value: value.into(),
            raw: None,
            lead: " ".into(),
            eq: "=".into(),
            quote: '\'',
        }
    }

    pub(super) fn parsed(
        name: &str,
        value: String,
        raw: &str,
        lead: &str,
        eq: &str,
        quote: char,
    ) -> Self {
        Attr {
            name: name.to_string(),
            value,
            raw: Some(raw.to_string()),
            lead: lead.to_string(),
            eq: eq.to_string(),
            quote,
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn into_value(self) -> String {
        self.value
    }

    pub fn set_value(&mut self, value: impl Into<String>) {
        let value = value.into();
        if value != self.value {
            self.value = value;
            self.raw = None;
        }
    }

    pub(super) fn write(&self, out: &mut String) {
        out.push_str(&self.lead);
        out.push_str(&self.name);
        out.push_str(&self.eq);
        out.push(self.quote);
        match &self.raw {
            Some(raw) => out.push_str(raw),
            None => escape_into(&self.value, Some(self.quote), out),
        }
        out.push(self.quote);
    }
}

impl Node {
    pub fn as_element(&self) -> Option<&Element> {
        match self {
            Node::Element(e) => Some(e),
            _ => None,
        }
    }

    /// True for a whitespace-only text node.
    pub fn is_blank_text(&self) -> bool {
        matches!(self, Node::Text(t) if t.is_blank())
    }

    pub fn write(&self, out: &mut String) {
        match self {
            Node::Element(e) => e.write(out),
            Node::Text(t) => t.write(out),
            Node::CData(c) => {
                out.push_str("<![CDATA[");
                // "]]>" cannot appear inside a CDATA section: split it.
                out.push_str(&c.replace("]]>", "]]]]><![CDATA[>"));
                out.push_str("]]>");
            }
            Node::Comment(c) => {
                out.push_str("<!--");
                out.push_str(c);
                out.push_str("-->");
            }
            Node::ProcessingInstruction(p) | Node::Declaration(p) => {
                out.push_str("<?");
                out.push_str(p);
                out.push_str("?>");
            }
            Node::DocType(d) => {
                out.push_str("<!");
                out.push_str(d);
                out.push('>');
            }
        }
    }
}

/// Escapes text (`quote == None`) or an attribute value quoted with `quote`.
/// Only what must be escaped is, so Chinese names stay readable; line breaks
/// in attributes become character references so they survive normalization.
pub(super) fn escape_into(value: &str, quote: Option<char>, out: &mut String) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' if quote.is_some() => out.push_str("&#13;"),
            '\'' if quote == Some('\'') => out.push_str("&apos;"),
            '"' if quote == Some('"') => out.push_str("&quot;"),
            '\n' if quote.is_some() => out.push_str("&#10;"),
            '\t' if quote.is_some() => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
}
