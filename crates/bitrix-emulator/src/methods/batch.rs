//! `batch`: up to 50 commands `id → "method?query"`, `$result[...]` references, `halt`.

use serde_json::{Map, Value, json};

use super::Output;
use crate::error::ApiError;
use crate::params::{normalize_lists, param, parse_php_query, truthy};

pub(crate) const MAX_COMMANDS: usize = 50;

/// Results gathered so far, for references.
#[derive(Default)]
struct Sections {
    result: Map<String, Value>,
    error: Map<String, Value>,
    total: Map<String, Value>,
    next: Map<String, Value>,
    time: Map<String, Value>,
}

/// Follows `[a][0][B]` from `root`. `None` when the path leaves the data.
fn follow<'a>(root: &'a Value, path: &[String]) -> Option<&'a Value> {
    path.iter().try_fold(root, |v, key| match v {
        Value::Object(m) => m.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// Parses one reference at the start of `text`: `$result[cmd][a][0]`, `$result_total[cmd]`,
/// `$result_next[cmd]`. Returns the section, the path and the length consumed.
fn parse_ref(text: &str) -> Option<(&'static str, Vec<String>, usize)> {
    let (section, prefix) = [
        ("result_total", "$result_total"),
        ("result_next", "$result_next"),
        ("result", "$result"),
    ]
    .into_iter()
    .find(|(_, p)| text.starts_with(p) && text[p.len()..].starts_with('['))?;
    let mut pos = prefix.len();
    let mut path = Vec::new();
    while text[pos..].starts_with('[') {
        let close = text[pos..].find(']')?;
        path.push(text[pos + 1..pos + close].to_owned());
        pos += close + 1;
    }
    Some((section, path, pos))
}

fn lookup<'a>(sections: &'a Sections, section: &str, path: &[String]) -> Option<&'a Value> {
    let (first, rest) = path.split_first()?;
    let root = match section {
        "result_total" => sections.total.get(first)?,
        "result_next" => sections.next.get(first)?,
        _ => sections.result.get(first)?,
    };
    follow(root, rest)
}

/// Substitutes references in one string parameter value. A value that is exactly one
/// reference becomes the referenced value itself (possibly an array); inside longer text only
/// scalars are substituted and anything else is left as written.
fn substitute(text: &str, sections: &Sections) -> Value {
    if let Some((section, path, len)) = parse_ref(text)
        && len == text.len()
    {
        return lookup(sections, section, &path)
            .cloned()
            .unwrap_or(Value::String(text.into()));
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        match parse_ref(tail) {
            Some((section, path, len)) => {
                match lookup(sections, section, &path) {
                    Some(Value::String(s)) => out.push_str(s),
                    Some(Value::Number(n)) => out.push_str(&n.to_string()),
                    _ => out.push_str(&tail[..len]),
                }
                rest = &tail[len..];
            }
            None => {
                out.push('$');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    Value::String(out)
}

fn substitute_all(value: &mut Value, sections: &Sections) {
    match value {
        Value::String(s) if s.contains("$result") => *value = substitute(s, sections),
        Value::Array(items) => items.iter_mut().for_each(|v| substitute_all(v, sections)),
        Value::Object(map) => map.values_mut().for_each(|v| substitute_all(v, sections)),
        _ => {}
    }
}

/// Section as PHP prints it: `[]` when empty, a list when keyed `0..n`.
fn section(map: Map<String, Value>) -> Value {
    if map.is_empty() {
        return json!([]);
    }
    let mut v = Value::Object(map);
    if let Value::Object(m) = &v
        && m.keys().enumerate().all(|(i, k)| k == &i.to_string())
    {
        v = Value::Array(m.values().cloned().collect());
    }
    v
}

/// One executed sub-call: the method's answer and its `time` block.
pub(crate) type Exec<'a> =
    dyn FnMut(&str, &Map<String, Value>) -> (Result<Output, ApiError>, Value) + 'a;

pub(crate) fn run(params: &Map<String, Value>, exec: &mut Exec<'_>) -> Result<Output, ApiError> {
    let commands: Vec<(String, String)> = match param(params, "cmd") {
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.as_str().unwrap_or_default().to_owned()))
            .collect(),
        _ => {
            return Err(ApiError::new(
                400,
                "INVALID_REQUEST",
                "Parameter 'cmd' is required",
            ));
        }
    };
    if commands.len() > MAX_COMMANDS {
        return Err(ApiError::new(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            "Max batch length exceeded",
        ));
    }
    let halt = truthy(param(params, "halt"));
    let mut s = Sections::default();
    for (key, command) in commands {
        let (method, query) = command.split_once('?').unwrap_or((command.as_str(), ""));
        let method = method.trim().trim_end_matches(".json").to_ascii_lowercase();
        let mut sub = Value::Object(parse_php_query(query));
        substitute_all(&mut sub, &s);
        normalize_lists(&mut sub);
        let sub = match sub {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        let (answer, time) = if method == "batch" {
            let e = ApiError::new(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method not allowed by batch",
            );
            (Err(e), Value::Null)
        } else {
            exec(&method, &sub)
        };
        match answer {
            Ok(out) => {
                s.result.insert(key.clone(), out.result);
                if let Some(total) = out.total {
                    s.total.insert(key.clone(), json!(total));
                }
                if let Some(next) = out.next {
                    s.next.insert(key.clone(), json!(next));
                }
                if !time.is_null() {
                    s.time.insert(key, time);
                }
            }
            Err(e) => {
                s.error.insert(
                    key,
                    json!({"error": e.code, "error_description": e.description}),
                );
                if halt {
                    break;
                }
            }
        }
    }
    Ok(Output::of(json!({
        "result": section(s.result),
        "result_error": section(s.error),
        "result_total": section(s.total),
        "result_next": section(s.next),
        "result_time": section(s.time),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sections() -> Sections {
        let mut s = Sections::default();
        s.result
            .insert("list".into(), json!([{"ID": "7", "TAGS": ["a", "b"]}]));
        s.total.insert("list".into(), json!(120));
        s
    }

    #[test]
    fn whole_value_reference_keeps_the_raw_value() {
        let s = sections();
        assert_eq!(substitute("$result[list][0][TAGS]", &s), json!(["a", "b"]));
        assert_eq!(substitute("$result_total[list]", &s), json!(120));
    }

    #[test]
    fn in_string_reference_substitutes_only_scalars() {
        let s = sections();
        assert_eq!(
            substitute("Copy of $result[list][0][ID]!", &s),
            json!("Copy of 7!")
        );
        assert_eq!(
            substitute("x $result[list][0][TAGS]", &s),
            json!("x $result[list][0][TAGS]")
        );
        assert_eq!(substitute("cost $5", &s), json!("cost $5"));
    }

    #[test]
    fn missing_path_leaves_the_text() {
        let s = sections();
        assert_eq!(
            substitute("$result[nope][0]", &s),
            json!("$result[nope][0]")
        );
    }

    #[test]
    fn too_many_commands_and_halt() {
        let cmd: Map<String, Value> = (0..51)
            .map(|i| (format!("c{i}"), json!("crm.deal.list")))
            .collect();
        let params = json!({"cmd": cmd});
        let mut never = |_: &str, _: &Map<String, Value>| -> (Result<Output, ApiError>, Value) {
            panic!("must not run")
        };
        let err = run(params.as_object().unwrap(), &mut never).unwrap_err();
        assert_eq!(
            (err.status, err.code.as_str()),
            (400, "ERROR_BATCH_LENGTH_EXCEEDED")
        );

        let params = json!({"halt": 1, "cmd": {"a": "x.fail", "b": "x.ok"}});
        let mut calls = Vec::new();
        let mut exec = |m: &str, _: &Map<String, Value>| {
            calls.push(m.to_owned());
            (Err(ApiError::new(400, "E", "bad")), Value::Null)
        };
        let out = run(params.as_object().unwrap(), &mut exec).unwrap();
        assert_eq!(calls, vec!["x.fail"]);
        assert_eq!(out.result["result"], json!([]));
        assert_eq!(out.result["result_error"]["a"]["error"], json!("E"));
    }
}
