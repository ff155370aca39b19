//! The export formats Escale knows: how to recognise each from its header
//! signature, the column fix-ups specific to each, and how each writes
//! statuses (which rows are cancelled, refunded or not yet paid).
//!
//! Column names come from the tools' own exporters (pretix `orderlist.py` and
//! check-in list exporter, Hi.Events `AttendeesExport.php`, Drupal Webform
//! `webform.report.inc` for Framaforms) and from published HelloAsso /
//! Eventbrite header lists. Unknown files are `Generic`, never an error.

use serde::{Deserialize, Serialize};

use crate::columns::Classified;
use crate::normalize::{fold_value, has_phrase, has_word_prefix};
use crate::{ColumnMapping, SkipReason};

/// Which tool produced the file.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// HelloAsso "billetterie" (event) and "adhésion" (membership) exports.
    HelloAsso,
    /// Google Forms responses downloaded as CSV / from Google Sheets.
    GoogleForms,
    /// Framaforms (Drupal Webform) results export.
    Framaforms,
    /// Eventbrite attendee report.
    Eventbrite,
    /// pretix order / position / check-in list export.
    Pretix,
    /// Hi.Events attendee export.
    HiEvents,
    /// Any other spreadsheet.
    Generic,
}

impl SourceFormat {
    /// Human-readable name, for the import preview.
    pub fn label(self) -> &'static str {
        match self {
            SourceFormat::HelloAsso => "HelloAsso",
            SourceFormat::GoogleForms => "Google Forms",
            SourceFormat::Framaforms => "Framaforms",
            SourceFormat::Eventbrite => "Eventbrite",
            SourceFormat::Pretix => "pretix",
            SourceFormat::HiEvents => "Hi.Events",
            SourceFormat::Generic => "Generic",
        }
    }
}

/// Header signatures: (folded header, weight). A format is claimed when its
/// weights add up to [`CLAIM_THRESHOLD`].
const SIGNATURES: &[(SourceFormat, &[(&str, u32)])] = &[
    (
        SourceFormat::HelloAsso,
        &[
            ("reference commande", 2),
            ("date de la commande", 1),
            ("statut de la commande", 2),
            ("nom payeur", 2),
            ("prenom payeur", 2),
            ("email payeur", 2),
            ("moyen de paiement", 1),
            ("montant tarif", 2),
            ("montant du tarif", 2),
            ("numero de billet", 1),
            ("code promo", 1),
            ("montant code promo", 2),
            ("montant du code promo", 2),
            ("nom participant", 1),
            ("prenom participant", 1),
            ("nom adherent", 1),
            ("prenom adherent", 1),
            ("reference paiement", 2),
            ("statut du paiement", 1),
            ("type de campagne", 2),
            ("campagne", 1),
            ("formule", 1),
            ("raison sociale", 1),
        ],
    ),
    (
        SourceFormat::GoogleForms,
        &[
            ("horodateur", 3),
            ("timestamp", 3),
            ("adresse e mail", 1),
            ("email address", 1),
            ("score", 1),
        ],
    ),
    (
        SourceFormat::Framaforms,
        &[
            ("serial", 1),
            ("sid", 2),
            ("time", 1),
            ("submitted time", 1),
            ("completed time", 1),
            ("modified time", 1),
            ("draft", 1),
            ("ip address", 2),
            ("uid", 1),
            ("username", 1),
            ("numero de serie", 1),
            ("date de soumission", 1),
            ("heure de soumission", 1),
            ("brouillon", 1),
            ("adresse ip", 2),
            ("nom d utilisateur", 1),
        ],
    ),
    (
        SourceFormat::Eventbrite,
        &[
            ("order", 1),
            ("order date", 1),
            ("attendee", 1),
            ("barcode", 2),
            ("attendee status", 2),
            ("ticket type", 1),
            ("order type", 1),
            ("total paid", 1),
            ("fees paid", 1),
            ("eventbrite fees", 3),
            ("eventbrite payment processing", 3),
            ("price tier", 1),
            ("buyer first name", 1),
            ("buyer last name", 1),
            ("buyer email", 1),
            ("home zip", 1),
            ("date attending", 1),
            ("qty", 1),
        ],
    ),
    (
        SourceFormat::Pretix,
        &[
            ("order code", 2),
            ("position id", 2),
            ("attendee name", 1),
            ("attendee email", 1),
            ("secret", 1),
            ("ticket secret", 1),
            ("pseudonymization id", 2),
            ("event slug", 2),
            ("invoice address name", 1),
            ("variation", 1),
            ("automatically checked in", 2),
            ("requires special attention", 1),
            ("voucher", 1),
            ("sales channel", 1),
            ("order locale", 1),
        ],
    ),
    (
        SourceFormat::HiEvents,
        &[
            ("public id", 2),
            ("short id", 2),
            ("is checked in", 2),
            ("checked in at", 1),
            ("product id", 1),
            ("product name", 1),
            ("ticket id", 1),
            ("ticket name", 1),
            ("event id", 1),
            ("created date", 1),
            ("last updated date", 2),
        ],
    ),
];

const CLAIM_THRESHOLD: u32 = 3;

/// Recognises the format from the folded headers.
pub(crate) fn detect_format(folded_headers: &[String]) -> SourceFormat {
    let mut best = (0u32, SourceFormat::Generic);
    for (format, signature) in SIGNATURES {
        let score: u32 = signature
            .iter()
            .filter(|(name, _)| folded_headers.iter().any(|h| h == name))
            .map(|(_, w)| w)
            .sum();
        if score > best.0 {
            best = (score, *format);
        }
    }
    if best.0 >= CLAIM_THRESHOLD {
        best.1
    } else {
        SourceFormat::Generic
    }
}

/// Format-specific corrections of the generic mapping.
pub(crate) fn adjust_mapping(
    format: SourceFormat,
    c: &Classified,
    raw_headers: &[String],
    m: &mut ColumnMapping,
) {
    match format {
        SourceFormat::Eventbrite => {
            // "Attendee #" folds to "attendee", which elsewhere is a name column.
            let attendee_no = raw_headers
                .iter()
                .position(|h| h.contains('#') && fold_value(h) == "attendee");
            if let Some(i) = attendee_no {
                m.source_key = Some(i);
                m.source_key_extra = None;
                if m.full_name == Some(i) {
                    m.full_name = None;
                }
            }
            if let Some(i) = c.find(&["attendee status"]) {
                m.status = Some(i);
            }
        }
        SourceFormat::Pretix => {
            if let Some(order) = c.find(&["order code", "order"]) {
                m.source_key = Some(order);
                m.source_key_extra = c.find(&["position id", "position"]);
            }
            if let Some(i) = c.find(&["secret", "ticket secret"]) {
                m.ticket_code = Some(i);
            }
        }
        SourceFormat::HiEvents => {
            // "Ticket ID" / "Product ID" identify the ticket *type*, not the attendee.
            m.source_key = c.find(&["id"]).or(m.source_key.filter(|i| {
                !matches!(
                    c.folded.get(*i).map(String::as_str),
                    Some("ticket id" | "product id")
                )
            }));
            m.source_key_extra = None;
            if let Some(i) = c.find(&["public id", "short id"]) {
                m.ticket_code = Some(i);
            }
        }
        SourceFormat::HelloAsso => {
            // The ticket number is also what is printed in the ticket's QR code.
            if m.ticket_code.is_none() {
                m.ticket_code = c.find(&[
                    "numero de billet",
                    "numero du billet",
                    "n de billet",
                    "n billet",
                ]);
            }
        }
        SourceFormat::Framaforms | SourceFormat::GoogleForms => {
            // Forms have no order status: a "Statut" question is the person's
            // professional status, and only Webform's draft flag says "skip".
            if m.get("situation").is_none() {
                m.set("situation", c.find(&["statut", "status", "statut actuel"]));
            }
            m.status = c.find(&["draft", "brouillon"]);
            if format == SourceFormat::Framaforms {
                if let Some(i) = c.find(&["sid"]).or(c.find(&["serial", "numero de serie"])) {
                    m.source_key = Some(i);
                    m.source_key_extra = None;
                }
            }
        }
        SourceFormat::Generic => {}
    }
}

/// Decides whether a status cell means the row must be skipped.
pub(crate) fn status_skip(
    format: SourceFormat,
    status_header: &str,
    raw: &str,
) -> Option<SkipReason> {
    let status = raw.to_string();
    let v = fold_value(raw);
    if v.is_empty() {
        return None;
    }
    // Webform's "Draft" column holds 0/1.
    if matches!(fold_value(status_header).as_str(), "draft" | "brouillon") {
        return matches!(v.as_str(), "1" | "yes" | "oui" | "true" | "vrai")
            .then_some(SkipReason::Draft { status });
    }
    if format == SourceFormat::Pretix {
        // pretix status codes (REST API and some exports).
        match v.as_str() {
            "c" => return Some(SkipReason::Cancelled { status }),
            "n" | "e" => return Some(SkipReason::Draft { status }),
            _ => {}
        }
    }
    let partial = has_word_prefix(&v, "partiel") || has_word_prefix(&v, "partial");
    if (has_word_prefix(&v, "rembours") || has_word_prefix(&v, "refund")) && !partial {
        return Some(SkipReason::Refunded { status });
    }
    if has_word_prefix(&v, "annul")
        || has_word_prefix(&v, "cancel")
        || has_phrase(&v, "not attending")
        || has_word_prefix(&v, "deleted")
        || has_word_prefix(&v, "supprim")
        || (has_word_prefix(&v, "transfer") && !partial)
    {
        return Some(SkipReason::Cancelled { status });
    }
    let draft = has_word_prefix(&v, "brouillon")
        || has_word_prefix(&v, "draft")
        || has_phrase(&v, "en attente")
        || has_phrase(&v, "liste d attente")
        || has_word_prefix(&v, "pending")
        || has_word_prefix(&v, "unpaid")
        || has_phrase(&v, "non paye")
        || has_phrase(&v, "non payee")
        || has_word_prefix(&v, "impaye")
        || has_word_prefix(&v, "expir")
        || has_word_prefix(&v, "awaiting")
        || has_word_prefix(&v, "waiting")
        || has_word_prefix(&v, "waitlist")
        || has_word_prefix(&v, "abandon")
        || has_word_prefix(&v, "refuse")
        || has_word_prefix(&v, "echou")
        || has_word_prefix(&v, "failed")
        || has_word_prefix(&v, "declined");
    draft.then_some(SkipReason::Draft { status })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::fold_header;

    fn folded(headers: &[&str]) -> Vec<String> {
        headers.iter().map(|h| fold_header(h)).collect()
    }

    #[test]
    fn signatures_pick_the_right_tool() {
        assert_eq!(
            detect_format(&folded(&[
                "Référence commande",
                "Nom participant",
                "Prénom participant",
                "Nom payeur",
                "Email payeur"
            ])),
            SourceFormat::HelloAsso
        );
        assert_eq!(
            detect_format(&folded(&["Horodateur", "Nom", "Prénom"])),
            SourceFormat::GoogleForms
        );
        assert_eq!(
            detect_format(&folded(&[
                "Serial",
                "SID",
                "Time",
                "Draft",
                "IP Address",
                "UID",
                "Username",
                "Nom"
            ])),
            SourceFormat::Framaforms
        );
        assert_eq!(
            detect_format(&folded(&[
                "Order #",
                "Order Date",
                "First Name",
                "Last Name",
                "Email",
                "Attendee #",
                "Barcode #",
                "Attendee Status"
            ])),
            SourceFormat::Eventbrite
        );
        assert_eq!(
            detect_format(&folded(&[
                "Event slug",
                "Order code",
                "Position ID",
                "Attendee name"
            ])),
            SourceFormat::Pretix
        );
        assert_eq!(
            detect_format(&folded(&[
                "ID",
                "First Name",
                "Last Name",
                "Email",
                "Status",
                "Public ID",
                "Short ID"
            ])),
            SourceFormat::HiEvents
        );
        assert_eq!(
            detect_format(&folded(&["Nom", "Prénom", "Email"])),
            SourceFormat::Generic
        );
    }

    fn skip(format: SourceFormat, raw: &str) -> Option<SkipReason> {
        status_skip(format, "Statut", raw)
    }

    #[test]
    fn cancelled_refunded_and_unpaid_statuses_are_skipped_with_their_text() {
        use SkipReason::*;
        let g = SourceFormat::Generic;
        assert_eq!(
            skip(g, "Annulé"),
            Some(Cancelled {
                status: "Annulé".into()
            })
        );
        assert_eq!(
            skip(g, "Cancelled"),
            Some(Cancelled {
                status: "Cancelled".into()
            })
        );
        assert_eq!(
            skip(g, "Not Attending"),
            Some(Cancelled {
                status: "Not Attending".into()
            })
        );
        assert_eq!(
            skip(g, "Remboursé"),
            Some(Refunded {
                status: "Remboursé".into()
            })
        );
        assert_eq!(
            skip(g, "Refunded/Canceled"),
            Some(Refunded {
                status: "Refunded/Canceled".into()
            })
        );
        assert_eq!(
            skip(g, "En attente"),
            Some(Draft {
                status: "En attente".into()
            })
        );
        assert_eq!(
            skip(g, "Brouillon"),
            Some(Draft {
                status: "Brouillon".into()
            })
        );
        assert_eq!(
            skip(g, "AWAITING_PAYMENT"),
            Some(Draft {
                status: "AWAITING_PAYMENT".into()
            })
        );
        assert_eq!(
            skip(SourceFormat::Pretix, "n"),
            Some(Draft { status: "n".into() })
        );
        assert_eq!(
            skip(SourceFormat::Pretix, "e"),
            Some(Draft { status: "e".into() })
        );
        assert_eq!(
            skip(SourceFormat::Pretix, "c"),
            Some(Cancelled { status: "c".into() })
        );
    }

    #[test]
    fn valid_statuses_are_kept() {
        for ok in [
            "Validé",
            "Payé",
            "paid",
            "p",
            "Attending",
            "Checked In",
            "ACTIVE",
            "Partiellement remboursé",
            "",
        ] {
            assert_eq!(
                skip(SourceFormat::Pretix, ok),
                None,
                "status {ok:?} is a valid registration"
            );
        }
        assert_eq!(
            skip(SourceFormat::Generic, "n"),
            None,
            "single-letter codes are pretix-only"
        );
    }

    #[test]
    fn webform_draft_flag_is_a_draft() {
        assert!(matches!(
            status_skip(SourceFormat::Framaforms, "Draft", "1"),
            Some(SkipReason::Draft { .. })
        ));
        assert_eq!(status_skip(SourceFormat::Framaforms, "Draft", "0"), None);
    }
}
