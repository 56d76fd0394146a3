#!/usr/bin/env bash
# The reference for bench.py's chain row: what an admin scripts by hand with curl and openssl
# against the same servers: metadata, a grant signed with openssl, the token request, the
# exchange. No verification of the token (the tool also verifies it against the JWKS).
# Environment: MP (issuer URL, ends in /), ALTINN, CLIENT, KID, KEY (PEM file), SCOPE.
set -euo pipefail
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
metadata="$(curl -sf "${MP}.well-known/oauth-authorization-server")"
token_endpoint="$(printf '%s' "$metadata" | sed -E 's/.*"token_endpoint":"([^"]+)".*/\1/')"
now="$(date +%s)"
header="$(printf '{"alg":"RS256","typ":"JWT","kid":"%s"}' "$KID" | b64url)"
claims="$(printf '{"aud":"%s","iss":"%s","scope":"%s","iat":%s,"exp":%s,"jti":"%s"}' \
  "$MP" "$CLIENT" "$SCOPE" "$now" "$((now + 60))" "$(openssl rand -hex 16)" | b64url)"
signature="$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$KEY" -binary | b64url)"
answer="$(curl -sf -X POST "$token_endpoint" \
  --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer' \
  --data-urlencode "assertion=$header.$claims.$signature")"
access_token="$(printf '%s' "$answer" | sed -E 's/.*"access_token":"([^"]+)".*/\1/')"
altinn_token="$(curl -sf -H "Authorization: Bearer $access_token" \
  "$ALTINN/authentication/api/v1/exchange/maskinporten")"
[ -n "$altinn_token" ]
