//! Staff accounts, the lock and the role check every use case makes.
//!
//! A staff member has a name, a role ([`Role`]), a PIN of 4 to 8 digits
//! (kept only as its Argon2id hash, synced so one PIN opens every laptop of
//! the organisation) and optionally a staff badge to scan (kept as a hash
//! too). Until the first account exists the store is *open* (a laptop being
//! set up, a script on a fresh data directory): every use case runs, and
//! the desktop asks for the first coordinator before anything else. From
//! then on every use case needs someone signed in whose role allows it:
//! [`Escale::require`] is the one check, called at the top of each use case
//! (a test reads the sources to make sure none is missed).
//!
//! Wrong PINs are throttled per name, on this laptop, with growing delays
//! that survive a restart. A signed-in session ends after the
//! organisation's idle delay (`lock_minutes`, 5 by default) without a use
//! case or a [`Escale::touch`].

use super::{set, Escale};
use crate::error::{Error, Result};
use crate::model::Entity;
use crate::op::Value;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use escale_protocol::roles::{Action, Role};
use escale_protocol::text::fold;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Idle minutes before a session locks, when the organisation set none.
pub const DEFAULT_LOCK_MINUTES: i64 = 5;
/// Wrong tries allowed before delays start.
const FREE_TRIES: i64 = 3;
/// The first delay, doubled after each further wrong try, up to the cap.
const FIRST_DELAY_S: u64 = 5;
const MAX_DELAY_S: u64 = 15 * 60;

/// A staff account as screens show it (never its PIN's or badge's hash).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StaffView {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub has_badge: bool,
    pub archived: bool,
}

/// A new account.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Deserialize)]
pub struct StaffInput {
    pub name: String,
    pub role: Role,
    pub pin: String,
    /// A staff badge's code (scanned), if the person has one.
    #[serde(default)]
    pub badge: Option<String>,
}

/// Changes to an account; `None` leaves a value as it is.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffChange {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub role: Option<Role>,
    #[serde(default)]
    pub pin: Option<String>,
    /// `Some("")` removes the badge.
    #[serde(default)]
    pub badge: Option<String>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Who is signed in, as the status bar shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SignedIn {
    pub staff_id: Uuid,
    pub name: String,
    pub role: Role,
    /// Idle minutes before the app locks by itself.
    pub lock_minutes: i64,
}

/// Whether the app is locked, and what the lock screen offers.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LockState {
    /// No staff account exists yet: the first coordinator must be created.
    pub needs_first_account: bool,
    /// Who is signed in (`None`: locked).
    pub session: Option<SignedIn>,
    /// The names to pick from on the lock screen (active accounts).
    pub names: Vec<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Signed {
    view: SignedIn,
    last_used: Instant,
}

impl Escale {
    /// The check every use case makes first: someone is signed in (or the
    /// store has no staff account yet) and their role allows `action`.
    /// Returns the role (`None` on an open store).
    ///
    /// Public for the adapters' own guarded operations that are not use
    /// cases of the core (a stand sharing its store, an enrolment).
    pub async fn require(&self, action: Action) -> Result<Option<Role>> {
        if let Some(role) = self.session_role()? {
            return if role.allows(action) {
                Ok(Some(role))
            } else {
                Err(Error::Forbidden { role, action })
            };
        }
        if self.has_staff().await? {
            Err(Error::Locked)
        } else {
            Ok(None)
        }
    }

    /// The signed-in role, after locking a session idle for too long.
    ///
    /// Only [`Escale::touch`] (someone at the keyboard) pushes the idle lock
    /// back: the app's own background work (sync, the station board's
    /// upkeep) goes through use cases too, and must not keep a laptop
    /// nobody uses unlocked.
    fn session_role(&self) -> Result<Option<Role>> {
        let mut guard = self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(s) = guard.as_mut() else {
            return Ok(None);
        };
        let idle = Duration::from_secs(60 * s.view.lock_minutes.max(1) as u64);
        if self.idle_lock.load(Ordering::Relaxed) && s.last_used.elapsed() > idle {
            *guard = None;
            self.store.set_actor(None);
            return Err(Error::Locked);
        }
        Ok(Some(s.view.role))
    }

    /// Locks the session after the organisation's idle delay without a
    /// [`Escale::touch`] (the desktop; a command-line process ends instead,
    /// and its session file expires).
    pub fn enable_idle_lock(&self) {
        self.idle_lock.store(true, Ordering::Relaxed);
    }

    /// Someone is at the keyboard: pushes the idle lock back (the desktop
    /// calls this while the mouse moves or keys are typed). `false` when
    /// nobody is signed in any more.
    pub fn touch(&self) -> bool {
        if self.session_role().ok().flatten().is_none() {
            return false;
        }
        if let Some(s) = self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
        {
            s.last_used = Instant::now();
        }
        true
    }

    /// Whether any active staff account exists (then the store is closed).
    pub async fn has_staff(&self) -> Result<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS(SELECT 1 FROM staff WHERE archived IS NOT 1 AND role IS NOT NULL)",
        )
        .fetch_one(self.store.pool())
        .await?)
    }

    /// What the lock screen needs. Names no visitor.
    pub async fn lock_state(&self) -> Result<LockState> {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM staff WHERE archived IS NOT 1 AND role IS NOT NULL AND name IS NOT NULL
             ORDER BY name COLLATE NOCASE",
        )
        .fetch_all(self.store.pool())
        .await?;
        let session = match self.session_role() {
            Ok(Some(_)) => self.current_session(),
            _ => None,
        };
        Ok(LockState {
            needs_first_account: names.is_empty(),
            session,
            names,
        })
    }

    /// Who is signed in now.
    pub fn current_session(&self) -> Option<SignedIn> {
        self.signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_ref()
            .map(|s| s.view.clone())
    }

    /// Signs out: the app is locked until someone unlocks it.
    pub fn lock(&self) {
        *self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = None;
        self.store.set_actor(None);
    }

    /// Unlocks with a name and a PIN. Wrong tries for a name are throttled
    /// (three free, then 5 s, 10 s, 20 s… up to 15 min); the message never
    /// says whether the name or the PIN was wrong.
    pub async fn unlock(&self, name: &str, pin: &str) -> Result<SignedIn> {
        let key = format!("pin_fail:{}", fold(name.trim()));
        self.throttled(&key).await?;
        let found = self.staff_by_name(name).await?;
        let ok = match &found {
            Some((_, hash)) => verify_pin(pin, hash),
            None => {
                // Same work as a real check: no timing tells names apart.
                verify_pin(pin, dummy_hash());
                false
            }
        };
        match (ok, found) {
            (true, Some((staff, _))) => {
                self.clear_failures(&key).await?;
                self.start_session(staff).await
            }
            _ => Err(self.failed(&key).await?),
        }
    }

    /// Unlocks by scanning a staff badge.
    pub async fn unlock_badge(&self, code: &str) -> Result<SignedIn> {
        let key = "badge_fail".to_string();
        self.throttled(&key).await?;
        let hash = self.badge_hash(code).await?;
        let row: Option<Uuid> = sqlx::query_scalar(
            "SELECT id FROM staff WHERE badge = ? AND archived IS NOT 1 AND role IS NOT NULL",
        )
        .bind(&hash)
        .fetch_optional(self.store.pool())
        .await?;
        match row {
            Some(id) => {
                self.clear_failures(&key).await?;
                let staff = self.staff_view(id).await?;
                self.start_session(staff).await
            }
            None => Err(self.failed(&key).await?),
        }
    }

    async fn start_session(&self, staff: StaffView) -> Result<SignedIn> {
        let view = SignedIn {
            staff_id: staff.id,
            name: staff.name,
            role: staff.role,
            lock_minutes: self.lock_minutes().await?,
        };
        *self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(Signed {
            view: view.clone(),
            last_used: Instant::now(),
        });
        self.store.set_actor(Some(staff.id));
        Ok(view)
    }

    /// A token that signs the current staff member in again for `minutes`
    /// (the command line's session file, `escale login`). Only its hash is
    /// kept, in this laptop's own settings (never synced).
    pub async fn issue_session_token(&self, minutes: i64) -> Result<String> {
        self.require(Action::ViewEvents).await?;
        let me = self.current_session().ok_or(Error::Locked)?;
        let token = hex::encode(rand::random::<[u8; 32]>());
        let until = crate::hlc::now_ms() + minutes.clamp(1, 12 * 60) * 60_000;
        self.store
            .set_local_text(
                &format!("session:{}", token_hash(&token)),
                &format!("{}:{until}", me.staff_id),
            )
            .await?;
        Ok(token)
    }

    /// Signs in with a token [`Escale::issue_session_token`] gave, unless it
    /// expired, was revoked, or its account was disabled since.
    pub async fn resume_session(&self, token: &str) -> Result<SignedIn> {
        let key = format!("session:{}", token_hash(token.trim()));
        let saved = self.store.local_text(&key).await?.unwrap_or_default();
        let (id, until) = saved.split_once(':').ok_or(Error::Locked)?;
        let until: i64 = until.parse().map_err(|_| Error::Locked)?;
        let id = Uuid::parse_str(id).map_err(|_| Error::Locked)?;
        if until <= crate::hlc::now_ms() {
            self.end_session_token(token).await?;
            return Err(Error::Locked);
        }
        let staff = self.staff_view(id).await.map_err(|_| Error::Locked)?;
        if staff.archived {
            return Err(Error::Locked);
        }
        self.start_session(staff).await
    }

    /// Forgets a session token (`escale logout`).
    pub async fn end_session_token(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM local WHERE key = ?")
            .bind(format!("session:{}", token_hash(token.trim())))
            .execute(self.store.pool())
            .await?;
        Ok(())
    }

    /// The organisation's idle delay before the app locks itself.
    pub async fn lock_minutes(&self) -> Result<i64> {
        let v: Option<i64> = sqlx::query_scalar("SELECT lock_minutes FROM org LIMIT 1")
            .fetch_optional(self.store.pool())
            .await?
            .flatten();
        Ok(v.unwrap_or(DEFAULT_LOCK_MINUTES))
    }

    /// Sets the idle delay (1 to 240 minutes), for every laptop.
    pub async fn set_lock_minutes(&self, minutes: i64) -> Result<i64> {
        self.require(Action::Settings).await?;
        if !(1..=240).contains(&minutes) {
            return Err(Error::Invalid {
                field: "lock_minutes",
                value: minutes.to_string(),
            });
        }
        let org = self.identity().await?.org_id;
        self.commit(vec![set(
            Entity::Org,
            org,
            [("lock_minutes", Value::from(minutes))],
        )])
        .await?;
        if let Some(s) = self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
        {
            s.view.lock_minutes = minutes;
        }
        Ok(minutes)
    }

    /// Every staff account, active ones first.
    pub async fn staff(&self) -> Result<Vec<StaffView>> {
        self.require(Action::ManageStaff).await?;
        self.all_staff().await
    }

    async fn all_staff(&self) -> Result<Vec<StaffView>> {
        let rows: Vec<StaffRow> = sqlx::query_as(
            "SELECT id, name, role, badge, archived FROM staff WHERE role IS NOT NULL
                 ORDER BY archived IS 1, name COLLATE NOCASE",
        )
        .fetch_all(self.store.pool())
        .await?;
        Ok(rows.into_iter().filter_map(staff_row).collect())
    }

    async fn staff_view(&self, id: Uuid) -> Result<StaffView> {
        let row: Option<StaffRow> =
            sqlx::query_as("SELECT id, name, role, badge, archived FROM staff WHERE id = ?")
                .bind(id)
                .fetch_optional(self.store.pool())
                .await?;
        row.and_then(staff_row)
            .ok_or_else(|| Error::StaffNotFound(id.to_string()))
    }

    /// An active account by name (accents and case aside), with its PIN's hash.
    async fn staff_by_name(&self, name: &str) -> Result<Option<(StaffView, String)>> {
        let wanted = fold(name.trim());
        let rows: Vec<(Uuid, Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT id, name, pin_hash FROM staff WHERE archived IS NOT 1 AND role IS NOT NULL",
        )
        .fetch_all(self.store.pool())
        .await?;
        for (id, n, hash) in rows {
            if n.as_deref().map(fold).as_deref() == Some(wanted.as_str()) {
                let view = self.staff_view(id).await?;
                return Ok(hash.map(|h| (view, h)));
            }
        }
        Ok(None)
    }

    /// An account by its id or its name.
    pub(crate) async fn find_staff(&self, given: &str) -> Result<StaffView> {
        if let Ok(id) = Uuid::parse_str(given.trim()) {
            return self.staff_view(id).await;
        }
        let wanted = fold(given.trim());
        self.all_staff()
            .await?
            .into_iter()
            .find(|s| fold(&s.name) == wanted)
            .ok_or_else(|| Error::StaffNotFound(given.to_string()))
    }

    /// Creates an account. The first one, on an open store, must be a
    /// coordinator's, and may be created without anyone signed in; it signs
    /// its owner in.
    pub async fn add_staff(&self, input: &StaffInput) -> Result<StaffView> {
        let first = !self.has_staff().await?;
        if first {
            if input.role != Role::Coordinator {
                return Err(Error::StaffFirstCoordinator);
            }
        } else {
            self.require(Action::ManageStaff).await?;
        }
        let name = self.check_staff_name(&input.name, None).await?;
        check_pin(&input.pin)?;
        let id = Uuid::now_v7();
        let mut fields = vec![
            ("name", Value::String(name)),
            ("role", Value::String(input.role.as_str().into())),
            ("pin_hash", Value::String(hash_pin(&input.pin)?)),
        ];
        if let Some(b) = input.badge.as_deref().filter(|b| !b.trim().is_empty()) {
            fields.push(("badge", Value::String(self.badge_hash(b).await?)));
        }
        let what = format!("+ {} ({})", fields_name(&fields), input.role);
        let mut ops = vec![staff_op(id, fields)];
        ops.extend(
            self.audit_ops(super::audit::Access::Staff, None, None, &what)
                .await?,
        );
        self.commit(ops).await?;
        let view = self.staff_view(id).await?;
        if first {
            self.start_session(view.clone()).await?;
        }
        Ok(view)
    }

    /// Changes an account. A coordinator changes anyone's; anyone signed in
    /// may change their own PIN (and nothing else of their own).
    pub async fn update_staff(&self, given: &str, change: &StaffChange) -> Result<StaffView> {
        let staff = self.find_staff(given).await?;
        let own_pin_only = change.name.is_none()
            && change.role.is_none()
            && change.badge.is_none()
            && change.archived.is_none();
        let me = self.current_session().map(|s| s.staff_id);
        if !(own_pin_only && me == Some(staff.id)) {
            self.require(Action::ManageStaff).await?;
        } else {
            self.require(Action::ViewEvents).await?;
        }
        let mut fields = vec![];
        if let Some(n) = &change.name {
            let n = self.check_staff_name(n, Some(staff.id)).await?;
            fields.push(("name", Value::String(n)));
        }
        let demoted =
            change.role.is_some_and(|r| r != Role::Coordinator) || change.archived == Some(true);
        if staff.role == Role::Coordinator && !staff.archived && demoted {
            let others = self
                .all_staff()
                .await?
                .into_iter()
                .filter(|s| s.role == Role::Coordinator && !s.archived && s.id != staff.id)
                .count();
            if others == 0 {
                return Err(Error::StaffLastCoordinator(staff.name));
            }
        }
        if let Some(r) = change.role {
            fields.push(("role", Value::String(r.as_str().into())));
        }
        if let Some(pin) = &change.pin {
            check_pin(pin)?;
            fields.push(("pin_hash", Value::String(hash_pin(pin)?)));
        }
        if let Some(b) = &change.badge {
            let v = if b.trim().is_empty() {
                Value::Null
            } else {
                Value::String(self.badge_hash(b).await?)
            };
            fields.push(("badge", v));
        }
        if let Some(a) = change.archived {
            fields.push(("archived", Value::Bool(a)));
        }
        if !fields.is_empty() {
            let what = format!(
                "{}: {}",
                staff.name,
                fields
                    .iter()
                    .map(|(k, v)| match *k {
                        "role" | "archived" => format!("{k} = {v}"),
                        _ => k.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            let mut ops = vec![staff_op(staff.id, fields)];
            ops.extend(
                self.audit_ops(super::audit::Access::Staff, None, None, &what)
                    .await?,
            );
            self.commit(ops).await?;
        }
        let view = self.staff_view(staff.id).await?;
        // A signed-in person whose role changed gets it at once.
        if let Some(s) = self
            .signed_in
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .as_mut()
            .filter(|s| s.view.staff_id == view.id)
        {
            s.view.role = view.role;
            s.view.name = view.name.clone();
        }
        if view.archived && me == Some(view.id) {
            self.lock();
        }
        Ok(view)
    }

    async fn check_staff_name(&self, name: &str, except: Option<Uuid>) -> Result<String> {
        let name =
            crate::validate::text("name", name, 60)?.ok_or(Error::Required { field: "name" })?;
        let folded = fold(&name);
        let taken = self
            .all_staff()
            .await?
            .into_iter()
            .any(|s| !s.archived && Some(s.id) != except && fold(&s.name) == folded);
        if taken {
            return Err(Error::StaffNameTaken(name));
        }
        Ok(name)
    }

    /// A badge code as the store keeps it: hashed with the organisation's
    /// id, so the state (and the hub) never hold a code that opens the app.
    async fn badge_hash(&self, code: &str) -> Result<String> {
        let org = self.identity().await?.org_id;
        let mut h = Sha256::new();
        h.update(org.as_bytes());
        h.update(code.trim().as_bytes());
        Ok(hex::encode(h.finalize()))
    }

    /// `Err(Throttled)` while a name must wait after wrong tries.
    async fn throttled(&self, key: &str) -> Result<()> {
        let until: Option<i64> = self
            .store
            .local_text(&format!("{key}:until"))
            .await?
            .and_then(|t| t.parse().ok());
        let now = crate::hlc::now_ms();
        match until {
            Some(u) if u > now => Err(Error::Throttled(((u - now) as u64).div_ceil(1000))),
            _ => Ok(()),
        }
    }

    /// Counts a wrong try; the error to give (a wait once past the free tries).
    async fn failed(&self, key: &str) -> Result<Error> {
        let tries: i64 = self
            .store
            .local_text(key)
            .await?
            .and_then(|t| t.parse().ok())
            .unwrap_or(0)
            + 1;
        self.store.set_local_text(key, &tries.to_string()).await?;
        if tries < FREE_TRIES {
            return Ok(Error::WrongPin);
        }
        let delay = throttle_delay(tries);
        let until = crate::hlc::now_ms() + (delay * 1000) as i64;
        self.store
            .set_local_text(&format!("{key}:until"), &until.to_string())
            .await?;
        Ok(Error::Throttled(delay))
    }

    async fn clear_failures(&self, key: &str) -> Result<()> {
        self.store.set_local_text(key, "0").await?;
        self.store
            .set_local_text(&format!("{key}:until"), "0")
            .await
    }
}

fn fields_name(fields: &[(&str, Value)]) -> String {
    fields
        .iter()
        .find(|(k, _)| *k == "name")
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_string()
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The wait after the `tries`-th wrong try in a row (from the third on).
pub fn throttle_delay(tries: i64) -> u64 {
    let doublings = (tries - FREE_TRIES).clamp(0, 20) as u32;
    (FIRST_DELAY_S << doublings).min(MAX_DELAY_S)
}

/// `id, name, role, badge, archived` of a `staff` row.
type StaffRow = (
    Uuid,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<bool>,
);

fn staff_row((id, name, role, badge, archived): StaffRow) -> Option<StaffView> {
    Some(StaffView {
        id,
        name: name.unwrap_or_default(),
        role: Role::parse(role.as_deref()?)?,
        has_badge: badge.is_some_and(|b| !b.is_empty()),
        archived: archived.unwrap_or(false),
    })
}

fn staff_op(id: Uuid, fields: Vec<(&str, Value)>) -> crate::op::OpBody {
    crate::op::OpBody::Set {
        entity: Entity::Staff,
        id,
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

/// 4 to 8 digits.
fn check_pin(pin: &str) -> Result<()> {
    if (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::PinFormat)
    }
}

/// Argon2id with the parameters `docs/security.md` gives (19 MiB, 2
/// passes, 1 lane: OWASP's minimum; about 30 ms on the reference laptop).
fn argon() -> Argon2<'static> {
    let params = argon2::Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
    argon()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

fn verify_pin(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| argon().verify_password(pin.as_bytes(), &h).is_ok())
        .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_pin("00000000").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stop_at_fifteen_minutes() {
        assert_eq!(throttle_delay(3), 5);
        assert_eq!(throttle_delay(4), 10);
        assert_eq!(throttle_delay(5), 20);
        assert_eq!(throttle_delay(40), 900);
    }

    #[test]
    fn a_pin_is_four_to_eight_digits() {
        for ok in ["1234", "12345678"] {
            assert!(check_pin(ok).is_ok(), "{ok}");
        }
        for bad in ["123", "123456789", "12a4", "", "１２３４"] {
            assert!(check_pin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_pin_hash_verifies_its_pin_only() {
        let h = hash_pin("4821").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_pin("4821", &h));
        assert!(!verify_pin("4822", &h));
    }
}
