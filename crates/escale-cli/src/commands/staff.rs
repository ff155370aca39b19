//! `escale staff …`, `escale login|logout` and signing in with `--as`.
//!
//! The core checks every command's role; this module only gets the PIN
//! from the person (asked on the terminal without echo, or ESCALE_PIN for a
//! script) and keeps the session file `escale login` writes.

use crate::args::{AuditArgs, LoginArgs, RetentionArgs, StaffAddArgs, StaffCommand, StaffEditArgs};
use crate::output::{fields, table, Failure, Reply, Ui};
use escale_core::app::{AuditFilter, StaffChange, StaffInput, StaffView};
use escale_core::{Error, Escale, Lang};
use std::path::{Path, PathBuf};

/// The session file `escale login` writes in the data directory (0600).
const SESSION_FILE: &str = "escale-cli-session";

/// Signs in before a command: `--as NAME` with its PIN, else the session
/// file while it lasts, else nobody (a store without staff accounts needs
/// no one; otherwise the command is refused with `auth.locked`).
pub async fn sign_in(app: &Escale, as_staff: Option<&str>, ui: Ui) -> Result<(), Failure> {
    if let Some(name) = as_staff {
        let pin = secret(
            "ESCALE_PIN",
            &format!("{} {name} : ", ui.t("Code PIN de", "PIN for")),
        )?;
        app.unlock(name, &pin).await?;
        return Ok(());
    }
    let file = session_file(app.data_dir());
    if let Ok(token) = std::fs::read_to_string(&file) {
        if app.resume_session(&token).await.is_err() {
            let _ = std::fs::remove_file(&file);
        }
    }
    Ok(())
}

pub async fn run(app: &Escale, c: StaffCommand, ui: Ui) -> Result<Reply, Failure> {
    match c {
        StaffCommand::Add(a) => add(app, &a, ui).await,
        StaffCommand::List => list(app, ui).await,
        StaffCommand::Edit(a) => edit(app, &a, ui).await,
        StaffCommand::LockMinutes(a) => {
            let m = app.set_lock_minutes(a.minutes).await?;
            let text = format!(
                "{} {m} min.",
                ui.t(
                    "Escale se verrouillera après",
                    "Escale will lock itself after"
                )
            );
            Reply::new(&serde_json::json!({ "lock_minutes": m }), text)
        }
    }
}

async fn add(app: &Escale, a: &StaffAddArgs, ui: Ui) -> Result<Reply, Failure> {
    let pin = new_pin(ui)?;
    let s = app
        .add_staff(&StaffInput {
            name: a.name.clone(),
            role: a.role.role(),
            pin,
            badge: a.badge.clone(),
        })
        .await?;
    let text = fields(
        ui,
        &[
            (ui.t("Compte créé", "Account created"), s.name.clone()),
            (ui.t("Rôle", "Role"), role(&s, ui)),
            ("ID", s.id.to_string()),
        ],
    );
    Reply::new(&s, text)
}

async fn list(app: &Escale, ui: Ui) -> Result<Reply, Failure> {
    let all = app.staff().await?;
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                role(s, ui),
                if s.has_badge {
                    ui.t("oui", "yes")
                } else {
                    "—"
                }
                .to_string(),
                if s.archived {
                    ui.t("désactivé", "disabled")
                } else {
                    ui.t("actif", "active")
                }
                .to_string(),
            ]
        })
        .collect();
    let text = table(
        &[
            ui.t("Nom", "Name"),
            ui.t("Rôle", "Role"),
            ui.t("Badge", "Badge"),
            ui.t("État", "State"),
        ],
        &rows,
    );
    Reply::new(&all, text)
}

async fn edit(app: &Escale, a: &StaffEditArgs, ui: Ui) -> Result<Reply, Failure> {
    let change = StaffChange {
        name: a.rename.clone(),
        role: a.role.map(|r| r.role()),
        pin: if a.pin { Some(new_pin(ui)?) } else { None },
        badge: a.badge.clone(),
        archived: if a.disable {
            Some(true)
        } else if a.enable {
            Some(false)
        } else {
            None
        },
    };
    let s = app.update_staff(&a.name, &change).await?;
    let text = fields(
        ui,
        &[
            (ui.t("Compte modifié", "Account changed"), s.name.clone()),
            (ui.t("Rôle", "Role"), role(&s, ui)),
        ],
    );
    Reply::new(&s, text)
}

pub async fn login(app: &Escale, a: &LoginArgs, ui: Ui) -> Result<Reply, Failure> {
    let me = app.current_session().ok_or(Error::Locked)?;
    let token = app.issue_session_token(a.minutes).await?;
    escale_core::store::write_private(&session_file(app.data_dir()), token.as_bytes())?;
    let text = format!(
        "{} {} ({} {} min).",
        ui.t("Session ouverte pour", "Session open for"),
        me.name,
        ui.t("pendant", "for"),
        a.minutes.clamp(1, 720)
    );
    Reply::new(&me, text)
}

pub async fn logout(app: &Escale, ui: Ui) -> Result<Reply, Failure> {
    let file = session_file(app.data_dir());
    if let Ok(token) = std::fs::read_to_string(&file) {
        app.end_session_token(&token).await?;
    }
    let _ = std::fs::remove_file(&file);
    app.lock();
    Reply::new(
        &serde_json::json!({ "logged_out": true }),
        ui.t("Session fermée.", "Session closed.").to_string(),
    )
}

pub async fn audit(app: &Escale, a: &AuditArgs, ui: Ui) -> Result<Reply, Failure> {
    if let Some(days) = a.keep_days {
        app.set_audit_retention_days(days).await?;
    }
    let purged = if a.purge {
        Some(app.purge_audit().await?)
    } else {
        None
    };
    let filter = AuditFilter {
        from: a.from.clone(),
        to: a.to.clone(),
        action: a.action.clone(),
        visitor_id: a.visitor.clone(),
        staff: a.staff.clone(),
        limit: Some(a.limit),
    };
    let entries = app.audit_log(&filter).await?;
    let mut lines = escale_core::app::audit::audit_table(&entries, ui.lang);
    let headers: Vec<String> = lines.remove(0);
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
    if let Some(path) = &a.csv {
        app.export_audit(&filter, path, ui.lang).await?;
    }
    let mut text = if entries.is_empty() {
        ui.t("Aucun accès enregistré.", "No access recorded.")
            .to_string()
    } else {
        table(&headers, &lines)
    };
    if let Some(n) = purged {
        text = format!(
            "{} {n}\n{text}",
            ui.t(
                "Entrées plus anciennes que la durée de conservation retirées :",
                "Entries older than the retention period removed:"
            )
        );
    }
    Reply::new(&entries, text)
}

pub async fn retention(app: &Escale, a: &RetentionArgs, ui: Ui) -> Result<Reply, Failure> {
    use escale_core::report::export::{long_date, month_name};
    if let (Some(m), Some(w)) = (a.months, a.walkin_months) {
        app.set_retention(m, w).await?;
    }
    let done = if a.run {
        Some(app.anonymise_due().await?)
    } else {
        None
    };
    let p = app.retention_preview().await?;
    let mut text = match ui.lang {
        Lang::Fr => format!(
            "Anonymisation {} mois après la dernière venue ({} mois pour une personne venue sans inscription ni coordonnées).\n",
            p.retention.months, p.retention.walkin_months
        ),
        Lang::En => format!(
            "Anonymised {} months after the last visit ({} months for someone who walked in with no registration and no contact details).\n",
            p.retention.months, p.retention.walkin_months
        ),
    };
    if let Some(n) = done {
        text += &format!(
            "{} {n}\n",
            ui.t("Anonymisées maintenant :", "Anonymised now:")
        );
    }
    text += &format!(
        "{} {}\n{} {}\n",
        ui.t("Déjà anonymisées :", "Already anonymised:"),
        p.anonymised,
        ui.t("À anonymiser maintenant :", "Due now:"),
        p.due_now
    );
    if let Some(day) = &p.next_date {
        text += &match ui.lang {
            Lang::Fr => format!(
                "Prochaine fois : {} personne{} le {}.\n",
                p.next_count,
                if p.next_count > 1 { "s" } else { "" },
                long_date(day, ui.lang)
            ),
            Lang::En => format!(
                "Next: {} {} on {}.\n",
                p.next_count,
                if p.next_count > 1 { "people" } else { "person" },
                long_date(day, ui.lang)
            ),
        };
    }
    if !p.by_month.is_empty() {
        let rows: Vec<Vec<String>> = p
            .by_month
            .iter()
            .map(|m| {
                let (y, mo) = m.month.split_once('-').unwrap_or((&m.month, "1"));
                let month = month_name(mo.parse().unwrap_or(1), ui.lang);
                vec![format!("{month} {y}"), m.count.to_string()]
            })
            .collect();
        text += &table(&[ui.t("Mois", "Month"), ui.t("Personnes", "People")], &rows);
    }
    Reply::new(
        &serde_json::json!({ "preview": p, "anonymised_now": done }),
        text,
    )
}

fn role(s: &StaffView, ui: Ui) -> String {
    let l = s.role.label();
    ui.t(l.fr, l.en).to_string()
}

fn session_file(dir: &Path) -> PathBuf {
    dir.join(SESSION_FILE)
}

/// A new PIN: ESCALE_NEW_PIN, or asked twice on the terminal.
fn new_pin(ui: Ui) -> Result<String, Failure> {
    new_secret(
        "ESCALE_NEW_PIN",
        ask,
        "pin",
        ui.t(
            "Nouveau code PIN (4 à 8 chiffres) : ",
            "New PIN (4 to 8 digits): ",
        ),
        ui.t("Confirmez le code PIN : ", "Confirm the PIN: "),
        ui,
    )
}

/// A new secret: from `var` (scripts), else asked twice with `read`, the
/// two entries compared (`input.invalid` on `field` when they differ).
fn new_secret(
    var: &str,
    read: fn(&str) -> Result<String, Failure>,
    field: &'static str,
    prompt: &str,
    confirm: &str,
    ui: Ui,
) -> Result<String, Failure> {
    if let Ok(v) = std::env::var(var) {
        return Ok(v);
    }
    let first = read(prompt)?;
    let again = read(confirm)?;
    if first != again {
        return Err(Error::Invalid {
            field,
            value: ui
                .t("les deux saisies diffèrent", "the two entries differ")
                .into(),
        }
        .into());
    }
    Ok(first)
}

/// `escale key passphrase`: a coordinator seals the data directory's key
/// under a new passphrase (asked twice), converting a plain store.
pub async fn set_passphrase(app: Escale, dir: &Path, ui: Ui) -> Result<Reply, Failure> {
    let allowed = app.require(escale_core::roles::Action::Settings).await;
    app.store().close().await;
    drop(app);
    allowed?;
    let new = new_secret(
        "ESCALE_NEW_STORE_PASSPHRASE",
        ask_raw,
        "passphrase",
        ui.t(
            "Nouvelle phrase de passe (12 caractères au moins) : ",
            "New passphrase (12 characters at least): ",
        ),
        ui.t(
            "Confirmez la phrase de passe : ",
            "Confirm the passphrase: ",
        ),
        ui,
    )?;
    escale_core::store::key::set_passphrase(dir, new.trim_end_matches(['\r', '\n'])).await?;
    let file = dir.join(escale_core::store::key::WRAPPED_FILE);
    let text = format!(
        "{}\n{} {}\n",
        ui.t(
            "Dossier de données chiffré ; sa clé est scellée par la phrase de passe. Sans elle, rien ne s'ouvre : gardez-la hors de l'ordinateur.",
            "Data directory encrypted; its key is sealed by the passphrase. Without it nothing opens: keep it off the laptop."
        ),
        ui.t("Clé scellée :", "Sealed key:"),
        file.display()
    );
    Reply::new(&serde_json::json!({ "key_file": file }), text)
}

/// A secret from the environment (for scripts), else asked without echo.
fn secret(var: &str, prompt: &str) -> Result<String, Failure> {
    match std::env::var(var) {
        Ok(v) => Ok(v),
        Err(_) => ask(prompt),
    }
}

fn ask(prompt: &str) -> Result<String, Failure> {
    ask_raw(prompt).map(|s| s.trim().to_string())
}

/// Asked without echo, kept as typed (a passphrase's spaces count).
pub fn ask_raw(prompt: &str) -> Result<String, Failure> {
    rpassword::prompt_password(prompt).map_err(|_| Error::Locked.into())
}
