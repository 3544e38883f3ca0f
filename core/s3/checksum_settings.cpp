#include "core/s3/checksum_settings.h"

namespace RoleDrop::S3 {

std::optional<ChecksumWhen> parseChecksumWhen(const QString &text)
{
    const QString value = text.trimmed().toLower();
    if (value == QLatin1String("when_supported"))
        return ChecksumWhen::WhenSupported;
    if (value == QLatin1String("when_required"))
        return ChecksumWhen::WhenRequired;
    return std::nullopt;
}

namespace {

// One setting: the environment variable if set, else the profile's value, else the default.
Outcome<ChecksumWhen> settingOf(const char *variable, const QString &profileValue, const QString &configName)
{
    const QString fromEnvironment = qEnvironmentVariable(variable);
    const bool useEnvironment = !fromEnvironment.trimmed().isEmpty();
    const QString value = useEnvironment ? fromEnvironment : profileValue;
    if (value.trimmed().isEmpty())
        return ChecksumWhen::WhenSupported;
    if (const auto when = parseChecksumWhen(value))
        return *when;
    return AwsError::validation(QStringLiteral("%1 is '%2'; it may be when_supported (the default) or when_required")
                                    .arg(useEnvironment ? QString::fromLatin1(variable) : configName, value.trimmed().left(40)));
}

} // namespace

Outcome<ChecksumSettings> ChecksumSettings::resolve(const QString &profileRequestCalculation, const QString &profileResponseValidation)
{
    const auto request = settingOf("AWS_REQUEST_CHECKSUM_CALCULATION", profileRequestCalculation,
                                   QStringLiteral("request_checksum_calculation"));
    if (!request)
        return request.error();
    const auto response = settingOf("AWS_RESPONSE_CHECKSUM_VALIDATION", profileResponseValidation,
                                    QStringLiteral("response_checksum_validation"));
    if (!response)
        return response.error();
    return ChecksumSettings{request.value(), response.value()};
}

} // namespace RoleDrop::S3
