"""How the STS test double verifies the ID token of AssumeRoleWithWebIdentity, in the order and with the errors
AWS STS uses (its documentation of AssumeRoleWithWebIdentity and of IAM OIDC identity providers):

  1. the token must be a JWT (three base64url parts, JSON header and claims)  -> InvalidIdentityToken
  2. its `iss` must be a registered OIDC provider of the account            -> InvalidIdentityToken
  3. the provider's keys: GET <iss>/.well-known/openid-configuration, then its jwks_uri, over https
     (unreachable, not JSON, no keys)                                        -> IDPCommunicationError
  4. the signature, by the key with the header's kid (RS256/384/512, ES256/384/512; `none` and HS* refused)
                                                                             -> InvalidIdentityToken
  5. `exp` not passed on the double's clock                                  -> ExpiredTokenException
  6. `aud` (a string or a list) one of the provider's client ids             -> InvalidIdentityToken
The trust policy check (AccessDenied) is the caller's: it gets the verified claims.

Uses python3-cryptography. Error messages never contain the token.
"""
import base64
import json
import ssl
import threading
import urllib.request

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1}
INVALID_TOKEN_MESSAGE = ("The web identity token that was passed could not be validated by AWS. Get a new identity "
                         "token from the identity provider and then retry the request.")
IDP_UNREACHABLE_MESSAGE = ("Couldn't retrieve verification key from your identity provider,  please reference "
                           "AssumeRoleWithWebIdentity documentation for requirements")


class WebIdentityError(Exception):
    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def invalid_token(message=INVALID_TOKEN_MESSAGE):
    return WebIdentityError("InvalidIdentityToken", message)


def b64url_decode(text):
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise invalid_token()


def b64url_int(text):
    return int.from_bytes(b64url_decode(text), "big")


def provider_name(issuer):
    """IAM names an OIDC provider by its issuer URL without the scheme: host[:port][/path]."""
    return issuer.split("://", 1)[-1].rstrip("/")


class OidcProvider:
    """A registered OIDC identity provider: its issuer URL and the client ids (audiences) it accepts."""

    def __init__(self, url, client_ids, env=None):
        self.url, self.client_ids, self.env = url.rstrip("/"), list(client_ids), env
        self.name = provider_name(url)


def public_key(jwk):
    kty = jwk.get("kty")
    if kty == "RSA":
        return rsa.RSAPublicNumbers(b64url_int(jwk["e"]), b64url_int(jwk["n"])).public_key()
    if kty == "EC" and jwk.get("crv") in CURVES:
        return ec.EllipticCurvePublicNumbers(b64url_int(jwk["x"]), b64url_int(jwk["y"]),
                                             CURVES[jwk["crv"]]()).public_key()
    return None


def signature_valid(alg, key, signing_input, signature):
    digest = HASHES.get(alg[2:])
    if digest is None:
        return False
    try:
        if alg.startswith("RS") and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, signing_input, padding.PKCS1v15(), digest())
            return True
        if alg.startswith("ES") and isinstance(key, ec.EllipticCurvePublicKey):
            half = len(signature) // 2  # JWS carries ECDSA as r || s, not DER
            if half == 0 or len(signature) % 2:
                return False
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"),
                                       int.from_bytes(signature[half:], "big"))
            key.verify(der, signing_input, ec.ECDSA(digest()))
            return True
    except InvalidSignature:
        return False
    return False


class WebIdentityVerifier:
    def __init__(self, providers, ca_file=None, log=None):
        self.providers = {p.url: p for p in providers}
        self.ssl_context = ssl.create_default_context(cafile=ca_file)
        self.log = log or (lambda _m: None)
        self.keys = {}  # issuer -> {kid: jwk}
        self.lock = threading.Lock()

    def fetch_json(self, url):
        if not url.startswith("https://"):
            raise ValueError("not https: %s" % url)
        with urllib.request.urlopen(url, context=self.ssl_context, timeout=5) as answer:
            return json.loads(answer.read())

    def fetch_keys(self, provider):
        try:
            meta = self.fetch_json(provider.url + "/.well-known/openid-configuration")
            jwks = self.fetch_json(meta["jwks_uri"])
            keys = {k.get("kid"): k for k in jwks["keys"] if k.get("use", "sig") == "sig"}
        except Exception as e:  # noqa: BLE001 - any failure to get keys is AWS's IDPCommunicationError
            self.log("could not fetch the keys of %s: %s" % (provider.url, e))
            raise WebIdentityError("IDPCommunicationError", IDP_UNREACHABLE_MESSAGE)
        with self.lock:
            self.keys[provider.url] = keys
        return keys

    def key_for(self, provider, kid):
        with self.lock:
            keys = self.keys.get(provider.url)
        if keys is None or kid not in keys:  # first use, or the provider rotated its keys
            keys = self.fetch_keys(provider)
        return keys.get(kid)

    def verify(self, token, now):
        """The token's claims and its provider, or WebIdentityError."""
        parts = token.split(".")
        if len(parts) != 3:
            raise invalid_token()
        try:
            header = json.loads(b64url_decode(parts[0]))
            claims = json.loads(b64url_decode(parts[1]))
        except ValueError:
            raise invalid_token()
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise invalid_token()
        issuer = claims.get("iss")
        provider = self.providers.get(issuer.rstrip("/")) if isinstance(issuer, str) else None
        if provider is None:
            raise invalid_token("No OpenIDConnect provider found in your account for %s" % issuer)
        alg = header.get("alg")
        if alg not in ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"):
            raise invalid_token()
        jwk = self.key_for(provider, header.get("kid"))
        key = public_key(jwk) if jwk else None
        signing_input = ("%s.%s" % (parts[0], parts[1])).encode()
        if key is None or not signature_valid(alg, key, signing_input, b64url_decode(parts[2])):
            raise invalid_token()
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)):
            raise invalid_token()
        if now >= exp:
            raise WebIdentityError("ExpiredTokenException", "Token expired: current date/time %d must be before "
                                   "the expiration date/time %d" % (now, exp))
        audiences = claims.get("aud")
        audiences = audiences if isinstance(audiences, list) else [audiences]
        matched = [a for a in audiences if a in provider.client_ids]
        if not matched:
            raise invalid_token("Incorrect token audience")
        claims["_matched_audience"] = matched[0]
        return claims, provider
