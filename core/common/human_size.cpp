#include "core/common/human_size.h"

#include <QCoreApplication>

namespace RoleDrop {

QString humanSize(qint64 bytes, const QLocale &locale)
{
    if (bytes < 0)
        return QString();
    if (bytes < 1024)
        // Spelled out rather than a %n form: core has no translator, and the CLI's unit tests read this.
        return bytes == 1 ? QCoreApplication::translate("HumanSize", "1 byte")
                          : QCoreApplication::translate("HumanSize", "%1 bytes").arg(locale.toString(bytes));
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    // 1023.96 KiB would round up to "1024 KiB": that is the next unit's 1.0.
    if (value >= 1023.5 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    const int decimals = value < 9.95 ? 1 : 0;
    return QStringLiteral("%1 %2").arg(locale.toString(value, 'f', decimals), QLatin1String(units[unit]));
}

} // namespace RoleDrop
