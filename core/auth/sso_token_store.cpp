#include "core/auth/sso_token_store.h"

#include "core/auth/keychain_store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace RoleDrop::Auth {

namespace {

QString isoUtc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODate) : QString();
}

// ISO 8601 in UTC as botocore writes it: "2026-11-30T22:00:00Z" (newer) or "2026-11-30T22:00:00UTC" (older).
QDateTime parseUtc(QString text)
{
    if (text.endsWith(QLatin1String("UTC")))
        text = text.chopped(3) + QLatin1Char('Z');
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid())
        t = QDateTime::fromString(text, Qt::ISODate);
    if (!t.isValid())
        return {};
    // Whole seconds, rounded down (a token is taken as ending no later than it says): what isoUtc() writes back, so
    // a stored token reads back the same (a fraction, even of a minute as in "23:59.54", would otherwise drift).
    t = t.toUTC();
    return t.addMSecs(-t.time().msec());
}

QString normalizedUrl(const QString &url)
{
    return url.endsWith(QLatin1Char('/')) ? url.chopped(1) : url;
}

QJsonObject registrationsFrom(const QString &secret)
{
    return QJsonDocument::fromJson(secret.toUtf8()).object();
}

} // namespace

SsoTokenStore::SsoTokenStore(KeychainStore *keychain) : m_keychain(keychain) {}

QString SsoTokenStore::tokenKey(const SsoSessionConfig &config)
{
    return QStringLiteral("sso-token:") + config.cacheKey();
}

QString SsoTokenStore::registrationKey(const SsoSessionConfig &config)
{
    return QStringLiteral("sso-client:") + config.cacheKey();
}

QString SsoTokenStore::awsCliCachePath(const SsoSessionConfig &config)
{
    const QByteArray hash = QCryptographicHash::hash(config.cacheKey().toUtf8(), QCryptographicHash::Sha1).toHex();
    return QDir::homePath() + QStringLiteral("/.aws/sso/cache/") + QString::fromLatin1(hash) + QStringLiteral(".json");
}

QByteArray SsoTokenStore::tokenToJson(const SsoToken &t)
{
    const QJsonObject o{{QStringLiteral("accessToken"), t.accessToken},
                        {QStringLiteral("expiresAt"), isoUtc(t.expiresAt)},
                        {QStringLiteral("refreshToken"), t.refreshToken},
                        {QStringLiteral("clientId"), t.clientId},
                        {QStringLiteral("clientSecret"), t.clientSecret},
                        {QStringLiteral("registrationExpiresAt"), isoUtc(t.registrationExpiresAt)},
                        {QStringLiteral("startUrl"), t.startUrl},
                        {QStringLiteral("region"), t.region}};
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<SsoToken> SsoTokenStore::tokenFromJson(const QByteArray &json)
{
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    SsoToken t;
    t.accessToken = o.value(QStringLiteral("accessToken")).toString();
    t.expiresAt = parseUtc(o.value(QStringLiteral("expiresAt")).toString());
    t.refreshToken = o.value(QStringLiteral("refreshToken")).toString();
    t.clientId = o.value(QStringLiteral("clientId")).toString();
    t.clientSecret = o.value(QStringLiteral("clientSecret")).toString();
    t.registrationExpiresAt = parseUtc(o.value(QStringLiteral("registrationExpiresAt")).toString());
    t.startUrl = o.value(QStringLiteral("startUrl")).toString();
    t.region = o.value(QStringLiteral("region")).toString();
    if (t.accessToken.isEmpty() || !t.expiresAt.isValid())
        return std::nullopt;
    return t;
}

std::optional<SsoToken> SsoTokenStore::awsCliToken(const SsoSessionConfig &config, const QDateTime &now, int marginSeconds)
{
    QFile file(awsCliCachePath(config));
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    auto token = tokenFromJson(file.read(1024 * 1024));
    if (!token || normalizedUrl(token->startUrl) != normalizedUrl(config.startUrl) || !token->isValidAt(now, marginSeconds))
        return std::nullopt;
    token->refreshToken.clear();  // the AWS CLI's to use: refreshing here could rotate it under the CLI's feet
    token->region = config.region;
    return token;
}

void SsoTokenStore::readToken(const SsoSessionConfig &config, int marginSeconds, QObject *context,
                              ResultHandler<std::optional<SsoToken>> done)
{
    done = deliverTo(context, std::move(done));
    m_keychain->readSecret(tokenKey(config), context, [config, marginSeconds, done](Outcome<QString> secret) {
        const QDateTime now = QDateTime::currentDateTimeUtc();
        std::optional<SsoToken> stored;
        if (secret)
            stored = tokenFromJson(secret.value().toUtf8());
        if (stored && normalizedUrl(stored->startUrl) != normalizedUrl(config.startUrl))
            stored.reset();  // the session was pointed at another start URL since
        if (stored && stored->isValidAt(now, marginSeconds))
            return done(stored);
        if (auto fromCli = awsCliToken(config, now, marginSeconds))
            return done(fromCli);
        if (!secret && secret.error().kind != AwsErrorKind::NotFound)
            return done(secret.error());
        done(stored);
    });
}

void SsoTokenStore::writeToken(const SsoSessionConfig &config, const SsoToken &token, QObject *context,
                               ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    m_keychain->writeSecret(tokenKey(config), QString::fromUtf8(tokenToJson(token)), context, [done](Outcome<bool> r) {
        if (!r)
            return done(r.error());
        done(Done{});
    });
}

void SsoTokenStore::removeToken(const SsoSessionConfig &config, QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    m_keychain->removeSecret(tokenKey(config), context, [done](Outcome<bool> r) {
        if (!r)
            return done(r.error());
        done(Done{});
    });
}

void SsoTokenStore::readRegistration(const SsoSessionConfig &config, const QString &grantType, QObject *context,
                                     ResultHandler<std::optional<SsoClientRegistration>> done)
{
    done = deliverTo(context, std::move(done));
    m_keychain->readSecret(registrationKey(config), context, [grantType, done](Outcome<QString> secret) {
        if (!secret)
            return secret.error().kind == AwsErrorKind::NotFound ? done(std::optional<SsoClientRegistration>())
                                                                 : done(secret.error());
        const QJsonObject o = registrationsFrom(secret.value()).value(grantType).toObject();
        SsoClientRegistration r;
        r.clientId = o.value(QStringLiteral("clientId")).toString();
        r.clientSecret = o.value(QStringLiteral("clientSecret")).toString();
        r.expiresAt = parseUtc(o.value(QStringLiteral("expiresAt")).toString());
        for (const QJsonValue &v : o.value(QStringLiteral("grantTypes")).toArray())
            r.grantTypes.append(v.toString());
        for (const QJsonValue &v : o.value(QStringLiteral("scopes")).toArray())
            r.scopes.append(v.toString());
        r.authorizationEndpoint = QUrl(o.value(QStringLiteral("authorizationEndpoint")).toString());
        if (r.clientId.isEmpty())
            return done(std::optional<SsoClientRegistration>());
        done(std::optional<SsoClientRegistration>(r));
    });
}

void SsoTokenStore::writeRegistration(const SsoSessionConfig &config, const QString &grantType,
                                      const SsoClientRegistration &r, QObject *context, ResultHandler<Done> done)
{
    done = deliverTo(context, std::move(done));
    const QString key = registrationKey(config);
    KeychainStore *keychain = m_keychain;
    // Read, change one grant's entry, write back: the other grant's registration stays.
    keychain->readSecret(key, context, [=](Outcome<QString> secret) {
        QJsonObject all = secret ? registrationsFrom(secret.value()) : QJsonObject();
        all.insert(grantType, QJsonObject{{QStringLiteral("clientId"), r.clientId},
                                          {QStringLiteral("clientSecret"), r.clientSecret},
                                          {QStringLiteral("expiresAt"), isoUtc(r.expiresAt)},
                                          {QStringLiteral("grantTypes"), QJsonArray::fromStringList(r.grantTypes)},
                                          {QStringLiteral("scopes"), QJsonArray::fromStringList(r.scopes)},
                                          {QStringLiteral("authorizationEndpoint"), r.authorizationEndpoint.toString()}});
        keychain->writeSecret(key, QString::fromUtf8(QJsonDocument(all).toJson(QJsonDocument::Compact)), context,
                              [done](Outcome<bool> written) {
            if (!written)
                return done(written.error());
            done(Done{});
        });
    });
}

void SsoTokenStore::forgetCached(const SsoSessionConfig &config)
{
    m_keychain->forgetCached(tokenKey(config));
    m_keychain->forgetCached(registrationKey(config));
}

} // namespace RoleDrop::Auth
