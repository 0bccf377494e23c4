//! Request parameters: PHP bracket syntax (`filter[>ID]=5&select[]=ID`) in query strings and
//! form bodies, and the reverse (`http_build_query`) for outgoing event bodies.
//!
//! Every transport ends up as one JSON object so that the methods never care how a value
//! arrived. Form values stay strings, as PHP sees them; the methods coerce them.

use serde_json::{Map, Value};

/// Parses `a=1&b[x]=2&c[]=3&c[]=4` into `{"a":"1","b":{"x":"2"},"c":["3","4"]}`.
///
/// Maps whose keys are exactly `0..n` in order become arrays, as PHP's `json_encode` would
/// print them, because clients send lists both as `select[]=` and as `select[0]=`.
pub(crate) fn parse_php_query(query: &str) -> Map<String, Value> {
    let mut root = Map::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        insert_php_key(&mut root, &key, Value::String(value.into_owned()));
    }
    let mut root = Value::Object(root);
    normalize_lists(&mut root);
    match root {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn split_key(key: &str) -> (String, Vec<String>) {
    let Some(open) = key.find('[') else {
        return (key.to_owned(), Vec::new());
    };
    let base = key[..open].to_owned();
    let mut parts = Vec::new();
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        match stripped.find(']') {
            Some(close) => {
                parts.push(stripped[..close].to_owned());
                rest = &stripped[close + 1..];
            }
            None => break,
        }
    }
    if base.is_empty() {
        // PHP ignores keys like `[a]=1`; keep the whole text as a plain key instead of
        // losing the value.
        return (key.to_owned(), Vec::new());
    }
    (base, parts)
}

fn next_php_index(map: &Map<String, Value>) -> String {
    let max = map.keys().filter_map(|k| k.parse::<i64>().ok()).max();
    match max {
        Some(m) => (m + 1).to_string(),
        None => "0".to_owned(),
    }
}

fn insert_php_key(root: &mut Map<String, Value>, key: &str, value: Value) {
    let (base, parts) = split_key(key);
    if parts.is_empty() {
        root.insert(base, value);
        return;
    }
    let mut slot = root
        .entry(base)
        .or_insert_with(|| Value::Object(Map::new()));
    for (i, part) in parts.iter().enumerate() {
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(map) = slot else { return };
        let name = if part.is_empty() {
            next_php_index(map)
        } else {
            part.clone()
        };
        if i + 1 == parts.len() {
            map.insert(name, value);
            return;
        }
        slot = map.entry(name).or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Turns objects keyed `"0".."n-1"` (in that order) into arrays, recursively.
pub(crate) fn normalize_lists(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for v in map.values_mut() {
                normalize_lists(v);
            }
            let sequential =
                !map.is_empty() && map.keys().enumerate().all(|(i, k)| k == &i.to_string());
            if sequential {
                let items: Vec<Value> = std::mem::take(map).into_iter().map(|(_, v)| v).collect();
                *value = Value::Array(items);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalize_lists),
        _ => {}
    }
}

/// Serialises like PHP's `http_build_query`: nested keys as `a[b][0]`, brackets
/// percent-encoded, spaces as `+`.
pub(crate) fn build_php_query(pairs: &[(String, String)]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        out.append_pair(k, v);
    }
    out.finish()
}

/// Reads a parameter as PHP would treat it as a flag: `1`, `"1"`, `"Y"`, `"true"`, `true`.
pub(crate) fn truthy(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => {
            matches!(s.to_ascii_lowercase().as_str(), "1" | "y" | "true" | "yes")
        }
        _ => false,
    }
}

/// Reads an integer parameter sent as a number or a numeric string.
pub(crate) fn as_i64(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Case-insensitive lookup of a top-level parameter (PHP clients send `ID`, JSON clients
/// `id`; Bitrix methods accept both).
pub(crate) fn param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    params.get(name).or_else(|| {
        params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn brackets_build_nested_maps_and_lists() {
        let p = parse_php_query("filter%5B%3EID%5D=5&select[]=ID&select[]=TITLE&order[ID]=DESC");
        assert_eq!(
            Value::Object(p),
            json!({"filter": {">ID": "5"}, "select": ["ID", "TITLE"], "order": {"ID": "DESC"}})
        );
    }

    #[test]
    fn numbered_keys_become_lists_and_cmd_values_are_decoded_once() {
        let p = parse_php_query("select[0]=ID&select[1]=TITLE&cmd[a]=crm.deal.list%3Fstart%3D0");
        assert_eq!(p["select"], json!(["ID", "TITLE"]));
        assert_eq!(p["cmd"], json!({"a": "crm.deal.list?start=0"}));
    }

    #[test]
    fn deep_keys_and_mixed_lists() {
        let p = parse_php_query("fields[PHONE][0][VALUE]=1&fields[PHONE][0][VALUE_TYPE]=WORK");
        assert_eq!(
            p["fields"],
            json!({"PHONE": [{"VALUE": "1", "VALUE_TYPE": "WORK"}]})
        );
        let q = parse_php_query("a[3]=x&a[]=y");
        assert_eq!(q["a"], json!({"3": "x", "4": "y"}));
    }

    #[test]
    fn build_query_encodes_brackets_like_php() {
        let s = build_php_query(&[
            ("event".into(), "ONCRMDEALUPDATE".into()),
            ("data[FIELDS][ID]".into(), "662".into()),
        ]);
        assert_eq!(s, "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=662");
    }

    #[test]
    fn truthy_and_int_readers() {
        assert!(truthy(Some(&json!("Y"))));
        assert!(truthy(Some(&json!(1))));
        assert!(!truthy(Some(&json!("0"))));
        assert!(!truthy(None));
        assert_eq!(as_i64(Some(&json!("42"))), Some(42));
        assert_eq!(as_i64(Some(&json!("x"))), None);
    }
}
