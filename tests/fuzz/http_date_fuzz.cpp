// libFuzzer target for core/common/http_date (parseHttpDate): the input is the header value. A date it
// accepts is UTC and comes back the same from its own IMF-fixdate form.

#include "core/common/http_date.h"

#include "fuzz_check.h"

#include <QLocale>

using namespace RoleDrop;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QDateTime parsed = parseHttpDate(text);
    if (!parsed.isValid())
        return 0;
    const QString context = QStringLiteral("'%1' -> %2").arg(QString::fromLatin1(text), parsed.toString(Qt::ISODateWithMs));
    FUZZ_CHECK(Fuzz::isUtc(parsed), context);
    FUZZ_CHECK(parsed.time().msec() == 0, context);
    const QByteArray formatted = QLocale::c().toString(parsed, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'")).toLatin1();
    const QDateTime again = parseHttpDate(formatted);
    FUZZ_CHECK(again.isValid() && again == parsed, context + QStringLiteral(" but '%1' -> %2")
                                                        .arg(QString::fromLatin1(formatted), again.toString(Qt::ISODateWithMs)));
    return 0;
}
