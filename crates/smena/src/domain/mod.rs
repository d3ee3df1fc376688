//! The service's vocabulary, with no I/O: who may act and on what (roles,
//! actions, resources, scopes), the lifecycle states of programmes,
//! applications, offers, documents and runs, and the values typed into
//! forms and read from files (dates, reserves). Input is parsed into these
//! once, at the edge; the database stores them as their codes.

pub mod access;
pub mod states;
pub mod values;

/// Declares an enum stored as text: each variant with its code, `code()`,
/// `parse()` and `ALL`.
macro_rules! coded {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code stored in the database and used in URLs, forms and
            /// the Fluent keys of its name.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The value a code names, if any.
            pub fn parse(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded;

#[cfg(test)]
mod tests {
    use super::access::{Action, Resource, Role};
    use super::states::{
        ApplicationStatus, DocumentStatus, OfferStatus, Presence, ProgrammeStatus, RunKind,
    };

    fn round_trips<T: Copy + PartialEq + std::fmt::Debug>(
        all: &[T],
        code: fn(T) -> &'static str,
        parse: fn(&str) -> Option<T>,
    ) {
        for v in all {
            assert_eq!(parse(code(*v)), Some(*v));
        }
        assert_eq!(parse("no such code"), None);
    }

    #[test]
    fn every_code_reads_back_as_its_value() {
        round_trips(Role::ALL, Role::code, Role::parse);
        round_trips(Action::ALL, Action::code, Action::parse);
        round_trips(Resource::ALL, Resource::code, Resource::parse);
        round_trips(
            ProgrammeStatus::ALL,
            ProgrammeStatus::code,
            ProgrammeStatus::parse,
        );
        round_trips(
            ApplicationStatus::ALL,
            ApplicationStatus::code,
            ApplicationStatus::parse,
        );
        round_trips(OfferStatus::ALL, OfferStatus::code, OfferStatus::parse);
        round_trips(Presence::ALL, Presence::code, Presence::parse);
        round_trips(
            DocumentStatus::ALL,
            DocumentStatus::code,
            DocumentStatus::parse,
        );
        round_trips(RunKind::ALL, RunKind::code, RunKind::parse);
    }
}
