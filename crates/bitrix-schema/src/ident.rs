//! Rust identifiers from portal text: labels such as "Доставка до двери", field codes such
//! as `UF_CRM_1724077760`, stage names.
//!
//! The code generator runs every name through the same three steps: [`to_upper_camel`] or
//! [`to_snake`] (transliterate and split into words), then [`sanitize_type_ident`] or
//! [`sanitize_field_ident`] (make it a legal identifier), then [`dedupe`] over all names of
//! one scope. Each step is deterministic, so the same schema always gives the same code.

use std::collections::HashSet;

// ---------------------------------------------------------------------------------------------
// Transliteration
// ---------------------------------------------------------------------------------------------

/// Non-ASCII text to ASCII: Cyrillic (Russian, Ukrainian, Belarusian, Kazakh letters) by a
/// readable scheme close to common Russian passport romanisation, Latin letters with
/// accents by dropping the accent, typographic quotes, dashes and spaces to their ASCII
/// forms. Anything else (CJK, emoji, other scripts) is dropped. ASCII passes unchanged.
///
/// ```
/// use bitrix_schema::ident::transliterate;
/// assert_eq!(transliterate("Курьер"), "Kurer");
/// assert_eq!(transliterate("Доставка до двери"), "Dostavka do dveri");
/// assert_eq!(transliterate("Crème brûlée"), "Creme brulee");
/// ```
///
/// The scheme cannot know the language: Ukrainian `г` is written `g` as in Russian, not `h`.
pub fn transliterate(text: &str) -> String {
    transliterate_with(text, Unknown::Drop)
}

/// What to do with a character the tables do not know.
#[derive(Clone, Copy, PartialEq)]
enum Unknown {
    Drop,
    /// Drop letters of other scripts but turn symbols (emoji, CJK punctuation) into spaces,
    /// so that the words on either side stay separate words.
    SeparateSymbols,
}

fn transliterate_with(text: &str, unknown: Unknown) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if let Some(ascii) = punctuation(c) {
            out.push(ascii);
            continue;
        }
        let lower = single_lowercase(c);
        let Some(latin) = letter(lower) else {
            if unknown == Unknown::SeparateSymbols && !c.is_alphanumeric() {
                out.push(' ');
            }
            continue;
        };
        if lower == c {
            out.push_str(latin);
        } else {
            push_capitalised(&mut out, latin, shouting(&chars, i));
        }
    }
    out
}

/// The lowercase form when it is one character (`İ` lowercases to two and is kept as is).
fn single_lowercase(c: char) -> char {
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Whether an upper-case letter at `i` sits in an all-caps word, so that `Ж` becomes `ZH`
/// in "ЖУК" but `Zh` in "Жук".
fn shouting(chars: &[char], i: usize) -> bool {
    let is_upper = |j: usize| chars.get(j).is_some_and(|c| c.is_uppercase());
    let is_letter = |j: usize| chars.get(j).is_some_and(|c| c.is_alphabetic());
    if is_letter(i + 1) {
        is_upper(i + 1)
    } else {
        i > 0 && is_upper(i - 1)
    }
}

fn push_capitalised(out: &mut String, latin: &str, all_caps: bool) {
    if all_caps {
        out.push_str(&latin.to_ascii_uppercase());
    } else {
        let mut chars = latin.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.push_str(chars.as_str());
        }
    }
}

fn punctuation(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{02bc}' | '\u{2032}' => Some('\''),
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{00ab}' | '\u{00bb}' => Some('"'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' => Some('-'),
        '\u{2116}' => Some('N'),
        c if c.is_whitespace() => Some(' '),
        _ => None,
    }
}

/// Lower-case letters only; upper case is derived from these.
fn letter(c: char) -> Option<&'static str> {
    let latin = match c {
        // Russian.
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' | 'э' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' => "i",
        'й' | 'ы' => "y",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        // Signs carry no sound of their own: "Курьер" reads best as "Kurer".
        'ъ' | 'ь' => "",
        'ю' => "yu",
        'я' => "ya",
        // Ukrainian and Belarusian.
        'є' => "ye",
        'і' => "i",
        'ї' => "yi",
        'ґ' => "g",
        'ў' => "u",
        // Kazakh.
        'ә' => "a",
        'ғ' => "gh",
        'қ' => "q",
        'ң' => "ng",
        'ө' => "o",
        'ұ' | 'ү' => "u",
        'һ' => "h",
        // Latin with accents.
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì' | 'í' | 'î' | 'ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' | 'ț' => "t",
        'þ' => "th",
        'ù' | 'ú' | 'û' | 'ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    };
    Some(latin)
}

// ---------------------------------------------------------------------------------------------
// Words and cases
// ---------------------------------------------------------------------------------------------

/// The ASCII words of `text`. Words end at anything that is not a letter or digit, at a
/// lower-case letter or digit followed by a capital (`assignedBy|Id`, `10|Digit`), at the
/// last capital of an acronym (`HTTP|Server`) and at a letter followed by a digit
/// (`Crm|44`). Apostrophes join rather than split, so "Children's" is one word.
fn words(text: &str) -> Vec<String> {
    let ascii = transliterate_with(text, Unknown::SeparateSymbols);
    let chars: Vec<char> = ascii.chars().filter(|c| !matches!(c, '\'' | '`')).collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&prev) = i.checked_sub(1).and_then(|p| chars.get(p)) {
            let next = chars.get(i + 1).copied();
            let boundary = ((prev.is_ascii_lowercase() || prev.is_ascii_digit())
                && c.is_ascii_uppercase())
                || (prev.is_ascii_uppercase()
                    && c.is_ascii_uppercase()
                    && next.is_some_and(|n| n.is_ascii_lowercase()))
                || (prev.is_ascii_alphabetic() && c.is_ascii_digit());
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `UpperCamelCase` from any text, transliterated: "Children's Radio" → `ChildrensRadio`,
/// "Доставка до двери" → `DostavkaDoDveri`, `UF_CRM_1724077760` → `UfCrm1724077760`.
/// Two numbers in a row keep an `_` between them (`UfCrm44_1721812760630`) so they stay
/// readable. The result can be empty or start with a digit: pass it through
/// [`sanitize_type_ident`].
pub fn to_upper_camel(text: &str) -> String {
    let mut out = String::new();
    for word in words(text) {
        if out.ends_with(|c: char| c.is_ascii_digit())
            && word.starts_with(|c: char| c.is_ascii_digit())
        {
            out.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
    }
    out
}

/// `snake_case` from any text, transliterated: `UF_CRM_1724077760` → `uf_crm_1724077760`,
/// `assignedById` → `assigned_by_id`, "Самовывоз" → `samovyvoz`. The result can be empty or
/// start with a digit: pass it through [`sanitize_field_ident`].
pub fn to_snake(text: &str) -> String {
    words(text)
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("_")
}

// ---------------------------------------------------------------------------------------------
// Legal identifiers
// ---------------------------------------------------------------------------------------------

/// Strict keywords of every edition and the reserved ones, 2024's `gen` included. Weak
/// keywords (`union`, `macro_rules`, `raw`, `safe`) are ordinary identifiers where we use
/// them.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "typeof",
    "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that `r#` cannot escape.
const NOT_RAW: &[&str] = &["Self", "crate", "self", "super"];

/// Which kind of identifier is being made; they differ only in the prefix before a
/// leading digit.
#[derive(Clone, Copy)]
enum IdentKind {
    Type,
    Field,
}

/// A legal Rust type (struct, enum, variant) name from `candidate`, normally the output of
/// [`to_upper_camel`]:
/// - characters other than ASCII letters, digits and `_` are dropped;
/// - if nothing but underscores is left, `fallback` is used instead (sanitised the same
///   way; `Unnamed` if it is empty too);
/// - a leading digit gets the prefix `N` (`1stChoice` → `N1stChoice`), which keeps the
///   name UpperCamelCase;
/// - a keyword becomes a raw identifier (`r#match`), except `Self`, `self`, `super` and
///   `crate`, which cannot be raw and get a `_` suffix (`Self_`).
pub fn sanitize_type_ident(candidate: &str, fallback: &str) -> String {
    sanitize(candidate, fallback, IdentKind::Type)
}

/// A legal Rust field (or function, module) name from `candidate`, normally the output of
/// [`to_snake`]. The same rules as [`sanitize_type_ident`] except that a leading digit gets
/// the prefix `_` (`1st_choice` → `_1st_choice`) and the last resort is `unnamed`.
pub fn sanitize_field_ident(candidate: &str, fallback: &str) -> String {
    sanitize(candidate, fallback, IdentKind::Field)
}

fn sanitize(candidate: &str, fallback: &str, kind: IdentKind) -> String {
    let keep = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let usable = |s: &String| !s.trim_matches('_').is_empty();

    let mut ident = keep(candidate);
    if !usable(&ident) {
        ident = keep(fallback);
    }
    if !usable(&ident) {
        ident = match kind {
            IdentKind::Type => "Unnamed".to_string(),
            IdentKind::Field => "unnamed".to_string(),
        };
    }

    if ident.starts_with(|c: char| c.is_ascii_digit()) {
        let prefix = match kind {
            IdentKind::Type => "N",
            IdentKind::Field => "_",
        };
        ident.insert_str(0, prefix);
    }

    if NOT_RAW.contains(&ident.as_str()) {
        ident.push('_');
    } else if KEYWORDS.contains(&ident.as_str()) {
        ident.insert_str(0, "r#");
    }
    ident
}

// ---------------------------------------------------------------------------------------------
// De-duplication
// ---------------------------------------------------------------------------------------------

/// Unique names, in the input's order: the first occurrence of a name keeps it, each later
/// one gets the smallest number from 2 up that makes it unique (`Foo`, `Foo2`, `Foo3`).
/// Every name in the input is reserved, so a later original `Foo2` keeps its name and the
/// duplicate becomes `Foo3`. A name ending in a digit gets `_` before the number
/// (`Stage1`, `Stage1_2`) so that the numbers do not run together.
///
/// ```
/// use bitrix_schema::ident::dedupe;
/// let names = ["Kurer", "Kurer", "Kurer2"].map(String::from).to_vec();
/// assert_eq!(dedupe(names), ["Kurer", "Kurer3", "Kurer2"]);
/// ```
pub fn dedupe(names: Vec<String>) -> Vec<String> {
    let reserved: HashSet<String> = names.iter().cloned().collect();
    let mut used: HashSet<String> = HashSet::with_capacity(names.len());
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if used.insert(name.clone()) {
            out.push(name);
            continue;
        }
        let separator = if name.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        // At most `names.len()` candidates can be taken, so this ends within that many steps.
        let unique = (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| !reserved.contains(candidate) && !used.contains(candidate))
            .unwrap_or_default();
        used.insert(unique.clone());
        out.push(unique);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    // -- Transliteration, by script. --

    #[test]
    fn russian_labels() {
        assert_eq!(transliterate("Курьер"), "Kurer");
        assert_eq!(transliterate("Самовывоз"), "Samovyvoz");
        assert_eq!(transliterate("Доставка до двери"), "Dostavka do dveri");
        assert_eq!(transliterate("Щука, ёж и чай"), "Shchuka, ezh i chay");
        assert_eq!(transliterate("Объём"), "Obem");
        assert_eq!(transliterate("Хлеб Цех Юг Яма"), "Khleb Tsekh Yug Yama");
    }

    #[test]
    fn capitals_follow_the_word() {
        assert_eq!(transliterate("Жук"), "Zhuk");
        assert_eq!(transliterate("ЖУК"), "ZHUK");
        assert_eq!(transliterate("ПЛАЩ"), "PLASHCH");
        assert_eq!(transliterate("Ш"), "Sh");
        assert_eq!(transliterate("КУРЬЕР"), "KURER");
    }

    #[test]
    fn ukrainian_belarusian_kazakh() {
        assert_eq!(transliterate("Єва"), "Yeva");
        assert_eq!(transliterate("Їжак"), "Yizhak");
        assert_eq!(transliterate("Ґанок"), "Ganok");
        assert_eq!(transliterate("Мінськ"), "Minsk");
        assert_eq!(transliterate("праўда"), "prauda");
        assert_eq!(transliterate("Қазақстан"), "Qazaqstan");
        assert_eq!(
            transliterate("Ғалым Әлем Өнер Ұлы Үй Һ Ң"),
            "Ghalym Alem Oner Uly Uy H Ng"
        );
    }

    #[test]
    fn latin_accents() {
        assert_eq!(transliterate("Crème brûlée"), "Creme brulee");
        assert_eq!(transliterate("Łódź"), "Lodz");
        assert_eq!(transliterate("Straße"), "Strasse");
        assert_eq!(transliterate("Ærø"), "Aero");
        assert_eq!(transliterate("Ñandú Šťastný"), "Nandu Stastny");
    }

    #[test]
    fn typography_becomes_ascii() {
        assert_eq!(transliterate("«Курьер»"), "\"Kurer\"");
        assert_eq!(transliterate("Children’s"), "Children's");
        assert_eq!(transliterate("A\u{a0}—\u{a0}B"), "A - B");
        assert_eq!(transliterate("№ 5"), "N 5");
    }

    #[test]
    fn other_scripts_and_emoji_are_dropped() {
        assert_eq!(transliterate("配送"), "");
        assert_eq!(transliterate("🚚 Доставка"), " Dostavka");
        assert_eq!(transliterate("Pizza🍕Pasta"), "PizzaPasta");
        assert_eq!(transliterate("plain ASCII_1"), "plain ASCII_1");
    }

    // -- Word splitting and cases. --

    #[test]
    fn upper_camel_from_labels() {
        assert_eq!(to_upper_camel("Children's Radio"), "ChildrensRadio");
        assert_eq!(to_upper_camel("Children’s Radio"), "ChildrensRadio");
        assert_eq!(to_upper_camel("Курьер"), "Kurer");
        assert_eq!(to_upper_camel("Самовывоз"), "Samovyvoz");
        assert_eq!(to_upper_camel("Доставка до двери"), "DostavkaDoDveri");
        assert_eq!(to_upper_camel("ДОСТАВКА ДО ДВЕРИ"), "DostavkaDoDveri");
        assert_eq!(to_upper_camel("\"Best\" price (new)"), "BestPriceNew");
        assert_eq!(to_upper_camel("[VIP] client / {gold}"), "VipClientGold");
        assert_eq!(to_upper_camel("1st choice"), "1stChoice");
        assert_eq!(to_upper_camel("配送 Курьер"), "Kurer");
    }

    #[test]
    fn upper_camel_from_codes() {
        assert_eq!(to_upper_camel("UF_CRM_1724077760"), "UfCrm1724077760");
        assert_eq!(
            to_upper_camel("UF_CRM_44_1721812760630"),
            "UfCrm44_1721812760630"
        );
        assert_eq!(to_upper_camel("assignedById"), "AssignedById");
        assert_eq!(to_upper_camel("HTTPServer"), "HttpServer");
        assert_eq!(to_upper_camel("C9:UC_KN8KFI"), "C9UcKn8Kfi");
    }

    #[test]
    fn snake_from_codes_and_labels() {
        assert_eq!(to_snake("UF_CRM_1724077760"), "uf_crm_1724077760");
        assert_eq!(to_snake("assignedById"), "assigned_by_id");
        assert_eq!(to_snake("ufCrm44_1721812760630"), "uf_crm_44_1721812760630");
        assert_eq!(
            to_snake("UF_CRM_44_1721812760630"),
            "uf_crm_44_1721812760630"
        );
        assert_eq!(to_snake("parentId1220"), "parent_id_1220");
        assert_eq!(to_snake("ufCrm10Digit"), "uf_crm_10_digit");
        assert_eq!(to_snake("Доставка до двери"), "dostavka_do_dveri");
        assert_eq!(to_snake("1st choice"), "1st_choice");
        assert_eq!(to_snake("Pizza🍕Pasta"), "pizza_pasta");
        assert_eq!(to_snake("Children's Radio"), "childrens_radio");
        assert_eq!(to_snake("🚚"), "");
    }

    // -- Legal identifiers. --

    #[test]
    fn keywords_become_raw_or_get_a_suffix() {
        assert_eq!(sanitize_field_ident("type", "f"), "r#type");
        assert_eq!(sanitize_field_ident("match", "f"), "r#match");
        assert_eq!(sanitize_field_ident("gen", "f"), "r#gen");
        assert_eq!(sanitize_field_ident("try", "f"), "r#try");
        assert_eq!(sanitize_field_ident("self", "f"), "self_");
        assert_eq!(sanitize_field_ident("super", "f"), "super_");
        assert_eq!(sanitize_field_ident("crate", "f"), "crate_");
        assert_eq!(sanitize_type_ident("Self", "T"), "Self_");
        assert_eq!(sanitize_type_ident("match", "T"), "r#match");
        // Not keywords: weak keywords and capitalised forms.
        assert_eq!(sanitize_field_ident("union", "f"), "union");
        assert_eq!(sanitize_type_ident("Type", "T"), "Type");
        assert_eq!(sanitize_type_ident("Match", "T"), "Match");
    }

    #[test]
    fn leading_digits_get_a_prefix() {
        assert_eq!(
            sanitize_type_ident(&to_upper_camel("1st choice"), "T"),
            "N1stChoice"
        );
        assert_eq!(
            sanitize_field_ident(&to_snake("1st choice"), "f"),
            "_1st_choice"
        );
        assert_eq!(sanitize_type_ident("404", "T"), "N404");
    }

    #[test]
    fn empty_names_use_the_fallback() {
        assert_eq!(
            sanitize_type_ident(&to_upper_camel("🚚"), "Stage12"),
            "Stage12"
        );
        assert_eq!(
            sanitize_field_ident(&to_snake("配送"), "field_7"),
            "field_7"
        );
        assert_eq!(sanitize_field_ident("_", "field_7"), "field_7");
        assert_eq!(sanitize_field_ident("__", "field_7"), "field_7");
        // The fallback is sanitised too, and there is a last resort.
        assert_eq!(sanitize_type_ident("", "7"), "N7");
        assert_eq!(sanitize_type_ident("", ""), "Unnamed");
        assert_eq!(sanitize_field_ident("", "-"), "unnamed");
        assert_eq!(sanitize_field_ident("", "type"), "r#type");
    }

    #[test]
    fn stray_characters_are_dropped() {
        assert_eq!(sanitize_field_ident("a-b c", "f"), "abc");
        assert_eq!(sanitize_type_ident("Kurer!", "T"), "Kurer");
        assert_eq!(sanitize_field_ident("_private", "f"), "_private");
    }

    // -- De-duplication. --

    #[test]
    fn transliteration_collisions_are_numbered() {
        let names = ["Курьер", "Kurer", "Самовывоз"]
            .iter()
            .map(|label| sanitize_type_ident(&to_upper_camel(label), "Variant"))
            .collect();
        assert_eq!(dedupe(names), ["Kurer", "Kurer2", "Samovyvoz"]);
    }

    #[test]
    fn dedupe_numbers_in_input_order() {
        let names = strings(&["A", "B", "A", "A", "B"]);
        assert_eq!(dedupe(names), ["A", "B", "A2", "A3", "B2"]);
    }

    #[test]
    fn dedupe_never_takes_an_existing_name() {
        assert_eq!(
            dedupe(strings(&["Foo", "Foo", "Foo2"])),
            ["Foo", "Foo3", "Foo2"]
        );
        assert_eq!(
            dedupe(strings(&["Foo2", "Foo", "Foo", "Foo3", "Foo"])),
            ["Foo2", "Foo", "Foo4", "Foo3", "Foo5"]
        );
    }

    #[test]
    fn dedupe_separates_numbers() {
        assert_eq!(
            dedupe(strings(&["Stage1", "Stage1"])),
            ["Stage1", "Stage1_2"]
        );
        assert_eq!(
            dedupe(strings(&["uf_crm_1", "uf_crm_1"])),
            ["uf_crm_1", "uf_crm_1_2"]
        );
    }

    #[test]
    fn dedupe_is_stable_and_unique() {
        let names: Vec<String> = (0..60).map(|i| format!("N{}", i % 7)).collect();
        let first = dedupe(names.clone());
        assert_eq!(first, dedupe(names));
        let unique: HashSet<&String> = first.iter().collect();
        assert_eq!(unique.len(), first.len());
        assert_eq!(first[7], "N0_2");
        assert_eq!(dedupe(Vec::new()), Vec::<String>::new());
    }
}
