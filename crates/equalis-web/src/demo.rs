//! The demo's accounts: one per role, made by `equalis demo` in a store that has none, so
//! that someone trying equalis can sign in straight away as each kind of user.

use equalis_store::{Actor, NewUser, Role, Store, StoreError, check_password_rules};

/// The roles a demo account is made for, in the order they are listed.
pub const DEMO_ROLES: [Role; 5] = [
    Role::Admin,
    Role::Analyst,
    Role::EdiLead,
    Role::Reviewer,
    Role::Viewer,
];

/// A demo account and its password, known only to whoever made it (the store keeps a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// The email to sign in with (`analyst@demo.example`).
    pub email: String,
    /// The role.
    pub role: Role,
    /// The password, random.
    pub password: String,
}

/// Makes one account per role of [`DEMO_ROLES`], each with its own random password, when the
/// store has no accounts; returns them (with the passwords, which are not kept anywhere), or
/// nothing when the store already has accounts, which are then left as they are.
pub async fn create_demo_accounts(store: &Store) -> Result<Vec<DemoAccount>, StoreError> {
    if !store.list_users().await?.is_empty() {
        return Ok(Vec::new());
    }
    let actor = Actor::command_line();
    let mut made = Vec::with_capacity(DEMO_ROLES.len());
    for role in DEMO_ROLES {
        let email = format!("{}@demo.example", role.name().replace('_', "-"));
        let password = loop {
            let p = random_password();
            // Never fails for 23 random characters, but the store's rules are the judge.
            if check_password_rules(&p, &email).is_ok() {
                break p;
            }
        };
        let display_name = format!("Demo {}", role_title(role));
        store
            .create_user(
                &actor,
                NewUser {
                    email: &email,
                    display_name: &display_name,
                    role,
                    password: &password,
                },
            )
            .await?;
        made.push(DemoAccount {
            email,
            role,
            password,
        });
    }
    Ok(made)
}

fn role_title(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Analyst => "analyst",
        Role::EdiLead => "EDI lead",
        Role::Reviewer => "reviewer",
        Role::Viewer => "viewer",
        Role::Public => "public",
    }
}

/// Twenty random characters from 32 unambiguous letters and digits (100 bits), in groups of
/// five so that they can be typed from the screen: `k7m2q-…`.
fn random_password() -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghjkmnpqrstuvwxyz23456789A";
    let bytes: [u8; 20] = rand::random();
    let mut out = String::with_capacity(23);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        // 256 is a multiple of 32: every character is equally likely.
        out.push(char::from(ALPHABET[usize::from(b % 32)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use equalis_store::{Database, StoreConfig};

    use super::*;

    async fn store(dir: &std::path::Path) -> Store {
        Store::open(&Database::for_workspace(dir), StoreConfig::default())
            .await
            .expect("store")
    }

    #[tokio::test]
    async fn one_account_per_role_with_passwords_that_sign_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(dir.path()).await;
        let made = create_demo_accounts(&store).await.expect("accounts");
        assert_eq!(made.iter().map(|a| a.role).collect::<Vec<_>>(), DEMO_ROLES);
        let users = store.list_users().await.expect("users");
        assert_eq!(users.len(), DEMO_ROLES.len());
        for a in &made {
            check_password_rules(&a.password, &a.email).expect("the store's rules");
            let user = store
                .find_user(&a.email)
                .await
                .expect("find")
                .expect("made");
            assert_eq!(user.role, a.role);
            let signed_in = store
                .login(&a.email, &a.password, None)
                .await
                .expect("login");
            assert!(
                matches!(signed_in, equalis_store::LoginOutcome::Success(_)),
                "{} signs in with its password",
                a.email
            );
        }
        // Each password is its own.
        let mut passwords: Vec<&str> = made.iter().map(|a| a.password.as_str()).collect();
        passwords.sort_unstable();
        passwords.dedup();
        assert_eq!(passwords.len(), DEMO_ROLES.len());
        // A second run makes nothing: the accounts exist.
        assert!(
            create_demo_accounts(&store)
                .await
                .expect("again")
                .is_empty()
        );
        assert_eq!(
            store.list_users().await.expect("users").len(),
            DEMO_ROLES.len()
        );
    }

    #[tokio::test]
    async fn nothing_is_made_when_the_store_has_an_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = store(dir.path()).await;
        store
            .create_user(
                &Actor::System,
                NewUser {
                    email: "someone@example.nhs.uk",
                    display_name: "Someone",
                    role: Role::Viewer,
                    password: "a long enough passphrase",
                },
            )
            .await
            .expect("user");
        assert!(create_demo_accounts(&store).await.expect("demo").is_empty());
        assert_eq!(store.list_users().await.expect("users").len(), 1);
    }

    #[test]
    fn passwords_are_random_and_readable() {
        let a = random_password();
        let b = random_password();
        assert_ne!(a, b);
        assert_eq!(a.len(), 23);
        assert_eq!(a.split('-').count(), 4);
        assert!(a.chars().all(|c| c == '-' || c.is_ascii_alphanumeric()));
    }
}
