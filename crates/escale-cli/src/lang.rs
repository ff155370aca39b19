//! Which language the CLI speaks: `--lang`, else the POSIX locale variables
//! (LC_ALL, then LC_MESSAGES, then LANG, the first one set), else the
//! system's locale; French when nothing says English.

use crate::args::LangArg;
use escale_core::Lang;

/// Picks the language from the flag, an environment lookup and a system
/// lookup (both injected so the rule can be tested without touching the
/// process environment).
pub fn select(
    flag: Option<LangArg>,
    env: impl Fn(&str) -> Option<String>,
    system: impl FnOnce() -> Option<String>,
) -> Lang {
    if let Some(f) = flag {
        return match f {
            LangArg::Fr => Lang::Fr,
            LangArg::En => Lang::En,
        };
    }
    let from_env = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| env(k).filter(|v| !v.trim().is_empty()));
    // "C" / "POSIX" say nothing about a language: ask the system instead.
    match from_env.filter(|v| !matches!(v.as_str(), "C" | "POSIX") && !v.starts_with("C.")) {
        Some(locale) => Lang::from_locale(&locale),
        None => system().map(|l| Lang::from_locale(&l)).unwrap_or_default(),
    }
}

/// The language for this process.
pub fn detect(flag: Option<LangArg>) -> Lang {
    select(flag, |k| std::env::var(k).ok(), sys_locale::get_locale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_wins_over_the_environment() {
        let lang = select(Some(LangArg::Fr), env(&[("LANG", "en_GB.UTF-8")]), || None);
        assert_eq!(lang, Lang::Fr, "--lang fr must win over LANG=en");
    }

    #[test]
    fn lc_all_wins_over_lc_messages_and_lang() {
        let vars = [
            ("LC_ALL", "en_US.UTF-8"),
            ("LC_MESSAGES", "fr_FR.UTF-8"),
            ("LANG", "fr_FR.UTF-8"),
        ];
        assert_eq!(
            select(None, env(&vars), || None),
            Lang::En,
            "LC_ALL overrides the others, as in POSIX"
        );
        let vars = [("LC_MESSAGES", "en_US.UTF-8"), ("LANG", "fr_FR.UTF-8")];
        assert_eq!(
            select(None, env(&vars), || None),
            Lang::En,
            "LC_MESSAGES overrides LANG"
        );
    }

    #[test]
    fn without_a_locale_the_system_then_french_decides() {
        assert_eq!(
            select(None, env(&[]), || Some("en-GB".into())),
            Lang::En,
            "the system locale is the fallback"
        );
        assert_eq!(
            select(None, env(&[("LANG", "C.UTF-8")]), || Some("en-US".into())),
            Lang::En,
            "C says nothing"
        );
        assert_eq!(
            select(None, env(&[]), || None),
            Lang::Fr,
            "French is the product's first language"
        );
        assert_eq!(
            select(None, env(&[("LANG", "de_DE.UTF-8")]), || None),
            Lang::Fr,
            "non-English falls back to French"
        );
    }
}
