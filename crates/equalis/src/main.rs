//! The `equalis` command: a thin shell over the library crates.

fn main() {
    println!("equalis");
}
