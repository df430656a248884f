// `sqlx::migrate!` embeds the migration files at compile time; without this, a migration
// added without touching any Rust file of this crate is left out of the build.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
