//! Collects the errors of one derive so that all of them reach the user in one build.

use std::fmt::Display;

use quote::ToTokens;

/// The errors met while expanding one derive, each spanned on the token at fault.
///
/// Expansion goes on after an error wherever the rest can still be checked, so that a user
/// fixing one attribute learns about the next one in the same build. [`Errors::finish`]
/// hands them back joined into one `syn::Error`, which renders as one `compile_error!` per
/// message.
#[derive(Default)]
pub struct Errors {
    errors: Vec<syn::Error>,
}

impl Errors {
    /// Records `message` at the span of `at` (its first to last token).
    pub fn at(&mut self, at: impl ToTokens, message: impl Display) {
        self.errors.push(syn::Error::new_spanned(at, message));
    }

    /// Records an error that already carries its span.
    pub fn push(&mut self, error: syn::Error) {
        self.errors.push(error);
    }

    /// `Ok` when nothing was recorded, otherwise every error joined in the order met.
    pub fn finish(self) -> Result<(), syn::Error> {
        let mut errors = self.errors.into_iter();
        let Some(mut first) = errors.next() else {
            return Ok(());
        };
        for e in errors {
            first.combine(e);
        }
        Err(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proc_macro2::Span;

    #[test]
    fn every_error_is_kept_in_order() {
        let mut errors = Errors::default();
        errors.push(syn::Error::new(Span::call_site(), "first"));
        errors.at(quote::quote!(a b), "second");
        let joined = errors.finish().unwrap_err();
        let messages: Vec<String> = joined.into_iter().map(|e| e.to_string()).collect();
        assert_eq!(messages, ["first", "second"]);
    }

    #[test]
    fn no_errors_is_ok() {
        assert!(Errors::default().finish().is_ok());
    }
}
