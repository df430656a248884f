//! A small element tree over quick-xml. BPMN files from different modellers put the same
//! elements under different prefixes (`bpmn:`, `bpmn2:`, none) and mix in extension
//! namespaces; reading into a tree first lets the importer match on local names and look
//! around (children, attributes) without a streaming state machine.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

#[derive(Debug, Clone, Default)]
pub struct Element {
    /// Local name without prefix, e.g. `userTask`.
    pub name: String,
    /// Attributes as (qualified name, value), e.g. (`camunda:assignee`, `${x}`).
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Element>,
    /// Concatenated text and CDATA content.
    pub text: String,
}

impl Element {
    /// An attribute by local name, whatever its prefix (`id`, `camunda:assignee` → `assignee`).
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == local || k.rsplit(':').next() == Some(local))
            .map(|(_, v)| v.as_str())
    }

    /// An attribute by exact qualified name.
    pub fn attr_q(&self, qname: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == qname)
            .map(|(_, v)| v.as_str())
    }

    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn id(&self) -> &str {
        self.attr("id").unwrap_or("")
    }

    pub fn trimmed_text(&self) -> &str {
        self.text.trim()
    }
}

fn start(e: &BytesStart<'_>) -> Result<Element, String> {
    let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|_| format!("bad attribute in <{name}>"))?;
        let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
        let value = a
            .unescape_value()
            .map_err(|_| format!("bad attribute value in <{name}>"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

/// Parses a document into its root element.
pub fn parse(xml: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = vec![Element {
        name: "#document".to_owned(),
        ..Element::default()
    }];
    loop {
        let event = reader
            .read_event()
            // The parser's own wording stays out: this text reaches the API's answer.
            .map_err(|_| {
                format!(
                    "the XML is not well-formed near byte {}",
                    reader.buffer_position()
                )
            })?;
        match event {
            Event::Start(e) => stack.push(start(&e)?),
            Event::Empty(e) => {
                let el = start(&e)?;
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(el);
                }
            }
            Event::End(_) => {
                let el = stack.pop().ok_or("unbalanced end tag")?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(el),
                    None => return Err("unbalanced end tag".to_owned()),
                }
            }
            Event::Text(t) => {
                let s = t
                    .unescape()
                    .map_err(|_| "bad character reference in text".to_owned())?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                let s = String::from_utf8_lossy(&c.into_inner()).into_owned();
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if stack.len() != 1 {
        return Err("document ends inside an element".to_owned());
    }
    let doc = stack.pop().unwrap_or_default();
    doc.children
        .into_iter()
        .next()
        .ok_or_else(|| "empty document".to_owned())
}

/// Escapes text for attribute values and element content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
