//! Language that messages share: how a list of names is written.
//!
//! English separates list items with ", ", Chinese with "、"; the separator is
//! therefore a translatable string of its own (with a context, so translators see
//! what it is) instead of a literal glued between names.

use gettextrs::pgettext;

/// `items` as one list in the person's language: "a, b, c" or "a、b、c".
pub fn join_list<S: AsRef<str>>(items: &[S]) -> String {
    let separator = pgettext("list separator", ", ");
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(&separator)
}

#[cfg(test)]
mod tests {
    #[test]
    fn joins_with_the_untranslated_separator_by_default() {
        assert_eq!(super::join_list(&["a", "b", "c"]), "a, b, c");
        assert_eq!(super::join_list::<&str>(&[]), "");
    }
}
