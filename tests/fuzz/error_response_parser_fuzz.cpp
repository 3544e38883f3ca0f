// libFuzzer target for core/http/error_response_parser: the first byte picks the HTTP status (modulo 16, so
// '@' is 0 and 'A'..'O' are 200, 301, 307, 400, 401, 403, 404, 405, 408, 409, 412, 416, 429, 500, 503), the
// rest is the body. The parser never fails: it always yields a real error, keeps the status, and copies at
// most a bounded Code, Message and RequestId.

#include "core/http/error_response_parser.h"

#include "fuzz_check.h"

using namespace RoleDrop;

namespace {

void checkFields(const AwsError &error, int status, const char *what)
{
    Fuzz::checkError(error, what);
    FUZZ_CHECK(error.code.size() <= 256, QStringLiteral("%1: a Code of %2 characters").arg(QLatin1String(what)).arg(error.code.size()));
    FUZZ_CHECK(error.requestId.size() <= 256, QStringLiteral("%1: a RequestId of %2 characters").arg(QLatin1String(what)).arg(error.requestId.size()));
    FUZZ_CHECK(error.message.size() <= 4096, QStringLiteral("%1: a Message of %2 characters").arg(QLatin1String(what)).arg(error.message.size()));
    for (const QString &field : {error.code, error.requestId})
        FUZZ_CHECK(field.isEmpty() || !field.front().isSpace(), QStringLiteral("%1: untrimmed field '%2'").arg(QLatin1String(what), field));
    if (!error.code.isEmpty()) {
        FUZZ_CHECK(error.httpStatus == status, QStringLiteral("%1: status %2, expected %3").arg(QLatin1String(what)).arg(error.httpStatus).arg(status));
        FUZZ_CHECK(error.kind == AwsError::kindFromCode(error.code, error.message, status),
                   QStringLiteral("%1: kind does not follow from code %2").arg(QLatin1String(what), error.code));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const int statuses[16] = {0, 200, 301, 307, 400, 401, 403, 404, 405, 408, 409, 412, 416, 429, 500, 503};
    const int status = statuses[data[0] % 16];
    const QByteArray body = Fuzz::bytes(data + 1, size - 1);

    const AwsError error = Http::parseErrorResponse(status, body);
    checkFields(error, status, "parseErrorResponse");
    FUZZ_CHECK(error.httpStatus == status, QStringLiteral("status %1, expected %2").arg(error.httpStatus).arg(status));

    const AwsError inSuccess = Http::parseErrorDocumentInSuccess(200, body, QStringLiteral("FuzzedOperation"));
    checkFields(inSuccess, 200, "parseErrorDocumentInSuccess");
    FUZZ_CHECK(!inSuccess.code.isEmpty() || inSuccess.kind == AwsErrorKind::MalformedResponse,
               QStringLiteral("an error document without a code is not a MalformedResponse"));
    // The same document gives the same code whatever the status.
    FUZZ_CHECK(inSuccess.code == error.code, QStringLiteral("code %1 with 200, %2 with %3").arg(inSuccess.code, error.code).arg(status));
    return 0;
}
