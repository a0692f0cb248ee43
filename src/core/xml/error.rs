//! The one error type of the XML module.
//!
//! Every message is meant to be shown to a person as-is (for example in a
//! toast when a libvirt object's XML cannot be read), so parse errors carry a
//! 1-based line and column instead of a byte offset, and every sentence goes
//! through gettext whole: the variants that name a value carry the finished,
//! translated sentence rather than English fragments to be glued together.

use gettextrs::gettext;

/// Anything that can go wrong while reading or editing libvirt XML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlError {
    /// The text is not well-formed XML; `message` is already translated.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The text holds no element at all.
    NoRoot,
    /// The document is well-formed but describes another kind of object.
    WrongRoot { expected: String, found: String },
    /// A value libvirt requires is absent (a translated sentence naming it).
    Missing(String),
    /// A value is present but cannot be understood (a translated sentence).
    Invalid(String),
    /// An edit targeted something the document does not contain (a translated sentence).
    NotFound(String),
}

impl std::fmt::Display for XmlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match self {
            XmlError::Syntax {
                line,
                column,
                message,
            } => gettext("XML error at line {line}, column {column}: {message}")
                .replace("{line}", &line.to_string())
                .replace("{column}", &column.to_string())
                .replace("{message}", message),
            XmlError::NoRoot => gettext("The XML document has no root element"),
            XmlError::WrongRoot { expected, found } => {
                gettext("Expected a <{expected}> document, but the root element is <{found}>")
                    .replace("{expected}", expected)
                    .replace("{found}", found)
            }
            XmlError::Missing(m) | XmlError::Invalid(m) | XmlError::NotFound(m) => m.clone(),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for XmlError {}

impl XmlError {
    /// Builds a [`XmlError::Syntax`] for byte offset `pos` of `input`.
    pub(crate) fn syntax_at(input: &str, pos: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(input, pos);
        XmlError::Syntax {
            line,
            column,
            message: message.into(),
        }
    }

    /// [`XmlError::Invalid`] from a translated `sentence` whose `{value}` is `value`.
    pub(crate) fn invalid(sentence: String, value: &str) -> Self {
        XmlError::Invalid(sentence.replace("{value}", value))
    }
}

/// 1-based line and column (counted in characters) of byte offset `pos`.
pub(crate) fn line_column(input: &str, pos: usize) -> (usize, usize) {
    let mut pos = pos.min(input.len());
    while !input.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &input[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_not_bytes() {
        let s = "<a>\n  <名前>x";
        let pos = s.find('x').unwrap();
        assert_eq!(line_column(s, pos), (2, 7));
        assert_eq!(line_column(s, 0), (1, 1));
        assert_eq!(line_column(s, 10_000), (2, 8));
    }

    #[test]
    fn messages_read_well() {
        let e = XmlError::syntax_at("<a>\n<b>", 4, "unclosed");
        assert_eq!(e.to_string(), "XML error at line 2, column 1: unclosed");
        let e = XmlError::invalid("The size unit “{value}” is unknown".into(), "XB");
        assert_eq!(e.to_string(), "The size unit “XB” is unknown");
        let e = XmlError::WrongRoot {
            expected: "domain".into(),
            found: "network".into(),
        };
        assert_eq!(
            e.to_string(),
            "Expected a <domain> document, but the root element is <network>"
        );
    }
}
