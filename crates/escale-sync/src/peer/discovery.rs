//! Finding a sharing laptop on the local network: DNS-SD over multicast DNS
//! (RFC 6762/6763), service `_escale._tcp.local.`, IPv4.
//!
//! Only the little Escale needs is implemented, so that we decide exactly
//! which interfaces ever see a packet (a general mDNS library joins the
//! multicast group on every interface as soon as it starts):
//!
//! - the **sharer** ([`advertise`]) listens on UDP 5353 (shared with any
//!   system responder: `SO_REUSEADDR`), joins `224.0.0.251` on the chosen
//!   interfaces only, announces itself twice, answers queries for the
//!   service type or its instance with PTR + SRV + TXT + A records, and
//!   says goodbye (TTL 0) when it stops. Queries from outside the chosen
//!   interfaces' networks are ignored.
//! - the **joiner** ([`browse`]) sends one-shot queries from an ephemeral
//!   port bound to each chosen interface's address (so the answers come back
//!   by unicast, RFC 6762 §5.1) every second for the browse window.
//!
//! Two services: `_escale._tcp` for a laptop sharing with a pairing code
//! ([`Service::Share`]) and `_escale-stand._tcp` for the laptops of a stand
//! syncing by themselves ([`Service::Stand`], `super::live`).
//!
//! TXT record: `v` (sync protocol), `dev` (device id), `name` (device name),
//! and `org` (organisation id) for a share, or `stand` (a tag derived from
//! the organisation's sync key, `pairing::stand_tag`) for a stand: only the
//! organisation's own laptops can tell that two stand adverts belong
//! together, and nobody else learns which organisation is there. Nothing in
//! it comes from the pairing code.
//!
//! Interfaces: every interface that is up, has an IPv4 address and is not
//! loopback — or, when the environment variable [`INTERFACE_ENV`] is set
//! (e.g. `lo`), that interface **only**. Tests always set it to `lo`.

use super::PeerError;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, SocketAddrV4};
use std::time::Duration;
use tokio::net::UdpSocket;
use uuid::Uuid;

/// The DNS-SD service type of a laptop sharing with a code.
pub const SERVICE: &str = "_escale._tcp.local.";
/// The DNS-SD service type of the laptops of a stand syncing by themselves.
pub const STAND_SERVICE: &str = "_escale-stand._tcp.local.";
/// Restricts mDNS to one interface (by name, e.g. `lo`).
pub const INTERFACE_ENV: &str = "ESCALE_MDNS_INTERFACE";

const GROUP: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 251);
const MDNS_PORT: u16 = 5353;

/// Which service an advert or a search is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// A laptop sharing with a pairing code ([`SERVICE`]).
    Share,
    /// A laptop of a stand, syncing by itself ([`STAND_SERVICE`]).
    Stand,
}

impl Service {
    fn labels(self) -> Vec<String> {
        let first = match self {
            Service::Share => "_escale",
            Service::Stand => "_escale-stand",
        };
        [first, "_tcp", "local"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }
}
const TYPE_A: u16 = 1;
const TYPE_PTR: u16 = 12;
const TYPE_TXT: u16 = 16;
const TYPE_SRV: u16 = 33;
const TYPE_ANY: u16 = 255;
const CLASS_IN: u16 = 1;
const CACHE_FLUSH: u16 = 0x8000;
/// Record lifetime in multicast answers (RFC 6762 §10: 120 s for host
/// records; we use it for all).
const TTL: u32 = 120;
/// Lifetime in answers to one-shot (legacy unicast) queries (§6.7: ≤ 10 s).
const LEGACY_TTL: u32 = 10;

/// A sharing laptop found on the network.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Found {
    /// Its device name, as advertised.
    pub name: String,
    pub org_id: Option<Uuid>,
    pub device_id: Option<Uuid>,
    pub protocol: Option<u32>,
    /// A stand advert's tag (`pairing::stand_tag`), for [`Service::Stand`].
    #[cfg_attr(feature = "ts", ts(skip))]
    #[serde(skip)]
    pub stand: Option<String>,
    /// Where to connect.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub addr: SocketAddr,
}

/// What a sharer advertises.
#[derive(Debug, Clone)]
pub struct Advert {
    pub service: Service,
    pub device_name: String,
    pub device_id: Uuid,
    /// Advertised for [`Service::Share`] only.
    pub org_id: Uuid,
    /// The stand tag, advertised for [`Service::Stand`] only.
    pub stand: Option<String>,
    pub protocol: u32,
    pub port: u16,
}

/// An IPv4 interface mDNS may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Iface {
    pub ip: Ipv4Addr,
    pub netmask: Ipv4Addr,
}

impl Iface {
    fn contains(&self, ip: Ipv4Addr) -> bool {
        let m = u32::from(self.netmask);
        u32::from(self.ip) & m == u32::from(ip) & m
    }
}

/// The interfaces mDNS may use: [`INTERFACE_ENV`]'s only when set, else
/// every non-loopback IPv4 interface that is up.
pub fn interfaces() -> Result<Vec<Iface>, PeerError> {
    let only = std::env::var(INTERFACE_ENV)
        .ok()
        .filter(|v| !v.trim().is_empty());
    let all = if_addrs::get_if_addrs()
        .map_err(|e| PeerError::Discovery(format!("network interfaces: {e}")))?;
    let chosen: Vec<Iface> = all
        .iter()
        .filter(|i| match &only {
            Some(name) => i.name == name.trim(),
            None => i.is_oper_up() && !i.is_loopback() && !i.is_p2p(),
        })
        .filter_map(|i| match &i.addr {
            if_addrs::IfAddr::V4(a) => Some(Iface {
                ip: a.ip,
                netmask: a.netmask,
            }),
            _ => None,
        })
        .collect();
    if chosen.is_empty() {
        return Err(PeerError::Discovery(match only {
            Some(n) => format!("interface {n} ({INTERFACE_ENV}) has no IPv4 address"),
            None => "no network interface with an IPv4 address".into(),
        }));
    }
    Ok(chosen)
}

/// The addresses a sharer bound to `0.0.0.0:port` can be reached at (for
/// people to type with `--address`).
pub fn reachable_at(port: u16) -> Vec<SocketAddr> {
    interfaces()
        .unwrap_or_default()
        .into_iter()
        .map(|i| SocketAddr::V4(SocketAddrV4::new(i.ip, port)))
        .collect()
}

/// A running advertisement; [`Advertiser::stop`] (or drop) says goodbye.
pub struct Advertiser {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Advertiser {
    /// Sends the goodbye packets and stops answering.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = tokio::time::timeout(Duration::from_secs(2), t).await;
        }
    }
}

impl Drop for Advertiser {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            // The task sends the goodbye on its own if the runtime lives on.
            let _ = s.send(());
        }
    }
}

/// Starts answering mDNS queries for `ad` on the chosen interfaces.
pub async fn advertise(ad: Advert) -> Result<Advertiser, PeerError> {
    let ifaces = interfaces()?;
    let socket = responder_socket(&ifaces)?;
    let names = Names::new(&ad);
    let (tx, mut rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let mut buf = vec![0u8; 9000];
        let mut announce = 0u32;
        let mut next = tokio::time::Instant::now();
        loop {
            tokio::select! {
                _ = &mut rx => break,
                _ = tokio::time::sleep_until(next), if announce < 2 => {
                    for i in &ifaces {
                        let pkt = names.response(0, None, *i, TTL);
                        send_multicast(&socket, *i, &pkt).await;
                    }
                    announce += 1;
                    next = tokio::time::Instant::now() + Duration::from_secs(1);
                }
                r = socket.recv_from(&mut buf) => {
                    let Ok((n, SocketAddr::V4(src))) = r else { continue };
                    // Only the chosen interfaces' networks get an answer.
                    let Some(iface) = ifaces.iter().find(|i| i.contains(*src.ip())) else { continue };
                    let Some(q) = parse_query(&buf[..n]) else { continue };
                    if !q.questions.iter().any(|(labels, t)| names.answers(labels, *t)) {
                        continue;
                    }
                    if src.port() == MDNS_PORT {
                        let pkt = names.response(0, None, *iface, TTL);
                        send_multicast(&socket, *iface, &pkt).await;
                    } else {
                        // One-shot query: answer the asker directly.
                        let question = q.questions.first().cloned();
                        let pkt = names.response(q.id, question, *iface, LEGACY_TTL);
                        let _ = socket.send_to(&pkt, src).await;
                    }
                }
            }
        }
        for i in &ifaces {
            let pkt = names.response(0, None, *i, 0);
            send_multicast(&socket, *i, &pkt).await;
        }
    });
    Ok(Advertiser {
        stop: Some(tx),
        task: Some(task),
    })
}

/// Looks for sharing laptops for `window`; one entry per laptop.
pub async fn browse(window: Duration) -> Result<Vec<Found>, PeerError> {
    browse_for(Service::Share, window).await
}

/// Looks for laptops advertising `service` for `window`; one entry per
/// laptop and address.
pub async fn browse_for(service: Service, window: Duration) -> Result<Vec<Found>, PeerError> {
    let ifaces = interfaces()?;
    let mut tasks = Vec::new();
    for i in &ifaces {
        let socket = querier_socket(*i)?;
        tasks.push(tokio::spawn(query_on(socket, service, window)));
    }
    let mut found: BTreeMap<Vec<String>, Partial> = BTreeMap::new();
    for t in tasks {
        for (records, src) in t.await.unwrap_or_default() {
            absorb(&mut found, service, records, src);
        }
    }
    let mut out: Vec<Found> = found.into_values().filter_map(Partial::finish).collect();
    out.sort_by(|a, b| a.name.cmp(&b.name).then(a.addr.cmp(&b.addr)));
    out.dedup_by(|a, b| a.device_id.is_some() && a.device_id == b.device_id && a.addr == b.addr);
    Ok(out)
}

/// Queries every second on one interface for `window`, or until 700 ms
/// after the first answer (every sharer answers the same query, so all of
/// them have answered by then); every answer read.
async fn query_on(
    socket: UdpSocket,
    service: Service,
    window: Duration,
) -> Vec<(Vec<Record>, SocketAddr)> {
    let query = build_query(service);
    let mut deadline = tokio::time::Instant::now() + window;
    let mut next_query = tokio::time::Instant::now();
    let mut buf = vec![0u8; 9000];
    let mut out = Vec::new();
    while tokio::time::Instant::now() < deadline {
        if tokio::time::Instant::now() >= next_query {
            let _ = socket
                .send_to(&query, SocketAddrV4::new(GROUP, MDNS_PORT))
                .await;
            next_query = tokio::time::Instant::now() + Duration::from_secs(1);
        }
        match tokio::time::timeout_at(next_query.min(deadline), socket.recv_from(&mut buf)).await {
            Ok(Ok((n, src))) => {
                if let Some(records) = parse_response(&buf[..n]) {
                    if out.is_empty() && !records.is_empty() {
                        deadline =
                            deadline.min(tokio::time::Instant::now() + Duration::from_millis(700));
                    }
                    out.push((records, src));
                }
            }
            // An ICMP error surfacing on the socket: do not spin on it.
            Ok(Err(_)) => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(_) => {}
        }
    }
    out
}

fn responder_socket(ifaces: &[Iface]) -> Result<UdpSocket, PeerError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let err = |what: &str, e: std::io::Error| PeerError::Discovery(format!("mDNS {what}: {e}"));
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| err("socket", e))?;
    s.set_reuse_address(true)
        .map_err(|e| err("SO_REUSEADDR", e))?;
    #[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
    s.set_reuse_port(true).map_err(|e| err("SO_REUSEPORT", e))?;
    // Linux otherwise delivers every group's traffic joined by anyone on any
    // interface to a socket bound to 0.0.0.0.
    #[cfg(target_os = "linux")]
    s.set_multicast_all_v4(false)
        .map_err(|e| err("IP_MULTICAST_ALL", e))?;
    s.set_multicast_ttl_v4(255).map_err(|e| err("TTL", e))?;
    s.set_multicast_loop_v4(true).map_err(|e| err("loop", e))?;
    s.set_nonblocking(true)
        .map_err(|e| err("non-blocking", e))?;
    s.bind(&SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::UNSPECIFIED, MDNS_PORT)).into())
        .map_err(|e| err("bind 5353", e))?;
    let mut joined = 0;
    for i in ifaces {
        if s.join_multicast_v4(&GROUP, &i.ip).is_ok() {
            joined += 1;
        }
    }
    if joined == 0 {
        return Err(PeerError::Discovery(
            "cannot join the mDNS group on any chosen interface".into(),
        ));
    }
    UdpSocket::from_std(s.into()).map_err(|e| err("socket", e))
}

fn querier_socket(i: Iface) -> Result<UdpSocket, PeerError> {
    use socket2::{Domain, Protocol, Socket, Type};
    let err = |what: &str, e: std::io::Error| PeerError::Discovery(format!("mDNS {what}: {e}"));
    let s = Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::UDP))
        .map_err(|e| err("socket", e))?;
    s.set_multicast_if_v4(&i.ip)
        .map_err(|e| err("IP_MULTICAST_IF", e))?;
    s.set_multicast_ttl_v4(255).map_err(|e| err("TTL", e))?;
    s.set_multicast_loop_v4(true).map_err(|e| err("loop", e))?;
    s.set_nonblocking(true)
        .map_err(|e| err("non-blocking", e))?;
    // Bound to the interface's own address: nothing leaves by another one.
    s.bind(&SocketAddr::V4(SocketAddrV4::new(i.ip, 0)).into())
        .map_err(|e| err("bind", e))?;
    UdpSocket::from_std(s.into()).map_err(|e| err("socket", e))
}

async fn send_multicast(socket: &UdpSocket, i: Iface, pkt: &[u8]) {
    let s = socket2::SockRef::from(socket);
    if s.set_multicast_if_v4(&i.ip).is_ok() {
        let _ = socket
            .send_to(pkt, SocketAddrV4::new(GROUP, MDNS_PORT))
            .await;
    }
}

// ---------------------------------------------------------------------------
// Records.

/// The DNS names of one advertisement.
struct Names {
    service: Vec<String>,
    instance: Vec<String>,
    host: Vec<String>,
    port: u16,
    txt: Vec<String>,
}

impl Names {
    fn new(ad: &Advert) -> Names {
        let short = &ad.device_id.simple().to_string()[24..];
        let mut label: String = ad.device_name.chars().filter(|c| !c.is_control()).collect();
        // An instance label is at most 63 bytes, with room for the suffix.
        while label.len() > 63 - 7 {
            label.pop();
        }
        let label = format!("{} ({})", label.trim(), &short[..4]);
        let service = ad.service.labels();
        let mut instance = vec![label];
        instance.extend(service.iter().cloned());
        let mut name: String = ad.device_name.chars().filter(|c| !c.is_control()).collect();
        while name.len() > 200 {
            name.pop();
        }
        let mut txt = vec![format!("v={}", ad.protocol)];
        match (ad.service, &ad.stand) {
            (Service::Stand, Some(tag)) => txt.push(format!("stand={tag}")),
            (Service::Stand, None) => {}
            (Service::Share, _) => txt.push(format!("org={}", ad.org_id)),
        }
        txt.push(format!("dev={}", ad.device_id));
        txt.push(format!("name={name}"));
        Names {
            service,
            instance,
            host: vec![format!("escale-{short}"), "local".into()],
            port: ad.port,
            txt,
        }
    }

    fn answers(&self, labels: &[String], qtype: u16) -> bool {
        let is = |a: &[String], b: &[String]| {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
        };
        (is(labels, &self.service) && matches!(qtype, TYPE_PTR | TYPE_ANY))
            || (is(labels, &self.instance) && matches!(qtype, TYPE_SRV | TYPE_TXT | TYPE_ANY))
    }

    /// PTR (answer) + SRV, TXT, A (additional), for interface `i`.
    fn response(
        &self,
        id: u16,
        question: Option<(Vec<String>, u16)>,
        i: Iface,
        ttl: u32,
    ) -> Vec<u8> {
        let mut p = Vec::with_capacity(512);
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(&0x8400u16.to_be_bytes()); // response, authoritative
        p.extend_from_slice(&(question.is_some() as u16).to_be_bytes());
        p.extend_from_slice(&1u16.to_be_bytes());
        p.extend_from_slice(&0u16.to_be_bytes());
        p.extend_from_slice(&3u16.to_be_bytes());
        if let Some((labels, qtype)) = question {
            put_name(&mut p, &labels);
            p.extend_from_slice(&qtype.to_be_bytes());
            p.extend_from_slice(&CLASS_IN.to_be_bytes());
        }
        let mut rdata = Vec::new();
        put_name(&mut rdata, &self.instance);
        put_rr(&mut p, &self.service, TYPE_PTR, CLASS_IN, ttl, &rdata);

        let mut rdata = Vec::new();
        rdata.extend_from_slice(&0u16.to_be_bytes());
        rdata.extend_from_slice(&0u16.to_be_bytes());
        rdata.extend_from_slice(&self.port.to_be_bytes());
        put_name(&mut rdata, &self.host);
        put_rr(
            &mut p,
            &self.instance,
            TYPE_SRV,
            CLASS_IN | CACHE_FLUSH,
            ttl,
            &rdata,
        );

        let mut rdata = Vec::new();
        for t in &self.txt {
            let b = t.as_bytes();
            let b = &b[..b.len().min(255)];
            rdata.push(b.len() as u8);
            rdata.extend_from_slice(b);
        }
        put_rr(
            &mut p,
            &self.instance,
            TYPE_TXT,
            CLASS_IN | CACHE_FLUSH,
            ttl,
            &rdata,
        );

        put_rr(
            &mut p,
            &self.host,
            TYPE_A,
            CLASS_IN | CACHE_FLUSH,
            ttl,
            &i.ip.octets(),
        );
        p
    }
}

fn build_query(service: Service) -> Vec<u8> {
    let mut p = Vec::with_capacity(64);
    p.extend_from_slice(&0u16.to_be_bytes());
    p.extend_from_slice(&0u16.to_be_bytes());
    p.extend_from_slice(&1u16.to_be_bytes());
    p.extend_from_slice(&[0; 6]);
    put_name(&mut p, &service.labels());
    p.extend_from_slice(&TYPE_PTR.to_be_bytes());
    p.extend_from_slice(&CLASS_IN.to_be_bytes());
    p
}

fn put_name(p: &mut Vec<u8>, labels: &[String]) {
    for l in labels {
        let b = l.as_bytes();
        let b = &b[..b.len().min(63)];
        p.push(b.len() as u8);
        p.extend_from_slice(b);
    }
    p.push(0);
}

fn put_rr(p: &mut Vec<u8>, name: &[String], rtype: u16, class: u16, ttl: u32, rdata: &[u8]) {
    put_name(p, name);
    p.extend_from_slice(&rtype.to_be_bytes());
    p.extend_from_slice(&class.to_be_bytes());
    p.extend_from_slice(&ttl.to_be_bytes());
    p.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
    p.extend_from_slice(rdata);
}

/// A parsed query: its id and questions (name, type).
struct Query {
    id: u16,
    questions: Vec<(Vec<String>, u16)>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// Reads a (possibly compressed) name at `at`; returns it and where the
/// record continues.
fn read_name(b: &[u8], mut at: usize) -> Option<(Vec<String>, usize)> {
    let mut labels = Vec::new();
    let mut end = None;
    for _ in 0..128 {
        let len = *b.get(at)? as usize;
        if len == 0 {
            return Some((labels, end.unwrap_or(at + 1)));
        }
        if len & 0xC0 == 0xC0 {
            let ptr = ((len & 0x3F) << 8) | *b.get(at + 1)? as usize;
            end.get_or_insert(at + 2);
            at = ptr;
            continue;
        }
        let label = b.get(at + 1..at + 1 + len)?;
        labels.push(String::from_utf8_lossy(label).into_owned());
        at += 1 + len;
        if labels.len() > 64 {
            return None;
        }
    }
    None
}

fn parse_query(b: &[u8]) -> Option<Query> {
    let id = u16_at(b, 0)?;
    let flags = u16_at(b, 2)?;
    if flags & 0x8000 != 0 {
        return None; // a response
    }
    let qd = u16_at(b, 4)?;
    let mut at = 12;
    let mut questions = Vec::new();
    for _ in 0..qd.min(32) {
        let (name, next) = read_name(b, at)?;
        questions.push((name, u16_at(b, next)?));
        at = next + 4;
    }
    Some(Query { id, questions })
}

/// A resource record we care about.
#[derive(Debug, Clone, PartialEq)]
enum Record {
    Ptr {
        name: Vec<String>,
        target: Vec<String>,
    },
    Srv {
        name: Vec<String>,
        port: u16,
        target: Vec<String>,
    },
    Txt {
        name: Vec<String>,
        entries: Vec<String>,
    },
    A {
        name: Vec<String>,
        ip: Ipv4Addr,
    },
}

fn parse_response(b: &[u8]) -> Option<Vec<Record>> {
    let flags = u16_at(b, 2)?;
    if flags & 0x8000 == 0 {
        return None;
    }
    let qd = u16_at(b, 4)? as usize;
    let rr = u16_at(b, 6)? as usize + u16_at(b, 8)? as usize + u16_at(b, 10)? as usize;
    let mut at = 12;
    for _ in 0..qd.min(32) {
        let (_, next) = read_name(b, at)?;
        at = next + 4;
    }
    let mut out = Vec::new();
    for _ in 0..rr.min(256) {
        let (name, next) = read_name(b, at)?;
        let rtype = u16_at(b, next)?;
        let ttl = u32::from_be_bytes(b.get(next + 4..next + 8)?.try_into().ok()?);
        let len = u16_at(b, next + 8)? as usize;
        let start = next + 10;
        let rdata = b.get(start..start + len)?;
        at = start + len;
        if ttl == 0 {
            continue; // a goodbye
        }
        match rtype {
            TYPE_PTR => out.push(Record::Ptr {
                name,
                target: read_name(b, start)?.0,
            }),
            TYPE_SRV => out.push(Record::Srv {
                name,
                port: u16_at(rdata, 4)?,
                target: read_name(b, start + 6)?.0,
            }),
            TYPE_TXT => {
                let mut entries = Vec::new();
                let mut i = 0;
                while i < rdata.len() {
                    let l = rdata[i] as usize;
                    entries
                        .push(String::from_utf8_lossy(rdata.get(i + 1..i + 1 + l)?).into_owned());
                    i += 1 + l;
                }
                out.push(Record::Txt { name, entries });
            }
            TYPE_A if len == 4 => out.push(Record::A {
                name,
                ip: Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]),
            }),
            _ => {}
        }
    }
    Some(out)
}

/// What we know so far of one instance.
#[derive(Default)]
struct Partial {
    port: Option<u16>,
    target: Option<Vec<String>>,
    txt: Vec<String>,
    ip: Option<Ipv4Addr>,
    source: Option<IpAddr>,
    hosts: BTreeMap<Vec<String>, Ipv4Addr>,
}

impl Partial {
    fn finish(self) -> Option<Found> {
        let port = self.port?;
        let ip = self
            .target
            .as_ref()
            .and_then(|t| self.hosts.get(&lower(t)).copied())
            .map(IpAddr::V4)
            .or(self.ip.map(IpAddr::V4))
            .or(self.source)?;
        let get = |k: &str| {
            self.txt
                .iter()
                .find_map(|e| e.strip_prefix(k).and_then(|r| r.strip_prefix('=')))
        };
        Some(Found {
            name: get("name").unwrap_or_default().to_string(),
            org_id: get("org").and_then(|s| Uuid::parse_str(s).ok()),
            device_id: get("dev").and_then(|s| Uuid::parse_str(s).ok()),
            protocol: get("v").and_then(|s| s.parse().ok()),
            stand: get("stand").map(str::to_string),
            addr: SocketAddr::new(ip, port),
        })
    }
}

fn lower(labels: &[String]) -> Vec<String> {
    labels.iter().map(|l| l.to_ascii_lowercase()).collect()
}

fn absorb(
    found: &mut BTreeMap<Vec<String>, Partial>,
    service: Service,
    records: Vec<Record>,
    src: SocketAddr,
) {
    let service = lower(&service.labels());
    let mut hosts = BTreeMap::new();
    for r in &records {
        if let Record::A { name, ip } = r {
            hosts.insert(lower(name), *ip);
        }
    }
    for r in records {
        match r {
            Record::Ptr { name, target } if lower(&name) == service => {
                let p = found.entry(lower(&target)).or_default();
                p.source.get_or_insert(src.ip());
            }
            Record::Srv { name, port, target } if is_instance_of(&name, &service) => {
                let p = found.entry(lower(&name)).or_default();
                p.port = Some(port);
                p.ip = hosts.get(&lower(&target)).copied().or(p.ip);
                p.target = Some(target);
                p.source.get_or_insert(src.ip());
            }
            Record::Txt { name, entries } if is_instance_of(&name, &service) => {
                found.entry(lower(&name)).or_default().txt = entries;
            }
            _ => {}
        }
    }
    for p in found.values_mut() {
        for (h, ip) in &hosts {
            p.hosts.insert(h.clone(), *ip);
        }
    }
    // Instances named only by a PTR (no SRV yet) are kept for later answers.
}

/// `name` is an instance of `service` (its labels after the first).
fn is_instance_of(name: &[String], service: &[String]) -> bool {
    name.len() == service.len() + 1 && lower(&name[1..]) == service
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad() -> Advert {
        Advert {
            service: Service::Share,
            device_name: "Portable accueil 2".into(),
            device_id: Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef),
            org_id: Uuid::from_u128(42),
            stand: None,
            protocol: 1,
            port: 45_678,
        }
    }

    #[test]
    fn an_answer_parses_back_into_what_was_advertised() {
        let names = Names::new(&ad());
        let iface = Iface {
            ip: Ipv4Addr::new(192, 168, 1, 12),
            netmask: Ipv4Addr::new(255, 255, 255, 0),
        };
        let q = parse_query(&build_query(Service::Share)).unwrap();
        assert!(
            names.answers(&q.questions[0].0, q.questions[0].1),
            "we answer our own query"
        );
        let pkt = names.response(7, Some(q.questions[0].clone()), iface, LEGACY_TTL);
        assert_eq!(
            u16_at(&pkt, 0),
            Some(7),
            "a one-shot answer repeats the query's id"
        );
        let records = parse_response(&pkt).unwrap();
        let mut found = BTreeMap::new();
        absorb(
            &mut found,
            Service::Share,
            records,
            "192.168.1.12:5353".parse().unwrap(),
        );
        let list: Vec<Found> = found.into_values().filter_map(Partial::finish).collect();
        assert_eq!(
            list,
            vec![Found {
                name: "Portable accueil 2".into(),
                org_id: Some(Uuid::from_u128(42)),
                device_id: Some(ad().device_id),
                protocol: Some(1),
                stand: None,
                addr: "192.168.1.12:45678".parse().unwrap(),
            }]
        );
    }

    #[test]
    fn a_stand_advert_carries_its_tag_not_the_organisation_and_is_found_by_stand_searches_only() {
        let stand = Advert {
            service: Service::Stand,
            stand: Some("a1b2c3".into()),
            ..ad()
        };
        let names = Names::new(&stand);
        let iface = Iface {
            ip: Ipv4Addr::new(192, 168, 1, 12),
            netmask: Ipv4Addr::new(255, 255, 255, 0),
        };
        let q = parse_query(&build_query(Service::Stand)).unwrap();
        assert!(names.answers(&q.questions[0].0, q.questions[0].1));
        let share_q = parse_query(&build_query(Service::Share)).unwrap();
        assert!(
            !names.answers(&share_q.questions[0].0, share_q.questions[0].1),
            "a stand laptop is not offered to people joining with a code"
        );
        assert!(
            names.txt.iter().all(|t| !t.starts_with("org=")),
            "{:?}",
            names.txt
        );
        let pkt = names.response(0, None, iface, TTL);
        let src = "192.168.1.12:5353".parse().unwrap();
        let mut found = BTreeMap::new();
        absorb(
            &mut found,
            Service::Stand,
            parse_response(&pkt).unwrap(),
            src,
        );
        let list: Vec<Found> = found.into_values().filter_map(Partial::finish).collect();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].stand.as_deref(), Some("a1b2c3"));
        assert_eq!(list[0].org_id, None);
        let mut found = BTreeMap::new();
        absorb(
            &mut found,
            Service::Share,
            parse_response(&pkt).unwrap(),
            src,
        );
        assert!(
            found
                .into_values()
                .filter_map(Partial::finish)
                .next()
                .is_none(),
            "a share search does not find a stand laptop"
        );
    }

    #[test]
    fn goodbyes_and_other_services_are_not_found() {
        let names = Names::new(&ad());
        let iface = Iface {
            ip: Ipv4Addr::new(10, 0, 0, 2),
            netmask: Ipv4Addr::new(255, 0, 0, 0),
        };
        let bye = names.response(0, None, iface, 0);
        assert_eq!(parse_response(&bye).unwrap(), vec![], "TTL 0 is a goodbye");
        let other = vec!["_http".to_string(), "_tcp".into(), "local".into()];
        assert!(!names.answers(&other, TYPE_PTR));
        assert!(parse_query(&bye).is_none(), "a response is not a query");
    }

    #[test]
    fn compressed_names_are_followed_and_loops_refused() {
        // "local" at 12, then a name "_tcp" + pointer to 12.
        let mut b = vec![0u8; 12];
        b.extend_from_slice(b"\x05local\x00");
        b.extend_from_slice(b"\x04_tcp\xC0\x0C");
        let (name, next) = read_name(&b, 19).unwrap();
        assert_eq!(name, vec!["_tcp".to_string(), "local".into()]);
        assert_eq!(next, 26);
        let looped = [0u8, 0, 0xC0, 0x02];
        assert!(read_name(&looped, 2).is_none(), "a pointer loop ends");
    }

    #[test]
    fn a_long_device_name_still_makes_a_valid_label() {
        let mut a = ad();
        a.device_name = "é".repeat(80);
        let n = Names::new(&a);
        assert!(n.instance[0].len() <= 63);
        assert!(
            n.instance[0].ends_with(&format!("({})", &a.device_id.simple().to_string()[24..28]))
        );
    }

    #[test]
    fn interfaces_contain_their_network_only() {
        let lo = Iface {
            ip: Ipv4Addr::new(127, 0, 0, 1),
            netmask: Ipv4Addr::new(255, 0, 0, 0),
        };
        assert!(lo.contains(Ipv4Addr::new(127, 0, 0, 9)));
        assert!(!lo.contains(Ipv4Addr::new(192, 0, 2, 2)));
    }
}
