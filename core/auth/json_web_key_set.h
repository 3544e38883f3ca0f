#pragma once

#include "core/common/async_result.h"
#include "core/common/outcome.h"
#include "core/http/tls_trust.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>

#include <memory>

namespace RoleDrop::Http {
class AwsCall;
class AwsHttpClient;
}

// OpenSSL's key type, kept out of this header so users need no OpenSSL include path.
struct evp_pkey_st;

namespace RoleDrop::Auth {

// One public signing key of an OpenID Provider's JWKS (RFC 7517), ready for OpenSSL: RSA (n, e) or EC on
// P-256 / P-384 / P-521 (x, y). Keys of other types, and keys marked for encryption ("use": "enc"), are skipped.
struct JsonWebKey
{
    QString keyId;      // kid, may be empty
    QString keyType;    // "RSA" or "EC"
    QString algorithm;  // alg, may be empty (any algorithm of its type)
    QString curve;      // crv of an EC key
    std::shared_ptr<evp_pkey_st> publicKey;
};

struct JsonWebKeySet
{
    QList<JsonWebKey> keys;
};

// Parses a JWKS document. A document that is not JSON, has no "keys" array or no usable signing key is an
// error naming `origin` (the jwks_uri); a single malformed key among good ones is skipped.
Outcome<JsonWebKeySet> parseJsonWebKeySet(const QByteArray &json, const QString &origin);

// GETs the provider's jwks_uri (from discovery) through the HTTP client, unsigned, and parses it.
Http::AwsCall *fetchJsonWebKeySet(Http::AwsHttpClient *http, const QUrl &jwksUri, const Http::TlsTrust &tls,
                                  QObject *context, ResultHandler<JsonWebKeySet> done);

} // namespace RoleDrop::Auth
