//! Stand peers: two laptops sync on the local network, without a hub and
//! without internet. One **shares** ([`share`]): it listens on TCP, shows a
//! short pairing code and advertises itself by mDNS (`_escale._tcp`); the
//! other **joins** ([`join`]) with that code, and the two run the usual
//! exchange — the joiner pulls every page it lacks, then pushes every page
//! the sharer lacks — over a channel encrypted and mutually authenticated
//! by the code and the organisation's sync key.
//!
//! - [`pairing`]: the code, SPAKE2, HKDF, key confirmation, org proofs;
//! - [`channel`]: length-prefixed frames, ChaCha20-Poly1305 per direction
//!   with counter nonces, size caps and deadlines;
//! - [`discovery`]: a minimal mDNS responder and browser, restricted to the
//!   interface named by `ESCALE_MDNS_INTERFACE` when it is set.
//!
//! A session, joiner → sharer (the full description, with the threat model,
//! is in `docs/sync-protocol.md`, "Stand peers"):
//!
//! ```text
//! plain   J→S  pair {magic, protocol, pake}       S→J  pair_reply {protocol, pake} | error
//! plain   J→S  confirm {mac}                      S→J  confirm {mac} | error (wrong code, burned)
//! sealed (code keys)
//!         J→S  hello                              S→J  hello
//!         J initialised:  J→S org_proof           S→J  org_proof | error (other org)
//!         J empty:                                S→J  welcome {org_id, sync_key}
//! sealed (code + org keys)
//!         J→S  pull … (until `more` is false)     S→J  pulled …
//!         J→S  push … (while the sharer lacks)    S→J  pushed …
//!         J→S  bye {device_id, vector, …}         S→J  bye {…}
//! ```
//!
//! Every step before the data is checked before anything is written: a
//! wrong code, another organisation or another protocol version leaves both
//! stores untouched. Each page is then applied like a hub page (its own
//! transaction, idempotent), so a session cut midway keeps what it got and
//! the next one resumes.

pub mod channel;
pub mod discovery;
pub mod pairing;

use self::channel::Channel;
use self::discovery::Advert;
use self::pairing::{Pake, Role, SessionKeys};
use escale_core::error::Error;
use escale_core::store::Store;
use escale_core::sync::node::{exchange, Remote};
use escale_core::sync::SyncKey;
use escale_protocol::hlc::now_ms;
use escale_protocol::i18n::Lang;
use escale_protocol::wire::{
    PullRequest, PullResponse, PushRequest, PushResponse, VersionVector, WireOp, MAX_PAGE_OPS,
    PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{broadcast, watch, Mutex};
use uuid::Uuid;

pub use self::discovery::{browse, Found, INTERFACE_ENV, SERVICE};
pub use self::pairing::PairingCode;

/// First field of the first message: "this is an Escale peer".
const MAGIC: &str = "escale-peer";
/// How long a sharer's code stays valid by default.
pub const CODE_TTL: Duration = Duration::from_secs(10 * 60);
/// Wrong codes a sharer accepts before it burns its code.
pub const MAX_FAILURES: u32 = 3;
/// Deadline of every read and write.
pub const IO_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a joiner listens for sharers when no address is given.
pub const BROWSE_WINDOW: Duration = Duration::from_secs(3);
/// The prefix of the peer names under which vectors are remembered
/// (`Store::remember_peer("peer:<device id>", …)`).
pub const PEER_PREFIX: &str = "peer:";

/// Why a peer session failed. [`PeerError::code`] is stable;
/// [`PeerError::message`] is for people, in French or English.
#[derive(Debug, thiserror::Error)]
pub enum PeerError {
    #[error(transparent)]
    Store(#[from] Error),
    #[error("a pairing code is 8 digits")]
    BadCode,
    #[error("wrong pairing code")]
    WrongCode,
    #[error("too many wrong codes: the code is burned")]
    CodeBurned,
    #[error("the pairing code has expired")]
    CodeExpired,
    #[error("no sharing laptop found")]
    NotFound,
    #[error("several sharing laptops found")]
    Ambiguous(Vec<Found>),
    #[error("the other laptop belongs to another organisation")]
    OtherOrg,
    #[error("the other laptop stopped answering")]
    Timeout,
    #[error("network: {0}")]
    Network(String),
    #[error("cannot listen: {0}")]
    Listen(String),
    #[error("unexpected message: {0}")]
    Protocol(String),
    #[error("a frame was altered, replayed or reordered")]
    Tampered,
    #[error("frame of {len} bytes over the {cap}-byte limit")]
    TooLarge { len: u64, cap: u64 },
    #[error("the other laptop speaks sync protocol {theirs}, this one {ours}")]
    Version { ours: u32, theirs: u32 },
    #[error("the other laptop refused: {message} [{code}]")]
    Refused { code: String, message: String },
    #[error("local network discovery: {0}")]
    Discovery(String),
}

impl PeerError {
    pub fn code(&self) -> &str {
        match self {
            PeerError::Store(e) => e.code(),
            PeerError::BadCode => "peer.bad_code",
            PeerError::WrongCode => "peer.wrong_code",
            PeerError::CodeBurned => "peer.code_burned",
            PeerError::CodeExpired => "peer.code_expired",
            PeerError::NotFound => "peer.not_found",
            PeerError::Ambiguous(_) => "peer.ambiguous",
            PeerError::OtherOrg => "peer.other_org",
            PeerError::Timeout => "peer.timeout",
            PeerError::Network(_) => "peer.network",
            PeerError::Listen(_) => "peer.listen",
            PeerError::Protocol(_) => "peer.protocol",
            PeerError::Tampered => "peer.tampered",
            PeerError::TooLarge { .. } => "peer.too_large",
            PeerError::Version { .. } => "peer.version_mismatch",
            PeerError::Refused { code, .. } => code,
            PeerError::Discovery(_) => "peer.discovery",
        }
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            PeerError::Store(e) => e.message(lang),
            PeerError::BadCode => l(
                "Code de jumelage invalide : tapez les 8 chiffres affichés sur l'ordinateur qui partage (par exemple 4827-1953).".into(),
                "Invalid pairing code: type the 8 digits shown on the sharing laptop (e.g. 4827-1953).".into(),
            ),
            PeerError::WrongCode => l(
                "Code de jumelage incorrect : rien n'a été échangé. Vérifiez le code affiché sur l'ordinateur qui partage.".into(),
                "Wrong pairing code: nothing was exchanged. Check the code shown on the sharing laptop.".into(),
            ),
            PeerError::CodeBurned => l(
                "Trop de codes incorrects : ce code de jumelage ne fonctionne plus. Relancez le partage pour obtenir un nouveau code.".into(),
                "Too many wrong codes: this pairing code no longer works. Start sharing again to get a new code.".into(),
            ),
            PeerError::CodeExpired => l(
                "Ce code de jumelage a expiré. Relancez le partage pour obtenir un nouveau code.".into(),
                "This pairing code has expired. Start sharing again to get a new code.".into(),
            ),
            PeerError::NotFound => l(
                "Aucun ordinateur ne partage sur le réseau local. Vérifiez que le partage est lancé et que les deux ordinateurs sont sur le même réseau, ou indiquez son adresse (affichée à côté du code).".into(),
                "No laptop is sharing on the local network. Check that sharing is started and that both laptops are on the same network, or give its address (shown next to the code).".into(),
            ),
            PeerError::Ambiguous(list) => {
                let names = list.iter().map(|f| format!("{} ({})", f.name, f.addr)).collect::<Vec<_>>().join(", ");
                l(
                    format!("Plusieurs ordinateurs partagent sur le réseau : {names}. Indiquez lequel rejoindre par son adresse."),
                    format!("Several laptops are sharing on the network: {names}. Say which one to join by its address."),
                )
            }
            PeerError::OtherOrg => l(
                "Ces deux ordinateurs n'appartiennent pas à la même organisation (ils n'ont pas la même clé d'organisation) : rien n'a été échangé.".into(),
                "These two laptops do not belong to the same organisation (they do not hold the same organisation key): nothing was exchanged.".into(),
            ),
            PeerError::Timeout => l(
                "L'autre ordinateur ne répond plus (délai dépassé). Ce qui a déjà été reçu est conservé ; relancez l'échange.".into(),
                "The other laptop stopped answering (timed out). What was already received is kept; run the exchange again.".into(),
            ),
            PeerError::Network(d) => l(
                format!("La connexion avec l'autre ordinateur a échoué ({d}). Ce qui a déjà été reçu est conservé ; relancez l'échange."),
                format!("The connection with the other laptop failed ({d}). What was already received is kept; run the exchange again."),
            ),
            PeerError::Listen(d) => l(
                format!("Impossible d'ouvrir le partage sur le réseau ({d}). Essayez un autre port."),
                format!("Cannot open sharing on the network ({d}). Try another port."),
            ),
            PeerError::Protocol(d) => l(
                format!("L'autre ordinateur a envoyé un message inattendu ({d}) : échange interrompu."),
                format!("The other laptop sent an unexpected message ({d}): exchange stopped."),
            ),
            PeerError::Tampered => l(
                "Un message de l'autre ordinateur a été modifié, rejoué ou déplacé en route : échange interrompu. Ce qui avait déjà été reçu et vérifié est conservé.".into(),
                "A message from the other laptop was altered, replayed or reordered on the way: exchange stopped. What was already received and checked is kept.".into(),
            ),
            PeerError::TooLarge { len, cap } => l(
                format!("L'autre ordinateur a envoyé un message trop gros ({len} octets, limite {cap}) : échange interrompu."),
                format!("The other laptop sent a message that is too large ({len} bytes, limit {cap}): exchange stopped."),
            ),
            PeerError::Version { ours, theirs } if theirs < ours => l(
                format!("L'autre ordinateur a une version plus ancienne d'Escale (protocole {theirs}, ici {ours}) : mettez-le à jour. Rien n'a été échangé."),
                format!("The other laptop runs an older version of Escale (protocol {theirs}, here {ours}): update it. Nothing was exchanged."),
            ),
            PeerError::Version { ours, theirs } => l(
                format!("Cet ordinateur a une version plus ancienne d'Escale que l'autre (protocole {ours}, là-bas {theirs}) : mettez-le à jour. Rien n'a été échangé."),
                format!("This laptop runs an older version of Escale than the other one (protocol {ours}, there {theirs}): update it. Nothing was exchanged."),
            ),
            PeerError::Refused { code, message } => match code.as_str() {
                "sync.clone_detected" => l(
                    "L'autre ordinateur a refusé nos opérations : deux ordinateurs utilisent le même identifiant (copie de disque ?). Rien n'a été écrit ; réinstallez l'un des deux comme nouvel appareil.".into(),
                    "The other laptop refused our operations: two laptops use the same id (a cloned disk?). Nothing was written; set one of them up again as a new device.".into(),
                ),
                _ => l(
                    format!("L'autre ordinateur a refusé l'échange : {message} [{code}]"),
                    format!("The other laptop refused the exchange: {message} [{code}]"),
                ),
            },
            PeerError::Discovery(d) => l(
                format!("La recherche sur le réseau local (mDNS) est impossible ({d}). Indiquez l'adresse de l'autre ordinateur (affichée à côté du code)."),
                format!("Local network discovery (mDNS) is not possible ({d}). Give the other laptop's address (shown next to the code)."),
            ),
        }
    }

    /// What the other side is told when we end a session on this error
    /// (None: nothing useful to say, or no way to say it).
    fn for_peer(&self) -> Option<(String, String)> {
        match self {
            PeerError::WrongCode
            | PeerError::CodeBurned
            | PeerError::CodeExpired
            | PeerError::OtherOrg
            | PeerError::Version { .. }
            | PeerError::Protocol(_)
            | PeerError::TooLarge { .. } => Some((self.code().to_string(), self.to_string())),
            PeerError::Store(
                e
                @ (Error::CloneDetected { .. } | Error::BadOp(_) | Error::ProtocolMismatch { .. }),
            ) => Some((e.code().to_string(), e.to_string())),
            PeerError::Store(_) => Some((
                "peer.failed".into(),
                "the other laptop could not store the exchange".into(),
            )),
            _ => None,
        }
    }

    /// An error the other side sent us.
    fn from_peer(code: &str, message: &str, ours: u32, theirs: Option<u32>) -> PeerError {
        match code {
            "peer.wrong_code" => PeerError::WrongCode,
            "peer.code_burned" => PeerError::CodeBurned,
            "peer.code_expired" => PeerError::CodeExpired,
            "peer.other_org" => PeerError::OtherOrg,
            "peer.version_mismatch" => PeerError::Version {
                ours,
                theirs: theirs.unwrap_or(0),
            },
            _ => PeerError::Refused {
                code: code.to_string(),
                message: message.to_string(),
            },
        }
    }
}

// ---------------------------------------------------------------------------
// Messages.

/// Handshake messages, before any key exists.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Plain {
    Pair {
        magic: String,
        protocol: u32,
        pake: String,
    },
    PairReply {
        protocol: u32,
        pake: String,
    },
    Confirm {
        mac: String,
    },
    Error {
        code: String,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protocol: Option<u32>,
    },
}

/// Who is on the other end (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Hello {
    protocol: u32,
    app_version: String,
    /// Absent for an empty data directory.
    org_id: Option<Uuid>,
    device_id: Option<Uuid>,
    device_name: String,
    initialised: bool,
}

/// Sealed messages.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Msg {
    Hello(Hello),
    OrgProof {
        mac: String,
    },
    Welcome {
        org_id: Uuid,
        sync_key: String,
    },
    Pull(PullRequest),
    Pulled(PullResponse),
    Push(PushRequest),
    Pushed(PushResponse),
    Bye {
        device_id: Uuid,
        vector: VersionVector,
        pulled: usize,
        pushed: usize,
    },
    Error {
        code: String,
        message: String,
    },
}

// ---------------------------------------------------------------------------
// Sharing.

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
struct Pairing {
    failures: u32,
    burned: bool,
}

struct Shared {
    store: Store,
    code: PairingCode,
    device_name: String,
    expires: tokio::time::Instant,
    opts: ShareOptions,
    pairing: Mutex<Pairing>,
    events: broadcast::Sender<PeerEvent>,
    burned: watch::Sender<bool>,
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
            device_name: device_name.clone(),
            device_id: ident.device_id,
            org_id: ident.org_id,
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
    let (burned, burned_rx) = watch::channel(false);
    let expires_at_ms = now_ms() + opts.code_ttl.as_millis() as i64;
    let shared = Arc::new(Shared {
        store,
        code: code.clone(),
        device_name,
        expires: tokio::time::Instant::now() + opts.code_ttl,
        opts,
        pairing: Mutex::new(Pairing {
            failures: 0,
            burned: false,
        }),
        events: events.clone(),
        burned,
    });
    let task = tokio::spawn(accept_loop(
        shared, listener, advertiser, stop_rx, burned_rx,
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
            _ = tokio::time::sleep_until(shared.expires) => break "code_expired",
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

async fn serve_one(shared: Arc<Shared>, stream: TcpStream) {
    let mut chan = Channel::new(stream, shared.opts.io_timeout);
    let mut name = None;
    let outcome = serve_session(&shared, &mut chan, &mut name).await;
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
) -> Result<PeerEvent, PeerError> {
    let started = Instant::now();
    let ours = sh.opts.protocol;
    let (their_protocol, their_pake) = match chan.recv::<Plain>().await? {
        Plain::Pair {
            magic,
            protocol,
            pake,
        } if magic == MAGIC => (protocol, pake),
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
        let mut pairing = sh.pairing.lock().await;
        if pairing.burned {
            refuse_plain(chan, &PeerError::CodeBurned, None).await;
            return Err(PeerError::CodeBurned);
        }
        if tokio::time::Instant::now() >= sh.expires {
            refuse_plain(chan, &PeerError::CodeExpired, None).await;
            return Err(PeerError::CodeExpired);
        }
        let pake = Pake::start(&sh.code, Role::Sharer);
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
    chan.send(&Msg::Hello(Hello {
        protocol: ours,
        app_version: env!("CARGO_PKG_VERSION").into(),
        org_id: Some(ident.org_id),
        device_id: Some(ident.device_id),
        device_name: sh.device_name.clone(),
        initialised: true,
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
                });
            }
            Msg::Error { code, message } => {
                return Err(PeerError::from_peer(&code, &message, ours, None))
            }
            other => return Err(unexpected(&other)),
        }
    }
}

/// Tells the peer why we stop (best effort), before keys exist.
async fn refuse_plain(chan: &mut Channel<TcpStream>, e: &PeerError, protocol: Option<u32>) {
    if let Some((code, message)) = e.for_peer() {
        let _ = chan
            .send(&Plain::Error {
                code,
                message,
                protocol,
            })
            .await;
    }
}

/// Tells the peer why we stop (best effort), on the sealed channel.
async fn refuse<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    chan: &mut Channel<S>,
    e: &PeerError,
) {
    if let Some((code, message)) = e.for_peer() {
        let _ = chan.send(&Msg::Error { code, message }).await;
    }
}

async fn refused(chan: &mut Channel<TcpStream>, e: Error) -> PeerError {
    let e = PeerError::Store(e);
    refuse(chan, &e).await;
    e
}

fn unexpected(m: &Msg) -> PeerError {
    let name = serde_json::to_value(m)
        .ok()
        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        .unwrap_or_default();
    PeerError::Protocol(format!("unexpected {name:?}"))
}

// ---------------------------------------------------------------------------
// Joining.

/// Knobs of [`join`]; the defaults are what the app uses.
#[derive(Debug, Clone)]
pub struct JoinOptions {
    /// Deadline of every read and write (and of connecting).
    pub io_timeout: Duration,
    /// How long to look for sharers by mDNS when no address is given.
    pub browse: Duration,
    /// Among several sharers found, the one whose device name contains this
    /// (case-insensitive).
    pub peer_name: Option<String>,
    /// Ops per pull or push page.
    pub page: usize,
    /// The sync protocol spoken; only tests change it.
    pub protocol: u32,
}

impl Default for JoinOptions {
    fn default() -> Self {
        JoinOptions {
            io_timeout: IO_TIMEOUT,
            browse: BROWSE_WINDOW,
            peer_name: None,
            page: 2_000,
            protocol: PROTOCOL_VERSION,
        }
    }
}

/// What one exchange did, on the joiner's side.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeerReport {
    pub peer_device_id: Uuid,
    pub peer_device_name: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub peer_addr: SocketAddr,
    /// This data directory was empty and became a device of the organisation.
    pub joined_org: bool,
    /// Ops this laptop stored for the first time.
    pub pulled: usize,
    /// Ops the other laptop stored for the first time.
    pub pushed: usize,
    /// Ops either side already had.
    pub duplicates: usize,
    pub quarantined: usize,
    pub pull_requests: usize,
    pub push_requests: usize,
    /// Possible duplicates to check (`Escale::duplicate_candidates`) that
    /// involve a visitor this exchange brought.
    pub duplicates_proposed: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub took_ms: u64,
}

/// Joins a sharing laptop with its `code`, at `addr` or found by mDNS, and
/// runs the exchange. An empty `store` becomes a new device of the sharer's
/// organisation named `device_name`.
pub async fn join(
    store: &Store,
    code: &str,
    addr: Option<SocketAddr>,
    device_name: &str,
    opts: JoinOptions,
) -> Result<PeerReport, PeerError> {
    let code = PairingCode::parse(code)?;
    let started = Instant::now();
    let ident = store.identity().await?;
    let addr = match addr {
        Some(a) => a,
        None => pick(
            discovery::browse(opts.browse).await?,
            ident.map(|i| i.org_id),
            ident.map(|i| i.device_id),
            &opts,
        )?,
    };
    let stream = match tokio::time::timeout(opts.io_timeout, TcpStream::connect(addr)).await {
        Err(_) => return Err(PeerError::Timeout),
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            return Err(PeerError::NotFound)
        }
        Ok(Err(e)) => return Err(PeerError::Network(e.to_string())),
        Ok(Ok(s)) => s,
    };
    let _ = stream.set_nodelay(true);
    let mut chan = Channel::new(stream, opts.io_timeout);
    let out = join_session(store, &mut chan, code, addr, device_name, &opts, started).await;
    if let Err(e) = &out {
        refuse(&mut chan, e).await;
    }
    chan.shutdown().await;
    out
}

/// Chooses the sharer to join among those found.
fn pick(
    found: Vec<Found>,
    org: Option<Uuid>,
    me: Option<Uuid>,
    opts: &JoinOptions,
) -> Result<SocketAddr, PeerError> {
    let mut c: Vec<Found> = found
        .into_iter()
        .filter(|f| me.is_none() || f.device_id != me)
        .collect();
    if let Some(n) = &opts.peer_name {
        let n = n.to_lowercase();
        c.retain(|f| f.name.to_lowercase().contains(&n));
    }
    // Our own organisation's sharers first (a hub-enrolled laptop may show
    // another org id: then every sharer stays a candidate).
    if org.is_some() && c.iter().any(|f| f.org_id == org) {
        c.retain(|f| f.org_id == org);
    }
    match c.len() {
        0 => Err(PeerError::NotFound),
        1 => Ok(c[0].addr),
        _ => Err(PeerError::Ambiguous(c)),
    }
}

async fn join_session(
    store: &Store,
    chan: &mut Channel<TcpStream>,
    code: PairingCode,
    addr: SocketAddr,
    device_name: &str,
    opts: &JoinOptions,
    started: Instant,
) -> Result<PeerReport, PeerError> {
    let ours = opts.protocol;
    let pake = Pake::start(&code, Role::Joiner);
    chan.send(&Plain::Pair {
        magic: MAGIC.into(),
        protocol: ours,
        pake: hex::encode(&pake.message),
    })
    .await?;
    let their_pake = match chan.recv::<Plain>().await? {
        Plain::PairReply { protocol, .. } if protocol != ours => {
            return Err(PeerError::Version {
                ours,
                theirs: protocol,
            })
        }
        Plain::PairReply { pake, .. } => {
            hex::decode(pake).map_err(|_| PeerError::Protocol("pairing message".into()))?
        }
        Plain::Error {
            code,
            message,
            protocol,
        } => return Err(PeerError::from_peer(&code, &message, ours, protocol)),
        _ => return Err(PeerError::Protocol("expected the pairing reply".into())),
    };
    let (secret, transcript) = pake.finish(&their_pake, ours)?;
    let keys = SessionKeys::derive(&secret, transcript, None);
    chan.send(&Plain::Confirm {
        mac: hex::encode(keys.confirmation(Role::Joiner)),
    })
    .await?;
    match chan.recv::<Plain>().await? {
        Plain::Confirm { mac } => {
            if !keys.check_confirmation(Role::Sharer, &hex::decode(mac).unwrap_or_default()) {
                // Only someone in the middle without the code gets here.
                return Err(PeerError::WrongCode);
            }
        }
        Plain::Error {
            code,
            message,
            protocol,
        } => return Err(PeerError::from_peer(&code, &message, ours, protocol)),
        _ => return Err(PeerError::Protocol("expected a confirmation".into())),
    }
    chan.set_keys(&keys.joiner_to_sharer, &keys.sharer_to_joiner);

    // Who we are, who they are.
    let ident = store.identity().await?;
    chan.send(&Msg::Hello(Hello {
        protocol: ours,
        app_version: env!("CARGO_PKG_VERSION").into(),
        org_id: ident.map(|i| i.org_id),
        device_id: ident.map(|i| i.device_id),
        device_name: device_name.to_string(),
        initialised: ident.is_some(),
    }))
    .await?;
    let theirs = match recv_msg(chan, ours).await? {
        Msg::Hello(h) => h,
        other => return Err(unexpected(&other)),
    };
    let peer_id = theirs
        .device_id
        .ok_or(PeerError::Protocol("the sharer has no device id".into()))?;
    if ident.is_some_and(|i| i.device_id == peer_id) {
        return Err(PeerError::Store(Error::CloneDetected {
            origin: peer_id,
            seq: 0,
        }));
    }

    // The organisation: prove we hold its key, or receive it.
    let org_key = match ident {
        Some(_) => {
            let key = store.sync_key().await?;
            let mac = pairing::org_proof(&key, &transcript, Role::Joiner);
            chan.send(&Msg::OrgProof {
                mac: hex::encode(mac),
            })
            .await?;
            match recv_msg(chan, ours).await? {
                Msg::OrgProof { mac } => {
                    if !pairing::check_org_proof(
                        &key,
                        &transcript,
                        Role::Sharer,
                        &hex::decode(mac).unwrap_or_default(),
                    ) {
                        return Err(PeerError::OtherOrg);
                    }
                }
                other => return Err(unexpected(&other)),
            }
            key
        }
        None => match recv_msg(chan, ours).await? {
            Msg::Welcome { org_id, sync_key } => {
                let key = SyncKey::from_hex(&sync_key)
                    .map_err(|_| PeerError::Protocol("organisation key".into()))?;
                store
                    .join_org(org_id, Uuid::now_v7(), &key, device_name)
                    .await?;
                key
            }
            other => return Err(unexpected(&other)),
        },
    };
    let keys = SessionKeys::derive(&secret, transcript, Some(&org_key));
    chan.set_keys(&keys.joiner_to_sharer, &keys.sharer_to_joiner);
    let me = store.identity().await?.ok_or(Error::NotInitialised)?;

    let mut r = PeerReport {
        peer_device_id: peer_id,
        peer_device_name: theirs.device_name,
        peer_addr: addr,
        joined_org: ident.is_none(),
        pulled: 0,
        pushed: 0,
        duplicates: 0,
        quarantined: 0,
        pull_requests: 0,
        push_requests: 0,
        duplicates_proposed: 0,
        took_ms: 0,
    };
    let page = opts.page.clamp(1, MAX_PAGE_OPS);
    // Visitors written from here on (`visitor.rev`) came with this exchange.
    let rev_before = store.rev().await?;

    let mut remote = Sharer {
        chan: &mut *chan,
        ours,
        device_id: me.device_id,
    };
    let x = exchange(store, &mut remote, page).await?;
    (r.pulled, r.pushed, r.duplicates, r.quarantined) =
        (x.pulled, x.pushed, x.duplicates, x.quarantined);
    (r.pull_requests, r.push_requests) = (x.pull_requests, x.push_requests);

    // Goodbye: each side learns the other's final vector.
    let vector = store.vector().await?;
    chan.send(&Msg::Bye {
        device_id: me.device_id,
        vector,
        pulled: r.pulled,
        pushed: r.pushed,
    })
    .await?;
    let their_vector = match recv_msg(chan, ours).await? {
        Msg::Bye { vector, .. } => vector,
        other => return Err(unexpected(&other)),
    };
    store
        .remember_peer(&format!("{PEER_PREFIX}{peer_id}"), &their_vector)
        .await?;
    if r.pulled > 0 {
        r.duplicates_proposed = escale_core::app::proposed_since(store, rev_before).await?;
    }
    r.took_ms = started.elapsed().as_millis() as u64;
    Ok(r)
}

/// The sharing laptop, as [`exchange`] drives it from the joiner.
struct Sharer<'a> {
    chan: &'a mut Channel<TcpStream>,
    ours: u32,
    device_id: Uuid,
}

impl Remote for Sharer<'_> {
    type Error = PeerError;

    async fn pull(
        &mut self,
        vector: VersionVector,
        limit: usize,
    ) -> Result<PullResponse, PeerError> {
        self.chan
            .send(&Msg::Pull(PullRequest {
                protocol: self.ours,
                vector,
                limit,
            }))
            .await?;
        match recv_msg(self.chan, self.ours).await? {
            Msg::Pulled(p) => Ok(p),
            other => Err(unexpected(&other)),
        }
    }

    async fn push(&mut self, ops: Vec<WireOp>) -> Result<PushResponse, PeerError> {
        self.chan
            .send(&Msg::Push(PushRequest {
                protocol: self.ours,
                device_id: self.device_id,
                ops,
            }))
            .await?;
        match recv_msg(self.chan, self.ours).await? {
            Msg::Pushed(p) => Ok(p),
            other => Err(unexpected(&other)),
        }
    }
}

/// A sealed message; the peer's error message becomes our error.
async fn recv_msg(chan: &mut Channel<TcpStream>, ours: u32) -> Result<Msg, PeerError> {
    match chan.recv::<Msg>().await? {
        Msg::Error { code, message } => Err(PeerError::from_peer(&code, &message, ours, None)),
        m => Ok(m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(name: &str, org: u128, port: u16) -> Found {
        Found {
            name: name.into(),
            org_id: Some(Uuid::from_u128(org)),
            device_id: Some(Uuid::from_u128(port as u128)),
            protocol: Some(PROTOCOL_VERSION),
            addr: SocketAddr::from(([192, 168, 1, 10], port)),
        }
    }

    #[test]
    fn a_joiner_picks_the_one_sharer_of_its_organisation_or_asks() {
        let opts = JoinOptions::default();
        let two = vec![found("Portable 1", 1, 1001), found("Portable 2", 2, 1002)];
        assert_eq!(
            pick(two.clone(), Some(Uuid::from_u128(2)), None, &opts)
                .unwrap()
                .port(),
            1002
        );
        assert!(
            matches!(pick(two.clone(), None, None, &opts), Err(PeerError::Ambiguous(l)) if l.len() == 2)
        );
        let named = JoinOptions {
            peer_name: Some("portable 1".into()),
            ..JoinOptions::default()
        };
        assert_eq!(pick(two.clone(), None, None, &named).unwrap().port(), 1001);
        assert!(matches!(
            pick(vec![], None, None, &opts),
            Err(PeerError::NotFound)
        ));
        assert!(
            matches!(
                pick(
                    vec![found("Moi", 1, 7)],
                    None,
                    Some(Uuid::from_u128(7)),
                    &opts
                ),
                Err(PeerError::NotFound)
            ),
            "never ourselves"
        );
    }

    #[test]
    fn every_error_has_a_code_and_two_languages() {
        let all = [
            PeerError::BadCode,
            PeerError::WrongCode,
            PeerError::CodeBurned,
            PeerError::CodeExpired,
            PeerError::NotFound,
            PeerError::Ambiguous(vec![found("Portable 1", 1, 1)]),
            PeerError::OtherOrg,
            PeerError::Timeout,
            PeerError::Network("reset".into()),
            PeerError::Listen("in use".into()),
            PeerError::Protocol("x".into()),
            PeerError::Tampered,
            PeerError::TooLarge { len: 2, cap: 1 },
            PeerError::Version { ours: 2, theirs: 1 },
            PeerError::Version { ours: 1, theirs: 2 },
            PeerError::Refused {
                code: "sync.clone_detected".into(),
                message: "x".into(),
            },
            PeerError::Discovery("x".into()),
        ];
        for e in &all {
            assert!(
                e.code().starts_with("peer.") || e.code().starts_with("sync."),
                "{e:?}"
            );
            assert_ne!(e.message(Lang::Fr), e.message(Lang::En), "{e:?}");
        }
        assert_ne!(
            all[13].message(Lang::En),
            all[14].message(Lang::En),
            "says which laptop to update"
        );
    }

    #[test]
    fn errors_told_to_the_peer_come_back_as_the_same_error() {
        for e in [
            PeerError::WrongCode,
            PeerError::CodeBurned,
            PeerError::CodeExpired,
            PeerError::OtherOrg,
        ] {
            let (code, message) = e.for_peer().unwrap();
            assert_eq!(
                PeerError::from_peer(&code, &message, 1, None).code(),
                e.code()
            );
        }
        let v = PeerError::from_peer("peer.version_mismatch", "", 1, Some(2));
        assert!(matches!(v, PeerError::Version { ours: 1, theirs: 2 }));
        assert!(
            PeerError::Tampered.for_peer().is_none(),
            "nothing is said on a channel we no longer trust"
        );
    }
}
