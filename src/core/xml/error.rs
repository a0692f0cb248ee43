//! The one error type of the XML module.
//!
//! Every message is meant to be shown to a person as-is (for example in a
//! toast when a libvirt object's XML cannot be read), so parse errors carry a
//! 1-based line and column instead of a byte offset.

/// Anything that can go wrong while reading or editing libvirt XML.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    /// The text is not well-formed XML.
    #[error("XML error at line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// The text holds no element at all.
    #[error("the XML document has no root element")]
    NoRoot,
    /// The document is well-formed but describes another kind of object.
    #[error("expected a <{expected}> document, but the root element is <{found}>")]
    WrongRoot { expected: String, found: String },
    /// A value libvirt requires is absent.
    #[error("the XML has no {0}")]
    Missing(String),
    /// A value is present but cannot be understood.
    #[error("invalid {what} “{value}”: {reason}")]
    Invalid {
        what: String,
        value: String,
        reason: String,
    },
    /// An edit targeted something the document does not contain.
    #[error("{0} not found in the XML")]
    NotFound(String),
}

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

    pub(crate) fn invalid(what: &str, value: &str, reason: impl Into<String>) -> Self {
        XmlError::Invalid {
            what: what.to_string(),
            value: value.to_string(),
            reason: reason.into(),
        }
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
        let e = XmlError::invalid("memory unit", "XB", "unknown unit");
        assert_eq!(e.to_string(), "invalid memory unit “XB”: unknown unit");
    }
}
