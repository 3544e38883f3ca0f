#include "core/sts/assume_role_advice.h"

#include "core/sts/sts_requests.h"

namespace RoleDrop::Sts {

namespace {

QString hoursAndSeconds(int seconds)
{
    if (seconds % 3600 == 0)
        return seconds == 3600 ? QStringLiteral("1 hour (3600 s)")
                               : QStringLiteral("%1 hours (%2 s)").arg(seconds / 3600).arg(seconds);
    return QStringLiteral("%1 s").arg(seconds);
}

} // namespace

std::optional<DurationAdvice> adviseOnDuration(const AwsError &error, int askedSeconds)
{
    if (error.kind != AwsErrorKind::InvalidParameter || askedSeconds <= StsLimits::roleChainingMaxDuration)
        return std::nullopt;
    // AWS names the parameter; RGW says nothing. A message about something else is left as it is.
    if (!error.message.isEmpty() && !error.message.contains(QLatin1String("Duration"), Qt::CaseInsensitive))
        return std::nullopt;
    DurationAdvice advice;
    advice.suggestedSeconds = StsLimits::roleChainingMaxDuration;
    advice.text = QStringLiteral("The role's maximum session duration may be lower than the %1 asked: ask for %2, "
                                 "which every role allows.")
                      .arg(hoursAndSeconds(askedSeconds), hoursAndSeconds(advice.suggestedSeconds));
    return advice;
}

} // namespace RoleDrop::Sts
