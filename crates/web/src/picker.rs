//! Pickers over the organisation: staff choose a person, several people or a role from a list
//! grouped by department with a search box above it, never by typing a username. The list is
//! rendered on the server (so it works with script off); `app.js` filters it as one types.

use fgf_app::i18n::t;
use fgf_app::Lang;
use fgf_store::base::account::DirectoryEntry;
use maud::{html, Markup};

/// One person as a picker lists them: under the department of their primary post, found by
/// the names of every department they work in.
#[derive(Debug, Clone)]
pub(crate) struct Person {
    pub username: String,
    pub name: String,
    pub department: String,
    pub title: String,
    /// Name, title and every department, lower-cased: what the search box matches.
    search: String,
}

/// The directory's posts folded into one entry per person, in the directory's order
/// (department tree, then name).
pub(crate) fn people(entries: &[DirectoryEntry]) -> Vec<Person> {
    let mut out: Vec<Person> = Vec::new();
    for e in entries {
        if let Some(p) = out.iter_mut().find(|p| p.username == e.username) {
            p.search.push(' ');
            p.search.push_str(&e.department_name.to_lowercase());
            continue;
        }
        out.push(Person {
            username: e.username.clone(),
            name: e.display_name.clone(),
            department: e.department_name.clone(),
            title: e.title.clone(),
            search: format!(
                "{} {} {} {}",
                e.display_name, e.title, e.department_name, e.username
            )
            .to_lowercase(),
        });
    }
    out
}

/// The departments in first-seen order, each with its people.
fn by_department(people: &[Person]) -> Vec<(&str, Vec<&Person>)> {
    let mut groups: Vec<(&str, Vec<&Person>)> = Vec::new();
    for p in people {
        match groups.iter_mut().find(|(d, _)| *d == p.department) {
            Some((_, list)) => list.push(p),
            None => groups.push((&p.department, vec![p])),
        }
    }
    groups
}

fn label(p: &Person) -> String {
    if p.title.is_empty() {
        p.name.clone()
    } else {
        format!("{}（{}）", p.name, p.title)
    }
}

fn search_box(lang: Lang, id: &str) -> Markup {
    html! {
        input.picker-q type="search" id=(format!("{id}-q")) placeholder=(t(lang, "picker.search")) aria-label=(t(lang, "picker.search")) autocomplete="off";
    }
}

/// Choose one person: a select grouped by department, `name` carrying the username.
pub(crate) fn person(lang: Lang, name: &str, id: &str, people: &[Person], except: &str) -> Markup {
    html! {
        div.picker {
            (search_box(lang, id))
            select id=(id) name=(name) required aria-label=(t(lang, "picker.person")) {
                option value="" { (t(lang, "picker.choose")) }
                @for (dept, list) in by_department(people) {
                    optgroup label=(dept) {
                        @for p in list.iter().filter(|p| p.username != except) {
                            option value=(p.username) data-search=(p.search) { (label(p)) }
                        }
                    }
                }
            }
        }
    }
}

/// Choose several people: checkboxes grouped by department in a box that scrolls.
pub(crate) fn people_checks(lang: Lang, name: &str, id: &str, people: &[Person]) -> Markup {
    html! {
        div.picker {
            (search_box(lang, id))
            div.picker-list id=(id) role="group" aria-label=(t(lang, "picker.people")) {
                @for (dept, list) in by_department(people) {
                    fieldset.picker-group {
                        legend { (dept) }
                        @for p in list {
                            label.check data-search=(p.search) { input type="checkbox" name=(name) value=(p.username); " " (label(p)) }
                        }
                    }
                }
            }
        }
    }
}

/// Choose one department (by code) from the organisation, with a search box above the list.
pub(crate) fn department(
    lang: Lang,
    name: &str,
    id: &str,
    units: &[(String, String)],
    selected: Option<&str>,
) -> Markup {
    html! {
        div.picker {
            (search_box(lang, id))
            select id=(id) name=(name) required aria-label=(t(lang, "picker.department")) {
                option value="" { (t(lang, "picker.choose_department")) }
                @for (code, label) in units {
                    option value=(code) data-search=(label.to_lowercase()) selected[selected == Some(code.as_str())] { (label) }
                }
            }
        }
    }
}

/// Choose any number of departments (by code): checkboxes in a box that scrolls.
pub(crate) fn departments(lang: Lang, name: &str, id: &str, units: &[(String, String)]) -> Markup {
    html! {
        div.picker {
            (search_box(lang, id))
            div.picker-list id=(id) role="group" aria-label=(t(lang, "picker.departments")) {
                @for (code, label) in units {
                    label.check data-search=(label.to_lowercase()) { input type="checkbox" name=(name) value=(code); " " (label) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(user: &str, name: &str, dept: &str, primary: bool) -> DirectoryEntry {
        DirectoryEntry {
            username: user.to_owned(),
            display_name: name.to_owned(),
            department_id: fgf_domain::base::DepartmentId::new(1),
            department_name: dept.to_owned(),
            title: String::new(),
            is_primary: primary,
        }
    }

    #[test]
    fn a_person_with_two_posts_is_listed_once_and_found_by_either_department() {
        let ps = people(&[
            entry("li", "李四", "审批科", true),
            entry("li", "李四", "综合科", false),
            entry("wang", "王五", "综合科", true),
        ]);
        assert_eq!(ps.len(), 2);
        assert_eq!(ps[0].department, "审批科");
        assert!(ps[0].search.contains("综合科"));
        let html = people_checks(Lang::Zh, "to", "cc", &ps).into_string();
        assert_eq!(html.matches("value=\"li\"").count(), 1);
        let one = person(Lang::Zh, "to", "t", &ps, "wang").into_string();
        assert!(one.contains("李四") && !one.contains("value=\"wang\""));
    }
}
