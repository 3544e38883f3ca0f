#pragma once

#include "core/common/aws_error.h"

#include <optional>

namespace RoleDrop::Sts {

// A refused AssumeRole whose answer points at the session duration: AWS says ValidationError ("The requested
// DurationSeconds exceeds the MaxSessionDuration set for this role."), Ceph RGW a bare InvalidArgument. Every
// role allows one hour (MaxSessionDuration is 1 to 12 hours), so one hour is the largest value sure to work.
struct DurationAdvice
{
    QString text;               // what to change, for AwsError::advice
    int suggestedSeconds = 0;   // what to ask for instead
};

// Advice for an AssumeRole that asked for `askedSeconds` and failed with `error`; none when the error is not
// about the duration (another kind, a message naming another parameter) or one hour was not exceeded.
std::optional<DurationAdvice> adviseOnDuration(const AwsError &error, int askedSeconds);

} // namespace RoleDrop::Sts
