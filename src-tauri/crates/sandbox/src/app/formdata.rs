//! Form data of app B against its JSON schema: reading JSON or XML bodies into one canonical
//! JSON object, writing it back as XML, and applying `prefill` (APPLIB `PrefillSI`).
//! Unknown properties are dropped like the app's deserializers do; a value of the wrong type is
//! a 400.

use serde_json::{Map, Value};

/// JSON form data: must be an object; known properties must have the schema's type.
pub(crate) fn from_json(schema: &Value, body: &[u8]) -> Result<Value, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the body is not valid JSON: {e}"))?;
    conform(schema, &value, "$")
}

fn conform(schema: &Value, value: &Value, path: &str) -> Result<Value, String> {
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    let ok = match (kind, value) {
        (_, Value::Null) => true,
        ("string", Value::String(_))
        | ("boolean", Value::Bool(_))
        | ("number", Value::Number(_)) => true,
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64(),
        ("object", Value::Object(map)) => {
            let mut out = Map::new();
            for (name, child) in properties(schema) {
                if let Some(v) = map.get(name) {
                    out.insert(name.clone(), conform(child, v, &format!("{path}.{name}"))?);
                }
            }
            return Ok(Value::Object(out));
        }
        _ => false,
    };
    if ok {
        Ok(value.clone())
    } else {
        Err(format!(
            "The JSON value could not be converted to {kind}. Path: {path}"
        ))
    }
}

fn properties(schema: &Value) -> impl Iterator<Item = (&String, &Value)> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.iter())
}

/// The XML root element name: the schema `title` (the C# class name).
fn root_name(schema: &Value) -> &str {
    schema
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or("Model")
}

/// XML form data: the root element must be the model's; children are read by the schema.
pub(crate) fn from_xml(schema: &Value, body: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|_| "the XML body is not UTF-8".to_owned())?;
    let root = xml::parse(text)?;
    if root.name != root_name(schema) {
        return Err(format!(
            "There is an error in XML document: <{}> was not expected, <{}> is the root",
            root.name,
            root_name(schema)
        ));
    }
    element_value(schema, &root)
}

fn element_value(schema: &Value, element: &xml::Element) -> Result<Value, String> {
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("object");
    if kind == "object" {
        let mut out = Map::new();
        for (name, child_schema) in properties(schema) {
            if let Some(child) = element.children.iter().find(|c| &c.name == name) {
                out.insert(name.clone(), element_value(child_schema, child)?);
            }
        }
        return Ok(Value::Object(out));
    }
    convert(kind, &element.text).ok_or_else(|| format!("<{}> is not a valid {kind}", element.name))
}

/// A string converted to a schema type (prefill and XML use it).
fn convert(kind: &str, text: &str) -> Option<Value> {
    match kind {
        "string" => Some(Value::String(text.to_owned())),
        "integer" => text.trim().parse::<i64>().ok().map(Value::from),
        "number" => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        "boolean" => match text.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        _ => None,
    }
}

/// Canonical form data written as XML with the model's root element.
pub(crate) fn to_xml(schema: &Value, data: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    write_element(&mut out, root_name(schema), data);
    out
}

fn write_element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => {}
        Value::Object(map) => {
            out.push_str(&format!("<{name}>"));
            for (child, v) in map {
                write_element(out, child, v);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::String(s) => {
            out.push_str(&format!("<{name}>{}</{name}>", crate::http::escape_html(s)))
        }
        other => out.push_str(&format!("<{name}>{other}</{name}>")),
    }
}

/// APPLIB PrefillSI: keys are dot paths "matched case-insensitively with `-` removed"; values are
/// strings converted to the property type; unknown keys or bad values are silently ignored.
pub(crate) fn prefill(schema: &Value, data: &mut Value, prefill: &Map<String, Value>) {
    let normal = |s: &str| s.replace('-', "").to_lowercase();
    'keys: for (key, value) in prefill {
        let Some(text) = value.as_str() else { continue };
        let (mut schema, mut target) = (schema, &mut *data);
        let segments: Vec<&str> = key.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let Some((name, child)) =
                properties(schema).find(|(n, _)| normal(n) == normal(segment))
            else {
                continue 'keys;
            };
            let Some(map) = target.as_object_mut() else {
                continue 'keys;
            };
            if i + 1 == segments.len() {
                let kind = child
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("object");
                if let Some(v) = convert(kind, text) {
                    map.insert(name.clone(), v);
                }
                continue 'keys;
            }
            schema = child;
            target = map
                .entry(name.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
}

/// A very small XML reader: elements, attributes (ignored), text, the five entities, comments
/// and the declaration. Enough for flat and nested Altinn form models.
mod xml {
    pub(crate) struct Element {
        pub name: String,
        pub children: Vec<Element>,
        pub text: String,
    }

    pub(crate) fn parse(text: &str) -> Result<Element, String> {
        let mut rest = skip_misc(text.trim_start_matches('\u{feff}'))?;
        let root = element(&mut rest)?;
        if !skip_misc(rest)?.trim().is_empty() {
            return Err("There is an error in XML document: content after the root element".into());
        }
        Ok(root)
    }

    fn skip_misc(mut s: &str) -> Result<&str, String> {
        loop {
            s = s.trim_start();
            let end = if s.starts_with("<?") {
                s.find("?>").map(|i| i + 2)
            } else if s.starts_with("<!--") {
                s.find("-->").map(|i| i + 3)
            } else {
                return Ok(s);
            };
            s = &s[end.ok_or("There is an error in XML document: unterminated declaration")?..];
        }
    }

    fn element(s: &mut &str) -> Result<Element, String> {
        let bad = || "There is an error in XML document".to_owned();
        let body = s.strip_prefix('<').ok_or_else(bad)?;
        let close = body.find('>').ok_or_else(bad)?;
        let tag = &body[..close];
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_end_matches('/')
            .split_whitespace()
            .next()
            .ok_or_else(bad)?
            .to_owned();
        *s = &body[close + 1..];
        let mut node = Element {
            name,
            children: Vec::new(),
            text: String::new(),
        };
        if self_closing {
            return Ok(node);
        }
        loop {
            if let Some(after) = s.strip_prefix("</") {
                let end = after.find('>').ok_or_else(bad)?;
                if after[..end].trim() != node.name {
                    return Err(format!(
                        "There is an error in XML document: </{}> does not close <{}>",
                        after[..end].trim(),
                        node.name
                    ));
                }
                *s = &after[end + 1..];
                node.text = unescape(&node.text)?;
                return Ok(node);
            }
            if s.starts_with("<!--") {
                let end = s.find("-->").ok_or_else(bad)?;
                *s = &s[end + 3..];
            } else if s.starts_with('<') {
                node.children.push(element(s)?);
            } else {
                let end = s.find('<').ok_or_else(bad)?;
                node.text.push_str(&s[..end]);
                *s = &s[end..];
            }
        }
    }

    fn unescape(text: &str) -> Result<String, String> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..]
                .find(';')
                .ok_or("There is an error in XML document: bad entity")?;
            out.push_str(match &rest[at..at + end + 1] {
                "&amp;" => "&",
                "&lt;" => "<",
                "&gt;" => ">",
                "&quot;" => "\"",
                "&apos;" | "&#39;" => "'",
                _ => return Err("There is an error in XML document: unknown entity".into()),
            });
            rest = &rest[at + end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"title":"Model","type":"object","properties":{"navn":{"type":"string"},"antall":{"type":"integer"},
               "kontakt":{"type":"object","properties":{"epost":{"type":"string"}}}}})
    }

    #[test]
    fn xml_round_trips_through_the_canonical_form() {
        let data = from_xml(&schema(), b"<?xml version=\"1.0\"?><Model xmlns:xsi=\"x\"><navn>A &amp; B</navn><antall>3</antall><ukjent>1</ukjent><kontakt><epost>a@b.no</epost></kontakt></Model>");
        assert_eq!(
            data,
            Ok(json!({"navn":"A & B","antall":3,"kontakt":{"epost":"a@b.no"}}))
        );
        let xml = to_xml(&schema(), &json!({"navn":"A & B"}));
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Model><navn>A &amp; B</navn></Model>"
        );
    }

    #[test]
    fn the_wrong_root_element_and_broken_xml_are_refused() {
        assert!(from_xml(&schema(), b"<Other><navn>x</navn></Other>").is_err());
        assert!(from_xml(&schema(), b"<Model><navn>x</Model>").is_err());
    }

    #[test]
    fn prefill_matches_loosely_and_ignores_what_does_not_fit() {
        let mut data = json!({});
        let prefill = json!({"NAVN":"Kari","an-tall":"7","kontakt.EPOST":"k@n.no","ukjent":"x","antall2":"y"});
        prefill_into(&mut data, &prefill);
        assert_eq!(
            data,
            json!({"navn":"Kari","antall":7,"kontakt":{"epost":"k@n.no"}})
        );
    }

    fn prefill_into(data: &mut Value, prefill_value: &Value) {
        if let Some(map) = prefill_value.as_object() {
            prefill(&schema(), data, map);
        }
    }
}
