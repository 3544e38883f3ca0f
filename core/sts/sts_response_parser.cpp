#include "core/sts/sts_response_parser.h"

#include "core/http/error_response_parser.h"
#include "core/common/xml_reading.h"

namespace RoleDrop::Sts {

namespace {

// AWS's documented samples wrap the session token and secret over indented lines; real keys and
// tokens never contain whitespace, so all of it goes.
QString withoutWhitespace(const QString &text)
{
    QString compact;
    compact.reserve(text.size());
    for (const QChar c : text) {
        if (!c.isSpace())
            compact += c;
    }
    return compact;
}

void readCredentials(XmlResponseReader &xml, AwsCredentials &credentials)
{
    bool seenKeyId = false, seenSecret = false, seenToken = false, seenExpiration = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"AccessKeyId")) {
            if (xml.once(seenKeyId))
                credentials.accessKeyId = withoutWhitespace(xml.readText());
        } else if (xml.isNamed(u"SecretAccessKey")) {
            if (xml.once(seenSecret))
                credentials.secretAccessKey = withoutWhitespace(xml.readText());
        } else if (xml.isNamed(u"SessionToken")) {
            if (xml.once(seenToken))
                credentials.sessionToken = withoutWhitespace(xml.readText());
        } else if (xml.isNamed(u"Expiration")) {
            if (xml.once(seenExpiration))
                credentials.expiration = xml.readTimestamp(QStringLiteral("Expiration"));
        } else {
            xml.skipElement();
        }
    }
    if (xml.hasError())
        return;
    if (credentials.accessKeyId.isEmpty())
        xml.fail(QStringLiteral("<Credentials> has no AccessKeyId"));
    else if (credentials.secretAccessKey.isEmpty())
        xml.fail(QStringLiteral("<Credentials> has no SecretAccessKey"));
    else if (credentials.sessionToken.isEmpty())
        xml.fail(QStringLiteral("<Credentials> has no SessionToken"));
    else if (!credentials.expiration.isValid())
        xml.fail(QStringLiteral("<Credentials> has no Expiration"));
}

void readAssumedRoleUser(XmlResponseReader &xml, AssumedRoleUser &user)
{
    bool seenArn = false, seenId = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Arn")) {
            if (xml.once(seenArn))
                user.arn = xml.readText();
        } else if (xml.isNamed(u"AssumedRoleId") || xml.isNamed(u"AssumeRoleId")) {
            // Ceph RGW (16.2) spells it AssumeRoleId.
            if (xml.once(seenId))
                user.assumedRoleId = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && user.arn.isEmpty())
        xml.fail(QStringLiteral("<AssumedRoleUser> has no Arn"));
}

// <Credentials> inside the <...Result> element: the part shared by AssumeRole and GetSessionToken.
bool readCredentialsElement(XmlResponseReader &xml, bool &seenCredentials, AwsCredentials &credentials)
{
    if (!xml.isNamed(u"Credentials"))
        return false;
    if (xml.once(seenCredentials))
        readCredentials(xml, credentials);
    return true;
}

void requireCredentials(XmlResponseReader &xml, bool seenCredentials, const QString &resultElement)
{
    if (!xml.hasError() && !seenCredentials)
        xml.fail(QStringLiteral("<%1> has no <Credentials>").arg(resultElement));
}

// What AssumeRole and AssumeRoleWithWebIdentity answer alike: credentials, the assumed-role user, the policy size
// and the source identity. True when the element was one of them (read, or skipped as a repeat).
struct RoleSessionSeen
{
    bool credentials = false, user = false, size = false, source = false;
};

template <class Result>
bool readRoleSessionElement(XmlResponseReader &xml, RoleSessionSeen &seen, Result &result)
{
    if (readCredentialsElement(xml, seen.credentials, result.credentials))
        return true;
    if (xml.isNamed(u"AssumedRoleUser")) {
        if (xml.once(seen.user))
            readAssumedRoleUser(xml, result.assumedRoleUser);
    } else if (xml.isNamed(u"PackedPolicySize")) {
        if (xml.once(seen.size))
            result.packedPolicySize = xml.readNonNegativeInt(QStringLiteral("PackedPolicySize")).value_or(-1);
    } else if (xml.isNamed(u"SourceIdentity")) {
        if (xml.once(seen.source))
            result.sourceIdentity = xml.readText();
    } else {
        return false;
    }
    return true;
}

void readAssumeRoleResult(XmlResponseReader &xml, AssumeRoleResult &result)
{
    RoleSessionSeen seen;
    while (xml.readNextChild()) {
        if (!readRoleSessionElement(xml, seen, result))
            xml.skipElement();
    }
    requireCredentials(xml, seen.credentials, QStringLiteral("AssumeRoleResult"));
}

void readWebIdentityResult(XmlResponseReader &xml, AssumeRoleWithWebIdentityResult &result)
{
    RoleSessionSeen seen;
    bool seenSubject = false, seenAudience = false, seenProvider = false;
    while (xml.readNextChild()) {
        if (readRoleSessionElement(xml, seen, result))
            continue;
        if (xml.isNamed(u"SubjectFromWebIdentityToken")) {
            if (xml.once(seenSubject))
                result.subjectFromWebIdentityToken = xml.readText();
        } else if (xml.isNamed(u"Audience")) {
            if (xml.once(seenAudience))
                result.audience = xml.readText();
        } else if (xml.isNamed(u"Provider")) {
            if (xml.once(seenProvider))
                result.provider = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    requireCredentials(xml, seen.credentials, QStringLiteral("AssumeRoleWithWebIdentityResult"));
}

void readSessionTokenResult(XmlResponseReader &xml, SessionTokenResult &result)
{
    bool seenCredentials = false;
    while (xml.readNextChild()) {
        if (!readCredentialsElement(xml, seenCredentials, result.credentials))
            xml.skipElement();
    }
    requireCredentials(xml, seenCredentials, QStringLiteral("GetSessionTokenResult"));
}

void readCallerIdentityResult(XmlResponseReader &xml, CallerIdentity &result)
{
    bool seenArn = false, seenUserId = false, seenAccount = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(u"Arn")) {
            if (xml.once(seenArn))
                result.arn = xml.readText();
        } else if (xml.isNamed(u"UserId")) {
            if (xml.once(seenUserId))
                result.userId = xml.readText();
        } else if (xml.isNamed(u"Account")) {
            if (xml.once(seenAccount))
                result.account = xml.readText();
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && result.arn.isEmpty())
        xml.fail(QStringLiteral("<GetCallerIdentityResult> has no Arn"));
}

// <{Action}Response><{Action}Result>...</{Action}Result><ResponseMetadata/></{Action}Response>
template <class Result>
Outcome<Result> parseStsResponse(const QByteArray &body, const QString &action,
                                 void (*readResult)(XmlResponseReader &, Result &))
{
    XmlResponseReader xml(body, action, XmlResponseReader::Content::HoldsSecrets);
    if (!xml.readRoot())
        return xml.error();
    if (xml.rootIsErrorDocument())
        return Http::parseErrorDocumentInSuccess(200, body, action);
    if (!xml.expectRoot(QString(action + QLatin1String("Response"))))
        return xml.error();

    const QString resultElement = action + QLatin1String("Result");
    Result result;
    bool seenResult = false;
    while (xml.readNextChild()) {
        if (xml.isNamed(resultElement)) {
            if (xml.once(seenResult))
                readResult(xml, result);
        } else {
            xml.skipElement();
        }
    }
    if (!xml.hasError() && !seenResult)
        xml.fail(QStringLiteral("<%1> is missing").arg(resultElement));
    if (!xml.readToEnd())
        return xml.error();
    return result;
}

} // namespace

Outcome<AssumeRoleResult> parseAssumeRoleResponse(const QByteArray &body)
{
    return parseStsResponse<AssumeRoleResult>(body, QStringLiteral("AssumeRole"), readAssumeRoleResult);
}

Outcome<AssumeRoleWithWebIdentityResult> parseAssumeRoleWithWebIdentityResponse(const QByteArray &body)
{
    return parseStsResponse<AssumeRoleWithWebIdentityResult>(body, QStringLiteral("AssumeRoleWithWebIdentity"),
                                                             readWebIdentityResult);
}

Outcome<SessionTokenResult> parseGetSessionTokenResponse(const QByteArray &body)
{
    return parseStsResponse<SessionTokenResult>(body, QStringLiteral("GetSessionToken"), readSessionTokenResult);
}

Outcome<CallerIdentity> parseGetCallerIdentityResponse(const QByteArray &body)
{
    return parseStsResponse<CallerIdentity>(body, QStringLiteral("GetCallerIdentity"), readCallerIdentityResult);
}

} // namespace RoleDrop::Sts
