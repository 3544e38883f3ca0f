#include "ui/human_units.h"

#include <QCoreApplication>
#include <QLocale>

namespace RoleDrop::Ui {

QString humanTime(const QDateTime &time)
{
    if (!time.isValid())
        return QString();
    return QLocale().toString(time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

QString humanDuration(qint64 seconds)
{
    if (seconds % 86400 == 0 && seconds >= 86400)
        return QCoreApplication::translate("HumanUnits", "%n day(s)", nullptr, int(seconds / 86400));
    if (seconds % 3600 == 0 && seconds >= 3600)
        return QCoreApplication::translate("HumanUnits", "%n hour(s)", nullptr, int(seconds / 3600));
    if (seconds % 60 == 0 && seconds >= 60)
        return QCoreApplication::translate("HumanUnits", "%n min", nullptr, int(seconds / 60));
    return QCoreApplication::translate("HumanUnits", "%n s", nullptr, int(seconds));
}

} // namespace RoleDrop::Ui
