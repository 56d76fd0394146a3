//! An app's `policy.xml` read as the XACML 3.0 it is (namespaced elements, text split across
//! lines, comments): each Permit rule with the subjects and actions its target matches. What a
//! rule means for app A is `appb`'s business.
//!
//! Studio writes the owner's placeholder both as `[ORG]` (older apps, `string-equal`) and
//! `[org]` (the v8 and v9 templates, `string-equal-ignore-case`); Studio replaces both with the
//! app's org when it deploys (tests/fixtures/real-apps). A `Match` on the action may sit in any
//! `AllOf` of the target, also beside the resource matches.

/// The subject attribute of an organisation (service owner code).
pub const ORG_ATTRIBUTE: &str = "urn:altinn:org";
/// The subject attribute of a role code (`dagl`, `regna` …).
pub const ROLE_ATTRIBUTE: &str = "urn:altinn:rolecode";
pub const ACTION_ATTRIBUTE: &str = "urn:oasis:names:tc:xacml:1.0:action:action-id";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub attribute: String,
    pub category: String,
    /// The `AttributeValue`'s text, trimmed.
    pub value: String,
}

impl Match {
    pub fn is_subject(&self) -> bool {
        self.category.contains("subject")
    }

    /// `[ORG]` / `[org]`: the app's own organisation, filled in by Studio.
    pub fn is_owner_placeholder(&self) -> bool {
        self.value.eq_ignore_ascii_case("[org]")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub id: String,
    pub permit: bool,
    pub line: u32,
    pub subjects: Vec<Match>,
    pub actions: Vec<String>,
}

/// The rules, or where the file stops being XML.
pub fn rules(text: &str) -> Result<Vec<Rule>, (u32, String)> {
    let start = text.find('<').unwrap_or(0);
    let doc = roxmltree::Document::parse(&text[start..])
        .map_err(|e| (e.pos().row + line_offset(text, start), e.to_string()))?;
    let offset = line_offset(text, start);
    let named =
        |n: &roxmltree::Node<'_, '_>, name: &str| n.is_element() && n.tag_name().name() == name;
    let rules = doc
        .descendants()
        .filter(|n| named(n, "Rule"))
        .map(|rule| {
            let mut subjects = Vec::new();
            let mut actions = Vec::new();
            let target = rule.children().find(|c| named(c, "Target"));
            for m in target
                .into_iter()
                .flat_map(|t| t.descendants())
                .filter(|n| named(n, "Match"))
            {
                let value = m
                    .children()
                    .find(|c| named(c, "AttributeValue"))
                    .map(|v| {
                        v.descendants()
                            .filter(|d| d.is_text())
                            .filter_map(|d| d.text())
                            .collect::<String>()
                    })
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                let designator = m.children().find(|c| named(c, "AttributeDesignator"));
                let get = |a: &str| {
                    designator
                        .and_then(|d| d.attribute(a))
                        .unwrap_or_default()
                        .to_string()
                };
                let found = Match {
                    attribute: get("AttributeId"),
                    category: get("Category"),
                    value,
                };
                if found.attribute == ACTION_ATTRIBUTE {
                    actions.push(found.value.to_ascii_lowercase());
                } else if found.is_subject() {
                    subjects.push(found);
                }
            }
            Rule {
                id: rule.attribute("RuleId").unwrap_or_default().to_string(),
                permit: rule
                    .attribute("Effect")
                    .is_some_and(|e| e.eq_ignore_ascii_case("Permit")),
                line: doc.text_pos_at(rule.range().start).row + offset,
                subjects,
                actions,
            }
        })
        .collect();
    Ok(rules)
}

fn line_offset(text: &str, start: usize) -> u32 {
    u32::try_from(text[..start].matches('\n').count()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<xacml:Policy xmlns:xacml="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p">
  <!-- <xacml:Rule RuleId="commented" Effect="Permit"/> -->
  <xacml:Rule RuleId="owner" Effect="Permit">
    <xacml:Target>
      <xacml:AnyOf><xacml:AllOf>
        <xacml:Match MatchId="urn:oasis:names:tc:xacml:3.0:function:string-equal-ignore-case">
          <xacml:AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">
            [org]
          </xacml:AttributeValue>
          <xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject" DataType="x" MustBePresent="false" />
        </xacml:Match>
      </xacml:AllOf></xacml:AnyOf>
      <xacml:AnyOf><xacml:AllOf>
        <xacml:Match MatchId="f"><xacml:AttributeValue DataType="x">[ORG]</xacml:AttributeValue><xacml:AttributeDesignator AttributeId="urn:altinn:org" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource" DataType="x" MustBePresent="false" /></xacml:Match>
        <xacml:Match MatchId="f"><xacml:AttributeValue DataType="x">Delete</xacml:AttributeValue><xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="x" MustBePresent="false" /></xacml:Match>
      </xacml:AllOf></xacml:AnyOf>
      <xacml:AnyOf><xacml:AllOf>
        <xacml:Match MatchId="f"><xacml:AttributeValue DataType="x">instantiate</xacml:AttributeValue><xacml:AttributeDesignator AttributeId="urn:oasis:names:tc:xacml:1.0:action:action-id" Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action" DataType="x" MustBePresent="false" /></xacml:Match>
      </xacml:AllOf></xacml:AnyOf>
    </xacml:Target>
  </xacml:Rule>
</xacml:Policy>"#;

    #[test]
    fn a_lower_case_placeholder_split_over_lines_and_an_action_beside_the_resource_are_read() {
        let rules = rules(POLICY).expect("XML");
        assert_eq!(rules.len(), 1, "the commented-out rule is not a rule");
        let rule = &rules[0];
        assert!(rule.permit);
        assert_eq!(rule.line, 4);
        assert_eq!(
            rule.subjects.len(),
            1,
            "the resource's [ORG] is not a subject"
        );
        assert!(rule.subjects[0].is_owner_placeholder());
        assert_eq!(rule.actions, ["delete", "instantiate"]);
    }

    #[test]
    fn a_broken_policy_says_where() {
        let (line, problem) = rules("<Policy>\n  <Rule>\n  </Rul>\n</Policy>").expect_err("broken");
        assert_eq!(line, 3, "{problem}");
    }
}
