//! A scanner for an Altinn app's `Program.cs`: not a C# parser, just enough to find the calls
//! that matter for Maskinporten and Key Vault, the configuration section each one binds, its
//! line, and the order in which they run.
//!
//! Order matters because the template calls its local functions (`ConfigureServices`, which calls
//! `RegisterCustomAppServices`, then `ConfigureWebHostBuilder`) from top-level statements, so a
//! call's textual position is not when it runs (Altinn/app-template-dotnet `src/App/Program.cs`).
//! A call inside a local function runs when that function is first called; `order` models that.
//!
//! Comments, strings (regular, verbatim, interpolated, raw), character literals and preprocessor
//! lines are skipped, so braces inside them do not confuse the nesting. Depends on `std` only (the
//! fuzz target compiles this folder on its own) and never panics; odd code just yields fewer calls.

mod lex;
mod order;

use lex::{Kind, Tok, lex};
use order::{Orders, functions, owners, partners};

/// How deep a chain of local-function calls is followed when ordering.
const MAX_CALL_DEPTH: usize = 16;

/// Names that look like `Name(…) {` but are statements, not function definitions.
const NOT_FUNCTIONS: &[&str] = &[
    "if",
    "while",
    "for",
    "foreach",
    "switch",
    "using",
    "lock",
    "fixed",
    "catch",
    "when",
    "checked",
    "unchecked",
    "nameof",
    "typeof",
    "sizeof",
    "default",
    "return",
    "new",
    "await",
    "else",
    "throw",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The method name, e.g. `AddMaskinportenHttpClient`.
    pub name: String,
    /// 1-based line of the name.
    pub line: u32,
    /// Type arguments as written, e.g. `["SettingsJwkClientDefinition"]`.
    pub generics: Vec<String>,
    /// The configuration section the call binds: `GetSection("a").GetSection("b")` gives `a:b`;
    /// a variable assigned from `GetSection` is followed; for `ConfigureMaskinportenClient("X")`
    /// the first string argument.
    pub section: Option<String>,
    /// When it runs: compare two calls' orders to know which runs first. `None` when the call sits
    /// in a function that nothing calls.
    pub order: Option<Vec<usize>>,
}

impl Call {
    /// Whether this call runs before `other`; `None` when either order is unknown.
    pub fn runs_before(&self, other: &Call) -> Option<bool> {
        Some(self.order.as_ref()? < other.order.as_ref()?)
    }
}

/// The calls found, in text order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    pub calls: Vec<Call>,
}

impl Scan {
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Call> + 'a {
        self.calls.iter().filter(move |c| c.name == name)
    }

    pub fn first(&self, name: &str) -> Option<&Call> {
        self.calls.iter().find(|c| c.name == name)
    }
}

/// Whether a call is one the checks look at.
fn interesting(name: &str) -> bool {
    name.contains("Maskinporten")
        || matches!(
            name,
            "AddAzureKeyVaultAsConfigProvider" | "ConfigureAppWebHost" | "AddAzureKeyVault"
        )
}

/// Whether `name` appears as an identifier (not in a comment or a string).
pub fn mentions(source: &str, name: &str) -> bool {
    lex(source)
        .iter()
        .any(|t| t.kind == Kind::Ident && t.text == name)
}

pub fn scan(source: &str) -> Scan {
    let toks = lex(source);
    let partner = partners(&toks);
    let functions = functions(&toks, &partner);
    let owner = owners(toks.len(), &functions);
    let variables = section_variables(&toks, &partner);
    let mut orders = Orders::new(&toks, &functions, &owner);
    let mut calls = Vec::new();
    for (i, tok) in toks.iter().enumerate() {
        if tok.kind != Kind::Ident || !interesting(&tok.text) {
            continue;
        }
        let (generics, open) = generics_at(&toks, i + 1);
        if toks.get(open).map(|t| t.text.as_str()) != Some("(") {
            continue;
        }
        let close = partner[open].unwrap_or(toks.len());
        let args = &toks[open + 1..close.min(toks.len())];
        let section = section_in(args, &variables).or_else(|| {
            (tok.text == "ConfigureMaskinportenClient")
                .then(|| args.first().filter(|t| t.kind == Kind::Str))
                .flatten()
                .map(|t| t.text.clone())
        });
        calls.push(Call {
            name: tok.text.clone(),
            line: tok.line,
            generics,
            section,
            order: orders.of(i, 0),
        });
    }
    Scan { calls }
}

/// `<A, B.C>` after a name: the type names and the index after `>`.
fn generics_at(toks: &[Tok], at: usize) -> (Vec<String>, usize) {
    if toks.get(at).map(|t| t.text.as_str()) != Some("<") {
        return (Vec::new(), at);
    }
    let (mut depth, mut names, mut current) = (0usize, Vec::new(), String::new());
    for (offset, tok) in toks.iter().skip(at).take(64).enumerate() {
        match tok.text.as_str() {
            "<" => {
                depth += 1;
                if depth > 1 {
                    current.push('<');
                }
            }
            ">" => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    names.push(std::mem::take(&mut current));
                    return (names, at + offset + 1);
                }
                current.push('>');
            }
            "," if depth == 1 => names.push(std::mem::take(&mut current)),
            text if tok.kind == Kind::Ident || text == "." => current.push_str(text),
            _ => return (Vec::new(), at),
        }
    }
    (Vec::new(), at)
}

/// `GetSection("a").GetSection("b")` in `toks` as `a:b`, or a variable known to hold a section.
fn section_in(toks: &[Tok], variables: &[(String, String)]) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let is_get = matches!(toks[i].text.as_str(), "GetSection" | "GetRequiredSection");
        if is_get
            && toks.get(i + 1).map(|t| t.text.as_str()) == Some("(")
            && let Some(arg) = toks.get(i + 2).filter(|t| t.kind == Kind::Str)
        {
            parts.push(arg.text.clone());
            i += 3;
            continue;
        }
        if parts.is_empty()
            && toks[i].kind == Kind::Ident
            && toks.get(i + 1).map(|t| t.text.as_str()) != Some("(")
            && let Some((_, section)) = variables.iter().rev().find(|(n, _)| *n == toks[i].text)
        {
            return Some(section.clone());
        }
        i += 1;
    }
    (!parts.is_empty()).then(|| parts.join(":"))
}

/// `name = … GetSection("X") …;` anywhere: the variable names that hold a section.
fn section_variables(toks: &[Tok], partner: &[Option<usize>]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..toks.len() {
        let assigns = toks[i].kind == Kind::Ident
            && toks.get(i + 1).map(|t| t.text.as_str()) == Some("=")
            && toks
                .get(i + 2)
                .is_some_and(|t| t.text != "=" && t.text != ">");
        if !assigns {
            continue;
        }
        let mut end = i + 2;
        while end < toks.len() && end < i + 200 && toks[end].text != ";" {
            end = match partner[end] {
                Some(close) if toks[end].text == "(" => close.max(end) + 1,
                _ => end + 1,
            };
        }
        if let Some(section) = section_in(&toks[i + 2..end.min(toks.len())], &[]) {
            out.push((toks[i].text.clone(), section));
        }
    }
    out
}

/// For each `(` and `{`, the index of its closing partner.
#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = r#"
void RegisterCustomAppServices(IServiceCollection services, IConfiguration config)
{
    // services.AddMaskinportenHttpClient<X>(config.GetSection("Commented"));
    services.AddMaskinportenHttpClient<SettingsJwkClientDefinition, AppBClient>(
        config.GetSection("app").GetSection("Mp"));
}
var builder = WebApplication.CreateBuilder(args);
ConfigureServices(builder.Services, builder.Configuration);
ConfigureWebHostBuilder(builder.WebHost);
builder.AddAzureKeyVaultAsConfigProvider();
var s = "}{ \" ";
void ConfigureServices(IServiceCollection services, IConfiguration config)
{
    RegisterCustomAppServices(services, config);
}
void ConfigureWebHostBuilder(IWebHostBuilder builder)
{
    builder.ConfigureAppWebHost(args);
}
"#;

    #[test]
    fn calls_in_local_functions_run_when_the_function_is_called_not_where_they_are_written() {
        let scan = scan(TEMPLATE);
        let register = scan.first("AddMaskinportenHttpClient").expect("found");
        let web_host = scan.first("ConfigureAppWebHost").expect("found");
        let key_vault = scan
            .first("AddAzureKeyVaultAsConfigProvider")
            .expect("found");
        assert_eq!(register.line, 5);
        assert_eq!(register.section.as_deref(), Some("app:Mp"));
        assert_eq!(
            register.generics,
            vec!["SettingsJwkClientDefinition", "AppBClient"]
        );
        assert_eq!(register.runs_before(key_vault), Some(true));
        assert_eq!(web_host.runs_before(key_vault), Some(true));
        assert_eq!(
            scan.named("AddMaskinportenHttpClient").count(),
            1,
            "comment skipped"
        );
    }

    #[test]
    fn a_variable_holding_a_section_is_followed_and_uncalled_functions_have_no_order() {
        let scan = scan(
            "void Unused() {\n var mp = config.GetSection(@\"Own\");\n services.ConfigureMaskinportenClient(\"B\");\n services.AddMaskinportenHttpClient<D>(mp);\n}",
        );
        let own = scan.first("AddMaskinportenHttpClient").expect("found");
        assert_eq!(own.section.as_deref(), Some("Own"));
        assert_eq!(own.order, None);
        let built_in = scan.first("ConfigureMaskinportenClient").expect("found");
        assert_eq!(built_in.section.as_deref(), Some("B"));
    }

    #[test]
    fn odd_input_gives_no_panic() {
        for text in [
            "\"", "@\"", "$\"{", "'", "'\\", "/*", "f(", "Main(){", "a<", "\"\"\"x", "x = ;",
        ] {
            let _ = scan(text);
        }
    }
}
