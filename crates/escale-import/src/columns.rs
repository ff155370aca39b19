//! Recognising what a column holds from its header, in French and English:
//! exact aliases of folded headers first, then word rules for headers that are
//! whole questions ("Quel est votre prénom ?" in Google Forms).
//!
//! Format-independent: format-specific fix-ups (pretix order code + position,
//! Eventbrite "Attendee #"...) live in `formats`. Never looks at cell values.

use crate::normalize::{fold_header, has_phrase, has_word_prefix};
use crate::ColumnMapping;

/// What a column can feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Field {
    FirstName,
    LastName,
    FullName,
    Email,
    Phone,
    Postcode,
    BirthYear,
    BirthDate,
    Situation,
    EmploymentId,
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
    Notes,
    RegisteredAt,
}

use Field::*;

/// Exact aliases: (folded header, field, priority). A participant-qualified
/// alias (3) beats a plain one (2), which beats a word rule (1).
const ALIASES: &[(&str, Field, u8)] = &[
    // First name
    ("prenom participant", FirstName, 3),
    ("prenom du participant", FirstName, 3),
    ("prenom adherent", FirstName, 3),
    ("prenom de l adherent", FirstName, 3),
    ("prenom beneficiaire", FirstName, 3),
    ("prenom du beneficiaire", FirstName, 3),
    ("attendee first name", FirstName, 3),
    ("participant first name", FirstName, 3),
    ("attendee name given name", FirstName, 3),
    ("prenom", FirstName, 2),
    ("prenoms", FirstName, 2),
    ("prenom usuel", FirstName, 2),
    ("votre prenom", FirstName, 2),
    ("first name", FirstName, 2),
    ("firstname", FirstName, 2),
    ("first", FirstName, 2),
    ("given name", FirstName, 2),
    ("forename", FirstName, 2),
    // Last name
    ("nom participant", LastName, 3),
    ("nom du participant", LastName, 3),
    ("nom adherent", LastName, 3),
    ("nom de l adherent", LastName, 3),
    ("nom beneficiaire", LastName, 3),
    ("nom du beneficiaire", LastName, 3),
    ("attendee last name", LastName, 3),
    ("participant last name", LastName, 3),
    ("attendee name family name", LastName, 3),
    ("nom", LastName, 2),
    ("nom de famille", LastName, 2),
    ("nom d usage", LastName, 2),
    ("nom de naissance", LastName, 2),
    ("votre nom", LastName, 2),
    ("last name", LastName, 2),
    ("lastname", LastName, 2),
    ("last", LastName, 2),
    ("surname", LastName, 2),
    ("family name", LastName, 2),
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
    ("attendee email", Email, 3),
    ("attendee e mail", Email, 3),
    ("participant email", Email, 3),
    ("email participant", Email, 3),
    ("e mail participant", Email, 3),
    ("email du participant", Email, 3),
    ("adresse email du participant", Email, 3),
    ("email adherent", Email, 3),
    ("email", Email, 2),
    ("e mail", Email, 2),
    ("mail", Email, 2),
    ("courriel", Email, 2),
    ("adresse mail", Email, 2),
    ("adresse e mail", Email, 2),
    ("adresse email", Email, 2),
    ("adresse courriel", Email, 2),
    ("adresse electronique", Email, 2),
    ("email address", Email, 2),
    ("e mail address", Email, 2),
    ("votre email", Email, 2),
    ("votre e mail", Email, 2),
    ("votre adresse email", Email, 2),
    ("votre adresse e mail", Email, 2),
    ("votre courriel", Email, 2),
    // Phone
    ("telephone", Phone, 2),
    ("tel", Phone, 2),
    ("portable", Phone, 2),
    ("mobile", Phone, 2),
    ("gsm", Phone, 2),
    ("phone", Phone, 2),
    ("phone number", Phone, 2),
    ("cell phone", Phone, 2),
    ("mobile phone", Phone, 2),
    ("home phone", Phone, 2),
    ("telephone portable", Phone, 2),
    ("telephone mobile", Phone, 2),
    ("tel portable", Phone, 2),
    ("numero de telephone", Phone, 2),
    ("numero de portable", Phone, 2),
    ("n de telephone", Phone, 2),
    ("n telephone", Phone, 2),
    ("n portable", Phone, 2),
    ("votre telephone", Phone, 2),
    ("votre numero de telephone", Phone, 2),
    // Postcode
    ("code postal", Postcode, 2),
    ("cp", Postcode, 2),
    ("zip", Postcode, 2),
    ("zip code", Postcode, 2),
    ("zipcode", Postcode, 2),
    ("postcode", Postcode, 2),
    ("postal code", Postcode, 2),
    ("home zip", Postcode, 2),
    ("votre code postal", Postcode, 2),
    // Birth
    ("annee de naissance", BirthYear, 2),
    ("annee naissance", BirthYear, 2),
    ("votre annee de naissance", BirthYear, 2),
    ("birth year", BirthYear, 2),
    ("year of birth", BirthYear, 2),
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
    ("situation", Situation, 2),
    ("situation professionnelle", Situation, 2),
    ("statut professionnel", Situation, 2),
    ("situation actuelle", Situation, 2),
    ("votre situation", Situation, 2),
    ("votre situation professionnelle", Situation, 2),
    ("situation vis a vis de l emploi", Situation, 2),
    ("vous etes", Situation, 2),
    ("profil", Situation, 2),
    ("csp", Situation, 2),
    ("categorie socio professionnelle", Situation, 2),
    ("employment status", Situation, 2),
    ("occupation", Situation, 2),
    // Employment-service id
    ("identifiant france travail", EmploymentId, 2),
    ("id france travail", EmploymentId, 2),
    ("numero france travail", EmploymentId, 2),
    ("n france travail", EmploymentId, 2),
    ("numero pole emploi", EmploymentId, 2),
    ("n pole emploi", EmploymentId, 2),
    ("identifiant pole emploi", EmploymentId, 2),
    ("n demandeur d emploi", EmploymentId, 2),
    ("numero de demandeur d emploi", EmploymentId, 2),
    ("numero demandeur d emploi", EmploymentId, 2),
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
    ("commentaire", Notes, 2),
    ("commentaires", Notes, 2),
    ("remarque", Notes, 2),
    ("remarques", Notes, 2),
    ("notes", Notes, 2),
    ("note", Notes, 2),
    ("comment", Notes, 2),
    ("comments", Notes, 2),
    ("observation", Notes, 2),
    ("observations", Notes, 2),
    ("order comment", Notes, 2),
    ("message", Notes, 2),
    ("precisions", Notes, 2),
    ("informations complementaires", Notes, 2),
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
        return Some(Email);
    }
    if (first || last) && !about_other {
        return Some(match (first, last) {
            (true, true) => FullName,
            (true, false) => FirstName,
            _ => LastName,
        });
    }
    let phone = has_any_word(
        h,
        &["telephone", "tel", "portable", "phone", "mobile", "gsm"],
    );
    if phone && !about_other {
        return Some(Phone);
    }
    if has_phrase(h, "code postal") || has_any_word(h, &["postal", "zip", "postcode", "cp"]) {
        return Some(Postcode);
    }
    if (has_word_prefix(h, "naissance") || has_word_prefix(h, "birth")) && !about_other {
        return Some(if has_any_word(h, &["annee", "year"]) {
            BirthYear
        } else {
            BirthDate
        });
    }
    let employment_service = has_phrase(h, "pole emploi")
        || has_phrase(h, "france travail")
        || has_phrase(h, "demandeur d emploi");
    if employment_service && has_any_word(h, &["numero", "identifiant", "id", "n", "no", "num"]) {
        return Some(EmploymentId);
    }
    if has_word_prefix(h, "situation")
        || has_phrase(h, "statut professionnel")
        || has_phrase(h, "activite professionnelle")
        || has_word_prefix(h, "employment")
    {
        return Some(Situation);
    }
    // Not the bare word "comment": in French it means "how" ("Comment avez-vous connu...").
    if has_word_prefix(h, "commentaire")
        || has_word_prefix(h, "remarque")
        || has_phrase(h, "comments")
    {
        return Some(Notes);
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
        .any(|c| matches!(classify(c), Some((FirstName | LastName | FullName, _))))
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
            first_name: self.get(FirstName),
            last_name: self.get(LastName),
            full_name: self.get(FullName),
            email: self.get(Email),
            phone: self.get(Phone),
            postcode: self.get(Postcode),
            birth_year: self.get(BirthYear),
            birth_date: self.get(BirthDate),
            situation: self.get(Situation),
            employment_id: self.get(EmploymentId),
            source_key: None,
            source_key_extra: None,
            ticket_code: self.get(TicketCode),
            status: self.get(Status),
            payer_first_name: self.get(PayerFirstName),
            payer_last_name: self.get(PayerLastName),
            payer_full_name: self.get(PayerFullName),
            payer_email: self.get(PayerEmail),
            notes: self.get(Notes),
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
                .find(|(f, _, _)| *f == Email)
                .map(|(_, i, p)| (*i, *p));
            if let Some((wi, 3)) = winner {
                m.payer_email = self
                    .all
                    .iter()
                    .find(|(i, f, _)| *f == Email && *i != wi)
                    .map(|(i, _, _)| *i);
            }
        }
        // A lone "Nom" column with no first-name column usually holds full names.
        if m.first_name.is_none() && m.full_name.is_none() {
            if let Some(i) = m.last_name {
                if self.folded.get(i).is_some_and(|h| h == "nom") {
                    m.full_name = Some(i);
                    m.last_name = None;
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
            ("Prénom", FirstName),
            ("First Name", FirstName),
            ("Given name", FirstName),
            ("NOM", LastName),
            ("Nom de famille", LastName),
            ("Surname", LastName),
            ("Nom complet", FullName),
            ("Attendee name", FullName),
            ("Adresse e-mail", Email),
            ("Courriel", Email),
            ("Email Address", Email),
            ("Tél.", Phone),
            ("Portable", Phone),
            ("CP", Postcode),
            ("Code Postal", Postcode),
            ("Année de naissance", BirthYear),
            ("Date of birth", BirthDate),
            ("Situation professionnelle", Situation),
            ("Identifiant France Travail", EmploymentId),
            ("N° Pôle emploi", EmploymentId),
            ("Remarques", Notes),
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
        assert_eq!(field("Quel est votre prénom ?"), Some(FirstName));
        assert_eq!(field("Votre nom de famille"), Some(LastName));
        assert_eq!(
            field("Votre adresse mail (pour la confirmation)"),
            Some(Email)
        );
        assert_eq!(field("Votre numéro de téléphone portable"), Some(Phone));
        assert_eq!(
            field("Quelle est votre situation actuelle ?"),
            Some(Situation)
        );
        assert_eq!(
            field("Votre numéro d'identifiant France Travail"),
            Some(EmploymentId)
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
            m.email,
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
        assert_eq!((m.full_name, m.last_name), (Some(0), None));
    }
}
