#include "core/common/http_date.h"

#include <QLocale>
#include <QTimeZone>

namespace RoleDrop {

QDateTime parseHttpDate(QByteArrayView text)
{
    QDateTime parsed = QLocale::c().toDateTime(QString::fromLatin1(text.trimmed()), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    if (!parsed.isValid())
        return {};
    parsed.setTimeZone(QTimeZone::utc());
    return parsed;
}

} // namespace RoleDrop
