//! Birth-year extraction from the date shapes registration exports contain:
//! a bare year, `dd/mm/yyyy`, `yyyy-mm-dd` (with or without time), and Excel
//! serial day numbers from XLSX cells.
//!
//! Calendar arithmetic is done here by hand (no date crate): only the year is
//! needed, and the rule is strict — anything outside 1900..=current year is
//! rejected rather than guessed.

/// The current calendar year (UTC), from the one wall clock
/// (`escale_protocol::clock`).
pub(crate) fn current_year() -> i32 {
    let ms = escale_protocol::clock::now_ms().max(0);
    year_from_days(ms / 86_400_000)
}

/// Civil year of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn year_from_days(days: i64) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    i32::try_from(year).unwrap_or(0)
}

/// Year of an Excel serial date (1900 date system). Serial 25569 is 1970-01-01.
pub(crate) fn year_from_excel_serial(serial: f64) -> Option<i32> {
    if !serial.is_finite() || !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let days = serial.floor() as i64 - 25_569;
    Some(year_from_days(days))
}

fn in_range(year: i32, max_year: i32) -> Option<i32> {
    (1900..=max_year).contains(&year).then_some(year)
}

/// Parses a birth year out of a cleaned cell.
///
/// `numeric_is_serial` is true for XLSX cells, where a plain number in a date
/// column is an Excel serial date; a 4-digit number is always read as a year.
pub(crate) fn parse_birth_year(text: &str, numeric_is_serial: bool, max_year: i32) -> Option<i32> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().ok().and_then(|y| in_range(y, max_year));
    }
    if numeric_is_serial {
        if let Ok(serial) = t.parse::<f64>() {
            return year_from_excel_serial(serial).and_then(|y| in_range(y, max_year));
        }
    }
    // Take the date part only ("1990-05-12 00:00:00", "12/05/1990 08:00").
    let date = t.split([' ', 'T']).next().unwrap_or(t);
    let parts: Vec<&str> = date.split(['/', '-', '.']).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (year_str, month_str, day_str) = if parts[0].len() == 4 {
        (parts[0], parts[1], parts[2])
    } else if parts[2].len() == 4 {
        (parts[2], parts[1], parts[0])
    } else {
        // Two-digit years are ambiguous for birth dates (1925 or 2025?): reject.
        return None;
    };
    let year: i32 = year_str.parse().ok()?;
    let month: u32 = month_str.parse().ok()?;
    let day: u32 = day_str.parse().ok()?;
    // Accept both dd/mm and mm/dd (US exports): only the year matters, but a
    // value that is no date at all must not yield a year.
    let plausible =
        (1..=31).contains(&day) && (1..=31).contains(&month) && (day <= 12 || month <= 12);
    if !plausible {
        return None;
    }
    in_range(year, max_year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_year_from_days_matches_known_dates() {
        assert_eq!(year_from_days(0), 1970);
        assert_eq!(year_from_days(-1), 1969);
        assert_eq!(year_from_days(10_957), 2000, "2000-01-01");
        assert_eq!(year_from_days(11_322), 2000, "2000-12-31 (leap year)");
        assert_eq!(year_from_days(11_323), 2001);
    }

    #[test]
    fn excel_serial_dates_give_the_right_year() {
        assert_eq!(
            year_from_excel_serial(32_874.0),
            Some(1990),
            "32874 is 1990-01-01"
        );
        assert_eq!(
            year_from_excel_serial(36_525.5),
            Some(1999),
            "36525 is 1999-12-31"
        );
        assert_eq!(year_from_excel_serial(f64::NAN), None);
    }

    #[test]
    fn birth_year_from_common_shapes() {
        assert_eq!(parse_birth_year("1987", false, 2025), Some(1987));
        assert_eq!(parse_birth_year("12/05/1990", false, 2025), Some(1990));
        assert_eq!(parse_birth_year("1990-05-12", false, 2025), Some(1990));
        assert_eq!(
            parse_birth_year("1990-05-12 00:00:00", false, 2025),
            Some(1990)
        );
        assert_eq!(parse_birth_year("05.12.1990", false, 2025), Some(1990));
        assert_eq!(
            parse_birth_year("32874", true, 2025),
            Some(1990),
            "XLSX serial"
        );
    }

    #[test]
    fn birth_year_outside_range_or_garbage_is_rejected() {
        assert_eq!(parse_birth_year("1899", false, 2025), None, "before 1900");
        assert_eq!(
            parse_birth_year("2031", false, 2025),
            None,
            "after the current year"
        );
        assert_eq!(
            parse_birth_year("12/05/90", false, 2025),
            None,
            "two-digit year is ambiguous"
        );
        assert_eq!(
            parse_birth_year("32874", false, 2025),
            None,
            "a CSV number is not a serial"
        );
        assert_eq!(parse_birth_year("né en mai", false, 2025), None);
        assert_eq!(
            parse_birth_year("45/45/1990", false, 2025),
            None,
            "not a date"
        );
    }
}
