//! Recognising libvirt's messages in whatever language they arrive in.
//!
//! libvirt has its own gettext domain: with a Chinese locale (and Debian's
//! libvirt-l10n installed) "unable to connect to server at 'h:1': Connection refused"
//! arrives as "无法在 'h :1' 连接到服务器: 拒绝连接". libvirt's error codes are too coarse
//! to tell these failures apart (most are VIR_ERR_SYSTEM_ERROR), so Hangar matches the
//! text — but against libvirt's own format string in English *and* as libvirt's
//! catalogue translates it for the current locale, and against the C library's
//! error text in both languages. Whatever language libvirt speaks, the match holds.

use gettextrs::dgettext;

/// libvirt's gettext domain.
const LIBVIRT_DOMAIN: &str = "libvirt";

/// True when `message` was made from libvirt's format string `msgid` (for example
/// "unable to connect to server at '%s:%s'"), in English or in libvirt's translation:
/// every fixed piece of the format appears in order. Case is ignored.
pub fn says(message: &str, msgid: &str) -> bool {
    let message = message.to_lowercase();
    [msgid.to_string(), dgettext(LIBVIRT_DOMAIN, msgid)]
        .iter()
        .any(|format| pieces_in_order(&message, &format.to_lowercase()))
}

/// The text before the first placeholder of libvirt's `msgid`, in English and in
/// libvirt's translation ("internal error: %s" → "internal error: ", "内部错误：").
pub fn prefixes(msgid: &str) -> Vec<String> {
    let mut out: Vec<String> = [msgid.to_string(), dgettext(LIBVIRT_DOMAIN, msgid)]
        .iter()
        .map(|f| pieces(f).into_iter().next().unwrap_or_default())
        .filter(|p| !p.is_empty())
        .collect();
    out.dedup();
    out
}

/// True when `message` contains the C library's text for `errno` — `english` as
/// glibc writes it untranslated, or its text in the current locale.
pub fn names_errno(message: &str, errno: i32, english: &str) -> bool {
    let message = message.to_lowercase();
    let local = std::io::Error::from_raw_os_error(errno).to_string();
    // Rust appends " (os error N)"; the C library's text is what comes before.
    let local = local
        .rsplit_once(" (os error")
        .map_or(&*local, |(text, _)| text);
    message.contains(&english.to_lowercase()) || message.contains(&local.to_lowercase())
}

/// The literal pieces of a printf format, split at each `%s`, `%d`, `%1$s`, `%llu`….
fn pieces(format: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = format;
    while let Some(at) = rest.find('%') {
        out.push(rest[..at].to_string());
        let after = &rest[at + 1..];
        // Skip the conversion: digits, '$', length modifiers, then one letter.
        let skip = after
            .char_indices()
            .find(|&(_, c)| c.is_ascii_alphabetic() && !matches!(c, 'l' | 'h' | 'z' | 'j'))
            .map_or(after.len(), |(i, c)| i + c.len_utf8());
        rest = &after[skip..];
    }
    out.push(rest.to_string());
    out
}

fn pieces_in_order(message: &str, format: &str) -> bool {
    let mut rest = message;
    for piece in pieces(format).iter().filter(|p| !p.trim().is_empty()) {
        match rest.find(piece.as_str()) {
            Some(at) => rest = &rest[at + piece.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_split_at_their_placeholders() {
        assert_eq!(
            pieces("Unable to resolve address '%s' service '%s': %s"),
            ["Unable to resolve address '", "' service '", "': ", ""]
        );
        assert_eq!(pieces("%1$s of %2$llu"), ["", " of ", ""]);
    }

    #[test]
    fn messages_match_their_format_in_order() {
        let m = "unable to connect to server at '127.0.0.1:1': Connection refused";
        assert!(says(m, "unable to connect to server at '%s:%s'"));
        assert!(!says(m, "Unable to resolve address '%s' service '%s': %s"));
        assert!(names_errno(m, libc::ECONNREFUSED, "Connection refused"));
        assert!(!names_errno(m, libc::ETIMEDOUT, "Connection timed out"));
        assert_eq!(prefixes("internal error: %s")[0], "internal error: ");
    }
}
