//! The joining laptop: [`join`] finds a sharer (by address or mDNS),
//! pairs with its code and drives the exchange — pull every page it lacks,
//! then push every page the sharer lacks — reporting a [`PeerReport`]. An
//! empty data directory becomes a device of the sharer's organisation.

use super::channel::Channel;
use super::discovery::{self, Found};
use super::pairing::{self, Pake, Role, Secret, SessionKeys};
use super::session::{recv_msg, refuse, unexpected, Hello, Msg, Plain, MAGIC};
use super::{PairingCode, PeerError, BROWSE_WINDOW, IO_TIMEOUT, PEER_PREFIX};
use escale_core::error::Error;
use escale_core::store::Store;
use escale_core::sync::node::{exchange, Remote, Window};
use escale_core::sync::SyncKey;
use escale_protocol::wire::{
    PullRequest, PullResponse, PushRequest, PushResponse, VersionVector, WireOp, MAX_PAGE_OPS,
    PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use uuid::Uuid;

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
    /// This laptop's stand port, told to a stand laptop (`super::live`).
    pub stand_port: Option<u16>,
}

impl Default for JoinOptions {
    fn default() -> Self {
        JoinOptions {
            io_timeout: IO_TIMEOUT,
            browse: BROWSE_WINDOW,
            peer_name: None,
            page: 2_000,
            protocol: PROTOCOL_VERSION,
            stand_port: None,
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
    join_with(store, &Secret::Code(code), addr, device_name, opts).await
}

/// Joins the laptop at `addr` (or found by mDNS) knowing `secret`: a
/// pairing code, or the organisation's key for a stand laptop
/// (`super::live`, which always gives the address).
pub(super) async fn join_with(
    store: &Store,
    secret: &Secret,
    addr: Option<SocketAddr>,
    device_name: &str,
    opts: JoinOptions,
) -> Result<PeerReport, PeerError> {
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
    let out = join_session(store, &mut chan, secret, addr, device_name, &opts, started).await;
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
    secret: &Secret,
    addr: SocketAddr,
    device_name: &str,
    opts: &JoinOptions,
    started: Instant,
) -> Result<PeerReport, PeerError> {
    let ours = opts.protocol;
    let stand = secret.is_stand();
    let pake = Pake::start(secret, Role::Joiner);
    chan.send(&Plain::Pair {
        magic: MAGIC.into(),
        protocol: ours,
        pake: hex::encode(&pake.message),
        stand,
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
                // Only someone in the middle without the code (or the
                // organisation's key) gets here.
                return Err(if stand {
                    PeerError::OtherOrg
                } else {
                    PeerError::WrongCode
                });
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
        stand_port: opts.stand_port.filter(|_| stand),
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
    // The session cannot go on after a failure (its frames are numbered):
    // what was committed stays, and the next join starts with half the
    // window, so that a link that drops often still moves a page each time.
    let mut window = peer_window(store).await;
    let exchanged = exchange(store, &mut remote, page, &mut window).await;
    if exchanged.is_err() {
        window.shrink();
    }
    let _ = store
        .set_local_text(PEER_WINDOW_KEY, &window.bytes.to_string())
        .await;
    let x = exchanged?;
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

/// Where the window stand-peer exchanges learnt is kept (the `local` table).
const PEER_WINDOW_KEY: &str = "peer/window";

/// The window the last stand-peer exchange ended with.
async fn peer_window(store: &Store) -> Window {
    let bytes = store
        .local_text(PEER_WINDOW_KEY)
        .await
        .ok()
        .flatten()
        .and_then(|t| t.parse().ok())
        .unwrap_or(Window::START);
    Window::new(bytes)
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
        max_bytes: usize,
    ) -> Result<PullResponse, PeerError> {
        self.chan
            .send(&Msg::Pull(PullRequest {
                protocol: self.ours,
                vector,
                limit,
                max_bytes: Some(max_bytes),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::peer::found;

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
}
