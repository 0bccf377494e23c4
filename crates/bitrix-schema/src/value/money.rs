//! `money` user fields: `"amount|CUR"`.

use std::fmt;

use rust_decimal::Decimal;
use serde_json::Value;

use super::codec;
use super::scalar::parse_decimal;
use super::{Codec, FieldValue, Target, ValueError, is_empty};

/// An amount with an optional currency code.
///
/// The wire form is `"300|USD"`; an amount alone (`"300"`) gets the portal's default currency
/// when saved. The amount is exact (`Decimal`), never a float. The currency code is kept as
/// sent: the server does not validate it either.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Money {
    pub amount: Decimal,
    pub currency: Option<String>,
}

impl Money {
    /// `amount` in `currency` (`"EUR"`).
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Money {
            amount,
            currency: Some(currency.into()),
        }
    }

    /// Parses the wire form. `Ok(None)` for the shapes that mean "no amount": `""`, `"|EUR"`
    /// and a currency code alone (`"EUR"`), all of which the server treats as empty.
    pub fn parse(text: &str) -> Result<Option<Money>, ValueError> {
        let text = text.trim();
        let (amount, currency) = match text.split_once('|') {
            Some((amount, currency)) => (amount.trim(), Some(currency.trim())),
            None => (text, None),
        };
        if amount.is_empty() || (currency.is_none() && is_currency_code(amount)) {
            return Ok(None);
        }
        let amount = parse_decimal(amount).ok_or_else(|| {
            ValueError::new(
                "money as \"amount|CUR\" (e.g. \"300|USD\") or an amount alone",
                &Value::String(text.to_string()),
            )
        })?;
        let currency = currency.filter(|c| !c.is_empty()).map(str::to_string);
        Ok(Some(Money { amount, currency }))
    }
}

/// Three ASCII letters: a currency code sent without an amount.
fn is_currency_code(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_alphabetic())
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.currency {
            Some(currency) => write!(f, "{}|{}", self.amount, currency),
            None => write!(f, "{}", self.amount),
        }
    }
}

impl Codec<Money> for codec::Money {
    fn read(value: &Value, _: Target) -> Result<Option<Money>, ValueError> {
        match value {
            v if is_empty(v) => Ok(None),
            Value::String(s) => Money::parse(s).map_err(|_| {
                ValueError::new(
                    "money as \"amount|CUR\" (e.g. \"300|USD\") or an amount alone",
                    value,
                )
            }),
            // Tolerated: an amount without currency sent as a JSON number.
            Value::Number(n) => parse_decimal(&n.to_string())
                .map(|amount| {
                    Some(Money {
                        amount,
                        currency: None,
                    })
                })
                .ok_or_else(|| ValueError::new("money", value)),
            other => Err(ValueError::new(
                "money as \"amount|CUR\" (e.g. \"300|USD\")",
                other,
            )),
        }
    }

    fn write(value: &Money, _: Target) -> Value {
        Value::String(value.to_string())
    }

    fn clear(_: Target) -> Value {
        Value::String(String::new())
    }
}

impl FieldValue for Money {
    type Codec = codec::Money;
}
