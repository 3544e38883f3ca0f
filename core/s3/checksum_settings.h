#pragma once

#include "core/common/checksum.h"
#include "core/common/outcome.h"

#include <QString>

namespace RoleDrop::S3 {

// When the AWS SDKs (botocore 1.36+, aws-cli 2.23+) add flexible checksums: "when_supported" (the default)
// on every operation that takes one, "when_required" only where the operation demands one or the user named
// an algorithm. The second exists for S3-compatible servers that refuse the headers.
enum class ChecksumWhen { WhenSupported, WhenRequired };

// What an S3 client does about checksums, from the AWS settings of the profile:
//   request_checksum_calculation / AWS_REQUEST_CHECKSUM_CALCULATION: uploads send a CRC (x-amz-checksum-*) that
//     the server verifies, or (when_required) none;
//   response_validation / AWS_RESPONSE_CHECKSUM_VALIDATION: downloads ask for the stored checksum
//     (x-amz-checksum-mode: ENABLED) and verify it, or (when_required) do not.
struct ChecksumSettings
{
    ChecksumWhen requestCalculation = ChecksumWhen::WhenSupported;
    ChecksumWhen responseValidation = ChecksumWhen::WhenSupported;

    bool calculatesRequestChecksums() const { return requestCalculation == ChecksumWhen::WhenSupported; }
    bool validatesResponses() const { return responseValidation == ChecksumWhen::WhenSupported; }

    // The environment wins over the profile's values (botocore's order); empty means unset. An unknown value is
    // refused naming the setting and what it may be, as botocore refuses it.
    static Outcome<ChecksumSettings> resolve(const QString &profileRequestCalculation, const QString &profileResponseValidation);
};

// "when_supported" / "when_required" (any case, surrounding blanks ignored); nothing otherwise.
std::optional<ChecksumWhen> parseChecksumWhen(const QString &text);

// The algorithm uploads use when none is named: CRC64NVME, as aws-cli v2 and S3 itself default to.
inline constexpr ChecksumAlgorithm defaultChecksumAlgorithm = ChecksumAlgorithm::Crc64Nvme;

} // namespace RoleDrop::S3
