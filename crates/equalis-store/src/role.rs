//! The six roles of the web application.

use std::fmt;
use std::str::FromStr;

/// Who someone is to equalis. Five are roles of accounts; [`Role::Public`] is the role of
/// anyone not logged in, and no account can have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Manages accounts and settings.
    Admin,
    /// Sees the unsuppressed (analyst) view of their workspace; every such view is audited.
    Analyst,
    /// An equality, diversity and inclusion lead: the workforce returns.
    EdiLead,
    /// Signs off results, assessments and returns.
    Reviewer,
    /// Reads published views.
    Viewer,
    /// Anyone not logged in: published pages only.
    Public,
}

impl Role {
    /// Every role, accounts' first.
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Analyst,
        Role::EdiLead,
        Role::Reviewer,
        Role::Viewer,
        Role::Public,
    ];

    /// The roles an account can have (all but [`Role::Public`]).
    pub const ACCOUNT_ROLES: [Role; 5] = [
        Role::Admin,
        Role::Analyst,
        Role::EdiLead,
        Role::Reviewer,
        Role::Viewer,
    ];

    /// The name used on the command line, in the store and in URLs.
    pub fn name(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Analyst => "analyst",
            Role::EdiLead => "edi_lead",
            Role::Reviewer => "reviewer",
            Role::Viewer => "viewer",
            Role::Public => "public",
        }
    }

    /// Whether an account may have this role.
    pub fn is_account_role(self) -> bool {
        self != Role::Public
    }

    /// Parses a role an account may have, with an error that lists the choices (and says why
    /// `public` is not one).
    pub fn parse_account_role(text: &str) -> Result<Role, UnknownRole> {
        match text.parse::<Role>()? {
            Role::Public => Err(UnknownRole {
                given: text.to_string(),
                public: true,
            }),
            role => Ok(role),
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(text: &str) -> Result<Role, UnknownRole> {
        let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL
            .into_iter()
            .find(|r| r.name() == wanted)
            .ok_or_else(|| UnknownRole {
                given: text.to_string(),
                public: false,
            })
    }
}

/// A role name that is not one of the roles (or `public` where an account's role is wanted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct UnknownRole {
    given: String,
    public: bool,
}

impl UnknownRole {
    fn message(&self) -> String {
        let choices = Role::ACCOUNT_ROLES.map(Role::name).join(", ");
        if self.public {
            format!(
                "`public` is the role of anyone not logged in and cannot be an account's role; choose one of {choices}"
            )
        } else {
            format!("unknown role `{}`; choose one of {choices}", self.given)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for role in Role::ALL {
            assert_eq!(role.name().parse::<Role>(), Ok(role));
        }
        assert_eq!("EDI-Lead".parse::<Role>(), Ok(Role::EdiLead));
    }

    #[test]
    fn public_is_not_an_account_role() {
        let err = Role::parse_account_role("public").unwrap_err();
        assert!(err.to_string().contains("not logged in"), "{err}");
        assert!(!Role::ACCOUNT_ROLES.contains(&Role::Public));
        assert_eq!(Role::parse_account_role("reviewer"), Ok(Role::Reviewer));
    }

    #[test]
    fn unknown_role_lists_the_choices() {
        let err = "superuser".parse::<Role>().unwrap_err().to_string();
        assert!(err.contains("`superuser`"), "{err}");
        assert!(
            err.contains("admin, analyst, edi_lead, reviewer, viewer"),
            "{err}"
        );
    }
}
