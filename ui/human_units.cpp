#include "ui/human_units.h"

#include <QCoreApplication>
#include <QLocale>

namespace RoleDrop::Ui {

QString humanSize(qint64 bytes)
{
    if (bytes < 0)
        return QString();
    if (bytes < 1024)
        return bytes == 1 ? QCoreApplication::translate("HumanUnits", "1 byte") : QCoreApplication::translate("HumanUnits", "%1 bytes").arg(bytes);
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    double value = double(bytes);
    int unit = -1;
    while (value >= 1024.0 && unit < 5) {
        value /= 1024.0;
        ++unit;
    }
    // One decimal below 10 keeps "1.5 MiB" readable without showing noise like "512.3 MiB".
    const int decimals = value < 10.0 ? 1 : 0;
    return QStringLiteral("%1 %2").arg(QLocale().toString(value, 'f', decimals), QLatin1String(units[unit]));
}

QString humanTime(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    return QLocale().toString(time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString humanDuration(qint64 seconds)
{
    if (seconds % 86400 == 0 && seconds >= 86400)
        return QCoreApplication::translate("HumanUnits", "%n day(s)", nullptr, int(seconds / 86400));
    if (seconds % 3600 == 0 && seconds >= 3600)
        return QCoreApplication::translate("HumanUnits", "%n h", nullptr, int(seconds / 3600));
    if (seconds % 60 == 0 && seconds >= 60)
        return QCoreApplication::translate("HumanUnits", "%n min", nullptr, int(seconds / 60));
    return QCoreApplication::translate("HumanUnits", "%n s", nullptr, int(seconds));
}

} // namespace RoleDrop::Ui
