//! Mapping free-text professional situations (French and English) onto
//! [`Situation`].
//!
//! Works on folded text with whole-word matching; the order of the checks
//! matters ("sans emploi" before "emploi", "auto-entrepreneur" before
//! "entrepreneur"). Never fails: unknown text is `Other`.

use crate::normalize::{fold_value, has_phrase, has_word_prefix};
use crate::Situation;

const JOB_SEEKER_PHRASES: &[&str] = &[
    "demandeur d emploi",
    "demandeuse d emploi",
    "demandeur emploi",
    "demandeurs d emploi",
    "job seeker",
    "jobseeker",
    "job seeking",
    "sans emploi",
    "unemployed",
    "recherche d emploi",
    "en recherche",
    "france travail",
    "pole emploi",
];
const JOB_SEEKER_STEMS: &[&str] = &["chomage", "chomeu"];

const SELF_EMPLOYED_PHRASES: &[&str] = &[
    "auto entrepreneur",
    "autoentrepreneur",
    "auto entrepreneuse",
    "micro entrepreneur",
    "microentrepreneur",
    "micro entrepreneuse",
    "micro entreprise",
    "self employed",
    "freelance",
    "free lance",
    "freelancer",
    "profession liberale",
    "liberal",
    "travailleur non salarie",
    "tns",
];
const SELF_EMPLOYED_STEMS: &[&str] = &["independant"];

const FOUNDER_PHRASES: &[&str] = &[
    "createur d entreprise",
    "creatrice d entreprise",
    "creation d entreprise",
    "porteur de projet",
    "porteuse de projet",
    "porteur projet",
    "founder",
    "co founder",
    "cofounder",
    "entrepreneur",
    "entrepreneuse",
    "repreneur",
    "chef d entreprise",
    "cheffe d entreprise",
    "dirigeant",
    "dirigeante",
];

const STUDENT_STEMS: &[&str] = &[
    "etudiant",
    "student",
    "alternan",
    "apprenti",
    "lyceen",
    "stagiaire",
];

const EMPLOYED_PHRASES: &[&str] = &[
    "en poste",
    "employed",
    "employee",
    "employe",
    "cdi",
    "cdd",
    "en emploi",
    "fonctionnaire",
    "agent public",
    "contrat aide",
    "en activite",
];
const EMPLOYED_STEMS: &[&str] = &["salarie", "interim"];

fn any_phrase(folded: &str, phrases: &[&str]) -> bool {
    phrases.iter().any(|p| has_phrase(folded, p))
}

fn any_stem(folded: &str, stems: &[&str]) -> bool {
    stems.iter().any(|s| has_word_prefix(folded, s))
}

/// Maps a cleaned situation cell; `None` when the cell is empty.
pub(crate) fn map_situation(text: &str) -> Option<Situation> {
    let f = fold_value(text);
    if f.is_empty() {
        return None;
    }
    // "DE" is the usual abbreviation of "demandeur d'emploi", but only alone:
    // the word "de" appears in most French phrases.
    let s = if f == "de" || any_phrase(&f, JOB_SEEKER_PHRASES) || any_stem(&f, JOB_SEEKER_STEMS) {
        Situation::JobSeeker
    } else if any_phrase(&f, SELF_EMPLOYED_PHRASES) || any_stem(&f, SELF_EMPLOYED_STEMS) {
        Situation::SelfEmployed
    } else if any_phrase(&f, FOUNDER_PHRASES) {
        Situation::CompanyFounder
    } else if any_stem(&f, STUDENT_STEMS) {
        Situation::Student
    } else if any_phrase(&f, EMPLOYED_PHRASES) || any_stem(&f, EMPLOYED_STEMS) {
        Situation::Employed
    } else {
        Situation::Other
    };
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::map_situation;
    use crate::Situation::*;

    #[test]
    fn french_and_english_situations_are_recognised() {
        let cases = [
            ("Demandeur d'emploi", JobSeeker),
            ("Demandeuse d’emploi inscrite à France Travail", JobSeeker),
            ("Au chômage", JobSeeker),
            ("Job seeker", JobSeeker),
            ("Sans emploi", JobSeeker),
            ("Salarié(e)", Employed),
            ("En poste (CDI)", Employed),
            ("CDD", Employed),
            ("Intérimaire", Employed),
            ("Employed", Employed),
            ("Indépendante", SelfEmployed),
            ("Auto-entrepreneur", SelfEmployed),
            ("Micro-entrepreneuse", SelfEmployed),
            ("Freelance", SelfEmployed),
            ("Self-employed", SelfEmployed),
            ("Créatrice d'entreprise", CompanyFounder),
            ("Porteur de projet", CompanyFounder),
            ("Entrepreneur social", CompanyFounder),
            ("Founder", CompanyFounder),
            ("Étudiante", Student),
            ("Student", Student),
            ("Alternant", Student),
            ("DE", JobSeeker),
            ("Chef de projet", Other),
            ("Retraité", Other),
        ];
        for (text, expected) in cases {
            assert_eq!(
                map_situation(text),
                Some(expected),
                "{text:?} should map to {expected:?}"
            );
        }
    }

    #[test]
    fn empty_situation_is_none() {
        assert_eq!(map_situation("  "), None);
    }
}
