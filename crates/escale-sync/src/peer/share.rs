//! The sharing laptop: [`share`] listens on TCP, shows a pairing code,
//! advertises itself by mDNS and answers every joiner's session (one
//! pairing at a time, so the count of wrong codes is exact), reporting what
//! happens as [`PeerEvent`]s. It answers; it never starts an exchange.

use super::channel::Channel;
use super::discovery::{self, Advert};
use super::pairing::{self, Pake, Role, Secret, SessionKeys};
use super::session::{refuse, refuse_plain, refused, unexpected, Hello, Msg, Plain, MAGIC};
use super::{PairingCode, PeerError, CODE_TTL, IO_TIMEOUT, MAX_FAILURES, PEER_PREFIX};
use escale_core::error::Error;
use escale_core::store::Store;
use escale_protocol::hlc::now_ms;
use escale_protocol::i18n::Lang;
use escale_protocol::wire::PROTOCOL_VERSION;
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch, Mutex};
use uuid::Uuid;

/// Knobs of [`share`]; the defaults are what the app uses.
#[derive(Debug, Clone)]
pub struct ShareOptions {
    /// Where to listen (default `0.0.0.0:0`: every interface, any free port).
    pub listen: SocketAddr,
    /// How long the code accepts joiners.
    pub code_ttl: Duration,
    /// Wrong codes accepted before the code is burned.
    pub max_failures: u32,
    /// Deadline of every read and write.
    pub io_timeout: Duration,
    /// Advertise by mDNS (`_escale._tcp`). Without it, joiners need the address.
    pub advertise: bool,
    /// The sync protocol spoken; only tests change it.
    pub protocol: u32,
}

impl Default for ShareOptions {
    fn default() -> Self {
        ShareOptions {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0),
            code_ttl: CODE_TTL,
            max_failures: MAX_FAILURES,
            io_timeout: IO_TIMEOUT,
            advertise: true,
            protocol: PROTOCOL_VERSION,
        }
    }
}

/// What happens on a sharing laptop, for its screen.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum PeerEvent {
    /// A laptop joined and the exchange completed.
    Joined {
        device_id: Uuid,
        device_name: String,
        /// It was an empty data directory and became a device of the organisation.
        new_device: bool,
        /// Ops we stored for the first time (its push).
        received: usize,
        /// Ops it stored for the first time (its pull).
        sent: usize,
        duplicates: usize,
        quarantined: usize,
        /// Possible duplicates to check (`Escale::duplicate_candidates`)
        /// involving a visitor it brought.
        duplicates_proposed: usize,
        took_ms: u64,
        /// Where a stand laptop can be reached back (its address and the
        /// port it said it listens on); `None` for a pairing with a code.
        #[serde(skip)]
        #[cfg_attr(feature = "ts", ts(skip))]
        reachable_at: Option<SocketAddr>,
    },
    /// A laptop tried and failed (wrong code, another organisation, cut…).
    Failed {
        code: String,
        /// Its name, when it got far enough to say it.
        device_name: Option<String>,
        #[serde(skip)]
        #[cfg_attr(feature = "ts", ts(skip))]
        error: Arc<PeerError>,
    },
    /// Sharing ended: `code_expired`, `code_burned` or `stopped`.
    Closed { reason: String },
}

impl PeerEvent {
    /// One line for people, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            PeerEvent::Joined {
                device_name,
                new_device,
                received,
                sent,
                ..
            } => {
                let (nfr, nen) = if *new_device {
                    (" (nouvel appareil)", " (new device)")
                } else {
                    ("", "")
                };
                l(
                    format!("{device_name}{nfr} a rejoint (opérations envoyées : {sent}, reçues : {received})."),
                    format!("{device_name}{nen} joined (operations sent: {sent}, received: {received})."),
                )
            }
            PeerEvent::Failed {
                device_name, error, ..
            } => match device_name {
                Some(n) => format!("{n} : {}", error.message(lang)),
                None => error.message(lang),
            },
            PeerEvent::Closed { reason } => match reason.as_str() {
                "code_expired" => PeerError::CodeExpired.message(lang),
                "code_burned" => PeerError::CodeBurned.message(lang),
                _ => l("Partage arrêté.".into(), "Sharing stopped.".into()),
            },
        }
    }
}

/// The pairing state a sharer keeps across connections.
pub(super) struct Pairing {
    failures: u32,
    burned: bool,
}

/// What every session a laptop answers shares: a sharer's with its code,
/// or a stand laptop's (`super::live`) with the organisation's key.
pub(super) struct Shared {
    pub(super) store: Store,
    pub(super) secret: Secret,
    pub(super) device_name: String,
    /// When a code stops working (a stand's key does not expire).
    pub(super) expires: Option<tokio::time::Instant>,
    pub(super) opts: ShareOptions,
    pairing: Mutex<Pairing>,
    pub(super) events: broadcast::Sender<PeerEvent>,
    burned: watch::Sender<bool>,
}

impl Shared {
    pub(super) fn new(
        store: Store,
        secret: Secret,
        device_name: String,
        expires: Option<tokio::time::Instant>,
        opts: ShareOptions,
        events: broadcast::Sender<PeerEvent>,
    ) -> (Shared, watch::Receiver<bool>) {
        let (burned, burned_rx) = watch::channel(false);
        let shared = Shared {
            store,
            secret,
            device_name,
            expires,
            opts,
            pairing: Mutex::new(Pairing {
                failures: 0,
                burned: false,
            }),
            events,
            burned,
        };
        (shared, burned_rx)
    }
}

/// A laptop sharing its organisation's data. Dropping it stops sharing
/// (and withdraws the mDNS advertisement).
///
/// ```ignore
/// let mut s = share(store.clone(), "Portable 1".into(), ShareOptions::default()).await?;
/// show(s.code(), s.addresses());
/// while let Some(ev) = s.next_event().await { /* Joined / Failed / Closed */ }
/// ```
pub struct PeerShare {
    code: PairingCode,
    addr: SocketAddr,
    expires_at_ms: i64,
    discovery_error: Option<String>,
    events: broadcast::Sender<PeerEvent>,
    rx: broadcast::Receiver<PeerEvent>,
    stop: watch::Sender<bool>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl PeerShare {
    /// The code to show, as `4827-1953`.
    pub fn code(&self) -> String {
        self.code.display()
    }

    /// The socket listened on (its port is the one to type with an address).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where joiners can reach us: the listening address, or, when it is
    /// `0.0.0.0`, each interface's IPv4 address with the port.
    pub fn addresses(&self) -> Vec<SocketAddr> {
        if self.addr.ip().is_unspecified() {
            discovery::reachable_at(self.addr.port())
        } else {
            vec![self.addr]
        }
    }

    /// When the code stops working (Unix ms).
    pub fn expires_at_ms(&self) -> i64 {
        self.expires_at_ms
    }

    /// Why mDNS advertising could not start (then joiners need the address).
    pub fn discovery_error(&self) -> Option<&str> {
        self.discovery_error.as_deref()
    }

    /// Another receiver of the events (from now on).
    pub fn subscribe(&self) -> broadcast::Receiver<PeerEvent> {
        self.events.subscribe()
    }

    /// The next event; `None` once sharing has ended and every event was read.
    pub async fn next_event(&mut self) -> Option<PeerEvent> {
        loop {
            match self.rx.recv().await {
                Ok(e) => return Some(e),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    }

    /// Stops sharing: no new joiner, sessions in progress are cut (what
    /// they applied stays), the mDNS advertisement is withdrawn.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for PeerShare {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Starts sharing `store` (which must be initialised) on the local network.
pub async fn share(
    store: Store,
    device_name: String,
    opts: ShareOptions,
) -> Result<PeerShare, PeerError> {
    let ident = store.identity().await?.ok_or(Error::NotInitialised)?;
    // Created now if this store predates sync keys, before anyone asks.
    store.sync_key().await?;
    let listener = TcpListener::bind(opts.listen)
        .await
        .map_err(|e| PeerError::Listen(e.to_string()))?;
    let addr = listener
        .local_addr()
        .map_err(|e| PeerError::Listen(e.to_string()))?;
    let (mut advertiser, mut discovery_error) = (None, None);
    if opts.advertise {
        let ad = Advert {
            service: discovery::Service::Share,
            device_name: device_name.clone(),
            device_id: ident.device_id,
            org_id: ident.org_id,
            stand: None,
            protocol: opts.protocol,
            port: addr.port(),
        };
        match discovery::advertise(ad).await {
            Ok(a) => advertiser = Some(a),
            Err(e) => discovery_error = Some(e.to_string()),
        }
    }
    let code = PairingCode::random();
    let (events, rx) = broadcast::channel(256);
    let (stop, stop_rx) = watch::channel(false);
    let expires_at_ms = now_ms() + opts.code_ttl.as_millis() as i64;
    let expires = tokio::time::Instant::now() + opts.code_ttl;
    let (shared, burned_rx) = Shared::new(
        store,
        Secret::Code(code.clone()),
        device_name,
        Some(expires),
        opts,
        events.clone(),
    );
    let task = tokio::spawn(accept_loop(
        Arc::new(shared),
        expires,
        listener,
        advertiser,
        stop_rx,
        burned_rx,
    ));
    Ok(PeerShare {
        code,
        addr,
        expires_at_ms,
        discovery_error,
        events,
        rx,
        stop,
        task: Some(task),
    })
}

async fn accept_loop(
    shared: Arc<Shared>,
    expires: tokio::time::Instant,
    listener: TcpListener,
    advertiser: Option<discovery::Advertiser>,
    mut stop: watch::Receiver<bool>,
    mut burned: watch::Receiver<bool>,
) {
    let mut sessions = tokio::task::JoinSet::new();
    let reason = loop {
        tokio::select! {
            _ = stop.changed() => break "stopped",
            _ = burned.changed() => break "code_burned",
            _ = tokio::time::sleep_until(expires) => break "code_expired",
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    sessions.spawn(serve_one(shared.clone(), stream));
                }
            }
            // Reap finished sessions so the set does not grow.
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    };
    drop(listener);
    if let Some(a) = advertiser {
        a.stop().await;
    }
    if reason == "stopped" {
        sessions.abort_all();
    } else {
        // Sessions already paired finish their exchange (each has deadlines).
        tokio::select! {
            _ = async { while sessions.join_next().await.is_some() {} } => {}
            _ = stop.changed() => sessions.abort_all(),
        }
    }
    let _ = shared.events.send(PeerEvent::Closed {
        reason: reason.to_string(),
    });
}

/// Answers one session and reports it as an event.
pub(super) async fn serve_one(shared: Arc<Shared>, stream: TcpStream) {
    let from = stream.peer_addr().ok();
    let mut chan = Channel::new(stream, shared.opts.io_timeout);
    let mut name = None;
    let outcome = serve_session(&shared, &mut chan, &mut name, from).await;
    chan.shutdown().await;
    let event = match outcome {
        Ok(ev) => ev,
        Err(e) => PeerEvent::Failed {
            code: e.code().to_string(),
            device_name: name,
            error: Arc::new(e),
        },
    };
    let _ = shared.events.send(event);
}

/// The sharer's side of one session.
async fn serve_session(
    sh: &Shared,
    chan: &mut Channel<TcpStream>,
    name: &mut Option<String>,
    from: Option<SocketAddr>,
) -> Result<PeerEvent, PeerError> {
    let started = Instant::now();
    let ours = sh.opts.protocol;
    let stand = sh.secret.is_stand();
    let (their_protocol, their_pake) = match chan.recv::<Plain>().await? {
        Plain::Pair {
            magic,
            protocol,
            pake,
            stand: theirs,
        } if magic == MAGIC && theirs == stand => (protocol, pake),
        // A stand laptop at a sharer's port, or a code at a stand's: no
        // guess is counted.
        Plain::Pair { magic, .. } if magic == MAGIC => {
            let e = PeerError::Protocol("a stand session and a pairing code do not mix".into());
            refuse_plain(chan, &e, None).await;
            return Err(e);
        }
        _ => return Err(PeerError::Protocol("not an Escale peer".into())),
    };
    if their_protocol != ours {
        let e = PeerError::Version {
            ours,
            theirs: their_protocol,
        };
        refuse_plain(chan, &e, Some(ours)).await;
        return Err(e);
    }
    let their_pake =
        hex::decode(&their_pake).map_err(|_| PeerError::Protocol("pairing message".into()))?;

    // One pairing at a time: the count of wrong codes is exact even when
    // an attacker opens many connections at once.
    let keys = {
        // A stand's key cannot be guessed: nothing to count, and one slow
        // laptop must not hold the others' handshakes.
        let mut unlocked = Pairing {
            failures: 0,
            burned: false,
        };
        let mut locked = None;
        if !stand {
            locked = Some(sh.pairing.lock().await);
        }
        let pairing: &mut Pairing = match locked.as_mut() {
            Some(guard) => guard,
            None => &mut unlocked,
        };
        if pairing.burned {
            refuse_plain(chan, &PeerError::CodeBurned, None).await;
            return Err(PeerError::CodeBurned);
        }
        if sh
            .expires
            .is_some_and(|at| tokio::time::Instant::now() >= at)
        {
            refuse_plain(chan, &PeerError::CodeExpired, None).await;
            return Err(PeerError::CodeExpired);
        }
        let pake = Pake::start(&sh.secret, Role::Sharer);
        chan.send(&Plain::PairReply {
            protocol: ours,
            pake: hex::encode(&pake.message),
        })
        .await?;
        let (secret, transcript) = pake.finish(&their_pake, ours)?;
        let keys = SessionKeys::derive(&secret, transcript, None);
        let mac = match chan.recv::<Plain>().await? {
            Plain::Confirm { mac } => hex::decode(mac).unwrap_or_default(),
            // The joiner gave up (e.g. it speaks another version): no guess was made.
            Plain::Error {
                code,
                message,
                protocol,
            } => return Err(PeerError::from_peer(&code, &message, ours, protocol)),
            _ => return Err(PeerError::Protocol("expected a confirmation".into())),
        };
        if !keys.check_confirmation(Role::Joiner, &mac) && stand {
            // Not our organisation's key: nothing to count, nothing to burn.
            refuse_plain(chan, &PeerError::OtherOrg, None).await;
            return Err(PeerError::OtherOrg);
        }
        if !keys.check_confirmation(Role::Joiner, &mac) {
            pairing.failures += 1;
            let e = if pairing.failures >= sh.opts.max_failures {
                pairing.burned = true;
                let _ = sh.burned.send(true);
                PeerError::CodeBurned
            } else {
                PeerError::WrongCode
            };
            refuse_plain(chan, &e, None).await;
            // Either way this joiner had the wrong code.
            return Err(PeerError::WrongCode);
        }
        chan.send(&Plain::Confirm {
            mac: hex::encode(keys.confirmation(Role::Sharer)),
        })
        .await?;
        (secret, keys)
    };
    let (secret, keys) = keys;
    chan.set_keys(&keys.sharer_to_joiner, &keys.joiner_to_sharer);

    let ident = sh.store.identity().await?.ok_or(Error::NotInitialised)?;
    let theirs = match chan.recv::<Msg>().await? {
        Msg::Hello(h) => h,
        other => return Err(unexpected(&other)),
    };
    *name = Some(theirs.device_name.clone());
    if stand && !theirs.initialised {
        let e = PeerError::Protocol("an empty laptop joins with a code".into());
        refuse(chan, &e).await;
        return Err(e);
    }
    chan.send(&Msg::Hello(Hello {
        protocol: ours,
        app_version: env!("CARGO_PKG_VERSION").into(),
        org_id: Some(ident.org_id),
        device_id: Some(ident.device_id),
        device_name: sh.device_name.clone(),
        initialised: true,
        stand_port: None,
    }))
    .await?;
    if theirs.device_id == Some(ident.device_id) {
        let e = PeerError::Store(Error::CloneDetected {
            origin: ident.device_id,
            seq: 0,
        });
        refuse(chan, &e).await;
        return Err(e);
    }

    let org_key = sh.store.sync_key().await?;
    let transcript = keys.transcript();
    if theirs.initialised {
        let mac = match chan.recv::<Msg>().await? {
            Msg::OrgProof { mac } => hex::decode(mac).unwrap_or_default(),
            other => return Err(unexpected(&other)),
        };
        if !pairing::check_org_proof(&org_key, &transcript, Role::Joiner, &mac) {
            refuse(chan, &PeerError::OtherOrg).await;
            return Err(PeerError::OtherOrg);
        }
        let mac = pairing::org_proof(&org_key, &transcript, Role::Sharer);
        chan.send(&Msg::OrgProof {
            mac: hex::encode(mac),
        })
        .await?;
    } else {
        chan.send(&Msg::Welcome {
            org_id: ident.org_id,
            sync_key: org_key.to_hex(),
        })
        .await?;
    }
    let keys = SessionKeys::derive(&secret, transcript, Some(&org_key));
    chan.set_keys(&keys.sharer_to_joiner, &keys.joiner_to_sharer);

    // The exchange: the joiner drives, we answer. Visitors written from
    // here on (`visitor.rev`) came with it.
    let rev_before = sh.store.rev().await?;
    let (mut received, mut duplicates, mut quarantined) = (0, 0, 0);
    loop {
        match chan.recv::<Msg>().await? {
            Msg::Pull(req) => match sh.store.serve_pull(&req).await {
                Ok(resp) => chan.send(&Msg::Pulled(resp)).await?,
                Err(e) => return Err(refused(chan, e).await),
            },
            Msg::Push(req) => match sh.store.apply_push(req).await {
                Ok(resp) => {
                    received += resp.applied + resp.quarantined;
                    duplicates += resp.duplicates;
                    quarantined += resp.quarantined;
                    chan.send(&Msg::Pushed(resp)).await?;
                }
                Err(e) => return Err(refused(chan, e).await),
            },
            Msg::Bye {
                device_id,
                vector,
                pulled,
                pushed: _,
            } => {
                sh.store
                    .remember_peer(&format!("{PEER_PREFIX}{device_id}"), &vector)
                    .await?;
                let mine = sh.store.vector().await?;
                chan.send(&Msg::Bye {
                    device_id: ident.device_id,
                    vector: mine,
                    pulled: received,
                    pushed: pulled,
                })
                .await?;
                let duplicates_proposed = if received > 0 {
                    escale_core::app::proposed_since(&sh.store, rev_before).await?
                } else {
                    0
                };
                return Ok(PeerEvent::Joined {
                    device_id,
                    device_name: theirs.device_name,
                    new_device: !theirs.initialised,
                    received,
                    sent: pulled,
                    duplicates,
                    quarantined,
                    duplicates_proposed,
                    took_ms: started.elapsed().as_millis() as u64,
                    reachable_at: match (stand, from, theirs.stand_port) {
                        (true, Some(from), Some(port)) => Some(SocketAddr::new(from.ip(), port)),
                        _ => None,
                    },
                });
            }
            Msg::Error { code, message } => {
                return Err(PeerError::from_peer(&code, &message, ours, None))
            }
            other => return Err(unexpected(&other)),
        }
    }
}
