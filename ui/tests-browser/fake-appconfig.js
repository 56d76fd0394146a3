// Runs inside the page before fake-backend.js: the app-configuration check of the fake Rust side.
// A folder whose name contains "clean" gives a report without findings, "missing" a not_found
// error, anything else an own-identity app with findings of every severity, as Rust words them.
// Seed with `appConfig: { reports: { "/path": AppConfigReport } }` to answer a path with your own.
(() => {
  (window.__fakeExtensions ??= []).push(({ fake, seed, appError, findProfile }) => {
    const l = (en, nb) => ({ en, nb });
    fake.appConfig = { reports: seed.appConfig?.reports ?? {} };

    const FILES = ["App/App.csproj", "App/Program.cs", "App/appsettings.json", "App/appsettings.Production.json", "deployment/values.yaml"];
    const reasons = [
      l("Altinn.App.Api 8.5.0 (line 12 of the project file).", "Altinn.App.Api 8.5.0 (linje 12 i prosjektfilen)."),
      l("Program.cs line 31: AddMaskinportenHttpClient registers a client of its own through Altinn.ApiClients.Maskinporten.", "Program.cs linje 31: AddMaskinportenHttpClient registrerer en egen klient gjennom Altinn.ApiClients.Maskinporten."),
      l("Own identity: ClientId and EncodedJwk come from the organisation's Azure Key Vault; Environment and Scope from appsettings.", "Egen identitet: ClientId og EncodedJwk kommer fra virksomhetens Azure Key Vault; Environment og Scope fra appsettings."),
    ];

    function snippet(section) {
      const base = section.replace(/:/g, "--");
      const [prefix, name] = section.split(":");
      return {
        path: "own_identity",
        section,
        appsettings: `{\n  "${prefix}": {\n    "${name}": {\n      "Environment": "test",\n      "Scope": "altinn:serviceowner/instances.read altinn:serviceowner/instances.write",\n      "ExhangeToAltinnToken": true\n    }\n  }\n}`,
        programCs: `// Right after \`ConfigureWebHostBuilder(builder.WebHost);\`:\nif (!builder.Environment.IsDevelopment())\n{\n    builder.AddAzureKeyVaultAsConfigProvider();\n}\n\nbuilder.Services.AddMaskinportenHttpClient<SettingsJwkClientDefinition>(\n    "app-b",\n    builder.Configuration.GetSection("${section}"));\n`,
        placement: l("Program.cs: the Key Vault lines go right after `ConfigureWebHostBuilder(builder.WebHost);` and before `builder.Build()`.", "Program.cs: Key Vault-linjene skal rett etter `ConfigureWebHostBuilder(builder.WebHost);` og før `builder.Build()`."),
        csproj: '<PackageReference Include="Altinn.ApiClients.Maskinporten" Version="10.1.0" />',
        valuesYaml: 'deployment:\n  volumeMounts:\n    - name: altinn-appsettings-secret\n      mountPath: "/altinn-appsettings-secret"\n  volumes:\n    - name: altinn-appsettings-secret\n      secret:\n        secretName: altinn-appsettings-secret\n',
        secrets: [
          { name: `${base}--ClientId`, holds: l("the client id (sandbox-client)", "klient-id-en (sandbox-client)") },
          { name: `${base}--EncodedJwk`, holds: l("the private JWK, base64 (standard, padded) of its JSON", "den private JWK-en, base64 (standard, med utfylling) av JSON-en") },
        ],
        notes: [
          l("Altinn.ApiClients.Maskinporten copies the section when AddMaskinportenHttpClient runs and keeps that copy: register it after Key Vault is added.", "Altinn.ApiClients.Maskinporten kopierer seksjonen når AddMaskinportenHttpClient kjører, og beholder kopien: registrer den etter at Key Vault er lagt til."),
        ],
      };
    }

    const finding = (id, severity, file, line, message, fix) => ({ id, severity, file, line, message, fix });

    function withFindings(root, profile) {
      const findings = [
        finding("keyvault_order", "error", "App/Program.cs", 31,
          l("AddMaskinportenHttpClient runs before AddAzureKeyVaultAsConfigProvider: the library copies the section before the Key Vault secrets are there.", "AddMaskinportenHttpClient kjører før AddAzureKeyVaultAsConfigProvider: biblioteket kopierer seksjonen før hemmelighetene fra Key Vault er der."),
          l("Move the registration after the Key Vault lines, right after ConfigureWebHostBuilder(builder.WebHost).", "Flytt registreringen etter Key Vault-linjene, rett etter ConfigureWebHostBuilder(builder.WebHost).")),
        finding("exchange_misspelled", "error", "App/appsettings.json", 14,
          l("ExchangeToAltinnToken is spelled correctly, and that is the problem: the library's setting is ExhangeToAltinnToken (without the c), so this one is silently ignored and the app gets a Maskinporten token that Altinn refuses.", "ExchangeToAltinnToken er riktig stavet, og det er problemet: bibliotekets innstilling heter ExhangeToAltinnToken (uten c), så denne ignoreres uten varsel, og appen får et Maskinporten-token som Altinn avviser."),
          l("Rename the key to ExhangeToAltinnToken.", "Gi nøkkelen navnet ExhangeToAltinnToken.")),
        finding("keyvault_mount_missing", "error", "deployment/values.yaml", null,
          l("values.yaml does not mount altinn-appsettings-secret, so the app never learns which Key Vault to read.", "values.yaml monterer ikke altinn-appsettings-secret, så appen får aldri vite hvilket Key Vault den skal lese."),
          l("Add the volume and volumeMount for altinn-appsettings-secret under deployment:.", "Legg til volume og volumeMount for altinn-appsettings-secret under deployment:.")),
        finding("debug_log_key", "warning", "App/appsettings.json", 16,
          l("EnableDebugLog does not exist (an old Altinn guide used it); it is silently ignored.", "EnableDebugLog finnes ikke (en gammel Altinn-veiledning brukte den); den ignoreres uten varsel."),
          l("Rename it to EnableDebugLogging.", "Gi den navnet EnableDebugLogging.")),
        finding("secret_names", "info", "App/Program.cs", 33,
          l("The section myapp:MaskinportenSettingsExternal means the Key Vault secrets myapp--MaskinportenSettingsExternal--ClientId and …--EncodedJwk.", "Seksjonen myapp:MaskinportenSettingsExternal betyr hemmelighetene myapp--MaskinportenSettingsExternal--ClientId og …--EncodedJwk i Key Vault."),
          l("Write them in the Key Vault step.", "Skriv dem i Key Vault-steget.")),
      ];
      return {
        root, files: FILES,
        path: { path: "own_identity", reasons, appVersion: "8.5.0" },
        sections: [{ section: "myapp:MaskinportenSettingsExternal", client: "own_identity", file: "App/Program.cs", line: 33, definedIn: ["App/appsettings.json"] }],
        findings, errors: 3, warnings: 1,
        snippet: snippet(profile?.secretPrefix ? `${profile.secretPrefix}:MaskinportenSettingsExternal` : "myapp:MaskinportenSettingsExternal"),
      };
    }

    function clean(root) {
      return {
        root, files: FILES.slice(0, 3),
        path: {
          path: "studio_provisioned", appVersion: "8.6.1",
          reasons: [
            l("Altinn.App.Api 8.6.1 (line 12 of the project file).", "Altinn.App.Api 8.6.1 (linje 12 i prosjektfilen)."),
            l("Studio-provisioned: on App 8.3 and later Altinn Studio creates the Maskinporten client and mounts its credentials; no Key Vault secrets are needed for service-owner calls.", "Satt opp av Studio: på App 8.3 og nyere lager Altinn Studio Maskinporten-klienten og monterer påloggingen; ingen Key Vault-hemmeligheter trengs for tjenesteeier-kall."),
          ],
        },
        sections: [], findings: [], errors: 0, warnings: 0, snippet: null,
      };
    }

    return {
      check_app_config: ({ request: { path, profile, appB } }) => {
        const found = profile ? findProfile(profile) : null;
        if (path.includes("missing")) throw appError("not_found", `${path} does not exist.`, "Choose the folder with App/ and deployment/ in it.");
        const own = fake.appConfig.reports[path];
        const report = own ?? (path.includes("clean") ? clean(path) : withFindings(path, found));
        if (appB && !own) {
          report.findings = [...report.findings, finding("appb_party_types", "warning", "App/config/applicationmetadata.json", 9,
            l("App B allows only persons as instance owners, so an organisation cannot own the instances this profile creates.", "App B tillater bare personer som instanseiere, så en organisasjon kan ikke eie instansene denne profilen oppretter."),
            l("Set partyTypesAllowed.organisation to true in app B's applicationmetadata.json.", "Sett partyTypesAllowed.organisation til true i applicationmetadata.json for app B."))];
          report.warnings += 1;
        }
        return report;
      },
    };
  });
})();
