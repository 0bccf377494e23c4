//! Multiple fields: `Vec<T>` over an element codec.

use serde_json::Value;

use super::codec::Multiple;
use super::{Codec, FieldValue, Target, ValueError, is_empty};

impl<T, C: Codec<T>> Codec<Vec<T>> for Multiple<C> {
    fn read(value: &Value, target: Target) -> Result<Option<Vec<T>>, ValueError> {
        if is_empty(value) || value == &Value::Bool(false) {
            return Ok(None);
        }
        let elements: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            // A PHP list with holes in its keys is serialised as an object.
            Value::Object(map) if map.keys().all(|k| k.parse::<u64>().is_ok()) => {
                let mut entries: Vec<(u64, &Value)> = map
                    .iter()
                    .filter_map(|(k, v)| k.parse::<u64>().ok().map(|k| (k, v)))
                    .collect();
                entries.sort_by_key(|(k, _)| *k);
                entries.into_iter().map(|(_, v)| v).collect()
            }
            // Tolerated: a single value where a list was expected.
            single => vec![single],
        };
        let mut out = Vec::with_capacity(elements.len());
        for (index, element) in elements.into_iter().enumerate() {
            if let Some(v) = C::read(element, target).map_err(|e| e.in_element(index))? {
                out.push(v);
            }
        }
        Ok((!out.is_empty()).then_some(out))
    }

    fn write(value: &Vec<T>, target: Target) -> Value {
        Value::Array(value.iter().map(|v| C::write(v, target)).collect())
    }

    fn clear(target: Target) -> Value {
        C::clear_multiple(target)
    }
}

impl<T: FieldValue> FieldValue for Vec<T> {
    type Codec = Multiple<T::Codec>;
}
