//! PHP's bracket syntax for nested parameters: encoding batch commands
//! (`crm.deal.list?filter[>ID]=5&select[0]=ID`) and decoding event posts
//! (`data[FIELDS][ID]=662`).

use serde_json::{Map, Value};

/// Encodes parameters the way PHP's `http_build_query` does: nested keys in brackets,
/// `true`/`false` as `1`/`0`, `null` left out.
///
/// Empty arrays and objects are left out too, as PHP does; the portal then never sees the
/// key. A caller that needs "empty" must send a value such as `""` instead.
pub(crate) fn encode(params: &Map<String, Value>) -> String {
    let mut pairs = Vec::new();
    for (key, value) in params {
        flatten(&encode_part(key), value, &mut pairs);
    }
    pairs
        .into_iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode_part(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

fn flatten(key: &str, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((key.to_string(), if *b { "1" } else { "0" }.to_string())),
        Value::Number(n) => out.push((key.to_string(), n.to_string())),
        Value::String(s) => out.push((key.to_string(), encode_part(s))),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(&format!("{key}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                flatten(&format!("{key}[{}]", encode_part(k)), item, out);
            }
        }
    }
}

/// Decodes a form body with bracket keys into nested JSON objects (all values strings).
/// `key[]` appends; a later value for the same key replaces the earlier one, as in PHP.
pub(crate) fn decode(body: &[u8]) -> Map<String, Value> {
    let mut root = Map::new();
    for (key, value) in form_urlencoded::parse(body) {
        let (base, path) = split_key(&key);
        insert(&mut root, base, &path, Value::String(value.into_owned()));
    }
    root
}

/// `a[b][c]` → (`a`, [`b`, `c`]); text after an unclosed bracket is dropped like PHP does.
fn split_key(key: &str) -> (String, Vec<String>) {
    let Some(open) = key.find('[').filter(|&i| i > 0) else {
        return (key.to_string(), Vec::new());
    };
    let mut parts = Vec::new();
    let mut rest = &key[open..];
    while let Some(inner) = rest.strip_prefix('[') {
        let Some(close) = inner.find(']') else { break };
        parts.push(inner[..close].to_string());
        rest = &inner[close + 1..];
    }
    (key[..open].to_string(), parts)
}

fn insert(map: &mut Map<String, Value>, key: String, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        map.insert(key, value);
        return;
    };
    let slot = map.entry(key).or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    let Value::Object(child) = slot else { return };
    let name = if first.is_empty() {
        let next = child
            .keys()
            .filter_map(|k| k.parse::<u64>().ok())
            .max()
            .map_or(0, |m| m + 1);
        next.to_string()
    } else {
        first.clone()
    };
    insert(child, name, rest, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn encodes_nested_parameters_like_http_build_query() {
        let params = json!({
            "filter": {">ID": 5, "%TITLE": "a b&c"},
            "select": ["ID", "TITLE"],
            "order": {"ID": "ASC"},
            "flag": true,
            "nothing": null,
            "empty": []
        });
        assert_eq!(
            encode(params.as_object().unwrap()),
            "filter[%3EID]=5&filter[%25TITLE]=a+b%26c&select[0]=ID&select[1]=TITLE\
             &order[ID]=ASC&flag=1"
        );
    }

    #[test]
    fn references_survive_encoding_as_values() {
        let params = json!({"filter": {">ID": "$result[p0][49][ID]"}});
        let text = encode(params.as_object().unwrap());
        assert_eq!(text, "filter[%3EID]=%24result%5Bp0%5D%5B49%5D%5BID%5D");
        let back = decode(text.as_bytes());
        assert_eq!(back["filter"][">ID"], json!("$result[p0][49][ID]"));
    }

    #[test]
    fn decodes_the_event_fixture() {
        let path = format!(
            "{}/../../fixtures/event.ONCRMDEALUPDATE.outgoing-webhook.form.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        let body = std::fs::read(path).unwrap();
        let map = decode(body.trim_ascii_end());
        assert_eq!(map["event"], json!("ONCRMDEALUPDATE"));
        assert_eq!(map["data"]["FIELDS"]["ID"], json!("662"));
        assert_eq!(map["ts"], json!("1724140800"));
        assert_eq!(map["auth"]["domain"], json!("example.bitrix24.com"));
    }

    #[test]
    fn appends_and_odd_keys() {
        let map = decode(b"a[]=1&a[]=2&b[x]=1&b=2&[c]=3&d[e=4");
        assert_eq!(map["a"], json!({"0": "1", "1": "2"}));
        assert_eq!(map["b"], json!("2"));
        assert_eq!(map["[c]"], json!("3"));
        assert_eq!(map["d"], json!("4"));
    }
}
