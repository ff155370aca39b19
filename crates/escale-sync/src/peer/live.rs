//! Live stand sync: the laptops of one organisation on the same local
//! network find each other and exchange by themselves every few seconds,
//! and at once after a local write ([`LiveStand::nudge`]), while the app
//! (or `escale peer live`) runs.
//!
//! - **Who**: laptops that hold the organisation's sync key (paired once
//!   with a code, or enrolled at the hub). Each advertises
//!   `_escale-stand._tcp` by mDNS with a tag derived from the key
//!   (`pairing::stand_tag`), and browses for the others every
//!   [`LiveOptions::browse_every`]; addresses can also be given
//!   ([`LiveOptions::peers`]) where multicast does not pass.
//! - **How**: each exchange is a stand-peer session (`super::join` drives,
//!   `super::share` answers) whose SPAKE2 password is derived from the sync
//!   key ([`Secret::Stand`]): mutually authenticated, encrypted, and a laptop
//!   of another organisation fails before anything is said. Pages adapt to
//!   the link like every exchange (`Window`), so a poor Wi-Fi still moves.
//! - **When**: with each known laptop every [`LiveOptions::interval`], at
//!   once after [`LiveStand::nudge`] (one exchange at a time per laptop: a
//!   nudge during one runs another right after); after a cut connection at
//!   the usual pace (each attempt commits pages), after a refusal or a
//!   laptop gone with a backoff up to [`MAX_BACKOFF`]. An exchange with nothing new costs a
//!   handshake and two small messages, and writes nothing.
//! - **What it shows** ([`StandView`]): the laptops heard from within
//!   [`LiveOptions::gone_after`] are "on the stand"; when the network goes
//!   (no interface), the advert is withdrawn, exchanges fail, laptops drop
//!   off; when it returns the advert is made again on the new interfaces and
//!   they come back by themselves.

use super::discovery::{self, Advert, Found, Iface, Service};
use super::join::join_with;
use super::pairing::{stand_tag, Secret};
use super::share::{serve_one, ShareOptions, Shared};
use super::{JoinOptions, PeerError, PeerEvent, PeerReport};
use escale_core::error::Error;
use escale_core::store::Store;
use escale_protocol::wire::PROTOCOL_VERSION;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{broadcast, mpsc, watch, Notify};
use tokio::task::JoinSet;
use tokio::time::Instant;
use uuid::Uuid;

/// The longest wait before trying a laptop again after failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Knobs of [`live`]; the defaults are what the app uses.
#[derive(Debug, Clone)]
pub struct LiveOptions {
    /// Where other laptops connect (default: every interface, any free port).
    pub listen: SocketAddr,
    /// How often to exchange with each laptop when nothing is written here.
    pub interval: Duration,
    /// Deadline of every read and write of an exchange.
    pub io_timeout: Duration,
    /// Advertise and browse by mDNS.
    pub mdns: bool,
    /// Laptops to exchange with whatever mDNS finds (`--peer`).
    pub peers: Vec<SocketAddr>,
    /// How often to look for laptops (and check the network interfaces).
    pub browse_every: Duration,
    /// How long each look listens for answers.
    pub browse_window: Duration,
    /// A laptop not heard from for this long is no longer on the stand.
    pub gone_after: Duration,
    /// Ops per page.
    pub page: usize,
    /// The sync protocol spoken; only tests change it.
    pub protocol: u32,
}

impl Default for LiveOptions {
    fn default() -> Self {
        LiveOptions {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
            interval: Duration::from_secs(3),
            io_timeout: Duration::from_secs(10),
            mdns: true,
            peers: Vec::new(),
            browse_every: Duration::from_secs(5),
            browse_window: Duration::from_millis(1_500),
            gone_after: Duration::from_secs(15),
            page: 500,
            protocol: PROTOCOL_VERSION,
        }
    }
}

/// Another laptop of the stand, as this one knows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StandPeer {
    /// `None` until a first exchange says who answers at `addr`.
    pub device_id: Option<Uuid>,
    pub device_name: String,
    /// Where this laptop reaches it (`None`: only it reaches us).
    pub addr: Option<String>,
    /// An exchange succeeded within `gone_after`.
    pub present: bool,
    /// Operations it brought here since the start.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub received: u64,
    /// Operations this laptop brought it since the start.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub sent: u64,
    /// The code of the last failure, while it is not present
    /// (`peer.other_org`, `peer.timeout`, …).
    pub error: Option<String>,
}

/// What the stand looks like from this laptop.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StandView {
    /// The port other laptops connect to.
    pub port: Option<u16>,
    /// Why this laptop cannot be found by the others now (no network, mDNS
    /// unavailable); exchanges with given addresses go on.
    pub network_error: Option<String>,
    /// Every laptop known, present first, then by name.
    pub peers: Vec<StandPeer>,
}

impl StandView {
    /// Laptops on the stand now.
    pub fn present(&self) -> usize {
        self.peers.iter().filter(|p| p.present).count()
    }
}

/// A running live stand sync; dropping it stops it.
pub struct LiveStand {
    port: u16,
    view: watch::Receiver<StandView>,
    nudge: Arc<Notify>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl LiveStand {
    /// The port other laptops connect to.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Something was written here: exchange with every laptop now.
    pub fn nudge(&self) {
        self.nudge.notify_one();
    }

    pub fn view(&self) -> StandView {
        self.view.borrow().clone()
    }

    /// Changes of the view (not of the time since the last exchange).
    pub fn subscribe(&self) -> watch::Receiver<StandView> {
        self.view.clone()
    }

    /// Stops: withdraws the advert, cuts exchanges in progress (what they
    /// committed stays), closes the port.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for LiveStand {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts live stand sync for `store` (which must be initialised).
pub async fn live(
    store: Store,
    device_name: String,
    opts: LiveOptions,
) -> Result<LiveStand, PeerError> {
    let ident = store.identity().await?.ok_or(Error::NotInitialised)?;
    let key = store.sync_key().await?;
    let listener = TcpListener::bind(opts.listen)
        .await
        .map_err(|e| PeerError::Listen(e.to_string()))?;
    let port = listener
        .local_addr()
        .map_err(|e| PeerError::Listen(e.to_string()))?
        .port();
    let (events, events_rx) = broadcast::channel(256);
    let share_opts = ShareOptions {
        io_timeout: opts.io_timeout,
        advertise: false,
        protocol: opts.protocol,
        ..ShareOptions::default()
    };
    let (shared, _) = Shared::new(
        store.clone(),
        Secret::Stand(key.clone()),
        device_name.clone(),
        None,
        share_opts,
        events,
    );
    let (view_tx, view) = watch::channel(StandView {
        port: Some(port),
        ..StandView::default()
    });
    let (stop, stop_rx) = watch::channel(false);
    let nudge = Arc::new(Notify::new());
    let (found_tx, found_rx) = mpsc::channel(4);
    let tag = stand_tag(&key);
    let mut tasks = Vec::new();
    if opts.mdns {
        let ad = Advert {
            service: Service::Stand,
            device_name: device_name.clone(),
            device_id: ident.device_id,
            org_id: ident.org_id,
            stand: Some(tag.clone()),
            protocol: opts.protocol,
            port,
        };
        tasks.push(tokio::spawn(look_around(
            ad,
            opts.browse_every,
            opts.browse_window,
            found_tx,
            stop_rx.clone(),
        )));
    }
    let stand = Stand {
        store,
        secret: Secret::Stand(key),
        me: ident.device_id,
        port,
        tag,
        device_name,
        opts,
        slots: BTreeMap::new(),
        devices: BTreeMap::new(),
        network_error: None,
        view: view_tx,
    };
    let woken = nudge.clone();
    let task = tokio::spawn(async move {
        stand
            .run(
                Arc::new(shared),
                listener,
                events_rx,
                found_rx,
                woken,
                stop_rx,
            )
            .await;
        for t in tasks {
            let _ = t.await;
        }
    });
    Ok(LiveStand {
        port,
        view,
        nudge,
        stop,
        task: Some(task),
    })
}

/// Where a laptop may be reached, and how exchanges with it go.
struct Slot {
    /// Given by the user (never forgotten) rather than found by mDNS.
    fixed: bool,
    device_id: Option<Uuid>,
    name: String,
    /// Last found by mDNS.
    seen: Option<Instant>,
    running: bool,
    /// A nudge came while an exchange ran: run another after it.
    again: bool,
    due: Instant,
    failures: u32,
    error: Option<String>,
}

/// A laptop that exchanged with this one (in either direction).
struct Device {
    name: String,
    ok: Instant,
    received: u64,
    sent: u64,
}

/// What mDNS said on one look.
enum Look {
    /// The laptops found, and why this one could not be advertised.
    Found(Vec<Found>, Option<String>),
    NoNetwork(String),
}

struct Stand {
    store: Store,
    secret: Secret,
    me: Uuid,
    /// Where we listen (told to the laptops we reach).
    port: u16,
    tag: String,
    device_name: String,
    opts: LiveOptions,
    slots: BTreeMap<SocketAddr, Slot>,
    devices: BTreeMap<Uuid, Device>,
    network_error: Option<String>,
    view: watch::Sender<StandView>,
}

type Outcome = (SocketAddr, Result<PeerReport, PeerError>);

impl Stand {
    async fn run(
        mut self,
        shared: Arc<Shared>,
        listener: TcpListener,
        mut events: broadcast::Receiver<PeerEvent>,
        mut found: mpsc::Receiver<Look>,
        nudge: Arc<Notify>,
        mut stop: watch::Receiver<bool>,
    ) {
        let now = Instant::now();
        for addr in self.opts.peers.clone() {
            self.slots.insert(addr, Slot::new(true, now));
        }
        let mut exchanges: JoinSet<Outcome> = JoinSet::new();
        // Which laptop each exchange task is for.
        let mut running: BTreeMap<tokio::task::Id, SocketAddr> = BTreeMap::new();
        let mut answering: JoinSet<()> = JoinSet::new();
        // Wakes the loop now and then even when nothing is due, so that
        // laptops gone quiet drop off the view.
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            self.start_due(&mut exchanges, &mut running);
            let next = self
                .slots
                .values()
                .filter(|s| !s.running)
                .map(|s| s.due)
                .min()
                .unwrap_or_else(|| Instant::now() + self.opts.interval);
            tokio::select! {
                _ = stop.changed() => break,
                _ = nudge.notified() => {
                    let now = Instant::now();
                    for s in self.slots.values_mut() {
                        if s.running {
                            s.again = true;
                        } else {
                            s.due = now;
                        }
                    }
                }
                _ = tokio::time::sleep_until(next) => {}
                _ = tick.tick() => {}
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        let _ = stream.set_nodelay(true);
                        answering.spawn(serve_one(shared.clone(), stream));
                    }
                }
                Some(_) = answering.join_next(), if !answering.is_empty() => {}
                Some(done) = exchanges.join_next_with_id(), if !exchanges.is_empty() => {
                    match done {
                        Ok((id, (addr, outcome))) => {
                            running.remove(&id);
                            self.exchanged(addr, outcome);
                        }
                        // A task that panicked: its laptop is not left
                        // "running" for ever.
                        Err(e) => {
                            if let Some(addr) = running.remove(&e.id()) {
                                let failed = Err(PeerError::Protocol("exchange task failed".into()));
                                self.exchanged(addr, failed);
                            }
                        }
                    }
                }
                ev = events.recv() => {
                    if let Ok(PeerEvent::Joined { device_id, device_name, received, sent, reachable_at, .. }) = ev {
                        if let Some(addr) = reachable_at {
                            self.reachable(device_id, &device_name, addr);
                        }
                        self.heard(device_id, device_name, received as u64, sent as u64);
                    }
                }
                Some(look) = found.recv() => self.looked(look),
            }
            self.forget_gone();
            self.publish();
        }
        drop(listener);
        exchanges.abort_all();
        answering.abort_all();
    }

    /// Starts an exchange with every laptop that is due.
    fn start_due(
        &mut self,
        exchanges: &mut JoinSet<Outcome>,
        running: &mut BTreeMap<tokio::task::Id, SocketAddr>,
    ) {
        let now = Instant::now();
        for (addr, slot) in self.slots.iter_mut() {
            if slot.running || slot.due > now {
                continue;
            }
            slot.running = true;
            slot.again = false;
            let (store, secret, name, addr) = (
                self.store.clone(),
                self.secret.clone(),
                self.device_name.clone(),
                *addr,
            );
            let opts = JoinOptions {
                io_timeout: self.opts.io_timeout,
                page: self.opts.page,
                protocol: self.opts.protocol,
                stand_port: Some(self.port),
                ..JoinOptions::default()
            };
            let task = exchanges.spawn(async move {
                let r = join_with(&store, &secret, Some(addr), &name, opts).await;
                (addr, r)
            });
            running.insert(task.id(), addr);
        }
    }

    fn exchanged(&mut self, addr: SocketAddr, outcome: Result<PeerReport, PeerError>) {
        let now = Instant::now();
        let interval = self.opts.interval;
        let Some(slot) = self.slots.get_mut(&addr) else {
            return;
        };
        slot.running = false;
        match outcome {
            Ok(r) => {
                slot.failures = 0;
                slot.error = None;
                slot.device_id = Some(r.peer_device_id);
                slot.name = r.peer_device_name.clone();
                slot.due = if slot.again {
                    now
                } else {
                    now + jittered(interval)
                };
                self.heard(
                    r.peer_device_id,
                    r.peer_device_name,
                    r.pulled as u64,
                    r.pushed as u64,
                );
            }
            Err(e) => {
                slot.failures += 1;
                slot.error = Some(e.code().to_string());
                // A link that drops (a cut, a stall) is tried again at the
                // usual pace: each attempt commits pages and the window
                // shrinks until they cross. A laptop that refuses or is not
                // there any more is tried less and less often.
                let cut = matches!(e, PeerError::Network(_) | PeerError::Timeout);
                let backoff = interval
                    .saturating_mul(1u32 << slot.failures.min(5))
                    .min(MAX_BACKOFF);
                slot.due = now
                    + if slot.again || cut {
                        jittered(interval)
                    } else {
                        backoff
                    };
            }
        }
    }

    /// A laptop that reached us said where it listens: exchange with it
    /// too, even if mDNS has not shown it (or never will).
    fn reachable(&mut self, device: Uuid, name: &str, addr: SocketAddr) {
        if device == self.me || self.slots.values().any(|s| s.device_id == Some(device)) {
            return;
        }
        let now = Instant::now();
        let slot = self
            .slots
            .entry(addr)
            .or_insert_with(|| Slot::new(false, now));
        slot.device_id = Some(device);
        slot.name = name.to_string();
        slot.seen = Some(now);
    }

    /// An exchange with `device` succeeded (ours or its).
    fn heard(&mut self, device: Uuid, name: String, received: u64, sent: u64) {
        let d = self.devices.entry(device).or_insert(Device {
            name: name.clone(),
            ok: Instant::now(),
            received: 0,
            sent: 0,
        });
        d.name = name;
        d.ok = Instant::now();
        d.received += received;
        d.sent += sent;
    }

    fn looked(&mut self, look: Look) {
        let now = Instant::now();
        match look {
            Look::NoNetwork(why) => self.network_error = Some(why),
            Look::Found(found, advert_error) => {
                self.network_error = advert_error;
                for f in found {
                    if f.device_id == Some(self.me)
                        || f.stand.as_deref() != Some(self.tag.as_str())
                        || f.protocol != Some(self.opts.protocol)
                    {
                        continue;
                    }
                    let slot = self
                        .slots
                        .entry(f.addr)
                        .or_insert_with(|| Slot::new(false, now));
                    slot.seen = Some(now);
                    if slot.device_id.is_none() {
                        slot.device_id = f.device_id;
                    }
                    if slot.name.is_empty() {
                        slot.name = f.name;
                    }
                }
            }
        }
    }

    /// Drops the addresses mDNS no longer finds and that no longer answer,
    /// and the laptops not heard from for long.
    fn forget_gone(&mut self) {
        let now = Instant::now();
        let gone = self.opts.gone_after;
        let devices = &self.devices;
        self.slots.retain(|_, s| {
            let recently = |t: Option<Instant>| t.is_some_and(|t| now - t < gone);
            let answered = s.device_id.and_then(|d| devices.get(&d)).map(|d| d.ok);
            s.fixed || s.running || recently(s.seen) || recently(answered)
        });
        let slots = &self.slots;
        self.devices.retain(|id, d| {
            now - d.ok < gone * 8 || slots.values().any(|s| s.device_id == Some(*id))
        });
    }

    fn publish(&self) {
        let now = Instant::now();
        let gone = self.opts.gone_after;
        let mut peers: Vec<StandPeer> = Vec::new();
        for (id, d) in &self.devices {
            let slot = self
                .slots
                .iter()
                .filter(|(_, s)| s.device_id == Some(*id))
                .min_by_key(|(_, s)| s.failures);
            let present = now - d.ok < gone;
            peers.push(StandPeer {
                device_id: Some(*id),
                device_name: d.name.clone(),
                addr: slot.map(|(a, _)| a.to_string()),
                present,
                received: d.received,
                sent: d.sent,
                error: if present {
                    None
                } else {
                    slot.and_then(|(_, s)| s.error.clone())
                },
            });
        }
        for (addr, s) in &self.slots {
            if s.device_id.is_some_and(|d| self.devices.contains_key(&d)) {
                continue;
            }
            peers.push(StandPeer {
                device_id: s.device_id,
                device_name: s.name.clone(),
                addr: Some(addr.to_string()),
                present: false,
                received: 0,
                sent: 0,
                error: s.error.clone(),
            });
        }
        peers.sort_by(|a, b| {
            b.present
                .cmp(&a.present)
                .then_with(|| a.device_name.cmp(&b.device_name))
                .then_with(|| a.addr.cmp(&b.addr))
        });
        let view = StandView {
            port: self.view.borrow().port,
            network_error: self.network_error.clone(),
            peers,
        };
        self.view.send_if_modified(|v| {
            let changed = *v != view;
            if changed {
                *v = view;
            }
            changed
        });
    }
}

/// `interval` give or take a fifth, so that laptops started together do
/// not exchange in lockstep.
fn jittered(interval: Duration) -> Duration {
    use rand::Rng;
    interval.mul_f64(rand::thread_rng().gen_range(0.8..1.2))
}

impl Slot {
    fn new(fixed: bool, now: Instant) -> Slot {
        Slot {
            fixed,
            device_id: None,
            name: String::new(),
            seen: None,
            running: false,
            again: false,
            due: now,
            failures: 0,
            error: None,
        }
    }
}

/// Advertises this laptop and looks for the others every `every`; when the
/// network interfaces change (a laptop moved to another Wi-Fi, a cable
/// plugged in) the advert is made again on the new ones, and when there is
/// none it is withdrawn and the loop says so.
async fn look_around(
    ad: Advert,
    every: Duration,
    window: Duration,
    found: mpsc::Sender<Look>,
    mut stop: watch::Receiver<bool>,
) {
    let mut advertised: Option<(Vec<Iface>, discovery::Advertiser)> = None;
    let mut advert_error = None;
    loop {
        let look = match discovery::interfaces() {
            Err(e) => {
                if let Some((_, a)) = advertised.take() {
                    a.stop().await;
                }
                Look::NoNetwork(e.to_string())
            }
            Ok(ifaces) => {
                if advertised.as_ref().map(|(i, _)| i) != Some(&ifaces) {
                    if let Some((_, a)) = advertised.take() {
                        a.stop().await;
                    }
                    match discovery::advertise(ad.clone()).await {
                        Ok(a) => {
                            advertised = Some((ifaces, a));
                            advert_error = None;
                        }
                        // Tried again at the next look.
                        Err(e) => advert_error = Some(e.to_string()),
                    }
                }
                match discovery::browse_for(Service::Stand, window).await {
                    Ok(f) => Look::Found(f, advert_error.clone()),
                    Err(e) => Look::NoNetwork(e.to_string()),
                }
            }
        };
        if found.send(look).await.is_err() {
            break;
        }
        tokio::select! {
            _ = stop.changed() => break,
            _ = tokio::time::sleep(every) => {}
        }
    }
    if let Some((_, a)) = advertised.take() {
        a.stop().await;
    }
}
