//! Marker types that implement [`Codec`](super::Codec), one per wire meaning.
//!
//! Generated code names them by absolute path when a field's type is not the default codec
//! of its Rust type, e.g. `reader.field_with::<::bitrix_schema::value::codec::UfBool, bool>`.
//! Each marker's documentation gives its read shapes, its write shape per family and its clear
//! value.

use std::marker::PhantomData;

/// System `Y`/`N` flags (`OPENED`, `IS_MANUAL_OPPORTUNITY`; `char` in classic metadata,
/// `boolean` in `crm.item.fields`). The default codec of `bool`.
///
/// Reads `"Y"`/`"N"`, and tolerates `true`/`false`, `"1"`/`"0"`, `1`/`0`. Writes `"Y"`/`"N"`
/// in both families (documented for both). Clear writes `"N"`: a flag has no empty state, and
/// "not set" is the closest meaning.
pub struct Flag;

/// Boolean user fields (`type: "boolean"`, `isDynamic: true`).
///
/// Reads `"Y"`/`"N"`, `"1"`/`"0"`, `true`/`false`, `1`/`0`.
///
/// Writes, per family:
/// - `crm.item`: `"Y"`/`"N"`, the documented form. The crm.item controller turns a boolean
///   field's value into a PHP bool by comparing it with `"Y"`/`"y"`/`"true"` (mirror-crm
///   `lib/controller/item.php`, `prepareBooleanFieldValue`), so `"N"` really is false there,
///   while `1` would become *false* by the same comparison: this codec never writes numbers
///   for `crm.item`.
/// - classic: JSON `true`/`false`, the shape classic methods return. The classic write format
///   is not documented (open question 1). If the value reaches the user-field layer
///   unconverted, that layer stores `$value ? 1 : 0`: the string `"N"` would be truthy there
///   and silently store *true*, while a JSON `false` is false under that rule and under any
///   `"Y"` comparison that lets booleans through. [`UfBoolNumeric`] writes `1`/`0` instead, for
///   portals where booleans turn out not to work.
///
/// Clear writes `""` (crm.item treats any PHP-empty value as "set to null").
pub struct UfBool;

/// Boolean user fields written as `1`/`0` in classic methods (and `"Y"`/`"N"` in `crm.item`,
/// see [`UfBool`]). The alternative for open question 1; reads like [`UfBool`].
pub struct UfBoolNumeric;

/// Integers and doubles (`i64`, `u64`, `i32`, `u32`, `f64`, `rust_decimal::Decimal`): the
/// default codec of those types.
///
/// Reads JSON numbers and numeric strings (classic returns `"99"`, `"19999.99"`). `0` is a
/// value. Writes a JSON number in both families (classic examples write `"OPPORTUNITY":
/// 1000000`). A `Decimal` is written through `f64`, which keeps every amount of up to 15
/// significant digits exact. Clear writes `""`.
pub struct Number;

/// IDs of linked records (`COMPANY_ID`, `companyId`, `PARENT_ID_1220`, `LEAD_ID`): `u64`
/// where `0` means "no link".
///
/// Reads like [`Number`], except `0` and `"0"` read as `None` (crm.item returns `0` for empty
/// links, classic `null`). Writes a number; clear writes `0` in both families, the value
/// crm.item itself reports for an empty link.
pub struct LinkId;

/// User IDs ([`UserId`](super::UserId)): `ASSIGNED_BY_ID`, `createdBy`, `employee` user
/// fields. Reads and writes like [`LinkId`]; clear writes `""`.
pub struct User;

/// Strings (`string`, `text`, `char` that is not a flag, `crm_currency`): the default codec of
/// `String`. Reads strings and, tolerantly, numbers and booleans as their text (a string user
/// field may come back as a number). `""` reads as `None`. Writes the string; clear `""`.
pub struct Text;

/// `date` fields (`NaiveDate`, the default codec). Reads ISO datetimes by the UTC rule (the
/// server prints 00:00 UTC of the date in its own offset, so the date is recovered by taking
/// the instant's UTC date), and plain `YYYY-MM-DD`. Writes `YYYY-MM-DD` in both families;
/// clear `""`.
pub struct Date;

/// `datetime` fields (`DateTime<FixedOffset>`, the default codec), keeping the offset the
/// server sent. Writes `YYYY-MM-DDThh:mm:ss±hh:mm`; clear `""`.
pub struct DateTime;

/// `money` user fields ([`Money`](super::Money)), `"amount|CUR"`. Clear `""`.
pub struct Money;

/// Enumeration (list) user fields, over a type implementing
/// [`EnumValue`](super::EnumValue). Reads the item ID as a number or a numeric string; `0`
/// reads as `None`. Writes the ID as a JSON number in both families: crm.item documents an
/// integer (`81`), and classic examples write every ID as a number while the server compares
/// list IDs as PHP scalars. Clear `""` (for multiple lists see [`Multiple`]).
pub struct Enumeration;

/// `crm_status` fields (stages, sources, types) over a type implementing
/// [`StatusValue`](super::StatusValue). Reads and writes the `STATUS_ID` string; clear `""`.
pub struct Status;

/// `crm` binding user fields ([`CrmRef`](super::CrmRef)) whose settings allow several target
/// kinds: values carry a prefix (`D_12`, `CO_3`, `T9c_5`). Writes the prefixed string; clear
/// `""`.
pub struct CrmLink;

/// `crm` binding user fields that allow only one target kind, given by its `entityTypeId`
/// (`CrmLinkOf<2>` for deals). Such fields are widely reported to hold bare IDs (`"12"`)
/// (open question 5), so bare IDs read as that kind; prefixed values are accepted too. Writes
/// the bare ID as a string, the same shape the field returns; clear `""`.
pub struct CrmLinkOf<const ENTITY_TYPE_ID: u32>;

/// `url` user fields ([`Url`](super::Url)). Clear `""`.
pub struct Url;

/// `address` user fields ([`Address`](super::Address)), `"text|lat;lng|locationId"`. Clear
/// `""`.
pub struct Address;

/// `file` fields ([`File`](super::File)). Classic reads `{id, showUrl, downloadUrl}`,
/// crm.item `{id, url, urlMachine}`. Uploads are written as `{"fileData": [name, base64]}`
/// (classic) or `[name, base64]` (crm.item); a kept file as `{"id": N}`. Clear `""` (the
/// documented way to delete a single file in crm.item).
pub struct File;

/// Any JSON, kept as it is (`serde_json::Value`, the default codec): for types this crate does
/// not model (`iblock_element`, `resourcebooking`, application types). `null` reads as
/// `None`; clear `""`.
pub struct Raw;

/// A multiple field (`isMultiple: true`) whose elements use codec `C`; the default codec of
/// `Vec<T>`.
///
/// Reads an array (`[]` is `None`), a PHP list serialised as an object with numeric keys, and
/// tolerantly a single value as a one-element list. Empty elements are skipped. Writes an
/// array of `C`'s write shapes.
///
/// Clear writes `[""]` in both families. A bare `[]` is documented to leave a multiple list
/// field unchanged (`how-to-generate-edit-form-for-deal.md`; open question 3): form-encoded
/// requests drop empty arrays altogether, and crm.item sends every PHP-`empty()` value (`[]`,
/// `""`, `0`) down one "set null" path (mirror-crm `lib/controller/item.php`,
/// `processFields`). `[""]` survives every encoding and is not `empty()`, so it reaches the
/// user-field layer, which drops empty elements and stores an empty list. Unverified on a live
/// portal. Link lists (`contactIds`, `observers`) are bindings, not user fields, and clear with
/// `[]` instead (see `Codec::clear_multiple`).
pub struct Multiple<C>(PhantomData<C>);
