//! libvirt speaks the person's language too: under a Chinese locale its client-side
//! messages arrive translated (Debian's libvirt-l10n), and Hangar must still
//! recognise them — the hint for a failed connection, the error class it strips.
//! One test in its own binary, because it switches the whole process's locale.

use gettextrs::{setlocale, LocaleCategory};
use hangar::core::error::from_virt;
use hangar::core::ssh_hints::explain;
use virt::connect::Connect;

/// libvirt's error for opening `uri`.
fn open_error(uri: &str) -> virt::error::Error {
    match Connect::open(Some(uri)) {
        Ok(_) => panic!("{uri} opened"),
        Err(e) => e,
    }
}

fn has_chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn failures_are_recognised_when_libvirt_speaks_chinese() {
    // LANGUAGE outranks LANG for gettext; whatever the runner set, Chinese it is.
    std::env::set_var("LANGUAGE", "zh_CN");
    assert!(
        setlocale(LocaleCategory::LcAll, "zh_CN.UTF-8").is_some(),
        "the zh_CN.UTF-8 locale is missing: build-aux/install-deps.sh test generates it"
    );

    let cases = [
        (
            "qemu+tcp://conn-no-such-host.invalid/system",
            "check its spelling",
        ),
        (
            "qemu+tcp://127.0.0.1:1/system",
            "libvirtd accepts TCP or TLS",
        ),
        ("not a uri", "qemu:///system"),
        ("qemu+ssh://nobody@127.0.0.1:1/system", "sshd runs there"),
    ];
    for (uri, expect) in cases {
        let e = open_error(uri);
        let message = e.message().to_string();
        // Otherwise this test proves nothing: libvirt must really answer in Chinese.
        assert!(
            has_chinese(&message),
            "libvirt answered in English ({message}): is libvirt-l10n installed?"
        );
        let hint = explain(uri, &message).unwrap_or_else(|| panic!("no hint for {message}"));
        assert!(hint.contains(expect), "{uri}: {message} → {hint}");
    }

    // The class and function prefixes go in Chinese too, as "invalid argument:
    // remote_open: " does in English.
    let e = open_error("qemu+carrierpigeon:///system");
    let shown = from_virt(&e).message;
    assert!(
        e.message().starts_with("无效参数：remote_open："),
        "{}",
        e.message()
    );
    assert!(shown.starts_with("URL 中的传输未被识别"), "{shown}");
    assert!(
        has_chinese(&shown) && shown.contains("tls|unix|ssh"),
        "{shown}"
    );

    // The test driver's "internal error: domain 'test' is already running" loses
    // its class in Chinese as well.
    let conn = Connect::open(Some("test:///default")).expect("test driver");
    let dom = conn.lookup_domain_by_name("test").expect("its machine");
    let e = dom.create().expect_err("it is already running");
    let shown = from_virt(&e).message;
    assert!(e.message().starts_with("内部错误："), "{}", e.message());
    assert_eq!(shown, "域 'test' 已在运行");
}
