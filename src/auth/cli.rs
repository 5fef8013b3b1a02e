//! `profiles-admin user …`: managing local accounts from the server's shell. Passwords
//! come from standard input (a prompt without echo on a terminal), never from arguments,
//! which `ps` and shell history would keep.

use crate::auth::accounts::{AccountError, Accounts};
use crate::config::UserCommand;
use crate::db::{Database, Location};
use std::io::{BufRead, IsTerminal, Write};

pub async fn run(command: UserCommand, database: &Location) -> Result<(), String> {
    let accounts = Accounts::new(&Database::open(database).await?);
    let out = |e: AccountError| e.to_string();
    match command {
        UserCommand::Add { name, role } => {
            let password = read_password(&name)?;
            let account = accounts.add(&name, role, &password).await.map_err(out)?;
            println!("added {} ({})", account.name, account.role.as_str());
        }
        UserCommand::List => {
            let all = accounts.list().await.map_err(out)?;
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(
                stdout,
                "{:<32} {:<7} {:<8} CREATED",
                "NAME", "ROLE", "STATUS"
            );
            for a in all {
                let status = if a.disabled { "disabled" } else { "active" };
                let _ = writeln!(
                    stdout,
                    "{:<32} {:<7} {:<8} {}",
                    a.name,
                    a.role.as_str(),
                    status,
                    a.created_at
                );
            }
        }
        UserCommand::Disable { name } => {
            accounts.set_disabled(&name, true).await.map_err(out)?;
            println!("disabled {name}; their sessions have ended");
        }
        UserCommand::Enable { name } => {
            accounts.set_disabled(&name, false).await.map_err(out)?;
            println!("enabled {name}");
        }
        UserCommand::SetRole { name, role } => {
            accounts.set_role(&name, role).await.map_err(out)?;
            println!("{name} is now {}; their sessions have ended", role.as_str());
        }
        UserCommand::ResetPassword { name } => {
            if accounts.by_name(&name).await.map_err(out)?.is_none() {
                return Err(AccountError::Unknown(name).to_string());
            }
            let password = read_password(&name)?;
            accounts.set_password(&name, &password).await.map_err(out)?;
            println!("new password set for {name}; their sessions have ended");
        }
    }
    Ok(())
}

/// On a terminal: asked twice, without echo. Otherwise: the first line of standard input.
fn read_password(name: &str) -> Result<String, String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!("Password for {name}: "))
            .map_err(|e| format!("cannot read the password: {e}"))?;
        let again = rpassword::prompt_password("Again: ")
            .map_err(|e| format!("cannot read the password: {e}"))?;
        if first != again {
            return Err("the passwords differ".into());
        }
        return Ok(first);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
