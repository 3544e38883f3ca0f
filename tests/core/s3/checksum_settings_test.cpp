// request_checksum_calculation / response_checksum_validation as botocore reads them: when_supported by
// default, the environment (AWS_REQUEST_CHECKSUM_CALCULATION, AWS_RESPONSE_CHECKSUM_VALIDATION) over the
// profile's value, any case, and an unknown value refused naming the setting. Also read from ~/.aws/config.
#include "core/auth/aws_config_file.h"
#include "core/s3/checksum_settings.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace RoleDrop;
using S3::ChecksumSettings;
using S3::ChecksumWhen;

namespace {

// Sets (or clears, for an empty value) an environment variable for the scope of one check.
class ScopedEnvironment
{
public:
    ScopedEnvironment(const char *name, const QByteArray &value) : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        value.isNull() ? qunsetenv(name) : qputenv(name, value);
    }
    ~ScopedEnvironment() { m_had ? qputenv(m_name, m_old) : qunsetenv(m_name); }
    Q_DISABLE_COPY_MOVE(ScopedEnvironment)

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class ChecksumSettingsTest final : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        qunsetenv("AWS_REQUEST_CHECKSUM_CALCULATION");
        qunsetenv("AWS_RESPONSE_CHECKSUM_VALIDATION");
    }

    void defaultsAreWhenSupported()
    {
        const auto settings = ChecksumSettings::resolve(QString(), QString());
        QVERIFY(settings);
        QVERIFY(settings->calculatesRequestChecksums());
        QVERIFY(settings->validatesResponses());
        QCOMPARE(S3::defaultChecksumAlgorithm, ChecksumAlgorithm::Crc64Nvme);
    }

    void profileValues()
    {
        const auto settings = ChecksumSettings::resolve(QStringLiteral("when_required"), QStringLiteral(" WHEN_REQUIRED "));
        QVERIFY(settings);
        QVERIFY(!settings->calculatesRequestChecksums());
        QVERIFY(!settings->validatesResponses());
        const auto mixed = ChecksumSettings::resolve(QStringLiteral("when_supported"), QStringLiteral("when_required"));
        QVERIFY(mixed->calculatesRequestChecksums());
        QVERIFY(!mixed->validatesResponses());
    }

    void theEnvironmentWins()
    {
        const ScopedEnvironment request("AWS_REQUEST_CHECKSUM_CALCULATION", "when_required");
        const ScopedEnvironment response("AWS_RESPONSE_CHECKSUM_VALIDATION", "When_Supported");
        const auto settings = ChecksumSettings::resolve(QStringLiteral("when_supported"), QStringLiteral("when_required"));
        QVERIFY(settings);
        QVERIFY(!settings->calculatesRequestChecksums());
        QVERIFY(settings->validatesResponses());
    }

    void unknownValuesAreRefusedByName()
    {
        const auto fromProfile = ChecksumSettings::resolve(QStringLiteral("always"), QString());
        QVERIFY(!fromProfile);
        QCOMPARE(fromProfile.error().kind, AwsErrorKind::Validation);
        QVERIFY2(fromProfile.error().message.contains(QLatin1String("request_checksum_calculation is 'always'")), qPrintable(fromProfile.error().message));
        QVERIFY(fromProfile.error().message.contains(QLatin1String("when_required")));

        const ScopedEnvironment response("AWS_RESPONSE_CHECKSUM_VALIDATION", "never");
        const auto fromEnvironment = ChecksumSettings::resolve(QString(), QString());
        QVERIFY(!fromEnvironment);
        QVERIFY2(fromEnvironment.error().message.contains(QLatin1String("AWS_RESPONSE_CHECKSUM_VALIDATION is 'never'")),
                 qPrintable(fromEnvironment.error().message));
    }

    void parsing()
    {
        QCOMPARE(S3::parseChecksumWhen(QStringLiteral("when_supported")), ChecksumWhen::WhenSupported);
        QCOMPARE(S3::parseChecksumWhen(QStringLiteral("WHEN_REQUIRED\n")), ChecksumWhen::WhenRequired);
        QVERIFY(!S3::parseChecksumWhen(QStringLiteral("when-required")).has_value());
        QVERIFY(!S3::parseChecksumWhen(QString()).has_value());
    }

    // The settings come from ~/.aws/config like the others, per profile.
    void readFromTheAwsConfigFile()
    {
        QTemporaryDir dir;
        const QString config = dir.filePath(QStringLiteral("config"));
        QFile file(config);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[default]\nregion = us-east-1\n\n[profile rgw]\nrequest_checksum_calculation = when_required\n"
                   "response_checksum_validation = WHEN_REQUIRED\nendpoint_url = http://127.0.0.1:7480\n");
        file.close();
        const Auth::AwsSharedConfig loaded = Auth::AwsSharedConfig::load(config, dir.filePath(QStringLiteral("none")));
        QCOMPARE(loaded.profile(QStringLiteral("rgw"))->requestChecksumCalculation, QStringLiteral("when_required"));
        QCOMPARE(loaded.profile(QStringLiteral("rgw"))->responseChecksumValidation, QStringLiteral("WHEN_REQUIRED"));
        QVERIFY(loaded.profile(QStringLiteral("default"))->requestChecksumCalculation.isEmpty());
        const auto settings = ChecksumSettings::resolve(loaded.profile(QStringLiteral("rgw"))->requestChecksumCalculation,
                                                        loaded.profile(QStringLiteral("rgw"))->responseChecksumValidation);
        QVERIFY(settings);
        QVERIFY(!settings->calculatesRequestChecksums());
        QVERIFY(!settings->validatesResponses());
    }
};

QTEST_GUILESS_MAIN(ChecksumSettingsTest)
#include "checksum_settings_test.moc"
