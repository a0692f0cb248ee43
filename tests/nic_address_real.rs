//! A network card's IP address from a DHCP lease, on the system libvirtd: the tiny
//! real guest on a libvirt network with DHCP asks for an address (busybox udhcpc,
//! typed on its serial console), and the details the view shows list the leased IPv4
//! under the card's MAC, as `virsh domifaddr --source lease` does. Everything made is
//! named `hd-…` and removed, also when an assert fails. Needs root and
//! HANGAR_REAL_LIBVIRT=1.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{real_libvirt, support};
use hangar::core::console::{open_console, ConsoleEvent, ConsoleOutput, ConsoleStream};
use hangar::core::worker::{ConnectionHandle, ConnectionSpec};
use hangar::core::xml::DomainXml;
use virt::connect::Connect;

const URI: &str = "qemu:///system";
const GUEST_DIR: &str = "/var/lib/libvirt/images/hangar-test/guest";
const BANNER: &str = "HANGAR-TINY-GUEST READY";

/// A network with DHCP and a running transient tiny guest on it; both removed when
/// dropped.
struct DhcpGuest {
    conn: Connect,
    network: String,
    name: String,
    log: String,
}

impl DhcpGuest {
    fn start() -> DhcpGuest {
        support("libvirtd.sh", &["start"]);
        support("tiny-guest.sh", &["build", GUEST_DIR]);
        let conn = Connect::open(Some(URI)).unwrap();
        let pid = std::process::id();
        let network = format!("hd-net-{pid}");
        let name = format!("hd-nic-{pid}");
        let log = support("tiny-guest.sh", &["serial-log", &name]);
        let mut guest = DhcpGuest {
            conn,
            network: network.clone(),
            name: name.clone(),
            log,
        };
        // A subnet nobody else on this host uses: try a few.
        let made = (0..8u32).find_map(|i| {
            let octet = (pid + i * 31) % 200 + 20;
            guest
                .conn
                .create_network_xml(&format!(
                    "<network><name>{network}</name><bridge name='hdbr{}' stp='off'/>\
                     <ip address='10.213.{octet}.1' netmask='255.255.255.0'><dhcp>\
                     <range start='10.213.{octet}.100' end='10.213.{octet}.150'/></dhcp></ip></network>",
                    pid % 100_000
                ))
                .ok()
        });
        assert!(made.is_some(), "no free subnet for the DHCP network");
        let xml = support(
            "tiny-guest.sh",
            &["domain-xml", &name, GUEST_DIR, "", &network],
        );
        guest.conn.create_domain_xml(&xml, 0).unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        while !std::fs::read_to_string(&guest.log)
            .unwrap_or_default()
            .contains(BANNER)
        {
            assert!(Instant::now() < deadline, "the guest did not boot");
            std::thread::sleep(Duration::from_millis(200));
        }
        guest.name = name;
        guest
    }
}

impl Drop for DhcpGuest {
    fn drop(&mut self) {
        if let Ok(d) = self.conn.lookup_domain_by_name(&self.name) {
            let _ = d.destroy();
        }
        if let Ok(n) = self.conn.lookup_network_by_name(&self.network) {
            let _ = n.destroy();
        }
        let _ = std::fs::remove_file(&self.log);
        let _ = std::fs::remove_file(format!("/var/log/libvirt/qemu/{}.log", self.name));
    }
}

/// The guest's serial console: keystrokes in, text out.
struct Console {
    stream: Option<ConsoleStream>,
    output: ConsoleOutput,
    seen: String,
}

impl Console {
    fn open(handle: &ConnectionHandle, uuid: &str) -> Console {
        let uuid = uuid.to_string();
        let (tx, rx) = std::sync::mpsc::channel();
        handle.run(
            move |c| {
                Ok(open_console(c, &uuid, None, false)
                    .result
                    .map_err(|p| format!("{p:?}")))
            },
            move |r| {
                let _ = tx.send(r);
            },
        );
        let (stream, output) = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap()
            .unwrap()
            .expect("the console opens");
        Console {
            stream: Some(stream),
            output,
            seen: String::new(),
        }
    }

    fn type_line(&self, line: &str) {
        assert!(self
            .stream
            .as_ref()
            .unwrap()
            .send(format!("{line}\r").as_bytes()));
    }

    /// Everything printed from now on, until `text` shows up in it.
    fn wait_for(&mut self, text: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let from = self.seen.len();
        while !self.seen[from..].contains(text) {
            assert!(
                Instant::now() < deadline,
                "no {text:?} within {timeout:?}; console:\n{}",
                &self.seen[from..]
            );
            match self.output.try_recv() {
                Some(ConsoleEvent::Data(b)) => self.seen.push_str(&String::from_utf8_lossy(&b)),
                Some(end) => panic!("the console ended: {end:?}\n{}", &self.seen[from..]),
                None => std::thread::sleep(Duration::from_millis(10)),
            }
        }
        self.seen[from..].to_string()
    }
}

#[test]
fn a_card_shows_the_address_its_guest_leased_over_dhcp() {
    if !real_libvirt() {
        return;
    }
    hangar::core::event_loop::run_on_own_thread().unwrap();
    let guest = DhcpGuest::start();
    let dom = guest.conn.lookup_domain_by_name(&guest.name).unwrap();
    let uuid = dom.uuid_string().unwrap();
    let mac = DomainXml::parse(&dom.xml_desc(0).unwrap())
        .unwrap()
        .interfaces[0]
        .mac
        .clone()
        .unwrap()
        .to_lowercase();

    // No lease yet: the card shows no address.
    let before = hangar::core::details::fetch(&guest.conn, &uuid).unwrap();
    assert_eq!(
        before.addresses.get(&mac).cloned().unwrap_or_default(),
        Vec::<String>::new()
    );

    let handle = ConnectionHandle::open(1, ConnectionSpec::new(URI), Arc::new(|_| {}));
    let mut console = Console::open(&handle, &uuid);
    console.type_line("");
    console.wait_for("tiny# ", Duration::from_secs(30));
    // -s /bin/true: the lease is what counts here, not configuring the guest.
    console.type_line(
        "ip link set eth0 up; udhcpc -i eth0 -n -q -t 20 -s /bin/true; echo dhcp-$((40+2))",
    );
    let said = console.wait_for("dhcp-42", Duration::from_secs(90));
    let leased = said
        .split("lease of ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("udhcpc got no lease:\n{said}"))
        .to_string();
    assert!(leased.starts_with("10.213."), "{leased}");

    // libvirt's lease for that MAC is the one the guest was told about (dnsmasq hands
    // it to libvirt's lease helper a moment after the guest hears it).
    let net_uuid = guest
        .conn
        .lookup_network_by_name(&guest.network)
        .unwrap()
        .uuid_string()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let leases = hangar::core::networks::leases::leases(&guest.conn, &net_uuid).unwrap();
        if leases
            .iter()
            .any(|l| l.mac.to_lowercase() == mac && l.address == leased)
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "net-dhcp-leases lists no {leased} for {mac}: {leases:?}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }

    // Details list it under the card's MAC, as the Hardware page shows it.
    let want = format!("{leased}/24");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let d = hangar::core::details::fetch(&guest.conn, &uuid).unwrap();
        let shown = d.addresses.get(&mac).cloned().unwrap_or_default();
        if shown == [want.clone()] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{mac} shows {shown:?}, not {want}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    drop(console);
}
