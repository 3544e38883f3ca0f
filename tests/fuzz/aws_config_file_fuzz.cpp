// libFuzzer target for core/auth/aws_config_file (AwsSharedConfig: ~/.aws/config and credentials merged,
// source_profile chains resolved). The input is the config file, a NUL byte, then the credentials file.
// AwsSharedConfig only reads files, so both are written to a private folder first (in /dev/shm when there is
// one). Besides not crashing: profiles are unique and named, every chain is finite and follows
// source_profile, and no problem quotes a secret key or session token.

#include "core/auth/aws_config_file.h"
#include "core/auth/ini_parser.h"

#include "fuzz_check.h"

#include <QDir>
#include <QFile>
#include <QSet>
#include <QTemporaryDir>

using namespace RoleDrop;
using namespace RoleDrop::Auth;

namespace {

// Chains cost a profile lookup per link: enough names to reach every path, few enough to stay fast.
constexpr int kMaxResolvedProfiles = 64;

struct Files
{
    QTemporaryDir dir{(QDir(QStringLiteral("/dev/shm")).exists() ? QStringLiteral("/dev/shm") : QDir::tempPath())
                      + QStringLiteral("/roledrop-aws-config-fuzz-XXXXXX")};
    QString config = dir.filePath(QStringLiteral("config"));
    QString credentials = dir.filePath(QStringLiteral("credentials"));
};

const Files &files()
{
    static const Files instance;
    if (!instance.dir.isValid())
        Fuzz::fail(__FILE__, __LINE__, "dir.isValid()", instance.dir.errorString());
    return instance;
}

void write(const QString &path, const QByteArray &content)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size())
        Fuzz::fail(__FILE__, __LINE__, "write", file.errorString());
}

AwsSharedConfig load(const QByteArray &config, const QByteArray &credentials)
{
    write(files().config, config);
    write(files().credentials, credentials);
    return AwsSharedConfig::load(files().config, files().credentials);
}

void checkChain(const AwsSharedConfig &config, const QString &name)
{
    const auto chain = config.resolveChain(name);
    if (!chain) {
        Fuzz::checkError(chain.error(), "resolveChain");
        FUZZ_CHECK(chain.error().kind == AwsErrorKind::Validation, chain.error().message);
        return;
    }
    const QList<AwsConfigProfile> &links = chain.value();
    FUZZ_CHECK(!links.isEmpty() && links.first().name == name, QStringLiteral("chain of %1 does not start with it").arg(name));
    QSet<QString> seen;
    for (qsizetype i = 0; i < links.size(); ++i) {
        const AwsConfigProfile &link = links.at(i);
        FUZZ_CHECK(!seen.contains(link.name), QStringLiteral("chain of %1 visits %2 twice").arg(name, link.name));
        seen.insert(link.name);
        if (i + 1 < links.size()) {
            FUZZ_CHECK(!link.roleArn.isEmpty() && link.sourceProfile == links.at(i + 1).name,
                       QStringLiteral("chain of %1: %2 does not lead to %3").arg(name, link.name, links.at(i + 1).name));
        } else {
            // The base: no role to assume, a credential_source, or a profile that is its own source with keys.
            FUZZ_CHECK(link.roleArn.isEmpty() || !link.credentialSource.isEmpty()
                           || (link.sourceProfile == link.name && link.hasStaticCredentials()),
                       QStringLiteral("chain of %1 ends at %2, which still needs a source").arg(name, link.name));
        }
    }
}

// The secret values of a file, with where they are, so a problem quoting one can be recognised.
struct Secret
{
    qsizetype from, to;
};

QList<Secret> secretsIn(const QByteArray &content)
{
    QList<Secret> secrets;
    const auto lines = Fuzz::iniLineSpans(content);
    const IniDocument doc = parseIni(content, QStringLiteral("x"));
    for (const IniSection &section : doc.sections) {
        for (const char *key : {"aws_secret_access_key", "aws_session_token"}) {
            const IniValue value = section.properties.value(QLatin1String(key));
            if (value.value.size() < 8 || value.value.contains(QLatin1Char('\n')) || value.line < 1 || value.line > lines.size())
                continue;
            // On its own line, after the '=': the same text may also be a section name elsewhere.
            const auto [from, to] = lines.at(value.line - 1);
            const qsizetype equals = content.indexOf('=', from);
            const QByteArray utf8 = value.value.toUtf8();
            const qsizetype at = equals < 0 || equals >= to ? -1 : content.indexOf(utf8, equals + 1);
            if (at >= 0 && at + utf8.size() <= to)
                secrets.append({at, at + utf8.size()});
        }
    }
    return secrets;
}

bool anyProblemContains(const AwsSharedConfig &config, const QString &text)
{
    for (const QString &problem : config.problems()) {
        if (problem.contains(text))
            return true;
    }
    return false;
}

void checkNoSecretQuoted(const AwsSharedConfig &config, const QByteArray &configText, const QByteArray &credentialsText)
{
    for (const bool inCredentials : {false, true}) {
        const QByteArray &content = inCredentials ? credentialsText : configText;
        for (const Secret &secret : secretsIn(content)) {
            const QString text = QString::fromUtf8(content.mid(secret.from, secret.to - secret.from));
            if (!anyProblemContains(config, text))
                continue;
            const QByteArray other = Fuzz::rotated(content, secret.from, secret.to);
            const QByteArray otherBytes = other.mid(secret.from, secret.to - secret.from);
            const QString otherText = QString::fromUtf8(otherBytes);
            // Either file may hold the same text elsewhere, in a section name a problem may show.
            if (otherText == text || !Fuzz::occursOnlyAt(content, content.mid(secret.from, secret.to - secret.from), secret.from)
                || !Fuzz::occursOnlyAt(other, otherBytes, secret.from) || configText.contains(otherBytes)
                || credentialsText.contains(otherBytes) || (inCredentials ? configText : credentialsText).contains(text.toUtf8()))
                continue;
            const AwsSharedConfig otherConfig = inCredentials ? load(configText, other) : load(other, credentialsText);
            FUZZ_CHECK(!anyProblemContains(otherConfig, otherText), QStringLiteral("a problem quotes a secret: %1")
                                                                        .arg(otherConfig.problems().join(QLatin1Char('\n'))));
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = Fuzz::bytes(data, size);
    const qsizetype nul = input.indexOf('\0');
    const QByteArray configText = nul < 0 ? input : input.left(nul);
    const QByteArray credentialsText = nul < 0 ? QByteArray() : input.mid(nul + 1);

    const AwsSharedConfig config = load(configText, credentialsText);
    const QStringList names = config.profileNames();
    FUZZ_CHECK(QSet<QString>(names.cbegin(), names.cend()).size() == names.size(), names.join(QLatin1Char(',')));
    for (qsizetype i = 0; i < names.size(); ++i) {
        const QString &name = names.at(i);
        FUZZ_CHECK(!name.isEmpty(), QStringLiteral("a profile without a name"));
        const auto profile = config.profile(name);
        FUZZ_CHECK(profile && profile->name == name, QStringLiteral("profile(%1) does not find it").arg(name));
        FUZZ_CHECK(profile->durationSeconds >= 0, QStringLiteral("%1: duration %2").arg(name).arg(profile->durationSeconds));
        if (i < kMaxResolvedProfiles)
            checkChain(config, name);
    }
    for (const QString &problem : config.problems())
        FUZZ_CHECK(!problem.isEmpty(), QStringLiteral("an empty problem"));
    checkNoSecretQuoted(config, configText, credentialsText);
    return 0;
}
