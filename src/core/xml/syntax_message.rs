//! quick-xml's errors in words a person can read, in their language.
//!
//! quick-xml's own `Display` is English and names Rust-ish details ("`?>` not found
//! before end of input"); what reaches the XML editor must be translated, so each
//! case Hangar can meet is one whole sentence here.

use gettextrs::gettext;
use quick_xml::errors::{Error, IllFormedError, SyntaxError};
use quick_xml::escape::EscapeError;

/// The sentence for a parse error (its position is added by the caller).
pub(crate) fn reader_error(e: &Error) -> String {
    match e {
        Error::Syntax(s) => syntax(s),
        Error::IllFormed(i) => ill_formed(i),
        Error::Escape(e) => escape(e),
        Error::Encoding(_) => gettext("The text is not valid UTF-8"),
        // Attribute errors are reported by `document::element` with their own words;
        // the rest cannot happen when reading from a string.
        other => {
            gettext("The XML cannot be read ({detail})").replace("{detail}", &other.to_string())
        }
    }
}

fn syntax(e: &SyntaxError) -> String {
    match e {
        SyntaxError::InvalidBangMarkup => {
            gettext("Unknown markup after “<!”: expected a comment, CDATA or DOCTYPE")
        }
        SyntaxError::UnclosedPI | SyntaxError::UnclosedXmlDecl => {
            gettext("A “<?” is never closed with “?>”")
        }
        SyntaxError::UnclosedComment => gettext("A comment is never closed with “-->”"),
        SyntaxError::UnclosedDoctype => gettext("The DOCTYPE is never closed with “>”"),
        SyntaxError::UnclosedCData => gettext("A CDATA section is never closed with “]]>”"),
        SyntaxError::UnclosedTag => gettext("A tag is never closed with “>”"),
        SyntaxError::UnclosedSingleQuotedAttributeValue
        | SyntaxError::UnclosedDoubleQuotedAttributeValue => {
            gettext("An attribute value is never closed with its quote")
        }
    }
}

fn ill_formed(e: &IllFormedError) -> String {
    match e {
        IllFormedError::MissingDeclVersion(_) | IllFormedError::UnknownVersion => {
            gettext("The XML declaration must start with version=\"1.0\"")
        }
        IllFormedError::MissingDoctypeName => gettext("The DOCTYPE does not name a document type"),
        IllFormedError::MissingEndTag(tag) => {
            gettext("<{name}> is never closed").replace("{name}", tag)
        }
        IllFormedError::UnmatchedEndTag(tag) => {
            gettext("</{name}> closes an element that was never opened").replace("{name}", tag)
        }
        IllFormedError::MismatchedEndTag { expected, found } => {
            gettext("Expected </{expected}> but found </{found}>")
                .replace("{expected}", expected)
                .replace("{found}", found)
        }
        IllFormedError::DoubleHyphenInComment => gettext("A comment cannot contain “--”"),
        IllFormedError::UnclosedReference => gettext("“&” must be written as “&amp;”"),
    }
}

/// The sentence for an entity or character reference that cannot be read.
pub(crate) fn escape(e: &EscapeError) -> String {
    match e {
        EscapeError::UnrecognizedEntity(_, name) => {
            gettext("Unknown entity “&{name};”").replace("{name}", name)
        }
        EscapeError::UnterminatedEntity(_) => gettext("“&” must be written as “&amp;”"),
        EscapeError::InvalidCharRef(_) => gettext("A character reference (&#…;) is not valid"),
        EscapeError::TooManyNestedEntities => gettext("Entities are nested too deeply"),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::xml::Document;

    fn err(xml: &str) -> String {
        Document::parse(xml).unwrap_err().to_string()
    }

    #[test]
    fn parse_errors_are_sentences_not_quick_xml_debug_text() {
        assert_eq!(
            err("<a><!-- x</a>"),
            "XML error at line 1, column 4: A comment is never closed with “-->”"
        );
        assert!(
            err("<a></b>").ends_with("Expected </a> but found </b>"),
            "{}",
            err("<a></b>")
        );
        assert!(err("<a>&nope;</a>").ends_with("Unknown entity “&nope;”"));
        assert!(
            err("<a x='1>").contains("never closed"),
            "{}",
            err("<a x='1>")
        );
    }
}
