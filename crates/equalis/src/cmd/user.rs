//! `equalis user add|reset|disable|enable|list`: the accounts of the web application.
//! Every change is recorded in the store's audit log, with the operating-system user as the
//! actor. A password is never an argument (arguments show in `ps` and shell history): it is
//! asked for on the terminal, without echo, or read from standard input.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::Context;
use equalis_store::{Actor, NewUser, Role, Store, User, check_password_rules};

use super::store::{StoreArgs, block_on};

/// Arguments of `equalis user`.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

/// The `user` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UserCommand {
    /// Create an account (the password is asked for, or read with --password-stdin)
    Add(AddArgs),
    /// Set a new password for an account; its sessions end
    Reset(AccountArgs),
    /// Disable an account: it can no longer log in, its sessions end, its API tokens stop
    Disable(AccountArgs),
    /// Enable a disabled account again
    Enable(AccountArgs),
    /// Change an account's role; its sessions end
    SetRole(SetRoleArgs),
    /// List the accounts
    List(ListArgs),
}

/// Arguments of `equalis user add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The email (or user name) to log in with; compared ignoring case.
    #[arg(long)]
    pub email: String,
    /// The name shown on pages.
    #[arg(long)]
    pub name: String,
    /// The role: admin, analyst, edi_lead, reviewer or viewer.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
    /// Read the password from the first line of standard input instead of asking.
    #[arg(long)]
    pub password_stdin: bool,
}

/// Arguments of the commands that act on one account.
#[derive(Debug, clap::Args)]
pub struct AccountArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The account's email (or user name).
    #[arg(long)]
    pub email: String,
    /// Read the new password from the first line of standard input instead of asking
    /// (`reset` only).
    #[arg(long)]
    pub password_stdin: bool,
}

/// Arguments of `equalis user set-role`.
#[derive(Debug, clap::Args)]
pub struct SetRoleArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The account's email (or user name).
    #[arg(long)]
    pub email: String,
    /// The new role: admin, analyst, edi_lead, reviewer or viewer.
    #[arg(long, value_parser = parse_role)]
    pub role: Role,
}

/// Arguments of `equalis user list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

/// Output format of `user list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    /// A table for people.
    Text,
    /// JSON for scripts.
    Json,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse_account_role(text).map_err(|e| e.to_string())
}

/// Runs `equalis user …`.
pub fn run(args: UserArgs) -> anyhow::Result<ExitCode> {
    let actor = Actor::command_line();
    match args.command {
        UserCommand::Add(a) => {
            // Checked before the password is asked for, so a mistake costs no typing.
            let store = block_on(a.store.open())??;
            if block_on(store.find_user(&a.email))??.is_some() {
                anyhow::bail!(equalis_store::StoreError::DuplicateUser(
                    a.email.trim().into()
                ));
            }
            let password = read_password(a.password_stdin, &a.email)?;
            let user = block_on(store.create_user(
                &actor,
                NewUser {
                    email: &a.email,
                    display_name: &a.name,
                    role: a.role,
                    password: &password,
                },
            ))??;
            eprintln!(
                "Created the account `{}` ({}, {}) in {}.",
                user.email,
                user.display_name,
                user.role,
                store.describe()
            );
        }
        UserCommand::Reset(a) => {
            let store = block_on(a.store.open())??;
            let user = require(&store, &a.email)?;
            let password = read_password(a.password_stdin, &user.email)?;
            let user = block_on(store.reset_password(&actor, &user.email, &password))??;
            eprintln!(
                "Set a new password for `{}`; their sessions have ended.",
                user.email
            );
        }
        UserCommand::Disable(a) => {
            let store = block_on(a.store.open())??;
            let user = block_on(store.set_disabled(&actor, &a.email, true))??;
            eprintln!(
                "Disabled `{}`: they cannot log in, their sessions have ended and their API tokens no longer work.",
                user.email
            );
        }
        UserCommand::Enable(a) => {
            let store = block_on(a.store.open())??;
            let user = block_on(store.set_disabled(&actor, &a.email, false))??;
            eprintln!("Enabled `{}` again.", user.email);
        }
        UserCommand::SetRole(a) => {
            let store = block_on(a.store.open())??;
            let user = block_on(store.set_role(&actor, &a.email, a.role))??;
            eprintln!(
                "`{}` is now {}; their sessions have ended.",
                user.email, user.role
            );
        }
        UserCommand::List(a) => {
            let store = block_on(a.store.open())??;
            let users = block_on(store.list_users())??;
            match a.format {
                ListFormat::Json => println!("{}", users_json(&users)),
                ListFormat::Text => print_users(&users),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn require(store: &Store, email: &str) -> anyhow::Result<User> {
    block_on(store.find_user(email))??
        .ok_or_else(|| equalis_store::StoreError::UnknownUser(email.trim().into()).into())
}

/// The password: the first line of standard input with `--password-stdin`, else asked twice
/// on the terminal without echo. Checked against the rules before it is used.
fn read_password(from_stdin: bool, email: &str) -> anyhow::Result<String> {
    let password = if from_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from standard input")?;
        let password = line.strip_suffix('\n').unwrap_or(&line);
        password.strip_suffix('\r').unwrap_or(password).to_string()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {email}: "))
            .context("reading the password from the terminal")?;
        check_password_rules(&first, email)?;
        let again = rpassword::prompt_password("The same password again: ")
            .context("reading the password from the terminal")?;
        if first != again {
            anyhow::bail!(
                "the two passwords differ; nothing was changed\n\nhint: run the command again"
            );
        }
        first
    } else {
        anyhow::bail!(
            "no terminal to ask for the password on\n\nhint: pass --password-stdin and write the password to standard input (never as an argument: arguments show in the process list)"
        );
    };
    check_password_rules(&password, email)?;
    Ok(password)
}

fn print_users(users: &[User]) {
    if users.is_empty() {
        eprintln!("No accounts yet: add one with `equalis user add`.");
        return;
    }
    let rows: Vec<[String; 5]> = users
        .iter()
        .map(|u| {
            [
                u.email.clone(),
                u.display_name.clone(),
                u.role.to_string(),
                if u.disabled { "disabled" } else { "active" }.to_string(),
                u.created_at.strftime("%Y-%m-%d").to_string(),
            ]
        })
        .collect();
    let header = ["email", "name", "role", "status", "created"];
    let mut widths = header.map(|h| h.chars().count());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: [&str; 5]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        println!("{}", padded.join("  ").trim_end());
    };
    line(header);
    for row in &rows {
        line([&row[0], &row[1], &row[2], &row[3], &row[4]]);
    }
}

fn users_json(users: &[User]) -> String {
    let list: Vec<serde_json::Value> = users
        .iter()
        .map(|u| {
            serde_json::json!({
                "email": u.email,
                "name": u.display_name,
                "role": u.role.name(),
                "disabled": u.disabled,
                "created_at": u.created_at.to_string(),
                "updated_at": u.updated_at.to_string(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}
