//! Recognising what a column holds from its header, in French and English:
//! exact aliases of folded headers first, then word rules for headers that are
//! whole questions ("Quel est votre prénom ?" in Google Forms).
//!
//! Format-independent: format-specific fix-ups (pretix order code + position,
//! Eventbrite "Attendee #"...) live in `formats`. Never looks at cell values.

use crate::normalize::{fold_header, has_phrase, has_word_prefix};
use crate::ColumnMapping;

/// What a column can feed: a visitor's field (by registry name), or what an
/// import needs beyond them (a full name to split, ids, statuses, the payer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    /// A visitor field of the registry (`escale_protocol::fields`).
    Visitor(&'static str),
    FullName,
    BirthDate,
    /// An id unique per ticket / response.
    TicketId,
    /// An id shared by the tickets of one order.
    OrderId,
    /// The line of a ticket within its order (pretix "Position ID").
    PositionId,
    TicketCode,
    Status,
    PayerFirstName,
    PayerLastName,
    PayerFullName,
    PayerEmail,
    RegisteredAt,
}

const FIRST_NAME: Field = Field::Visitor("first_name");
const LAST_NAME: Field = Field::Visitor("last_name");
const EMAIL: Field = Field::Visitor("email");

use Field::*;

/// Exact aliases: (folded header, field, priority). A participant-qualified
/// alias (3) beats a plain one (2), which beats a word rule (1).
/// The plain synonyms of each visitor field are the registry's (`import`);
/// these are what only an import knows: participant-qualified headers of
/// ticketing exports, and the columns that are not a visitor's field.
const ALIASES: &[(&str, Field, u8)] = &[
    // First name
    ("prenom participant", FIRST_NAME, 3),
    ("prenom du participant", FIRST_NAME, 3),
    ("prenom adherent", FIRST_NAME, 3),
    ("prenom de l adherent", FIRST_NAME, 3),
    ("prenom beneficiaire", FIRST_NAME, 3),
    ("prenom du beneficiaire", FIRST_NAME, 3),
    ("attendee first name", FIRST_NAME, 3),
    ("participant first name", FIRST_NAME, 3),
    ("attendee name given name", FIRST_NAME, 3),
    // Last name
    ("nom participant", LAST_NAME, 3),
    ("nom du participant", LAST_NAME, 3),
    ("nom adherent", LAST_NAME, 3),
    ("nom de l adherent", LAST_NAME, 3),
    ("nom beneficiaire", LAST_NAME, 3),
    ("nom du beneficiaire", LAST_NAME, 3),
    ("attendee last name", LAST_NAME, 3),
    ("participant last name", LAST_NAME, 3),
    ("attendee name family name", LAST_NAME, 3),
    // Single name column
    ("attendee name", FullName, 3),
    ("participant name", FullName, 3),
    ("nom complet du participant", FullName, 3),
    ("nom et prenom du participant", FullName, 3),
    ("nom prenom du participant", FullName, 3),
    ("nom complet", FullName, 2),
    ("name", FullName, 2),
    ("full name", FullName, 2),
    ("fullname", FullName, 2),
    ("your name", FullName, 2),
    ("nom et prenom", FullName, 2),
    ("nom et prenoms", FullName, 2),
    ("prenom et nom", FullName, 2),
    ("nom prenom", FullName, 2),
    ("prenom nom", FullName, 2),
    ("votre nom et prenom", FullName, 2),
    ("vos nom et prenom", FullName, 2),
    ("participant", FullName, 2),
    ("attendee", FullName, 2),
    ("identite", FullName, 2),
    // Email
    ("attendee email", EMAIL, 3),
    ("attendee e mail", EMAIL, 3),
    ("participant email", EMAIL, 3),
    ("email participant", EMAIL, 3),
    ("e mail participant", EMAIL, 3),
    ("email du participant", EMAIL, 3),
    ("adresse email du participant", EMAIL, 3),
    ("email adherent", EMAIL, 3),
    // Phone (the plain synonyms are the registry's)
    // Postcode
    // Birth
    ("date de naissance", BirthDate, 2),
    ("date naissance", BirthDate, 2),
    ("votre date de naissance", BirthDate, 2),
    ("ne le", BirthDate, 2),
    ("nee le", BirthDate, 2),
    ("ne e le", BirthDate, 2),
    ("ddn", BirthDate, 2),
    ("birth date", BirthDate, 2),
    ("birthdate", BirthDate, 2),
    ("date of birth", BirthDate, 2),
    ("dob", BirthDate, 2),
    // Situation
    // Employment-service id
    // Ticket-level ids
    ("numero de billet", TicketId, 3),
    ("numero du billet", TicketId, 3),
    ("numero billet", TicketId, 3),
    ("n de billet", TicketId, 3),
    ("n billet", TicketId, 3),
    ("id billet", TicketId, 3),
    ("ticket number", TicketId, 3),
    ("ticket no", TicketId, 3),
    ("attendee id", TicketId, 3),
    ("participant id", TicketId, 3),
    ("id participant", TicketId, 3),
    ("registration id", TicketId, 3),
    ("numero d inscription", TicketId, 3),
    ("response id", TicketId, 3),
    ("submission id", TicketId, 3),
    ("sid", TicketId, 3),
    ("id", TicketId, 2),
    ("ticket id", TicketId, 2),
    ("numero", TicketId, 2),
    ("num", TicketId, 2),
    ("n", TicketId, 2),
    ("no", TicketId, 2),
    ("reference", TicketId, 2),
    ("ref", TicketId, 2),
    ("serial", TicketId, 2),
    ("numero de serie", TicketId, 2),
    // Order-level ids
    ("reference commande", OrderId, 2),
    ("reference de la commande", OrderId, 2),
    ("ref commande", OrderId, 2),
    ("numero de commande", OrderId, 2),
    ("n de commande", OrderId, 2),
    ("commande", OrderId, 2),
    ("order", OrderId, 2),
    ("order code", OrderId, 2),
    ("order id", OrderId, 2),
    ("order number", OrderId, 2),
    ("order no", OrderId, 2),
    ("position id", PositionId, 2),
    ("position", PositionId, 2),
    ("numero de position", PositionId, 2),
    ("n de position", PositionId, 2),
    // Codes a scanner types
    ("barcode", TicketCode, 3),
    ("code barre", TicketCode, 3),
    ("code barres", TicketCode, 3),
    ("code a barres", TicketCode, 3),
    ("secret", TicketCode, 3),
    ("ticket secret", TicketCode, 3),
    ("qr code", TicketCode, 3),
    ("code qr", TicketCode, 3),
    ("ticket code", TicketCode, 3),
    ("code du billet", TicketCode, 3),
    ("code billet", TicketCode, 3),
    ("public id", TicketCode, 3),
    ("code", TicketCode, 2),
    ("short id", TicketCode, 2),
    // Status
    ("attendee status", Status, 3),
    ("statut de la commande", Status, 3),
    ("statut commande", Status, 3),
    ("statut du participant", Status, 3),
    ("statut du billet", Status, 3),
    ("ticket status", Status, 3),
    ("statut", Status, 2),
    ("status", Status, 2),
    ("etat", Status, 2),
    ("etat de la commande", Status, 2),
    ("order status", Status, 2),
    ("statut du paiement", Status, 2),
    ("payment status", Status, 2),
    ("draft", Status, 2),
    ("brouillon", Status, 2),
    // Payer
    ("prenom payeur", PayerFirstName, 2),
    ("prenom du payeur", PayerFirstName, 2),
    ("prenom acheteur", PayerFirstName, 2),
    ("prenom de l acheteur", PayerFirstName, 2),
    ("buyer first name", PayerFirstName, 2),
    ("purchaser first name", PayerFirstName, 2),
    ("billing first name", PayerFirstName, 2),
    ("invoice address name given name", PayerFirstName, 2),
    ("nom payeur", PayerLastName, 2),
    ("nom du payeur", PayerLastName, 2),
    ("nom acheteur", PayerLastName, 2),
    ("nom de l acheteur", PayerLastName, 2),
    ("buyer last name", PayerLastName, 2),
    ("purchaser last name", PayerLastName, 2),
    ("billing last name", PayerLastName, 2),
    ("invoice address name family name", PayerLastName, 2),
    ("invoice address name", PayerFullName, 2),
    ("buyer name", PayerFullName, 2),
    ("purchaser name", PayerFullName, 2),
    ("billing name", PayerFullName, 2),
    ("payeur", PayerFullName, 2),
    ("acheteur", PayerFullName, 2),
    ("nom complet payeur", PayerFullName, 2),
    ("nom et prenom du payeur", PayerFullName, 2),
    ("email payeur", PayerEmail, 2),
    ("e mail payeur", PayerEmail, 2),
    ("email du payeur", PayerEmail, 2),
    ("adresse email payeur", PayerEmail, 2),
    ("email acheteur", PayerEmail, 2),
    ("buyer email", PayerEmail, 2),
    ("purchaser email", PayerEmail, 2),
    ("billing email", PayerEmail, 2),
    ("order email", PayerEmail, 2),
    // Notes
    // Registration date
    ("date de la commande", RegisteredAt, 3),
    ("date de commande", RegisteredAt, 3),
    ("order date", RegisteredAt, 3),
    ("horodateur", RegisteredAt, 3),
    ("timestamp", RegisteredAt, 3),
    ("date d inscription", RegisteredAt, 3),
    ("date inscription", RegisteredAt, 3),
    ("inscrit le", RegisteredAt, 3),
    ("registration date", RegisteredAt, 3),
    ("submitted", RegisteredAt, 3),
    ("submitted time", RegisteredAt, 3),
    ("completed time", RegisteredAt, 3),
    ("date de soumission", RegisteredAt, 3),
    ("created date", RegisteredAt, 3),
    ("date", RegisteredAt, 2),
    ("time", RegisteredAt, 2),
    ("created", RegisteredAt, 2),
    ("created at", RegisteredAt, 2),
    ("date de creation", RegisteredAt, 2),
    ("heure de soumission", RegisteredAt, 2),
    ("submission date", RegisteredAt, 2),
    ("date du paiement", RegisteredAt, 2),
];

/// Words that make a "nom"/"email"/"téléphone" question about someone or
/// something other than the participant.
const OTHER_SUBJECT_WORDS: &[&str] = &[
    "entreprise",
    "societe",
    "structure",
    "company",
    "organisation",
    "organization",
    "association",
    "evenement",
    "event",
    "campagne",
    "ville",
    "commune",
    "rue",
    "tarif",
    "produit",
    "product",
    "billet",
    "ticket",
    "formule",
    "utilisateur",
    "user",
    "username",
    "conseiller",
    "conseillere",
    "referent",
    "referente",
    "urgence",
    "emergency",
    "parent",
    "parents",
    "responsable",
    "tuteur",
    "tutrice",
    "enfant",
    "employeur",
    "ecole",
    "formation",
    "fichier",
    "file",
    "lieu",
    "place",
    "pays",
    "country",
    "jeune",
    "mineur",
];

const PAYER_WORDS: &[&str] = &[
    "payeur",
    "acheteur",
    "buyer",
    "purchaser",
    "billing",
    "facturation",
];

fn has_any_word(folded: &str, words: &[&str]) -> bool {
    words.iter().any(|w| has_phrase(folded, w))
}

/// Word rules for headers that are not a known alias (question texts).
fn classify_by_words(h: &str) -> Option<Field> {
    let about_other = has_any_word(h, OTHER_SUBJECT_WORDS);
    let payer = has_any_word(h, PAYER_WORDS);
    let first =
        has_word_prefix(h, "prenom") || has_phrase(h, "first name") || has_phrase(h, "given name");
    let last = has_phrase(h, "nom")
        || has_phrase(h, "last name")
        || has_phrase(h, "family name")
        || has_phrase(h, "surname");
    let email = has_any_word(h, &["mail", "email", "courriel"]) || has_phrase(h, "e mail");
    if payer {
        return match (first, last, email) {
            (_, _, true) => Some(PayerEmail),
            (true, true, _) => Some(PayerFullName),
            (true, false, _) => Some(PayerFirstName),
            (false, true, _) => Some(PayerLastName),
            _ => None,
        };
    }
    if email && !about_other {
        return Some(EMAIL);
    }
    if (first || last) && !about_other {
        return Some(match (first, last) {
            (true, true) => FullName,
            (true, false) => FIRST_NAME,
            _ => LAST_NAME,
        });
    }
    let phone = has_any_word(
        h,
        &["telephone", "tel", "portable", "phone", "mobile", "gsm"],
    );
    if phone && !about_other {
        return Some(Field::Visitor("phone"));
    }
    if has_phrase(h, "code postal") || has_any_word(h, &["postal", "zip", "postcode", "cp"]) {
        return Some(Field::Visitor("postcode"));
    }
    if (has_word_prefix(h, "naissance") || has_word_prefix(h, "birth")) && !about_other {
        return Some(if has_any_word(h, &["annee", "year"]) {
            Field::Visitor("birth_year")
        } else {
            BirthDate
        });
    }
    let employment_service = has_phrase(h, "pole emploi")
        || has_phrase(h, "france travail")
        || has_phrase(h, "demandeur d emploi");
    if employment_service && has_any_word(h, &["numero", "identifiant", "id", "n", "no", "num"]) {
        return Some(Field::Visitor("employment_id"));
    }
    if has_word_prefix(h, "situation")
        || has_phrase(h, "statut professionnel")
        || has_phrase(h, "activite professionnelle")
        || has_word_prefix(h, "employment")
    {
        return Some(Field::Visitor("situation"));
    }
    // Not the bare word "comment": in French it means "how" ("Comment avez-vous connu...").
    if has_word_prefix(h, "commentaire")
        || has_word_prefix(h, "remarque")
        || has_phrase(h, "comments")
    {
        return Some(Field::Visitor("notes"));
    }
    None
}

/// Classifies one header: the field and how sure we are (3 > 2 > 1).
pub(crate) fn classify(header: &str) -> Option<(Field, u8)> {
    let h = fold_header(header);
    if h.is_empty() {
        return None;
    }
    if let Some((_, field, prio)) = ALIASES.iter().find(|(alias, _, _)| *alias == h) {
        return Some((*field, *prio));
    }
    let registry = escale_protocol::fields::of(escale_protocol::model::Entity::Visitor);
    if let Some(f) = registry.iter().find(|f| f.import.contains(&h.as_str())) {
        return Some((Field::Visitor(f.name), 2));
    }
    classify_by_words(&h).map(|f| (f, 1))
}

/// How header-like a row is: the number of distinct fields its cells name.
pub(crate) fn header_score(row: &[String]) -> usize {
    let mut seen: Vec<Field> = Vec::new();
    for cell in row {
        // Long cells are data (answers), not headers; skip the work.
        if cell.len() > 200 {
            continue;
        }
        if let Some((f, _)) = classify(cell) {
            if !seen.contains(&f) {
                seen.push(f);
            }
        }
    }
    seen.len()
}

/// Whether one of the row's cells names a participant name column.
pub(crate) fn has_name_column(row: &[String]) -> bool {
    row.iter()
        .any(|c| matches!(classify(c), Some((FIRST_NAME | LAST_NAME | FullName, _))))
}

/// Best column for each field: highest priority, then leftmost.
pub(crate) struct Classified {
    best: Vec<(Field, usize, u8)>,
    /// Every (index, field, priority), for the fix-ups that need the losers.
    pub all: Vec<(usize, Field, u8)>,
    /// Folded headers, for format fix-ups.
    pub folded: Vec<String>,
}

impl Classified {
    pub(crate) fn new(headers: &[String]) -> Self {
        let mut best: Vec<(Field, usize, u8)> = Vec::new();
        let mut all = Vec::new();
        for (i, h) in headers.iter().enumerate() {
            let Some((field, prio)) = classify(h) else {
                continue;
            };
            all.push((i, field, prio));
            match best.iter_mut().find(|(f, _, _)| *f == field) {
                Some(slot) if prio > slot.2 => *slot = (field, i, prio),
                Some(_) => {}
                None => best.push((field, i, prio)),
            }
        }
        Self {
            best,
            all,
            folded: headers.iter().map(|h| fold_header(h)).collect(),
        }
    }

    pub(crate) fn get(&self, field: Field) -> Option<usize> {
        self.best
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, i, _)| *i)
    }

    /// Index of the first header whose folded form is one of `names`.
    pub(crate) fn find(&self, names: &[&str]) -> Option<usize> {
        names
            .iter()
            .find_map(|n| self.folded.iter().position(|h| h == n))
    }

    /// The generic mapping, before format fix-ups.
    pub(crate) fn mapping(&self) -> ColumnMapping {
        let mut m = ColumnMapping {
            fields: self
                .best
                .iter()
                .filter_map(|(f, i, _)| match f {
                    Field::Visitor(name) => Some((name.to_string(), *i)),
                    _ => None,
                })
                .collect(),
            full_name: self.get(FullName),
            birth_date: self.get(BirthDate),
            source_key: None,
            source_key_extra: None,
            ticket_code: self.get(TicketCode),
            status: self.get(Status),
            payer_first_name: self.get(PayerFirstName),
            payer_last_name: self.get(PayerLastName),
            payer_full_name: self.get(PayerFullName),
            payer_email: self.get(PayerEmail),
            registered_at: self.get(RegisteredAt),
        };
        if let Some(ticket) = self.get(TicketId) {
            m.source_key = Some(ticket);
        } else if let Some(order) = self.get(OrderId) {
            m.source_key = Some(order);
            m.source_key_extra = self.get(PositionId);
        }
        // A participant-qualified email won; a plain "Email" beside it is the
        // order's (pretix), i.e. the payer's.
        if m.payer_email.is_none() {
            let winner = self
                .best
                .iter()
                .find(|(f, _, _)| *f == EMAIL)
                .map(|(_, i, p)| (*i, *p));
            if let Some((wi, 3)) = winner {
                m.payer_email = self
                    .all
                    .iter()
                    .find(|(i, f, _)| *f == EMAIL && *i != wi)
                    .map(|(i, _, _)| *i);
            }
        }
        // A lone "Nom" column with no first-name column usually holds full names.
        if m.get("first_name").is_none() && m.full_name.is_none() {
            if let Some(i) = m.get("last_name") {
                if self.folded.get(i).is_some_and(|h| h == "nom") {
                    m.full_name = Some(i);
                    m.set("last_name", None);
                }
            }
        }
        m
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(h: &str) -> Option<Field> {
        classify(h).map(|(f, _)| f)
    }

    #[test]
    fn french_and_english_headers_are_recognised() {
        let cases = [
            ("Prénom", FIRST_NAME),
            ("First Name", FIRST_NAME),
            ("Given name", FIRST_NAME),
            ("NOM", LAST_NAME),
            ("Nom de famille", LAST_NAME),
            ("Surname", LAST_NAME),
            ("Nom complet", FullName),
            ("Attendee name", FullName),
            ("Adresse e-mail", EMAIL),
            ("Courriel", EMAIL),
            ("Email Address", EMAIL),
            ("Tél.", Field::Visitor("phone")),
            ("Portable", Field::Visitor("phone")),
            ("CP", Field::Visitor("postcode")),
            ("Code Postal", Field::Visitor("postcode")),
            ("Année de naissance", Field::Visitor("birth_year")),
            ("Date of birth", BirthDate),
            ("Situation professionnelle", Field::Visitor("situation")),
            (
                "Identifiant France Travail",
                Field::Visitor("employment_id"),
            ),
            ("N° Pôle emploi", Field::Visitor("employment_id")),
            ("Remarques", Field::Visitor("notes")),
            ("Horodateur", RegisteredAt),
            ("Nom payeur", PayerLastName),
            ("Barcode #", TicketCode),
            ("Order code", OrderId),
            ("Position ID", PositionId),
        ];
        for (h, f) in cases {
            assert_eq!(field(h), Some(f), "header {h:?} should be read as {f:?}");
        }
    }

    #[test]
    fn question_headers_are_recognised_by_their_words() {
        assert_eq!(field("Quel est votre prénom ?"), Some(FIRST_NAME));
        assert_eq!(field("Votre nom de famille"), Some(LAST_NAME));
        assert_eq!(
            field("Votre adresse mail (pour la confirmation)"),
            Some(EMAIL)
        );
        assert_eq!(
            field("Votre numéro de téléphone portable"),
            Some(Field::Visitor("phone"))
        );
        assert_eq!(
            field("Quelle est votre situation actuelle ?"),
            Some(Field::Visitor("situation"))
        );
        assert_eq!(
            field("Votre numéro d'identifiant France Travail"),
            Some(Field::Visitor("employment_id"))
        );
    }

    #[test]
    fn names_of_other_things_are_not_person_names() {
        assert_eq!(
            field("Nom de l'entreprise"),
            None,
            "a company name is not a last name"
        );
        assert_eq!(field("Nom d'utilisateur"), None);
        assert_eq!(field("Nombre de places"), None, "'nombre' is not 'nom'");
        assert_eq!(field("Téléphone en cas d'urgence"), None);
        assert_eq!(
            field("Comment avez-vous connu le salon ?"),
            None,
            "French 'comment' means 'how'"
        );
    }

    #[test]
    fn participant_email_wins_and_plain_email_becomes_payer() {
        let headers: Vec<String> = ["Order code", "Email", "Attendee name", "Attendee email"]
            .map(String::from)
            .to_vec();
        let m = Classified::new(&headers).mapping();
        assert_eq!(
            m.get("email"),
            Some(3),
            "the attendee's email identifies the participant"
        );
        assert_eq!(
            m.payer_email,
            Some(1),
            "the order email belongs to the buyer"
        );
    }

    #[test]
    fn lone_nom_column_is_read_as_full_name() {
        let headers: Vec<String> = ["Nom", "Email"].map(String::from).to_vec();
        let m = Classified::new(&headers).mapping();
        assert_eq!((m.full_name, m.get("last_name")), (Some(0), None));
    }
}
