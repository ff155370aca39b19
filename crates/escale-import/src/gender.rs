//! Mapping the gender cells of registration exports ("F", "Femme", "Mme",
//! "Homme", "M.", "Autre"…, French and English) onto the registry's codes
//! (`fields::GENDERS`). Anything else is kept as written, so that the
//! import's validation reports it and leaves it out, as for any field.

use crate::normalize::fold_value;
use std::collections::BTreeMap;

/// The registry's gender field.
const GENDER: &str = "gender";

/// Replaces a record's gender cell by its code (see the module docs).
pub(crate) fn code_gender(fields: &mut BTreeMap<String, String>) {
    if let Some(g) = fields.get_mut(GENDER) {
        *g = map_gender(g);
    }
}

const FEMALE: &[&str] = &[
    "f",
    "femme",
    "feminin",
    "female",
    "woman",
    "w",
    "mme",
    "madame",
    "mlle",
    "mademoiselle",
];
const MALE: &[&str] = &[
    "h", "m", "homme", "masculin", "male", "man", "monsieur", "mr", "mister",
];
const UNDISCLOSED: &[&str] = &[
    "autre",
    "other",
    "x",
    "non binaire",
    "nb",
    "non communique",
    "non precise",
    "ne souhaite pas repondre",
    "ne se prononce pas",
    "prefer not to say",
    "undisclosed",
];

/// The code of a gender cell, or the cell itself when it says something else.
pub(crate) fn map_gender(text: &str) -> String {
    let f = fold_value(text);
    let code = if FEMALE.contains(&f.as_str()) {
        "female"
    } else if MALE.contains(&f.as_str()) {
        "male"
    } else if UNDISCLOSED.contains(&f.as_str()) {
        "undisclosed"
    } else {
        return text.to_string();
    };
    code.to_string()
}

#[cfg(test)]
mod tests {
    use super::map_gender;

    #[test]
    fn french_and_english_genders_become_codes() {
        for (cell, code) in [
            ("F", "female"),
            ("Femme", "female"),
            ("Mme", "female"),
            ("Madame", "female"),
            ("female", "female"),
            ("H", "male"),
            ("M.", "male"),
            ("Homme", "male"),
            ("Monsieur", "male"),
            ("Male", "male"),
            ("Autre", "undisclosed"),
            ("Non binaire", "undisclosed"),
            ("Ne souhaite pas répondre", "undisclosed"),
            ("undisclosed", "undisclosed"),
        ] {
            assert_eq!(map_gender(cell), code, "{cell}");
        }
    }

    #[test]
    fn anything_else_is_kept_for_validation_to_report() {
        assert_eq!(map_gender("Mardi"), "Mardi");
        assert_eq!(map_gender(""), "");
    }
}
