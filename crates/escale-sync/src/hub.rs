//! The laptop's side of the hub's HTTP API:
//!
//! - [`HubClient`], a small reqwest client (rustls with ring, no OpenSSL)
//!   that retries network failures with exponential backoff;
//! - the laptop's use of it: [`enroll`] (stores the hub binding in the
//!   store's `local` table), [`sync_now`] (pull pages until `more` is false,
//!   then push what the hub lacks), [`status`].
//!
//! Every call is safe to retry: a push is idempotent on the hub and a pull
//! page is idempotent on the laptop, so a lost response costs a resend,
//! never a lost or doubled op. What to push and how to apply a page is the
//! node API's business (`sync::node`: `ops_for`, `apply_pull`), which goes
//! through the one write path.

use escale_core::error::Error;
use escale_core::store::Store;
use escale_core::sync::node::{exchange, lacking, Remote};
use escale_core::sync::SyncKey;
use escale_protocol::failpoint::wait_to_be_killed;
use escale_protocol::hlc::now_ms;
use escale_protocol::i18n::Lang;
use escale_protocol::wire::{
    EnrollRequest, EnrollResponse, PullRequest, PullResponse, PushRequest, PushResponse,
    ServerTime, SnapshotPage, VersionVector, WireErrorBody, WireOp, MAX_PAGE_OPS, ORG_HEADER,
    PROTOCOL_HEADER, PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Why a call to the hub failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HubCallError {
    /// No answer (offline, refused, timed out, cut mid-response): retry later.
    #[error("the hub cannot be reached: {0}")]
    Network(String),
    /// The hub answered with an error `{code, message}`.
    #[error("the hub refused ({status}): {message} [{code}]")]
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The hub answered something that is not the protocol.
    #[error("the hub's answer is not understood: {0}")]
    BadResponse(String),
}

impl HubCallError {
    pub fn code(&self) -> &str {
        match self {
            HubCallError::Network(_) => "sync.offline",
            HubCallError::Refused { code, .. } => code,
            HubCallError::BadResponse(_) => "sync.bad_response",
        }
    }

    /// Worth retrying: the network, or the hub's own transient failures.
    pub fn is_transient(&self) -> bool {
        match self {
            HubCallError::Network(_) => true,
            HubCallError::Refused { status, .. } => *status >= 500 || *status == 429,
            HubCallError::BadResponse(_) => false,
        }
    }
}

/// How hard to retry a call that failed on the network.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Retry {
    fn default() -> Self {
        Retry {
            attempts: 5,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
        }
    }
}

/// A hub, as seen from a laptop.
#[derive(Debug, Clone)]
pub struct HubClient {
    http: reqwest::Client,
    base: String,
    token: Option<String>,
    org: Option<Uuid>,
    pub retry: Retry,
}

impl HubClient {
    /// `base` is the hub's URL (`https://hub.example:8787`). `ca_pem`, when
    /// given, is trusted in addition to the system's roots (an office hub
    /// with its own certificate).
    pub fn new(base: &str, ca_pem: Option<&[u8]>) -> Result<HubClient, HubCallError> {
        // One crypto provider for the whole process (ring: no C toolchain
        // surprises on Windows and macOS laptops).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut b = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("escale/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = ca_pem {
            let cert = reqwest::Certificate::from_pem(pem)
                .map_err(|e| HubCallError::BadResponse(format!("CA certificate: {e}")))?;
            b = b.add_root_certificate(cert);
        }
        let http = b
            .build()
            .map_err(|e| HubCallError::Network(e.to_string()))?;
        Ok(HubClient {
            http,
            base: base.trim_end_matches('/').to_string(),
            token: None,
            org: None,
            retry: Retry::default(),
        })
    }

    /// The same client, authenticated as an enrolled device of `org`.
    pub fn with_token(mut self, token: &str, org: Uuid) -> HubClient {
        self.token = Some(token.to_string());
        self.org = Some(org);
        self
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn enroll(
        &self,
        code: &str,
        device_name: &str,
        device_id: Option<Uuid>,
    ) -> Result<EnrollResponse, HubCallError> {
        let body = EnrollRequest {
            protocol: PROTOCOL_VERSION,
            code: code.to_string(),
            device_name: device_name.to_string(),
            device_id,
        };
        // Not retried: a code is single-use, and a lost answer must be
        // settled by a new code rather than by guessing.
        self.call_once(reqwest::Method::POST, "/v1/enroll", Some(&body))
            .await
    }

    pub async fn push(
        &self,
        device_id: Uuid,
        ops: Vec<WireOp>,
    ) -> Result<PushResponse, HubCallError> {
        let body = PushRequest {
            protocol: PROTOCOL_VERSION,
            device_id,
            ops,
        };
        self.call(reqwest::Method::POST, "/v1/push", Some(&body))
            .await
    }

    pub async fn pull(
        &self,
        vector: &VersionVector,
        limit: usize,
    ) -> Result<PullResponse, HubCallError> {
        let body = PullRequest {
            protocol: PROTOCOL_VERSION,
            vector: vector.clone(),
            limit,
        };
        self.call(reqwest::Method::POST, "/v1/pull", Some(&body))
            .await
    }

    pub async fn time(&self) -> Result<ServerTime, HubCallError> {
        self.call::<(), _>(reqwest::Method::GET, "/v1/time", None)
            .await
    }

    pub async fn snapshot(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<SnapshotPage, HubCallError> {
        let path = match after {
            Some(a) => format!("/v1/snapshot?limit={limit}&after={a}"),
            None => format!("/v1/snapshot?limit={limit}"),
        };
        self.call::<(), _>(reqwest::Method::GET, &path, None).await
    }

    /// One call, retried with exponential backoff while the failure is
    /// transient.
    async fn call<B: Serialize, R: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, HubCallError> {
        let mut delay = self.retry.first_delay;
        let mut attempt = 1;
        loop {
            match self.call_once(method.clone(), path, body).await {
                Err(e) if e.is_transient() && attempt < self.retry.attempts => {
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(self.retry.max_delay);
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn call_once<B: Serialize, R: for<'de> Deserialize<'de>>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<R, HubCallError> {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string());
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        if let Some(o) = self.org {
            req = req.header(ORG_HEADER, o.to_string());
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| HubCallError::Network(describe(&e)))?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| HubCallError::Network(describe(&e)))?;
        if status.is_success() {
            serde_json::from_slice(&bytes).map_err(|e| HubCallError::BadResponse(e.to_string()))
        } else {
            let (code, message) = match serde_json::from_slice::<WireErrorBody>(&bytes) {
                Ok(b) => (b.code, b.message),
                Err(_) => ("sync.http_error".to_string(), format!("HTTP {status}")),
            };
            Err(HubCallError::Refused {
                status: status.as_u16(),
                code,
                message,
            })
        }
    }
}

/// reqwest's errors name their cause several levels down; keep them all.
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

// ---------------------------------------------------------------------------
// The laptop's side: binding, sync, status.

/// Key of the hub binding in the store's `local` table.
const BINDING_KEY: &str = "hub/binding";
/// Key of the last sync outcome in the store's `local` table.
const LAST_KEY: &str = "hub/last";
/// The peer name the hub's vector is remembered under (`Store::remember_peer`).
pub const HUB_PEER: &str = "hub";

/// Test-only: when set to 1, `escale sync now` stops at the failpoint
/// [`FAILPOINT_BEFORE_COMMIT`] — the hub answered a pull, the laptop has
/// committed nothing of it — and waits there to be killed.
pub const CRASH_BEFORE_COMMIT_ENV: &str = "ESCALE_SYNC_CRASH_BEFORE_COMMIT";
/// The laptop's failpoint: a pulled page received, not committed.
pub const FAILPOINT_BEFORE_COMMIT: &str = "sync_before_commit";

/// What enrolment leaves on the laptop: where the hub is and how to prove
/// who we are. The token is only here and never printed.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct HubBinding {
    pub url: String,
    pub token: String,
    pub org_id: Uuid,
    pub org_name: String,
    pub device_id: Uuid,
    /// A CA certificate (PEM) trusted for this hub, besides the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_pem: Option<String>,
    pub enrolled_at_ms: i64,
}

impl std::fmt::Debug for HubBinding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubBinding")
            .field("url", &self.url)
            .field("org_id", &self.org_id)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

impl HubBinding {
    pub fn client(&self) -> Result<HubClient, SyncError> {
        Ok(
            HubClient::new(&self.url, self.ca_pem.as_deref().map(str::as_bytes))?
                .with_token(&self.token, self.org_id),
        )
    }
}

/// The last sync's outcome, for the status bar and `escale sync status`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LastSync {
    pub last_success_ms: Option<i64>,
    pub last_attempt_ms: Option<i64>,
    pub last_error: Option<WireErrorBody>,
    /// Hub clock minus ours, measured at the last sync (ms).
    pub skew_ms: Option<i64>,
}

/// Why enrolment or a sync failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Store(#[from] Error),
    #[error(transparent)]
    Hub(#[from] HubCallError),
    #[error("this laptop is not enrolled with a hub")]
    NotEnrolled,
    #[error("invalid hub URL {0}")]
    BadUrl(String),
}

impl SyncError {
    pub fn code(&self) -> &str {
        match self {
            SyncError::Store(e) => e.code(),
            SyncError::Hub(e) => e.code(),
            SyncError::NotEnrolled => "sync.not_enrolled",
            SyncError::BadUrl(_) => "sync.bad_url",
        }
    }

    /// A message a person can act on, in their language.
    pub fn message(&self, lang: Lang) -> String {
        let l = |fr: String, en: String| if lang == Lang::Fr { fr } else { en };
        match self {
            SyncError::Store(e) => e.message(lang),
            SyncError::NotEnrolled => l(
                "Cet ordinateur n'est relié à aucun serveur. Lancez « escale sync enroll ADRESSE CODE » avec le code donné par l'administrateur.".into(),
                "This laptop is not enrolled with a hub. Run `escale sync enroll URL CODE` with the code the administrator gave you.".into(),
            ),
            SyncError::BadUrl(u) => l(
                format!("Adresse de serveur invalide : {u}. Exemple : https://hub.exemple.fr:8787"),
                format!("Invalid hub URL: {u}. Example: https://hub.example.org:8787"),
            ),
            SyncError::Hub(HubCallError::Network(d)) => l(
                format!("Le serveur est injoignable ({d}). Rien n'est perdu : les opérations restent sur cet ordinateur et partiront à la prochaine synchronisation."),
                format!("The hub cannot be reached ({d}). Nothing is lost: the operations stay on this laptop and leave at the next sync."),
            ),
            SyncError::Hub(HubCallError::BadResponse(d)) => l(
                format!("Le serveur a répondu quelque chose d'inattendu ({d}). Vérifiez l'adresse du serveur."),
                format!("The hub answered something unexpected ({d}). Check the hub's URL."),
            ),
            SyncError::Hub(HubCallError::Refused { code, message, .. }) => match code.as_str() {
                "auth.revoked" => l(
                    "Cet ordinateur a été révoqué par l'administrateur du serveur : il ne peut plus synchroniser. Ses opérations restent sur place.".into(),
                    "This laptop was revoked by the hub's administrator: it can no longer sync. Its operations stay here.".into(),
                ),
                "auth.invalid_token" | "auth.missing_token" | "auth.wrong_org" => l(
                    "Le serveur ne reconnaît pas cet ordinateur. Demandez un nouveau code d'inscription et relancez « escale sync enroll ».".into(),
                    "The hub does not recognise this laptop. Ask for a new enrolment code and run `escale sync enroll` again.".into(),
                ),
                "enroll.unknown_code" => l(
                    "Code d'inscription inconnu : vérifiez-le ou demandez-en un nouveau.".into(),
                    "Unknown enrolment code: check it or ask for a new one.".into(),
                ),
                "enroll.code_expired" => l(
                    "Ce code d'inscription a expiré : demandez-en un nouveau à l'administrateur.".into(),
                    "This enrolment code has expired: ask the administrator for a new one.".into(),
                ),
                "enroll.code_used" => l(
                    "Ce code d'inscription a déjà servi : demandez-en un nouveau à l'administrateur.".into(),
                    "This enrolment code was already used: ask the administrator for a new one.".into(),
                ),
                "enroll.device_exists" => l(
                    "Un appareil avec le même identifiant est déjà inscrit : cet ordinateur est peut-être une copie d'un autre. Initialisez un nouveau dossier de données.".into(),
                    "A device with the same id is already enrolled: this laptop may be a copy of another. Initialise a new data directory.".into(),
                ),
                "enroll.rate_limited" => l(
                    "Trop d'essais d'inscription : patientez une minute puis recommencez.".into(),
                    "Too many enrolment attempts: wait a minute and try again.".into(),
                ),
                "sync.clone_detected" => l(
                    "Le serveur a refusé nos opérations : un autre ordinateur utilise le même identifiant (copie de disque ?). Rien n'a été écrit ; contactez l'administrateur.".into(),
                    "The hub refused our operations: another laptop uses the same id (a cloned disk?). Nothing was written; contact the administrator.".into(),
                ),
                "sync.protocol_too_old" => l(
                    "Cette version d'Escale est trop ancienne pour ce serveur : mettez l'application à jour. Rien n'a été échangé.".into(),
                    "This version of Escale is too old for this hub: update the app. Nothing was exchanged.".into(),
                ),
                "sync.protocol_too_new" => l(
                    "Le serveur utilise une version plus ancienne d'Escale : il doit être mis à jour. Rien n'a été échangé.".into(),
                    "The hub runs an older version of Escale: it needs an update. Nothing was exchanged.".into(),
                ),
                _ => l(format!("Le serveur a refusé : {message} [{code}]"), format!("The hub refused: {message} [{code}]")),
            },
        }
    }
}

pub async fn load_binding(store: &Store) -> Result<Option<HubBinding>, Error> {
    match store.local_text(BINDING_KEY).await? {
        Some(t) => serde_json::from_str(&t)
            .map(Some)
            .map_err(|e| Error::Corrupt(format!("hub binding: {e}"))),
        None => Ok(None),
    }
}

pub async fn save_binding(store: &Store, b: &HubBinding) -> Result<(), Error> {
    store
        .set_local_text(BINDING_KEY, &serde_json::to_string(b)?)
        .await
}

pub async fn last_sync(store: &Store) -> Result<LastSync, Error> {
    Ok(store
        .local_text(LAST_KEY)
        .await?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

async fn save_last(store: &Store, last: &LastSync) -> Result<(), Error> {
    store
        .set_local_text(LAST_KEY, &serde_json::to_string(last)?)
        .await
}

fn check_url(url: &str) -> Result<String, SyncError> {
    let u = url.trim().trim_end_matches('/');
    let ok = (u.starts_with("https://") || u.starts_with("http://"))
        && u.split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.contains(char::is_whitespace));
    if ok {
        Ok(u.to_string())
    } else {
        Err(SyncError::BadUrl(url.to_string()))
    }
}

/// Enrols this laptop with the hub at `url` using a one-time `code`.
///
/// An initialised laptop enrols under its own device id (the origin of its
/// ops) and adopts the organisation's sync key; an empty data directory
/// becomes a new device of the hub's organisation (`Store::join_org`).
pub async fn enroll(
    store: &Store,
    url: &str,
    code: &str,
    device_name: &str,
    ca_pem: Option<String>,
) -> Result<HubBinding, SyncError> {
    let url = check_url(url)?;
    let ident = store.identity().await?;
    let device_id = ident.map(|i| i.device_id).unwrap_or_else(Uuid::now_v7);
    let client = HubClient::new(&url, ca_pem.as_deref().map(str::as_bytes))?;
    let resp = client.enroll(code, device_name, Some(device_id)).await?;
    if resp.device_id != device_id {
        return Err(HubCallError::BadResponse("the hub enrolled another device id".into()).into());
    }
    let key = SyncKey::from_hex(&resp.org_key)?;
    match ident {
        Some(_) => store.set_sync_key(&key).await?,
        None => {
            store
                .join_org(resp.org_id, device_id, &key, device_name)
                .await?;
        }
    }
    let binding = HubBinding {
        url,
        token: resp.token,
        org_id: resp.org_id,
        org_name: resp.org_name,
        device_id,
        ca_pem,
        enrolled_at_ms: now_ms(),
    };
    save_binding(store, &binding).await?;
    Ok(binding)
}

/// Knobs of [`sync_now`].
#[derive(Debug, Clone, Copy)]
pub struct SyncOptions {
    /// Ops per push or pull page.
    pub page: usize,
    /// See [`CRASH_BEFORE_COMMIT_ENV`].
    pub crash_before_commit: bool,
    /// Tries per call when the network fails ([`Retry::attempts`]): a
    /// person's `sync now` waits a little for a flaky link; a background
    /// task that has its own backoff asks once.
    pub attempts: u32,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            page: 2_000,
            crash_before_commit: false,
            attempts: Retry::default().attempts,
        }
    }
}

impl SyncOptions {
    pub fn from_env() -> SyncOptions {
        SyncOptions {
            crash_before_commit: std::env::var(CRASH_BEFORE_COMMIT_ENV).is_ok_and(|v| v == "1"),
            ..SyncOptions::default()
        }
    }
}

/// What one sync did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncReport {
    pub hub_url: String,
    /// Ops the hub stored for the first time.
    pub pushed: usize,
    /// Ops this laptop stored for the first time.
    pub pulled: usize,
    /// Ops either side already had (replays after a lost answer).
    pub duplicates: usize,
    pub quarantined: usize,
    pub push_requests: usize,
    pub pull_requests: usize,
    /// Ops this laptop holds that the hub lacks, after the sync (0 unless
    /// another device wrote meanwhile... on this side).
    pub unsynced: i64,
    /// Hub clock minus ours (ms), from `/v1/time`.
    pub skew_ms: i64,
    pub took_ms: u64,
    /// Possible duplicates to check (`Escale::duplicate_candidates`) that
    /// involve at least one visitor this sync brought or changed.
    #[serde(default)]
    pub duplicates_proposed: usize,
}

/// One sync with the hub: pull every page we lack, then push every page
/// the hub lacks. Each page commits on its own, so an interrupted sync
/// keeps what it got and the next one resumes; replays change nothing.
pub async fn sync_now(store: &Store, opts: SyncOptions) -> Result<SyncReport, SyncError> {
    let binding = load_binding(store).await?.ok_or(SyncError::NotEnrolled)?;
    let mut last = last_sync(store).await?;
    last.last_attempt_ms = Some(now_ms());
    let outcome = run_sync(store, &binding, opts).await;
    match &outcome {
        Ok(r) => {
            last.last_success_ms = Some(now_ms());
            last.last_error = None;
            last.skew_ms = Some(r.skew_ms);
        }
        Err(e) => {
            last.last_error = Some(WireErrorBody {
                code: e.code().to_string(),
                message: e.to_string(),
            });
        }
    }
    save_last(store, &last).await?;
    outcome
}

async fn run_sync(
    store: &Store,
    b: &HubBinding,
    opts: SyncOptions,
) -> Result<SyncReport, SyncError> {
    let started = Instant::now();
    let mut client = b.client()?;
    client.retry.attempts = opts.attempts.max(1);
    let page = opts.page.clamp(1, MAX_PAGE_OPS);
    let mut r = SyncReport {
        hub_url: b.url.clone(),
        pushed: 0,
        pulled: 0,
        duplicates: 0,
        quarantined: 0,
        push_requests: 0,
        pull_requests: 0,
        unsynced: 0,
        skew_ms: 0,
        took_ms: 0,
        duplicates_proposed: 0,
    };
    // Visitors written from here on (`visitor.rev`) came with this sync.
    let rev_before = store.rev().await?;
    let t0 = now_ms();
    let time = client.time().await?;
    r.skew_ms = time.now_ms - (t0 + now_ms()) / 2;

    let mut remote = HubRemote {
        client: &client,
        device_id: b.device_id,
        crash_before_commit: opts.crash_before_commit,
    };
    let x = exchange(store, &mut remote, page).await?;
    (r.pulled, r.pushed, r.duplicates, r.quarantined) =
        (x.pulled, x.pushed, x.duplicates, x.quarantined);
    (r.pull_requests, r.push_requests) = (x.pull_requests, x.push_requests);
    let hub_vector = x.their_vector;
    store.remember_peer(HUB_PEER, &hub_vector).await?;
    r.unsynced = lacking(&store.vector().await?, &hub_vector);
    if r.pulled > 0 {
        // Advice only: the sync itself succeeded whatever happens here.
        r.duplicates_proposed = escale_core::app::proposed_since(store, rev_before)
            .await
            .unwrap_or(0);
    }
    r.took_ms = started.elapsed().as_millis() as u64;
    Ok(r)
}

/// The hub, as [`exchange`] drives it.
struct HubRemote<'a> {
    client: &'a HubClient,
    device_id: Uuid,
    crash_before_commit: bool,
}

impl Remote for HubRemote<'_> {
    type Error = SyncError;

    async fn pull(
        &mut self,
        vector: VersionVector,
        limit: usize,
    ) -> Result<PullResponse, SyncError> {
        Ok(self.client.pull(&vector, limit).await?)
    }

    async fn push(&mut self, ops: Vec<WireOp>) -> Result<PushResponse, SyncError> {
        Ok(self.client.push(self.device_id, ops).await?)
    }

    async fn before_commit(&mut self) {
        if self.crash_before_commit {
            // The page is here, nothing of it is committed.
            wait_to_be_killed(FAILPOINT_BEFORE_COMMIT).await;
        }
    }
}

/// What `escale sync status` shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub enrolled: bool,
    pub hub_url: Option<String>,
    pub org_id: Option<Uuid>,
    pub org_name: Option<String>,
    pub device_id: Option<Uuid>,
    pub last_success_ms: Option<i64>,
    pub last_error: Option<WireErrorBody>,
    /// Ops this laptop holds that the hub did not have at the last sync.
    pub unsynced_ops: i64,
    /// Whether the hub answered just now (None when not asked).
    pub online: Option<bool>,
    /// Hub clock minus ours (ms): measured now when online, else the last one.
    pub skew_ms: Option<i64>,
}

/// The laptop's sync state; with `probe`, asks the hub's clock (one try).
pub async fn status(store: &Store, probe: bool) -> Result<SyncStatus, SyncError> {
    let binding = load_binding(store).await?;
    let last = last_sync(store).await?;
    let hub_vector = store
        .peer_state(HUB_PEER)
        .await?
        .map(|p| p.vector)
        .unwrap_or_default();
    let unsynced_ops = lacking(&store.vector().await?, &hub_vector);
    let (mut online, mut skew_ms) = (None, last.skew_ms);
    if let (true, Some(b)) = (probe, &binding) {
        let mut c = b.client()?;
        c.retry.attempts = 1;
        let t0 = now_ms();
        match c.time().await {
            Ok(t) => {
                online = Some(true);
                skew_ms = Some(t.now_ms - (t0 + now_ms()) / 2);
            }
            Err(_) => online = Some(false),
        }
    }
    Ok(SyncStatus {
        enrolled: binding.is_some(),
        hub_url: binding.as_ref().map(|b| b.url.clone()),
        org_id: binding.as_ref().map(|b| b.org_id),
        org_name: binding.as_ref().map(|b| b.org_name.clone()),
        device_id: binding.as_ref().map(|b| b.device_id),
        last_success_ms: last.last_success_ms,
        last_error: last.last_error,
        unsynced_ops,
        online,
        skew_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_failures_are_the_network_and_the_hubs_own() {
        assert!(HubCallError::Network("refused".into()).is_transient());
        let refused = |status| HubCallError::Refused {
            status,
            code: "x".into(),
            message: String::new(),
        };
        assert!(
            refused(503).is_transient(),
            "a hub restarting is worth waiting for"
        );
        assert!(
            !refused(401).is_transient(),
            "a bad token never becomes good by retrying"
        );
        assert!(
            !refused(409).is_transient(),
            "a cloned device is not a network hiccup"
        );
    }

    #[test]
    fn hub_urls_are_checked_before_any_call() {
        assert_eq!(
            check_url("https://hub.example.org:8787/").unwrap(),
            "https://hub.example.org:8787"
        );
        assert!(check_url("hub.example.org").is_err(), "a scheme is needed");
        assert!(check_url("https://").is_err());
    }

    #[test]
    fn the_token_never_shows_in_debug_output() {
        let b = HubBinding {
            url: "https://h".into(),
            token: "SECRET-TOKEN".into(),
            org_id: Uuid::nil(),
            org_name: "o".into(),
            device_id: Uuid::nil(),
            ca_pem: None,
            enrolled_at_ms: 0,
        };
        assert!(
            !format!("{b:?}").contains("SECRET"),
            "logs must not carry the token"
        );
    }

    #[test]
    fn enroll_requests_without_a_device_id_still_parse() {
        let r: EnrollRequest =
            serde_json::from_str(r#"{"protocol":1,"code":"AB","device_name":"x"}"#).unwrap();
        assert_eq!(r.device_id, None);
    }
}
